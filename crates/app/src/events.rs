//! Reading the change feed: the changes after a cursor that an agent receives, in the
//! organization's total order. Holding a request until a change arrives is the front end's
//! part; it looks again with [`look`].

use std::time::Duration;

use textdesk_db::events::{self, EventRow, Position};
use textdesk_types::events::{Event, EventBatch, EventQuery};

use crate::{AppContext, AppError, AppResult, Caller, Permission};

/// Longest wait for a change; under common proxies' 30-second idle limits.
pub const MAX_WAIT_SECONDS: u32 = 25;
const BATCH_MAX: i64 = 500;

/// A checked request for the feed: where to read on from, and how long to wait for a change
/// when there is none yet.
pub struct FeedRequest {
    pub after: Position,
    pub wait: Duration,
}

impl FeedRequest {
    pub fn parse(query: &EventQuery) -> AppResult<Self> {
        let after = match query.after.as_deref() {
            None => Position::START,
            Some(raw) => Position::parse(raw).ok_or_else(|| {
                AppError::field("after", "invalid_cursor", "must be a cursor this feed returned, or 0")
            })?,
        };
        let wait = query.wait.unwrap_or(MAX_WAIT_SECONDS);
        if wait > MAX_WAIT_SECONDS {
            return Err(AppError::field(
                "wait",
                "out_of_range",
                format!("must be between 0 and {MAX_WAIT_SECONDS} seconds"),
            ));
        }
        Ok(FeedRequest {
            after,
            wait: Duration::from_secs(u64::from(wait)),
        })
    }
}

/// What one look at the feed found.
pub struct Look {
    /// The changes visible now (possibly none) and the cursor to ask with next.
    pub batch: EventBatch,
    /// Later changes have committed but wait behind an older transaction still running; they
    /// become visible within moments, so looking again soon finds them.
    pub held_back: bool,
}

/// The changes after `after` that the caller receives, oldest first. The first look of a
/// request also refuses a cursor older than the changes the feed keeps, so the client loads
/// afresh instead of missing changes; later looks read on from the same cursor.
pub fn look(app: &AppContext, caller: &Caller, after: Position, first_look: bool) -> AppResult<Look> {
    caller.permits(Permission::ReadInbox)?;
    let (organization, agent) = (&caller.organization_id, &caller.agent_id);
    let visible = app.db.read(|conn| {
        if first_look && events::is_expired(conn, organization, after)? {
            return Err(cursor_expired());
        }
        Ok(events::after(conn, organization, agent, after, BATCH_MAX)?)
    })?;
    Ok(Look {
        batch: batch(visible.rows, after)?,
        held_back: visible.held_back,
    })
}

fn cursor_expired() -> AppError {
    AppError::Gone {
        code: "cursor_expired",
        detail: "Changes after this cursor are no longer kept. Load the conversation list again and \
                 read on from its feed_cursor."
            .to_owned(),
    }
}

fn batch(rows: Vec<EventRow>, after: Position) -> AppResult<EventBatch> {
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
        .collect::<AppResult<Vec<_>>>()?;
    Ok(EventBatch { events, cursor })
}
