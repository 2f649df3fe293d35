//! Reading the audit log (owners and admins).

use actix_web::{get, web};
use textdesk_app::audit_log;
use textdesk_types::audit::{AuditEntry, AuditQuery};
use textdesk_types::{Page, ProblemDetails};

use crate::extract::CurrentAgent;
use crate::{ApiError, AppState};

/// Security-relevant actions, newest first: sign-ins, role changes, disabled accounts, password
/// resets, settings changes, keys and webhooks; narrowed by `actor_id`, `action` (or a family
/// such as `webhook.`) and a time range.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of entries", body = Page<AuditEntry>),
        (status = 403, description = "Not allowed", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/audit-log")]
pub async fn list_audit_log(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<Page<AuditEntry>>, ApiError> {
    let caller = me.caller();
    let page = state.run(move |app| audit_log::list(app, &caller, &query)).await?;
    Ok(web::Json(page))
}
