//! A contact's opt-out state and consent, and the history of every change to them: who (the
//! contact by keyword, an agent, an API client, the provider), when and why.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::webhooks::WebhookEventType;

use crate::webhook_outbox;
use textdesk_types::contacts::{Consent, ConsentChange, ConsentSource};
use textdesk_types::{AgentId, ContactId, OrganizationId};

use crate::contacts::ContactRow;
use crate::schema::{consent_changes, contacts};
use crate::{DbConnection, DbError, events, ids, utc};

/// The history's `field` for the opt-out state.
pub const FIELD_OPTED_OUT: &str = "opted_out";
/// The history's `field` for consent.
pub const FIELD_CONSENT: &str = "consent";
/// The history's `field` for an opt-in keyword waiting for an agent.
pub const FIELD_OPT_IN_REQUEST: &str = "opt_in_request";

/// Who or what changed a contact's state, for the history.
#[derive(Clone, Copy, Debug)]
pub struct ChangedBy<'a> {
    pub source: ConsentSource,
    pub keyword: Option<&'a str>,
    pub agent_id: Option<&'a AgentId>,
    pub reason: Option<&'a str>,
}

impl<'a> ChangedBy<'a> {
    pub fn keyword(keyword: &'a str) -> Self {
        ChangedBy {
            source: ConsentSource::Keyword,
            keyword: Some(keyword),
            agent_id: None,
            reason: None,
        }
    }

    pub fn provider(reason: &'a str) -> Self {
        ChangedBy {
            source: ConsentSource::Provider,
            keyword: None,
            agent_id: None,
            reason: Some(reason),
        }
    }

    /// An agent in the app (`Agent`) or a client of the API recording consent collected
    /// elsewhere (`Api`), acting as `agent_id`.
    pub fn agent(source: ConsentSource, agent_id: &'a AgentId, reason: Option<&'a str>) -> Self {
        ChangedBy {
            source,
            keyword: None,
            agent_id: Some(agent_id),
            reason,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consent_changes)]
pub struct ConsentChangeRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub contact_id: ContactId,
    pub field: String,
    pub old_value: String,
    pub new_value: String,
    pub source: ConsentSource,
    pub keyword: Option<String>,
    pub agent_id: Option<AgentId>,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
}

impl ConsentChangeRow {
    pub fn into_wire(self) -> ConsentChange {
        ConsentChange {
            id: self.id,
            contact_id: self.contact_id,
            field: self.field,
            old_value: self.old_value,
            new_value: self.new_value,
            source: self.source,
            keyword: self.keyword,
            agent_id: self.agent_id.map(AgentId::into_inner),
            reason: self.reason,
            created_at: utc(self.created_at),
        }
    }
}

fn record(
    conn: &mut DbConnection,
    contact: &ContactRow,
    (field, old_value, new_value): (&str, &str, &str),
    by: &ChangedBy<'_>,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let row = ConsentChangeRow {
        id: ids::new_id(),
        organization_id: contact.organization_id.clone(),
        contact_id: contact.id.clone(),
        field: field.to_owned(),
        old_value: old_value.to_owned(),
        new_value: new_value.to_owned(),
        source: by.source,
        keyword: by.keyword.map(str::to_owned),
        agent_id: by.agent_id.cloned(),
        reason: by.reason.map(str::to_owned),
        created_at: at,
    };
    diesel::insert_into(consent_changes::table).values(&row).execute(conn)?;
    Ok(())
}

fn announce(conn: &mut DbConnection, contact: &ContactRow) -> Result<(), DbError> {
    events::contact_changed(conn, &contact.organization_id, &contact.id)
}

/// Opts the contact out on every number of the organization; consent that was pending or
/// given becomes `no`. Returns false, changing nothing, when the contact was already out.
pub fn opt_out(
    conn: &mut DbConnection,
    contact: &ContactRow,
    by: &ChangedBy<'_>,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    // The guard on `opted_out` makes concurrent opt-outs record (and confirm) once.
    let changed = diesel::update(contacts::table.find(&contact.id).filter(contacts::opted_out.eq(false)))
        .set((
            contacts::opted_out.eq(true),
            contacts::opted_out_at.eq(at),
            contacts::opt_in_requested_at.eq(None::<NaiveDateTime>),
            contacts::updated_at.eq(at),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    record(conn, contact, (FIELD_OPTED_OUT, "false", "true"), by, at)?;
    if matches!(contact.consent, Consent::Pending | Consent::Yes) {
        set_consent(conn, contact, Consent::No, by, at)?;
    }
    announce(conn, contact)?;
    webhook_outbox::contact(
        conn,
        &contact.organization_id,
        WebhookEventType::ContactOptedOut,
        &contact.id,
    )?;
    Ok(true)
}

/// Opts the contact back in. Returns false when the contact was not opted out.
pub fn opt_in(
    conn: &mut DbConnection,
    contact: &ContactRow,
    by: &ChangedBy<'_>,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(contacts::table.find(&contact.id).filter(contacts::opted_out.eq(true)))
        .set((
            contacts::opted_out.eq(false),
            contacts::opted_out_at.eq(None::<NaiveDateTime>),
            contacts::opt_in_requested_at.eq(None::<NaiveDateTime>),
            contacts::updated_at.eq(at),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    record(conn, contact, (FIELD_OPTED_OUT, "true", "false"), by, at)?;
    // Opting back in is consent again; the opt-out had turned it to `no`.
    if contact.consent == Consent::No {
        set_consent(conn, contact, Consent::Yes, by, at)?;
    }
    announce(conn, contact)?;
    webhook_outbox::contact(
        conn,
        &contact.organization_id,
        WebhookEventType::ContactOptedIn,
        &contact.id,
    )?;
    Ok(true)
}

/// Notes that an opted-out contact texted an opt-in keyword, for an agent to confirm. Once:
/// a request already waiting (or a contact no longer out) changes nothing, so repeated STARTs
/// record one history entry.
pub fn request_opt_in(
    conn: &mut DbConnection,
    contact: &ContactRow,
    by: &ChangedBy<'_>,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let waiting = contacts::table
        .find(&contact.id)
        .filter(contacts::opted_out.eq(true))
        .filter(contacts::opt_in_requested_at.is_null());
    let changed = diesel::update(waiting)
        .set((contacts::opt_in_requested_at.eq(at), contacts::updated_at.eq(at)))
        .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    record(conn, contact, (FIELD_OPT_IN_REQUEST, "false", "true"), by, at)?;
    announce(conn, contact)?;
    webhook_outbox::contact(
        conn,
        &contact.organization_id,
        WebhookEventType::ContactChanged,
        &contact.id,
    )?;
    Ok(true)
}

/// Sets the contact's consent; no history entry when it does not change. The update is
/// guarded by the consent read, so of two concurrent changes (two YES texts) one records.
pub fn set_consent(
    conn: &mut DbConnection,
    contact: &ContactRow,
    consent: Consent,
    by: &ChangedBy<'_>,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    if contact.consent == consent {
        return Ok(false);
    }
    let unchanged = contacts::table
        .find(&contact.id)
        .filter(contacts::consent.eq(&contact.consent));
    let changed = diesel::update(unchanged)
        .set((contacts::consent.eq(consent), contacts::updated_at.eq(at)))
        .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    record(
        conn,
        contact,
        (FIELD_CONSENT, contact.consent.as_str(), consent.as_str()),
        by,
        at,
    )?;
    announce(conn, contact)?;
    webhook_outbox::contact(
        conn,
        &contact.organization_id,
        WebhookEventType::ContactChanged,
        &contact.id,
    )?;
    Ok(true)
}

/// Who opted the contact out last (the contact by keyword, the carrier, an agent…); none when
/// nobody ever did.
pub fn last_opt_out_source(conn: &mut DbConnection, contact: &ContactId) -> Result<Option<ConsentSource>, DbError> {
    Ok(consent_changes::table
        .filter(consent_changes::contact_id.eq(contact))
        .filter(consent_changes::field.eq(FIELD_OPTED_OUT))
        .filter(consent_changes::new_value.eq("true"))
        .order((consent_changes::created_at.desc(), consent_changes::id.desc()))
        .select(consent_changes::source)
        .first(conn)
        .optional()?)
}

/// Marks the organization's consent message as sent to the contact. Returns true for the one
/// caller that marked it: concurrent sends to a new contact queue the consent message once.
pub fn claim_consent_message(conn: &mut DbConnection, contact: &ContactId, at: NaiveDateTime) -> Result<bool, DbError> {
    let claimed = diesel::update(
        contacts::table
            .find(contact)
            .filter(contacts::consent_message_sent_at.is_null()),
    )
    .set(contacts::consent_message_sent_at.eq(at))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Forgets that the consent message went to the contact, after it failed for good, so the
/// next send queues it again.
pub fn release_consent_message(conn: &mut DbConnection, contact: &ContactId) -> Result<(), DbError> {
    diesel::update(contacts::table.find(contact))
        .set(contacts::consent_message_sent_at.eq(None::<NaiveDateTime>))
        .execute(conn)?;
    Ok(())
}

/// The contact's changes, oldest first.
pub fn history(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    contact: &ContactId,
) -> Result<Vec<ConsentChangeRow>, DbError> {
    Ok(consent_changes::table
        .filter(consent_changes::organization_id.eq(organization))
        .filter(consent_changes::contact_id.eq(contact))
        .order((consent_changes::created_at.asc(), consent_changes::id.asc()))
        .select(ConsentChangeRow::as_select())
        .load(conn)?)
}
