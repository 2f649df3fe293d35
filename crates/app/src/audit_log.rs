//! Reading the audit log: security-relevant actions, for owners and admins.

use textdesk_db::audit;
use textdesk_types::Page;
use textdesk_types::audit::AuditEntry;
use textdesk_types::page::PageQuery;

use crate::pagination::PageRequest;
use crate::{AppContext, AppResult, Caller, Permission};

/// The organization's audit entries, newest first.
pub fn list(app: &AppContext, caller: &Caller, query: &PageQuery) -> AppResult<Page<AuditEntry>> {
    caller.permits(Permission::ReadAuditLog)?;
    let page = PageRequest::parse(query)?;
    let entries = app
        .db
        .read(|conn| audit::list(conn, &caller.organization_id, page.after.as_deref(), page.fetch()))?;
    Ok(page.page(entries, |entry| entry.id.as_str()))
}
