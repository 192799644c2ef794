use clap::Parser as _;

/// mimalloc instead of the system allocator: an import allocates and frees millions of
/// strings of every size, where glibc's allocator spent a third of the time consolidating its
/// free lists (#14, measured with perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = wegwijzer::cli::Cli::parse();
    wegwijzer::telemetry::init(&cli.config);
    wegwijzer::cli::run(cli).await
}
