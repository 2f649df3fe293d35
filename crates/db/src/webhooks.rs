//! Outbound webhooks: endpoints, events with the bodies sent, deliveries and their attempts.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::webhooks::{
    DeliveryAttempt, DeliveryStatus, DisabledBy, WebhookDelivery, WebhookEndpoint, WebhookEventType,
};
use textdesk_types::{AgentId, OrganizationId, WebhookDeliveryId, WebhookEndpointId};

use crate::schema::{webhook_attempts, webhook_deliveries, webhook_endpoints, webhook_events};
use crate::{DbConnection, DbError, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = webhook_endpoints, treat_none_as_null = true)]
pub struct EndpointRow {
    pub id: WebhookEndpointId,
    pub organization_id: OrganizationId,
    pub url: String,
    pub description: String,
    pub event_types: String,
    /// Sealed with the server's secret box.
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<NaiveDateTime>,
    pub enabled: bool,
    pub disabled_at: Option<NaiveDateTime>,
    pub disabled_reason: Option<String>,
    /// `admin` or `failures`.
    pub disabled_by: Option<String>,
    pub created_by: AgentId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl EndpointRow {
    pub fn event_types(&self) -> Result<Vec<WebhookEventType>, DbError> {
        serde_json::from_str(&self.event_types)
            .map_err(|e| DbError::Corrupt(format!("webhook endpoint {} event types: {e}", self.id)))
    }

    pub fn into_wire(self) -> Result<WebhookEndpoint, DbError> {
        Ok(WebhookEndpoint {
            event_types: self.event_types()?,
            id: self.id,
            url: self.url,
            description: self.description,
            enabled: self.enabled,
            disabled_at: self.disabled_at.map(utc),
            disabled_reason: self.disabled_reason,
            disabled_by: self.disabled_by.as_deref().and_then(DisabledBy::parse),
            previous_secret_expires_at: self.previous_secret_expires_at.map(utc),
            created_by: self.created_by,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// The event types as stored: a JSON array of their names, each quoted, so that an endpoint's
/// subscription is found with `LIKE '%"name"%'` on either database.
pub fn stored_event_types(types: &[WebhookEventType]) -> String {
    let names: Vec<&str> = types.iter().map(|kind| kind.as_str()).collect();
    serde_json::Value::from(names).to_string()
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_events)]
pub struct EventRow {
    /// `msg_…`, sent as `webhook-id`.
    pub id: String,
    pub organization_id: OrganizationId,
    pub event_type: String,
    pub ordering_key: Option<String>,
    pub body: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: WebhookDeliveryId,
    pub endpoint_id: WebhookEndpointId,
    pub event_id: String,
    pub ordering_key: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    /// While an attempt is under way: until when it holds the delivery.
    pub leased_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl DeliveryRow {
    pub fn status(&self) -> Result<DeliveryStatus, DbError> {
        DeliveryStatus::parse(&self.status)
            .ok_or_else(|| DbError::Corrupt(format!("webhook delivery {} status {}", self.id, self.status)))
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
pub struct AttemptRow {
    pub delivery_id: WebhookDeliveryId,
    pub attempt: i32,
    pub at: NaiveDateTime,
    pub response_status: Option<i32>,
    pub error: Option<String>,
    pub latency_ms: i32,
}

impl AttemptRow {
    pub fn into_wire(self) -> DeliveryAttempt {
        DeliveryAttempt {
            attempt: u32::try_from(self.attempt).unwrap_or_default(),
            at: utc(self.at),
            response_status: self.response_status.and_then(|status| u16::try_from(status).ok()),
            error: self.error,
            latency_ms: u32::try_from(self.latency_ms).unwrap_or_default(),
        }
    }
}

pub fn insert_endpoint(conn: &mut DbConnection, row: &EndpointRow) -> Result<(), DbError> {
    diesel::insert_into(webhook_endpoints::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn save_endpoint(conn: &mut DbConnection, row: &EndpointRow) -> Result<(), DbError> {
    diesel::update(webhook_endpoints::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    Ok(())
}

pub fn list_endpoints(conn: &mut DbConnection, organization: &OrganizationId) -> Result<Vec<EndpointRow>, DbError> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(organization))
        .order((webhook_endpoints::created_at.asc(), webhook_endpoints::id.asc()))
        .select(EndpointRow::as_select())
        .load(conn)?)
}

pub fn find_endpoint(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    id: &WebhookEndpointId,
) -> Result<EndpointRow, DbError> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(organization))
        .find(id)
        .select(EndpointRow::as_select())
        .first(conn)?)
}

pub fn delete_endpoint(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    id: &WebhookEndpointId,
) -> Result<bool, DbError> {
    let deleted = diesel::delete(
        webhook_endpoints::table
            .filter(webhook_endpoints::organization_id.eq(organization))
            .filter(webhook_endpoints::id.eq(id)),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

/// The organization's enabled endpoints.
pub fn enabled_endpoints(conn: &mut DbConnection, organization: &OrganizationId) -> Result<Vec<EndpointRow>, DbError> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(organization))
        .filter(webhook_endpoints::enabled.eq(true))
        .select(EndpointRow::as_select())
        .load(conn)?)
}

/// The organization's enabled endpoints that take `kind`.
pub fn subscribed(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    kind: WebhookEventType,
) -> Result<Vec<WebhookEndpointId>, DbError> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(organization))
        .filter(webhook_endpoints::enabled.eq(true))
        .filter(
            webhook_endpoints::event_types
                .like(format!("%\"{}\"%", crate::escape_like(kind.as_str())))
                .escape('\\'),
        )
        .select(webhook_endpoints::id)
        .load(conn)?)
}

pub fn insert_event(conn: &mut DbConnection, event: &EventRow, deliveries: &[DeliveryRow]) -> Result<(), DbError> {
    diesel::insert_into(webhook_events::table).values(event).execute(conn)?;
    crate::insert_all!(conn, webhook_deliveries::table, deliveries)?;
    Ok(())
}

/// A delivery with its event and endpoint.
pub fn find_delivery(
    conn: &mut DbConnection,
    id: &WebhookDeliveryId,
) -> Result<Option<(DeliveryRow, EventRow, EndpointRow)>, DbError> {
    Ok(webhook_deliveries::table
        .inner_join(webhook_events::table)
        .inner_join(webhook_endpoints::table)
        .filter(webhook_deliveries::id.eq(id))
        .select((
            DeliveryRow::as_select(),
            EventRow::as_select(),
            EndpointRow::as_select(),
        ))
        .first(conn)
        .optional()?)
}

/// The earliest pending delivery to the same endpoint about the same subject that came before
/// `delivery`: while there is one, `delivery` waits.
pub fn earlier_pending(conn: &mut DbConnection, delivery: &DeliveryRow) -> Result<Option<DeliveryRow>, DbError> {
    let Some(key) = &delivery.ordering_key else {
        return Ok(None);
    };
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(&delivery.endpoint_id))
        .filter(webhook_deliveries::ordering_key.eq(key))
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .filter(
            webhook_deliveries::created_at
                .lt(delivery.created_at)
                .or(webhook_deliveries::created_at
                    .eq(delivery.created_at)
                    .and(webhook_deliveries::id.lt(&delivery.id))),
        )
        .order((webhook_deliveries::created_at.asc(), webhook_deliveries::id.asc()))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?)
}

/// The pending deliveries to `endpoint` that are due (their jobs ended while it was off;
/// those waiting for a later retry keep theirs), oldest first.
pub fn due_for_endpoint(
    conn: &mut DbConnection,
    endpoint: &WebhookEndpointId,
    now: NaiveDateTime,
) -> Result<Vec<DeliveryRow>, DbError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(endpoint))
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .filter(
            webhook_deliveries::next_attempt_at
                .is_null()
                .or(webhook_deliveries::next_attempt_at.le(now)),
        )
        .order((webhook_deliveries::created_at.asc(), webhook_deliveries::id.asc()))
        .select(DeliveryRow::as_select())
        .load(conn)?)
}

/// Takes a due pending delivery for one attempt, until `until` (the state set after the
/// attempt ends the lease): of two jobs for the same delivery (a redelivery clicked twice, an
/// endpoint turned off and on), only one attempts it.
pub fn lease(
    conn: &mut DbConnection,
    id: &WebhookDeliveryId,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<bool, DbError> {
    let leased = diesel::update(
        webhook_deliveries::table
            .find(id)
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
            .filter(
                webhook_deliveries::next_attempt_at
                    .is_null()
                    .or(webhook_deliveries::next_attempt_at.le(now)),
            )
            .filter(
                webhook_deliveries::leased_until
                    .is_null()
                    .or(webhook_deliveries::leased_until.le(now)),
            ),
    )
    .set(webhook_deliveries::leased_until.eq(until))
    .execute(conn)?;
    Ok(leased == 1)
}

/// Makes a finished delivery pending again, due `at`; false when it is pending already.
pub fn reopen(conn: &mut DbConnection, id: &WebhookDeliveryId, at: NaiveDateTime) -> Result<bool, DbError> {
    let reopened = diesel::update(
        webhook_deliveries::table
            .find(id)
            .filter(webhook_deliveries::status.ne(DeliveryStatus::Pending.as_str())),
    )
    .set((
        webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
        webhook_deliveries::attempts.eq(0),
        webhook_deliveries::next_attempt_at.eq(at),
        webhook_deliveries::leased_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(reopened == 1)
}

/// Turns an endpoint off for `reason`, changing nothing else an admin may have changed
/// meanwhile; false when it was off already.
pub fn disable_endpoint(
    conn: &mut DbConnection,
    id: &WebhookEndpointId,
    at: NaiveDateTime,
    by: DisabledBy,
    reason: &str,
) -> Result<bool, DbError> {
    let disabled = diesel::update(
        webhook_endpoints::table
            .find(id)
            .filter(webhook_endpoints::enabled.eq(true)),
    )
    .set((
        webhook_endpoints::enabled.eq(false),
        webhook_endpoints::disabled_at.eq(at),
        webhook_endpoints::disabled_by.eq(by.as_str()),
        webhook_endpoints::disabled_reason.eq(reason),
        webhook_endpoints::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(disabled == 1)
}

pub fn record_attempt(conn: &mut DbConnection, attempt: &AttemptRow) -> Result<(), DbError> {
    diesel::insert_into(webhook_attempts::table)
        .values(attempt)
        .execute(conn)?;
    Ok(())
}

pub fn set_state(
    conn: &mut DbConnection,
    id: &WebhookDeliveryId,
    status: DeliveryStatus,
    attempts: i32,
    next_attempt_at: Option<NaiveDateTime>,
) -> Result<(), DbError> {
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::status.eq(status.as_str()),
            webhook_deliveries::attempts.eq(attempts),
            webhook_deliveries::next_attempt_at.eq(next_attempt_at),
            webhook_deliveries::leased_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether any attempt to `endpoint` succeeded at or after `since`.
pub fn succeeded_since(
    conn: &mut DbConnection,
    endpoint: &WebhookEndpointId,
    since: NaiveDateTime,
) -> Result<bool, DbError> {
    let found: Option<i32> = webhook_attempts::table
        .inner_join(webhook_deliveries::table.on(webhook_deliveries::id.eq(webhook_attempts::delivery_id)))
        .filter(webhook_deliveries::endpoint_id.eq(endpoint))
        .filter(webhook_attempts::at.ge(since))
        .filter(webhook_attempts::response_status.between(200, 299))
        .select(webhook_attempts::attempt)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// A page of the endpoint's deliveries, newest first (ids are time-ordered), after `before`.
pub fn deliveries_page(
    conn: &mut DbConnection,
    endpoint: &WebhookEndpointId,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<(DeliveryRow, String)>, DbError> {
    let mut query = webhook_deliveries::table
        .inner_join(webhook_events::table)
        .filter(webhook_deliveries::endpoint_id.eq(endpoint))
        .select((DeliveryRow::as_select(), webhook_events::event_type))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(webhook_deliveries::id.lt(before.to_owned()));
    }
    Ok(query.load(conn)?)
}

pub fn attempts_of(conn: &mut DbConnection, delivery: &WebhookDeliveryId) -> Result<Vec<AttemptRow>, DbError> {
    Ok(webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq(delivery))
        .order(webhook_attempts::attempt.asc())
        .select(AttemptRow::as_select())
        .load(conn)?)
}

/// The latest attempt of each delivery.
pub fn last_attempts(conn: &mut DbConnection, deliveries: &[WebhookDeliveryId]) -> Result<Vec<AttemptRow>, DbError> {
    let rows: Vec<AttemptRow> = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(deliveries))
        .order((webhook_attempts::delivery_id.asc(), webhook_attempts::attempt.desc()))
        .select(AttemptRow::as_select())
        .load(conn)?;
    let mut last: Vec<AttemptRow> = Vec::new();
    for row in rows {
        if last.last().is_none_or(|kept| kept.delivery_id != row.delivery_id) {
            last.push(row);
        }
    }
    Ok(last)
}

/// A delivery as the API shows it.
pub fn delivery_wire(
    row: DeliveryRow,
    event_type: &str,
    last_attempt: Option<AttemptRow>,
) -> Result<WebhookDelivery, DbError> {
    Ok(WebhookDelivery {
        status: row.status()?,
        event_type: WebhookEventType::parse(event_type)
            .ok_or_else(|| DbError::Corrupt(format!("webhook event type {event_type}")))?,
        id: row.id,
        event_id: row.event_id,
        attempts: u32::try_from(row.attempts).unwrap_or_default(),
        next_attempt_at: row.next_attempt_at.map(utc),
        created_at: utc(row.created_at),
        last_attempt: last_attempt.map(AttemptRow::into_wire),
    })
}

/// Events older than `cutoff` with their deliveries and attempts: the delivery log keeps a
/// month.
pub fn purge_older_than(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(webhook_events::table.filter(webhook_events::created_at.lt(cutoff))).execute(conn)?)
}
