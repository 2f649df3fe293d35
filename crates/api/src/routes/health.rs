//! Liveness and readiness probes for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use serde_json::json;
use textdesk_types::ProblemDetails;

use crate::state::run_blocking;
use crate::{ApiError, AppState};

/// The process is up and serving.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The process can reach its database.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready"),
        (status = 503, description = "The database cannot be reached", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    run_blocking(move || db.ping().map_err(|e| ApiError::Unavailable(e.to_string()))).await?;
    Ok(HttpResponse::Ok().json(json!({"status": "ready", "database": state.db.backend().name()})))
}
