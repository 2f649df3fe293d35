//! API keys, found by the hash of their secret.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::api_keys::{ApiKey, ApiScope};
use textdesk_types::{AgentId, ApiKeyId, OrganizationId};

use crate::schema::{api_key_minutes, api_keys};
use crate::{DbConnection, DbError, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: ApiKeyId,
    pub organization_id: OrganizationId,
    pub label: String,
    pub prefix: String,
    pub secret_hash: String,
    pub scopes: String,
    pub created_by: AgentId,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub requests_per_minute: i32,
}

impl ApiKeyRow {
    pub fn scopes(&self) -> Result<Vec<ApiScope>, DbError> {
        serde_json::from_str(&self.scopes).map_err(|e| DbError::Corrupt(format!("api key {} scopes: {e}", self.id)))
    }

    pub fn into_wire(self) -> Result<ApiKey, DbError> {
        Ok(ApiKey {
            scopes: self.scopes()?,
            id: self.id,
            label: self.label,
            prefix: self.prefix,
            created_by: self.created_by,
            created_at: utc(self.created_at),
            last_used_at: self.last_used_at.map(utc),
            revoked_at: self.revoked_at.map(utc),
            requests_per_minute: u32::try_from(self.requests_per_minute).unwrap_or_default(),
        })
    }
}

pub fn insert(conn: &mut DbConnection, row: &ApiKeyRow) -> Result<(), DbError> {
    diesel::insert_into(api_keys::table).values(row).execute(conn)?;
    Ok(())
}

/// The organization's keys, newest first, revoked ones included.
pub fn list(conn: &mut DbConnection, organization: &OrganizationId) -> Result<Vec<ApiKeyRow>, DbError> {
    Ok(api_keys::table
        .filter(api_keys::organization_id.eq(organization))
        .order((api_keys::created_at.desc(), api_keys::id.desc()))
        .select(ApiKeyRow::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut DbConnection, organization: &OrganizationId, id: &ApiKeyId) -> Result<ApiKeyRow, DbError> {
    Ok(api_keys::table
        .filter(api_keys::organization_id.eq(organization))
        .find(id)
        .select(ApiKeyRow::as_select())
        .first(conn)?)
}

/// The key whose secret hashes to `secret_hash`, revoked or not.
pub fn find_by_hash(conn: &mut DbConnection, secret_hash: &str) -> Result<Option<ApiKeyRow>, DbError> {
    Ok(api_keys::table
        .filter(api_keys::secret_hash.eq(secret_hash))
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Revokes the key; false when it was revoked already.
pub fn revoke(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    id: &ApiKeyId,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let revoked = diesel::update(
        api_keys::table
            .filter(api_keys::organization_id.eq(organization))
            .filter(api_keys::id.eq(id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(at))
    .execute(conn)?;
    Ok(revoked == 1)
}

pub fn mark_used(conn: &mut DbConnection, id: &ApiKeyId, at: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(api_keys::table.find(id))
        .set(api_keys::last_used_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Counts a request of the key in `minute` (the start of the current minute); returns the
/// key's requests in that minute, this one included. One statement, so requests to several
/// server processes at once are all counted.
pub fn count_request(conn: &mut DbConnection, key: &ApiKeyId, minute: NaiveDateTime) -> Result<i32, DbError> {
    let row = (
        api_key_minutes::key_id.eq(key),
        api_key_minutes::minute.eq(minute),
        api_key_minutes::requests.eq(1),
    );
    let more = api_key_minutes::requests.eq(api_key_minutes::requests + 1);
    match conn {
        DbConnection::Postgresql(pg) => diesel::insert_into(api_key_minutes::table)
            .values(row)
            .on_conflict((api_key_minutes::key_id, api_key_minutes::minute))
            .do_update()
            .set(more)
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_into(api_key_minutes::table)
            .values(row)
            .on_conflict((api_key_minutes::key_id, api_key_minutes::minute))
            .do_update()
            .set(more)
            .execute(sqlite)?,
    };
    Ok(api_key_minutes::table
        .find((key, minute))
        .select(api_key_minutes::requests)
        .first(conn)?)
}

/// Forgets the request counts of minutes before `cutoff`.
pub fn purge_minutes(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(api_key_minutes::table.filter(api_key_minutes::minute.lt(cutoff))).execute(conn)?)
}
