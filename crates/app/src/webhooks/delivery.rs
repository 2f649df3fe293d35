//! One attempt at a delivery, as the worker makes it: in order per subject, signed with the
//! endpoint's secrets, retried on Standard Webhooks' schedule for over a day, and the endpoint
//! turned off when it failed throughout.

use chrono::{Duration, NaiveDateTime};
use textdesk_db::secrets::SecretBox;
use textdesk_db::webhooks::{self, AttemptRow, DeliveryRow, EndpointRow};
use textdesk_db::{DbConnection, DbError, audit};
use textdesk_providers::outbound_webhooks::{Answered, WebhookClient, WebhookSecret};
use textdesk_types::WebhookDeliveryId;
use textdesk_types::webhooks::{DeliveryStatus, DisabledBy};

use crate::{AppContext, AppError, AppResult};

/// The waits after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, the
/// specification's schedule, so a delivery is tried 8 times over 27 hours and a half.
pub const RETRY_SCHEDULE: [Duration; 7] = [
    Duration::seconds(5),
    Duration::minutes(5),
    Duration::minutes(30),
    Duration::hours(2),
    Duration::hours(5),
    Duration::hours(10),
    Duration::hours(10),
];
/// How long a delivery waiting for an earlier one looks again after the earlier one's attempt.
const AFTER_EARLIER: Duration = Duration::seconds(1);
/// How long one attempt holds its delivery: longer than the request may take (15 s).
const ATTEMPT_LEASE: Duration = Duration::seconds(60);

/// What the delivery's job does next.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Delivered, failed for good, or nothing to do.
    Done,
    /// The attempt failed; try again then.
    RetryAt(NaiveDateTime, String),
    /// An earlier delivery about the same subject is pending; look again then.
    WaitUntil(NaiveDateTime),
}

pub fn attempt(
    app: &AppContext,
    secrets: &SecretBox,
    client: &WebhookClient,
    id: &WebhookDeliveryId,
) -> AppResult<Step> {
    let now = app.clock.now().naive_utc();
    let Some((delivery, event, endpoint)) = app.db.read(|conn| webhooks::find_delivery(conn, id))? else {
        return Ok(Step::Done);
    };
    if delivery.status()? != DeliveryStatus::Pending {
        return Ok(Step::Done);
    }
    if !endpoint.enabled {
        // It waits, pending and due, for the endpoint to be turned on again, which queues it.
        return Ok(Step::Done);
    }
    if let Some(earlier) = app.db.read(|conn| webhooks::earlier_pending(conn, &delivery))? {
        return Ok(Step::WaitUntil(turn_after(&earlier, now)));
    }
    if !app
        .db
        .write(|conn| webhooks::lease(conn, &delivery.id, now, now + ATTEMPT_LEASE))?
    {
        // Another job has it, or its next attempt is later: that job makes it.
        return Ok(Step::Done);
    }
    let keys = signing_keys(secrets, &endpoint, now)?;
    let answered = client.deliver(
        &endpoint.url,
        &event.id,
        now.and_utc().timestamp(),
        event.body.as_bytes(),
        &keys,
    );
    app.db
        .write(|conn| record(app, conn, &delivery, &endpoint, &answered, now))
}

/// The current secret, and the one it replaced while their overlap lasts.
fn signing_keys(secrets: &SecretBox, endpoint: &EndpointRow, now: NaiveDateTime) -> AppResult<Vec<WebhookSecret>> {
    let open = |sealed: &str| -> AppResult<WebhookSecret> {
        WebhookSecret::parse(&secrets.open(sealed)?)
            .ok_or_else(|| AppError::internal("a webhook endpoint's secret cannot be read"))
    };
    let mut keys = vec![open(&endpoint.secret)?];
    if let (Some(previous), Some(until)) = (&endpoint.previous_secret, endpoint.previous_secret_expires_at)
        && until > now
    {
        keys.push(open(previous)?);
    }
    Ok(keys)
}

fn record(
    app: &AppContext,
    conn: &mut DbConnection,
    delivery: &DeliveryRow,
    endpoint: &EndpointRow,
    answered: &Answered,
    now: NaiveDateTime,
) -> AppResult<Step> {
    let number = i32::try_from(webhooks::attempts_of(conn, &delivery.id)?.len()).unwrap_or(i32::MAX - 1) + 1;
    webhooks::record_attempt(
        conn,
        &AttemptRow {
            delivery_id: delivery.id.clone(),
            attempt: number,
            at: now,
            response_status: answered.status.map(i32::from),
            error: answered.error.clone(),
            latency_ms: i32::try_from(answered.latency.as_millis()).unwrap_or(i32::MAX),
        },
    )?;
    let attempts = delivery.attempts + 1;
    if answered.succeeded() {
        webhooks::set_state(conn, &delivery.id, DeliveryStatus::Delivered, attempts, None)?;
        return Ok(Step::Done);
    }
    let why = failure(answered);
    if let Some(wait) = usize::try_from(delivery.attempts)
        .ok()
        .and_then(|tried| RETRY_SCHEDULE.get(tried))
    {
        let next = now + *wait;
        webhooks::set_state(conn, &delivery.id, DeliveryStatus::Pending, attempts, Some(next))?;
        return Ok(Step::RetryAt(next, why));
    }
    webhooks::set_state(conn, &delivery.id, DeliveryStatus::Failed, attempts, None)?;
    if !webhooks::succeeded_since(conn, &endpoint.id, delivery.created_at)? {
        disable(conn, &app.mail, endpoint, &why, now)?;
    }
    Ok(Step::Done)
}

/// When a delivery waiting for an earlier one looks again: every second while the earlier one
/// is being attempted, else just after its next attempt.
fn turn_after(earlier: &DeliveryRow, now: NaiveDateTime) -> NaiveDateTime {
    let under_way = earlier.leased_until.is_some_and(|until| until > now);
    match earlier.next_attempt_at {
        Some(next) if !under_way && next > now => next + AFTER_EARLIER,
        _ => now + AFTER_EARLIER,
    }
}

/// Turns off an endpoint that failed every delivery for as long as a delivery is tried: its
/// admins see it, with why, on the Settings page, and may turn it on again.
fn disable(
    conn: &mut DbConnection,
    mail: &crate::mail::MailSettings,
    endpoint: &EndpointRow,
    why: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let reason = format!("Turned off after failing every delivery for over a day (last: {why}).");
    if !webhooks::disable_endpoint(conn, &endpoint.id, now, DisabledBy::Failures, &reason)? {
        return Ok(());
    }
    audit::append(
        conn,
        audit::AuditEvent {
            organization: &endpoint.organization_id,
            actor: None,
            action: "webhook.disabled",
            target_type: "webhook_endpoint",
            target_id: endpoint.id.as_str(),
            detail: serde_json::json!({ "url": endpoint.url, "reason": reason }),
            client_address: None,
        },
    )?;
    crate::mail::webhook_disabled(conn, mail, &endpoint.organization_id, (&endpoint.url, &reason), now)
}

fn failure(answered: &Answered) -> String {
    let error = answered.error.as_deref().unwrap_or("no answer");
    let error: String = error.chars().take(200).collect();
    match answered.status {
        Some(status) => format!("HTTP {status}: {error}"),
        None => error,
    }
}
