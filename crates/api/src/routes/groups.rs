//! Groups of agents: everyone reads them; owners and admins manage them and their members.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use textdesk_db::{DbConnection, DbError, groups};
use textdesk_domain::permissions;
use textdesk_domain::text::{Label, TITLE_MAX};
use textdesk_types::groups::{CreateGroup, Group, UpdateGroup};
use textdesk_types::page::PageQuery;
use textdesk_types::{AgentId, GroupId, OrganizationId, Page, ProblemDetails};

use super::Audit;
use crate::extract::{CurrentAgent, JsonBody, client_address};
use crate::{ApiError, AppState};
use textdesk_app::pagination::PageRequest;

fn group_error(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => ApiError::NotFound("group"),
        conflict @ DbError::Conflict { .. } if conflict.is_conflict_on("name") => {
            ApiError::field("name", "name_taken", "another group already has this name")
        }
        other => other.into(),
    }
}

fn parse_name(raw: &str) -> Result<String, ApiError> {
    Label::parse(raw, TITLE_MAX)
        .map(Label::into_inner)
        .map_err(|invalid| ApiError::field("name", invalid.code, invalid.message))
}

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
    let page = PageRequest::parse(&query)?;
    let (after, fetch) = (page.after.clone(), page.fetch());
    let groups = state
        .read(move |conn| {
            let rows = groups::list(conn, &me.organization_id, after.as_deref(), fetch)?;
            Ok(groups::into_wire_list(conn, rows)?)
        })
        .await?;
    Ok(web::Json(page.page(groups, |group| group.id.as_str())))
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
    permissions::require_admin(me.role)?;
    let CreateGroup { name, member_ids } = body.0;
    let name = parse_name(&name)?;
    let group = state
        .write(move |conn| {
            let row = groups::insert(conn, &me.organization_id, &name).map_err(group_error)?;
            let group_id = GroupId::new(row.id.clone());
            for (index, agent) in member_ids.iter().enumerate() {
                groups::add_member(conn, &me.organization_id, &group_id, agent).map_err(|e| match e {
                    DbError::NotFound => ApiError::field(
                        &format!("member_ids[{index}]"),
                        "unknown_agent",
                        "is not an agent of this organization",
                    ),
                    other => other.into(),
                })?;
            }
            Ok(groups::into_wire_one(conn, row)?)
        })
        .await?;
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
    let id = id.into_inner();
    let group = state
        .read(move |conn| {
            let row = groups::find(conn, &me.organization_id, &id).map_err(group_error)?;
            Ok(groups::into_wire_one(conn, row)?)
        })
        .await?;
    Ok(web::Json(group))
}

/// Rename a group (owners and admins).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The group's id")),
    request_body = UpdateGroup,
    responses(
        (status = 200, description = "The renamed group", body = Group),
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
    permissions::require_admin(me.role)?;
    let name = parse_name(&body.0.name)?;
    let id = id.into_inner();
    let group = state
        .write(move |conn| {
            let row = groups::rename(conn, &me.organization_id, &id, &name).map_err(group_error)?;
            Ok(groups::into_wire_one(conn, row)?)
        })
        .await?;
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
    permissions::require_admin(me.role)?;
    let id = id.into_inner();
    let address = client_address(&request, &state);
    state
        .write(move |conn| {
            let group = groups::find(conn, &me.organization_id, &id).map_err(group_error)?;
            groups::delete(conn, &me.organization_id, &id).map_err(group_error)?;
            let audit = Audit::by(&me, &address);
            audit.record(
                conn,
                "group.deleted",
                "group",
                id.as_str(),
                serde_json::json!({"name": group.name}),
            )
        })
        .await?;
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
    change_membership(state, me, path.into_inner(), groups::add_member).await
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
    change_membership(state, me, path.into_inner(), groups::remove_member).await
}

type MembershipChange = fn(&mut DbConnection, &OrganizationId, &GroupId, &AgentId) -> Result<(), DbError>;

async fn change_membership(
    state: web::Data<AppState>,
    me: CurrentAgent,
    (group, agent): (GroupId, AgentId),
    change: MembershipChange,
) -> Result<web::Json<Group>, ApiError> {
    permissions::require_admin(me.role)?;
    let group = state
        .write(move |conn| {
            change(conn, &me.organization_id, &group, &agent).map_err(group_error)?;
            let row = groups::find(conn, &me.organization_id, &group)?;
            Ok(groups::into_wire_one(conn, row)?)
        })
        .await?;
    Ok(web::Json(group))
}
