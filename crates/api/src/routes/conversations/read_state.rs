use actix_web::{HttpResponse, post, web};
use textdesk_app::conversations;
use textdesk_types::{ConversationId, ProblemDetails};

use crate::extract::CurrentAgent;
use crate::{ApiError, AppState};

/// Mark a conversation read, for you only.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    responses(
        (status = 204, description = "Marked read"),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    state
        .run(move |app| conversations::set_read(app, &caller, id, true))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark a conversation unread, for you only, to come back to it later.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    responses(
        (status = 204, description = "Marked unread"),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/unread")]
pub async fn mark_unread(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    state
        .run(move |app| conversations::set_read(app, &caller, id, false))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark every conversation read, for you only (the inbox's "Mark all read").
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    responses((status = 204, description = "Everything is read for you")),
)]
#[post("/conversations/read-all")]
pub async fn mark_all_read(state: web::Data<AppState>, me: CurrentAgent) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    state.run(move |app| conversations::mark_all_read(app, &caller)).await?;
    Ok(HttpResponse::NoContent().finish())
}
