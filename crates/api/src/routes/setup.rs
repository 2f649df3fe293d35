//! First run: "Create your workspace", accepted exactly once.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use textdesk_db::{refresh_tokens, setup};
use textdesk_types::ProblemDetails;
use textdesk_types::auth::TokenResponse;
use textdesk_types::setup::{CreateWorkspace, SetupStatus};

use super::Audit;
use crate::auth::tokens::{hash_token, new_secret_token, refresh_expiry};
use crate::extract::{JsonBody, client_address};
use crate::state::run_blocking;
use textdesk_app::workspace;

use crate::{ApiError, AppState};

/// Whether the first workspace still has to be created.
#[utoipa::path(tag = "setup", responses((status = 200, description = "Setup state", body = SetupStatus)))]
#[get("/setup")]
pub async fn setup_status(state: web::Data<AppState>) -> Result<web::Json<SetupStatus>, ApiError> {
    let complete = state.read(|conn| Ok(setup::is_complete(conn)?)).await?;
    Ok(web::Json(SetupStatus { needs_setup: !complete }))
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
    let already = || {
        ApiError::conflict(
            "already_set_up",
            "This server already has a workspace; sign in instead.",
        )
    };
    if state.read(|conn| Ok(setup::is_complete(conn)?)).await? {
        return Err(already());
    }
    let valid = run_blocking(move || workspace::validate(&body.0)).await?;
    let refresh_token = new_secret_token();
    let token_hash = hash_token(&refresh_token);
    let address = client_address(&request, &state);
    let (owner_id, organization_id) = state
        .write(move |conn| {
            let (organization, owner) = workspace::create(conn, &valid)?;
            let organization_id = textdesk_types::OrganizationId::new(organization.id);
            setup::mark_complete(conn, &organization_id).map_err(|e| match e {
                textdesk_db::DbError::Conflict { .. } => already(),
                other => other.into(),
            })?;
            refresh_tokens::insert(
                conn,
                &organization_id,
                &owner.agent_id(),
                None,
                &token_hash,
                refresh_expiry(),
            )?;
            let audit = Audit {
                organization: &organization_id,
                actor: Some(&owner.agent_id()),
                client_address: &address,
            };
            audit.record(
                conn,
                "login.succeeded",
                "agent",
                &owner.id,
                serde_json::json!({"via": "setup"}),
            )?;
            Ok((owner.agent_id(), organization_id))
        })
        .await?;
    let tokens = state.tokens.response(
        &owner_id,
        &organization_id,
        textdesk_types::agents::Role::Owner,
        refresh_token,
    )?;
    Ok(HttpResponse::Created().json(tokens))
}
