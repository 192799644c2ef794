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
