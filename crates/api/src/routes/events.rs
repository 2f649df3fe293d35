//! The change feed the browser app polls: answers at once when there are newer changes, else
//! holds the request until one arrives or the wait runs out.

use std::time::Duration;

use actix_web::{get, web};
use textdesk_db::events::{self, EventRow, Position};
use textdesk_types::ProblemDetails;
use textdesk_types::events::{Event, EventBatch, EventQuery};

use crate::extract::CurrentAgent;
use crate::{ApiError, AppState};

/// Longest hold of a request; under common proxies' 30-second idle limits.
const MAX_WAIT_SECONDS: u32 = 25;
const BATCH_MAX: i64 = 500;
/// How long a request waits for committed changes held back by an older transaction, and how
/// often it looks meanwhile.
const HELD_BACK_MAX: Duration = Duration::from_secs(2);
const HELD_BACK_LOOK: Duration = Duration::from_millis(2);

/// Changes after a cursor, in the organization's total order.
///
/// Start with the `feed_cursor` of a fresh load of the conversation list (or `after=0` for
/// all retained changes), apply each batch's events in order, and ask again with the batch's
/// `cursor`. An empty batch means nothing changed while waiting. Changes are kept 7 days; an
/// older cursor is answered 410 `cursor_expired`, and the client loads afresh.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(EventQuery),
    responses(
        (status = 200, description = "Changes, possibly none", body = EventBatch),
        (status = 410, description = "The cursor is older than the changes the feed keeps (7 days): load the conversation list afresh and read on from its `feed_cursor`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<EventQuery>,
) -> Result<web::Json<EventBatch>, ApiError> {
    let after = match query.after.as_deref() {
        None => Position::START,
        Some(raw) => Position::parse(raw)
            .ok_or_else(|| ApiError::field("after", "invalid_cursor", "must be a cursor this feed returned, or 0"))?,
    };
    let wait = query.wait.unwrap_or(MAX_WAIT_SECONDS);
    if wait > MAX_WAIT_SECONDS {
        return Err(ApiError::field(
            "wait",
            "out_of_range",
            "must be between 0 and 25 seconds",
        ));
    }
    let deadline = tokio_deadline(wait);
    let signal = state.db.changes();
    let look_every = signal.look_every();
    let readers = signal.readers();
    // Committed changes waiting behind an older transaction are about to become visible: for
    // them a request waits a little even when asked not to wait.
    let held_back_until = std::time::Instant::now() + HELD_BACK_MAX;
    let mut first_look = true;
    loop {
        // Register for a wake-up before looking, so a change committed in between is not missed.
        let woken = readers.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let (organization, agent) = (me.organization_id.clone(), me.id.clone());
        let check_expiry = std::mem::take(&mut first_look);
        let visible = state
            .read(move |conn| {
                if check_expiry && events::is_expired(conn, &organization, after)? {
                    return Ok(None);
                }
                Ok(Some(events::after(conn, &organization, &agent, after, BATCH_MAX)?))
            })
            .await?
            .ok_or_else(cursor_expired)?;
        let now = std::time::Instant::now();
        let look_again_soon = visible.held_back && now < held_back_until.max(deadline);
        if !visible.rows.is_empty() || (now >= deadline && !look_again_soon) {
            return Ok(web::Json(batch(visible.rows, after)?));
        }
        let nap = if look_again_soon {
            HELD_BACK_LOOK
        } else {
            look_every.min(deadline.saturating_duration_since(now))
        };
        let _ = actix_web::rt::time::timeout(nap, woken).await;
    }
}

fn cursor_expired() -> ApiError {
    ApiError::Gone {
        code: "cursor_expired",
        detail: "Changes after this cursor are no longer kept. Load the conversation list again and \
                 read on from its feed_cursor."
            .to_owned(),
    }
}

fn batch(rows: Vec<EventRow>, after: Position) -> Result<EventBatch, ApiError> {
    let cursor = rows.last().map_or(after, EventRow::position).to_string();
    let events = rows
        .into_iter()
        .map(|row| {
            Ok(Event {
                position: row.position().to_string(),
                change: row.change()?,
                at: row.created_at.and_utc(),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(EventBatch { events, cursor })
}

fn tokio_deadline(wait_seconds: u32) -> std::time::Instant {
    std::time::Instant::now() + Duration::from_secs(u64::from(wait_seconds))
}
