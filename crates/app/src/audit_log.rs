//! Reading the audit log: security-relevant actions, for owners and admins.

use textdesk_db::audit::{self, AuditFilter};
use textdesk_types::Page;
use textdesk_types::audit::{AuditEntry, AuditQuery};
use textdesk_types::page::PageQuery;

use crate::pagination::PageRequest;
use crate::{AppContext, AppError, AppResult, Caller, Permission};

/// The longest action filter; actions are short dotted names.
pub const ACTION_MAX: usize = 100;

/// The organization's audit entries, newest first, narrowed by who acted, what they did
/// (an action, or a family such as `webhook.`) and when.
pub fn list(app: &AppContext, caller: &Caller, query: &AuditQuery) -> AppResult<Page<AuditEntry>> {
    caller.permits(Permission::ReadAuditLog)?;
    let page = PageRequest::parse(&PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    })?;
    // Actions are lower case; LIKE would ignore case on SQLite only.
    let action = query
        .action
        .as_deref()
        .map(|action| action.trim().to_lowercase())
        .filter(|action| !action.is_empty());
    if action
        .as_ref()
        .is_some_and(|action| action.chars().count() > ACTION_MAX)
    {
        return Err(AppError::field(
            "action",
            "too_long",
            format!("must be at most {ACTION_MAX} characters"),
        ));
    }
    if let (Some(since), Some(until)) = (query.since, query.until)
        && until <= since
    {
        return Err(AppError::field("until", "before_since", "must be later than since"));
    }
    let filter = AuditFilter {
        actor: query.actor_id.as_ref(),
        action: action.as_deref(),
        since: query.since.map(|at| at.naive_utc()),
        until: query.until.map(|at| at.naive_utc()),
    };
    let entries = app.db.read(|conn| {
        audit::list(
            conn,
            &caller.organization_id,
            &filter,
            page.after.as_deref(),
            page.fetch(),
        )
    })?;
    Ok(page.page(entries, |entry| entry.id.as_str()))
}
