//! Contacts: the organization's customers, one per phone number. Listing and searching them,
//! adding and editing them, and a contact's whole thread.

use std::collections::BTreeMap;

use textdesk_db::contacts::{self, ContactChanges, ContactRow, ContactSearch, NewContact, to_json_text};
use textdesk_db::conversations::{self, ConversationFilter};
use textdesk_db::{DbConnection, DbError, events};
use textdesk_domain::Invalid;
use textdesk_domain::contact_fields::{self, optional_email, optional_text};
use textdesk_domain::phone::PhoneNumber;
use textdesk_domain::quiet_hours::parse_time_zone;
use textdesk_domain::search::{QUERY_MAX_CHARS, SearchText};
use textdesk_domain::text::{Label, NAME_MAX, TITLE_MAX};
use textdesk_types::contacts::{Contact, CreateContact, UpdateContact};
use textdesk_types::conversations::Conversation;
use textdesk_types::page::PageQuery;
use textdesk_types::{ContactId, Page};

use crate::custom_fields;
use crate::pagination::PageRequest;
use crate::validation::{Validator, checked};
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

pub use textdesk_domain::contact_fields::{
    CUSTOM_FIELD_NAME_MAX, CUSTOM_FIELD_VALUE_MAX, CUSTOM_FIELDS_MAX, LABEL_MAX, LABELS_MAX,
};

/// The organization's contacts in creation order. `search` matches part of a name (first,
/// last or both), company, email or number, a number typed in any common format included;
/// `label` keeps the contacts carrying that label.
pub fn list(
    app: &AppContext,
    caller: &Caller,
    search: Option<String>,
    label: Option<String>,
    query: PageQuery,
) -> AppResult<Page<Contact>> {
    caller.permits(Permission::ReadContacts)?;
    let page = PageRequest::parse(&query)?;
    let mut v = Validator::new();
    let text = v.check_optional("q", search, |raw| bounded_query(&raw));
    let label = v.check_optional("label", label, |raw| {
        Label::parse(&raw, LABEL_MAX).map(Label::into_inner)
    });
    v.finish()?;
    let text = text.flatten();
    let search = ContactSearch {
        digits: text
            .as_deref()
            .and_then(|text| SearchText::parse(text).ok())
            .map(|parsed| parsed.phone_digits().to_vec())
            .unwrap_or_default(),
        text,
        label,
    };
    app.db.read(move |conn| {
        let rows = contacts::list(
            conn,
            &caller.organization_id,
            &search,
            page.after.as_deref(),
            page.fetch(),
        )?;
        let contacts = rows
            .into_iter()
            .map(ContactRow::into_wire)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.page(contacts, |contact| contact.id.as_str()))
    })
}

/// The search text trimmed (none when blank), at most as long as the search box takes.
fn bounded_query(raw: &str) -> Result<Option<String>, Invalid> {
    let trimmed = raw.trim();
    if trimmed.chars().count() > QUERY_MAX_CHARS {
        return Err(Invalid::new(
            "too_long",
            format!("must be at most {QUERY_MAX_CHARS} characters long"),
        ));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

/// Adds a contact; the number is checked and stored in E.164 form, once per organization.
pub fn create(app: &AppContext, caller: &Caller, request: CreateContact) -> AppResult<Contact> {
    caller.permits(Permission::WriteContacts)?;
    let mut new = validate_new(request)?;
    app.db.write(move |conn| {
        custom_fields::check_values(conn, &caller.organization_id, &mut new.custom_fields)?;
        custom_fields::remember_labels(conn, &caller.organization_id, &new.labels)?;
        let row = contacts::insert(conn, &caller.organization_id, new).map_err(number_taken)?;
        events::contact_changed(conn, &caller.organization_id, &row.id)?;
        Ok(row.into_wire()?)
    })
}

/// One contact.
pub fn get(app: &AppContext, caller: &Caller, id: ContactId) -> AppResult<Contact> {
    caller.permits(Permission::ReadContacts)?;
    app.db.read(move |conn| Ok(find(conn, caller, &id)?.into_wire()?))
}

/// Edits a contact's name, company, email, custom fields, labels or time zone.
pub fn update(app: &AppContext, caller: &Caller, id: ContactId, request: UpdateContact) -> AppResult<Contact> {
    caller.permits(Permission::WriteContacts)?;
    let CheckedChanges {
        mut changes,
        custom_fields: fields,
        labels,
    } = validate_changes(request)?;
    app.db.write(move |conn| {
        changes = with_checked_lists(conn, caller, changes, fields, labels)?;
        let row = contacts::update(conn, &caller.organization_id, &id, &changes).or_missing("contact")?;
        events::contact_changed(conn, &caller.organization_id, &row.id)?;
        Ok(row.into_wire()?)
    })
}

/// Creates or updates the contact with this number, in any common format (an integration's
/// upsert): the fields given are set, the others kept. `true` when the contact was created.
pub fn upsert_by_phone(
    app: &AppContext,
    caller: &Caller,
    phone_number: &str,
    request: UpdateContact,
) -> AppResult<(Contact, bool)> {
    caller.permits(Permission::WriteContacts)?;
    let phone = PhoneNumber::parse(phone_number).map_err(|invalid| AppError::invalid("phone_number", invalid))?;
    let CheckedChanges {
        mut changes,
        custom_fields: fields,
        labels,
    } = validate_changes(request)?;
    app.db.write(move |conn| {
        changes = with_checked_lists(conn, caller, changes, fields, labels)?;
        // Found or created in one step, so two integrations upserting a new number at once
        // make one contact.
        let (contact, created) = contacts::find_or_create(conn, &caller.organization_id, phone.as_str())?;
        let row = contacts::update(conn, &caller.organization_id, &contact.id, &changes)?;
        if !created {
            events::contact_changed(conn, &caller.organization_id, &row.id)?;
        }
        Ok((row.into_wire()?, created))
    })
}

/// The changes with the custom fields checked against the organization's definitions and the
/// labels kept as its labels.
fn with_checked_lists(
    conn: &mut DbConnection,
    caller: &Caller,
    mut changes: ContactChanges,
    fields: Option<BTreeMap<String, String>>,
    labels: Option<Vec<String>>,
) -> AppResult<ContactChanges> {
    if let Some(mut fields) = fields {
        custom_fields::check_values(conn, &caller.organization_id, &mut fields)?;
        changes.custom_fields = Some(to_json_text(&fields));
    }
    if let Some(labels) = labels {
        custom_fields::remember_labels(conn, &caller.organization_id, &labels)?;
        changes.labels = Some(to_json_text(&labels));
    }
    Ok(changes)
}

/// A contact's whole thread: every conversation with them, oldest first, whichever number was
/// used, each with the caller's unread state.
pub fn thread(app: &AppContext, caller: &Caller, id: ContactId) -> AppResult<Vec<Conversation>> {
    caller.permits(Permission::ReadInbox)?;
    app.db.read(move |conn| {
        find(conn, caller, &id)?;
        let filter = ConversationFilter {
            contact: Some(id.clone()),
            ..ConversationFilter::new(caller.organization_id.clone(), caller.agent_id.clone())
        };
        let cutoff = crate::views::waiting_cutoff(app, conn, &caller.organization_id)?;
        let mut rows = conversations::list(conn, &filter, None, i64::MAX)?;
        rows.sort_by(|a, b| {
            (a.conversation.opened_at, &a.conversation.id).cmp(&(b.conversation.opened_at, &b.conversation.id))
        });
        rows.into_iter()
            .map(|listed| Ok(listed.conversation.into_wire(&listed.contact, listed.unread, cutoff)))
            .collect()
    })
}

/// The caller's organization's contact, or 404.
pub(crate) fn find(conn: &mut DbConnection, caller: &Caller, id: &ContactId) -> AppResult<ContactRow> {
    contacts::find(conn, &caller.organization_id, id).or_missing("contact")
}

/// A number that already has a contact is the client's mistake about that field, not a
/// conflict with the server's state.
fn number_taken(error: DbError) -> AppError {
    if error.is_conflict_on("phone_number") {
        AppError::field(
            "phone_number",
            "contact_exists",
            "a contact with this number already exists",
        )
    } else {
        error.into()
    }
}

fn validate_new(request: CreateContact) -> AppResult<NewContact> {
    let mut v = Validator::new();
    let phone = v.check("phone_number", PhoneNumber::parse(&request.phone_number));
    let first = v.check_optional("first_name", request.first_name, |raw| optional_text(&raw, NAME_MAX));
    let last = v.check_optional("last_name", request.last_name, |raw| optional_text(&raw, NAME_MAX));
    let company = v.check_optional("company", request.company, |raw| optional_text(&raw, TITLE_MAX));
    let email = v.check_optional("email", request.email, |raw| optional_email(&raw));
    let custom_fields = v.check_optional(
        "custom_fields",
        request.custom_fields,
        contact_fields::custom_field_values,
    );
    let labels = v.check_optional("labels", request.labels, contact_fields::labels);
    v.finish()?;
    Ok(NewContact {
        phone_number: checked(phone)?.into_inner(),
        first_name: first.unwrap_or_default(),
        last_name: last.unwrap_or_default(),
        company: company.unwrap_or_default(),
        email: email.flatten(),
        custom_fields: custom_fields.unwrap_or_default(),
        labels: labels.unwrap_or_default(),
    })
}

/// A contact's changes checked field by field; the custom fields and labels apart, as they are
/// checked against the organization's definitions (and kept as its labels) when written.
struct CheckedChanges {
    changes: ContactChanges,
    custom_fields: Option<BTreeMap<String, String>>,
    labels: Option<Vec<String>>,
}

fn validate_changes(request: UpdateContact) -> AppResult<CheckedChanges> {
    let mut v = Validator::new();
    let first = v.check_optional("first_name", request.first_name, |raw| optional_text(&raw, NAME_MAX));
    let last = v.check_optional("last_name", request.last_name, |raw| optional_text(&raw, NAME_MAX));
    let company = v.check_optional("company", request.company, |raw| optional_text(&raw, TITLE_MAX));
    let email = v.check_optional("email", request.email, |raw| optional_email(&raw));
    let custom_fields = v.check_optional(
        "custom_fields",
        request.custom_fields,
        contact_fields::custom_field_values,
    );
    let labels = v.check_optional("labels", request.labels, contact_fields::labels);
    let time_zone = v.check_optional("time_zone", request.time_zone, |raw| parse_time_zone(&raw));
    v.finish()?;
    let changes = ContactChanges {
        first_name: first,
        last_name: last,
        company,
        email,
        custom_fields: None,
        labels: None,
        last_number_id: None,
        time_zone,
    };
    Ok(CheckedChanges {
        changes,
        custom_fields,
        labels,
    })
}
