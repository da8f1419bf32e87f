#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use assetmap::config::{Cli, Command};
use assetmap::{app, cli};
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Runs the command; an error is printed clipped, since it may quote the
/// input at fault (a 50 MB line, say).
fn main() -> std::process::ExitCode {
    use_transparent_huge_pages();
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

/// Asks mimalloc to advise the kernel to back its heap with transparent
/// huge pages, unless `MIMALLOC_ALLOW_LARGE_OS_PAGES` says otherwise.
///
/// A start-up at 1M assets touches about 540 MB of fresh memory: with
/// 2 MiB pages that is some 740 page faults instead of tens of thousands.
/// Start-ups in a row took 1.82-1.94 s against 2.17-2.99 s with 4 KiB
/// pages; after the machine sat idle both were as slow, the kernel's
/// zeroing of fresh pages being the cost (bench/README.md, fifth pass).
/// Resident memory after the load is the same either way.
///
/// Setting the option here is too late for a pool of reserved huge pages
/// (`vm.nr_hugepages`): the allocator has already reserved its first arena
/// of ordinary memory before `main`. The README's settings for a pool are
/// therefore environment variables, which it reads at its own start.
fn use_transparent_huge_pages() {
    let set = ["MIMALLOC_ALLOW_LARGE_OS_PAGES", "MIMALLOC_LARGE_OS_PAGES"]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    if !set {
        // SAFETY: sets an option mimalloc reads each time it maps memory.
        unsafe {
            libmimalloc_sys::mi_option_set(libmimalloc_sys::mi_option_large_os_pages, 1);
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
