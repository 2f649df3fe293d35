//! The change feed the browser app polls: answers at once when there are newer changes, else
//! holds the request until one arrives or the wait runs out.

use std::time::Duration;

use actix_web::{get, web};
use textdesk_db::events;
use textdesk_types::ProblemDetails;
use textdesk_types::events::{Event, EventBatch, EventQuery};

use crate::extract::CurrentAgent;
use crate::{ApiError, AppState};

/// Longest hold of a request; under common proxies' 30-second idle limits.
const MAX_WAIT_SECONDS: u32 = 25;
/// How often a waiting request looks for changes made by other server processes; changes made
/// by this process wake it at once.
const POLL_EVERY: Duration = Duration::from_millis(100);
const BATCH_MAX: i64 = 500;

/// Changes after a cursor, in the organization's total order.
///
/// Start with `after=0` (or the `cursor` of a fresh load), apply each batch's events in order,
/// and ask again with the batch's `cursor`. An empty batch means nothing changed while waiting.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(EventQuery),
    responses(
        (status = 200, description = "Changes, possibly none", body = EventBatch),
        (status = 422, description = "Invalid parameters", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<EventQuery>,
) -> Result<web::Json<EventBatch>, ApiError> {
    let after = query.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::field("after", "out_of_range", "must not be negative"));
    }
    let wait = query.wait.unwrap_or(MAX_WAIT_SECONDS);
    if wait > MAX_WAIT_SECONDS {
        return Err(ApiError::field(
            "wait",
            "out_of_range",
            "must be between 0 and 25 seconds",
        ));
    }
    let deadline = tokio_deadline(wait);
    loop {
        // Register for a wake-up before looking, so a change committed in between is not missed.
        let woken = state.changes.notified();
        let organization = me.organization_id.clone();
        let rows = state
            .read(move |conn| Ok(events::after(conn, &organization, after, BATCH_MAX)?))
            .await?;
        if !rows.is_empty() || std::time::Instant::now() >= deadline {
            let cursor = rows.last().map_or(after, |row| row.seq);
            let events = rows
                .into_iter()
                .map(|row| {
                    Ok(Event {
                        seq: row.seq,
                        kind: row.kind,
                        data: serde_json::from_str(&row.payload)
                            .map_err(|e| ApiError::internal(&format!("stored event is not JSON: {e}")))?,
                        at: row.created_at.and_utc(),
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            return Ok(web::Json(EventBatch { events, cursor }));
        }
        let nap = POLL_EVERY.min(deadline.saturating_duration_since(std::time::Instant::now()));
        let _ = actix_web::rt::time::timeout(nap, woken).await;
    }
}

fn tokio_deadline(wait_seconds: u32) -> std::time::Instant {
    std::time::Instant::now() + Duration::from_secs(u64::from(wait_seconds))
}
