//! The `Idempotency-Key` header on the API's POST and PATCH requests: the HTTP side of
//! `textdesk_app::idempotency`. It reads the request's body to sum it up, claims the key, runs
//! the request, and keeps or replays its answer.

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpResponse, web};
use sha2::{Digest, Sha256};
use textdesk_app::idempotency::{self, Answer, Claim, IdempotencyKey, Principal, RENEW_EVERY};
use textdesk_domain::contact_import::IMPORT_BYTES_MAX;
use textdesk_types::api_keys::API_KEY_PREFIX;
use textdesk_types::{AgentId, OrganizationId};

use crate::auth::tokens::hash_token;
use crate::extract::{bearer_token, read_limited};
use crate::{ApiError, AppState};

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set on an answer given again for a retried request.
const REPLAYED: &str = "idempotent-replayed";
/// The largest body any endpoint takes (a contact import's CSV file).
const BODY_MAX: usize = IMPORT_BYTES_MAX;
/// How long a retry waits for the request already running with its key before it is told to
/// come back (409), and how often it looks.
const WAIT_FOR_RUNNING: Duration = Duration::from_secs(10);
const LOOK_EVERY: Duration = Duration::from_millis(100);
/// The answer's headers that are kept with it; the rest (dates, request ids) are the replay's.
const KEPT_HEADERS: [HeaderName; 2] = [header::CONTENT_TYPE, header::LOCATION];

/// Middleware: requests without the header, or not a POST or PATCH under `/api/v1`, go
/// straight through.
pub async fn idempotent_writes(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let applies = matches!(*request.method(), Method::POST | Method::PATCH) && request.path().starts_with("/api/v1/");
    let raw_key = request.headers().get(IDEMPOTENCY_KEY).cloned();
    let (true, Some(raw_key)) = (applies, raw_key) else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let key = match IdempotencyKey::parse(raw_key.as_bytes()) {
        Ok(key) => key,
        Err(error) => return Ok(request.error_response(ApiError::from(error))),
    };
    let Some(state) = request.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(request.error_response(ApiError::internal("application state is missing")));
    };
    // Credentials first: nobody unknown makes the server read a large body.
    let scope = match principal(&request, &state) {
        Some(principal) => state.run(move |app| idempotency::scope_of(app, &principal)).await,
        None => Ok(None),
    };
    let scope = match scope {
        Ok(Some(scope)) => scope,
        Ok(None) => return Ok(next.call(request).await?.map_into_boxed_body()),
        Err(error) => return Ok(request.error_response(error)),
    };
    let payload = request.take_payload();
    let body = match read_limited(request.request(), payload, BODY_MAX).await {
        Ok(body) => body.freeze(),
        Err(error) => return Ok(request.error_response(error)),
    };
    let fingerprint = fingerprint(&request, &body);
    request.set_payload(Payload::from(body));

    let deadline = actix_web::rt::time::Instant::now() + WAIT_FOR_RUNNING;
    let held = loop {
        let claimed = {
            let (scope, key, fingerprint) = (scope.clone(), key.clone(), fingerprint.clone());
            state
                .run(move |app| idempotency::claim(app, &scope, &key, &fingerprint))
                .await
        };
        match claimed {
            Err(error) => return Ok(request.error_response(error)),
            Ok(Claim::Run(held)) => break held,
            Ok(Claim::Replay(answer)) => {
                return Ok(match replay(&state, &answer) {
                    Ok(response) => request.into_response(response),
                    Err(error) => request.error_response(error),
                });
            }
            Ok(Claim::Reused) => return Ok(request.error_response(reused())),
            Ok(Claim::Running) if actix_web::rt::time::Instant::now() >= deadline => {
                return Ok(request.error_response(running()));
            }
            Ok(Claim::Running) => actix_web::rt::time::sleep(LOOK_EVERY).await,
        }
    };

    // While the request runs its hold is renewed, so a retry does not take it for abandoned.
    let renewing = {
        let (state, held) = (state.clone(), held.clone());
        actix_web::rt::spawn(async move {
            loop {
                actix_web::rt::time::sleep(RENEW_EVERY).await;
                let held = held.clone();
                if let Err(error) = state.run(move |app| idempotency::renew(app, &held)).await {
                    tracing::warn!(%error, "an idempotency key's hold could not be renewed");
                }
            }
        })
    };
    // Run to the end and keep the answer even if the client goes away meanwhile: its retry
    // must find the answer, not run the request again.
    let finished = actix_web::rt::spawn(async move {
        let outcome = match next.call(request).await {
            Ok(response) => kept(response).await,
            Err(error) => Err(error),
        };
        renewing.abort();
        let sealed = match &outcome {
            Ok((_, answer)) if StatusCode::from_u16(answer.status).is_ok_and(|s| s.is_success()) => {
                sealed(&state, answer)
            }
            _ => None,
        };
        let stored = match sealed {
            Some(answer) => state.run(move |app| idempotency::answer(app, &held, &answer)).await,
            None => state.run(move |app| idempotency::release(app, &held)).await,
        };
        if let Err(error) = stored {
            tracing::error!(%error, "an idempotency key's answer could not be stored");
        }
        outcome.map(|(response, _)| response)
    });
    finished
        .await
        .map_err(|_| actix_web::Error::from(ApiError::internal("the request's task stopped")))?
}

/// The answer as kept: its body sealed like other secrets at rest, since an answer may hold
/// one (a new API key, a webhook secret, a reset link). `None` for a body that is not text.
fn sealed(state: &AppState, answer: &Answer) -> Option<Answer> {
    let text = std::str::from_utf8(&answer.body).ok()?;
    let body = state.secrets.seal(text).ok()?.into_bytes();
    Some(Answer { body, ..answer.clone() })
}

/// The stored parts of an answer, and the answer itself to send on.
async fn kept(
    response: ServiceResponse<impl MessageBody + 'static>,
) -> Result<(ServiceResponse<BoxBody>, Answer), actix_web::Error> {
    let (request, response) = response.into_parts();
    let status = response.status().as_u16();
    let headers = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(name)?.to_str().ok()?;
            Some((name.to_string(), value.to_owned()))
        })
        .collect();
    let (head, body) = response.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    let answer = Answer {
        status,
        headers,
        body: body.to_vec(),
    };
    Ok((
        ServiceResponse::new(request, head.set_body(body).map_into_boxed_body()),
        answer,
    ))
}

fn replay(state: &AppState, answer: &Answer) -> Result<HttpResponse, ApiError> {
    let sealed =
        String::from_utf8(answer.body.clone()).map_err(|_| ApiError::internal("a stored answer is not text"))?;
    let body = state.secrets.open(&sealed)?;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    for (name, value) in &answer.headers {
        response.insert_header((name.as_str(), value.as_str()));
    }
    Ok(response.insert_header((REPLAYED, "true")).body(body))
}

fn reused() -> ApiError {
    ApiError::field(
        "Idempotency-Key",
        "idempotency_key_reused",
        "was used in the last 24 hours for a different request; send a new key with a new request",
    )
}

fn running() -> ApiError {
    ApiError::Conflict {
        code: "idempotency_key_in_use",
        detail: "A request with this Idempotency-Key is still being answered; send it again in a moment.".to_owned(),
    }
}

/// Whom the credentials name, checked no further than their signature: the claim checks the
/// agent or key is still active.
fn principal(request: &ServiceRequest, state: &AppState) -> Option<Principal> {
    let token = bearer_token(request.request())?;
    if token.starts_with(API_KEY_PREFIX) {
        return Some(Principal::ApiKey {
            secret_hash: hash_token(&token),
        });
    }
    let claims = state.tokens.verify_access(&token).ok()?;
    Some(Principal::Agent {
        organization: OrganizationId::new(claims.org),
        agent: AgentId::new(claims.sub),
    })
}

/// Sums up the request: its method, path, query and body. A JSON body counts by its content,
/// not its layout, so a client re-encoding it (other spacing or key order) still matches.
fn fingerprint(request: &ServiceRequest, body: &Bytes) -> String {
    let canonical = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| serde_json::to_vec(&sorted(value)).ok());
    let mut hash = Sha256::new();
    for part in [request.method().as_str(), request.path(), request.query_string()] {
        hash.update(part.as_bytes());
        hash.update(b"\n");
    }
    hash.update(canonical.as_deref().unwrap_or(body));
    hash.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

fn sorted(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(fields) => {
            let mut fields: Vec<_> = fields.into_iter().collect();
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(fields.into_iter().map(|(name, item)| (name, sorted(item))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
