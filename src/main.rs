use clap::Parser as _;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = wegwijzer::cli::Cli::parse();
    wegwijzer::telemetry::init(&cli.config);
    wegwijzer::cli::run(cli).await
}
