#!/usr/bin/env python3
"""Writes openapi/hsds.json: the OpenAPI document of Wegwijzer's read-only HSDS 3.0 API
(`/api/v1/hsds/`), from the vendored HSDS JSON Schemas (vendor/hsds-3.0, CC BY-SA 4.0).

The HSDS objects become component schemas (their relative `$ref`s pointed at the components,
the standard's table-packaging keywords left out); the paths say exactly which parameters the
server accepts (src/api/hsds.rs) and what it answers. Run after changing either:

    python3 scripts/hsds-openapi.py
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "vendor" / "hsds-3.0" / "schema"
OUT = ROOT / "openapi" / "hsds.json"

# Must match src/api/hsds.rs.
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
MAX_PAGE = 10_000

# Keywords of the standard's tabular packaging: not JSON Schema, left out.
PACKAGING = {"name", "path", "datapackage_metadata", "datapackage_type", "constraints",
             "core", "tabular_required"}


def clean(node):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.endswith(".json"):
                out[key] = "#/components/schemas/" + value[:-5]
            elif key in PACKAGING and not isinstance(value, dict):
                continue
            elif key in PACKAGING and key != "properties":
                continue
            elif key == "properties":
                out[key] = {name: clean(prop) for name, prop in value.items()}
            else:
                out[key] = clean(value)
        return out
    if isinstance(node, list):
        return [clean(v) for v in node]
    return node


def problem(description):
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def ok(description, schema):
    return {"description": description,
            "headers": {"API-Version": {"description": "Full version of the API, e.g. 1.0.0",
                                        "schema": {"type": "string"}}},
            "content": {"application/json": {"schema": schema}}}


def page_of(ref):
    return {"allOf": [{"$ref": "#/components/schemas/Page"},
                      {"type": "object", "required": ["contents"],
                       "properties": {"contents": {"type": "array", "items": {"$ref": ref}}}}]}


PAGING = [
    {"name": "page", "in": "query", "required": False,
     "description": "Page number, from 1.",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
    {"name": "per_page", "in": "query", "required": False,
     "description": f"Objects per page, 1-{MAX_PER_PAGE} (default {DEFAULT_PER_PAGE}).",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                "default": DEFAULT_PER_PAGE}},
]
FILTERS = {
    "organization_id": {"name": "organization_id", "in": "query", "required": False,
                        "description": "Only the services of this organization.",
                        "schema": {"type": "string", "maxLength": 100}},
    "taxonomy_term_id": {"name": "taxonomy_term_id", "in": "query", "required": False,
                         "description": "Only the services with this taxonomy term (an id from /taxonomy_terms; another id is refused with 400).",
                         "schema": {"type": "string", "format": "uuid"}},
    "modified_after": {"name": "modified_after", "in": "query", "required": False,
                       "description": "Only the services changed at or after this moment (RFC 3339).",
                       "schema": {"type": "string", "format": "date-time"}},
    "full": {"name": "full", "in": "query", "required": False,
             "description": "true: fully nested services; false (default): one-to-one fields only.",
             "schema": {"type": "boolean", "default": False}},
    "taxonomy_id": {"name": "taxonomy_id", "in": "query", "required": False,
                    "description": "Only the terms of this taxonomy.",
                    "schema": {"type": "string", "maxLength": 100}},
}
ID = {"name": "id", "in": "path", "required": True, "description": "The object's id (a UUID).",
      "schema": {"type": "string", "maxLength": 100}}
INVALID = problem("Invalid parameters: every offending parameter is listed in `invalidParams`.")
MISSING = problem("No such object, or not public.")
BUSY = problem("Temporarily unavailable: retry after `Retry-After` seconds.")


def operation(op_id, summary, params, response, with_404=False, with_400=True):
    responses = {"200": response}
    if with_400:
        responses["400"] = INVALID
    if with_404:
        responses["404"] = MISSING
    responses["503"] = BUSY
    return {"get": {"operationId": op_id, "summary": summary, "tags": ["hsds"],
                    "parameters": params, "responses": responses}}


def main():
    schemas = {}
    for path in sorted(SCHEMAS.glob("*.json")):
        schemas[path.stem] = clean(json.loads(path.read_text()))
    schemas["Page"] = {
        "type": "object",
        "description": "A page, as the HSDS API reference gives it.",
        "required": ["total_items", "total_pages", "page_number", "size", "first_page",
                     "last_page", "empty"],
        "properties": {
            "total_items": {"type": "integer", "minimum": 0},
            "total_pages": {"type": "integer", "minimum": 0},
            "page_number": {"type": "integer", "minimum": 1},
            "size": {"type": "integer", "minimum": 0},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean"},
        },
    }
    schemas["About"] = {
        "type": "object", "required": ["version", "profile", "openapi_url"],
        "properties": {"version": {"type": "string", "const": "3.0"},
                       "profile": {"type": "string", "format": "uri"},
                       "openapi_url": {"type": "string"}},
    }
    schemas["FieldError"] = {
        "type": "object", "required": ["name", "reason"],
        "properties": {"name": {"type": "string"}, "reason": {"type": "string",
                                                              "description": "In Dutch."}}}
    schemas["Problem"] = {
        "type": "object", "description": "RFC 9457 problem details, in Dutch.",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"},
            "status": {"type": "integer"}, "detail": {"type": "string"},
            "code": {"type": "string"},
            "invalidParams": {"type": ["array", "null"],
                              "items": {"$ref": "#/components/schemas/FieldError"}},
        }}
    f = FILTERS
    paths = {
        "/": operation("getAbout", "HSDS version of this API and where its document is", [],
                       ok("About this API", {"$ref": "#/components/schemas/About"}),
                       with_400=False),
        "/services": operation(
            "listServices", "Public services, by id",
            PAGING + [f["organization_id"], f["taxonomy_term_id"], f["modified_after"], f["full"]],
            ok("A page of services", page_of("#/components/schemas/service"))),
        "/services/{id}": operation(
            "getService", "One public service, fully nested, with its organization", [ID],
            ok("The service", {"$ref": "#/components/schemas/service"}), with_404=True,
            with_400=False),
        "/organizations": operation(
            "listOrganizations", "Organizations, by id", PAGING,
            ok("A page of organizations", page_of("#/components/schemas/organization"))),
        "/organizations/{id}": operation(
            "getOrganization", "One organization", [ID],
            ok("The organization", {"$ref": "#/components/schemas/organization"}),
            with_404=True, with_400=False),
        "/taxonomies": operation(
            "listTaxonomies", "The taxonomies Wegwijzer publishes", PAGING,
            ok("A page of taxonomies", page_of("#/components/schemas/taxonomy"))),
        "/taxonomies/{id}": operation(
            "getTaxonomy", "One taxonomy", [ID],
            ok("The taxonomy", {"$ref": "#/components/schemas/taxonomy"}), with_404=True,
            with_400=False),
        "/taxonomy_terms": operation(
            "listTaxonomyTerms", "Terms of every taxonomy, or of one", PAGING + [f["taxonomy_id"]],
            ok("A page of taxonomy terms", page_of("#/components/schemas/taxonomy_term"))),
        "/taxonomy_terms/{id}": operation(
            "getTaxonomyTerm", "One taxonomy term", [ID],
            ok("The term", {"$ref": "#/components/schemas/taxonomy_term"}), with_404=True,
            with_400=False),
        "/service_at_locations": operation(
            "listServiceAtLocations", "Where public services are, each with its location",
            PAGING + [f["organization_id"], f["taxonomy_term_id"], f["modified_after"]],
            ok("A page of services at locations",
               page_of("#/components/schemas/service_at_location"))),
        "/service_at_locations/{id}": operation(
            "getServiceAtLocation", "One service at a location, with its location", [ID],
            ok("The service at location", {"$ref": "#/components/schemas/service_at_location"}),
            with_404=True, with_400=False),
    }
    doc = {
        "openapi": "3.1.0",
        "info": {
            "title": "Wegwijzer HSDS API",
            "version": "1.0.0",
            "summary": "The public offer of the sociale kaart as Open Referral HSDS 3.0.",
            "description": (
                "Read-only, as the HSDS 3.0 API reference describes it, so a client written for "
                "HSDS works unchanged. Its names are the standard's (English, snake_case), which "
                "the Dutch API Design Rules would not allow; that is why this API has its own "
                "document and the main one (/api/v1/openapi.json) leaves it out. How Wegwijzer's "
                "fields map to HSDS: docs/hsds.md. Schemas: Open Referral HSDS 3.0, CC BY-SA 4.0 "
                "(https://openreferral.org/)."),
            "license": {"name": "CC BY-SA 4.0 (the HSDS schemas)",
                        "url": "https://creativecommons.org/licenses/by-sa/4.0/"},
        },
        "servers": [{"url": "/api/v1/hsds"}],
        "tags": [{"name": "hsds", "description": "Open Referral HSDS 3.0"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
    OUT.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
