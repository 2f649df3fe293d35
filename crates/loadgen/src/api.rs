//! The few API calls every command needs: signing in, connecting the business number, and
//! building signed Twilio webhooks. All HTTP goes through `awc` on an actix system.

use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use serde::de::DeserializeOwned;
use serde_json::json;
use textdesk_domain::phone::PhoneNumber;
use textdesk_types::auth::TokenResponse;

use crate::{NumberArgs, ServerArgs};

/// Where Twilio posts inbound messages.
pub const INBOUND_PATH: &str = "/webhooks/twilio/messages";

/// A client for `connections` simultaneous keep-alive connections.
pub fn client(connections: usize) -> awc::Client {
    let connector = awc::Connector::new()
        .limit(connections.max(1))
        .timeout(Duration::from_secs(10))
        .conn_keep_alive(Duration::from_secs(120))
        .conn_lifetime(Duration::from_secs(3600));
    awc::Client::builder()
        .connector(connector)
        .timeout(Duration::from_secs(60))
        .finish()
}

pub fn trim_url(url: &str) -> String {
    url.trim_end_matches('/').to_owned()
}

/// Sends a request and reads its whole answer: the status and the body.
pub async fn fetch(what: &str, request: awc::SendClientRequest) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut response = request.await.map_err(|e| anyhow!("{what}: {e}"))?;
    let status = response.status().as_u16();
    let body = response
        .body()
        .limit(64 * 1024 * 1024)
        .await
        .map_err(|e| anyhow!("{what}: reading the answer: {e}"))?;
    Ok((status, body.to_vec()))
}

/// Sends a request and reads a JSON answer, or fails with the status and the body the server gave.
pub async fn fetch_json<T: DeserializeOwned>(what: &str, request: awc::SendClientRequest) -> anyhow::Result<T> {
    let (status, body) = fetch(what, request).await?;
    if !(200..300).contains(&status) {
        bail!("{what}: HTTP {status}: {}", String::from_utf8_lossy(&body));
    }
    serde_json::from_slice(&body).with_context(|| format!("{what}: unexpected answer"))
}

/// A bearer token: the one given, else from creating the first workspace, else from signing in.
pub async fn sign_in(client: &awc::Client, server: &ServerArgs) -> anyhow::Result<String> {
    if let Some(token) = &server.token {
        return Ok(token.clone());
    }
    let base = trim_url(&server.url);
    let setup = json!({
        "organization_name": server.organization_name,
        "owner": {
            "email": server.email,
            "password": server.password,
            "first_name": "Load",
            "last_name": "Generator",
        },
    });
    let request = client.post(format!("{base}/api/v1/setup")).send_json(&setup);
    let (status, body) = fetch(&format!("POST /api/v1/setup at {base}"), request).await?;
    match status {
        201 => {
            let tokens: TokenResponse = serde_json::from_slice(&body).context("setup answer")?;
            eprintln!(
                "created the workspace {:?}, owner {}",
                server.organization_name, server.email
            );
            Ok(tokens.access_token)
        }
        409 => {
            let login = json!({ "email": server.email, "password": server.password });
            let request = client.post(format!("{base}/api/v1/auth/login")).send_json(&login);
            let tokens: TokenResponse = fetch_json("sign-in", request).await?;
            Ok(tokens.access_token)
        }
        other => bail!("setup: HTTP {other}: {}", String::from_utf8_lossy(&body)),
    }
}

/// Connects the business number with the made-up credentials; a number that is already
/// connected is assumed to carry them (from an earlier run).
pub async fn ensure_number(
    client: &awc::Client,
    server: &ServerArgs,
    token: &str,
    number: &NumberArgs,
) -> anyhow::Result<String> {
    let phone = PhoneNumber::parse(&number.number)
        .map_err(|e| anyhow!("--number {:?}: {}", number.number, e.message))?
        .into_inner();
    let base = trim_url(&server.url);
    let create = json!({
        "phone_number": phone,
        "label": "Load test",
        "provider": "twilio",
        "account_sid": number.account_sid,
        "auth_token": number.auth_token,
    });
    let request = client
        .post(format!("{base}/api/v1/numbers"))
        .bearer_auth(token)
        .send_json(&create);
    let (status, body) = fetch("POST /api/v1/numbers", request).await?;
    let text = String::from_utf8_lossy(&body);
    match status {
        201 => eprintln!("connected the business number {phone}"),
        422 if text.contains("number_taken") => eprintln!("the business number {phone} is already connected"),
        other => bail!("connecting {phone}: HTTP {other}: {text}"),
    }
    Ok(phone)
}

/// One inbound message as Twilio posts it: the form body and its `X-Twilio-Signature`.
pub struct SignedWebhook {
    pub body: String,
    pub signature: String,
}

pub struct Inbound<'a> {
    pub message_sid: &'a str,
    pub account_sid: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub body: &'a str,
}

/// Every field Twilio sends with an inbound SMS, signed with the number's auth token over
/// `public_url` + the webhook path, the way Twilio does.
pub fn signed_inbound(public_url: &str, auth_token: &str, message: &Inbound<'_>) -> SignedWebhook {
    let fields = [
        ("ToCountry", "US"),
        ("ToState", "CA"),
        ("SmsMessageSid", message.message_sid),
        ("NumMedia", "0"),
        ("ToCity", "SAN FRANCISCO"),
        ("FromZip", ""),
        ("SmsSid", message.message_sid),
        ("FromState", ""),
        ("SmsStatus", "received"),
        ("FromCity", ""),
        ("Body", message.body),
        ("FromCountry", "US"),
        ("To", message.to),
        ("ToZip", "94105"),
        ("NumSegments", "1"),
        ("MessageSid", message.message_sid),
        ("AccountSid", message.account_sid),
        ("From", message.from),
        ("ApiVersion", "2010-04-01"),
    ];
    let params: Vec<(String, String)> = fields
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    let url = format!("{}{INBOUND_PATH}", trim_url(public_url));
    let signature = textdesk_providers::twilio::signature(auth_token, &url, &params);
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    SignedWebhook { body, signature }
}

/// Posts one signed webhook; the status code, or the transport error.
pub async fn post_webhook(client: &awc::Client, url: &str, webhook: &SignedWebhook) -> Result<u16, String> {
    let mut response = client
        .post(url)
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .insert_header(("X-Twilio-Signature", webhook.signature.as_str()))
        .send_body(webhook.body.clone())
        .await
        .map_err(|e| e.to_string())?;
    // Read the whole answer so the connection goes back to the pool.
    response.body().await.map_err(|e| e.to_string())?;
    Ok(response.status().as_u16())
}

/// A Twilio-shaped message id, `SM` and 32 letters and digits, unique per run and index.
pub fn message_sid(run: &str, index: usize) -> String {
    format!("SM{run}{index:024}")
}

/// Eight hex characters that tell this run's messages apart from earlier runs'.
pub fn run_tag() -> String {
    let id = uuid::Uuid::now_v7().simple().to_string();
    id[id.len() - 8..].to_owned()
}
