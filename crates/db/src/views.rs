//! Custom views: saved filters, shared with the organization or personal.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::{AgentId, OrganizationId, ViewId};

use crate::schema::views;
use crate::{DbConnection, DbError, ids, now};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = views)]
pub struct ViewRow {
    pub id: ViewId,
    pub organization_id: OrganizationId,
    /// `None`: shared with the organization.
    pub owner_agent_id: Option<AgentId>,
    pub name: String,
    /// The filter as JSON (`textdesk_types::views::ViewFilter`).
    pub filter: String,
    pub position: i32,
    pub created_by: Option<AgentId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The views `agent` sees: the organization's shared ones and their own, in order.
pub fn visible_to(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
) -> Result<Vec<ViewRow>, DbError> {
    Ok(views::table
        .filter(views::organization_id.eq(organization.as_str()))
        .filter(
            views::owner_agent_id
                .is_null()
                .or(views::owner_agent_id.eq(agent.as_str())),
        )
        .order((views::position.asc(), views::id.asc()))
        .select(ViewRow::as_select())
        .load(conn)?)
}

/// One view `agent` sees, or not found.
pub fn find_visible(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
    id: &ViewId,
) -> Result<ViewRow, DbError> {
    Ok(views::table
        .filter(views::organization_id.eq(organization.as_str()))
        .filter(
            views::owner_agent_id
                .is_null()
                .or(views::owner_agent_id.eq(agent.as_str())),
        )
        .find(id.as_str())
        .select(ViewRow::as_select())
        .first(conn)?)
}

/// Adds a view after the existing ones.
pub fn insert(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    owner: Option<&AgentId>,
    created_by: &AgentId,
    name: &str,
    filter: &str,
) -> Result<ViewRow, DbError> {
    let last: Option<i32> = views::table
        .filter(views::organization_id.eq(organization.as_str()))
        .select(diesel::dsl::max(views::position))
        .first(conn)?;
    let at = now();
    let row = ViewRow {
        id: ids::new_id(),
        organization_id: organization.clone(),
        owner_agent_id: owner.cloned(),
        name: name.to_owned(),
        filter: filter.to_owned(),
        position: last.map_or(1, |last| last.saturating_add(1)),
        created_by: Some(created_by.clone()),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(views::table).values(&row).execute(conn)?;
    Ok(row)
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = views)]
pub struct ViewChanges<'a> {
    pub name: Option<&'a str>,
    pub filter: Option<&'a str>,
}

pub fn update(conn: &mut DbConnection, id: &ViewId, changes: ViewChanges<'_>) -> Result<(), DbError> {
    diesel::update(views::table.find(id.as_str()))
        .set((changes, views::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, id: &ViewId) -> Result<(), DbError> {
    diesel::delete(views::table.find(id.as_str())).execute(conn)?;
    Ok(())
}
