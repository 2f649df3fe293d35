//! Conversations: numbered episodes of a contact's thread, at most one open at a time.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::conversations::{Conversation, ConversationStatus};
use textdesk_types::messages::Direction;
use textdesk_types::{AgentId, ContactId, ConversationId, OrganizationId};

use crate::contacts::ContactRow;
use crate::schema::{contacts, conversations, organizations, read_all_marks, read_states};
use crate::{DbConnection, DbError, ids, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = conversations)]
pub struct ConversationRow {
    pub id: ConversationId,
    pub organization_id: OrganizationId,
    pub contact_id: ContactId,
    pub number: i64,
    pub status: ConversationStatus,
    pub opened_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
    pub closed_by: Option<AgentId>,
    pub last_message_at: NaiveDateTime,
    pub last_message_preview: String,
    pub last_direction: Option<Direction>,
}

impl ConversationRow {
    pub fn is_open(&self) -> bool {
        self.status == ConversationStatus::Open
    }

    /// The wire form for one agent, given the contact and whether it is unread for them.
    pub fn into_wire(self, contact: &ContactRow, unread: bool) -> Conversation {
        Conversation {
            id: self.id,
            number: self.number,
            status: self.status,
            contact_id: self.contact_id,
            contact_name: contact.display_name(),
            contact_phone_number: contact.phone_number.clone(),
            last_message_at: utc(self.last_message_at),
            last_message_preview: self.last_message_preview,
            last_direction: self.last_direction,
            unread,
            opened_at: utc(self.opened_at),
            closed_at: self.closed_at.map(utc),
            closed_by: self.closed_by,
            consent_message_sent_at: contact.consent_message_sent_at.map(utc),
        }
    }
}

/// Takes the organization's next `count` conversation numbers, in increasing order. PostgreSQL
/// takes them from the organization's own sequence, which never waits for another transaction
/// (concurrent writers may interleave, so the numbers need not be consecutive); SQLite has one
/// writer at a time.
pub fn take_numbers(conn: &mut DbConnection, organization: &OrganizationId, count: usize) -> Result<Vec<i64>, DbError> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let count = i64::try_from(count).map_err(|_| DbError::Corrupt("too many conversation numbers".to_owned()))?;
    match conn {
        DbConnection::Postgresql(_) => {
            #[derive(QueryableByName)]
            struct Next {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                number: i64,
            }
            let taken: Vec<Next> =
                diesel::sql_query("SELECT nextval($1::regclass) AS number FROM generate_series(1, $2)")
                    .bind::<diesel::sql_types::Text, _>(number_sequence(organization))
                    .bind::<diesel::sql_types::BigInt, _>(count)
                    .load(conn)?;
            let mut numbers: Vec<i64> = taken.into_iter().map(|next| next.number).collect();
            numbers.sort_unstable();
            Ok(numbers)
        }
        DbConnection::Sqlite(_) => {
            diesel::update(organizations::table.find(organization.as_str()))
                .set(organizations::next_conversation_number.eq(organizations::next_conversation_number + count))
                .execute(conn)?;
            let next: i64 = organizations::table
                .find(organization.as_str())
                .select(organizations::next_conversation_number)
                .first(conn)?;
            Ok((next - count..next).collect())
        }
    }
}

/// The name of the organization's conversation-number sequence (PostgreSQL).
fn number_sequence(organization: &OrganizationId) -> String {
    let suffix: String = organization
        .as_str()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("conversation_numbers_{suffix}")
}

/// Prepares numbering for a new organization's conversations; numbers start at 1001.
pub fn start_numbering(conn: &mut DbConnection, organization: &OrganizationId) -> Result<(), DbError> {
    if let DbConnection::Postgresql(_) = conn {
        let sequence = number_sequence(organization);
        diesel::sql_query(format!("CREATE SEQUENCE \"{sequence}\" START WITH 1001")).execute(conn)?;
    }
    Ok(())
}

/// Opens a new conversation in the contact's thread with the organization's next number.
pub fn open(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    contact: &ContactId,
    at: NaiveDateTime,
) -> Result<ConversationRow, DbError> {
    open_all(conn, organization, &[contact], at)?
        .pop()
        .ok_or(DbError::NotFound)
}

/// Opens one new conversation in each of the contacts' threads, numbered in the given order,
/// with one statement.
pub fn open_all(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    contacts: &[&ContactId],
    at: NaiveDateTime,
) -> Result<Vec<ConversationRow>, DbError> {
    let numbers = take_numbers(conn, organization, contacts.len())?;
    let rows: Vec<ConversationRow> = contacts
        .iter()
        .zip(numbers)
        .map(|(contact, number)| ConversationRow {
            id: ids::new_id(),
            organization_id: organization.clone(),
            contact_id: (*contact).clone(),
            number,
            status: ConversationStatus::Open,
            opened_at: at,
            closed_at: None,
            closed_by: None,
            last_message_at: at,
            last_message_preview: String::new(),
            last_direction: None,
        })
        .collect();
    if !rows.is_empty() {
        crate::insert_all!(conn, conversations::table, &rows)?;
    }
    Ok(rows)
}

pub fn find_open(conn: &mut DbConnection, contact: &ContactId) -> Result<Option<ConversationRow>, DbError> {
    Ok(find_open_all(conn, &[contact])?.pop())
}

/// The open conversations of these contacts' threads (at most one each), in no set order.
pub fn find_open_all(conn: &mut DbConnection, contacts: &[&ContactId]) -> Result<Vec<ConversationRow>, DbError> {
    Ok(conversations::table
        .filter(conversations::contact_id.eq_any(contacts))
        .filter(conversations::status.eq(ConversationStatus::Open))
        .select(ConversationRow::as_select())
        .load(conn)?)
}

pub fn find(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    id: &ConversationId,
) -> Result<ConversationRow, DbError> {
    Ok(conversations::table
        .filter(conversations::organization_id.eq(organization.as_str()))
        .find(id.as_str())
        .select(ConversationRow::as_select())
        .first(conn)?)
}

/// Which conversations a list shows, for which agent. Views (owner, group, business number,
/// flags, text) add their criteria here as fields, not as new functions.
#[derive(Clone, Debug)]
pub struct ConversationFilter {
    pub organization: OrganizationId,
    /// Whose read state the rows carry, and whom `unread` means.
    pub viewer: AgentId,
    pub status: Option<ConversationStatus>,
    /// One contact's conversations only.
    pub contact: Option<ContactId>,
    /// Only conversations unread (`true`) or read (`false`) for the viewer.
    pub unread: Option<bool>,
    /// One conversation, as a list would show it.
    pub id: Option<ConversationId>,
    /// Only these conversations (search results), as a list would show them.
    pub ids: Option<Vec<ConversationId>>,
}

impl ConversationFilter {
    pub fn new(organization: OrganizationId, viewer: AgentId) -> Self {
        ConversationFilter {
            organization,
            viewer,
            status: None,
            contact: None,
            unread: None,
            id: None,
            ids: None,
        }
    }
}

/// A conversation of a list with its contact and whether it is unread for the viewer.
pub struct ListedConversation {
    pub conversation: ConversationRow,
    pub contact: ContactRow,
    pub unread: bool,
}

/// Newest activity first, strictly after the `(last_message_at, id)` position `before`, with
/// the viewer's unread state computed in the same query: a conversation is unread when the
/// viewer marked it so, or the contact wrote last after the viewer last read it (or last
/// marked everything read).
pub fn list(
    conn: &mut DbConnection,
    filter: &ConversationFilter,
    before: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ListedConversation>, DbError> {
    let viewer = filter.viewer.as_str();
    let own_state = read_states::table.on(read_states::conversation_id
        .eq(conversations::id)
        .and(read_states::agent_id.eq(viewer)));
    let own_mark = read_all_marks::table.on(read_all_marks::agent_id.eq(viewer));
    let contact_wrote_last = conversations::last_direction.eq(Direction::Inbound);
    // Columns of a left-joined table are only selectable wrapped in `nullable()`.
    let after_own_read = read_states::read_at
        .nullable()
        .is_null()
        .or(conversations::last_message_at
            .nullable()
            .gt(read_states::read_at.nullable()));
    let after_mark = read_all_marks::read_at
        .nullable()
        .is_null()
        .or(conversations::last_message_at
            .nullable()
            .gt(read_all_marks::read_at.nullable()));
    let unread = unknown_is_false(
        read_states::marked_unread
            .nullable()
            .eq(true)
            .or(contact_wrote_last.and(after_own_read).and(after_mark)),
        false,
    );
    let mut query = conversations::table
        .inner_join(contacts::table)
        .left_join(own_state)
        .left_join(own_mark)
        .filter(conversations::organization_id.eq(filter.organization.as_str()))
        .select((ConversationRow::as_select(), ContactRow::as_select(), unread))
        .order((conversations::last_message_at.desc(), conversations::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(conversations::status.eq(status));
    }
    if let Some(id) = &filter.id {
        query = query.filter(conversations::id.eq(id.clone()));
    }
    if let Some(ids) = &filter.ids {
        query = query.filter(conversations::id.eq_any(ids.clone()));
    }
    if let Some(contact) = &filter.contact {
        query = query.filter(conversations::contact_id.eq(contact.clone()));
    }
    match filter.unread {
        Some(true) => query = query.filter(unread),
        Some(false) => query = query.filter(diesel::dsl::not(unread)),
        None => {}
    }
    if let Some((at, id)) = before {
        query = query.filter(
            conversations::last_message_at
                .lt(at)
                .or(conversations::last_message_at.eq(at).and(conversations::id.lt(id))),
        );
    }
    let rows: Vec<(ConversationRow, ContactRow, bool)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(conversation, contact, unread)| ListedConversation {
            conversation,
            contact,
            unread,
        })
        .collect())
}

// SQL's COALESCE for a condition: where there is no read state to compare with, the
// comparison is unknown, and the conversation is not unread for that.
diesel::define_sql_function! {
    #[sql_name = "COALESCE"]
    fn unknown_is_false(condition: diesel::sql_types::Nullable<diesel::sql_types::Bool>, otherwise: diesel::sql_types::Bool) -> diesel::sql_types::Bool;
}

/// Every conversation of a contact's thread, oldest first.
pub fn thread(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    contact: &ContactId,
) -> Result<Vec<ConversationRow>, DbError> {
    Ok(conversations::table
        .filter(conversations::organization_id.eq(organization.as_str()))
        .filter(conversations::contact_id.eq(contact.as_str()))
        .order((conversations::opened_at.asc(), conversations::id.asc()))
        .select(ConversationRow::as_select())
        .load(conn)?)
}

/// How much of the newest message the conversation list shows.
const PREVIEW_CHARS: usize = 160;

/// A conversation's newest message, to show as its latest activity.
pub struct Latest<'a> {
    pub conversation: &'a str,
    pub at: NaiveDateTime,
    pub body: &'a str,
    pub direction: Direction,
}

/// The preview the conversation list shows of a message.
pub fn preview_of(body: &str) -> String {
    body.chars().take(PREVIEW_CHARS).collect()
}

/// Shows each message as its conversation's latest activity. PostgreSQL updates them all with
/// one statement (a batch of webhooks touches many conversations), in id order so concurrent
/// batches lock rows in the same order; SQLite runs in process, where a statement per
/// conversation costs no round trip.
pub fn touch_all(conn: &mut DbConnection, latest: &[Latest<'_>]) -> Result<(), DbError> {
    match conn {
        DbConnection::Postgresql(pg) => {
            use diesel::sql_types::{Array, Text, Timestamp};
            let mut sorted: Vec<&Latest<'_>> = latest.iter().collect();
            sorted.sort_unstable_by_key(|latest| latest.conversation);
            let ids: Vec<&str> = sorted.iter().map(|l| l.conversation).collect();
            let times: Vec<NaiveDateTime> = sorted.iter().map(|l| l.at).collect();
            let previews: Vec<String> = sorted.iter().map(|l| preview_of(l.body)).collect();
            let directions: Vec<&str> = sorted.iter().map(|l| l.direction.as_str()).collect();
            diesel::sql_query(
                "UPDATE conversations SET last_message_at = latest.at, \
                 last_message_preview = latest.preview, last_direction = latest.direction \
                 FROM unnest($1::text[], $2::timestamp[], $3::text[], $4::text[]) \
                 AS latest (id, at, preview, direction) \
                 WHERE conversations.id = latest.id",
            )
            .bind::<Array<Text>, _>(ids)
            .bind::<Array<Timestamp>, _>(times)
            .bind::<Array<Text>, _>(previews)
            .bind::<Array<Text>, _>(directions)
            .execute(pg)?;
        }
        DbConnection::Sqlite(sqlite) => {
            for latest in latest {
                diesel::update(conversations::table.find(latest.conversation))
                    .set((
                        conversations::last_message_at.eq(latest.at),
                        conversations::last_message_preview.eq(preview_of(latest.body)),
                        conversations::last_direction.eq(latest.direction),
                    ))
                    .execute(sqlite)?;
            }
        }
    }
    Ok(())
}

/// Closes an open conversation; the next message in the thread opens a new one.
pub fn close(conn: &mut DbConnection, id: &ConversationId, by: &AgentId, at: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(
        conversations::table
            .find(id.as_str())
            .filter(conversations::status.eq(ConversationStatus::Open)),
    )
    .set((
        conversations::status.eq(ConversationStatus::Closed),
        conversations::closed_at.eq(at),
        conversations::closed_by.eq(by),
    ))
    .execute(conn)?;
    Ok(())
}
