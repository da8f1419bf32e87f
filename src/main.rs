use assetmap::config::{Cli, Command};
use assetmap::{app, cli};
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            let listener = tokio::net::TcpListener::bind(args.listen).await?;
            app::serve(args, listener, shutdown_signal()).await
        }
        Command::Import(args) => cli::import(args).await,
        Command::Export(args) => cli::export(args).await,
        Command::Postcodes { command } => cli::postcodes(command).await,
        Command::Areas { command } => cli::areas(command).await,
        Command::Gaps(args) => cli::gaps(args).await,
        Command::Basemap { command } => cli::basemap(command).await,
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
