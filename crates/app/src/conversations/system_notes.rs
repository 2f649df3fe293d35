//! System notes: the entries a conversation's thread shows for ownership and status changes
//! ("Ana transferred this to Billing", "Closed by Ana"), with their time and actor. They form
//! the conversation's transfer and ownership history.

use textdesk_db::agents;
use textdesk_db::contacts::ContactRow;
use textdesk_db::conversations::ConversationRow;
use textdesk_db::groups;
use textdesk_db::threads::{self, NewThreadMessage};
use textdesk_db::{DbConnection, messages::MessageRow};
use textdesk_types::messages::{AuthorKind, Direction, MessagePurpose, SendLane};
use textdesk_types::{AgentId, GroupId, OrganizationId};

use crate::caller::Attribution;
use crate::{AppResult, Caller};

/// How an agent is named in notes: their screenname.
pub(crate) fn agent_name(conn: &mut DbConnection, organization: &OrganizationId, agent: &AgentId) -> AppResult<String> {
    Ok(agents::find(conn, organization, agent)?.screenname)
}

pub(crate) fn group_name(conn: &mut DbConnection, organization: &OrganizationId, group: &GroupId) -> AppResult<String> {
    Ok(groups::find(conn, organization, group)?.name)
}

pub(crate) fn actor_name(conn: &mut DbConnection, caller: &Caller) -> AppResult<String> {
    agent_name(conn, &caller.organization_id, &caller.agent_id)
}

/// How an owner reads in a note: "Sam", "Billing", "Sam (Billing)"; `None` for nobody.
pub(crate) fn owner_name(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: Option<&AgentId>,
    group: Option<&GroupId>,
) -> AppResult<Option<String>> {
    let agent = agent.map(|agent| agent_name(conn, organization, agent)).transpose()?;
    let group = group.map(|group| group_name(conn, organization, group)).transpose()?;
    Ok(textdesk_domain::assignment::owner_label(
        agent.as_deref(),
        group.as_deref(),
    ))
}

/// Adds a system note written by the caller.
pub(crate) fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    conversation: &ConversationRow,
    contact: &ContactRow,
    body: &str,
) -> AppResult<MessageRow> {
    record_as(
        conn,
        &caller.organization_id,
        conversation,
        contact,
        body,
        caller.author(),
    )
}

/// Adds a system note by Textdesk itself (automatic assignment).
pub(crate) fn record_by_textdesk(
    conn: &mut DbConnection,
    conversation: &ConversationRow,
    contact: &ContactRow,
    body: &str,
) -> AppResult<MessageRow> {
    let organization = &conversation.organization_id;
    record_as(
        conn,
        organization,
        conversation,
        contact,
        body,
        Attribution {
            kind: AuthorKind::System,
            id: None,
            label: None,
        },
    )
}

/// Adds a system note by whoever `author` is.
pub(crate) fn record_as(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    conversation: &ConversationRow,
    contact: &ContactRow,
    body: &str,
    author: Attribution<'_>,
) -> AppResult<MessageRow> {
    let recorded = threads::record(
        conn,
        organization,
        NewThreadMessage {
            contact,
            conversation: Some(conversation),
            number: None,
            direction: Direction::System,
            body,
            author_kind: author.kind,
            author_id: author.id,
            author_label: author.label,
            source: None,
            lane: SendLane::Conversational,
            provider_ids: None,
            purpose: MessagePurpose::Normal,
            scheduled_at: None,
        },
    )?;
    Ok(recorded.message)
}
