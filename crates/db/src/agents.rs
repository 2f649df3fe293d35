//! Agents, their credentials and avatars.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::agents::{Agent, NotificationChoices, Role};
use textdesk_types::{AgentId, NumberId, OrganizationId};

use crate::schema::{agent_avatars, agents};
use crate::{DbConnection, DbError, ids, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = agents)]
pub struct AgentRow {
    pub id: AgentId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub screenname: String,
    pub role: Role,
    pub time_zone: String,
    pub idle_alert_seconds: i32,
    pub notify_transfer_mine: bool,
    pub notify_transfer_group: bool,
    pub notify_message_mine: bool,
    pub notify_message_group: bool,
    pub mobile_number: Option<String>,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub relay_number_id: Option<NumberId>,
    pub relay_enabled: bool,
}

impl AgentRow {
    /// The wire form; `avatar_version` is the avatar's last change, when there is one.
    pub fn into_wire(self, avatar_version: Option<NaiveDateTime>) -> Agent {
        let avatar_url = avatar_version.map(|version| {
            format!(
                "/api/v1/agents/{}/avatar?v={}",
                self.id,
                version.and_utc().timestamp_millis()
            )
        });
        Agent {
            id: self.id,
            organization_id: self.organization_id,
            email: self.email,
            first_name: self.first_name,
            last_name: self.last_name,
            screenname: self.screenname,
            role: self.role,
            time_zone: self.time_zone,
            idle_alert_seconds: u32::try_from(self.idle_alert_seconds).unwrap_or(0),
            notifications: NotificationChoices {
                transfer_mine: self.notify_transfer_mine,
                transfer_group: self.notify_transfer_group,
                message_mine: self.notify_message_mine,
                message_group: self.notify_message_group,
            },
            avatar_url,
            mobile_number: self.mobile_number,
            relay_number_id: self.relay_number_id,
            relay_enabled: self.relay_enabled,
            disabled: self.disabled,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        }
    }
}

/// A new agent's validated values.
pub struct NewAgent<'a> {
    pub organization_id: &'a OrganizationId,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub screenname: &'a str,
    pub role: Role,
    pub time_zone: &'a str,
    pub idle_alert_seconds: u32,
}

/// Fails with a conflict on `email` when the address is taken (in any organization: the email
/// is the sign-in name).
pub fn insert(conn: &mut DbConnection, new: NewAgent<'_>) -> Result<AgentRow, DbError> {
    let now = now();
    let row = AgentRow {
        id: ids::new_id(),
        organization_id: new.organization_id.clone(),
        email: new.email.to_owned(),
        password_hash: new.password_hash.to_owned(),
        first_name: new.first_name.to_owned(),
        last_name: new.last_name.to_owned(),
        screenname: new.screenname.to_owned(),
        role: new.role,
        time_zone: new.time_zone.to_owned(),
        idle_alert_seconds: i32::try_from(new.idle_alert_seconds).unwrap_or(i32::MAX),
        notify_transfer_mine: true,
        notify_transfer_group: false,
        notify_message_mine: true,
        notify_message_group: false,
        mobile_number: None,
        disabled: false,
        created_at: now,
        updated_at: now,
        relay_number_id: None,
        relay_enabled: false,
    };
    diesel::insert_into(agents::table).values(&row).execute(conn)?;
    Ok(row)
}

pub fn find(conn: &mut DbConnection, organization: &OrganizationId, id: &AgentId) -> Result<AgentRow, DbError> {
    Ok(agents::table
        .filter(agents::organization_id.eq(organization))
        .find(id)
        .select(AgentRow::as_select())
        .first(conn)?)
}

/// Sign-in lookup; emails are stored lower-cased.
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<AgentRow>, DbError> {
    Ok(agents::table
        .filter(agents::email.eq(email))
        .select(AgentRow::as_select())
        .first(conn)
        .optional()?)
}

/// The number is no longer set aside for relay: it is no agent's relay number.
pub fn take_relay_number(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    number: &NumberId,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        agents::table
            .filter(agents::organization_id.eq(organization))
            .filter(agents::relay_number_id.eq(number)),
    )
    .set(agents::relay_number_id.eq(None::<NumberId>))
    .execute(conn)?)
}

/// The organization's enabled owners and admins.
pub fn admins(conn: &mut DbConnection, organization: &OrganizationId) -> Result<Vec<AgentRow>, DbError> {
    Ok(agents::table
        .filter(agents::organization_id.eq(organization))
        .filter(agents::disabled.eq(false))
        .filter(agents::role.eq_any([Role::Owner, Role::Admin]))
        .order(agents::id.asc())
        .select(AgentRow::as_select())
        .load(conn)?)
}

/// Agents in creation order, after the `after` id.
pub fn list(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<AgentRow>, DbError> {
    let mut query = agents::table
        .filter(agents::organization_id.eq(organization))
        .select(AgentRow::as_select())
        .order(agents::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(agents::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// Changes to an agent; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = agents)]
pub struct AgentChanges {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub screenname: Option<String>,
    pub role: Option<Role>,
    pub time_zone: Option<String>,
    pub idle_alert_seconds: Option<i32>,
    pub notify_transfer_mine: Option<bool>,
    pub notify_transfer_group: Option<bool>,
    pub notify_message_mine: Option<bool>,
    pub notify_message_group: Option<bool>,
    pub mobile_number: Option<Option<String>>,
    pub relay_number_id: Option<Option<NumberId>>,
    pub relay_enabled: Option<bool>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
}

pub fn update(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    id: &AgentId,
    changes: &AgentChanges,
) -> Result<AgentRow, DbError> {
    let updated = diesel::update(
        agents::table
            .filter(agents::organization_id.eq(organization))
            .filter(agents::id.eq(id.as_str())),
    )
    .set((changes, agents::updated_at.eq(now())))
    .execute(conn)?;
    if updated == 0 {
        return Err(DbError::NotFound);
    }
    find(conn, organization, id)
}

/// Active owners other than `except`.
pub fn count_other_active_owners(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    except: &AgentId,
) -> Result<usize, DbError> {
    let count: i64 = agents::table
        .filter(agents::organization_id.eq(organization))
        .filter(agents::role.eq(Role::Owner))
        .filter(agents::disabled.eq(false))
        .filter(agents::id.ne(except))
        .count()
        .get_result(conn)?;
    Ok(usize::try_from(count).unwrap_or(0))
}

/// The last change of each listed agent's avatar, for those who have one.
pub fn avatar_versions(
    conn: &mut DbConnection,
    agent_ids: &[&AgentId],
) -> Result<HashMap<AgentId, NaiveDateTime>, DbError> {
    let rows: Vec<(AgentId, NaiveDateTime)> = agent_avatars::table
        .filter(agent_avatars::agent_id.eq_any(agent_ids))
        .select((agent_avatars::agent_id, agent_avatars::updated_at))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Loads agents' wire forms with their avatar links, in one extra query for the whole list.
pub fn into_wire_list(conn: &mut DbConnection, rows: Vec<AgentRow>) -> Result<Vec<Agent>, DbError> {
    let ids: Vec<&AgentId> = rows.iter().map(|row| &row.id).collect();
    let versions = avatar_versions(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let version = versions.get(&row.id).copied();
            row.into_wire(version)
        })
        .collect())
}

pub fn into_wire_one(conn: &mut DbConnection, row: AgentRow) -> Result<Agent, DbError> {
    let mut list = into_wire_list(conn, vec![row])?;
    list.pop().ok_or(DbError::NotFound)
}

pub struct Avatar {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub fn set_avatar(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
    content_type: &str,
    bytes: &[u8],
) -> Result<(), DbError> {
    delete_avatar(conn, organization, agent)?;
    diesel::insert_into(agent_avatars::table)
        .values((
            agent_avatars::agent_id.eq(agent),
            agent_avatars::organization_id.eq(organization),
            agent_avatars::content_type.eq(content_type),
            agent_avatars::bytes.eq(bytes),
            agent_avatars::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_avatar(conn: &mut DbConnection, organization: &OrganizationId, agent: &AgentId) -> Result<(), DbError> {
    diesel::delete(
        agent_avatars::table
            .filter(agent_avatars::organization_id.eq(organization))
            .filter(agent_avatars::agent_id.eq(agent)),
    )
    .execute(conn)?;
    Ok(())
}

pub fn find_avatar(conn: &mut DbConnection, organization: &OrganizationId, agent: &AgentId) -> Result<Avatar, DbError> {
    let (content_type, bytes) = agent_avatars::table
        .filter(agent_avatars::organization_id.eq(organization))
        .filter(agent_avatars::agent_id.eq(agent))
        .select((agent_avatars::content_type, agent_avatars::bytes))
        .first::<(String, Vec<u8>)>(conn)?;
    Ok(Avatar { content_type, bytes })
}
