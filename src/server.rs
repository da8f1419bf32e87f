//! The HTTP server loop, with the limits `axum::serve` has no knobs for:
//! a deadline for a request's headers (a client that opens connections and
//! sends half a request must not hold them for ever), and a shutdown that
//! ends within a bounded time whatever the open connections are doing,
//! and a deadline for a client that stops reading its answer.
//! Body and handler deadlines, and the cap on concurrent imports, are
//! middleware: see `api::limits`.

use crate::send_timeout::SendTimeout;
use axum::extract::ConnectInfo;
use axum::{Extension, Router};
use clap::Args;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::Layer;

/// How long a client may take, and how many imports may run at once.
#[derive(Args, Debug, Clone)]
pub struct Limits {
    /// Seconds a client has to send a request's headers (and an idle
    /// keep-alive connection to start the next request).
    #[arg(long, env = "ASSETMAP_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Seconds a request may take, body read included, before it is
    /// answered 408 (exports stream their body past this; imports have
    /// their own limit).
    #[arg(long, env = "ASSETMAP_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Seconds an import (upload, checking and writing) may take.
    #[arg(long, env = "ASSETMAP_IMPORT_TIMEOUT_SECS", default_value_t = 600)]
    pub import_timeout_secs: u64,
    /// Imports over HTTP running at once; more are answered 503 with
    /// Retry-After. An import holds many times its body in memory.
    #[arg(long, env = "ASSETMAP_MAX_IMPORTS", default_value_t = 2)]
    pub max_imports: usize,
    /// Seconds a client may go without reading any of an answer (an
    /// export it stopped reading) before its connection is closed.
    #[arg(long, env = "ASSETMAP_SEND_TIMEOUT_SECS", default_value_t = 30)]
    pub send_timeout_secs: u64,
    /// Seconds to let requests in flight finish after a shutdown signal;
    /// connections still open then are closed.
    #[arg(long, env = "ASSETMAP_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
    pub shutdown_grace_secs: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout_secs: 10,
            request_timeout_secs: 30,
            import_timeout_secs: 600,
            max_imports: 2,
            send_timeout_secs: 30,
            shutdown_grace_secs: 10,
        }
    }
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s.max(1))
}

impl Limits {
    pub fn header_timeout(&self) -> Duration {
        secs(self.header_timeout_secs)
    }
    pub fn request_timeout(&self) -> Duration {
        secs(self.request_timeout_secs)
    }
    pub fn import_timeout(&self) -> Duration {
        secs(self.import_timeout_secs)
    }
    pub fn send_timeout(&self) -> Duration {
        secs(self.send_timeout_secs)
    }
    pub fn shutdown_grace(&self) -> Duration {
        secs(self.shutdown_grace_secs)
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the
/// requests in flight finish for at most the grace period.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout());
    let graceful = GracefulShutdown::new();
    // Held so that connections still open after the grace period can be
    // closed, not merely forgotten.
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        while connections.try_join_next().is_some() {}
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        // The peer address, for rate limits by client (as axum's
        // into_make_service_with_connect_info would give it).
        let service = TowerToHyperService::new(Extension(ConnectInfo(peer)).layer(app.clone()));
        let stream = SendTimeout::new(stream, limits.send_timeout());
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        connections.spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let grace = limits.shutdown_grace();
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            grace_secs = grace.as_secs(),
            open = connections.len(),
            "connections still open after the grace period: closing them"
        );
    }
    connections.shutdown().await;
    Ok(())
}
