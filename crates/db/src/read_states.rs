//! Each agent's own read state of each conversation: bold rows and unread counts are per agent.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::messages::Direction;
use textdesk_types::{AgentId, ConversationId, OrganizationId};

use crate::conversations::ConversationRow;
use crate::schema::{read_all_marks, read_states};
use crate::{DbConnection, DbError};

fn set(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
    conversation: &ConversationId,
    read_at: Option<NaiveDateTime>,
    marked_unread: bool,
) -> Result<(), DbError> {
    // An upsert: two requests of one agent at once (two tabs) both succeed, the later wins.
    let row = (
        read_states::agent_id.eq(agent.as_str()),
        read_states::conversation_id.eq(conversation.as_str()),
        read_states::organization_id.eq(organization.as_str()),
        read_states::read_at.eq(read_at),
        read_states::marked_unread.eq(marked_unread),
    );
    let changes = (
        read_states::read_at.eq(read_at),
        read_states::marked_unread.eq(marked_unread),
    );
    let target = (read_states::agent_id, read_states::conversation_id);
    match conn {
        DbConnection::Postgresql(pg) => diesel::insert_into(read_states::table)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(changes)
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_into(read_states::table)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(changes)
            .execute(sqlite)?,
    };
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

/// Marks every conversation of the organization read for the agent, with one mark: the
/// agent's per-conversation states before it no longer matter.
pub fn mark_all_read(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::delete(read_states::table.filter(read_states::agent_id.eq(agent.as_str()))).execute(conn)?;
    diesel::delete(read_all_marks::table.find(agent.as_str())).execute(conn)?;
    diesel::insert_into(read_all_marks::table)
        .values((
            read_all_marks::agent_id.eq(agent.as_str()),
            read_all_marks::organization_id.eq(organization.as_str()),
            read_all_marks::read_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which of these conversations are unread for the agent: marked unread, or the contact wrote
/// after the agent last read it (or last marked everything read).
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
    let all_read_at: Option<NaiveDateTime> = read_all_marks::table
        .find(agent.as_str())
        .select(read_all_marks::read_at)
        .first(conn)
        .optional()?;
    Ok(conversations
        .iter()
        .map(|conversation| {
            let contact_wrote_last = conversation.last_direction.as_deref() == Some(Direction::Inbound.as_str());
            let (read_at, marked_unread) = states.get(&conversation.id).copied().unwrap_or((None, false));
            let read_at = read_at.max(all_read_at);
            let unread = marked_unread
                || (contact_wrote_last && read_at.is_none_or(|read_at| conversation.last_message_at > read_at));
            (conversation.id.clone(), unread)
        })
        .collect())
}
