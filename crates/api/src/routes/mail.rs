//! Mail: "Forgot password?", the Mail outbox, notifications' one-click unsubscribe link, and
//! replies by email posted by inbound-mail services.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use textdesk_app::mail::{inbound, notifications, outbox, password_reset};
use textdesk_app::tokens::hash_token;
use textdesk_providers::mail::form_field;
use textdesk_types::mail::{InboundMailOutcome, Mail, MailAnswer, MailSummary, PasswordResetRequest, Unsubscribed};
use textdesk_types::page::PageQuery;
use textdesk_types::{MailId, Page, ProblemDetails};

use crate::extract::{CurrentAgent, JsonBody, client_address, read_limited};
use crate::{ApiError, AppState};

/// The largest raw mail taken: replies are text, but clients attach pictures and quote HTML.
const MAIL_LIMIT: usize = 10 * 1024 * 1024;

/// Mail a password-reset link ("Forgot password?").
///
/// Answers 202 whether or not the address has an account, so it reveals none. An enabled
/// agent with the address gets a single-use link that works for 24 hours. At most 3 requests
/// per address and 10 per client an hour; more get 429.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address has an account, a link is on its way"),
        (status = 429, description = "Too many requests", body = ProblemDetails, content_type = "application/problem+json",
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
        (status = "4XX", description = "Not an email address", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset-requests")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: JsonBody<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let address = client_address(&request, &state);
    state
        .run(move |app| password_reset::request(app, &app.mail, &body.0, &address))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// The Mail outbox: mail Textdesk wrote, newest first.
///
/// Agents see their own; admins the organization's but for owners' reset links; owners all.
/// With no SMTP server configured, mail stays here (status `kept`).
#[utoipa::path(
    tag = "mail",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of mail", body = Page<MailSummary>),
        (status = 403, description = "API keys cannot read mail", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/mails")]
pub async fn list_mails(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<MailSummary>>, ApiError> {
    let caller = me.caller();
    Ok(web::Json(
        state.run(move |app| outbox::list(app, &caller, &query)).await?,
    ))
}

/// One mail, with both its bodies and what the SMTP server answered.
#[utoipa::path(
    tag = "mail",
    security(("bearer" = [])),
    params(("id" = MailId, Path, description = "The mail")),
    responses(
        (status = 200, description = "The mail", body = Mail),
        (status = 404, description = "No such mail that you may read", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/mails/{id}")]
pub async fn get_mail(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<MailId>,
) -> Result<web::Json<Mail>, ApiError> {
    let caller = me.caller();
    Ok(web::Json(state.run(move |app| outbox::get(app, &caller, &id)).await?))
}

/// Answer a notification from the Mail outbox, as your mail client would.
///
/// The text is written above the quoted notification and taken by the same road as a reply
/// by email: sent to the contact as a text from you, or refused with a mail saying why.
#[utoipa::path(
    tag = "mail",
    security(("bearer" = [])),
    params(("id" = MailId, Path, description = "The notification")),
    request_body = MailAnswer,
    responses(
        (status = 200, description = "What became of the answer", body = InboundMailOutcome),
        (status = 404, description = "No such mail that you may read", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Not a notification to you with a valid reply address", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/mails/{id}/answer")]
pub async fn answer_mail(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<MailId>,
    body: JsonBody<MailAnswer>,
) -> Result<web::Json<InboundMailOutcome>, ApiError> {
    let caller = me.caller();
    let outcome = state
        .run(move |app| outbox::answer(app, &app.mail, &caller, &id, &body.0))
        .await?;
    Ok(web::Json(outcome))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct UnsubscribeQuery {
    /// The token of a notification's link.
    pub token: String,
}

/// Stop the notifications a mail followed (its one-click `List-Unsubscribe` link, RFC 8058).
///
/// Mail clients post `List-Unsubscribe=One-Click` here; the body is not read. Turns off the
/// choices in the agent's profile that sent the mail.
#[utoipa::path(
    tag = "mail",
    // The token in the address is the credential: mail clients post here with nothing else.
    security(()),
    params(UnsubscribeQuery),
    responses(
        (status = 200, description = "The choices turned off", body = Unsubscribed),
        (status = 400, description = "Unknown or expired link", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/mail/unsubscribe")]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    query: web::Query<UnsubscribeQuery>,
) -> Result<web::Json<Unsubscribed>, ApiError> {
    let turned_off = state
        .run(move |app| notifications::unsubscribe(app, &query.token))
        .await?;
    Ok(web::Json(Unsubscribed { turned_off }))
}

/// Receive a reply by email, as an inbound-mail service posts it.
///
/// The body is the raw RFC 5322 message (`message/rfc822`, or any type but a form), or a form
/// (`multipart/form-data` or `application/x-www-form-urlencoded`) with it in `body-mime`
/// (Mailgun) or `email` (SendGrid's raw mode). Authenticated with the server's `INBOUND_MAIL_SECRET`, as
/// `Authorization: Bearer <secret>` or as the password of HTTP Basic auth; off without one.
/// A handled mail is answered 200 whatever became of it, so the service does not post it again.
#[utoipa::path(
    tag = "webhooks",
    request_body(content = String, content_type = "message/rfc822", description = "The raw mail"),
    responses(
        (status = 200, description = "Handled", body = InboundMailOutcome),
        (status = 400, description = "Not a mail", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Missing or wrong secret", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Replies by email are not set up on this server", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/email")]
pub async fn receive_email(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<InboundMailOutcome>, ApiError> {
    let Some(secret) = &state.inbound_mail_secret else {
        return Err(ApiError::NotFound("webhook"));
    };
    if !presents_secret(&request, secret) {
        return Err(ApiError::Unauthorized {
            code: "wrong_secret",
            detail: "Post replies with the server's INBOUND_MAIL_SECRET.".to_owned(),
        });
    }
    let body = read_limited(&request, payload.into_inner(), MAIL_LIMIT).await?.to_vec();
    let raw = raw_mail(&request, body)?;
    let outcome = state.run(move |app| inbound::receive(app, &app.mail, &raw)).await?;
    Ok(web::Json(outcome))
}

/// Whether the request carries the secret, as a bearer token or a Basic password; compared
/// by hash, so the time taken says nothing of how much matched.
fn presents_secret(request: &HttpRequest, secret: &str) -> bool {
    let Some(header) = request
        .headers()
        .get("Authorization")
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let presented = if let Some(token) = header.strip_prefix("Bearer ") {
        token.trim().to_owned()
    } else if let Some(encoded) = header.strip_prefix("Basic ") {
        let decoded = STANDARD.decode(encoded.trim()).unwrap_or_default();
        let text = String::from_utf8_lossy(&decoded).into_owned();
        text.split_once(':')
            .map(|(_, password)| password.to_owned())
            .unwrap_or_default()
    } else {
        return false;
    };
    hash_token(&presented) == hash_token(secret)
}

/// The raw message: the body itself, or the form field a service puts it in.
fn raw_mail(request: &HttpRequest, body: Vec<u8>) -> Result<Vec<u8>, ApiError> {
    let content_type = request
        .headers()
        .get("Content-Type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let lower = content_type.to_ascii_lowercase();
    let missing = || ApiError::field("body-mime", "required", "the form has no body-mime or email field");
    if lower.starts_with("multipart/form-data") {
        return form_field(content_type, &body, &["body-mime", "email"]).ok_or_else(missing);
    }
    if !lower.starts_with("application/x-www-form-urlencoded") {
        return Ok(body);
    }
    form_urlencoded::parse(&body)
        .find(|(name, _)| name == "body-mime" || name == "email")
        .map(|(_, value)| value.into_owned().into_bytes())
        .ok_or_else(missing)
}
