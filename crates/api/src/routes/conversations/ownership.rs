use actix_web::{HttpRequest, HttpResponse, delete, patch, post, web};
use textdesk_app::conversations;
use textdesk_types::conversations::{BulkRequest, BulkResult, Conversation, Transfer, UpdateConversation};
use textdesk_types::{ConversationId, ProblemDetails};

use crate::extract::{CurrentAgent, JsonBody, client_address};
use crate::{ApiError, AppState};

/// Claim a conversation: you become its owner (within its group, if you are a member). Adds a
/// system note.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    responses(
        (status = 200, description = "The conversation", body = Conversation),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/claim")]
pub async fn claim_conversation(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> Result<web::Json<Conversation>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let conversation = state.run(move |app| conversations::claim(app, &caller, id)).await?;
    Ok(web::Json(conversation))
}

/// Transfer a conversation to an agent, a group, an agent within a group, or nobody. Anyone
/// may still reply whoever owns it. Adds a system note ("Ana transferred this to Billing").
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = Transfer,
    responses(
        (status = 200, description = "The conversation", body = Conversation),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Unknown or disabled agent, unknown group, or an agent outside the group", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/transfer")]
pub async fn transfer_conversation(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
    body: JsonBody<Transfer>,
) -> Result<web::Json<Conversation>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let conversation = state
        .run(move |app| conversations::transfer(app, &caller, id, body.0))
        .await?;
    Ok(web::Json(conversation))
}

/// Set or clear a conversation's follow-up flag. Transfers keep it; closing clears it.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = UpdateConversation,
    responses(
        (status = 200, description = "The conversation", body = Conversation),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A closed conversation cannot be flagged", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/conversations/{id}")]
pub async fn update_conversation(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
    body: JsonBody<UpdateConversation>,
) -> Result<web::Json<Conversation>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let conversation = state
        .run(move |app| conversations::update(app, &caller, id, body.0))
        .await?;
    Ok(web::Json(conversation))
}

/// Delete a conversation: its messages and media are removed for good. Owners and admins may;
/// agents only where the organization allows it (`agents_may_delete`). Recorded in the audit
/// log.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Deleting is not allowed to you", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/conversations/{id}")]
pub async fn delete_conversation(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id, address) = (me.caller(), id.into_inner(), client_address(&request, &state));
    state
        .run(move |app| conversations::delete(app, &caller, &address, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Close, assign or mark read many conversations at once: up to 500 chosen ones, or every
/// conversation of a view (up to 10,000), optionally of one business number. Each closing and
/// each change of owner adds its system note.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    request_body = BulkRequest,
    responses(
        (status = 200, description = "How many conversations changed", body = BulkResult),
        (status = 404, description = "No such view", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid selection or owner", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/bulk")]
pub async fn bulk_update(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: JsonBody<BulkRequest>,
) -> Result<web::Json<BulkResult>, ApiError> {
    let caller = me.caller();
    let result = state.run(move |app| conversations::bulk(app, &caller, body.0)).await?;
    Ok(web::Json(result))
}
