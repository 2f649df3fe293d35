use actix_web::{HttpResponse, post, web};
use textdesk_app::conversations;
use textdesk_types::ProblemDetails;
use textdesk_types::conversations::{Conversation, StartConversation};

use crate::extract::{CurrentCaller, JsonBody};
use crate::{ApiError, AppState};

/// Start a conversation with a phone number or a contact from a chosen number, optionally
/// with a first message. An open conversation with the contact is returned as it is (200).
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    request_body = StartConversation,
    responses(
        (status = 201, description = "The new conversation", body = Conversation),
        (status = 200, description = "The contact's conversation that was already open", body = Conversation),
        (status = 409, description = "The number is switched off, or a first message cannot go: the contact opted out (contact_opted_out), declined consent (consent_declined) or has not confirmed a double opt-in (consent_pending)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations")]
pub async fn start_conversation(
    state: web::Data<AppState>,
    me: CurrentCaller,
    body: JsonBody<StartConversation>,
) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    let started = state.run(move |app| conversations::start(app, &caller, body.0)).await?;
    let mut response = if started.created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response.json(started.conversation))
}
