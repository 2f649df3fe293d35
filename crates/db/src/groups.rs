//! Groups of agents and their members.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::groups::Group;
use textdesk_types::{AgentId, GroupId, OrganizationId};

use crate::schema::{agent_group_members, agent_groups, agents};
use crate::{DbConnection, DbError, ids, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = agent_groups)]
pub struct GroupRow {
    pub id: GroupId,
    pub organization_id: OrganizationId,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub round_robin: bool,
}

/// Fails with a conflict on `name` when the organization already has a group of that name.
pub fn insert(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    name: &str,
    round_robin: bool,
) -> Result<GroupRow, DbError> {
    let now = now();
    let row = GroupRow {
        id: ids::new_id(),
        organization_id: organization.clone(),
        name: name.to_owned(),
        created_at: now,
        updated_at: now,
        round_robin,
    };
    diesel::insert_into(agent_groups::table).values(&row).execute(conn)?;
    Ok(row)
}

pub fn find(conn: &mut DbConnection, organization: &OrganizationId, id: &GroupId) -> Result<GroupRow, DbError> {
    Ok(agent_groups::table
        .filter(agent_groups::organization_id.eq(organization.as_str()))
        .find(id.as_str())
        .select(GroupRow::as_select())
        .first(conn)?)
}

pub fn list(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<GroupRow>, DbError> {
    let mut query = agent_groups::table
        .filter(agent_groups::organization_id.eq(organization.as_str()))
        .select(GroupRow::as_select())
        .order(agent_groups::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(agent_groups::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = agent_groups)]
pub struct GroupChanges<'a> {
    pub name: Option<&'a str>,
    pub round_robin: Option<bool>,
}

pub fn update(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    id: &GroupId,
    changes: GroupChanges<'_>,
) -> Result<GroupRow, DbError> {
    let updated = diesel::update(
        agent_groups::table
            .filter(agent_groups::organization_id.eq(organization.as_str()))
            .filter(agent_groups::id.eq(id.as_str())),
    )
    .set((changes, agent_groups::updated_at.eq(now())))
    .execute(conn)?;
    if updated == 0 {
        return Err(DbError::NotFound);
    }
    find(conn, organization, id)
}

pub fn delete(conn: &mut DbConnection, organization: &OrganizationId, id: &GroupId) -> Result<(), DbError> {
    let deleted = diesel::delete(
        agent_groups::table
            .filter(agent_groups::organization_id.eq(organization.as_str()))
            .filter(agent_groups::id.eq(id.as_str())),
    )
    .execute(conn)?;
    if deleted == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Adds an agent of the same organization to a group; adding a member twice is a no-op.
pub fn add_member(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    group: &GroupId,
    agent: &AgentId,
) -> Result<(), DbError> {
    find(conn, organization, group)?;
    let agent_in_org: i64 = agents::table
        .filter(agents::organization_id.eq(organization.as_str()))
        .filter(agents::id.eq(agent.as_str()))
        .count()
        .get_result(conn)?;
    if agent_in_org == 0 {
        return Err(DbError::NotFound);
    }
    let already: i64 = agent_group_members::table
        .filter(agent_group_members::group_id.eq(group.as_str()))
        .filter(agent_group_members::agent_id.eq(agent.as_str()))
        .count()
        .get_result(conn)?;
    if already == 0 {
        diesel::insert_into(agent_group_members::table)
            .values((
                agent_group_members::group_id.eq(group.as_str()),
                agent_group_members::agent_id.eq(agent.as_str()),
                agent_group_members::organization_id.eq(organization.as_str()),
                agent_group_members::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn remove_member(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    group: &GroupId,
    agent: &AgentId,
) -> Result<(), DbError> {
    find(conn, organization, group)?;
    diesel::delete(
        agent_group_members::table
            .filter(agent_group_members::organization_id.eq(organization.as_str()))
            .filter(agent_group_members::group_id.eq(group.as_str()))
            .filter(agent_group_members::agent_id.eq(agent.as_str())),
    )
    .execute(conn)?;
    Ok(())
}

/// Wire forms of groups with their member ids, in one query for the members of all of them.
pub fn into_wire_list(conn: &mut DbConnection, rows: Vec<GroupRow>) -> Result<Vec<Group>, DbError> {
    let ids: Vec<&GroupId> = rows.iter().map(|row| &row.id).collect();
    let memberships: Vec<(GroupId, AgentId)> = agent_group_members::table
        .filter(agent_group_members::group_id.eq_any(&ids))
        .select((agent_group_members::group_id, agent_group_members::agent_id))
        .order((agent_group_members::group_id, agent_group_members::agent_id))
        .load(conn)?;
    let mut members: HashMap<GroupId, Vec<AgentId>> = HashMap::new();
    for (group, agent) in memberships {
        members.entry(group).or_default().push(agent);
    }
    Ok(rows
        .into_iter()
        .map(|row| Group {
            member_ids: members.remove(&row.id).unwrap_or_default(),
            id: row.id,
            name: row.name,
            round_robin: row.round_robin,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        })
        .collect())
}

pub fn into_wire_one(conn: &mut DbConnection, row: GroupRow) -> Result<Group, DbError> {
    into_wire_list(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// The ids of the groups the agent belongs to.
pub fn of_agent(conn: &mut DbConnection, agent: &AgentId) -> Result<Vec<GroupId>, DbError> {
    Ok(agent_group_members::table
        .filter(agent_group_members::agent_id.eq(agent.as_str()))
        .select(agent_group_members::group_id)
        .load(conn)?)
}

pub fn is_member(conn: &mut DbConnection, group: &GroupId, agent: &AgentId) -> Result<bool, DbError> {
    let found: i64 = agent_group_members::table
        .filter(agent_group_members::group_id.eq(group.as_str()))
        .filter(agent_group_members::agent_id.eq(agent.as_str()))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// A member of a group who is online, as round robin weighs them.
#[derive(Debug, Queryable)]
pub struct OnlineMember {
    pub agent_id: AgentId,
    pub screenname: String,
    /// When round robin last gave them a conversation of the group.
    pub last_assigned_at: Option<NaiveDateTime>,
}

/// The group's enabled members who are online (a tab seen since `online_since`).
pub fn online_members(
    conn: &mut DbConnection,
    group: &GroupId,
    online_since: NaiveDateTime,
) -> Result<Vec<OnlineMember>, DbError> {
    use crate::schema::presence;
    let online = presence::table
        .filter(presence::seen_at.ge(online_since))
        .select(presence::agent_id);
    Ok(agent_group_members::table
        .inner_join(agents::table)
        .filter(agent_group_members::group_id.eq(group.as_str()))
        .filter(agents::disabled.eq(false))
        .filter(agent_group_members::agent_id.eq_any(online))
        .select((
            agent_group_members::agent_id,
            agents::screenname,
            agent_group_members::last_assigned_at,
        ))
        .load(conn)?)
}

/// Records that round robin gave the member a conversation at `at`, unless another process
/// did so since `previous` was read; returns whether this call recorded it.
pub fn take_turn(
    conn: &mut DbConnection,
    group: &GroupId,
    agent: &AgentId,
    previous: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let member = agent_group_members::table
        .filter(agent_group_members::group_id.eq(group.as_str()))
        .filter(agent_group_members::agent_id.eq(agent.as_str()));
    let updated = match previous {
        Some(previous) => diesel::update(member.filter(agent_group_members::last_assigned_at.eq(previous)))
            .set(agent_group_members::last_assigned_at.eq(at))
            .execute(conn)?,
        None => diesel::update(member.filter(agent_group_members::last_assigned_at.is_null()))
            .set(agent_group_members::last_assigned_at.eq(at))
            .execute(conn)?,
    };
    Ok(updated == 1)
}
