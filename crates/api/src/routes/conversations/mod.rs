//! Conversations: the list, one conversation with a window of its messages, and (in the
//! submodules) starting, replying, notes, read state and closing. Each handler extracts the
//! request, calls one operation of `textdesk_app::conversations` and renders its answer.

mod close;
mod messages;
mod ownership;
mod read_state;
mod start;

use actix_web::{get, web};
use serde::Deserialize;
use textdesk_app::conversations::{self, ListRequest};
use textdesk_types::conversations::{Conversation, ConversationDetail, ConversationStatus, MessageWindow};
use textdesk_types::views::ViewRef;
use textdesk_types::{ConversationId, NumberId, Page, ProblemDetails};

use crate::extract::CurrentCaller;
use crate::{ApiError, AppState};

pub use close::close_conversation;
pub use messages::{add_note, push_note, send_message};
pub use ownership::{bulk_update, claim_conversation, delete_conversation, transfer_conversation, update_conversation};
pub use read_state::{mark_all_read, mark_read, mark_unread};
pub use start::start_conversation;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConversationQuery {
    /// A view: a built-in one (`open`, `mine`, `my_groups`, `unassigned`, `waiting`,
    /// `follow_up`, `closed`, `all`) or a custom view's id; `all` when absent. The list comes
    /// in the view's order.
    pub view: Option<String>,
    /// Only this business number's conversations.
    pub number_id: Option<NumberId>,
    /// `open` or `closed`; whatever the view shows when absent.
    pub status: Option<String>,
    /// `true` for only the conversations unread for you, `false` for only those you have read.
    pub unread: Option<bool>,
    /// How many items to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

impl ConversationQuery {
    fn request(&self) -> Result<ListRequest, ApiError> {
        let status = self
            .status
            .as_deref()
            .map(|raw| {
                ConversationStatus::parse(raw)
                    .ok_or_else(|| ApiError::field("status", "invalid_status", "must be open or closed"))
            })
            .transpose()?;
        Ok(ListRequest {
            view: self.view.as_deref().map(ViewRef::parse),
            status,
            unread: self.unread,
            number: self.number_id.clone(),
        })
    }
}

/// A view's conversations, in the view's order (newest activity first unless the view sorts
/// otherwise), each with whether it is unread for you.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(ConversationQuery),
    responses(
        (status = 200, description = "A page of conversations", body = Page<Conversation>),
        (status = 422, description = "Invalid parameters", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/conversations")]
pub async fn list_conversations(
    state: web::Data<AppState>,
    me: CurrentCaller,
    query: web::Query<ConversationQuery>,
) -> Result<web::Json<Page<Conversation>>, ApiError> {
    let query = query.into_inner();
    let request = query.request()?;
    let caller = me.caller();
    let page = state
        .run(move |app| conversations::list(app, &caller, request, query.limit, query.cursor.as_deref()))
        .await?;
    Ok(web::Json(page))
}

/// One conversation with a window of its messages (the newest by default), oldest first.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id"), MessageWindow),
    responses(
        (status = 200, description = "The conversation and its messages", body = ConversationDetail),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/conversations/{id}")]
pub async fn get_conversation(
    state: web::Data<AppState>,
    me: CurrentCaller,
    id: web::Path<ConversationId>,
    query: web::Query<MessageWindow>,
) -> Result<web::Json<ConversationDetail>, ApiError> {
    let caller = me.caller();
    let (id, query) = (id.into_inner(), query.into_inner());
    let detail = state
        .run(move |app| conversations::get(app, &caller, id, query))
        .await?;
    Ok(web::Json(detail))
}
