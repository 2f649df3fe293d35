//! Keyword rules that assign new conversations: everyone reads them; owners and admins
//! manage them.

use actix_web::{HttpResponse, delete, get, post, web};
use textdesk_app::assignment;
use textdesk_types::assignment::{AssignmentRule, CreateAssignmentRule};
use textdesk_types::{AssignmentRuleId, ProblemDetails};

use crate::extract::{CurrentAgent, JsonBody};
use crate::{ApiError, AppState};

/// The keyword rules, in the order they are tried on a new conversation's first text (before
/// the business number's own target).
#[utoipa::path(
    tag = "assignment",
    security(("bearer" = [])),
    responses((status = 200, description = "The rules", body = Vec<AssignmentRule>))
)]
#[get("/assignment-rules")]
pub async fn list_rules(
    state: web::Data<AppState>,
    me: CurrentAgent,
) -> Result<web::Json<Vec<AssignmentRule>>, ApiError> {
    let caller = me.caller();
    Ok(web::Json(
        state.run(move |app| assignment::list_rules(app, &caller)).await?,
    ))
}

/// Add a keyword rule after the others (owners and admins).
#[utoipa::path(
    tag = "assignment",
    security(("bearer" = [])),
    request_body = CreateAssignmentRule,
    responses(
        (status = 201, description = "The rule", body = AssignmentRule),
        (status = 403, description = "Owners and admins only", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid pattern, or unknown agent, group or number", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/assignment-rules")]
pub async fn create_rule(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: JsonBody<CreateAssignmentRule>,
) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    let rule = state
        .run(move |app| assignment::create_rule(app, &caller, body.0))
        .await?;
    Ok(HttpResponse::Created().json(rule))
}

/// Delete a keyword rule (owners and admins).
#[utoipa::path(
    tag = "assignment",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The rule's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such rule in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/assignment-rules/{id}")]
pub async fn delete_rule(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<AssignmentRuleId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    state.run(move |app| assignment::delete_rule(app, &caller, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
