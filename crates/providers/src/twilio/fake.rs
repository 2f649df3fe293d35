//! A fake Twilio REST API on loopback, for tests: real sockets and real HTTP/1.1, so the
//! adapter under test runs exactly as in production. Enabled by the `fake` feature.
//!
//! It serves:
//! - `POST /2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json`: checks Basic auth, requires
//!   `To`, `From` and `Body` or `MediaUrl` like Twilio (errors 21604, 21603, 21602), answers
//!   201 with a new `SM…` sid, and answers a repeated `I-Twilio-Idempotency-Token` with the
//!   first answer's sid. [`FakeTwilio::respond_next`] overrides the answers in turn.
//! - media from [`FakeTwilio::add_media`]: a Basic-auth URL that redirects (307) to an
//!   unauthenticated `/cdn/…` URL, as Twilio's media URLs do.
//!
//! Every request is recorded; [`FakeTwilio::sent`] lists the message posts.
//!
//! ```no_run
//! # fn main() -> std::io::Result<()> {
//! use textdesk_providers::twilio::fake::{FakeResponse, FakeTwilio};
//! let fake = FakeTwilio::start()?;
//! let credentials = fake.credentials(); // base_url points at the fake
//! fake.respond_next(FakeResponse::error(400, 21610, "Attempt to send to unsubscribed recipient"));
//! // ... send through the code under test, then:
//! assert_eq!(fake.sent().len(), 1);
//! # Ok(())
//! # }
//! ```

use std::collections::{HashMap, VecDeque};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::IDEMPOTENCY_HEADER;
use crate::Credentials;

/// The one account the fake knows.
pub const ACCOUNT_SID: &str = "AC00000000000000000000000000000001";
pub const AUTH_TOKEN: &str = "fake-twilio-auth-token-0123456789";

/// Requests bigger than this are refused; nothing legitimate comes close.
const MAX_REQUEST_BODY: usize = 16 * 1024 * 1024;
const MAX_HEADER_LINES: usize = 100;
/// A client that connects and goes quiet must not hold a thread forever.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A running fake; it stops when dropped.
pub struct FakeTwilio {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct State {
    requests: Vec<ReceivedRequest>,
    scripted: VecDeque<FakeResponse>,
    media: HashMap<String, FakeResponse>,
    /// Idempotency token → the sid first answered for it.
    tokens: HashMap<String, String>,
    /// Like Twilio, which does not promise to: every post creates a message, whatever its key.
    ignore_idempotency: bool,
    /// The messages created, oldest first, for `GET Messages.json`.
    created: Vec<CreatedMessage>,
    next_id: u64,
}

struct CreatedMessage {
    sid: String,
    from: String,
    to: String,
    body: String,
    at: chrono::DateTime<chrono::Utc>,
}

/// One request the fake received, as it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedRequest {
    pub method: String,
    /// Path and query.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl ReceivedRequest {
    /// The first header of this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body decoded as a form, repeats kept in order.
    pub fn form(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(&self.body).into_owned().collect()
    }

    /// The first form value of `name`.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields(name).into_iter().next()
    }

    /// Every form value of `name`, in order (`MediaUrl` repeats).
    pub fn fields(&self, name: &str) -> Vec<String> {
        self.form()
            .into_iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value)
            .collect()
    }

    /// The Basic auth user and password, if any.
    pub fn basic_auth(&self) -> Option<(String, String)> {
        let encoded = self.header("authorization")?.strip_prefix("Basic ")?;
        let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
        let (user, password) = decoded.split_once(':')?;
        Some((user.to_string(), password.to_string()))
    }

    pub fn idempotency_token(&self) -> Option<&str> {
        self.header(IDEMPOTENCY_HEADER)
    }

    fn authenticated(&self) -> bool {
        self.basic_auth() == Some((ACCOUNT_SID.to_string(), AUTH_TOKEN.to_string()))
    }
}

/// An answer the fake gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeResponse {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Leave out `Content-Length` and end the body by closing the connection, so a client
    /// cannot know the size in advance.
    pub omit_length: bool,
}

impl FakeResponse {
    /// Twilio's 201 for a queued message.
    pub fn created(sid: &str) -> Self {
        let body = serde_json::json!({
            "sid": sid,
            "account_sid": ACCOUNT_SID,
            "status": "queued",
            "num_segments": "1",
            "api_version": "2010-04-01",
        });
        FakeResponse::json(201, &body)
    }

    /// Twilio's error body, e.g. `error(400, 21610, "Attempt to send to unsubscribed recipient")`.
    pub fn error(status: u16, code: u32, message: &str) -> Self {
        let body = serde_json::json!({
            "code": code,
            "message": message,
            "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
            "status": status,
        });
        FakeResponse::json(status, &body)
    }

    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        FakeResponse::raw(status, "application/json", body.to_string().into_bytes())
    }

    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        FakeResponse {
            status,
            content_type: content_type.to_string(),
            headers: Vec::new(),
            body: body.into(),
            omit_length: false,
        }
    }

    fn redirect(location: &str) -> Self {
        let mut response = FakeResponse::raw(307, "text/plain", "");
        response.headers.push(("Location".into(), location.into()));
        response
    }
}

impl FakeTwilio {
    /// Listens on a free loopback port.
    pub fn start() -> io::Result<FakeTwilio> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::default()));
        let stopping = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let (state, stopping) = (state.clone(), stopping.clone());
            std::thread::Builder::new()
                .name("fake-twilio".into())
                .spawn(move || accept_loop(&listener, &state, &stopping, addr))?
        };
        Ok(FakeTwilio {
            addr,
            state,
            stopping,
            acceptor: Some(acceptor),
        })
    }

    /// `http://127.0.0.1:{port}`, for [`Credentials::base_url`].
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Credentials the fake accepts, pointed at it.
    pub fn credentials(&self) -> Credentials {
        Credentials::new(ACCOUNT_SID, AUTH_TOKEN).with_base_url(self.base_url())
    }

    /// Every `Messages.json` post so far, retries included.
    pub fn sent(&self) -> Vec<ReceivedRequest> {
        lock(&self.state)
            .requests
            .iter()
            .filter(|request| request.method == "POST" && request.path.ends_with("/Messages.json"))
            .cloned()
            .collect()
    }

    /// Every request so far, media downloads included.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.state).requests.clone()
    }

    /// From now on, every post creates a message even with an idempotency key seen before, as
    /// Twilio may.
    pub fn ignore_idempotency(&self) {
        lock(&self.state).ignore_idempotency = true;
    }

    /// Answers the next `Messages.json` post with `response` instead of the usual handling.
    /// Calls queue up: each scripted answer is used once, in order.
    pub fn respond_next(&self, response: FakeResponse) {
        lock(&self.state).scripted.push_back(response);
    }

    /// Serves an attachment and returns its Twilio-style URL (Basic auth, then a redirect).
    pub fn add_media(&self, content_type: &str, bytes: impl Into<Vec<u8>>) -> String {
        self.add_media_response(FakeResponse::raw(200, content_type, bytes))
    }

    /// Like [`FakeTwilio::add_media`], but the CDN sends no `Content-Length`.
    pub fn add_media_without_length(&self, content_type: &str, bytes: impl Into<Vec<u8>>) -> String {
        let mut response = FakeResponse::raw(200, content_type, bytes);
        response.omit_length = true;
        self.add_media_response(response)
    }

    fn add_media_response(&self, response: FakeResponse) -> String {
        let mut state = lock(&self.state);
        let id = state.new_id();
        let path = format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM{id:032x}/Media/ME{id:032x}");
        state.media.insert(format!("/cdn/ME{id:032x}"), response);
        format!("{}{path}", self.base_url())
    }
}

impl Drop for FakeTwilio {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the thread sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

impl State {
    fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

/// A test that panicked while holding the lock must not hide what was recorded.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

fn accept_loop(listener: &TcpListener, state: &Arc<Mutex<State>>, stopping: &AtomicBool, addr: SocketAddr) {
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let state = state.clone();
        // One thread per connection, so a slow client cannot stall the others.
        let _ = std::thread::Builder::new()
            .name("fake-twilio-conn".into())
            .spawn(move || {
                let _ = serve(stream, &state, addr);
            });
    }
}

/// Reads one request, answers it and closes the connection.
fn serve(stream: TcpStream, state: &Mutex<State>, addr: SocketAddr) -> io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let response = match read_request(&mut reader)? {
        Some(request) => answer(request, state, addr),
        None => return Ok(()),
    };
    write_response(stream, &response)
}

fn read_request(reader: &mut impl BufRead) -> io::Result<Option<ReceivedRequest>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        return Err(invalid("bad request line"));
    };
    let (method, path) = (method.to_string(), path.to_string());
    let headers = read_headers(reader)?;
    let length = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .map(|(_, value)| value.trim().parse::<usize>())
        .transpose()
        .map_err(|_| invalid("bad content-length"))?
        .unwrap_or(0);
    if length > MAX_REQUEST_BODY {
        return Err(invalid("request body too large"));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some(ReceivedRequest {
        method,
        path,
        headers,
        body,
    }))
}

fn read_headers(reader: &mut impl BufRead) -> io::Result<Vec<(String, String)>> {
    let mut headers = Vec::new();
    for _ in 0..MAX_HEADER_LINES {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            return Ok(headers);
        }
        let (name, value) = line.split_once(':').ok_or_else(|| invalid("bad header"))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    Err(invalid("too many headers"))
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}

fn answer(request: ReceivedRequest, state: &Mutex<State>, addr: SocketAddr) -> FakeResponse {
    let mut state = lock(state);
    state.requests.push(request.clone());
    let messages_path = format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json");
    let path = request.path.split('?').next().unwrap_or_default();
    if request.method == "POST" && path.ends_with("/Messages.json") {
        if let Some(scripted) = state.scripted.pop_front() {
            return scripted;
        }
        if !request.authenticated() {
            return FakeResponse::error(401, 20003, "Authenticate");
        }
        if path != messages_path {
            return FakeResponse::error(404, 20404, "The requested resource was not found");
        }
        return create_message(&request, &mut state);
    }
    if request.method == "GET" && path == messages_path {
        if !request.authenticated() {
            return FakeResponse::error(401, 20003, "Authenticate");
        }
        return list_messages(&request, &state);
    }
    if request.method == "GET" {
        if let Some(id) = media_id(path) {
            if !request.authenticated() {
                return FakeResponse::error(401, 20003, "Authenticate");
            }
            return FakeResponse::redirect(&format!("http://{addr}/cdn/{id}"));
        }
        if let Some(media) = state.media.get(path) {
            return media.clone();
        }
    }
    FakeResponse::error(404, 20404, "The requested resource was not found")
}

/// `/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM…/Media/ME…` → `ME…`.
fn media_id(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(&format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/"))?;
    let (_, id) = rest.split_once("/Media/")?;
    Some(id)
}

/// Twilio's own validation, in Twilio's order, then idempotent creation.
fn create_message(request: &ReceivedRequest, state: &mut State) -> FakeResponse {
    let present = |name: &str| request.field(name).is_some_and(|value| !value.is_empty());
    if !present("To") {
        return FakeResponse::error(400, 21604, "A 'To' phone number is required.");
    }
    if !present("From") && !present("MessagingServiceSid") {
        return FakeResponse::error(400, 21603, "A 'From' phone number is required.");
    }
    if !present("Body") && !present("MediaUrl") {
        return FakeResponse::error(400, 21602, "Message body is required.");
    }
    let token = request
        .idempotency_token()
        .filter(|_| !state.ignore_idempotency)
        .map(str::to_string);
    if let Some(sid) = token.as_ref().and_then(|token| state.tokens.get(token)) {
        return FakeResponse::created(sid);
    }
    let sid = format!("SM{:032x}", state.new_id());
    if let Some(token) = token {
        state.tokens.insert(token, sid.clone());
    }
    state.created.push(CreatedMessage {
        sid: sid.clone(),
        from: request.field("From").unwrap_or_default(),
        to: request.field("To").unwrap_or_default(),
        body: request.field("Body").unwrap_or_default(),
        at: chrono::Utc::now(),
    });
    FakeResponse::created(&sid)
}

/// `GET Messages.json?From=…&To=…`: the messages created between the two, newest first.
fn list_messages(request: &ReceivedRequest, state: &State) -> FakeResponse {
    let query = request.path.split_once('?').map(|(_, query)| query).unwrap_or_default();
    let wanted = |name: &str| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    let (from, to) = (wanted("From"), wanted("To"));
    let messages: Vec<serde_json::Value> = state
        .created
        .iter()
        .rev()
        .filter(|message| from.as_ref().is_none_or(|from| *from == message.from))
        .filter(|message| to.as_ref().is_none_or(|to| *to == message.to))
        .map(|message| {
            serde_json::json!({
                "sid": message.sid,
                "account_sid": ACCOUNT_SID,
                "from": message.from,
                "to": message.to,
                "body": message.body,
                "status": "queued",
                "num_segments": "1",
                "date_created": message.at.to_rfc2822(),
            })
        })
        .collect();
    FakeResponse::json(200, &serde_json::json!({ "messages": messages }))
}

fn write_response(mut stream: TcpStream, response: &FakeResponse) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.content_type
    );
    if !response.omit_length {
        head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    }
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(&response.body)?;
    stream.flush()?;
    // The client may stop reading early (a size limit); that is not an error here.
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
