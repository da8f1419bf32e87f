//! Deadlines for requests and a cap on concurrent imports, as one
//! middleware. A deadline covers reading the body and producing the
//! response's head; a streamed export's body is not cut by it (a large
//! export legitimately takes longer), only its start.

use super::error::ApiError;
use crate::server::Limits;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

const IMPORT_PATH: &str = "/api/import";

#[derive(Clone)]
struct Shared {
    request_timeout: Duration,
    import_timeout: Duration,
    imports: Arc<Semaphore>,
}

pub fn apply(app: Router, limits: &Limits) -> Router {
    let shared = Shared {
        request_timeout: limits.request_timeout(),
        import_timeout: limits.import_timeout(),
        imports: Arc::new(Semaphore::new(limits.max_imports.max(1))),
    };
    app.layer(axum::middleware::from_fn_with_state(shared, limit))
}

async fn limit(State(shared): State<Shared>, req: Request, next: Next) -> Response {
    let import = req.uri().path() == IMPORT_PATH && req.method() == axum::http::Method::POST;
    // Held until the import has answered.
    let _permit = if import {
        match shared.imports.clone().try_acquire_owned() {
            Ok(permit) => Some(permit),
            Err(_) => {
                return ApiError::Busy(
                    "as many imports as the server allows are running; try again shortly",
                )
                .into_response()
            }
        }
    } else {
        None
    };
    let deadline = if import {
        shared.import_timeout
    } else {
        shared.request_timeout
    };
    match tokio::time::timeout(deadline, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout.into_response(),
    }
}
