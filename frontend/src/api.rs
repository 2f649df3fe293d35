//! The typed client of the Textdesk API under `/api/v1`.
//!
//! Calls made as the signed-in agent carry the stored access token. When the server answers 401
//! because that token expired or is not valid, the client refreshes the session once and repeats
//! the call; when the refresh is refused the session ends, and the views, which watch
//! [`session::is_signed_in`], go to the sign-in page. Every failure arrives as the server's
//! [`ProblemDetails`], or as one made here when no readable answer came back; boxed, because
//! it is large and every `Result` here carries it.

use std::cell::RefCell;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use textdesk_types::agents::{Agent, ChangePassword, UpdateProfile};
use textdesk_types::auth::{ConfirmPasswordReset, LoginRequest, LogoutRequest, RefreshRequest, TokenResponse};
use textdesk_types::contacts::Contact;
use textdesk_types::conversations::{Conversation, ConversationDetail};
use textdesk_types::events::EventBatch;
use textdesk_types::groups::Group;
use textdesk_types::messages::{AddNote, Message, SendMessage};
use textdesk_types::numbers::Number;
use textdesk_types::organization::Organization;
use textdesk_types::page::MAX_PAGE_SIZE;
use textdesk_types::setup::{CreateWorkspace, SetupStatus};
use textdesk_types::{ContactId, ConversationId, MessageId, NumberId, Page, ProblemDetails};

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
    body: Option<String>,
}

impl Call {
    fn new(method: Method, path: &str) -> Self {
        Self {
            method,
            path: path.to_owned(),
            query: Vec::new(),
            body: None,
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
        self.body = Some(json);
        Ok(self)
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
        let request = match &self.body {
            Some(json) => request.header("Content-Type", "application/json").body(json.as_str()),
            None => request.build(),
        };
        request
            .map_err(unreachable_server)?
            .send()
            .await
            .map_err(unreachable_server)
    }
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
    let problem = response.json::<ProblemDetails>().await.unwrap_or_else(|_| {
        ProblemDetails::new(status, "unexpected_response", "The server answered unexpectedly")
            .with_detail(format!("HTTP {status} {}", response.status_text()))
    });
    Box::new(problem)
}

async fn decode<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    response.json::<T>().await.map_err(|error| {
        let title = "The server's answer could not be read";
        Box::new(ProblemDetails::new(response.status(), "unreadable_response", title).with_detail(error.to_string()))
    })
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
    decode(authorized(call).await?).await
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
    decode(call.send(None).await?).await
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

pub async fn setup_status() -> ApiResult<SetupStatus> {
    fetch_public(Call::get("/setup")).await
}

/// Creates the first workspace and signs its owner in.
pub async fn create_workspace(request: CreateWorkspace) -> ApiResult<()> {
    let tokens: TokenResponse = fetch_public(Call::new(Method::POST, "/setup").with_json(&request)?).await?;
    session::save(&tokens);
    Ok(())
}

/// Sets a new password with the token of an admin's reset link. Every session of that agent
/// ends, this browser's included.
pub async fn confirm_password_reset(request: ConfirmPasswordReset) -> ApiResult<()> {
    let response = Call::new(Method::POST, "/auth/password-reset")
        .with_json(&request)?
        .send(None)
        .await?;
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    session::clear();
    Ok(())
}

pub async fn login(request: LoginRequest) -> ApiResult<()> {
    let tokens: TokenResponse = fetch_public(Call::new(Method::POST, "/auth/login").with_json(&request)?).await?;
    session::save(&tokens);
    Ok(())
}

/// Ends the session on the server and here. Signing out must work even when the server cannot
/// be reached, so a failure there is only logged.
pub async fn logout() {
    if let Err(problem) = revoke_stored_session().await {
        leptos::logging::warn!("sign-out did not reach the server: {}", problem.message());
    }
    session::clear();
}

async fn revoke_stored_session() -> ApiResult<()> {
    let Some(session) = session::current() else {
        return Ok(());
    };
    let request = LogoutRequest {
        refresh_token: session.refresh_token,
    };
    let response = Call::new(Method::POST, "/auth/logout")
        .with_json(&request)?
        .send(None)
        .await?;
    if response.ok() {
        Ok(())
    } else {
        Err(problem_of(response).await)
    }
}

pub async fn me() -> ApiResult<Agent> {
    fetch(Call::get("/me")).await
}

pub async fn numbers() -> ApiResult<Vec<Number>> {
    fetch(Call::get("/numbers")).await
}

/// Texts a simulator number as the customer with this phone number.
pub async fn simulate_text(from: String, number_id: NumberId, body: String) -> ApiResult<Message> {
    let text = serde_json::json!({ "from": from, "number_id": number_id, "body": body });
    fetch(Call::new(Method::POST, "/simulator/messages").with_json(&text)?).await
}

/// The texts between a simulated handset and the business.
pub async fn handset(phone: String) -> ApiResult<Vec<Message>> {
    fetch(Call::get("/simulator/messages").with_query("phone", phone)).await
}

pub async fn update_me(changes: UpdateProfile) -> ApiResult<Agent> {
    fetch(Call::new(Method::PATCH, "/me").with_json(&changes)?).await
}

/// Changes the password; the server ends every other session and hands this one new tokens.
pub async fn change_password(request: ChangePassword) -> ApiResult<()> {
    let tokens: TokenResponse = fetch(Call::new(Method::PUT, "/me/password").with_json(&request)?).await?;
    session::save(&tokens);
    Ok(())
}

pub async fn organization() -> ApiResult<Organization> {
    fetch(Call::get("/organization")).await
}

/// The newest page of conversations.
pub async fn conversations() -> ApiResult<Page<Conversation>> {
    fetch(Call::get("/conversations").with_query("limit", "50".to_owned())).await
}

pub async fn agents() -> ApiResult<Vec<Agent>> {
    all_pages("/agents").await
}

pub async fn groups() -> ApiResult<Vec<Group>> {
    all_pages("/groups").await
}

/// Where to start reading the change feed so that nothing loaded afterwards is missed.
pub async fn feed_cursor() -> ApiResult<String> {
    let page: Page<Conversation> = fetch(Call::get("/conversations").with_query("limit", "1".to_owned())).await?;
    Ok(page.feed_cursor.unwrap_or_else(|| "0".to_owned()))
}

/// A conversation with its newest messages, or the page before the `before` cursor.
pub async fn conversation(id: ConversationId, before: Option<String>) -> ApiResult<ConversationDetail> {
    let mut call = Call::get(&format!("/conversations/{id}"));
    if let Some(before) = before {
        call = call.with_query("before", before);
    }
    fetch(call).await
}

pub async fn contact(id: ContactId) -> ApiResult<Contact> {
    fetch(Call::get(&format!("/contacts/{id}"))).await
}

pub async fn send_message(id: ConversationId, body: String) -> ApiResult<Message> {
    let message = SendMessage {
        body,
        from_number_id: None,
        media_ids: Vec::new(),
        lane: Default::default(),
    };
    fetch(Call::new(Method::POST, &format!("/conversations/{id}/messages")).with_json(&message)?).await
}

pub async fn add_note(id: ConversationId, body: String) -> ApiResult<Message> {
    let note = AddNote { body };
    fetch(Call::new(Method::POST, &format!("/conversations/{id}/notes")).with_json(&note)?).await
}

pub async fn retry_message(id: MessageId) -> ApiResult<Message> {
    fetch(Call::new(Method::POST, &format!("/messages/{id}/retry"))).await
}

pub async fn mark_read(id: ConversationId) -> ApiResult<()> {
    fetch_empty(Call::new(Method::POST, &format!("/conversations/{id}/read"))).await
}

/// Changes after `after`; the server holds the call up to 25 seconds while there are none.
pub async fn events(after: String) -> ApiResult<EventBatch> {
    fetch(
        Call::get("/events")
            .with_query("after", after)
            .with_query("wait", "25".to_owned()),
    )
    .await
}

/// A media file as an object URL the page can show: the file needs the bearer token, which
/// an `<img src>` cannot send. Revoke it with `Url::revoke_object_url` when done.
pub async fn media_object_url(url: &str, content_type: &str) -> ApiResult<String> {
    let path = url.strip_prefix(API).unwrap_or(url);
    let response = authorized(Call::get(path)).await?;
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    let bytes = response.binary().await.map_err(unreachable_server)?;
    let parts = web_sys::js_sys::Array::of1(&web_sys::js_sys::Uint8Array::from(bytes.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .and_then(|blob| web_sys::Url::create_object_url_with_blob(&blob))
        .map_err(|_| {
            Box::new(ProblemDetails::new(
                0,
                "media_unreadable",
                "The file could not be shown",
            ))
        })
}
