use actix_web::{HttpResponse, post, web};
use textdesk_app::conversations;
use textdesk_types::messages::{AddNote, Message, SendMessage};
use textdesk_types::{ConversationId, ProblemDetails};

use crate::extract::{CurrentCaller, JsonBody};
use crate::{ApiError, AppState};

/// Reply in an open conversation. The answer comes once the message is queued; its status then
/// moves on as the provider reports.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = SendMessage,
    responses(
        (status = 201, description = "The queued message", body = Message),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The conversation is closed, no number can send, or the contact opted out (contact_opted_out), declined consent (consent_declined) or has not confirmed a double opt-in (consent_pending)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/messages")]
pub async fn send_message(
    state: web::Data<AppState>,
    me: CurrentCaller,
    id: web::Path<ConversationId>,
    body: JsonBody<SendMessage>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let message = state
        .run(move |app| conversations::reply(app, &caller, id, body.0))
        .await?;
    Ok(HttpResponse::Created().json(message))
}

/// Add an internal note, visible to agents only. Notes may be added to closed conversations.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = AddNote,
    responses(
        (status = 201, description = "The note", body = Message),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/notes")]
pub async fn add_note(
    state: web::Data<AppState>,
    me: CurrentCaller,
    id: web::Path<ConversationId>,
    body: JsonBody<AddNote>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let note = state
        .run(move |app| conversations::add_note(app, &caller, id, body.0))
        .await?;
    Ok(HttpResponse::Created().json(note))
}
