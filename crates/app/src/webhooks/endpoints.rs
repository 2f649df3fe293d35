//! The organization's webhook endpoints: owners and admins (or a key with `webhooks:manage`)
//! register them with the events they take, change, turn off and on, rotate their signing
//! secrets, read their delivery logs and send a delivery again.

use chrono::Duration;
use textdesk_db::secrets::SecretBox;
use textdesk_db::webhooks::{self, DeliveryRow, EndpointRow, stored_event_types};
use textdesk_db::{DbConnection, audit, ids, now};
use textdesk_providers::outbound_webhooks::{UrlProblem, WebhookSecret, check_url};
use textdesk_types::page::PageQuery;
use textdesk_types::webhooks::{
    CreateWebhookEndpoint, DeliveryStatus, DisabledBy, UpdateWebhookEndpoint, WebhookDelivery, WebhookDeliveryDetail,
    WebhookEndpoint, WebhookEndpointWithSecret, WebhookEventType,
};
use textdesk_types::{Page, WebhookDeliveryId, WebhookEndpointId};

use crate::pagination::PageRequest;
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};
use textdesk_db::webhook_outbox as outbox;

pub const URL_MAX: usize = 2000;
pub const DESCRIPTION_MAX: usize = 200;
/// The fewest event types an endpoint takes.
pub const EVENT_TYPES_MIN: usize = 1;
/// How long a rotated-out secret still signs deliveries, so receivers can switch at leisure.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);

/// Where deliveries may go: the operator may allow private and loopback addresses (a receiver
/// on the same host or network); by default only public ones.
#[derive(Clone, Copy, Debug, Default)]
pub struct AddressPolicy {
    pub allow_private: bool,
}

pub fn list(app: &AppContext, caller: &Caller) -> AppResult<Vec<WebhookEndpoint>> {
    caller.permits(Permission::ManageWebhooks)?;
    app.db.read(|conn| {
        Ok(webhooks::list_endpoints(conn, &caller.organization_id)?
            .into_iter()
            .map(EndpointRow::into_wire)
            .collect::<Result<Vec<_>, _>>()?)
    })
}

pub fn get(app: &AppContext, caller: &Caller, id: &WebhookEndpointId) -> AppResult<WebhookEndpoint> {
    caller.permits(Permission::ManageWebhooks)?;
    app.db.read(|conn| Ok(find(conn, caller, id)?.into_wire()?))
}

pub fn create(
    app: &AppContext,
    caller: &Caller,
    request: CreateWebhookEndpoint,
    secrets: &SecretBox,
    policy: AddressPolicy,
    client_address: &str,
) -> AppResult<WebhookEndpointWithSecret> {
    caller.permits(Permission::ManageWebhooks)?;
    let url = parse_url(&request.url, policy)?;
    let description = parse_description(&request.description)?;
    let event_types = parse_event_types(request.event_types)?;
    may_read(caller, &event_types)?;
    let secret = WebhookSecret::generate();
    let at = now();
    let row = EndpointRow {
        id: ids::new_id(),
        organization_id: caller.organization_id.clone(),
        url,
        description,
        event_types: stored_event_types(&event_types),
        secret: secrets.seal(&secret.expose())?,
        previous_secret: None,
        previous_secret_expires_at: None,
        enabled: true,
        disabled_at: None,
        disabled_reason: None,
        disabled_by: None,
        created_by: caller.agent_id.clone(),
        created_at: at,
        updated_at: at,
    };
    app.db.write(|conn| {
        webhooks::insert_endpoint(conn, &row)?;
        let detail = serde_json::json!({ "url": row.url, "event_types": event_types });
        audit::append(
            conn,
            caller.audit_event(
                client_address,
                "webhook.created",
                ("webhook_endpoint", row.id.as_str()),
                detail,
            ),
        )?;
        Ok(WebhookEndpointWithSecret {
            endpoint: row.clone().into_wire()?,
            secret: secret.expose(),
        })
    })
}

pub fn update(
    app: &AppContext,
    caller: &Caller,
    id: &WebhookEndpointId,
    request: UpdateWebhookEndpoint,
    policy: AddressPolicy,
    client_address: &str,
) -> AppResult<WebhookEndpoint> {
    caller.permits(Permission::ManageWebhooks)?;
    let url = request.url.as_deref().map(|url| parse_url(url, policy)).transpose()?;
    let description = request.description.as_deref().map(parse_description).transpose()?;
    let event_types = request.event_types.map(parse_event_types).transpose()?;
    if let Some(types) = &event_types {
        may_read(caller, types)?;
    }
    app.db.write(|conn| {
        let mut row = find(conn, caller, id)?;
        let was_enabled = row.enabled;
        if let Some(url) = url {
            row.url = url;
        }
        if let Some(description) = description {
            row.description = description;
        }
        if let Some(types) = &event_types {
            row.event_types = stored_event_types(types);
        }
        let at = now();
        match request.enabled {
            Some(true) if !was_enabled => {
                row.enabled = true;
                row.disabled_at = None;
                row.disabled_reason = None;
                row.disabled_by = None;
            }
            Some(false) if was_enabled => {
                row.enabled = false;
                row.disabled_at = Some(at);
                row.disabled_reason = Some("Turned off by an admin.".to_owned());
                row.disabled_by = Some(DisabledBy::Admin.as_str().to_owned());
            }
            _ => {}
        }
        row.updated_at = at;
        webhooks::save_endpoint(conn, &row)?;
        if row.enabled && !was_enabled {
            // What waited while it was off goes now, in order.
            for delivery in webhooks::due_for_endpoint(conn, &row.id, at)? {
                outbox::enqueue(conn, &row.organization_id, &delivery, at)?;
            }
        }
        let detail = serde_json::json!({ "url": row.url, "enabled": row.enabled });
        audit::append(
            conn,
            caller.audit_event(
                client_address,
                "webhook.changed",
                ("webhook_endpoint", row.id.as_str()),
                detail,
            ),
        )?;
        Ok(row.into_wire()?)
    })
}

pub fn delete(app: &AppContext, caller: &Caller, id: &WebhookEndpointId, client_address: &str) -> AppResult<()> {
    caller.permits(Permission::ManageWebhooks)?;
    app.db.write(|conn| {
        let row = find(conn, caller, id)?;
        webhooks::delete_endpoint(conn, &caller.organization_id, id)?;
        let detail = serde_json::json!({ "url": row.url });
        audit::append(
            conn,
            caller.audit_event(
                client_address,
                "webhook.deleted",
                ("webhook_endpoint", id.as_str()),
                detail,
            ),
        )?;
        Ok(())
    })
}

/// A new signing secret; the old one also signs deliveries for [`ROTATION_OVERLAP`].
pub fn rotate_secret(
    app: &AppContext,
    caller: &Caller,
    id: &WebhookEndpointId,
    secrets: &SecretBox,
    client_address: &str,
) -> AppResult<WebhookEndpointWithSecret> {
    caller.permits(Permission::ManageWebhooks)?;
    let secret = WebhookSecret::generate();
    let sealed = secrets.seal(&secret.expose())?;
    app.db.write(|conn| {
        let mut row = find(conn, caller, id)?;
        let at = now();
        row.previous_secret = Some(std::mem::replace(&mut row.secret, sealed));
        row.previous_secret_expires_at = Some(at + ROTATION_OVERLAP);
        row.updated_at = at;
        webhooks::save_endpoint(conn, &row)?;
        audit::append(
            conn,
            caller.audit_event(
                client_address,
                "webhook.secret_rotated",
                ("webhook_endpoint", row.id.as_str()),
                serde_json::json!({}),
            ),
        )?;
        Ok(WebhookEndpointWithSecret {
            endpoint: row.into_wire()?,
            secret: secret.expose(),
        })
    })
}

/// The endpoint's deliveries, newest first.
pub fn deliveries(
    app: &AppContext,
    caller: &Caller,
    id: &WebhookEndpointId,
    query: &PageQuery,
) -> AppResult<Page<WebhookDelivery>> {
    caller.permits(Permission::ManageWebhooks)?;
    let page = PageRequest::parse(query)?;
    app.db.read(|conn| {
        let endpoint = find(conn, caller, id)?;
        let rows = webhooks::deliveries_page(conn, &endpoint.id, page.after.as_deref(), page.fetch())?;
        let ids: Vec<WebhookDeliveryId> = rows.iter().map(|(row, _)| row.id.clone()).collect();
        let mut last = webhooks::last_attempts(conn, &ids)?;
        let items = rows
            .into_iter()
            .map(|(row, event_type)| {
                let attempt = last
                    .iter()
                    .position(|attempt| attempt.delivery_id == row.id)
                    .map(|index| last.swap_remove(index));
                webhooks::delivery_wire(row, &event_type, attempt)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.page(items, |delivery| delivery.id.as_str()))
    })
}

pub fn delivery(
    app: &AppContext,
    caller: &Caller,
    endpoint: &WebhookEndpointId,
    id: &WebhookDeliveryId,
) -> AppResult<WebhookDeliveryDetail> {
    caller.permits(Permission::ManageWebhooks)?;
    app.db.read(|conn| {
        let (row, event, _) = find_delivery(conn, caller, endpoint, id)?;
        if let Some(kind) = WebhookEventType::parse(&event.event_type) {
            may_read(caller, &[kind])?;
        }
        let attempts = webhooks::attempts_of(conn, &row.id)?;
        let body = serde_json::from_str(&event.body).map_err(|e| AppError::Internal(e.into()))?;
        Ok(WebhookDeliveryDetail {
            delivery: webhooks::delivery_wire(row, &event.event_type, attempts.last().cloned())?,
            attempts: attempts.into_iter().map(webhooks::AttemptRow::into_wire).collect(),
            body,
        })
    })
}

/// Sends a delivery again (with the same `webhook-id`, so a receiver that did get it can tell).
pub fn redeliver(
    app: &AppContext,
    caller: &Caller,
    endpoint: &WebhookEndpointId,
    id: &WebhookDeliveryId,
    client_address: &str,
) -> AppResult<WebhookDelivery> {
    caller.permits(Permission::ManageWebhooks)?;
    app.db.write(|conn| {
        let (row, event, endpoint) = find_delivery(conn, caller, endpoint, id)?;
        if !endpoint.enabled {
            return Err(AppError::conflict(
                "endpoint_disabled",
                "Turn the endpoint on before sending deliveries to it again.",
            ));
        }
        let at = now();
        // One statement decides, so two clicks on "Send again" queue it once.
        if !webhooks::reopen(conn, &row.id, at)? {
            return Err(AppError::conflict(
                "delivery_pending",
                "This delivery is still being tried; it cannot be sent again until it ends.",
            ));
        }
        outbox::enqueue(conn, &caller.organization_id, &row, at)?;
        audit::append(
            conn,
            caller.audit_event(
                client_address,
                "webhook.redelivered",
                ("webhook_delivery", row.id.as_str()),
                serde_json::json!({ "endpoint_id": endpoint.id, "event_id": event.id }),
            ),
        )?;
        let pending = DeliveryRow {
            status: DeliveryStatus::Pending.as_str().to_owned(),
            attempts: 0,
            next_attempt_at: Some(at),
            ..row
        };
        let last = webhooks::attempts_of(conn, &pending.id)?.pop();
        Ok(webhooks::delivery_wire(pending, &event.event_type, last)?)
    })
}

fn find(conn: &mut DbConnection, caller: &Caller, id: &WebhookEndpointId) -> AppResult<EndpointRow> {
    webhooks::find_endpoint(conn, &caller.organization_id, id).or_missing("webhook endpoint")
}

fn find_delivery(
    conn: &mut DbConnection,
    caller: &Caller,
    endpoint: &WebhookEndpointId,
    id: &WebhookDeliveryId,
) -> AppResult<(DeliveryRow, webhooks::EventRow, EndpointRow)> {
    let found = webhooks::find_delivery(conn, id)?
        .filter(|(row, _, owner)| &row.endpoint_id == endpoint && owner.organization_id == caller.organization_id);
    found.ok_or(AppError::NotFound("webhook delivery"))
}

/// An API key may subscribe to, and read the bodies of, only the events whose data its scopes
/// let it read anyway: `webhooks:manage` is no way round `contacts:read` or
/// `conversations:read`.
fn may_read(caller: &Caller, types: &[WebhookEventType]) -> AppResult<()> {
    for kind in types {
        let needed = if kind.as_str().starts_with("contact.") {
            Permission::ReadContacts
        } else {
            Permission::ReadInbox
        };
        caller.permits(needed)?;
    }
    Ok(())
}

fn parse_url(raw: &str, policy: AddressPolicy) -> AppResult<String> {
    let url = raw.trim();
    if url.chars().count() > URL_MAX {
        return Err(AppError::field(
            "url",
            "too_long",
            format!("must be at most {URL_MAX} characters"),
        ));
    }
    check_url(url, policy.allow_private).map_err(|problem| {
        let code = match problem {
            UrlProblem::NotHttp | UrlProblem::NoHost => "invalid_url",
            UrlProblem::Unresolvable => "unresolvable_host",
            UrlProblem::Private => "private_address",
        };
        AppError::field("url", code, problem.to_string())
    })?;
    Ok(url.to_owned())
}

fn parse_description(raw: &str) -> AppResult<String> {
    let description = raw.trim();
    if description.chars().count() > DESCRIPTION_MAX {
        return Err(AppError::field(
            "description",
            "too_long",
            format!("must be at most {DESCRIPTION_MAX} characters"),
        ));
    }
    Ok(description.to_owned())
}

fn parse_event_types(mut types: Vec<WebhookEventType>) -> AppResult<Vec<WebhookEventType>> {
    types.sort_unstable();
    types.dedup();
    if types.len() < EVENT_TYPES_MIN {
        return Err(AppError::field(
            "event_types",
            "required",
            "choose at least one event type",
        ));
    }
    Ok(types)
}
