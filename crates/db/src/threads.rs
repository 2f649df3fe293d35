//! Recording a message in a contact's thread: the open conversation is found or a new one is
//! opened with the next number, the message is stored, the conversation shows it as its latest
//! activity, and the change feed says so, all in the caller's transaction.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use textdesk_types::events::{Change, ConversationChange, MessageAdded};
use textdesk_types::messages::{AuthorKind, Direction, MessagePurpose, MessageStatus, SendLane};
use textdesk_types::sms;
use textdesk_types::{ContactId, ConversationId, NumberId, OrganizationId};

use crate::contacts::{self, ContactRow};
use crate::conversations::{self, ConversationRow, Latest, WaitingClock};
use crate::jobs::{self, Job};
use crate::messages::MessageRow;
use crate::schema::messages;
use crate::{DbConnection, DbError, events, ids, now, unread};

/// A message to record; `number` is the business number it goes through (none for notes).
pub struct NewThreadMessage<'a> {
    pub contact: &'a ContactRow,
    /// Where to record it; `None` means the thread's open conversation, or a new one.
    pub conversation: Option<&'a ConversationRow>,
    pub number: Option<(&'a NumberId, &'a str)>,
    pub direction: Direction,
    pub body: &'a str,
    pub author_kind: AuthorKind,
    pub author_id: Option<&'a str>,
    /// The API key's label, for a message a key writes.
    pub author_label: Option<&'a str>,
    /// Where the message came from, as an integration named it.
    pub source: Option<&'a str>,
    pub lane: SendLane,
    /// The provider's account and message id, for inbound messages.
    pub provider_ids: Option<(&'a str, &'a str)>,
    pub purpose: MessagePurpose,
    /// Hold an outbound message until then (quiet hours); `None` sends it now.
    pub scheduled_at: Option<NaiveDateTime>,
}

pub struct Recorded {
    /// The conversation as the recording left it.
    pub conversation: ConversationRow,
    pub message: MessageRow,
    /// This message opened the conversation: it is new, to be assigned.
    pub opened: bool,
}

/// Stores the message. An outbound message is queued and a send job is enqueued with it.
pub fn record(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    new: NewThreadMessage<'_>,
) -> Result<Recorded, DbError> {
    let no_more = |_: &mut DbConnection, _: &[Recorded]| Ok::<(), DbError>(());
    record_all(conn, organization, &[new], no_more)?
        .pop()
        .ok_or(DbError::NotFound)
}

/// Stores the organization's messages in the given order (the inbound path records a batch of
/// webhooks at once): the contacts' open conversations are found and the missing ones opened
/// with one statement each, the messages inserted with one, the conversations' latest activity
/// updated with one on PostgreSQL, and the changes appended with one. Messages of one contact
/// go to the same conversation; each `Recorded` carries its conversation as the whole call
/// left it. `before_unread` acts on what was recorded (the inbound path assigns the new
/// conversations) before the contacts' texts make their conversations unread for every agent:
/// what it changes then goes into each agent's unread row as it is written, rather than
/// rewritten in all of them by the database's trigger (BENCHMARKS.md, "Issue 11").
pub fn record_all<E: From<DbError>>(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    new: &[NewThreadMessage<'_>],
    before_unread: impl FnOnce(&mut DbConnection, &[Recorded]) -> Result<(), E>,
) -> Result<Vec<Recorded>, E> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let (recorded, unread) = record_messages(conn, organization, new)?;
    before_unread(conn, &recorded)?;
    unread.apply(conn)?;
    Ok(recorded)
}

/// `record_all` but for what the texts do to what is unread, which it returns.
fn record_messages(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    new: &[NewThreadMessage<'_>],
) -> Result<(Vec<Recorded>, UnreadEffects), DbError> {
    let at = now();
    let (mut conversations, opened) = conversations_for(conn, organization, new, at)?;
    let rows: Vec<MessageRow> = new
        .iter()
        .enumerate()
        .map(|(index, message)| {
            let conversation = message.conversation.map_or_else(
                || open_in(&conversations, message.contact),
                |given| Ok(given.id.clone()),
            )?;
            Ok(message_row(organization, message, conversation, moment(at, index)))
        })
        .collect::<Result<_, DbError>>()?;
    crate::insert_all!(conn, messages::table, &rows)?;
    show_latest(conn, &mut conversations, new, &rows)?;
    remember_last_numbers(conn, new)?;
    let unread = UnreadEffects::of(new, &rows);
    let mut changes = Vec::with_capacity(2 * rows.len());
    for (message, row) in new.iter().zip(&rows) {
        if message.direction == Direction::Outbound {
            let run_at = message.scheduled_at.unwrap_or(row.created_at);
            jobs::enqueue_at(
                conn,
                Some(organization),
                &Job::send_message(&row.id),
                message.lane,
                run_at,
            )?;
        }
        let conversation = conversations.get(&row.conversation_id).ok_or(DbError::NotFound)?;
        changes.push(Change::ConversationChanged(ConversationChange {
            conversation_id: row.conversation_id.clone(),
            number: conversation.number,
        }));
        changes.push(Change::MessageAdded(MessageAdded {
            conversation_id: row.conversation_id.clone(),
            message_id: row.id.clone(),
        }));
    }
    events::append_all(conn, organization, &changes)?;
    let mut seen: HashSet<ConversationId> = HashSet::new();
    let recorded: Vec<Recorded> = rows
        .into_iter()
        .map(|message| {
            let conversation = conversations
                .get(&message.conversation_id)
                .cloned()
                .ok_or(DbError::NotFound)?;
            let first = seen.insert(message.conversation_id.clone());
            Ok(Recorded {
                opened: first && opened.contains(&message.conversation_id),
                conversation,
                message,
            })
        })
        .collect::<Result<_, DbError>>()?;
    crate::webhook_outbox::recorded(conn, organization, &recorded)?;
    Ok((recorded, unread))
}

/// The `index`th message of a batch is stamped a microsecond after the one before, so the
/// conversation list (newest activity first) keeps the order the texts arrived in.
fn moment(at: NaiveDateTime, index: usize) -> NaiveDateTime {
    at + chrono::Duration::microseconds(i64::try_from(index).unwrap_or(i64::MAX))
}

/// Every conversation the messages go to, by id: the ones given, the contacts' open ones, and
/// a new one for each contact whose thread has none; and the ids of the new ones.
fn conversations_for(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    new: &[NewThreadMessage<'_>],
    at: NaiveDateTime,
) -> Result<(HashMap<ConversationId, ConversationRow>, Vec<ConversationId>), DbError> {
    let mut by_id: HashMap<ConversationId, ConversationRow> = new
        .iter()
        .filter_map(|message| message.conversation)
        .map(|given| (given.id.clone(), given.clone()))
        .collect();
    let mut contacts: Vec<&ContactId> = Vec::new();
    for message in new.iter().filter(|message| message.conversation.is_none()) {
        if !contacts.contains(&&message.contact.id) {
            contacts.push(&message.contact.id);
        }
    }
    if contacts.is_empty() {
        return Ok((by_id, Vec::new()));
    }
    let open = conversations::find_open_all(conn, &contacts)?;
    let without: Vec<&ContactId> = contacts
        .iter()
        .filter(|contact| !open.iter().any(|c| &c.contact_id == **contact))
        .copied()
        .collect();
    let opened = conversations::open_all(conn, organization, &without, at)?;
    let opened_ids = opened.iter().map(|c| c.id.clone()).collect();
    by_id.extend(open.into_iter().chain(opened).map(|c| (c.id.clone(), c)));
    Ok((by_id, opened_ids))
}

/// The id of the contact's open conversation among `conversations`.
fn open_in(
    conversations: &HashMap<ConversationId, ConversationRow>,
    contact: &ContactRow,
) -> Result<ConversationId, DbError> {
    conversations
        .values()
        .find(|c| c.contact_id == contact.id && c.is_open())
        .map(|c| c.id.clone())
        .ok_or(DbError::NotFound)
}

fn message_row(
    organization: &OrganizationId,
    new: &NewThreadMessage<'_>,
    conversation_id: ConversationId,
    at: NaiveDateTime,
) -> MessageRow {
    let counted = sms::count(new.body);
    let (number_id, business_number) = match new.number {
        Some((id, phone)) => (Some(id.clone()), phone.to_owned()),
        None => (None, String::new()),
    };
    let (from_number, to_number, status) = match new.direction {
        Direction::Inbound => (
            new.contact.phone_number.clone(),
            business_number,
            MessageStatus::Received,
        ),
        Direction::Outbound => (business_number, new.contact.phone_number.clone(), MessageStatus::Queued),
        Direction::Note | Direction::System => (String::new(), String::new(), MessageStatus::Delivered),
    };
    MessageRow {
        id: ids::new_id(),
        organization_id: organization.clone(),
        conversation_id,
        contact_id: new.contact.id.clone(),
        number_id,
        direction: new.direction,
        body: new.body.to_owned(),
        from_number,
        to_number,
        author_kind: new.author_kind,
        author_id: new.author_id.map(str::to_owned),
        author_label: new.author_label.map(str::to_owned),
        source: new.source.map(str::to_owned),
        provider_account: new.provider_ids.map(|(account, _)| account.to_owned()),
        provider_message_id: new.provider_ids.map(|(_, id)| id.to_owned()),
        status,
        error_code: None,
        error_message: None,
        segments: i32::try_from(counted.segments).unwrap_or(i32::MAX),
        encoding: counted.encoding,
        lane: new.lane as i32,
        purpose: new.purpose,
        scheduled_at: new.scheduled_at,
        created_at: at,
        sent_at: None,
        delivered_at: None,
        attempted_at: None,
    }
}

/// Each conversation shows its newest message as its latest activity. Compliance texts stay
/// out of the thread view, and system entries (ownership changes) are not activity, so neither
/// becomes it.
fn show_latest(
    conn: &mut DbConnection,
    conversations: &mut HashMap<ConversationId, ConversationRow>,
    new: &[NewThreadMessage<'_>],
    rows: &[MessageRow],
) -> Result<(), DbError> {
    let mut latest: Vec<(&NewThreadMessage<'_>, &MessageRow)> = Vec::new();
    for (message, row) in new.iter().zip(rows) {
        if message.purpose == MessagePurpose::Normal && message.direction != Direction::System {
            latest.retain(|(_, earlier)| earlier.conversation_id != row.conversation_id);
            latest.push((message, row));
        }
    }
    if latest.is_empty() {
        return Ok(());
    }
    let touched: Vec<Latest<'_>> = latest
        .iter()
        .map(|(message, row)| Latest {
            conversation: row.conversation_id.as_str(),
            at: row.created_at,
            body: message.body,
            direction: message.direction,
            author: message.author_kind,
            number: message.number.map(|(id, _)| id.as_str()),
        })
        .collect();
    conversations::touch_all(conn, &touched)?;
    for (message, row) in latest {
        if let Some(conversation) = conversations.get_mut(&row.conversation_id) {
            conversation.last_message_at = row.created_at;
            conversation.last_message_preview = conversations::preview_of(message.body);
            conversation.last_direction = Some(message.direction);
            if matches!(message.direction, Direction::Inbound | Direction::Outbound) {
                conversation.last_text_direction = Some(message.direction);
            }
            if message.direction == Direction::Outbound {
                conversation.last_outbound_author = Some(message.author_kind);
            }
            if let Some((number, _)) = message.number {
                conversation.number_id = Some(number.clone());
            }
        }
    }
    Ok(())
}

/// A contact's text makes its conversation unread for the team, and a reply from the team
/// settles it: in each conversation, the last of the two in the batch holds. Like the waiting
/// clock, only the conversation's own texts count, not compliance texts.
struct UnreadEffects {
    arrived: Vec<String>,
    settled: Vec<String>,
}

impl UnreadEffects {
    fn of(new: &[NewThreadMessage<'_>], rows: &[MessageRow]) -> UnreadEffects {
        let mut last: Vec<(&str, WaitingClock)> = Vec::new();
        for (message, row) in new.iter().zip(rows) {
            let clock = WaitingClock::of(message.direction, message.author_kind);
            if message.purpose == MessagePurpose::Normal && clock != WaitingClock::Keep {
                last.retain(|(conversation, _)| *conversation != row.conversation_id.as_str());
                last.push((row.conversation_id.as_str(), clock));
            }
        }
        let with = |wanted: WaitingClock| -> Vec<String> {
            last.iter()
                .filter(|(_, clock)| *clock == wanted)
                .map(|(conversation, _)| (*conversation).to_owned())
                .collect()
        };
        UnreadEffects {
            arrived: with(WaitingClock::Start),
            settled: with(WaitingClock::Stop),
        }
    }

    fn apply(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        let arrived: Vec<&str> = self.arrived.iter().map(String::as_str).collect();
        let settled: Vec<&str> = self.settled.iter().map(String::as_str).collect();
        unread::arrived(conn, &arrived)?;
        unread::settled(conn, &settled)
    }
}

/// Remembers the business number each contact was last texted through or from, with one
/// statement per number.
fn remember_last_numbers(conn: &mut DbConnection, new: &[NewThreadMessage<'_>]) -> Result<(), DbError> {
    let mut last: Vec<(&ContactRow, &NumberId)> = Vec::new();
    for message in new {
        if let Some((number, _)) = message.number {
            last.retain(|(contact, _)| contact.id != message.contact.id);
            last.push((message.contact, number));
        }
    }
    last.retain(|(contact, number)| contact.last_number_id.as_ref() != Some(*number));
    let mut numbers: Vec<&NumberId> = last.iter().map(|(_, number)| *number).collect();
    numbers.sort_unstable_by_key(|number| number.as_str());
    numbers.dedup();
    for number in numbers {
        let contacts: Vec<&ContactId> = last
            .iter()
            .filter(|(_, to)| *to == number)
            .map(|(contact, _)| &contact.id)
            .collect();
        contacts::set_last_number(conn, &contacts, number)?;
    }
    Ok(())
}
