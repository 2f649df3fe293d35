//! Announcing outbound webhook events: in the transaction of the change it reports, the event
//! is stored with its body as it will be sent, with one delivery and one job per endpoint that
//! takes it. An event nobody subscribed to costs one indexed read. Messages and conversations
//! announce themselves where they are stored (`threads`, `messages`), so every path that
//! records a text, a note or a status is covered once.

use crate::jobs::{self, Job, WebhookJob};
use crate::webhooks::{self, DeliveryRow, EventRow};
use crate::{DbConnection, DbError, ids, now};
use chrono::NaiveDateTime;
use textdesk_types::messages::SendLane;
use textdesk_types::webhooks::{DeliveryStatus, WebhookEventType};
use textdesk_types::{OrganizationId, WebhookEndpointId};

/// Announces `kind` to the organization's endpoints that take it, with the `data` it reads
/// (only when some endpoint takes it). `ordering_key` (a conversation or contact id) keeps
/// one subject's events in order at each endpoint.
pub fn announce(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    kind: WebhookEventType,
    ordering_key: Option<&str>,
    data: impl FnOnce(&mut DbConnection) -> Result<serde_json::Value, DbError>,
) -> Result<(), DbError> {
    let endpoints = webhooks::subscribed(conn, organization, kind)?;
    announce_to(conn, organization, endpoints, kind, ordering_key, data)
}

/// The organization's enabled endpoints with what each takes, read once for a batch of events.
pub struct Subscriptions(Vec<(WebhookEndpointId, Vec<WebhookEventType>)>);

impl Subscriptions {
    pub fn load(conn: &mut DbConnection, organization: &OrganizationId) -> Result<Subscriptions, DbError> {
        let endpoints = webhooks::enabled_endpoints(conn, organization)?;
        let subscriptions = endpoints
            .into_iter()
            .map(|row| Ok((row.event_types()?, row.id)))
            .map(|taken: Result<_, DbError>| taken.map(|(types, id)| (id, types)))
            .collect::<Result<_, _>>()?;
        Ok(Subscriptions(subscriptions))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn takers(&self, kind: WebhookEventType) -> Vec<WebhookEndpointId> {
        self.0
            .iter()
            .filter(|(_, types)| types.contains(&kind))
            .map(|(id, _)| id.clone())
            .collect()
    }
}

fn announce_to(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    endpoints: Vec<WebhookEndpointId>,
    kind: WebhookEventType,
    ordering_key: Option<&str>,
    data: impl FnOnce(&mut DbConnection) -> Result<serde_json::Value, DbError>,
) -> Result<(), DbError> {
    if endpoints.is_empty() {
        return Ok(());
    }
    let at = now();
    // The body every delivery of the event carries, as Standard Webhooks suggests.
    let body = serde_json::json!({
        "type": kind.as_str(),
        "timestamp": crate::utc(at).to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data(conn)?,
    })
    .to_string();
    let event = EventRow {
        id: format!("msg_{}", ids::new_id::<String>().replace('-', "")),
        organization_id: organization.clone(),
        event_type: kind.as_str().to_owned(),
        ordering_key: ordering_key.map(str::to_owned),
        body,
        created_at: at,
    };
    let deliveries: Vec<DeliveryRow> = endpoints
        .into_iter()
        .map(|endpoint_id| pending_delivery(endpoint_id, &event, at))
        .collect();
    webhooks::insert_event(conn, &event, &deliveries)?;
    for delivery in &deliveries {
        enqueue(conn, organization, delivery, at)?;
    }
    Ok(())
}

fn pending_delivery(endpoint_id: WebhookEndpointId, event: &EventRow, at: NaiveDateTime) -> DeliveryRow {
    DeliveryRow {
        id: ids::new_id(),
        endpoint_id,
        event_id: event.id.clone(),
        ordering_key: event.ordering_key.clone(),
        status: DeliveryStatus::Pending.as_str().to_owned(),
        attempts: 0,
        next_attempt_at: Some(at),
        leased_until: None,
        created_at: at,
    }
}

/// Queues the job that makes the delivery's next attempt at `at`.
pub fn enqueue(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    delivery: &DeliveryRow,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let job = Job::DeliverWebhook(WebhookJob {
        delivery_id: delivery.id.clone(),
    });
    jobs::enqueue_at(conn, Some(organization), &job, SendLane::Automated, at)?;
    Ok(())
}

/// Announces what recording these messages did: conversations opened, texts received, notes
/// added. The inbound path records texts in batches: the subscriptions are read once, and an
/// organization without endpoints pays only that read.
pub fn recorded(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    recorded: &[crate::threads::Recorded],
) -> Result<(), DbError> {
    use textdesk_types::messages::Direction;
    let subscriptions = Subscriptions::load(conn, organization)?;
    if subscriptions.is_empty() {
        return Ok(());
    }
    for item in recorded {
        let key = Some(item.conversation.id.as_str());
        if item.opened {
            let takers = subscriptions.takers(WebhookEventType::ConversationOpened);
            announce_to(
                conn,
                organization,
                takers,
                WebhookEventType::ConversationOpened,
                key,
                |conn| conversation_data(conn, &item.conversation),
            )?;
        }
        let kind = match item.message.direction {
            Direction::Inbound => WebhookEventType::MessageReceived,
            Direction::Note => WebhookEventType::NoteAdded,
            Direction::Outbound | Direction::System => continue,
        };
        let takers = subscriptions.takers(kind);
        announce_to(conn, organization, takers, kind, key, |conn| {
            message_data(conn, &item.message.id)
        })?;
    }
    Ok(())
}

/// Announces a conversation event (`conversation.closed`, `conversation.assigned`).
pub fn conversation(
    conn: &mut DbConnection,
    kind: WebhookEventType,
    conversation: &crate::conversations::ConversationRow,
) -> Result<(), DbError> {
    let organization = conversation.organization_id.clone();
    announce(conn, &organization, kind, Some(conversation.id.as_str()), |conn| {
        conversation_data(conn, conversation)
    })
}

/// Announces a contact event (`contact.created`, `contact.changed`, `contact.opted_out`,
/// `contact.opted_in`) about the contact as stored now.
pub fn contact(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    kind: WebhookEventType,
    contact: &textdesk_types::ContactId,
) -> Result<(), DbError> {
    announce(conn, organization, kind, Some(contact.as_str()), |conn| {
        let row = crate::contacts::find(conn, organization, contact)?;
        to_value(&row.into_wire()?)
    })
}

/// Announces contacts created together (an import's batch, a batch of texts from new
/// numbers), reading the subscriptions once.
pub fn contacts_created<'a>(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    contacts: impl IntoIterator<Item = &'a textdesk_types::ContactId>,
) -> Result<(), DbError> {
    let subscriptions = Subscriptions::load(conn, organization)?;
    let takers = subscriptions.takers(WebhookEventType::ContactCreated);
    if takers.is_empty() {
        return Ok(());
    }
    for contact in contacts {
        announce_to(
            conn,
            organization,
            takers.clone(),
            WebhookEventType::ContactCreated,
            Some(contact.as_str()),
            |conn| {
                let row = crate::contacts::find(conn, organization, contact)?;
                to_value(&row.into_wire()?)
            },
        )?;
    }
    Ok(())
}

/// Announces an outbound message's new status (`message.status_changed`).
pub fn message_status(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    conversation: &textdesk_types::ConversationId,
    message: &textdesk_types::MessageId,
) -> Result<(), DbError> {
    announce(
        conn,
        organization,
        WebhookEventType::MessageStatusChanged,
        Some(conversation.as_str()),
        |conn| message_data(conn, message),
    )
}

/// Announces that the provider accepted an outbound message (`message.sent`).
pub fn message_sent(conn: &mut DbConnection, message: &crate::messages::MessageRow) -> Result<(), DbError> {
    announce(
        conn,
        &message.organization_id,
        WebhookEventType::MessageSent,
        Some(message.conversation_id.as_str()),
        |conn| message_data(conn, &message.id),
    )
}

fn message_data(conn: &mut DbConnection, id: &textdesk_types::MessageId) -> Result<serde_json::Value, DbError> {
    let row = crate::messages::find(conn, id)?;
    to_value(&crate::messages::into_wire_one(conn, row)?)
}

fn conversation_data(
    conn: &mut DbConnection,
    conversation: &crate::conversations::ConversationRow,
) -> Result<serde_json::Value, DbError> {
    let contact = crate::contacts::find(conn, &conversation.organization_id, &conversation.contact_id)?;
    let minutes = crate::organizations::waiting_for_reply_minutes(conn, &conversation.organization_id)?;
    let cutoff = now() - chrono::Duration::minutes(minutes);
    to_value(&conversation.clone().into_wire(&contact, false, cutoff))
}

fn to_value(wire: &impl serde::Serialize) -> Result<serde_json::Value, DbError> {
    serde_json::to_value(wire).map_err(|e| DbError::Corrupt(format!("webhook data: {e}")))
}
