//! One-time password-reset tokens, stored as hashes.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::{AgentId, OrganizationId};

use crate::schema::password_reset_tokens;
use crate::{DbConnection, DbError, ids, now};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = password_reset_tokens)]
pub struct PasswordResetRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub agent_id: AgentId,
    pub token_hash: String,
    pub created_by: Option<AgentId>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

pub fn insert(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: &AgentId,
    created_by: Option<&AgentId>,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> Result<PasswordResetRow, DbError> {
    let row = PasswordResetRow {
        id: ids::new_id(),
        organization_id: organization.clone(),
        agent_id: agent.clone(),
        token_hash: token_hash.to_owned(),
        created_by: created_by.cloned(),
        created_at: now(),
        expires_at,
        used_at: None,
    };
    diesel::insert_into(password_reset_tokens::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// Takes an unused, unexpired token: marks it used and returns it, or `None`.
pub fn take(conn: &mut DbConnection, token_hash: &str) -> Result<Option<PasswordResetRow>, DbError> {
    let now = now();
    let Some(row) = password_reset_tokens::table
        .filter(password_reset_tokens::token_hash.eq(token_hash))
        .filter(password_reset_tokens::used_at.is_null())
        .filter(password_reset_tokens::expires_at.gt(now))
        .select(PasswordResetRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let updated = diesel::update(
        password_reset_tokens::table
            .filter(password_reset_tokens::id.eq(&row.id))
            .filter(password_reset_tokens::used_at.is_null()),
    )
    .set(password_reset_tokens::used_at.eq(now))
    .execute(conn)?;
    Ok((updated == 1).then_some(row))
}

pub fn purge_expired(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(password_reset_tokens::table.filter(password_reset_tokens::expires_at.lt(cutoff)))
            .execute(conn)?,
    )
}
