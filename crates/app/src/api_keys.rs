//! The organization's API keys: owners and admins create, list and revoke them; a request
//! with a key is authenticated here. The secret itself is made and hashed by the HTTP layer,
//! as sign-in tokens are, so it never reaches storage.

use chrono::{Duration, DurationRound};
use textdesk_db::api_keys::{self, ApiKeyRow};
use textdesk_db::{audit, ids, now};
use textdesk_domain::text::{Label, TITLE_MAX};
use textdesk_types::ApiKeyId;
use textdesk_types::api_keys::{ApiKey, ApiScope, CreateApiKey};

use crate::caller::KeyCaller;
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

/// How stale a key's "last used" may grow before a request writes it again.
const LAST_USED_PRECISION: Duration = Duration::minutes(1);

/// The fewest scopes a key may have.
pub const SCOPES_MIN: usize = 1;
/// Requests a key may make a minute: the bounds, and the default.
pub const REQUESTS_PER_MINUTE_MIN: u32 = 1;
pub const REQUESTS_PER_MINUTE_MAX: u32 = 6_000;
pub const REQUESTS_PER_MINUTE_DEFAULT: u32 = 600;

/// A new key's secret as the HTTP layer made it: what is kept of it.
pub struct NewSecret {
    /// Its first characters, shown to tell keys apart.
    pub prefix: String,
    pub hash: String,
}

pub fn list(app: &AppContext, caller: &Caller) -> AppResult<Vec<ApiKey>> {
    caller.permits(Permission::ManageApiKeys)?;
    app.db.read(|conn| {
        Ok(api_keys::list(conn, &caller.organization_id)?
            .into_iter()
            .map(ApiKeyRow::into_wire)
            .collect::<Result<Vec<_>, _>>()?)
    })
}

pub fn create(
    app: &AppContext,
    caller: &Caller,
    request: CreateApiKey,
    secret: NewSecret,
    client_address: &str,
) -> AppResult<ApiKey> {
    caller.permits(Permission::ManageApiKeys)?;
    let label = Label::parse(&request.label, TITLE_MAX).map_err(|invalid| AppError::invalid("label", invalid))?;
    let mut scopes = request.scopes;
    scopes.sort_unstable();
    scopes.dedup();
    if scopes.len() < SCOPES_MIN {
        return Err(AppError::field("scopes", "required", "give the key at least one scope"));
    }
    let per_minute = request.requests_per_minute.unwrap_or(REQUESTS_PER_MINUTE_DEFAULT);
    if !(REQUESTS_PER_MINUTE_MIN..=REQUESTS_PER_MINUTE_MAX).contains(&per_minute) {
        return Err(AppError::field(
            "requests_per_minute",
            "out_of_range",
            format!("must be between {REQUESTS_PER_MINUTE_MIN} and {REQUESTS_PER_MINUTE_MAX}"),
        ));
    }
    let row = ApiKeyRow {
        id: ids::new_id(),
        organization_id: caller.organization_id.clone(),
        label: label.into_inner(),
        prefix: secret.prefix,
        secret_hash: secret.hash,
        scopes: serde_json::Value::from(scopes.iter().map(|scope| scope.as_str()).collect::<Vec<_>>()).to_string(),
        created_by: caller.agent_id.clone(),
        created_at: now(),
        last_used_at: None,
        revoked_at: None,
        requests_per_minute: i32::try_from(per_minute).unwrap_or(i32::MAX),
    };
    app.db.write(|conn| {
        api_keys::insert(conn, &row)?;
        let detail = serde_json::json!({ "label": row.label, "scopes": scopes });
        audit::append(
            conn,
            caller.audit_event(client_address, "api_key.created", ("api_key", row.id.as_str()), detail),
        )?;
        Ok(row.clone().into_wire()?)
    })
}

/// Revokes a key: every request with it fails from now on, on every server process.
pub fn revoke(app: &AppContext, caller: &Caller, id: ApiKeyId, client_address: &str) -> AppResult<ApiKey> {
    caller.permits(Permission::ManageApiKeys)?;
    app.db.write(|conn| {
        let key = api_keys::find(conn, &caller.organization_id, &id).or_missing("API key")?;
        if api_keys::revoke(conn, &caller.organization_id, &id, now())? {
            let detail = serde_json::json!({ "label": key.label });
            audit::append(
                conn,
                caller.audit_event(client_address, "api_key.revoked", ("api_key", id.as_str()), detail),
            )?;
        }
        Ok(api_keys::find(conn, &caller.organization_id, &id)?.into_wire()?)
    })
}

/// The caller a request with this key's secret (hashed) acts as; 401 for an unknown or
/// revoked key, 429 past the key's requests a minute. Requests are counted per key and minute
/// in the database, so the limit holds across every server process.
pub fn authenticate(app: &AppContext, secret_hash: &str) -> AppResult<Caller> {
    let key = app
        .db
        .read(|conn| api_keys::find_by_hash(conn, secret_hash))?
        .ok_or_else(|| AppError::unauthorized("invalid_api_key", "The API key is not valid."))?;
    if key.revoked_at.is_some() {
        return Err(AppError::unauthorized(
            "api_key_revoked",
            "The API key has been revoked.",
        ));
    }
    let at = now();
    let minute = at.duration_trunc(Duration::minutes(1)).unwrap_or(at);
    let requests = app.db.write(|conn| {
        if key.last_used_at.is_none_or(|used| at - used >= LAST_USED_PRECISION) {
            api_keys::mark_used(conn, &key.id, at)?;
        }
        api_keys::count_request(conn, &key.id, minute)
    })?;
    if requests > key.requests_per_minute {
        let next_minute = minute + Duration::minutes(1);
        return Err(AppError::RateLimited {
            retry_after_seconds: (next_minute - at).num_seconds().max(1),
            detail: format!("This API key may make {} requests a minute.", key.requests_per_minute),
        });
    }
    let scopes: Vec<ApiScope> = key.scopes()?;
    Ok(Caller::api_key(
        key.organization_id,
        key.created_by,
        KeyCaller {
            id: key.id,
            label: key.label,
            scopes,
        },
    ))
}
