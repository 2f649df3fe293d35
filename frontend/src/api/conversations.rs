//! Conversations: lists, one conversation's messages, replies, notes, read state, owners,
//! flags, closing, deleting and doing those to many at once.

use gloo_net::http::Method;
use textdesk_types::conversations::{
    BulkAction, BulkRequest, BulkResult, Conversation, ConversationDetail, StartConversation, Transfer,
    UpdateConversation,
};
use textdesk_types::messages::{AddNote, Message, SendMessage};
use textdesk_types::{ConversationId, MediaId, MessageId, NumberId, Page};

use super::{ApiResult, Call, fetch, fetch_empty};

/// Which conversations a list asks for: a view's (a built-in view's name or a custom view's
/// id; all when `None`), narrowed to one business number and to the unread ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub view: Option<String>,
    pub number: Option<NumberId>,
    /// Only those unread (`true`) or read (`false`) for the signed-in agent.
    pub unread: Option<bool>,
}

/// A page of a view's conversations in the view's order: the first when `cursor` is `None`,
/// else the one after it. The first page carries the change-feed position to follow it from.
pub async fn list(filter: ListFilter, limit: u32, cursor: Option<String>) -> ApiResult<Page<Conversation>> {
    let mut call = Call::get("/conversations").with_query("limit", limit.to_string());
    if let Some(view) = filter.view {
        call = call.with_query("view", view);
    }
    if let Some(number) = filter.number {
        call = call.with_query("number_id", number.into_inner());
    }
    if let Some(unread) = filter.unread {
        call = call.with_query("unread", unread.to_string());
    }
    if let Some(cursor) = cursor {
        call = call.with_query("cursor", cursor);
    }
    fetch(call).await
}

/// Which messages of a conversation to read.
pub enum Window {
    Newest,
    /// The page before this cursor.
    Before(String),
    /// The messages around this one (a search hit).
    Around(MessageId),
}

/// A conversation with a window of its messages.
pub async fn get(id: ConversationId, window: Window) -> ApiResult<ConversationDetail> {
    let call = Call::get(&format!("/conversations/{id}"));
    let call = match window {
        Window::Newest => call,
        Window::Before(cursor) => call.with_query("before", cursor),
        Window::Around(message) => call.with_query("around", message.into_inner()),
    };
    fetch(call).await
}

/// Starts (or finds the open) conversation with a phone number or contact, from a number.
pub async fn start(request: &StartConversation) -> ApiResult<Conversation> {
    fetch(Call::new(Method::POST, "/conversations").with_json(request)?).await
}

pub async fn claim(id: ConversationId) -> ApiResult<Conversation> {
    fetch(Call::new(Method::POST, &format!("/conversations/{id}/claim"))).await
}

/// Gives the conversation to an agent, a group, both, or nobody.
pub async fn transfer(id: ConversationId, owner: &Transfer) -> ApiResult<Conversation> {
    fetch(Call::new(Method::POST, &format!("/conversations/{id}/transfer")).with_json(owner)?).await
}

pub async fn set_follow_up(id: ConversationId, follow_up: bool) -> ApiResult<Conversation> {
    let changes = UpdateConversation {
        follow_up: Some(follow_up),
    };
    fetch(Call::new(Method::PATCH, &format!("/conversations/{id}")).with_json(&changes)?).await
}

pub async fn close(id: ConversationId) -> ApiResult<Conversation> {
    fetch(Call::new(Method::POST, &format!("/conversations/{id}/close"))).await
}

pub async fn delete(id: ConversationId) -> ApiResult<()> {
    fetch_empty(Call::new(Method::DELETE, &format!("/conversations/{id}"))).await
}

pub async fn mark_unread(id: ConversationId) -> ApiResult<()> {
    fetch_empty(Call::new(Method::POST, &format!("/conversations/{id}/unread"))).await
}

pub async fn mark_all_read() -> ApiResult<()> {
    fetch_empty(Call::new(Method::POST, "/conversations/read-all")).await
}

/// Does `operation` to the chosen conversations, or (with no ids) to all of `view`.
pub async fn bulk(ids: Vec<ConversationId>, view: Option<String>, operation: BulkAction) -> ApiResult<BulkResult> {
    let request = BulkRequest {
        conversation_ids: ids,
        view,
        number_id: None,
        operation,
    };
    fetch(Call::new(Method::POST, "/conversations/bulk").with_json(&request)?).await
}

/// A reply, with the media uploaded for it. The same `attempt` key sends it once however often
/// it is tried.
pub async fn send_message(
    id: ConversationId,
    body: String,
    media_ids: Vec<MediaId>,
    attempt: &str,
) -> ApiResult<Message> {
    let message = SendMessage {
        body,
        from_number_id: None,
        media_ids,
        lane: Default::default(),
    };
    let call = Call::new(Method::POST, &format!("/conversations/{id}/messages")).with_json(&message)?;
    fetch(call.with_idempotency_key(attempt)).await
}

pub async fn add_note(id: ConversationId, body: String, attempt: &str) -> ApiResult<Message> {
    let note = AddNote { body, source: None };
    let call = Call::new(Method::POST, &format!("/conversations/{id}/notes")).with_json(&note)?;
    fetch(call.with_idempotency_key(attempt)).await
}

pub async fn mark_read(id: ConversationId) -> ApiResult<()> {
    fetch_empty(Call::new(Method::POST, &format!("/conversations/{id}/read"))).await
}
