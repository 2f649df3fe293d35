//! Textdesk's HTTP API: actix-web handlers under `/api/v1`, bearer-token authentication,
//! problem+json errors, the OpenAPI document and docs page, and the browser app's files.
//!
//! Handlers parse requests into domain values, call storage through `AppState::db`, and map
//! every failure to an `ApiError`. This crate must not depend on the worker or the binary.

pub mod app;
pub mod auth;
pub mod compliance;
pub mod error;
pub mod extract;
pub mod inbound;
pub mod openapi;
pub mod pagination;
pub mod routes;
pub mod state;
pub mod validation;
pub mod webhook_batches;
pub mod workspace;

pub use app::{ApiConfig, build_app, openapi_document};
pub use error::ApiError;
pub use state::AppState;
