//! The command line: `serve`, `migrate`, `reindex`, `import`, `backup`, `user add`, `openapi`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::app::App;
use crate::config::Config;
use crate::import_export::{self, ImportDocument, ImportError};
use crate::index::SearchIndex;
use crate::index::writer::Indexer;
use crate::store::Store;

#[derive(Debug, Parser)]
#[command(
    name = "wegwijzer",
    version,
    about = "Zoekdienst voor de sociale kaart"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP service.
    Serve {
        /// Load the built-in Leusden demo data set when the database is empty.
        #[arg(long, env = "WEGWIJZER_DEMO")]
        demo: bool,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Rebuild the search index from the database (the server must be stopped).
    Reindex,
    /// Import JSON files (see docs/import-format.md), CSV sheets (docs/csv.md) or a directory
    /// (an HSDS 3.0 export, docs/hsds.md, or a CSV export) as one all-or-nothing transaction.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Check and count (new, changed, unchanged, invalid), write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export organisations and items: `--format csv DIR` writes organisaties.csv and
    /// aanbod.csv (docs/csv.md); `--format hsds DIR` writes the published offer as Open
    /// Referral HSDS 3.0 JSON (docs/hsds.md). `wegwijzer import DIR` reads either back.
    Export {
        #[arg(long, value_parser = ["csv", "hsds"])]
        format: String,
        dir: PathBuf,
    },
    /// Write a consistent copy of the SQLite database to FILE, online (PostgreSQL: use pg_dump).
    Backup { file: PathBuf },
    /// Manage accounts from the command line (e.g. the first admin).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print the OpenAPI document (or write it to a file).
    Openapi {
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from WEGWIJZER_PASSWORD, or from standard
    /// input (first line).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        naam: String,
        /// admin, redacteur, medewerker or partner.
        #[arg(long, default_value = "admin")]
        rol: String,
        /// The organisation id, for partners.
        #[arg(long)]
        organisatie: Option<i64>,
    },
}

/// Creates an account after the same checks as the API.
async fn add_user(
    store: &Store,
    email: &str,
    naam: &str,
    rol: &str,
    organisatie: Option<i64>,
) -> anyhow::Result<()> {
    use crate::domain::{Role, UserEmail, user::password_problem};
    let email = UserEmail::parse(email).context("geen geldig e-mailadres")?;
    let role = Role::parse(rol)
        .with_context(|| format!("onbekende rol {rol:?}; kies uit: {}", Role::allowed()))?;
    anyhow::ensure!(
        (role == Role::Partner) == organisatie.is_some(),
        "--organisatie is verplicht voor partners en alleen voor hen"
    );
    if let Some(id) = organisatie {
        store
            .find_organisation(id)
            .await
            .with_context(|| format!("organisatie {id} bestaat niet"))?;
    }
    let password = match std::env::var("WEGWIJZER_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    if let Some(problem) = password_problem(&password) {
        anyhow::bail!("wachtwoord {problem}");
    }
    let hash = crate::auth::hash_password(&password)?;
    let user = store
        .create_user(email.as_str(), naam.trim(), role, organisatie, &hash)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store
        .audit(
            None,
            "gebruiker-aangemaakt",
            &format!("gebruiker {}", user.id),
            "via de opdrachtregel",
        )
        .await?;
    println!(
        "gebruiker {} aangemaakt ({}, {})",
        user.id,
        user.email,
        role.as_str()
    );
    Ok(())
}

/// The demo data set, compiled in so `serve --demo` works from any directory.
const DEMO_FILES: [(&str, &str); 5] = [
    (
        "00-taxonomie.json",
        include_str!("../demo/00-taxonomie.json"),
    ),
    (
        "10-organisaties.json",
        include_str!("../demo/10-organisaties.json"),
    ),
    (
        "20-voorzieningen.json",
        include_str!("../demo/20-voorzieningen.json"),
    ),
    (
        "30-initiatieven.json",
        include_str!("../demo/30-initiatieven.json"),
    ),
    (
        "40-vacatures.json",
        include_str!("../demo/40-vacatures.json"),
    ),
];

/// Progress of a long import or export on standard error: a bar on a terminal, a plain line
/// per step otherwise (logs, CI).
fn progress(what: &str, done: usize, total: usize) {
    use std::io::IsTerminal as _;
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    if std::io::stderr().is_terminal() {
        let filled = percent / 5;
        eprint!(
            "\r{what}: [{}{}] {percent:>3} % ({done} van {total})",
            "#".repeat(filled),
            " ".repeat(20 - filled)
        );
        if done >= total {
            eprintln!();
        }
    } else {
        eprintln!("{what}: {done} van {total} ({percent} %)");
    }
}

/// The demo data set as import documents.
pub fn demo_documents() -> anyhow::Result<Vec<ImportDocument>> {
    DEMO_FILES
        .iter()
        .map(|(name, text)| serde_json::from_str(text).with_context(|| format!("demo/{name}")))
        .collect()
}

/// Loads the demo data when the database holds nothing yet.
pub async fn load_demo_if_empty(store: &Store) -> anyhow::Result<()> {
    if !store.is_empty().await? {
        return Ok(());
    }
    let report = import_export::import_documents(store, demo_documents()?)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(%report, "demodata geladen");
    Ok(())
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command {
        Command::Serve { demo } => {
            std::fs::create_dir_all(&config.data_dir)
                .with_context(|| format!("datamap {} aanmaken", config.data_dir.display()))?;
            let store = Store::connect(&config.database_url()).await?;
            if demo {
                load_demo_if_empty(&store).await?;
            }
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .with_context(|| format!("kan niet luisteren op {}", config.bind))?;
            let app = App::start_with_store(&config, store, listener).await?;
            tracing::info!(addr = %app.addr, "Wegwijzer luistert op http://{}/api/v1", app.addr);
            app.run_until_signal().await
        }
        Command::Migrate => {
            std::fs::create_dir_all(&config.data_dir)?;
            Store::connect(&config.database_url()).await?;
            println!("database is bijgewerkt");
            Ok(())
        }
        Command::Reindex => {
            let store = Store::connect(&config.database_url()).await?;
            let index = Arc::new(SearchIndex::open_with(
                &config.index_dir(),
                config.search_features(),
            )?);
            let indexer = Indexer::new(store, index.clone())?;
            let started = std::time::Instant::now();
            indexer.rebuild().await?;
            println!(
                "index opnieuw opgebouwd: {} documenten in {:.1} s",
                index.num_docs(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import { files, dry_run } => {
            std::fs::create_dir_all(&config.data_dir)?;
            let store = Store::connect(&config.database_url()).await?;
            let show = |done: usize, total: usize| progress("aanbod", done, total);
            let options = import_export::ImportOptions {
                dry_run,
                progress: Some(&show),
            };
            match import_export::import_files_with(&store, &files, options).await {
                Ok(report) if dry_run => {
                    println!("proefdraai, er is niets opgeslagen: {report}");
                    for (name, reason) in &report.errors {
                        println!("  {name}: {reason}");
                    }
                    Ok(())
                }
                Ok(report) => {
                    println!("import voltooid: {report}");
                    Ok(())
                }
                Err(ImportError::Invalid(errors)) => {
                    eprintln!(
                        "import geweigerd, er is niets opgeslagen. {} fout(en):",
                        errors.len()
                    );
                    for e in errors.as_slice() {
                        eprintln!("  {}: {}", e.name, e.reason);
                    }
                    std::process::exit(2);
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::Export { format, dir } => {
            let store = Store::connect(&config.database_url()).await?;
            let report = if format == "hsds" {
                let base = config.public_url.clone().unwrap_or_default();
                import_export::hsds::export::export(
                    &store,
                    &dir,
                    &config.municipality,
                    &config.province,
                    base.trim_end_matches('/'),
                    &progress,
                )
                .await?
            } else {
                import_export::export_csv(&store, &dir, &progress).await?
            };
            println!(
                "export klaar in {}: {} organisaties, {} aanbod",
                dir.display(),
                report.organisations,
                report.listings
            );
            Ok(())
        }
        Command::Backup { file } => {
            let store = Store::connect(&config.database_url()).await?;
            let started = std::time::Instant::now();
            store.backup_sqlite(&file).await?;
            println!(
                "back-up geschreven naar {} in {:.1} s",
                file.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    naam,
                    rol,
                    organisatie,
                },
        } => {
            std::fs::create_dir_all(&config.data_dir)?;
            let store = Store::connect(&config.database_url()).await?;
            add_user(&store, &email, &naam, &rol, organisatie).await
        }
        Command::Openapi { output } => {
            let json = crate::api::openapi().to_pretty_json()?;
            match output {
                Some(path) => std::fs::write(&path, json + "\n")
                    .with_context(|| format!("{} schrijven", path.display()))?,
                None => println!("{json}"),
            }
            Ok(())
        }
    }
}
