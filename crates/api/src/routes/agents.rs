//! Agents of the organization: everyone reads the team; owners and admins add agents, change
//! roles, disable accounts and hand out password-reset links.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use textdesk_db::agents::{self, AgentChanges, NewAgent};
use textdesk_db::{password_resets, refresh_tokens};
use textdesk_domain::accounts::{EmailAddress, IdleAlertSeconds, NewPassword, TimeZoneName};
use textdesk_domain::permissions::{self, AgentEdit};
use textdesk_domain::text::{Label, NAME_MAX, SCREENNAME_MAX};
use textdesk_types::agents::{Agent, CreateAgent, PasswordResetLink, UpdateAgent};
use textdesk_types::page::PageQuery;
use textdesk_types::{AgentId, Page, ProblemDetails};

use super::Audit;
use crate::auth::tokens::{hash_token, new_secret_token, reset_expiry};
use crate::extract::{CurrentAgent, JsonBody, client_address};
use crate::state::run_blocking;
use crate::{ApiError, AppState};
use textdesk_app::pagination::PageRequest;
use textdesk_app::passwords;
use textdesk_app::validation::{Validator, checked};

fn email_taken(error: textdesk_db::DbError) -> ApiError {
    if error.is_conflict_on("email") {
        ApiError::field("email", "email_taken", "an account with this email already exists")
    } else {
        error.into()
    }
}

fn not_found(error: textdesk_db::DbError) -> ApiError {
    match error {
        textdesk_db::DbError::NotFound => ApiError::NotFound("agent"),
        other => other.into(),
    }
}

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
    let page = PageRequest::parse(&query)?;
    let (after, fetch) = (page.after.clone(), page.fetch());
    let agents = state
        .read(move |conn| {
            let rows = agents::list(conn, &me.organization_id, after.as_deref(), fetch)?;
            Ok(agents::into_wire_list(conn, rows)?)
        })
        .await?;
    Ok(web::Json(page.page(agents, |agent| agent.id.as_str())))
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
    let new = body.0;
    permissions::check_agent_create(me.role, new.role)?;
    let mut v = Validator::new();
    let email = v.check("email", EmailAddress::parse(&new.email));
    let password = v.check("password", NewPassword::parse(&new.password));
    let first = v.check("first_name", Label::parse(&new.first_name, NAME_MAX));
    let last = v.check("last_name", Label::parse(&new.last_name, NAME_MAX));
    let screenname = v.check_optional("screenname", new.screenname, |raw| Label::parse(&raw, SCREENNAME_MAX));
    let time_zone = v.check_optional("time_zone", new.time_zone, |raw| TimeZoneName::parse(&raw));
    v.finish()?;
    let password = checked(password)?;
    let password_hash = run_blocking(move || passwords::hash(&password)).await?;
    let (email, first, last) = (
        checked(email)?.into_inner(),
        checked(first)?.into_inner(),
        checked(last)?.into_inner(),
    );
    let screenname = screenname.map(Label::into_inner).unwrap_or_else(|| first.clone());
    let time_zone =
        time_zone.unwrap_or_else(|| TimeZoneName::parse(&me.row.time_zone).unwrap_or_else(|_| TimeZoneName::utc()));
    let address = client_address(&request, &state);
    let role = new.role;
    let agent = state
        .write(move |conn| {
            let row = agents::insert(
                conn,
                NewAgent {
                    organization_id: &me.organization_id,
                    email: &email,
                    password_hash: &password_hash,
                    first_name: &first,
                    last_name: &last,
                    screenname: &screenname,
                    role,
                    time_zone: &time_zone.into_inner(),
                    idle_alert_seconds: IdleAlertSeconds::DEFAULT,
                },
            )
            .map_err(email_taken)?;
            let audit = Audit::by(&me, &address);
            audit.record(
                conn,
                "agent.created",
                "agent",
                &row.id,
                serde_json::json!({"email": row.email, "role": row.role}),
            )?;
            Ok(agents::into_wire_one(conn, row)?)
        })
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
    let id = id.into_inner();
    let agent = state
        .read(move |conn| {
            let row = agents::find(conn, &me.organization_id, &id).map_err(not_found)?;
            Ok(agents::into_wire_one(conn, row)?)
        })
        .await?;
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
    permissions::require_admin(me.role)?;
    let update = body.0;
    let mut v = Validator::new();
    let email = v.check_optional("email", update.email, |raw| EmailAddress::parse(&raw));
    let first = v.check_optional("first_name", update.first_name, |raw| Label::parse(&raw, NAME_MAX));
    let last = v.check_optional("last_name", update.last_name, |raw| Label::parse(&raw, NAME_MAX));
    let screenname = v.check_optional("screenname", update.screenname, |raw| {
        Label::parse(&raw, SCREENNAME_MAX)
    });
    v.finish()?;
    let changes = AgentChanges {
        email: email.map(EmailAddress::into_inner),
        first_name: first.map(Label::into_inner),
        last_name: last.map(Label::into_inner),
        screenname: screenname.map(Label::into_inner),
        role: update.role.map(|role| role.as_str().to_owned()),
        disabled: update.disabled,
        ..Default::default()
    };
    let (new_role, disabled) = (update.role, update.disabled);
    let address = client_address(&request, &state);
    let target = id.into_inner();
    let agent = state
        .write(move |conn| {
            let before = agents::find(conn, &me.organization_id, &target).map_err(not_found)?;
            let before_role = before.role()?;
            let edit = AgentEdit {
                new_role,
                disable: disabled == Some(true) && !before.disabled,
            };
            let other_owners = agents::count_other_active_owners(conn, &me.organization_id, &target)?;
            permissions::check_agent_edit(me.role, me.id == target, before_role, edit, other_owners)?;
            let after = agents::update(conn, &me.organization_id, &target, &changes).map_err(email_taken)?;
            let audit = Audit::by(&me, &address);
            if after.role != before.role {
                let detail = serde_json::json!({"from": before.role, "to": after.role});
                audit.record(conn, "agent.role_changed", "agent", &after.id, detail)?;
            }
            if after.disabled != before.disabled {
                let action = if after.disabled {
                    "agent.disabled"
                } else {
                    "agent.enabled"
                };
                audit.record(conn, action, "agent", &after.id, serde_json::json!({}))?;
                if after.disabled {
                    refresh_tokens::revoke_all_for_agent(conn, &me.organization_id, &target)?;
                }
            }
            if after.email != before.email {
                let detail = serde_json::json!({"from": before.email, "to": after.email});
                audit.record(conn, "agent.email_changed", "agent", &after.id, detail)?;
            }
            Ok(agents::into_wire_one(conn, after)?)
        })
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
    permissions::require_admin(me.role)?;
    let token = new_secret_token();
    let token_hash = hash_token(&token);
    let expires_at = reset_expiry();
    let address = client_address(&request, &state);
    let target = id.into_inner();
    state
        .write(move |conn| {
            let agent = agents::find(conn, &me.organization_id, &target).map_err(not_found)?;
            if agent.role()? == textdesk_types::agents::Role::Owner && me.role != textdesk_types::agents::Role::Owner {
                return Err(permissions::Denied::OwnersOnly.into());
            }
            password_resets::insert(
                conn,
                &me.organization_id,
                &target,
                Some(&me.id),
                &token_hash,
                expires_at,
            )?;
            let audit = Audit::by(&me, &address);
            audit.record(
                conn,
                "password.reset_issued",
                "agent",
                target.as_str(),
                serde_json::json!({}),
            )
        })
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
    let id = id.into_inner();
    let image = state
        .read(move |conn| {
            agents::find_avatar(conn, &me.organization_id, &id).map_err(|e| match e {
                textdesk_db::DbError::NotFound => ApiError::NotFound("avatar"),
                other => other.into(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, image.content_type))
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(image.bytes))
}
