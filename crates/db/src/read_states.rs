//! Each agent's own read state of each conversation: bold rows and unread counts are per agent.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::messages::Direction;
use textdesk_types::{AgentId, ConversationId, OrganizationId};

use crate::conversations::ConversationRow;
use crate::schema::read_states;
use crate::{DbConnection, DbError};

fn set(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
    conversation: &ConversationId,
    read_at: Option<NaiveDateTime>,
    marked_unread: bool,
) -> Result<(), DbError> {
    // Delete and insert in one transaction: an upsert without backend-specific SQL.
    diesel::delete(
        read_states::table
            .filter(read_states::agent_id.eq(agent.as_str()))
            .filter(read_states::conversation_id.eq(conversation.as_str())),
    )
    .execute(conn)?;
    diesel::insert_into(read_states::table)
        .values((
            read_states::agent_id.eq(agent.as_str()),
            read_states::conversation_id.eq(conversation.as_str()),
            read_states::organization_id.eq(organization.as_str()),
            read_states::read_at.eq(read_at),
            read_states::marked_unread.eq(marked_unread),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn mark_read(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
    conversation: &ConversationId,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    set(conn, organization, agent, conversation, Some(at), false)
}

pub fn mark_unread(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
    conversation: &ConversationId,
) -> Result<(), DbError> {
    set(conn, organization, agent, conversation, None, true)
}

/// Which of these conversations are unread for the agent: marked unread, or the contact wrote
/// after the agent last read it.
pub fn unread_among(
    conn: &mut DbConnection,
    agent: &AgentId,
    conversations: &[&ConversationRow],
) -> Result<HashMap<String, bool>, DbError> {
    let ids: Vec<&str> = conversations.iter().map(|c| c.id.as_str()).collect();
    let states: HashMap<String, (Option<NaiveDateTime>, bool)> = read_states::table
        .filter(read_states::agent_id.eq(agent.as_str()))
        .filter(read_states::conversation_id.eq_any(&ids))
        .select((
            read_states::conversation_id,
            read_states::read_at,
            read_states::marked_unread,
        ))
        .load::<(String, Option<NaiveDateTime>, bool)>(conn)?
        .into_iter()
        .map(|(id, read_at, marked)| (id, (read_at, marked)))
        .collect();
    Ok(conversations
        .iter()
        .map(|conversation| {
            let contact_wrote_last = conversation.last_direction.as_deref() == Some(Direction::Inbound.as_str());
            let unread = match states.get(&conversation.id) {
                Some((_, true)) => true,
                Some((Some(read_at), false)) => contact_wrote_last && conversation.last_message_at > *read_at,
                _ => contact_wrote_last,
            };
            (conversation.id.clone(), unread)
        })
        .collect())
}
