//! `seed`: bulk rows for the read benchmarks, written straight into the database through
//! `textdesk-db`'s row types, so they are the rows the server itself writes for the same
//! history: for each of N new customers a contact, an open conversation with the next
//! conversation number and one inbound message, plus one customer whose single conversation
//! holds a long thread of alternating inbound and (delivered) outbound messages. The change
//! feed gets the events the server would have appended (`contact.changed`,
//! `conversation.changed`, `message.added`), and the organization's conversation numbering moves on by
//! exactly what was taken.
//!
//! Times lie in the past, spaced so that UUIDv7 ids (made from those times) sort like the
//! times, as the server's ids do. Rows go in batches, each batch in one transaction.

use std::time::Instant;

use anyhow::{Context, anyhow, bail};
use chrono::{Duration, NaiveDateTime};
use clap::Args;
use diesel::prelude::*;
use textdesk_db::contacts::{ContactRow, to_json_text};
use textdesk_db::conversations::ConversationRow;

use textdesk_db::events::NewEvent;
use textdesk_db::messages::MessageRow;
use textdesk_db::numbers::NumberRow;
use textdesk_db::schema::{agents, contacts, conversations, events, messages, numbers, organizations};
use textdesk_db::{Backend, Database, DbConnection, DbError, insert_all};
use textdesk_types::agents::Role;
use textdesk_types::contacts::Consent;
use textdesk_types::conversations::ConversationStatus;
use textdesk_types::events::{Change, ContactChange, ConversationChange, MessageAdded};
use textdesk_types::messages::SendLane;
use textdesk_types::messages::{AuthorKind, Direction, MessagePurpose, MessageStatus};
use textdesk_types::sms;
use textdesk_types::{MessageId, OrganizationId};

use crate::phones;

/// The long thread's contact is "Benchmark Longthread"; `read` finds it by this name.
pub const LONG_THREAD_LAST_NAME: &str = "Longthread";

/// SQLite allows 32,766 bound parameters per statement; a message row has 22.
pub(crate) const MAX_BATCH: usize = 1_400;

#[derive(Args, Debug)]
pub struct SeedArgs {
    /// The server's database (a SQLite path or a postgres:// URL).
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    /// The organization's name; the oldest organization when absent.
    #[arg(long)]
    pub organization: Option<String>,
    /// New customers, each with one conversation of one inbound message.
    #[arg(long, default_value_t = 100_000)]
    pub conversations: usize,
    /// Messages in the one long thread; 0 for none.
    #[arg(long, default_value_t = 50_000)]
    pub thread_messages: usize,
    /// Rows per INSERT and per transaction.
    #[arg(long, default_value_t = 1_000)]
    pub batch: usize,
    /// On PostgreSQL, `VACUUM (ANALYZE)` the seeded tables afterwards: what autovacuum does on
    /// its own within a minute or so of a bulk load (planner statistics, visibility map).
    /// Needed where autovacuum is off; SQLite has no counterpart and is left as the app leaves it.
    #[arg(long)]
    pub vacuum_analyze: bool,
}

/// What every seeded row shares.
pub(crate) struct Target {
    pub(crate) organization: OrganizationId,
    pub(crate) owner: String,
    pub(crate) number: NumberRow,
    /// Makes this run's ids differ from another run's at the same millisecond.
    pub(crate) run: [u8; 3],
}

pub fn run(args: SeedArgs) -> anyhow::Result<()> {
    if args.batch == 0 || args.batch > MAX_BATCH {
        bail!("--batch must be between 1 and {MAX_BATCH}");
    }
    let db = Database::connect(&args.database_url, 2).context("connecting to the database")?;
    let target = find_target(&db, args.organization.as_deref())?;
    let started = Instant::now();
    let now = textdesk_db::now();

    if args.conversations > 0 {
        let phones = phones::numbers(phones::SEEDED_START, args.conversations);
        if phones.len() < args.conversations {
            bail!("only {} distinct numbers are available", phones.len());
        }
        // One conversation every 10 seconds, the newest an hour ago.
        let first = now - Duration::hours(1) - Duration::seconds(10 * args.conversations as i64);
        let mut done = 0;
        for chunk in phones.chunks(args.batch) {
            db.write(|conn| seed_conversations(conn, &target, chunk, first, done))
                .with_context(|| format!("seeding conversations {done}.."))?;
            done += chunk.len();
            if done % 20_000 < args.batch || done == phones.len() {
                eprintln!("  {done} conversations ({:.0} s)", started.elapsed().as_secs_f64());
            }
        }
    }
    if args.thread_messages > 0 {
        seed_long_thread(&db, &target, args.thread_messages, args.batch, now, &started)?;
    }
    if args.vacuum_analyze && db.backend() == Backend::Postgres {
        // VACUUM cannot run in a transaction: a plain pooled connection, not `write`.
        db.read(|conn| {
            diesel::sql_query("VACUUM (ANALYZE) contacts, conversations, messages, events").execute(conn)?;
            Ok::<_, DbError>(())
        })?;
        eprintln!("  vacuumed and analyzed ({:.0} s)", started.elapsed().as_secs_f64());
    }
    let totals = db.read(|conn| {
        let conversations: i64 = conversations::table
            .filter(conversations::organization_id.eq(&target.organization))
            .count()
            .get_result(conn)?;
        let messages: i64 = messages::table
            .filter(messages::organization_id.eq(&target.organization))
            .count()
            .get_result(conn)?;
        Ok::<_, DbError>((conversations, messages))
    })?;
    println!(
        "seeded {} conversations and a thread of {} messages in {:.1} s; the organization now has {} conversations, {} messages",
        args.conversations,
        args.thread_messages,
        started.elapsed().as_secs_f64(),
        totals.0,
        totals.1
    );
    Ok(())
}

pub(crate) fn find_target(db: &Database, name: Option<&str>) -> anyhow::Result<Target> {
    let (organization, owner, number) = db.read(|conn| {
        let mut query = organizations::table
            .select(organizations::id)
            .order((organizations::created_at.asc(), organizations::id.asc()))
            .into_boxed();
        if let Some(name) = name {
            query = query.filter(organizations::name.eq(name));
        }
        let organization: Option<OrganizationId> = query.first(conn).optional()?;
        let Some(organization) = organization else {
            return Ok::<_, DbError>((None, None, None));
        };
        let owner: Option<String> = agents::table
            .filter(agents::organization_id.eq(&organization))
            .filter(agents::role.eq(Role::Owner))
            .order(agents::id.asc())
            .select(agents::id)
            .first(conn)
            .optional()?;
        let number: Option<NumberRow> = numbers::table
            .filter(numbers::organization_id.eq(&organization))
            .filter(numbers::enabled.eq(true))
            .order(numbers::id.asc())
            .select(NumberRow::as_select())
            .first(conn)
            .optional()?;
        Ok((Some(organization), owner, number))
    })?;
    let organization = organization.ok_or_else(|| {
        anyhow!(
            "no organization{}",
            name.map(|n| format!(" named {n:?}")).unwrap_or_default()
        )
    })?;
    let owner = owner.ok_or_else(|| anyhow!("the organization has no owner"))?;
    let number = number.ok_or_else(|| anyhow!("the organization has no business number; run `inbound` first"))?;
    let stamp = *uuid::Uuid::now_v7().as_bytes();
    Ok(Target {
        organization,
        owner,
        number,
        run: [stamp[13], stamp[14], stamp[15]],
    })
}

/// A UUIDv7 for a row made at `at`; `seq` orders rows of the same millisecond.
pub(crate) fn id_at<T: From<String>>(at: NaiveDateTime, seq: u32, run: [u8; 3]) -> T {
    let millis = u64::try_from(at.and_utc().timestamp_millis()).unwrap_or(0);
    let seq = seq.to_be_bytes();
    let tail = [0, 0, 0, run[0], run[1], run[2], seq[0], seq[1], seq[2], seq[3]];
    T::from(
        uuid::Builder::from_unix_timestamp_millis(millis, &tail)
            .into_uuid()
            .to_string(),
    )
}

fn take_conversation_numbers(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    count: usize,
) -> Result<Vec<i64>, DbError> {
    textdesk_db::conversations::take_numbers(conn, organization, count)
}

pub(crate) fn contact_row(
    target: &Target,
    phone: &str,
    first_name: &str,
    last_name: &str,
    at: NaiveDateTime,
    seq: u32,
) -> ContactRow {
    ContactRow {
        id: id_at(at, seq, target.run),
        organization_id: target.organization.clone(),
        phone_number: phone.to_owned(),
        first_name: first_name.to_owned(),
        last_name: last_name.to_owned(),
        company: String::new(),
        email: None,
        custom_fields: to_json_text(&std::collections::BTreeMap::<String, String>::new()),
        labels: to_json_text(&Vec::<String>::new()),
        opted_out: false,
        opted_out_at: None,
        consent: Consent::None,
        // Every message went through the number, so it is the one last used.
        last_number_id: Some(target.number.id.clone()),
        created_at: at,
        updated_at: at,
        time_zone: None,
        consent_message_sent_at: None,
        opt_in_requested_at: None,
    }
}

/// A message as `threads::record` stores it; outbound ones as the worker leaves them once
/// the provider reported delivery.
pub(crate) fn message_row(
    target: &Target,
    conversation: &ConversationRow,
    contact: &ContactRow,
    direction: Direction,
    body: &str,
    at: NaiveDateTime,
    seq: u32,
) -> MessageRow {
    let counted = sms::count(body);
    let id: MessageId = id_at(at, seq, target.run);
    let business = target.number.phone_number.clone();
    let inbound = direction == Direction::Inbound;
    let (from_number, to_number) = if inbound {
        (contact.phone_number.clone(), business)
    } else {
        (business, contact.phone_number.clone())
    };
    MessageRow {
        organization_id: target.organization.clone(),
        conversation_id: conversation.id.clone(),
        contact_id: contact.id.clone(),
        number_id: Some(target.number.id.clone()),
        direction,
        body: body.to_owned(),
        from_number,
        to_number,
        author_kind: if inbound {
            AuthorKind::Contact
        } else {
            AuthorKind::Agent
        },
        author_id: (!inbound).then(|| target.owner.clone()),
        author_label: None,
        source: None,
        provider_account: target.number.account_sid.clone(),
        provider_message_id: Some(format!("SM{}", id.as_str().replace('-', ""))),
        status: if inbound {
            MessageStatus::Received
        } else {
            MessageStatus::Delivered
        },
        error_code: None,
        error_message: None,
        segments: i32::try_from(counted.segments).unwrap_or(i32::MAX),
        encoding: counted.encoding,
        lane: SendLane::Conversational as i32,
        purpose: MessagePurpose::Normal,
        scheduled_at: None,
        created_at: at,
        sent_at: (!inbound).then(|| at + Duration::seconds(1)),
        delivered_at: (!inbound).then(|| at + Duration::seconds(3)),
        attempted_at: (!inbound).then_some(at),
        id,
    }
}

fn event_row(target: &Target, change: Change, at: NaiveDateTime) -> Result<NewEvent, DbError> {
    NewEvent::new(&target.organization, None, &change, at)
}

fn contact_changed(contact: &ContactRow) -> Change {
    Change::ContactChanged(ContactChange {
        contact_id: contact.id.clone(),
    })
}

/// What recording a message in a conversation announces.
fn message_changes(conversation: &ConversationRow, message: &MessageRow) -> [Change; 2] {
    [
        Change::ConversationChanged(ConversationChange {
            conversation_id: conversation.id.clone(),
            number: conversation.number,
        }),
        Change::MessageAdded(MessageAdded {
            conversation_id: conversation.id.clone(),
            message_id: message.id.clone(),
        }),
    ]
}

const FIRST_NAMES: [&str; 8] = ["Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro"];
const LAST_NAMES: [&str; 8] = [
    "Reyes",
    "Okafor",
    "Lindqvist",
    "Patel",
    "Moreau",
    "Haddad",
    "Kim",
    "Novak",
];
const FIRST_MESSAGES: [&str; 4] = [
    "Hi, do you have any openings this week?",
    "Is my order ready?",
    "Can you send me the invoice again please",
    "Hello! Question about my account",
];

fn seed_conversations(
    conn: &mut DbConnection,
    target: &Target,
    phones: &[String],
    first: NaiveDateTime,
    done: usize,
) -> Result<(), DbError> {
    let numbers = take_conversation_numbers(conn, &target.organization, phones.len())?;
    let mut contact_rows = Vec::with_capacity(phones.len());
    let mut conversation_rows = Vec::with_capacity(phones.len());
    let mut message_rows = Vec::with_capacity(phones.len());
    let mut event_rows = Vec::with_capacity(3 * phones.len());
    for ((offset, phone), number) in phones.iter().enumerate().zip(numbers) {
        let index = done + offset;
        let at = first + Duration::seconds(10 * index as i64);
        // Contact, conversation and message of one customer share a time; `seq` keeps their ids apart.
        let seq = u32::try_from(4 * index).unwrap_or(u32::MAX);
        let contact = contact_row(
            target,
            phone,
            FIRST_NAMES[index % FIRST_NAMES.len()],
            LAST_NAMES[(index / FIRST_NAMES.len()) % LAST_NAMES.len()],
            at,
            seq,
        );
        let body = FIRST_MESSAGES[index % FIRST_MESSAGES.len()];
        let conversation = ConversationRow {
            id: id_at(at, seq + 1, target.run),
            organization_id: target.organization.clone(),
            contact_id: contact.id.clone(),
            number,
            status: ConversationStatus::Open,
            opened_at: at,
            closed_at: None,
            closed_by: None,
            last_message_at: at,
            last_message_preview: textdesk_db::conversations::preview_of(body),
            last_direction: Some(Direction::Inbound),
            owner_agent_id: None,
            owner_group_id: None,
            follow_up: false,
            waiting_since: Some(at),
            last_text_direction: Some(Direction::Inbound),
            last_outbound_author: None,
            awaiting_agent: false,
            number_id: Some(target.number.id.clone()),
        };
        let message = message_row(target, &conversation, &contact, Direction::Inbound, body, at, seq + 2);
        event_rows.push(event_row(target, contact_changed(&contact), at)?);
        for change in message_changes(&conversation, &message) {
            event_rows.push(event_row(target, change, at)?);
        }
        contact_rows.push(contact);
        conversation_rows.push(conversation);
        message_rows.push(message);
    }
    insert_all!(conn, contacts::table, &contact_rows)?;
    insert_all!(conn, conversations::table, &conversation_rows)?;
    insert_all!(conn, messages::table, &message_rows)?;
    for chunk in event_rows.chunks(MAX_BATCH) {
        insert_all!(conn, events::table, chunk)?;
    }
    Ok(())
}

const THREAD_INBOUND: [&str; 4] = [
    "Morning! Same order as last week please",
    "Can you deliver after 5pm?",
    "Got it, thanks",
    "Quick question about the invoice",
];
const THREAD_OUTBOUND: [&str; 4] = [
    "Good morning! Noted, it will be ready by noon.",
    "Yes, we can deliver between 5 and 7pm.",
    "You're welcome, have a great day!",
    "Sure, what would you like to know?",
];

fn seed_long_thread(
    db: &Database,
    target: &Target,
    count: usize,
    batch: usize,
    now: NaiveDateTime,
    started: &Instant,
) -> anyhow::Result<()> {
    let exists = db.read(|conn| {
        contacts::table
            .filter(contacts::organization_id.eq(&target.organization))
            .filter(contacts::last_name.eq(LONG_THREAD_LAST_NAME))
            .count()
            .get_result::<i64>(conn)
            .map_err(DbError::from)
    })?;
    if exists > 0 {
        bail!("the organization already has a long thread (contact \"Benchmark {LONG_THREAD_LAST_NAME}\")");
    }
    let phone = phones::numbers(phones::LONG_THREAD_START, 1)
        .pop()
        .ok_or_else(|| anyhow!("no number for the long thread"))?;
    // One message a minute, alternating customer and agent, the last from the customer half
    // an hour ago.
    let last = now - Duration::minutes(30);
    let at = |index: usize| last - Duration::minutes((count - 1 - index) as i64);
    let opened = at(0);
    let (contact, conversation) = db.write(|conn| {
        let contact = contact_row(target, &phone, "Benchmark", LONG_THREAD_LAST_NAME, opened, 0);
        let conversation = ConversationRow {
            id: id_at(opened, 1, target.run),
            organization_id: target.organization.clone(),
            contact_id: contact.id.clone(),
            number: take_conversation_numbers(conn, &target.organization, 1)?
                .pop()
                .ok_or(DbError::NotFound)?,
            status: ConversationStatus::Open,
            opened_at: opened,
            closed_at: None,
            closed_by: None,
            last_message_at: opened,
            last_message_preview: String::new(),
            last_direction: None,
            owner_agent_id: None,
            owner_group_id: None,
            follow_up: false,
            waiting_since: None,
            last_text_direction: None,
            last_outbound_author: None,
            awaiting_agent: false,
            number_id: Some(target.number.id.clone()),
        };
        insert_all!(conn, contacts::table, &contact)?;
        insert_all!(conn, conversations::table, &conversation)?;
        diesel::insert_into(events::table)
            .values(&event_row(target, contact_changed(&contact), opened)?)
            .execute(conn)?;
        Ok::<_, DbError>((contact, conversation))
    })?;
    // The newest message is the customer's, so the conversation shows as unread.
    let direction = |index: usize| {
        if (count - 1 - index).is_multiple_of(2) {
            Direction::Inbound
        } else {
            Direction::Outbound
        }
    };
    let indexes: Vec<usize> = (0..count).collect();
    for chunk in indexes.chunks(batch) {
        db.write(|conn| {
            let mut message_rows = Vec::with_capacity(chunk.len());
            let mut event_rows = Vec::with_capacity(2 * chunk.len());
            for &index in chunk {
                let direction = direction(index);
                let body = match direction {
                    Direction::Inbound => THREAD_INBOUND[(index / 2) % THREAD_INBOUND.len()],
                    _ => THREAD_OUTBOUND[(index / 2) % THREAD_OUTBOUND.len()],
                };
                let seq = u32::try_from(index + 2).unwrap_or(u32::MAX);
                let message = message_row(target, &conversation, &contact, direction, body, at(index), seq);
                for change in message_changes(&conversation, &message) {
                    event_rows.push(event_row(target, change, at(index))?);
                }
                message_rows.push(message);
            }
            insert_all!(conn, messages::table, &message_rows)?;
            for events_chunk in event_rows.chunks(MAX_BATCH) {
                insert_all!(conn, events::table, events_chunk)?;
            }
            if let Some(newest) = message_rows.last() {
                diesel::update(conversations::table.find(&conversation.id))
                    .set((
                        conversations::last_message_at.eq(newest.created_at),
                        conversations::last_message_preview.eq(textdesk_db::conversations::preview_of(&newest.body)),
                        conversations::last_direction.eq(&newest.direction),
                    ))
                    .execute(conn)?;
            }
            Ok::<_, DbError>(())
        })?;
        let done = chunk.last().map_or(0, |last| last + 1);
        if done % 10_000 < batch || done == count {
            eprintln!(
                "  {done} messages in the long thread ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "long thread: conversation {} (#{}), contact {} {}",
        conversation.id, conversation.number, contact.first_name, contact.last_name
    );
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_like_their_times() {
        let run = [1, 2, 3];
        let early = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap().naive_utc();
        let later = early + Duration::milliseconds(1);
        let a: String = id_at(early, 5, run);
        let b: String = id_at(early, 6, run);
        let c: String = id_at(later, 0, run);
        assert!(a < b && b < c, "{a} {b} {c}");
        let parsed = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version_num(), 7);
    }
}
