//! The audit log (owners and admins).

use textdesk_types::Page;
use textdesk_types::audit::{AuditEntry, AuditQuery};

use super::{ApiResult, Call, fetch};

/// A page of entries, newest first, as narrowed by `query`.
pub async fn search(query: &AuditQuery) -> ApiResult<Page<AuditEntry>> {
    let mut call = Call::get("/audit-log");
    let parameters = [
        ("limit", query.limit.map(|limit| limit.to_string())),
        ("cursor", query.cursor.clone()),
        ("actor_id", query.actor_id.as_ref().map(ToString::to_string)),
        ("action", query.action.clone()),
        ("since", query.since.map(|at| at.to_rfc3339())),
        ("until", query.until.map(|at| at.to_rfc3339())),
    ];
    for (name, value) in parameters {
        if let Some(value) = value {
            call = call.with_query(name, value);
        }
    }
    fetch(call).await
}
