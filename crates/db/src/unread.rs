//! Each agent's unread conversations, kept as rows rather than computed from read times, so
//! bold rows and the views' unread counts read one agent's few rows (BENCHMARKS.md, "Issue 11").
//!
//! A conversation is unread for an agent when the contact wrote after the agent last read it
//! and nobody on the team has answered or closed it since, or when the agent marked it unread
//! (a mark only the agent's own reading clears).

use diesel::prelude::*;
use textdesk_types::{AgentId, ConversationId, OrganizationId};

use crate::schema::{agents, conversations, unread_conversations};
use crate::{DbConnection, DbError};

/// The conversation's columns an unread row keeps a copy of, so the views' counts read the
/// rows alone; the database's trigger `unread_conversations_follow` keeps the copies current.
const KEPT_FROM_CONVERSATION: (
    conversations::status,
    conversations::owner_agent_id,
    conversations::owner_group_id,
    conversations::follow_up,
    conversations::waiting_since,
) = (
    conversations::status,
    conversations::owner_agent_id,
    conversations::owner_group_id,
    conversations::follow_up,
    conversations::waiting_since,
);

/// Where an unread row keeps them.
const KEPT_COLUMNS: (
    unread_conversations::status,
    unread_conversations::owner_agent_id,
    unread_conversations::owner_group_id,
    unread_conversations::follow_up,
    unread_conversations::waiting_since,
) = (
    unread_conversations::status,
    unread_conversations::owner_agent_id,
    unread_conversations::owner_group_id,
    unread_conversations::follow_up,
    unread_conversations::waiting_since,
);

/// The contact wrote in these conversations: unread for every enabled agent of their
/// organizations (an agent enabled later starts with nothing unread).
pub fn arrived(conn: &mut DbConnection, conversations: &[&str]) -> Result<(), DbError> {
    if conversations.is_empty() {
        return Ok(());
    }
    let everyone = conversations::table
        .inner_join(agents::table.on(agents::organization_id.eq(conversations::organization_id)))
        .filter(conversations::id.eq_any(conversations))
        .filter(agents::disabled.eq(false))
        .select((
            agents::id,
            conversations::id,
            conversations::organization_id,
            false.into_sql::<diesel::sql_types::Bool>(),
            KEPT_FROM_CONVERSATION,
        ));
    let insert = diesel::insert_into(unread_conversations::table)
        .values(everyone)
        .into_columns((
            unread_conversations::agent_id,
            unread_conversations::conversation_id,
            unread_conversations::organization_id,
            unread_conversations::marked,
            KEPT_COLUMNS,
        ))
        .on_conflict_do_nothing();
    // Upserts are written per backend: the multi-backend connection has no ON CONFLICT.
    match conn {
        DbConnection::Postgresql(pg) => insert.execute(pg)?,
        DbConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
    };
    Ok(())
}

/// The team answered or closed these conversations: read for everybody, but for the agents who
/// marked them unread themselves.
pub fn settled(conn: &mut DbConnection, conversations: &[&str]) -> Result<(), DbError> {
    if conversations.is_empty() {
        return Ok(());
    }
    diesel::delete(
        unread_conversations::table
            .filter(unread_conversations::conversation_id.eq_any(conversations))
            .filter(unread_conversations::marked.eq(false)),
    )
    .execute(conn)?;
    Ok(())
}

pub fn mark_read(conn: &mut DbConnection, agent: &AgentId, conversation: &ConversationId) -> Result<(), DbError> {
    diesel::delete(unread_conversations::table.find((agent.as_str(), conversation.as_str()))).execute(conn)?;
    Ok(())
}

pub fn mark_unread(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
    conversation: &ConversationId,
) -> Result<(), DbError> {
    use diesel::sql_types::{Bool, Text};
    let row = conversations::table
        .filter(conversations::organization_id.eq(organization.as_str()))
        .filter(conversations::id.eq(conversation.as_str()))
        .select((
            agent.as_str().into_sql::<Text>(),
            conversations::id,
            conversations::organization_id,
            true.into_sql::<Bool>(),
            KEPT_FROM_CONVERSATION,
        ));
    // An upsert: two requests of one agent at once (two tabs) both succeed.
    let upsert = diesel::insert_into(unread_conversations::table)
        .values(row)
        .into_columns((
            unread_conversations::agent_id,
            unread_conversations::conversation_id,
            unread_conversations::organization_id,
            unread_conversations::marked,
            KEPT_COLUMNS,
        ))
        .on_conflict((unread_conversations::agent_id, unread_conversations::conversation_id))
        .do_update()
        .set(unread_conversations::marked.eq(true));
    match conn {
        DbConnection::Postgresql(pg) => upsert.execute(pg)?,
        DbConnection::Sqlite(sqlite) => upsert.execute(sqlite)?,
    };
    Ok(())
}

/// Marks every conversation read for the agent, their own marks too.
pub fn mark_all_read(conn: &mut DbConnection, agent: &AgentId) -> Result<(), DbError> {
    diesel::delete(unread_conversations::table.filter(unread_conversations::agent_id.eq(agent.as_str())))
        .execute(conn)?;
    Ok(())
}

/// Forgets a conversation that is being deleted.
pub fn forget(conn: &mut DbConnection, conversation: &ConversationId) -> Result<(), DbError> {
    diesel::delete(unread_conversations::table.filter(unread_conversations::conversation_id.eq(conversation.as_str())))
        .execute(conn)?;
    Ok(())
}
