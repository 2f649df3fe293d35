//! Each agent's own read state of each conversation: bold rows and unread counts are per agent.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::{AgentId, ConversationId, OrganizationId};

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
