//! The append-only audit log. There is no update or delete here, and triggers refuse both in
//! the database itself.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::audit::AuditEntry;
use textdesk_types::{AgentId, AuditEntryId, OrganizationId};

use crate::schema::audit_log;
use crate::{DbConnection, DbError, ids, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: AuditEntryId,
    pub organization_id: OrganizationId,
    pub actor_id: Option<AgentId>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub detail: String,
    pub client_address: Option<String>,
    pub created_at: NaiveDateTime,
}

/// One security-relevant action.
pub struct AuditEvent<'a> {
    pub organization: &'a OrganizationId,
    pub actor: Option<&'a AgentId>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub detail: serde_json::Value,
    pub client_address: Option<&'a str>,
}

pub fn append(conn: &mut DbConnection, event: AuditEvent<'_>) -> Result<(), DbError> {
    let row = AuditRow {
        id: ids::new_id(),
        organization_id: event.organization.clone(),
        actor_id: event.actor.cloned(),
        action: event.action.to_owned(),
        target_type: event.target_type.to_owned(),
        target_id: event.target_id.to_owned(),
        detail: event.detail.to_string(),
        client_address: event.client_address.map(str::to_owned),
        created_at: now(),
    };
    diesel::insert_into(audit_log::table).values(&row).execute(conn)?;
    Ok(())
}

/// What to narrow the log to; `None` takes every entry.
#[derive(Debug, Default)]
pub struct AuditFilter<'a> {
    pub actor: Option<&'a AgentId>,
    /// An exact action, or, ending in a dot, a family of actions.
    pub action: Option<&'a str>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// Newest first, before the `before` id.
pub fn list(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    filter: &AuditFilter<'_>,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditEntry>, DbError> {
    let mut query = audit_log::table
        .filter(audit_log::organization_id.eq(organization))
        .select(AuditRow::as_select())
        .order(audit_log::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(audit_log::id.lt(before.to_owned()));
    }
    if let Some(actor) = filter.actor {
        query = query.filter(audit_log::actor_id.eq(actor.clone()));
    }
    match filter.action {
        Some(family) if family.ends_with('.') => {
            let pattern = format!("{}%", crate::escape_like(family));
            query = query.filter(audit_log::action.like(pattern).escape('\\'));
        }
        Some(action) => query = query.filter(audit_log::action.eq(action.to_owned())),
        None => {}
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_log::created_at.ge(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_log::created_at.lt(until));
    }
    let rows: Vec<AuditRow> = query.load(conn)?;
    rows.into_iter()
        .map(|row| {
            Ok(AuditEntry {
                detail: serde_json::from_str(&row.detail)
                    .map_err(|e| DbError::Corrupt(format!("audit detail: {e}")))?,
                id: row.id,
                actor_id: row.actor_id,
                action: row.action,
                target_type: row.target_type,
                target_id: row.target_id,
                client_address: row.client_address,
                created_at: utc(row.created_at),
            })
        })
        .collect()
}
