//! Contacts, one per phone number per organization.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::contacts::{Consent, Contact};
use textdesk_types::events::{Change, ContactChange};
use textdesk_types::sending::Recipient;
use textdesk_types::webhooks::WebhookEventType;
use textdesk_types::{ContactId, NumberId, OrganizationId};

use crate::schema::contacts;
use crate::webhook_outbox;
use crate::{DbConnection, DbError, ids, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = contacts)]
pub struct ContactRow {
    pub id: ContactId,
    pub organization_id: OrganizationId,
    pub phone_number: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub email: Option<String>,
    pub custom_fields: String,
    pub labels: String,
    pub opted_out: bool,
    pub opted_out_at: Option<NaiveDateTime>,
    pub consent: Consent,
    pub last_number_id: Option<NumberId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub time_zone: Option<String>,
    pub consent_message_sent_at: Option<NaiveDateTime>,
    pub opt_in_requested_at: Option<NaiveDateTime>,
}

impl ContactRow {
    /// The state the sending rule reads.
    pub fn recipient(&self) -> Recipient {
        Recipient {
            opted_out: self.opted_out,
            opted_out_at: self.opted_out_at.map(utc),
            consent: self.consent,
        }
    }

    pub fn display_name(&self) -> String {
        let name = format!("{} {}", self.first_name, self.last_name).trim().to_owned();
        if name.is_empty() {
            self.phone_number.clone()
        } else {
            name
        }
    }

    pub fn into_wire(self) -> Result<Contact, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("contact {}: {what}", self.id));
        let custom_fields: BTreeMap<String, String> =
            serde_json::from_str(&self.custom_fields).map_err(|_| corrupt("custom fields"))?;
        let labels: Vec<String> = serde_json::from_str(&self.labels).map_err(|_| corrupt("labels"))?;
        Ok(Contact {
            id: self.id,
            phone_number: self.phone_number,
            first_name: self.first_name,
            last_name: self.last_name,
            company: self.company,
            email: self.email,
            custom_fields,
            labels,
            opted_out: self.opted_out,
            opted_out_at: self.opted_out_at.map(utc),
            consent: self.consent,
            time_zone: self.time_zone,
            consent_message_sent_at: self.consent_message_sent_at.map(utc),
            opt_in_requested_at: self.opt_in_requested_at.map(utc),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// A new contact's validated values.
#[derive(Default)]
pub struct NewContact {
    pub phone_number: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub email: Option<String>,
    pub custom_fields: BTreeMap<String, String>,
    pub labels: Vec<String>,
}

pub fn to_json_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// Fails with a conflict on `phone_number` when the organization has a contact with it.
pub fn insert(conn: &mut DbConnection, organization: &OrganizationId, new: NewContact) -> Result<ContactRow, DbError> {
    let row = new_row(organization, new, now());
    diesel::insert_into(contacts::table).values(&row).execute(conn)?;
    webhook_outbox::contact(conn, organization, WebhookEventType::ContactCreated, &row.id)?;
    Ok(row)
}

fn new_row(organization: &OrganizationId, new: NewContact, now: NaiveDateTime) -> ContactRow {
    ContactRow {
        id: ids::new_id(),
        organization_id: organization.clone(),
        custom_fields: to_json_text(&new.custom_fields),
        labels: to_json_text(&new.labels),
        phone_number: new.phone_number,
        first_name: new.first_name,
        last_name: new.last_name,
        company: new.company,
        email: new.email,
        opted_out: false,
        opted_out_at: None,
        consent: Consent::None,
        last_number_id: None,
        created_at: now,
        updated_at: now,
        time_zone: None,
        consent_message_sent_at: None,
        opt_in_requested_at: None,
    }
}

pub fn find(conn: &mut DbConnection, organization: &OrganizationId, id: &ContactId) -> Result<ContactRow, DbError> {
    Ok(contacts::table
        .filter(contacts::organization_id.eq(organization))
        .find(id)
        .select(ContactRow::as_select())
        .first(conn)?)
}

pub fn find_by_phone(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    phone_number: &str,
) -> Result<Option<ContactRow>, DbError> {
    Ok(contacts::table
        .filter(contacts::organization_id.eq(organization))
        .filter(contacts::phone_number.eq(phone_number))
        .select(ContactRow::as_select())
        .first(conn)
        .optional()?)
}

/// The organization's contacts with these numbers.
pub fn find_by_phones(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    phone_numbers: &[&str],
) -> Result<Vec<ContactRow>, DbError> {
    Ok(contacts::table
        .filter(contacts::organization_id.eq(organization))
        .filter(contacts::phone_number.eq_any(phone_numbers))
        .select(ContactRow::as_select())
        .load(conn)?)
}

/// Adds contacts with one statement, announcing none (the caller announces them as a batch);
/// returns those added. A number another transaction stored meanwhile is left out.
pub fn insert_many(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    new: Vec<NewContact>,
) -> Result<Vec<ContactRow>, DbError> {
    let now = now();
    let mut rows: Vec<ContactRow> = new.into_iter().map(|new| new_row(organization, new, now)).collect();
    rows.sort_unstable_by(|a, b| a.phone_number.cmp(&b.phone_number));
    if !rows.is_empty() && insert_new(conn, &rows)? < rows.len() {
        let phones: Vec<&str> = rows.iter().map(|row| row.phone_number.as_str()).collect();
        let stored: Vec<ContactId> = find_by_phones(conn, organization, &phones)?
            .into_iter()
            .map(|row| row.id)
            .collect();
        rows.retain(|row| stored.contains(&row.id));
    }
    webhook_outbox::contacts_created(conn, organization, rows.iter().map(|row| &row.id))?;
    Ok(rows)
}

/// The contact with this number, created (with no name, announced on the change feed) if the
/// organization has none; `true` when created.
pub fn find_or_create(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    phone_number: &str,
) -> Result<(ContactRow, bool), DbError> {
    find_or_create_all(conn, organization, &[phone_number])?
        .pop()
        .ok_or(DbError::NotFound)
}

/// [`find_or_create`] for many numbers with one read and at most one insert: one contact per
/// distinct number, in the order the numbers first appear.
pub fn find_or_create_all(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    phone_numbers: &[&str],
) -> Result<Vec<(ContactRow, bool)>, DbError> {
    let mut wanted: Vec<&str> = Vec::with_capacity(phone_numbers.len());
    for phone in phone_numbers {
        if !wanted.contains(phone) {
            wanted.push(phone);
        }
    }
    let mut existing: BTreeMap<String, ContactRow> = contacts::table
        .filter(contacts::organization_id.eq(organization))
        .filter(contacts::phone_number.eq_any(&wanted))
        .select(ContactRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| (row.phone_number.clone(), row))
        .collect();
    let now = now();
    let mut created: Vec<ContactRow> = wanted
        .iter()
        .filter(|phone| !existing.contains_key(**phone))
        .map(|phone| {
            let new = NewContact {
                phone_number: (*phone).to_owned(),
                ..NewContact::default()
            };
            new_row(organization, new, now)
        })
        .collect();
    if !created.is_empty() {
        // In number order, so concurrent batches wait on each other's new numbers in one order
        // instead of deadlocking.
        created.sort_unstable_by(|a, b| a.phone_number.cmp(&b.phone_number));
        let inserted = insert_new(conn, &created)?;
        if inserted < created.len() {
            // Another transaction created some of these numbers meanwhile: theirs are the
            // contacts, found rather than created.
            let phones: Vec<&str> = created.iter().map(|row| row.phone_number.as_str()).collect();
            let stored: Vec<ContactRow> = contacts::table
                .filter(contacts::organization_id.eq(organization))
                .filter(contacts::phone_number.eq_any(&phones))
                .select(ContactRow::as_select())
                .load(conn)?;
            let ours: Vec<ContactId> = created.iter().map(|row| row.id.clone()).collect();
            created.clear();
            for row in stored {
                if ours.contains(&row.id) {
                    created.push(row);
                } else {
                    existing.insert(row.phone_number.clone(), row);
                }
            }
        }
    }
    if !created.is_empty() {
        let changes: Vec<Change> = created
            .iter()
            .map(|row| {
                Change::ContactChanged(ContactChange {
                    contact_id: row.id.clone(),
                })
            })
            .collect();
        crate::events::append_all(conn, organization, &changes)?;
        webhook_outbox::contacts_created(conn, organization, created.iter().map(|row| &row.id))?;
    }
    let mut created: BTreeMap<String, ContactRow> =
        created.into_iter().map(|row| (row.phone_number.clone(), row)).collect();
    wanted
        .iter()
        .map(|phone| match (existing.remove(*phone), created.remove(*phone)) {
            (Some(row), _) => Ok((row, false)),
            (None, Some(row)) => Ok((row, true)),
            (None, None) => Err(DbError::NotFound),
        })
        .collect()
}

/// Inserts new contacts, skipping numbers another transaction stored first; returns how many
/// were inserted. SQLite's writers take turns for the whole transaction (see `Database::write`),
/// so only PostgreSQL can meet a number stored meanwhile.
fn insert_new(conn: &mut DbConnection, rows: &[ContactRow]) -> Result<usize, DbError> {
    Ok(match conn {
        DbConnection::Postgresql(pg) => diesel::insert_into(contacts::table)
            .values(rows)
            .on_conflict((contacts::organization_id, contacts::phone_number))
            .do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_into(contacts::table).values(rows).execute(sqlite)?,
    })
}

/// A condition on a contact, built up from the parts of a search.
type MatchingContact =
    Box<dyn BoxableExpression<contacts::table, crate::connection::MultiBackend, SqlType = diesel::sql_types::Bool>>;

/// What the contacts page searches for; every part given must match.
#[derive(Clone, Debug, Default)]
pub struct ContactSearch {
    /// Part of the name (first, last, or both as "first last"), company, email or number,
    /// in any case.
    pub text: Option<String>,
    /// Digits a phone number was typed with (several spellings of one number): the contact's
    /// number holds one of them.
    pub digits: Vec<String>,
    /// A label the contact carries, exactly.
    pub label: Option<String>,
}

/// A page of the organization's contacts in the order they were added, searched.
pub fn list(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    search: &ContactSearch,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ContactRow>, DbError> {
    let mut query = contacts::table
        .filter(contacts::organization_id.eq(organization))
        .select(ContactRow::as_select())
        .order(contacts::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(contacts::id.gt(after.to_owned()));
    }
    if let Some(text) = search.text.as_deref().filter(|text| !text.is_empty()) {
        // Case-insensitive on both backends, and `%`, `_` and `\` match themselves.
        let pattern = format!("%{}%", crate::escape_like(&text.to_lowercase()));
        let full_name = lower(contacts::first_name.concat(" ").concat(contacts::last_name));
        let mut matching: MatchingContact = Box::new(
            full_name
                .like(pattern.clone())
                .escape('\\')
                .or(lower(contacts::company).like(pattern.clone()).escape('\\'))
                .or(lower(contacts::email.assume_not_null())
                    .like(pattern.clone())
                    .escape('\\'))
                .or(contacts::phone_number.like(pattern).escape('\\')),
        );
        for digits in &search.digits {
            let pattern = format!("%{}%", crate::escape_like(digits));
            matching = Box::new(matching.or(contacts::phone_number.like(pattern).escape('\\')));
        }
        query = query.filter(matching);
    }
    if let Some(label) = &search.label {
        // Labels are kept as a JSON array: the label as a JSON string, quotes and all.
        let pattern = format!("%{}%", crate::escape_like(&to_json_text(label)));
        query = query.filter(contacts::labels.like(pattern).escape('\\'));
    }
    Ok(query.load(conn)?)
}

diesel::define_sql_function!(fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Changes to a contact; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = contacts)]
pub struct ContactChanges {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub email: Option<Option<String>>,
    pub custom_fields: Option<String>,
    pub labels: Option<String>,
    pub last_number_id: Option<Option<NumberId>>,
    pub time_zone: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    id: &ContactId,
    changes: &ContactChanges,
) -> Result<ContactRow, DbError> {
    let updated = diesel::update(
        contacts::table
            .filter(contacts::organization_id.eq(organization))
            .filter(contacts::id.eq(id)),
    )
    .set((changes, contacts::updated_at.eq(now())))
    .execute(conn)?;
    if updated == 0 {
        return Err(DbError::NotFound);
    }
    webhook_outbox::contact(conn, organization, WebhookEventType::ContactChanged, id)?;
    find(conn, organization, id)
}

/// Changes a contact found earlier in the same transaction, without reading it back.
pub fn apply_changes(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    id: &ContactId,
    changes: &ContactChanges,
) -> Result<(), DbError> {
    diesel::update(contacts::table.find(id))
        .set((changes, contacts::updated_at.eq(now())))
        .execute(conn)?;
    webhook_outbox::contact(conn, organization, WebhookEventType::ContactChanged, id)
}

/// Remembers the number last used with these contacts, the default for their next message.
pub fn set_last_number(conn: &mut DbConnection, ids: &[&ContactId], number: &NumberId) -> Result<(), DbError> {
    diesel::update(contacts::table.filter(contacts::id.eq_any(ids)))
        .set(contacts::last_number_id.eq(number))
        .execute(conn)?;
    Ok(())
}
