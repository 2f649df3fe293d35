//! Views of the Message Center: built-in ones and the organization's or an agent's own, each a
//! filter and a sort over conversations.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::conversations::{ConversationStatus, Replier};
use crate::{AgentId, GroupId, NumberId, ViewId};

/// The views every agent has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BuiltInView {
    /// Every open conversation, whoever owns it.
    Open,
    /// Open conversations you own.
    Mine,
    /// Open conversations owned by your groups.
    MyGroups,
    /// Open conversations nobody owns.
    Unassigned,
    /// Open conversations waiting for a reply longer than the organization allows.
    Waiting,
    /// Conversations flagged for follow-up.
    FollowUp,
    /// Closed conversations, the most recently active first.
    Closed,
    /// Every conversation.
    All,
}

impl BuiltInView {
    pub const ALL: [BuiltInView; 8] = [
        BuiltInView::Open,
        BuiltInView::Mine,
        BuiltInView::MyGroups,
        BuiltInView::Unassigned,
        BuiltInView::Waiting,
        BuiltInView::FollowUp,
        BuiltInView::Closed,
        BuiltInView::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BuiltInView::Open => "open",
            BuiltInView::Mine => "mine",
            BuiltInView::MyGroups => "my_groups",
            BuiltInView::Unassigned => "unassigned",
            BuiltInView::Waiting => "waiting",
            BuiltInView::FollowUp => "follow_up",
            BuiltInView::Closed => "closed",
            BuiltInView::All => "all",
        }
    }

    pub fn parse(raw: &str) -> Option<BuiltInView> {
        BuiltInView::ALL.into_iter().find(|view| view.as_str() == raw)
    }

    pub fn name(self) -> &'static str {
        match self {
            BuiltInView::Open => "Open",
            BuiltInView::Mine => "Just Mine",
            BuiltInView::MyGroups => "My Groups",
            BuiltInView::Unassigned => "Unassigned",
            BuiltInView::Waiting => "Waiting",
            BuiltInView::FollowUp => "Follow-Up",
            BuiltInView::Closed => "Closed",
            BuiltInView::All => "All",
        }
    }

    /// What the view shows, as a filter a custom view could also hold.
    pub fn filter(self) -> ViewFilter {
        let open = ViewFilter {
            status: Some(ConversationStatus::Open),
            ..ViewFilter::default()
        };
        match self {
            BuiltInView::Open => open,
            BuiltInView::Mine => ViewFilter {
                owner: Some(OwnerScope::Me),
                ..open
            },
            BuiltInView::MyGroups => ViewFilter {
                owner: Some(OwnerScope::MyGroups),
                ..open
            },
            BuiltInView::Unassigned => ViewFilter {
                owner: Some(OwnerScope::Nobody),
                ..open
            },
            BuiltInView::Waiting => ViewFilter {
                waiting: Some(true),
                sort: ViewSort::LongestWaiting,
                ..open
            },
            BuiltInView::FollowUp => ViewFilter {
                follow_up: Some(true),
                ..ViewFilter::default()
            },
            BuiltInView::Closed => ViewFilter {
                status: Some(ConversationStatus::Closed),
                ..ViewFilter::default()
            },
            BuiltInView::All => ViewFilter::default(),
        }
    }
}

/// Whose conversations, relative to the agent looking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OwnerScope {
    /// Owned by the agent looking.
    Me,
    /// Owned by one of the looking agent's groups (whichever agent within it).
    MyGroups,
    /// Owned by no agent and no group.
    Nobody,
}

/// How a view orders its conversations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ViewSort {
    /// Newest activity first.
    #[default]
    LastActivity,
    /// The contact's oldest unanswered text first; conversations not waiting come after,
    /// newest activity first.
    LongestWaiting,
    /// Newest conversation first.
    Created,
}

/// Which conversations a view shows. Every criterion given must hold; a list criterion holds
/// when any of its values does. An empty filter shows everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ViewFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ConversationStatus>,
    /// Owned by you, your groups, or nobody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<OwnerScope>,
    /// Owned by one of these agents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner_agent_ids: Vec<AgentId>,
    /// Owned by one of these groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner_group_ids: Vec<GroupId>,
    /// With one of these business numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub number_ids: Vec<NumberId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_replied_by: Option<Replier>,
    /// Part of the contact's name, company or phone number (digits in any format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub contact: Option<String>,
    /// Words any message of the conversation contains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub message_text: Option<String>,
    /// The conversation's number (#1003).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub conversation_number: Option<i64>,
    /// The contact carries one of these labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opted_out: Option<bool>,
    /// Waiting for a reply longer than the organization's threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<bool>,
    /// Opened at or after this moment.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
    pub opened_from: Option<DateTime<Utc>>,
    /// Opened before this moment.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
    pub opened_until: Option<DateTime<Utc>>,
    /// Last active at or after this moment.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
    pub active_from: Option<DateTime<Utc>>,
    /// Last active before this moment.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
    pub active_until: Option<DateTime<Utc>>,
    #[serde(default)]
    pub sort: ViewSort,
}

/// A view as the Message Center lists it, with how many of its conversations hold messages
/// the asking agent has not read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct View {
    /// A built-in view's name (`open`, `mine`, …) or a custom view's id; pass it as the
    /// conversation list's `view`.
    pub id: String,
    pub name: String,
    /// `None` for the views every agent has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub built_in: Option<BuiltInView>,
    /// Seen by every agent of the organization (built-in views and shared custom views);
    /// otherwise only by the agent who made it.
    pub shared: bool,
    pub filter: ViewFilter,
    /// How many of the view's conversations are unread for the agent asking (see
    /// `Conversation.unread`).
    pub unread_count: i64,
}

/// Every view of the asking agent, with their unread counts, and the change-feed position to
/// keep them current from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ViewList {
    pub views: Vec<View>,
    pub feed_cursor: String,
}

/// A new custom view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Billing, waiting", "shared": true, "filter": {"status": "open", "waiting": true}})))]
#[serde(deny_unknown_fields)]
pub struct CreateView {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
    /// Seen and edited by every agent (true), or yours alone.
    #[serde(default)]
    pub shared: bool,
    pub filter: ViewFilter,
}

/// Changes to a custom view; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateView {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: Option<String>,
    #[serde(default)]
    pub filter: Option<ViewFilter>,
}

/// Which view of a custom view's filter to try before saving it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreviewView {
    pub filter: ViewFilter,
    /// 1 to 200 conversations (default 50).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
}

/// The id of a view: a built-in view's name or a custom view's id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewRef {
    BuiltIn(BuiltInView),
    Custom(ViewId),
}

impl ViewRef {
    pub fn parse(raw: &str) -> ViewRef {
        BuiltInView::parse(raw).map_or_else(|| ViewRef::Custom(ViewId::new(raw)), ViewRef::BuiltIn)
    }
}
