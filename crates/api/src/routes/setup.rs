//! First run: "Create your workspace", accepted exactly once.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use textdesk_app::workspace;
use textdesk_types::ProblemDetails;
use textdesk_types::auth::TokenResponse;
use textdesk_types::setup::{CreateWorkspace, SetupStatus};

use crate::auth::tokens::{hash_token, new_secret_token, refresh_expiry};
use crate::extract::{JsonBody, client_address};
use crate::{ApiError, AppState};

/// Whether the first workspace still has to be created.
#[utoipa::path(tag = "setup", responses((status = 200, description = "Setup state", body = SetupStatus)))]
#[get("/setup")]
pub async fn setup_status(state: web::Data<AppState>) -> Result<web::Json<SetupStatus>, ApiError> {
    let status = state.run(workspace::setup_status).await?;
    Ok(web::Json(status))
}

/// Create the first workspace and its owner, and sign the owner in.
///
/// Works once, on a server with no workspace yet; later organizations are created by the
/// operator with `textdesk org create`.
#[utoipa::path(
    tag = "setup",
    request_body = CreateWorkspace,
    responses(
        (status = 201, description = "Workspace created; the owner is signed in", body = TokenResponse),
        (status = 409, description = "A workspace already exists", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/setup")]
pub async fn create_workspace(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: JsonBody<CreateWorkspace>,
) -> Result<HttpResponse, ApiError> {
    let refresh_token = new_secret_token();
    let token_hash = hash_token(&refresh_token);
    let address = client_address(&request, &state);
    let owner = state
        .run(move |app| workspace::set_up(app, &body.0, (&token_hash, refresh_expiry()), &address))
        .await?;
    Ok(HttpResponse::Created().json(state.tokens.session_response(&owner, refresh_token)?))
}
