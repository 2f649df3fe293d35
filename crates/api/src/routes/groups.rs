//! Groups of agents: everyone reads them; owners and admins manage them and their members.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use textdesk_app::groups;
use textdesk_types::groups::{CreateGroup, Group, UpdateGroup};
use textdesk_types::page::PageQuery;
use textdesk_types::{AgentId, GroupId, Page, ProblemDetails};

use crate::extract::{CurrentAgent, JsonBody, client_address};
use crate::{ApiError, AppState};

/// The organization's groups with their members.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, description = "A page of groups", body = Page<Group>))
)]
#[get("/groups")]
pub async fn list_groups(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Group>>, ApiError> {
    let caller = me.caller();
    let page = state.run(move |app| groups::list(app, &caller, &query)).await?;
    Ok(web::Json(page))
}

/// Create a group, optionally with members (owners and admins).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    request_body = CreateGroup,
    responses(
        (status = 201, description = "The new group", body = Group),
        (status = 403, description = "Not allowed", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name, name taken, or an unknown member", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/groups")]
pub async fn create_group(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: JsonBody<CreateGroup>,
) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    let group = state.run(move |app| groups::create(app, &caller, body.0)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/groups/{}", group.id)))
        .json(group))
}

/// One group.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The group's id")),
    responses(
        (status = 200, description = "The group", body = Group),
        (status = 404, description = "No such group in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/groups/{id}")]
pub async fn get_group(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<GroupId>,
) -> Result<web::Json<Group>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let group = state.run(move |app| groups::get(app, &caller, id)).await?;
    Ok(web::Json(group))
}

/// Rename a group or turn its round robin on or off (owners and admins).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The group's id")),
    request_body = UpdateGroup,
    responses(
        (status = 200, description = "The changed group", body = Group),
        (status = 404, description = "No such group in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid or taken name", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/groups/{id}")]
pub async fn update_group(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<GroupId>,
    body: JsonBody<UpdateGroup>,
) -> Result<web::Json<Group>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let group = state.run(move |app| groups::update(app, &caller, id, body.0)).await?;
    Ok(web::Json(group))
}

/// Delete a group (owners and admins). Its members stay agents.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The group's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such group in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/groups/{id}")]
pub async fn delete_group(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    id: web::Path<GroupId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id, address) = (me.caller(), id.into_inner(), client_address(&request, &state));
    state.run(move |app| groups::delete(app, &caller, id, &address)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Add an agent to a group (owners and admins). Adding a member twice changes nothing.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The group's id"), ("agent_id" = String, Path, description = "The agent's id")),
    responses(
        (status = 200, description = "The group", body = Group),
        (status = 404, description = "No such group or agent in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/groups/{id}/members/{agent_id}")]
pub async fn add_member(
    state: web::Data<AppState>,
    me: CurrentAgent,
    path: web::Path<(GroupId, AgentId)>,
) -> Result<web::Json<Group>, ApiError> {
    let (caller, (group, agent)) = (me.caller(), path.into_inner());
    let group = state
        .run(move |app| groups::add_member(app, &caller, group, agent))
        .await?;
    Ok(web::Json(group))
}

/// Remove an agent from a group (owners and admins).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The group's id"), ("agent_id" = String, Path, description = "The agent's id")),
    responses(
        (status = 200, description = "The group", body = Group),
        (status = 404, description = "No such group in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/groups/{id}/members/{agent_id}")]
pub async fn remove_member(
    state: web::Data<AppState>,
    me: CurrentAgent,
    path: web::Path<(GroupId, AgentId)>,
) -> Result<web::Json<Group>, ApiError> {
    let (caller, (group, agent)) = (me.caller(), path.into_inner());
    let group = state
        .run(move |app| groups::remove_member(app, &caller, group, agent))
        .await?;
    Ok(web::Json(group))
}
