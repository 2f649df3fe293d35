//! The change feed the browser app polls: answers at once when there are newer changes, else
//! holds the request until one arrives or the wait runs out.

use std::time::{Duration, Instant};

use actix_web::{get, web};
use textdesk_app::events::{self, FeedRequest};
use textdesk_types::ProblemDetails;
use textdesk_types::events::{EventBatch, EventQuery};

use crate::extract::CurrentCaller;
use crate::{ApiError, AppState};

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
    me: CurrentCaller,
    query: web::Query<EventQuery>,
) -> Result<web::Json<EventBatch>, ApiError> {
    let FeedRequest { after, wait } = FeedRequest::parse(&query)?;
    let deadline = Instant::now() + wait;
    let signal = state.db.changes();
    let look_every = signal.look_every();
    let readers = signal.readers();
    // Committed changes waiting behind an older transaction are about to become visible: for
    // them a request waits a little even when asked not to wait.
    let held_back_until = Instant::now() + HELD_BACK_MAX;
    let mut first_look = true;
    loop {
        // Register for a wake-up before looking, so a change committed in between is not missed.
        let woken = readers.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let (caller, first) = (me.caller(), std::mem::take(&mut first_look));
        let look = state.run(move |app| events::look(app, &caller, after, first)).await?;
        let now = Instant::now();
        let look_again_soon = look.held_back && now < held_back_until.max(deadline);
        if !look.batch.events.is_empty() || (now >= deadline && !look_again_soon) {
            return Ok(web::Json(look.batch));
        }
        let nap = if look_again_soon {
            HELD_BACK_LOOK
        } else {
            look_every.min(deadline.saturating_duration_since(now))
        };
        let _ = actix_web::rt::time::timeout(nap, woken).await;
    }
}
