//! Logging, set up once. Search text is never logged: request spans record method and path
//! (ids only), never the query string or the client address.

use tracing_subscriber::EnvFilter;

use crate::config::{Config, LogFormat};

pub fn init(config: &Config) {
    let mut filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    // Tantivy warns when a background merge finishes after one of its segments was dropped
    // (all its documents deleted by a commit in the meantime). The merge is then abandoned and
    // nothing is lost; under steady edits this would fill the log. Unless the operator names
    // the module, only its errors show.
    if !config.log.contains("segment_manager")
        && let Ok(directive) = "tantivy::indexer::segment_manager=error".parse()
    {
        filter = filter.add_directive(directive);
    }
    // Colour codes only on a terminal: a log file or pipe gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
