//! Business numbers and their (sealed) provider credentials.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::numbers::Number;
use textdesk_types::{AgentId, GroupId, NumberId, OrganizationId};

use crate::schema::numbers;
use crate::{DbConnection, DbError, ids, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = numbers)]
pub struct NumberRow {
    pub id: NumberId,
    pub organization_id: OrganizationId,
    pub phone_number: String,
    pub label: String,
    pub provider: String,
    pub account_sid: Option<String>,
    pub auth_token_sealed: Option<String>,
    pub enabled: bool,
    pub auto_assign_agent_id: Option<AgentId>,
    pub auto_assign_group_id: Option<GroupId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub send_rate_per_second: i32,
    /// Set aside for text relay: texts it gets come from agents' phones, not customers.
    pub relay: bool,
}

impl NumberRow {
    pub fn into_wire(self) -> Number {
        Number {
            id: self.id,
            phone_number: self.phone_number,
            label: self.label,
            provider: self.provider,
            account_sid: self.account_sid,
            has_auth_token: self.auth_token_sealed.is_some(),
            enabled: self.enabled,
            auto_assign_agent_id: self.auto_assign_agent_id,
            auto_assign_group_id: self.auto_assign_group_id,
            send_rate_per_second: u32::try_from(self.send_rate_per_second).unwrap_or(1),
            relay: self.relay,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        }
    }
}

pub struct NewNumber<'a> {
    pub phone_number: &'a str,
    pub label: &'a str,
    pub provider: &'a str,
    pub account_sid: Option<&'a str>,
    pub auth_token_sealed: Option<&'a str>,
    pub send_rate_per_second: u32,
}

/// Fails with a conflict on `phone_number` when any organization already has the number.
pub fn insert(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    new: NewNumber<'_>,
) -> Result<NumberRow, DbError> {
    let now = now();
    let row = NumberRow {
        id: ids::new_id(),
        organization_id: organization.clone(),
        phone_number: new.phone_number.to_owned(),
        label: new.label.to_owned(),
        provider: new.provider.to_owned(),
        account_sid: new.account_sid.map(str::to_owned),
        auth_token_sealed: new.auth_token_sealed.map(str::to_owned),
        enabled: true,
        auto_assign_agent_id: None,
        auto_assign_group_id: None,
        created_at: now,
        updated_at: now,
        send_rate_per_second: i32::try_from(new.send_rate_per_second).unwrap_or(1),
        relay: false,
    };
    diesel::insert_into(numbers::table).values(&row).execute(conn)?;
    Ok(row)
}

pub fn find(conn: &mut DbConnection, organization: &OrganizationId, id: &NumberId) -> Result<NumberRow, DbError> {
    Ok(numbers::table
        .filter(numbers::organization_id.eq(organization.as_str()))
        .find(id.as_str())
        .select(NumberRow::as_select())
        .first(conn)?)
}

/// The numbers providers' webhooks are addressed to, in whichever organizations have them.
pub fn find_by_phone_numbers(conn: &mut DbConnection, phone_numbers: &[&str]) -> Result<Vec<NumberRow>, DbError> {
    Ok(numbers::table
        .filter(numbers::phone_number.eq_any(phone_numbers))
        .select(NumberRow::as_select())
        .load(conn)?)
}

pub fn list(conn: &mut DbConnection, organization: &OrganizationId) -> Result<Vec<NumberRow>, DbError> {
    Ok(numbers::table
        .filter(numbers::organization_id.eq(organization.as_str()))
        .order(numbers::id.asc())
        .select(NumberRow::as_select())
        .load(conn)?)
}

/// Changes to a number; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = numbers)]
pub struct NumberChanges {
    pub label: Option<String>,
    pub enabled: Option<bool>,
    pub account_sid: Option<Option<String>>,
    pub auth_token_sealed: Option<Option<String>>,
    pub send_rate_per_second: Option<i32>,
    pub auto_assign_agent_id: Option<Option<AgentId>>,
    pub auto_assign_group_id: Option<Option<GroupId>>,
    pub relay: Option<bool>,
}

pub fn update(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    id: &NumberId,
    changes: &NumberChanges,
) -> Result<NumberRow, DbError> {
    let updated = diesel::update(
        numbers::table
            .filter(numbers::organization_id.eq(organization.as_str()))
            .filter(numbers::id.eq(id.as_str())),
    )
    .set((changes, numbers::updated_at.eq(now())))
    .execute(conn)?;
    if updated == 0 {
        return Err(DbError::NotFound);
    }
    find(conn, organization, id)
}
