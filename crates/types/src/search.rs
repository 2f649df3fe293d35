//! Search over the organization's conversations, open and closed: by conversation number,
//! phone number, contact name or message text.

use serde::{Deserialize, Serialize};

use crate::MessageId;
use crate::conversations::Conversation;

/// What the search box sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// What to look for, as typed: a conversation number (`1042` or `#1042`), a phone number in
    /// any format (or at least its last 4 digits), words of a contact's name or company, or
    /// words of a message (the last word also matches as the start of a longer word). 1 to 200
    /// characters, measured without surrounding spaces.
    #[cfg_attr(feature = "openapi", param(required = true, min_length = 1, max_length = 200))]
    pub q: Option<String>,
    /// How many results to return, 1 to 200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page of the same search.
    pub cursor: Option<String>,
}

/// Why a conversation was found. Results come in this order: the conversation whose number
/// was typed, then conversations of contacts with a matching phone number, then of contacts
/// with a matching name or company, then conversations with matching messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SearchMatch {
    ConversationNumber,
    PhoneNumber,
    ContactName,
    Message,
}

/// A highlighted part of a snippet: characters (Unicode scalar values, not bytes or UTF-16
/// units) `start` up to but not including `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Highlight {
    pub start: u32,
    pub end: u32,
}

/// One conversation found, once, for its best reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// The conversation as the conversation list shows it.
    pub conversation: Conversation,
    pub matched: SearchMatch,
    /// The best matching message when `matched` is `message`: open the conversation with
    /// `around` set to it to show it among its neighbours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<MessageId>,
    /// The text that matched: part of the message (cut ends marked with `…`), the contact's name
    /// and company, their phone number, or `#` and the conversation number.
    pub snippet: String,
    /// The matching parts of `snippet`, in order, not overlapping.
    pub highlights: Vec<Highlight>,
}
