//! Reading the audit log (owners and admins).

use actix_web::{get, web};
use textdesk_db::audit;
use textdesk_domain::permissions;
use textdesk_types::audit::AuditEntry;
use textdesk_types::page::PageQuery;
use textdesk_types::{Page, ProblemDetails};

use crate::extract::CurrentAgent;
use crate::{ApiError, AppState};
use textdesk_app::pagination::PageRequest;

/// Security-relevant actions, newest first: sign-ins, role changes, disabled accounts, password
/// resets, settings changes.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of entries", body = Page<AuditEntry>),
        (status = 403, description = "Not allowed", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/audit-log")]
pub async fn list_audit_log(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<AuditEntry>>, ApiError> {
    permissions::require_admin(me.role)?;
    let page = PageRequest::parse(&query)?;
    let (before, fetch) = (page.after.clone(), page.fetch());
    let entries = state
        .read(move |conn| Ok(audit::list(conn, &me.organization_id, before.as_deref(), fetch)?))
        .await?;
    Ok(web::Json(page.page(entries, |entry| entry.id.as_str())))
}
