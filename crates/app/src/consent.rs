//! A contact's opt-out state and consent, changed by hand or recorded from elsewhere, and the
//! history of every change (seeds 000, 002, 003).

use textdesk_db::clock::Clock;
use textdesk_db::consent::{self, ChangedBy};
use textdesk_db::contacts::ContactRow;
use textdesk_db::organizations::{self, OrganizationRow};
use textdesk_db::{DbConnection, audit, now};
use textdesk_domain::text::check_multiline;
use textdesk_types::ContactId;
use textdesk_types::contacts::{Consent, ConsentAction, ConsentChange, ConsentSource, Contact, RecordConsent};
use textdesk_types::messages::{MessagePurpose, SendLane};

use crate::compliance::{self, SystemText};
use crate::contacts::find;
use crate::conversations::choose_number;
use crate::{AppContext, AppError, AppResult, Caller, Permission};

pub const REASON_MAX_CHARS: usize = 500;

/// Which way an agent changes a contact's opt-out state by hand.
#[derive(Clone, Copy)]
enum OptChange {
    Out,
    In,
}

/// Opts a contact out by hand, on every number of the organization (for a request by phone or
/// in person). Nothing can be sent to them until they opt back in.
pub fn opt_out(
    app: &AppContext,
    caller: &Caller,
    id: ContactId,
    action: ConsentAction,
    client_address: String,
) -> AppResult<Contact> {
    change_opt_out(app, caller, id, action, client_address, OptChange::Out)
}

/// Opts a contact back in by hand, such as after they asked by text when keywords do not opt
/// in by themselves.
pub fn opt_in(
    app: &AppContext,
    caller: &Caller,
    id: ContactId,
    action: ConsentAction,
    client_address: String,
) -> AppResult<Contact> {
    change_opt_out(app, caller, id, action, client_address, OptChange::In)
}

fn change_opt_out(
    app: &AppContext,
    caller: &Caller,
    id: ContactId,
    action: ConsentAction,
    client_address: String,
    change: OptChange,
) -> AppResult<Contact> {
    caller.permits(Permission::WriteContacts)?;
    let reason = parse_note("reason", action.reason.as_deref())?;
    app.db.write(move |conn| {
        let contact = find(conn, caller, &id)?;
        let by = ChangedBy::agent(ConsentSource::Agent, &caller.agent_id, reason.as_deref());
        let (changed, audit_action) = match change {
            OptChange::Out => (consent::opt_out(conn, &contact, &by, now())?, "contact.opted_out"),
            OptChange::In => (consent::opt_in(conn, &contact, &by, now())?, "contact.opted_in"),
        };
        // Repeating a request changes nothing and adds no entry.
        if changed {
            let event = caller.audit_event(
                &client_address,
                audit_action,
                ("contact", contact.id.as_str()),
                serde_json::json!({ "reason": reason }),
            );
            audit::append(conn, event)?;
        }
        Ok(find(conn, caller, &id)?.into_wire()?)
    })
}

/// Records consent collected elsewhere. In double opt-in mode, `pending` sends the
/// organization's confirmation request, and nothing else can be sent until the contact
/// replies YES.
pub fn record(app: &AppContext, caller: &Caller, id: ContactId, request: RecordConsent) -> AppResult<Contact> {
    caller.permits(Permission::WriteContacts)?;
    let RecordConsent { consent: given, source } = request;
    if given == Consent::None {
        return Err(AppError::field(
            "consent",
            "invalid_consent",
            "must be yes, pending or no",
        ));
    }
    let source = parse_note("source", Some(&source))?
        .ok_or_else(|| AppError::field("source", "required", "say where the consent was collected"))?;
    app.db.write(move |conn| {
        let contact = find(conn, caller, &id)?;
        let by = ChangedBy::agent(ConsentSource::Api, &caller.agent_id, Some(&source));
        let changed = consent::set_consent(conn, &contact, given, &by, now())?;
        let organization = organizations::find(conn, &caller.organization_id)?;
        if changed && given == Consent::Pending && organization.settings.double_opt_in && !contact.opted_out {
            request_confirmation(conn, &app.clock, caller, &organization, &contact)?;
        }
        Ok(find(conn, caller, &id)?.into_wire()?)
    })
}

/// Every change of the contact's opt-out state and consent, oldest first: who (the contact by
/// keyword, an agent, an API client, the provider), when and why.
pub fn history(app: &AppContext, caller: &Caller, id: ContactId) -> AppResult<Vec<ConsentChange>> {
    caller.permits(Permission::ReadContacts)?;
    app.db.read(move |conn| {
        find(conn, caller, &id)?;
        Ok(consent::history(conn, &caller.organization_id, &id)?
            .into_iter()
            .map(|row| row.into_wire())
            .collect())
    })
}

/// Sends the double opt-in request through the number last used with the contact; it is an
/// automated text, so it waits for quiet hours to end.
fn request_confirmation(
    conn: &mut DbConnection,
    clock: &Clock,
    caller: &Caller,
    organization: &OrganizationRow,
    contact: &ContactRow,
) -> AppResult<()> {
    let number = choose_number(conn, caller, None, contact)?;
    let number_id = number.id.clone();
    let held = compliance::hold_until(
        clock,
        organization,
        (contact, &number.phone_number),
        SendLane::Automated,
    )?;
    compliance::queue_system_text(
        conn,
        SystemText {
            organization: &caller.organization_id,
            contact,
            number: (&number_id, &number.phone_number),
            body: &organization.settings.double_opt_in_text,
            purpose: MessagePurpose::DoubleOptInRequest,
            lane: SendLane::Automated,
            scheduled_at: held,
        },
    )?;
    Ok(())
}

/// A reason or source as given: trimmed, empty means none.
fn parse_note(field: &str, raw: Option<&str>) -> AppResult<Option<String>> {
    let text = raw.map(str::trim).filter(|text| !text.is_empty());
    if let Some(text) = text {
        check_multiline(text).map_err(|invalid| AppError::invalid(field, invalid))?;
    }
    match text {
        Some(text) if text.chars().count() > REASON_MAX_CHARS => Err(AppError::field(
            field,
            "too_long",
            format!("must be at most {REASON_MAX_CHARS} characters long"),
        )),
        other => Ok(other.map(str::to_owned)),
    }
}
