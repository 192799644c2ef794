//! Every response the suite sees through `TestApp::call`, `get_json` and `search` is checked
//! against the committed OpenAPI document: the status must be documented for the operation
//! (or, for an error, be a problem+json), and the body must validate against the documented
//! schema, with its `$ref`s resolved locally (JSON Schema 2020-12, as OpenAPI 3.1 uses).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use serde_json::{Value, json};

static DOCUMENT: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap());

/// The HSDS API's own document (`/api/v1/hsds/`, see `src/api/hsds.rs`).
static HSDS_DOCUMENT: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(include_str!("../../openapi/hsds.json")).unwrap());

static VALIDATORS: LazyLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The documented path template for `path` (`/beheer/aanbod/12` → `/beheer/aanbod/{id}`):
/// of the templates that match, the one with the most literal segments.
fn template_for(document: &Value, path: &str) -> Option<String> {
    if path.is_empty() || path == "/" {
        return document["paths"].get("/").map(|_| "/".to_string());
    }
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    document["paths"]
        .as_object()?
        .keys()
        .filter_map(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (t, s) in parts.iter().zip(&segments) {
                if t.starts_with('{') {
                    if s.is_empty() {
                        return None;
                    }
                } else if t == s {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, template.clone()))
        })
        .max()
        .map(|(_, t)| t)
}

fn validator(document: &Value, key: &str, schema: &Value) -> Arc<jsonschema::Validator> {
    let mut cache = VALIDATORS.lock().unwrap();
    cache
        .entry(key.to_string())
        .or_insert_with(|| {
            // The components travel with the schema, so `#/components/...` resolves here.
            let root = json!({"components": document["components"], "allOf": [schema]});
            Arc::new(jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("{key}: {e}")))
        })
        .clone()
}

/// Checks one response of the API against the document; anything outside `/api/v1` passes.
pub fn check(method: &str, path_and_query: &str, status: u16, content_type: &str, body: &Value) {
    let path = path_and_query.split('?').next().unwrap_or("");
    let Some(api_path) = path.strip_prefix("/api/v1") else {
        return;
    };
    if api_path == "/openapi.json" || api_path == "/hsds/openapi.json" {
        return;
    }
    let (document, api_path): (&Value, &str) = match api_path.strip_prefix("/hsds") {
        Some(rest) => (&HSDS_DOCUMENT, rest),
        None => (&DOCUMENT, api_path),
    };
    let Some(template) = template_for(document, api_path) else {
        assert!(
            status == 404 || status == 405,
            "{method} {path}: {status} on an undocumented path"
        );
        return;
    };
    let operation = &document["paths"][&template][method.to_lowercase()];
    if operation.is_null() {
        assert_eq!(status, 405, "{method} {template} is not documented");
        return;
    }
    let response = &operation["responses"][status.to_string()];
    let media = content_type.split(';').next().unwrap_or("").trim();
    let schema = if response.is_null() {
        assert!(
            status >= 400 && media == "application/problem+json",
            "{method} {template}: status {status} is not documented"
        );
        json!({"$ref": "#/components/schemas/Problem"})
    } else {
        let content = &response["content"];
        if content.is_null() || body.is_null() {
            assert!(
                body.is_null() || content.is_null() && status == 204,
                "{method} {template} {status}: a body where none is documented"
            );
            return;
        }
        let schema = &content[media]["schema"];
        assert!(
            !schema.is_null(),
            "{method} {template} {status}: {media} is not documented ({})",
            content
        );
        schema.clone()
    };
    let key = format!(
        "{method} {path_prefix}{template} {status} {media}",
        path_prefix = if std::ptr::eq(document, &*HSDS_DOCUMENT) {
            "/hsds"
        } else {
            ""
        }
    );
    let v = validator(document, &key, &schema);
    let errors: Vec<String> = v
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect();
    assert!(
        errors.is_empty(),
        "{key}: the body breaks the document: {errors:?}\n{body}"
    );
}

#[test]
fn the_checker_refuses_what_the_document_does_not_allow() {
    let fails = |method: &'static str, path: &'static str, status: u16, body: Value| {
        std::panic::catch_unwind(|| check(method, path, status, "application/json", &body)).is_err()
    };
    // A search answer without its required fields, or with a wrong type.
    assert!(fails(
        "GET",
        "/api/v1/aanbod?q=x",
        200,
        json!({"totaal": 1})
    ));
    assert!(fails(
        "GET",
        "/api/v1/verwijslijsten/3",
        200,
        json!({"id": "drie"})
    ));
    // A status the operation does not document.
    assert!(fails("GET", "/api/v1/themas", 201, json!([])));
    // What the document allows passes.
    let ok = std::panic::catch_unwind(|| {
        check(
            "GET",
            "/api/v1/gedeelde-verwijslijsten/abc",
            200,
            "application/json",
            &json!({"aangemaakt": "2026-12-02T10:00:00.000Z",
                    "geldigTot": "2027-01-01T10:00:00.000Z", "aanbod": []}),
        )
    });
    assert!(ok.is_ok());
}
