//! Quick replies: saved texts for the composer, an agent's own or shared with the organization.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use textdesk_app::quick_replies;
use textdesk_types::quick_replies::{CreateQuickReply, QuickReply, UpdateQuickReply};
use textdesk_types::{ProblemDetails, QuickReplyId};

use crate::extract::{CurrentAgent, JsonBody};
use crate::{ApiError, AppState};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QuickReplyQuery {
    /// Part of a title or text, in any case.
    pub q: Option<String>,
}

/// The quick replies you see (the organization's shared ones and your own), by title. They may
/// hold merge fields (`{{First Name}}`, `{{Last Name}}`, `{{Company Name}}`, a custom field's
/// name), which are replaced by the contact's values when the text is sent.
#[utoipa::path(
    tag = "quick-replies",
    security(("bearer" = [])),
    params(QuickReplyQuery),
    responses((status = 200, description = "Your quick replies", body = Vec<QuickReply>))
)]
#[get("/quick-replies")]
pub async fn list_quick_replies(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<QuickReplyQuery>,
) -> Result<web::Json<Vec<QuickReply>>, ApiError> {
    let caller = me.caller();
    let query = query.into_inner().q;
    Ok(web::Json(
        state
            .run(move |app| quick_replies::list(app, &caller, query.as_deref()))
            .await?,
    ))
}

/// Save a quick reply: yours, or shared with every agent (owners and admins only).
#[utoipa::path(
    tag = "quick-replies",
    security(("bearer" = [])),
    request_body = CreateQuickReply,
    responses(
        (status = 201, description = "The quick reply", body = QuickReply),
        (status = 403, description = "Only owners and admins share quick replies", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid title or text", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/quick-replies")]
pub async fn create_quick_reply(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: JsonBody<CreateQuickReply>,
) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    let reply = state
        .run(move |app| quick_replies::create(app, &caller, body.0))
        .await?;
    Ok(HttpResponse::Created().json(reply))
}

/// Change a quick reply's title or text: your own, or a shared one (owners and admins only).
#[utoipa::path(
    tag = "quick-replies",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The quick reply's id")),
    request_body = UpdateQuickReply,
    responses(
        (status = 200, description = "The quick reply", body = QuickReply),
        (status = 403, description = "Only owners and admins change shared quick replies", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such quick reply you can see", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid title or text", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/quick-replies/{id}")]
pub async fn update_quick_reply(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<QuickReplyId>,
    body: JsonBody<UpdateQuickReply>,
) -> Result<web::Json<QuickReply>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    Ok(web::Json(
        state
            .run(move |app| quick_replies::update(app, &caller, id, body.0))
            .await?,
    ))
}

/// Delete a quick reply: your own, or a shared one (owners and admins only).
#[utoipa::path(
    tag = "quick-replies",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The quick reply's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only owners and admins delete shared quick replies", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such quick reply you can see", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/quick-replies/{id}")]
pub async fn delete_quick_reply(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<QuickReplyId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    state.run(move |app| quick_replies::delete(app, &caller, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
