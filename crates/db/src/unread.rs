//! Each agent's unread conversations, kept as rows rather than computed from read times, so
//! bold rows and the views' unread counts read one agent's few rows (BENCHMARKS.md, "Issue 11").
//!
//! A conversation is unread for an agent when the contact wrote after the agent last read it
//! and nobody on the team has answered or closed it since, or when the agent marked it unread
//! (a mark only the agent's own reading clears).
//!
//! The database's triggers also tally each agent's rows by what the built-in views filter on
//! (`unread_tallies`): on PostgreSQL by appending a row per change, which `compact_tallies`
//! folds; on SQLite in place.

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

/// Housekeeping folds an agent's tallies once more than this many changes were appended since
/// the last fold: counting reads every one of them, folding rewrites all of the agent's.
pub const UNFOLDED_TALLIES_MAX: i64 = 32;

/// Folds appended tallies into one row per agent and bucket, so counting reads a few rows per
/// agent however busy the inbox: every agent with more than `unfolded_max` appended. Safe
/// beside concurrent changes and other processes folding: a tally is summed only by whoever
/// deleted it. Returns the rows folded.
///
/// Only PostgreSQL appends: SQLite's triggers add to one row per bucket in place (one writer at
/// a time queues nobody on it), so there is never anything to fold there.
pub fn compact_tallies(conn: &mut DbConnection, unfolded_max: i64) -> Result<usize, DbError> {
    use diesel::sql_types::BigInt;
    let DbConnection::Postgresql(pg) = conn else {
        return Ok(0);
    };
    #[derive(QueryableByName)]
    struct Folded {
        #[diesel(sql_type = BigInt)]
        rows: i64,
    }
    // Deleting and re-adding in one statement: each appended row is summed by the statement
    // that deleted it, and by no other.
    let folded: Folded = diesel::sql_query(
        "WITH busy AS ( \
             SELECT agent_id FROM unread_tallies GROUP BY agent_id \
             HAVING COUNT(*) FILTER (WHERE NOT compacted) > $1), \
         gone AS ( \
             DELETE FROM unread_tallies WHERE agent_id IN (SELECT agent_id FROM busy) \
             RETURNING agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting, n), \
         folded AS ( \
             INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id, \
                 follow_up, waiting, n, compacted) \
             SELECT agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting, \
                 SUM(n), true \
             FROM gone GROUP BY agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting \
             HAVING SUM(n) <> 0) \
         SELECT COUNT(*) AS rows FROM gone",
    )
    .bind::<BigInt, _>(unfolded_max)
    .get_result(pg)?;
    Ok(usize::try_from(folded.rows).unwrap_or_default())
}
