//! Sending one outbound message through its number's provider.
//!
//! Safe to repeat: a message is marked sending before the provider is called and gets the
//! provider's message id when it accepts, before the job leaves the queue. A run that finds a
//! message sending without an id knows the last attempt's outcome is unknown (the worker was
//! killed, the connection cut) and asks the provider for a matching message before sending
//! again; the call also carries the message id as an idempotency key, for providers that
//! honour it.

use chrono::Utc;
use textdesk_db::consent::{self, ChangedBy};
use textdesk_db::jobs::{self, Job, MessageJob};
use textdesk_db::messages::{self, DeliveryChanges, MessageRow};
use textdesk_db::numbers::{self, NumberRow};
use textdesk_db::{DbError, contacts, media};
use textdesk_providers::{Accepted, Credentials, OutboundMessage, Provider, ProviderError, ProviderKind, provider_for};
use textdesk_types::MessageId;
use textdesk_types::messages::{MessagePurpose, MessageStatus, SendLane};

use super::send_gate::{self, Gate};
use super::{MAX_ATTEMPTS, Next};
use crate::WorkerContext;

pub(crate) fn run(context: &WorkerContext, message_id: &MessageId, attempts: i32) -> anyhow::Result<Next> {
    let Some((message, number)) = load(context, message_id)? else {
        return Ok(Next::Done);
    };
    // Already accepted by the provider (the worker stopped before the job left the queue).
    if !matches!(message.status, MessageStatus::Queued | MessageStatus::Sending)
        || message.provider_message_id.is_some()
    {
        return Ok(Next::Done);
    }
    match send_gate::check(context, &message)? {
        Gate::Send => {}
        Gate::Refuse { code, reason } => {
            tracing::info!(message = %message.id, code, "not sending: the contact may no longer be texted");
            mark_failed(context, &message, code, &reason)?;
            return Ok(Next::Done);
        }
        Gate::WaitForConsentText => return Ok(Next::Defer(send_gate::CONSENT_WAIT)),
    }
    let kind = ProviderKind::parse(&number.provider)
        .ok_or_else(|| DbError::Corrupt(format!("number {} has provider {:?}", number.id, number.provider)))?;
    if at_send_rate(context, &number)? {
        return Ok(Next::Defer(chrono::Duration::milliseconds(RATE_WINDOW_MS)));
    }
    let credentials = credentials(context, &number)?;
    let outbound = OutboundMessage {
        from: number.phone_number.clone(),
        to: message.to_number.clone(),
        body: message.body.clone(),
        media_urls: media_urls(context, &message)?,
        status_callback: Some(format!("{}/webhooks/{}/status", context.public_url, kind.as_str())),
        idempotency_key: message.id.as_str().to_owned(),
    };
    let provider = provider_for(kind, &context.http);
    if message.status == MessageStatus::Sending {
        // "sending" without the provider's message id: the last attempt ended without an
        // answer, and the provider may have accepted it.
        match sent_before(context, provider.as_ref(), &credentials, (&message, &outbound)) {
            Ok(Some(accepted)) => {
                tracing::info!(message = %message.id, "found at the provider after an interrupted attempt; not sending again");
                accept(context, &message, &credentials, kind, accepted)?;
                return Ok(Next::Done);
            }
            Ok(None) => {}
            Err(ProviderError::Transient { message: reason }) if attempts < MAX_ATTEMPTS => {
                return Ok(Next::RetryLater(format!(
                    "could not ask the provider whether an interrupted attempt went out: {reason}"
                )));
            }
            // The provider will not say (an API key without read access, say): sending again
            // with the idempotency key is the better risk than never sending.
            Err(error) => {
                tracing::warn!(message = %message.id, %error, "could not look up an interrupted attempt; sending");
            }
        }
    }
    set_status(
        context,
        &message,
        DeliveryChanges {
            status: Some(MessageStatus::Sending),
            // The provider's clock, not the test clock, dates what it lists.
            attempted_at: Some(Some(Utc::now().naive_utc())),
            ..Default::default()
        },
    )?;
    match provider.send(&credentials, &outbound) {
        Ok(accepted) => {
            accept(context, &message, &credentials, kind, accepted)?;
            Ok(Next::Done)
        }
        Err(ProviderError::Transient { message: reason }) if attempts < MAX_ATTEMPTS => {
            set_status(
                context,
                &message,
                DeliveryChanges {
                    status: Some(MessageStatus::Queued),
                    ..Default::default()
                },
            )?;
            tracing::warn!(message = %message.id, attempts, %reason, "sending failed for now; will retry");
            Ok(Next::RetryLater(reason))
        }
        Err(error) => {
            fail(context, &message, &error)?;
            Ok(Next::Done)
        }
    }
}

/// How far behind ours the provider's clock may be, for the lookup.
const CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(1);

/// What the provider accepted of this message in an attempt whose answer never came back: a
/// message with its numbers and text, created since that attempt began, that no other message
/// of Textdesk's is recorded as. Of several (identical texts interrupted together), the
/// oldest: the provider lists newest first, and twins adopt one each, in turn. Since the
/// attempt, not since the message was queued: a like text sent by anything else while it
/// waited (quiet hours, a consent text first) is not taken for it.
fn sent_before(
    context: &WorkerContext,
    provider: &dyn Provider,
    credentials: &Credentials,
    (message, outbound): (&MessageRow, &OutboundMessage),
) -> Result<Option<Accepted>, ProviderError> {
    let since = message.attempted_at.unwrap_or(message.created_at).and_utc() - CLOCK_SKEW;
    for candidate in provider.find_sent(credentials, outbound, since)?.into_iter().rev() {
        let recorded = context
            .db
            .read(|conn| messages::find_by_provider_id(conn, &credentials.account_sid, &candidate.provider_message_id))
            .map_err(|error| ProviderError::Transient {
                message: error.to_string(),
            })?;
        if recorded.is_none() {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

pub(crate) fn load(context: &WorkerContext, message_id: &MessageId) -> anyhow::Result<Option<(MessageRow, NumberRow)>> {
    let loaded = context.db.read(|conn| -> Result<_, DbError> {
        let message = match messages::find(conn, message_id) {
            Ok(message) => message,
            // Deleted with its conversation before it was sent: nothing left to do.
            Err(DbError::NotFound) => return Ok(None),
            Err(other) => return Err(other),
        };
        let Some(number_id) = &message.number_id else {
            return Ok(None);
        };
        let number = numbers::find(conn, &message.organization_id, number_id)?;
        Ok(Some((message, number)))
    })?;
    Ok(loaded)
}

const RATE_WINDOW_MS: i64 = 1000;

/// Whether the number already handed its rate's worth of messages to the provider in the last
/// second. Workers racing each other may overshoot by a message each; carriers queue briefly.
fn at_send_rate(context: &WorkerContext, number: &NumberRow) -> anyhow::Result<bool> {
    let since = (Utc::now() - chrono::Duration::milliseconds(RATE_WINDOW_MS)).naive_utc();
    let recent = context
        .db
        .read(|conn| messages::sent_from_number_since(conn, &number.id, since))?;
    Ok(recent >= i64::from(number.send_rate_per_second.max(1)))
}

/// How long a provider may take to fetch a message's media.
const MEDIA_ACCESS_HOURS: i64 = 2;

/// Unguessable, expiring addresses of the message's media, for the provider to fetch.
fn media_urls(context: &WorkerContext, message: &MessageRow) -> anyhow::Result<Vec<String>> {
    let urls = context.db.write(|conn| -> Result<Vec<String>, DbError> {
        let attached = media::for_messages(conn, &[&message.id])?
            .remove(&message.id)
            .unwrap_or_default();
        let expires_at = (Utc::now() + chrono::Duration::hours(MEDIA_ACCESS_HOURS)).naive_utc();
        attached
            .iter()
            .map(|item| {
                let token = access_token();
                media::grant_access(conn, &item.id, &token, expires_at)?;
                Ok(format!("{}/media/{token}", context.public_url))
            })
            .collect()
    })?;
    Ok(urls)
}

fn access_token() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

pub(crate) fn credentials(context: &WorkerContext, number: &NumberRow) -> anyhow::Result<Credentials> {
    let token = number
        .auth_token_sealed
        .as_deref()
        .map(|sealed| context.secrets.open(sealed))
        .transpose()?;
    let mut credentials = Credentials::new(
        number.account_sid.clone().unwrap_or_default(),
        token.unwrap_or_default(),
    );
    if let Some(base) = &context.twilio_base_url {
        credentials = credentials.with_base_url(base.clone());
    }
    Ok(credentials)
}

fn set_status(context: &WorkerContext, message: &MessageRow, changes: DeliveryChanges) -> anyhow::Result<()> {
    context.db.write(|conn| -> Result<(), DbError> {
        let updated = messages::update_delivery(conn, &message.id, &changes)?;
        messages::announce_status(conn, &updated)
    })?;
    Ok(())
}

fn accept(
    context: &WorkerContext,
    message: &MessageRow,
    credentials: &Credentials,
    kind: ProviderKind,
    accepted: Accepted,
) -> anyhow::Result<()> {
    // Accepted by the provider means on its way: our "sending" until the provider reports more.
    let status = match accepted.status {
        MessageStatus::Queued | MessageStatus::Sending => MessageStatus::Sending,
        other => other,
    };
    let now = Utc::now().naive_utc();
    let changes = DeliveryChanges {
        status: Some(status),
        provider_account: Some(Some(credentials.account_sid.clone())),
        provider_message_id: Some(Some(accepted.provider_message_id)),
        segments: accepted.segments.and_then(|segments| i32::try_from(segments).ok()),
        sent_at: Some(Some(now)),
        ..Default::default()
    };
    context.db.write(|conn| -> Result<(), DbError> {
        let updated = messages::update_delivery(conn, &message.id, &changes)?;
        messages::announce_status(conn, &updated)?;
        textdesk_db::webhook_outbox::message_sent(conn, &updated)?;
        if kind == ProviderKind::Simulator {
            let delay = chrono::Duration::from_std(textdesk_providers::simulator::simulated_delivery_delay())
                .unwrap_or_else(|_| chrono::Duration::seconds(1));
            let job = Job::SimulateDelivery(MessageJob {
                message_id: message.id.clone(),
            });
            jobs::enqueue_at(
                conn,
                Some(&message.organization_id),
                &job,
                SendLane::Automated,
                now + delay,
            )?;
        }
        Ok(())
    })?;
    Ok(())
}

fn fail(context: &WorkerContext, message: &MessageRow, error: &ProviderError) -> anyhow::Result<()> {
    tracing::warn!(message = %message.id, %error, "sending failed for good");
    let changes = DeliveryChanges {
        status: Some(MessageStatus::Failed),
        error_code: Some(error.code().map(str::to_owned)),
        error_message: Some(Some(error.to_string())),
        ..Default::default()
    };
    context.db.write(|conn| -> Result<(), DbError> {
        let updated = store_failure(conn, message, &changes)?;
        if matches!(error, ProviderError::OptedOut { .. }) {
            let contact = contacts::find(conn, &message.organization_id, &message.contact_id)?;
            let by = ChangedBy::provider("The provider refused the message: the recipient replied STOP (21610).");
            consent::opt_out(conn, &contact, &by, textdesk_db::now())?;
        }
        messages::announce_status(conn, &updated)
    })?;
    Ok(())
}

/// Fails the message without handing it to the provider.
fn mark_failed(context: &WorkerContext, message: &MessageRow, code: &str, reason: &str) -> anyhow::Result<()> {
    let changes = DeliveryChanges {
        status: Some(MessageStatus::Failed),
        error_code: Some(Some(code.to_owned())),
        error_message: Some(Some(reason.to_owned())),
        ..Default::default()
    };
    context.db.write(|conn| -> Result<(), DbError> {
        let updated = store_failure(conn, message, &changes)?;
        messages::announce_status(conn, &updated)
    })?;
    Ok(())
}

/// Stores a failure for good. A consent text that never went out is due again with the
/// contact's next message.
fn store_failure(
    conn: &mut textdesk_db::DbConnection,
    message: &MessageRow,
    changes: &DeliveryChanges,
) -> Result<MessageRow, DbError> {
    let updated = messages::update_delivery(conn, &message.id, changes)?;
    if message.purpose == MessagePurpose::ConsentRequest {
        consent::release_consent_message(conn, &message.contact_id)?;
    }
    Ok(updated)
}
