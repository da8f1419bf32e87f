#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use assetmap::config::{Cli, Command};
use assetmap::{app, cli};
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Runs the command; an error is printed clipped, since it may quote the
/// input at fault (a 50 MB line, say).
fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            let text = format!("{e:#}");
            let clipped: Vec<String> = text
                .lines()
                .map(|l| assetmap::domain::clip(l, 1_000))
                .collect();
            eprintln!(
                "Error: {}",
                assetmap::domain::clip(&clipped.join("\n"), 4_000)
            );
            std::process::ExitCode::FAILURE
        }
    }
}

#[tokio::main]
async fn run() -> anyhow::Result<()> {
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
        Command::Backup(args) => assetmap::backup::run(&args).await,
        Command::Users { command } => assetmap::auth::cli::run(command).await,
        Command::Basemap { command } => cli::basemap(command).await,
        Command::Openapi { markdown } => {
            let doc = assetmap::api::openapi::as_value();
            if markdown {
                print!("{}", assetmap::api::openapi::markdown::render(&doc));
            } else {
                println!("{}", serde_json::to_string_pretty(&doc)?);
            }
            Ok(())
        }
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
