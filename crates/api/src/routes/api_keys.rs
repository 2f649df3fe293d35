//! The organization's API keys (owners and admins). A key's secret is made here, shown once
//! in the answer to its creation and kept only as a hash.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use textdesk_app::api_keys::{self, NewSecret};
use textdesk_types::api_keys::{API_KEY_PREFIX, ApiKey, CreateApiKey, CreatedApiKey};
use textdesk_types::{ApiKeyId, ProblemDetails};

use crate::auth::tokens::{hash_token, new_secret_token};
use crate::extract::{CurrentAgent, JsonBody, client_address};
use crate::{ApiError, AppState};

/// Characters of a key shown in lists, its prefix included.
const SHOWN_CHARS: usize = API_KEY_PREFIX.len() + 4;

/// Your organization's API keys, newest first, revoked ones included (owners and admins).
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The keys", body = Vec<ApiKey>),
        (status = 403, description = "Only owners and admins manage keys", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/api-keys")]
pub async fn list_api_keys(state: web::Data<AppState>, me: CurrentAgent) -> Result<web::Json<Vec<ApiKey>>, ApiError> {
    let caller = me.caller();
    Ok(web::Json(state.run(move |app| api_keys::list(app, &caller)).await?))
}

/// Create an API key (owners and admins) with a label and its scopes. The answer holds the
/// secret, `tdk_` and 43 characters, shown this once: send it as `Authorization: Bearer
/// <secret>`. Scopes: `notes:write`, `contacts:read`, `contacts:write`, `conversations:read`,
/// `messages:send`, `webhooks:manage`; an endpoint a key's scopes do not cover answers 403
/// `scope_missing`, and one only agents may use answers 403 `agents_only`. A key may make
/// `requests_per_minute` requests a minute (600 by default), counted across every server
/// process; past that it gets 429 `rate_limited` with `Retry-After` (seconds). What a key does
/// is attributed to it: messages and notes name it as their author, the audit log adds
/// `via_api_key`.
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    request_body = CreateApiKey,
    responses(
        (status = 201, description = "The key, with its secret", body = CreatedApiKey),
        (status = 403, description = "Only owners and admins manage keys", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A missing label or no scope", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    body: JsonBody<CreateApiKey>,
) -> Result<HttpResponse, ApiError> {
    let (caller, address) = (me.caller(), client_address(&request, &state));
    let secret = format!("{API_KEY_PREFIX}{}", new_secret_token());
    let kept = NewSecret {
        prefix: secret.chars().take(SHOWN_CHARS).collect(),
        hash: hash_token(&secret),
    };
    let key = state
        .run(move |app| api_keys::create(app, &caller, body.0, kept, &address))
        .await?;
    Ok(HttpResponse::Created().json(CreatedApiKey { key, secret }))
}

/// Revoke an API key (owners and admins): every request with it fails from now on.
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The key's id")),
    responses(
        (status = 200, description = "The key, revoked", body = ApiKey),
        (status = 404, description = "No such key in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/api-keys/{id}")]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    id: web::Path<ApiKeyId>,
) -> Result<web::Json<ApiKey>, ApiError> {
    let (caller, id, address) = (me.caller(), id.into_inner(), client_address(&request, &state));
    Ok(web::Json(
        state
            .run(move |app| api_keys::revoke(app, &caller, id, &address))
            .await?,
    ))
}
