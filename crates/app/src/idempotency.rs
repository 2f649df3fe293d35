//! Idempotent requests. A client that sends a POST or PATCH with an `Idempotency-Key` may send
//! it again, after a timeout or a lost connection, without acting twice: within a day, the same
//! key with the same request gets the first answer back; with another request it is refused.
//! The key is claimed in the database before the request runs, so two requests with one key
//! (on any server processes) never both run. Only successful answers are kept: a refused
//! request changed nothing, so its key is given back for the retry to run again.

use chrono::{Duration, NaiveDateTime};
use textdesk_db::idempotency::{self, IdempotencyRow};
use textdesk_db::{DbError, agents, api_keys, now};
use textdesk_types::{AgentId, OrganizationId};

use crate::{AppContext, AppError, AppResult};

/// The longest key accepted; a UUID or a ULID fits many times over.
pub const KEY_MAX: usize = 255;
/// How long a key's answer is kept and replayed.
pub const KEPT_FOR: Duration = Duration::hours(24);
/// A request still holding its key after this long without renewing its hold is taken as
/// abandoned (its server process stopped before it answered), and a retry may run it again.
pub const ABANDONED_AFTER: Duration = Duration::seconds(60);
/// How often a running request renews its hold, well within [`ABANDONED_AFTER`].
pub const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

/// The value of an `Idempotency-Key` header: 1 to 255 visible ASCII characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &[u8]) -> AppResult<Self> {
        let valid = !raw.is_empty() && raw.len() <= KEY_MAX && raw.iter().all(u8::is_ascii_graphic);
        if valid {
            Ok(Self(String::from_utf8_lossy(raw).into_owned()))
        } else {
            Err(AppError::field(
                "Idempotency-Key",
                "invalid_idempotency_key",
                format!("must be 1 to {KEY_MAX} visible ASCII characters, such as a UUID"),
            ))
        }
    }
}

/// Who sent the request, as its credentials say; keys are scoped to it.
#[derive(Clone)]
pub enum Principal {
    Agent {
        organization: OrganizationId,
        agent: AgentId,
    },
    ApiKey {
        secret_hash: String,
    },
}

/// A stored answer, replayed for a retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Whose keys a request's are: an active agent's or API key's, in their organization.
#[derive(Clone)]
pub struct Scope {
    organization: OrganizationId,
    name: String,
}

/// The key a running request holds: it renews its hold, then stores the answer or gives the
/// key back. `claimed_at` tells this hold from a later one, should the key have been taken over.
#[derive(Clone)]
pub struct Held {
    scope: String,
    key: String,
    claimed_at: NaiveDateTime,
}

pub enum Claim {
    /// Run the request; the key is held for it.
    Run(Held),
    /// The key answered this request already.
    Replay(Answer),
    /// The key was used for another request within the day.
    Reused,
    /// Another request with the key is running; ask again shortly.
    Running,
}

/// Whose keys the credentials' are; `None` when they do not name an active agent or key: the
/// request then runs unclaimed, and its own authentication refuses it.
pub fn scope_of(app: &AppContext, principal: &Principal) -> AppResult<Option<Scope>> {
    Ok(match principal {
        Principal::Agent { organization, agent } => app
            .db
            .read(|conn| match agents::find(conn, organization, agent) {
                Err(DbError::NotFound) => Ok(None),
                found => found.map(Some),
            })?
            .filter(|row| !row.disabled)
            .map(|row| Scope {
                organization: row.organization_id,
                name: format!("agent:{}", row.id),
            }),
        Principal::ApiKey { secret_hash } => app
            .db
            .read(|conn| api_keys::find_by_hash(conn, secret_hash))?
            .filter(|key| key.revoked_at.is_none())
            .map(|key| Scope {
                organization: key.organization_id,
                name: format!("key:{}", key.id),
            }),
    })
}

/// Claims the key for the request whose method, path and body `fingerprint` sums up.
pub fn claim(app: &AppContext, scope: &Scope, key: &IdempotencyKey, fingerprint: &str) -> AppResult<Claim> {
    let at = now();
    let row = IdempotencyRow {
        scope: scope.name.clone(),
        idempotency_key: key.0.clone(),
        organization_id: scope.organization.clone(),
        fingerprint: fingerprint.to_owned(),
        created_at: at,
        locked_at: Some(at),
        response_status: None,
        response_headers: None,
        response_body: None,
    };
    let held = || Held {
        scope: scope.name.clone(),
        key: key.0.clone(),
        claimed_at: at,
    };
    app.db.write(|conn| {
        if idempotency::claim(conn, &row)? {
            return Ok(Claim::Run(held()));
        }
        let Some(seen) = idempotency::find(conn, &scope.name, &key.0)? else {
            // Given back between the two statements: the next try claims it.
            return Ok(Claim::Running);
        };
        let expired = seen.created_at < at - KEPT_FOR;
        if !expired && seen.fingerprint != fingerprint {
            return Ok(Claim::Reused);
        }
        if !expired && let Some(status) = seen.response_status {
            return Ok(Claim::Replay(stored_answer(&seen, status)?));
        }
        let abandoned = seen.locked_at.is_some_and(|locked| locked < at - ABANDONED_AFTER);
        if (expired || abandoned) && idempotency::take_over(conn, &seen, &row)? {
            return Ok(Claim::Run(held()));
        }
        Ok(Claim::Running)
    })
}

/// Renews the hold of a request still running, so that it is not taken for abandoned.
pub fn renew(app: &AppContext, held: &Held) -> AppResult<()> {
    app.db
        .write(|conn| idempotency::renew(conn, &held.scope, &held.key, held.claimed_at, now()))?;
    Ok(())
}

/// Keeps the answer of the request holding the key (unless its hold was taken over).
pub fn answer(app: &AppContext, held: &Held, answer: &Answer) -> AppResult<()> {
    let headers = serde_json::to_string(&answer.headers).map_err(|e| AppError::Internal(e.into()))?;
    app.db.write(|conn| {
        idempotency::answer(
            conn,
            (&held.scope, &held.key, held.claimed_at),
            i32::from(answer.status),
            &headers,
            &answer.body,
        )
    })?;
    Ok(())
}

/// Gives the key back: the request was refused, and a retry should run again.
pub fn release(app: &AppContext, held: &Held) -> AppResult<()> {
    app.db
        .write(|conn| idempotency::release(conn, &held.scope, &held.key, held.claimed_at))?;
    Ok(())
}

fn stored_answer(row: &IdempotencyRow, status: i32) -> Result<Answer, DbError> {
    let corrupt = |what: &str| DbError::Corrupt(format!("idempotency key {}: {what}", row.idempotency_key));
    let headers = serde_json::from_str(row.response_headers.as_deref().unwrap_or("[]"))
        .map_err(|e| corrupt(&format!("headers: {e}")))?;
    Ok(Answer {
        status: u16::try_from(status).map_err(|_| corrupt("status"))?,
        headers,
        body: row.response_body.clone().unwrap_or_default(),
    })
}
