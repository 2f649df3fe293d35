//! Refresh tokens, stored as hashes, grouped in families (one per sign-in) so that reuse of a
//! rotated token can revoke the whole family.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::{AgentId, OrganizationId};

use crate::schema::refresh_tokens;
use crate::{DbConnection, DbError, ids, now};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub agent_id: AgentId,
    pub family_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub rotated_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Stores a token hash; `family` is `None` for a new sign-in.
pub fn insert(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
    family: Option<&str>,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> Result<RefreshTokenRow, DbError> {
    let row = RefreshTokenRow {
        id: ids::new_id(),
        organization_id: organization.clone(),
        agent_id: agent.clone(),
        family_id: family.map(str::to_owned).unwrap_or_else(ids::new_id),
        token_hash: token_hash.to_owned(),
        created_at: now(),
        expires_at,
        rotated_at: None,
        revoked_at: None,
    };
    diesel::insert_into(refresh_tokens::table).values(&row).execute(conn)?;
    Ok(row)
}

pub fn find_by_hash(conn: &mut DbConnection, token_hash: &str) -> Result<Option<RefreshTokenRow>, DbError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token used. Returns false when another request rotated it first, which the caller
/// treats as reuse.
pub fn mark_rotated(conn: &mut DbConnection, id: &str) -> Result<bool, DbError> {
    let updated = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::rotated_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::rotated_at.eq(now()))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn revoke_family(conn: &mut DbConnection, family: &str) -> Result<usize, DbError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?)
}

/// Ends every session of an agent (disabled, or password changed).
pub fn revoke_all_for_agent(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::organization_id.eq(organization.as_str()))
            .filter(refresh_tokens::agent_id.eq(agent.as_str()))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?)
}

/// Deletes tokens that expired before `cutoff`.
pub fn purge_expired(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(refresh_tokens::table.filter(refresh_tokens::expires_at.lt(cutoff))).execute(conn)?)
}
