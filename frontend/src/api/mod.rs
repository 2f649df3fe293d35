//! The typed client of the Textdesk API under `/api/v1`: this module holds what every call
//! shares, and one submodule per resource holds that resource's calls.
//!
//! Calls made as the signed-in agent carry the stored access token. When the server answers 401
//! because that token expired or is not valid, the client refreshes the session once and repeats
//! the call; when the refresh is refused the session ends, and the views, which watch
//! [`session::is_signed_in`], go to the sign-in page. Every failure arrives as the server's
//! [`ProblemDetails`], or as one made here when no readable answer came back; boxed, because
//! it is large and every `Result` here carries it.

pub mod agents;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod contact_imports;
pub mod contacts;
pub mod conversations;
pub mod events;
pub mod exports;
pub mod mail;
pub mod media;
pub mod messages;
pub mod numbers;
pub mod organization;
pub mod presence;
pub mod quick_replies;
pub mod simulator;
pub mod views;
pub mod webhooks;

use std::cell::RefCell;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use textdesk_types::auth::{RefreshRequest, TokenResponse};
use textdesk_types::page::MAX_PAGE_SIZE;
use textdesk_types::{Page, ProblemDetails};

use crate::session::{self, Session};

const API: &str = "/api/v1";

/// What went wrong with a call.
pub type Problem = Box<ProblemDetails>;

pub type ApiResult<T> = Result<T, Problem>;

type Refresh = Shared<LocalBoxFuture<'static, ApiResult<()>>>;

thread_local! {
    /// The refresh under way. Calls that meet an expired token meanwhile wait for it instead of
    /// starting their own: presenting a refresh token twice makes the server end the session.
    static REFRESHING: RefCell<Option<Refresh>> = const { RefCell::new(None) };
}

/// One request, kept as data so it can be sent again after a refresh.
struct Call {
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<CallBody>,
    idempotency_key: Option<String>,
}

/// What a request carries: JSON, or a file as it is (a handle the browser reads again when the
/// call is repeated).
enum CallBody {
    Json(String),
    File(web_sys::File),
}

impl Call {
    fn new(method: Method, path: &str) -> Self {
        Self {
            method,
            path: path.to_owned(),
            query: Vec::new(),
            body: None,
            idempotency_key: None,
        }
    }

    fn get(path: &str) -> Self {
        Self::new(Method::GET, path)
    }

    fn with_json(mut self, body: &impl Serialize) -> ApiResult<Self> {
        let json = serde_json::to_string(body).map_err(|error| {
            Box::new(
                ProblemDetails::new(0, "unencodable_request", "The request could not be prepared")
                    .with_detail(error.to_string()),
            )
        })?;
        self.body = Some(CallBody::Json(json));
        Ok(self)
    }

    fn with_file(mut self, file: web_sys::File) -> Self {
        self.body = Some(CallBody::File(file));
        self
    }

    /// Makes the call safe to send again: the server acts on it once, and answers a repeat
    /// with its first answer.
    fn with_idempotency_key(mut self, key: &str) -> Self {
        self.idempotency_key = Some(key.to_owned());
        self
    }

    fn with_query(mut self, name: &'static str, value: String) -> Self {
        self.query.push((name, value));
        self
    }

    async fn send(&self, access_token: Option<&str>) -> ApiResult<Response> {
        let mut request = RequestBuilder::new(&format!("{API}{}", self.path))
            .method(self.method.clone())
            .query(self.query.iter().map(|(name, value)| (*name, value)));
        if let Some(token) = access_token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        if let Some(key) = &self.idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let request = match &self.body {
            Some(CallBody::Json(json)) => request.header("Content-Type", "application/json").body(json.as_str()),
            Some(CallBody::File(file)) => {
                // The browser knows no type for some files (a CSV on Windows may even be
                // "application/vnd.ms-excel"): the server reads what the bytes are.
                let content_type = Some(file.type_()).filter(|kind| !kind.is_empty());
                let content_type = content_type.unwrap_or_else(|| "application/octet-stream".to_owned());
                request.header("Content-Type", &content_type).body(file.clone())
            }
            None => request.build(),
        };
        request
            .map_err(unreachable_server)?
            .send()
            .await
            .map_err(unreachable_server)
    }
}

/// A new key for [`Call::with_idempotency_key`]: 128 random bits.
pub fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .and_then(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).ok());
    if filled.is_none() {
        for byte in &mut bytes {
            // Math.random is in [0, 1): its scaled value fits a byte.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let random = (web_sys::js_sys::Math::random() * 256.0) as u8;
            *byte = random;
        }
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn unreachable_server(error: gloo_net::Error) -> Problem {
    Box::new(
        ProblemDetails::new(0, "network_error", "The server cannot be reached")
            .with_detail(format!("Check your connection and try again ({error}).")),
    )
}

fn signed_out() -> Problem {
    Box::new(ProblemDetails::new(401, "signed_out", "You are signed out").with_detail("Sign in to continue."))
}

/// The problem+json body of a failed answer, or a stand-in when the body is something else
/// (a proxy's error page, say).
async fn problem_of(response: Response) -> Problem {
    let status = response.status();
    let body = response.text().await.ok();
    let problem = body.and_then(|text| serde_json::from_str::<ProblemDetails>(&text).ok());
    Box::new(problem.unwrap_or_else(|| {
        ProblemDetails::new(status, "unexpected_response", "The server answered unexpectedly")
            .with_detail(format!("HTTP {status} {}", response.status_text()))
    }))
}

/// A successful answer's body, still to be decoded.
struct Body {
    status: u16,
    text: String,
}

/// Reads a successful answer's body, or the problem of a failed answer. Reading is kept apart
/// from decoding, which depends on the answer's type, so that this and the sending and
/// refreshing before it are compiled once instead of once per type of answer.
async fn body_of(response: Response) -> ApiResult<Body> {
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    let status = response.status();
    match response.text().await {
        Ok(text) => Ok(Body { status, text }),
        Err(error) => Err(unreadable(status, error)),
    }
}

fn decode<T: DeserializeOwned>(body: Body) -> ApiResult<T> {
    serde_json::from_str(&body.text).map_err(|error| unreadable(body.status, error))
}

fn unreadable(status: u16, error: impl std::fmt::Display) -> Problem {
    let title = "The server's answer could not be read";
    Box::new(ProblemDetails::new(status, "unreadable_response", title).with_detail(error.to_string()))
}

/// The stored session; without one, the views learn that nobody is signed in any more
/// (another tab may have signed out).
fn stored_session() -> ApiResult<Session> {
    session::current().ok_or_else(|| {
        session::clear();
        signed_out()
    })
}

/// Sends `call` as the signed-in agent, refreshing the session once if the token is stale.
///
/// Repeating a POST, PUT or PATCH is safe here: the 401 means the server did not act on it.
async fn authorized(call: Call) -> ApiResult<Response> {
    let session = stored_session()?;
    let response = call.send(Some(&session.access_token)).await?;
    if response.status() != 401 {
        return Ok(response);
    }
    let problem = problem_of(response).await;
    if !matches!(problem.code.as_str(), "token_expired" | "invalid_token") {
        // Such as a disabled account: these credentials will not work again.
        session::clear();
        return Err(problem);
    }
    refresh_session(&session.access_token).await?;
    let response = call.send(Some(&stored_session()?.access_token)).await?;
    if response.status() == 401 {
        session::clear();
    }
    Ok(response)
}

async fn fetch<T: DeserializeOwned>(call: Call) -> ApiResult<T> {
    decode(fetch_body(call).await?)
}

async fn fetch_body(call: Call) -> ApiResult<Body> {
    body_of(authorized(call).await?).await
}

/// For calls whose success answer has no body.
async fn fetch_empty(call: Call) -> ApiResult<()> {
    let response = authorized(call).await?;
    if response.ok() {
        Ok(())
    } else {
        Err(problem_of(response).await)
    }
}

async fn fetch_public<T: DeserializeOwned>(call: Call) -> ApiResult<T> {
    decode(fetch_public_body(call).await?)
}

async fn fetch_public_body(call: Call) -> ApiResult<Body> {
    body_of(call.send(None).await?).await
}

/// Trades the stored refresh token for a new pair, unless the access token `stale` was already
/// replaced (by another call or tab), in which case the stored pair is the one to use.
pub async fn refresh_session(stale: &str) -> ApiResult<()> {
    let refresh = REFRESHING.with_borrow_mut(|slot| {
        slot.get_or_insert_with(|| rotate(stale.to_owned()).boxed_local().shared())
            .clone()
    });
    refresh.await
}

async fn rotate(stale: String) -> ApiResult<()> {
    let outcome = exchange(&stale).await;
    REFRESHING.with_borrow_mut(|slot| *slot = None);
    outcome
}

async fn exchange(stale: &str) -> ApiResult<()> {
    let session = stored_session()?;
    if session.access_token != stale {
        return Ok(());
    }
    let request = RefreshRequest {
        refresh_token: session.refresh_token,
    };
    match fetch_public::<TokenResponse>(Call::new(Method::POST, "/auth/refresh").with_json(&request)?).await {
        Ok(tokens) => {
            session::save(&tokens);
            Ok(())
        }
        Err(problem) => {
            // A refused token will never work again; a network failure or 5xx might pass.
            if problem.status == 401 {
                session::clear();
            }
            Err(problem)
        }
    }
}

/// Collects every page of a list endpoint.
async fn all_pages<T: DeserializeOwned>(path: &str) -> ApiResult<Vec<T>> {
    let mut items = Vec::new();
    let mut cursor = None;
    loop {
        let mut call = Call::get(path).with_query("limit", MAX_PAGE_SIZE.to_string());
        if let Some(cursor) = cursor {
            call = call.with_query("cursor", cursor);
        }
        let page: Page<T> = fetch(call).await?;
        items.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(items),
        }
    }
}
