//! Request extractors: JSON bodies that name the bad field, the signed-in agent or API key, the
//! client address, and size-limited raw bodies.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use textdesk_app::Caller;
use textdesk_db::DbError;
use textdesk_db::agents::{self, AgentRow};
use textdesk_types::agents::Role;
use textdesk_types::api_keys::API_KEY_PREFIX;
use textdesk_types::{AgentId, OrganizationId};

use crate::auth::tokens::hash_token;

use crate::{ApiError, AppState};

/// The largest JSON body any endpoint accepts.
pub const JSON_LIMIT: usize = 64 * 1024;

/// A JSON request body. Unlike actix's `Json`, a body that does not fit the type is refused
/// with a 422 naming the field (`owner.email`), and broken JSON with a 400.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = is_json(request);
        let body = read_limited(request, payload.take(), JSON_LIMIT);
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType(
                    "Send the body as JSON with Content-Type: application/json.".to_owned(),
                ));
            }
            parse_json(&body.await?).map(JsonBody)
        })
    }
}

fn is_json(request: &HttpRequest) -> bool {
    let mime = request.content_type().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Reads the whole body, refusing it as soon as it passes `limit` bytes.
pub fn read_limited(
    request: &HttpRequest,
    mut payload: Payload,
    limit: usize,
) -> impl Future<Output = Result<BytesMut, ApiError>> + use<> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    async move {
        if declared.is_some_and(|length| length > limit) {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| ApiError::BadRequest {
                code: "unreadable_body",
                detail: e.to_string(),
            })?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// Parses a JSON object into `T`, turning serde's errors into problems that name the field.
/// Every request body is an object: serde would otherwise read `["a","b"]` into a struct's
/// fields by position. A NUL character is refused here, where input enters, since PostgreSQL
/// cannot store it in text. A number with no fraction (`75.0`) is an integer, as JSON Schema
/// says, so a client's serializer writing floats does not matter.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| ApiError::BadRequest {
        code: "malformed_json",
        detail: format!("The body is not valid JSON: {}", without_position(&e)),
    })?;
    if !value.is_object() {
        return Err(ApiError::field("body", "invalid_type", "must be a JSON object"));
    }
    if let Some(field) = path_to_nul(&value, String::new()) {
        return Err(ApiError::field(
            &field,
            "control_characters",
            "must not contain NUL characters",
        ));
    }
    serde_path_to_error::deserialize(whole_numbers_as_integers(value)).map_err(json_error)
}

fn whole_numbers_as_integers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(number) if number.is_f64() => {
            let float = number.as_f64().unwrap_or(f64::NAN);
            let whole = float.fract() == 0.0 && float.abs() < 9.0e15;
            // Within 2^53 a whole float converts to the same integer exactly.
            #[allow(clippy::cast_possible_truncation)]
            let integer = float as i64;
            if whole {
                Value::from(integer)
            } else {
                Value::Number(number)
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers_as_integers).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(key, item)| (key, whole_numbers_as_integers(item)))
                .collect(),
        ),
        other => other,
    }
}

/// The path (`owner.email`, `media_ids[0]`) of the first string or key holding a NUL.
fn path_to_nul(value: &serde_json::Value, path: String) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(text) => {
            text.contains('\0')
                .then_some(if path.is_empty() { "body".to_owned() } else { path })
        }
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(index, item)| {
            path_to_nul(
                item,
                format!("{}[{index}]", if path.is_empty() { "body" } else { &path }),
            )
        }),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                Some(join(&key.replace('\0', "")))
            } else {
                path_to_nul(item, join(key))
            }
        }),
        _ => None,
    }
}

fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    let message = without_position(&inner);
    if !matches!(inner.classify(), serde_json::error::Category::Data) {
        return ApiError::BadRequest {
            code: "malformed_json",
            detail: format!("The body is not valid JSON: {message}"),
        };
    }
    // The path of an unknown field already ends in its name; that of a missing one does not.
    let join = |name: &str| match path.as_str() {
        "." | "" => name.to_owned(),
        _ if path == name || path.ends_with(&format!(".{name}")) => path.clone(),
        _ => format!("{path}.{name}"),
    };
    if let Some(name) = quoted_after(&message, "unknown field `") {
        return ApiError::field(
            &join(&name),
            "unknown_field",
            format!("is not a field of this request; {message}"),
        );
    }
    if let Some(name) = quoted_after(&message, "missing field `") {
        return ApiError::field(&join(&name), "required", "is required");
    }
    let field = if path == "." || path.is_empty() {
        "body".to_owned()
    } else {
        path
    };
    ApiError::field(&field, "invalid_type", message)
}

fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.split_once(prefix)?.1;
    Some(rest.split('`').next()?.to_owned())
}

/// serde_json's messages end in " at line L column C", which means nothing to an API client.
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_owned(),
        None => text,
    }
}

/// The agent a valid access token names, loaded fresh from the database on every request, so
/// a disabled agent or a changed role takes effect at once.
pub struct CurrentAgent {
    pub row: AgentRow,
    pub id: AgentId,
    pub organization_id: OrganizationId,
    pub role: Role,
}

impl CurrentAgent {
    /// The caller the application's operations act for.
    pub fn caller(&self) -> Caller {
        Caller::agent(self.organization_id.clone(), self.id.clone(), self.role)
    }
}

/// The token of the `Authorization: Bearer` header, if any.
pub(crate) fn bearer_token(request: &HttpRequest) -> Option<String> {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")))
        .map(|token| token.trim().to_owned())
}

fn missing_token() -> ApiError {
    ApiError::unauthorized(
        "missing_token",
        "Send an access token or API key in the Authorization: Bearer header.",
    )
}

impl FromRequest for CurrentAgent {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let bearer = bearer_token(request);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state is missing"))?;
            let token = bearer.ok_or_else(missing_token)?;
            if token.starts_with(API_KEY_PREFIX) {
                return Err(ApiError::Forbidden {
                    code: "agents_only",
                    detail: "Only a signed-in agent may do this, not an API key.".to_owned(),
                });
            }
            let claims = state.tokens.verify_access(&token)?;
            let organization = OrganizationId::new(claims.org);
            let agent = AgentId::new(claims.sub);
            // Only a missing agent makes the token invalid: a database that cannot be reached
            // is a 503, which must not sign anybody out.
            let row = state
                .read({
                    let organization = organization.clone();
                    move |conn| match agents::find(conn, &organization, &agent) {
                        Err(DbError::NotFound) => Err(ApiError::unauthorized(
                            "invalid_token",
                            "The access token is not valid.",
                        )),
                        found => Ok(found?),
                    }
                })
                .await?;
            if row.disabled {
                return Err(ApiError::unauthorized(
                    "account_disabled",
                    "This account has been disabled.",
                ));
            }
            Ok(CurrentAgent {
                id: row.id.clone(),
                organization_id: organization,
                role: row.role,
                row,
            })
        })
    }
}

/// Who a request acts for, on the endpoints integrations use: a signed-in agent, or an API key
/// (`Authorization: Bearer tdk_…`), which the operation then holds to its scopes. A revoked key
/// fails at once, on every server process: keys are looked up on every request.
pub struct CurrentCaller(Caller);

impl CurrentCaller {
    pub fn caller(&self) -> Caller {
        self.0.clone()
    }
}

impl FromRequest for CurrentCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        match bearer_token(request) {
            Some(token) if token.starts_with(API_KEY_PREFIX) => Box::pin(async move {
                let state = state.ok_or_else(|| ApiError::internal("application state is missing"))?;
                let hash = hash_token(&token);
                let caller = state
                    .run(move |app| textdesk_app::api_keys::authenticate(app, &hash))
                    .await?;
                Ok(CurrentCaller(caller))
            }),
            _ => {
                let agent = CurrentAgent::from_request(request, payload);
                Box::pin(async move { Ok(CurrentCaller(agent.await?.caller())) })
            }
        }
    }
}

/// Where the request came from: the peer address, or the first `X-Forwarded-For` hop when
/// the server is configured to trust its proxy.
pub fn client_address(request: &HttpRequest, state: &AppState) -> String {
    let info = request.connection_info();
    let address = if state.trust_forwarded_for {
        info.realip_remote_addr().map(str::to_owned)
    } else {
        request.peer_addr().map(|peer| peer.ip().to_string())
    };
    address.unwrap_or_else(|| "unknown".to_owned())
}

/// Query strings that do not fit their type get a 422 naming the parameter.
pub fn query_error(error: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    let message = error.to_string();
    let field = quoted_after(&message, "unknown field `")
        .or_else(|| quoted_after(&message, "missing field `"))
        .unwrap_or_else(|| "query".to_owned());
    ApiError::field(&field, "invalid_query", message).into()
}

/// Path segments that do not fit their type are simply not found.
pub fn path_error(_: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound("resource").into()
}
