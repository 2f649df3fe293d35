//! Conversations: lists, one conversation's messages, replies, notes and read state.

use gloo_net::http::Method;
use textdesk_types::conversations::{Conversation, ConversationDetail, ConversationStatus};
use textdesk_types::messages::{AddNote, Message, SendMessage};
use textdesk_types::{ConversationId, Page};

use super::{ApiResult, Call, fetch, fetch_empty};

/// Which conversations a list asks for; `None` leaves that side open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub status: Option<ConversationStatus>,
    /// Only those unread (`true`) or read (`false`) for the signed-in agent.
    pub unread: Option<bool>,
}

/// A page of conversations, newest activity first: the first when `cursor` is `None`, else
/// the one after it. The first page carries the change-feed position to follow it from.
pub async fn list(filter: ListFilter, limit: u32, cursor: Option<String>) -> ApiResult<Page<Conversation>> {
    let mut call = Call::get("/conversations").with_query("limit", limit.to_string());
    if let Some(status) = filter.status {
        call = call.with_query("status", status.as_str().to_owned());
    }
    if let Some(unread) = filter.unread {
        call = call.with_query("unread", unread.to_string());
    }
    if let Some(cursor) = cursor {
        call = call.with_query("cursor", cursor);
    }
    fetch(call).await
}

/// A conversation with its newest messages, or the page before the `before` cursor.
pub async fn get(id: ConversationId, before: Option<String>) -> ApiResult<ConversationDetail> {
    let mut call = Call::get(&format!("/conversations/{id}"));
    if let Some(before) = before {
        call = call.with_query("before", before);
    }
    fetch(call).await
}

pub async fn send_message(id: ConversationId, body: String) -> ApiResult<Message> {
    let message = SendMessage {
        body,
        from_number_id: None,
        media_ids: Vec::new(),
        lane: Default::default(),
    };
    fetch(Call::new(Method::POST, &format!("/conversations/{id}/messages")).with_json(&message)?).await
}

pub async fn add_note(id: ConversationId, body: String) -> ApiResult<Message> {
    let note = AddNote { body };
    fetch(Call::new(Method::POST, &format!("/conversations/{id}/notes")).with_json(&note)?).await
}

pub async fn mark_read(id: ConversationId) -> ApiResult<()> {
    fetch_empty(Call::new(Method::POST, &format!("/conversations/{id}/read"))).await
}
