//! All SQL lives here: one function per query, named for its result. The pool is sqlx's
//! `AnyPool`, so SQLite (embedded default) and PostgreSQL share every query; only the DDL in
//! `migrations/<backend>/` differs. Queries use `$n` placeholders, which both backends accept.

mod accounts;
mod bulk;
mod history;
mod lexicon;
mod listings;
mod mail;
mod moderation;
mod organisations;
mod outbox;
mod public;
mod referrals;
mod reports;
mod stored;
mod taxonomy;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions as _, Executor as _};

pub use accounts::{SessionRecord, User, UserChanges};
pub use history::{AuditEntry, NewRevision, RevisionRecord};
pub use lexicon::{InsightRow, LexiconRecord, LexiconRevision};
pub use listings::{SitemapEntry, Upsert};
pub use mail::{DueMail, INVITATION, OutboxMail, PASSWORD_RESET, StaleItem};
pub use moderation::{ManagedFilter, StateChange};
pub use organisations::{NewOrganisation, Organisation, OrganisationFields};
pub use outbox::OutboxEntry;
pub use public::{ExternalTable, PublicFilter};
pub use reports::ReportFilter;
pub use stored::{CURRENT_VERSION as CONTENT_VERSION, decode_content, encode_content};

/// Errors of the store, in terms the layers above can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("niet gevonden")]
    NotFound,
    /// The row changed since the client read it (optimistic locking).
    #[error("versie verouderd")]
    VersionMismatch,
    /// The change would leave no active admin.
    #[error("laatste actieve beheerder")]
    LastAdmin,
    /// A list reached its most entries.
    #[error("vol: {0}")]
    Full(&'static str),
    /// A unique value (such as an e-mail address) is taken.
    #[error("bestaat al: {0}")]
    Duplicate(&'static str),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Which database the store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle: cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects and applies pending migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("onbekende database-URL: gebruik sqlite:// of postgres://");
        };
        let options = AnyConnectOptions::from_str(url)
            .context("ongeldige database-URL")?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        let pool = AnyPoolOptions::new()
            // SQLite has one writer anyway; a few readers are plenty for a small VM.
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work during a write; FULL makes every acknowledged
                        // commit durable across power loss; foreign keys keep the joins honest.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| "kan de database niet openen".to_string())?;
        let store = Store { pool, backend };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&self.pool).await,
        }
        .context("migraties toepassen mislukt")
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A trivial round trip, for health checks.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// True when the database holds neither taxonomy nor listings: a fresh install.
    pub async fn is_empty(&self) -> StoreResult<bool> {
        let row: (i64, i64) =
            sqlx::query_as("SELECT (SELECT COUNT(*) FROM themes), (SELECT COUNT(*) FROM listings)")
                .fetch_one(&self.pool)
                .await?;
        Ok(row.0 == 0 && row.1 == 0)
    }

    /// Writes a consistent copy of the SQLite database to `target` while the service runs
    /// (`VACUUM INTO` reads one snapshot; writers are not blocked for long). PostgreSQL is
    /// backed up with its own tools (`pg_dump`, base backups); see the README.
    pub async fn backup_sqlite(&self, target: &std::path::Path) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.backend == Backend::Sqlite,
            "backup werkt voor SQLite; maak van PostgreSQL een back-up met pg_dump of pg_basebackup"
        );
        anyhow::ensure!(!target.exists(), "{} bestaat al", target.display());
        let path = target.to_string_lossy().replace('\'', "''");
        sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{path}'")))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Formats a list of ids for an `IN (...)` clause. Ids are integers, so this cannot inject.
fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(",")
}
