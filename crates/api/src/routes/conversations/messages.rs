use actix_web::{HttpResponse, post, web};
use textdesk_app::conversations;
use textdesk_types::messages::{AddNote, Message, PushNote, SendMessage};
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

/// Add an internal note, visible to agents only, with an optional `source` shown with it.
/// Notes may be added to closed conversations. With an API key: the `notes:write` scope, and
/// only while the organization lets integrations add notes.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = AddNote,
    responses(
        (status = 201, description = "The note", body = Message),
        (status = 403, description = "The organization does not let API keys add notes (notes_api_disabled), or the key lacks notes:write", body = ProblemDetails, content_type = "application/problem+json"),
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

/// Push a note from another system (a CRM, a voicemail transcription service) where it
/// belongs: to a conversation by `conversation_id` or `conversation_number` (#1003), or to the
/// current conversation (the open one, else the latest) of a contact by `contact_id` or
/// `phone_number` (any common format); exactly one of the four. `source` says where it comes
/// from and shows with the note, which agents see at once in the app; a note written with an
/// API key also names the key. With an API key: the `notes:write` scope, and only while the
/// organization lets integrations add notes.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    request_body = PushNote,
    responses(
        (status = 201, description = "The note", body = Message),
        (status = 403, description = "The organization does not let API keys add notes (notes_api_disabled), or the key lacks notes:write", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation or contact in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The contact has no conversation yet (no_conversation)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Not exactly one target, or an invalid field", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/notes")]
pub async fn push_note(
    state: web::Data<AppState>,
    me: CurrentCaller,
    body: JsonBody<PushNote>,
) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    let note = state
        .run(move |app| conversations::push_note(app, &caller, body.0))
        .await?;
    Ok(HttpResponse::Created().json(note))
}
