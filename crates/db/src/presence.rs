//! Presence: one row per browser tab with the Message Center open, refreshed by its heartbeat.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::{AgentId, ConversationId, OrganizationId};

use crate::schema::{agents, presence};
use crate::{DbConnection, DbError};

/// Records the tab as seen at `at`, showing `conversation`. Returns whether the agent was
/// offline just before (no other tab of theirs seen since `online_since`): they have just come
/// online.
pub fn beat(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
    tab: &str,
    conversation: Option<&ConversationId>,
    at: NaiveDateTime,
    online_since: NaiveDateTime,
) -> Result<bool, DbError> {
    let was_online = is_online(conn, agent, online_since)?;
    let updated = diesel::update(presence::table.find((agent.as_str(), tab)))
        .set((presence::seen_at.eq(at), presence::conversation_id.eq(conversation)))
        .execute(conn)?;
    if updated == 0 {
        // In a savepoint: on PostgreSQL a failed statement would end the whole transaction.
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(presence::table)
                .values((
                    presence::agent_id.eq(agent.as_str()),
                    presence::tab_id.eq(tab),
                    presence::organization_id.eq(organization.as_str()),
                    presence::seen_at.eq(at),
                    presence::conversation_id.eq(conversation),
                ))
                .execute(conn)
        });
        match inserted {
            // Two heartbeats of a new tab raced and the other's row is there: it is as fresh.
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {}
            other => {
                other?;
            }
        }
    }
    // Rows of tabs closed without a word go once they are stale.
    diesel::delete(
        presence::table
            .filter(presence::agent_id.eq(agent.as_str()))
            .filter(presence::seen_at.lt(online_since)),
    )
    .execute(conn)?;
    Ok(!was_online)
}

/// The tab closed or left the Message Center; `None` for every tab (signing out).
pub fn leave(conn: &mut DbConnection, agent: &AgentId, tab: Option<&str>) -> Result<(), DbError> {
    let mut query = diesel::delete(presence::table)
        .filter(presence::agent_id.eq(agent.as_str()))
        .into_boxed();
    if let Some(tab) = tab {
        query = query.filter(presence::tab_id.eq(tab));
    }
    query.execute(conn)?;
    Ok(())
}

pub fn is_online(conn: &mut DbConnection, agent: &AgentId, online_since: NaiveDateTime) -> Result<bool, DbError> {
    let fresh: i64 = presence::table
        .filter(presence::agent_id.eq(agent.as_str()))
        .filter(presence::seen_at.ge(online_since))
        .count()
        .get_result(conn)?;
    Ok(fresh > 0)
}

/// Whether a tab of the agent seen since `online_since` shows the conversation.
pub fn is_viewing(
    conn: &mut DbConnection,
    agent: &AgentId,
    conversation: &ConversationId,
    online_since: NaiveDateTime,
) -> Result<bool, DbError> {
    let tabs: i64 = presence::table
        .filter(presence::agent_id.eq(agent))
        .filter(presence::conversation_id.eq(conversation))
        .filter(presence::seen_at.ge(online_since))
        .count()
        .get_result(conn)?;
    Ok(tabs > 0)
}

/// The organization's enabled agents with a tab seen since `online_since`: id, first and last
/// name, email; by name.
pub fn online_agents(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    online_since: NaiveDateTime,
) -> Result<Vec<(AgentId, String, String, String)>, DbError> {
    let online = presence::table
        .filter(presence::organization_id.eq(organization.as_str()))
        .filter(presence::seen_at.ge(online_since))
        .select(presence::agent_id);
    Ok(agents::table
        .filter(agents::organization_id.eq(organization.as_str()))
        .filter(agents::disabled.eq(false))
        .filter(agents::id.eq_any(online))
        .order((agents::first_name.asc(), agents::last_name.asc(), agents::id.asc()))
        .select((agents::id, agents::first_name, agents::last_name, agents::email))
        .load(conn)?)
}
