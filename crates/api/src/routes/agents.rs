//! Agents of the organization: everyone reads the team; owners and admins add agents, change
//! roles, disable accounts and hand out password-reset links.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use textdesk_app::agents;
use textdesk_types::agents::{Agent, CreateAgent, PasswordResetLink, UpdateAgent};
use textdesk_types::page::PageQuery;
use textdesk_types::{AgentId, Page, ProblemDetails};

use crate::auth::tokens::{hash_token, new_secret_token, reset_expiry};
use crate::extract::{CurrentAgent, JsonBody, client_address};
use crate::{ApiError, AppState};

/// The organization's agents, in the order they were added.
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of agents", body = Page<Agent>),
        (status = "4XX", description = "Invalid request", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/agents")]
pub async fn list_agents(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Agent>>, ApiError> {
    let caller = me.caller();
    let page = state.run(move |app| agents::list(app, &caller, &query)).await?;
    Ok(web::Json(page))
}

/// Add an agent (owners and admins; only owners add owners).
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    request_body = CreateAgent,
    responses(
        (status = 201, description = "The new agent", body = Agent),
        (status = 403, description = "Not allowed", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the email is taken", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/agents")]
pub async fn create_agent(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    body: JsonBody<CreateAgent>,
) -> Result<HttpResponse, ApiError> {
    let (caller, address) = (me.caller(), client_address(&request, &state));
    let agent = state
        .run(move |app| agents::create(app, &caller, body.0, &address))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/agents/{}", agent.id)))
        .json(agent))
}

/// One agent.
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The agent's id")),
    responses(
        (status = 200, description = "The agent", body = Agent),
        (status = 404, description = "No such agent in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/agents/{id}")]
pub async fn get_agent(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<AgentId>,
) -> Result<web::Json<Agent>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let agent = state.run(move |app| agents::get(app, &caller, id)).await?;
    Ok(web::Json(agent))
}

/// Change another agent: names, email, role, or disable the account (owners and admins).
///
/// Admins cannot change owners or make anyone an owner; nobody changes their own role or
/// disables themselves; the last active owner stays. Disabling ends the agent's sessions at once.
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The agent's id")),
    request_body = UpdateAgent,
    responses(
        (status = 200, description = "The updated agent", body = Agent),
        (status = 403, description = "Not allowed", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such agent in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/agents/{id}")]
pub async fn update_agent(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    id: web::Path<AgentId>,
    body: JsonBody<UpdateAgent>,
) -> Result<web::Json<Agent>, ApiError> {
    let (caller, target) = (me.caller(), id.into_inner());
    let address = client_address(&request, &state);
    let agent = state
        .run(move |app| agents::update(app, &caller, target, body.0, &address))
        .await?;
    Ok(web::Json(agent))
}

/// Make a one-time password-reset link for an agent (owners and admins; only owners for owners).
///
/// Give the link to the agent; it works once, for 24 hours.
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The agent's id")),
    responses(
        (status = 201, description = "The reset link", body = PasswordResetLink),
        (status = 403, description = "Not allowed", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such agent in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/agents/{id}/password-reset")]
pub async fn issue_password_reset(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    id: web::Path<AgentId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, target) = (me.caller(), id.into_inner());
    let address = client_address(&request, &state);
    let token = new_secret_token();
    let (token_hash, expires_at) = (hash_token(&token), reset_expiry());
    state
        .run(move |app| agents::issue_password_reset(app, &caller, target, (&token_hash, expires_at), &address))
        .await?;
    let link = PasswordResetLink {
        reset_url: format!("{}/reset-password?token={token}", state.public_url),
        token,
        expires_at: expires_at.and_utc(),
    };
    Ok(HttpResponse::Created().json(link))
}

/// An agent's avatar image.
#[utoipa::path(
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The agent's id")),
    responses(
        (status = 200, description = "The image", content_type = "image/*", body = Vec<u8>),
        (status = 404, description = "No such agent, or no avatar", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/agents/{id}/avatar")]
pub async fn get_avatar(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<AgentId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let image = state.run(move |app| agents::avatar(app, &caller, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, image.content_type))
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(image.bytes))
}
