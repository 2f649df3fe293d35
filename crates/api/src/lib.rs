//! Textdesk's HTTP API: actix-web handlers under `/api/v1`, bearer-token authentication,
//! problem+json errors, the OpenAPI document and docs page, and the browser app's files.
//!
//! Handlers do HTTP only: extract the request, call one operation of `textdesk_app` (or, for
//! the resources not moved there yet, storage through `AppState::db`), and render the answer;
//! every failure becomes an `ApiError`. This crate must not depend on the worker or the binary.

pub mod app;
pub mod auth;
mod browser_app;
pub mod error;
pub mod extract;
mod idempotency;
pub mod openapi;
pub mod routes;
pub mod state;

pub use app::{ApiConfig, build_app, openapi_document};
pub use error::ApiError;
pub use state::AppState;
