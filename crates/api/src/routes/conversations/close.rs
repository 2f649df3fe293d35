use actix_web::{post, web};
use textdesk_app::conversations;
use textdesk_types::conversations::Conversation;
use textdesk_types::{ConversationId, ProblemDetails};

use crate::extract::CurrentAgent;
use crate::{ApiError, AppState};

/// Close (end) an open conversation. The thread's next message opens a new conversation with
/// a new number; notes can still be added to this one.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    responses(
        (status = 200, description = "The closed conversation", body = Conversation),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Already closed", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/close")]
pub async fn close_conversation(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> Result<web::Json<Conversation>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let conversation = state.run(move |app| conversations::close(app, &caller, id)).await?;
    Ok(web::Json(conversation))
}
