//! Each agent's unread conversations, kept as rows rather than computed from read times, so
//! bold rows and the views' unread counts read one agent's few rows (BENCHMARKS.md, "Issue 11").
//!
//! A conversation is unread for an agent when the contact wrote after the agent last read it
//! and nobody on the team has answered or closed it since, or when the agent marked it unread
//! (a mark only the agent's own reading clears).
//!
//! The database's triggers also tally each agent's rows by what the built-in views filter on
//! (`unread_tallies`), appending a row per change; `compact_tallies` folds them.

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
/// agent however busy the inbox. Safe beside concurrent changes and other processes folding:
/// a tally is summed only by whoever deleted it. Returns the rows folded.
///
/// PostgreSQL folds every agent with more than `unfolded_max` appended tallies. SQLite, where
/// a writer holds everybody else's writes back, folds at most `SQLITE_FOLD_CHUNK` of the oldest
/// (when more than `unfolded_max` are waiting) into the folded rows in place: call it again
/// while it folds a whole chunk.
pub fn compact_tallies(conn: &mut DbConnection, unfolded_max: i64) -> Result<usize, DbError> {
    use diesel::sql_types::BigInt;
    // Each backend folds in the way that keeps that promise: PostgreSQL deletes and re-adds in
    // one statement; SQLite, which has one writer at a time, in two within the transaction.
    let folded = match conn {
        DbConnection::Postgresql(pg) => {
            #[derive(QueryableByName)]
            struct Folded {
                #[diesel(sql_type = BigInt)]
                rows: i64,
            }
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
            usize::try_from(folded.rows).unwrap_or_default()
        }
        DbConnection::Sqlite(sqlite) => fold_sqlite_chunk(sqlite, unfolded_max)?,
    };
    Ok(folded)
}

/// The most appended tallies SQLite folds in one transaction (a few milliseconds of the lock).
pub const SQLITE_FOLD_CHUNK: i64 = 2_000;

fn fold_sqlite_chunk(sqlite: &mut diesel::SqliteConnection, unfolded_max: i64) -> Result<usize, DbError> {
    use diesel::sql_types::BigInt;
    // The last appended tally of this chunk, or NULL (nothing folds) when no more than
    // `unfolded_max` wait. Each statement computes it again and gets the same: the transaction
    // writes from its first statement on, so nobody appends in between. Starting with a read
    // instead would fail at once, not wait, when another process wrote meanwhile.
    const LAST: &str = "(SELECT CASE WHEN count(*) > ? THEN max(id) END FROM \
         (SELECT id FROM unread_tallies WHERE NOT compacted ORDER BY id LIMIT ?))";
    let same_bucket = "folded.compacted AND folded.agent_id = delta.agent_id AND folded.status = delta.status \
         AND folded.owner_agent_id IS delta.owner_agent_id AND folded.owner_group_id IS delta.owner_group_id \
         AND folded.follow_up = delta.follow_up AND folded.waiting = delta.waiting";
    let deltas = format!(
        "SELECT agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting, \
         SUM(n) AS n FROM unread_tallies WHERE NOT compacted AND id <= {LAST} \
         GROUP BY agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting"
    );
    diesel::sql_query(format!(
        "UPDATE unread_tallies AS folded SET n = folded.n + delta.n FROM ({deltas}) AS delta WHERE {same_bucket}"
    ))
    .bind::<BigInt, _>(unfolded_max)
    .bind::<BigInt, _>(SQLITE_FOLD_CHUNK)
    .execute(sqlite)?;
    diesel::sql_query(format!(
        "INSERT INTO unread_tallies (agent_id, organization_id, status, owner_agent_id, owner_group_id, \
             follow_up, waiting, n, compacted) \
         SELECT agent_id, organization_id, status, owner_agent_id, owner_group_id, follow_up, waiting, n, 1 \
         FROM ({deltas}) AS delta WHERE n <> 0 AND NOT EXISTS (SELECT 1 FROM unread_tallies AS folded WHERE {same_bucket})"
    ))
    .bind::<BigInt, _>(unfolded_max)
    .bind::<BigInt, _>(SQLITE_FOLD_CHUNK)
    .execute(sqlite)?;
    Ok(diesel::sql_query(format!(
        "DELETE FROM unread_tallies WHERE NOT compacted AND id <= {LAST}"
    ))
    .bind::<BigInt, _>(unfolded_max)
    .bind::<BigInt, _>(SQLITE_FOLD_CHUNK)
    .execute(sqlite)?)
}
