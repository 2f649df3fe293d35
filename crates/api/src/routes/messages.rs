//! Messages on their own: sending to a phone number, and sending a failed message again.

use actix_web::{HttpResponse, post, web};
use textdesk_app::{conversations, messages};
use textdesk_types::messages::{Message, SendToPhone};
use textdesk_types::{MessageId, ProblemDetails};

use crate::extract::{CurrentCaller, JsonBody};
use crate::{ApiError, AppState};

/// Send a message to a phone number. The contact, thread and conversation are created as
/// needed; an open conversation with the contact is continued.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    request_body = SendToPhone,
    responses(
        (status = 201, description = "The queued message", body = Message),
        (status = 409, description = "No number can send, or the contact opted out (contact_opted_out), declined consent (consent_declined) or has not confirmed a double opt-in (consent_pending)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/messages")]
pub async fn send_to_phone(
    state: web::Data<AppState>,
    me: CurrentCaller,
    body: JsonBody<SendToPhone>,
) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    let message = state
        .run(move |app| conversations::send_to_phone(app, &caller, body.0))
        .await?;
    Ok(HttpResponse::Created().json(message))
}

/// Send a failed message again.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The message's id")),
    responses(
        (status = 200, description = "The message, queued again", body = Message),
        (status = 404, description = "No such message in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The message has not failed (not_failed), or the contact opted out (contact_opted_out), declined consent (consent_declined) or has not confirmed a double opt-in (consent_pending)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/messages/{id}/retry")]
pub async fn retry_message(
    state: web::Data<AppState>,
    me: CurrentCaller,
    id: web::Path<MessageId>,
) -> Result<web::Json<Message>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let message = state.run(move |app| messages::retry(app, &caller, id)).await?;
    Ok(web::Json(message))
}
