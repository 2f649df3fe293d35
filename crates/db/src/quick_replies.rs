//! Quick replies: saved texts, shared with the organization or an agent's own.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::{AgentId, OrganizationId, QuickReplyId};

use crate::schema::quick_replies;
use crate::{DbConnection, DbError, ids, now};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = quick_replies)]
pub struct QuickReplyRow {
    pub id: QuickReplyId,
    pub organization_id: OrganizationId,
    /// `None`: shared with the organization.
    pub owner_agent_id: Option<AgentId>,
    pub title: String,
    pub body: String,
    pub created_by: Option<AgentId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The organization's shared quick replies and the agent's own.
fn visible<'a>(
    organization: &'a OrganizationId,
    agent: &'a AgentId,
) -> quick_replies::BoxedQuery<'a, crate::connection::MultiBackend> {
    quick_replies::table
        .filter(quick_replies::organization_id.eq(organization.as_str()))
        .filter(
            quick_replies::owner_agent_id
                .is_null()
                .or(quick_replies::owner_agent_id.eq(agent.as_str())),
        )
        .into_boxed()
}

/// The quick replies `agent` sees, by title.
pub fn visible_to(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
) -> Result<Vec<QuickReplyRow>, DbError> {
    Ok(visible(organization, agent)
        .order((quick_replies::title.asc(), quick_replies::id.asc()))
        .select(QuickReplyRow::as_select())
        .load(conn)?)
}

/// One quick reply `agent` sees, or not found.
pub fn find_visible(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
    id: &QuickReplyId,
) -> Result<QuickReplyRow, DbError> {
    Ok(visible(organization, agent)
        .filter(quick_replies::id.eq(id.as_str()))
        .select(QuickReplyRow::as_select())
        .first(conn)?)
}

pub fn insert(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    owner: Option<&AgentId>,
    created_by: &AgentId,
    title: &str,
    body: &str,
) -> Result<QuickReplyRow, DbError> {
    let at = now();
    let row = QuickReplyRow {
        id: ids::new_id(),
        organization_id: organization.clone(),
        owner_agent_id: owner.cloned(),
        title: title.to_owned(),
        body: body.to_owned(),
        created_by: Some(created_by.clone()),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(quick_replies::table).values(&row).execute(conn)?;
    Ok(row)
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = quick_replies)]
pub struct QuickReplyChanges<'a> {
    pub title: Option<&'a str>,
    pub body: Option<&'a str>,
}

pub fn update(conn: &mut DbConnection, id: &QuickReplyId, changes: QuickReplyChanges<'_>) -> Result<(), DbError> {
    diesel::update(quick_replies::table.find(id.as_str()))
        .set((changes, quick_replies::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, id: &QuickReplyId) -> Result<(), DbError> {
    diesel::delete(quick_replies::table.find(id.as_str())).execute(conn)?;
    Ok(())
}
