//! `seed-inbox`: the shared inbox at scale (issue 11's benchmarks), written straight into the
//! database through `textdesk-db`'s row types in batched multi-row inserts, like `seed`:
//!
//! - agents: the owner plus `agentNN@loadgen.textdesk.local`, each signing in with the owner's
//!   password (they get a copy of the owner's password hash);
//! - groups of about five members each, every other one round robin; the measured agent
//!   (`agent01`) is in two of them;
//! - contacts with names (first and last name from short lists, a company on every fifth) and
//!   phone numbers; contact 0 has +1 202-555-0123, the number the issue searches for;
//! - conversations, two per contact (the contact's first one closed, the second closed or open),
//!   the open ones the newest; owners spread over agents, groups (half of them with an agent of
//!   the group) and nobody; a follow-up flag on one open conversation in ten; `waiting_since` on
//!   open ones whose last text came in;
//! - messages, from 1 to 2×average−1 per conversation, alternating customer and agent, with
//!   bodies made from sentences over a few hundred words, so that words have every frequency
//!   from common to rare;
//! - unread state: every waiting conversation (the contact wrote last) is unread for every agent
//!   but those who read it since: the measured agent read half of them and agents 2–10 one in
//!   three each; the measured agent also marked one closed conversation in a hundred unread.
//!
//! Every row goes through the tables' own insert path, so the search index follows: the FTS5
//! triggers on SQLite, the generated `search_words` columns on PostgreSQL. No change-feed events
//! are written (no benchmark here reads the feed); the organization's conversation numbering
//! moves on by what was taken.

use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{Duration, NaiveDateTime};
use clap::Args;
use diesel::prelude::*;
use textdesk_db::agents::AgentRow;
use textdesk_db::contacts::ContactRow;
use textdesk_db::conversations::{ConversationRow, preview_of, take_numbers};
use textdesk_db::groups::GroupRow;
use textdesk_db::messages::MessageRow;
use textdesk_db::schema::{
    agent_group_members, agent_groups, agents, contacts, conversations, messages, numbers, unread_conversations,
};
use textdesk_db::{Database, DbConnection, DbError, insert_all};
use textdesk_types::agents::Role;
use textdesk_types::conversations::ConversationStatus;
use textdesk_types::messages::{AuthorKind, Direction};
use textdesk_types::{AgentId, GroupId};

use crate::phones;
use crate::seed::{MAX_BATCH, Target, contact_row, find_target, id_at, message_row};

/// The measured agent's email; `inbox` signs in as this agent by default.
pub const MEASURED_AGENT_EMAIL: &str = "agent01@loadgen.textdesk.local";
/// The number contact 0 gets: the "(202) 555-0123".
pub const SEARCHED_PHONE: &str = "+12025550123";
/// Where the contacts' numbers start among the generated ones (apart from every other use).
const INBOX_PHONES_START: usize = 60_000_000;

#[derive(Args, Debug)]
pub struct SeedInboxArgs {
    /// The server's database (a SQLite path or a postgres:// URL).
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    /// The organization's name; the oldest organization when absent.
    #[arg(long)]
    pub organization: Option<String>,
    /// Agents in all, the owner included.
    #[arg(long, default_value_t = 50)]
    pub agents: usize,
    #[arg(long, default_value_t = 10)]
    pub groups: usize,
    /// Conversations in all (two per contact).
    #[arg(long, default_value_t = 200_000)]
    pub conversations: usize,
    /// How many of them are open (the newest); at most a quarter of all.
    #[arg(long, default_value_t = 20_000)]
    pub open: usize,
    /// Messages in all, about (conversations hold 1 to 2×average−1 each).
    #[arg(long, default_value_t = 1_000_000)]
    pub messages: usize,
    /// A connected business number whose new conversations go to the first (round-robin) group.
    #[arg(long)]
    pub round_robin_number: Option<String>,
    /// Conversations per transaction.
    #[arg(long, default_value_t = 1_000)]
    pub batch: usize,
}

/// A cheap, fixed hash of an index, so that choices look random but every run makes the same.
fn mix(index: usize, salt: u64) -> u64 {
    let mut x = (index as u64) ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn pick<'a>(list: &[&'a str], index: usize, salt: u64) -> &'a str {
    list[(mix(index, salt) % list.len() as u64) as usize]
}

const FIRST_NAMES: [&str; 40] = [
    "Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Isabel", "Jamal", "Keiko", "Liam", "Maya",
    "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wendy", "Xavier", "Yara", "Zane",
    "Amir", "Bianca", "Carlos", "Diana", "Emeka", "Fatima", "Gustav", "Hana", "Ivan", "Julia", "Kofi", "Lucia",
    "Marco", "Nadia",
];
const LAST_NAMES: [&str; 60] = [
    "Reyes",
    "Okafor",
    "Lindqvist",
    "Patel",
    "Moreau",
    "Haddad",
    "Kim",
    "Novak",
    "Garcia",
    "Smith",
    "Nguyen",
    "Johnson",
    "Brown",
    "Silva",
    "Rossi",
    "Muller",
    "Kowalski",
    "Tanaka",
    "Ivanova",
    "Cohen",
    "Oconnor",
    "Dubois",
    "Jensen",
    "Hansen",
    "Fischer",
    "Schmidt",
    "Martin",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Morales",
    "Murphy",
];
const COMPANIES: [&str; 12] = [
    "Acme Plumbing",
    "Blue Harbor Dental",
    "Cedar Auto Repair",
    "Delta Logistics",
    "Evergreen Realty",
    "Fern Street Bakery",
    "Granite Fitness",
    "Harbor Veterinary",
    "Iris Salon",
    "Juniper Landscaping",
    "Keystone Insurance",
    "Lakeside Pharmacy",
];
const ITEMS: [&str; 40] = [
    "espresso machine",
    "bicycle",
    "sofa",
    "washing machine",
    "laptop",
    "prescription",
    "windshield",
    "water heater",
    "wedding cake",
    "gutter cleaning",
    "dental cleaning",
    "oil change",
    "haircut",
    "lawn mower",
    "air conditioner",
    "refrigerator",
    "mattress",
    "kitchen faucet",
    "brake pads",
    "puppy vaccination",
    "passport photos",
    "tax return",
    "roof inspection",
    "carpet cleaning",
    "garage door",
    "furnace tune-up",
    "dishwasher",
    "tire rotation",
    "eye exam",
    "massage",
    "yoga class",
    "piano lesson",
    "moving truck",
    "storage unit",
    "catering order",
    "flower arrangement",
    "phone screen",
    "printer cartridge",
    "dog grooming",
    "window repair",
];
const DAYS: [&str; 9] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "tomorrow",
    "next week",
    "this afternoon",
];
const INBOUND: [&str; 16] = [
    "Hi, is my {item} ready for pickup?",
    "Can I book an appointment for the {item} on {day}?",
    "Hello, I need to reschedule my {item} appointment to {day}",
    "Can you send me the invoice for the {item} again please",
    "What time do you close {day}?",
    "The {item} arrived but it is damaged, can I get a refund?",
    "Do you have any openings {day} for a {item}?",
    "Thanks so much, see you {day}!",
    "How much does the {item} cost?",
    "I was charged twice for the {item}, please check my account",
    "Is delivery tomorrow possible for the {item}?",
    "Ok sounds good",
    "Where do I park when I come in {day}?",
    "Can my husband pick up the {item} instead of me?",
    "Running ten minutes late, sorry!",
    "Do you accept credit cards or only cash for the {item}?",
];
const OUTBOUND: [&str; 14] = [
    "Good morning! Your {item} is ready, we are open until 6pm.",
    "Yes, we have an opening {day} at 10am or 2pm. Which works better?",
    "No problem, your {item} appointment is moved to {day}.",
    "I just emailed the invoice again, please check your spam folder too.",
    "Sorry to hear that! We will send a replacement {item} or refund you, your choice.",
    "The {item} is $89 plus tax.",
    "You're welcome, have a great day!",
    "Delivery tomorrow works, our driver will call 30 minutes before.",
    "We refunded the duplicate charge, it takes 3 to 5 business days to show.",
    "Parking is behind the building, entrance on 2nd street.",
    "Of course, just have them bring your order number.",
    "We accept all major credit cards and Apple Pay.",
    "Thanks for letting us know, see you soon.",
    "Confirmed for {day}. Reply C to cancel.",
];

fn body_of(templates: &[&str], index: usize) -> String {
    pick(templates, index, 1)
        .replace("{item}", pick(&ITEMS, index, 2))
        .replace("{day}", pick(&DAYS, index, 3))
}

/// Who owns a conversation: (agent, group).
type Owner = (Option<AgentId>, Option<GroupId>);

struct People {
    agents: Vec<AgentId>,
    groups: Vec<GroupId>,
    /// Each group's members, as indexes into `agents`.
    members: Vec<Vec<usize>>,
}

pub fn run(args: SeedInboxArgs) -> anyhow::Result<()> {
    if args.batch == 0 || args.batch > MAX_BATCH {
        bail!("--batch must be between 1 and {MAX_BATCH}");
    }
    if args.agents < 2 || args.groups < 2 || !args.conversations.is_multiple_of(2) || args.open * 4 > args.conversations
    {
        bail!("need 2 agents and 2 groups or more, an even number of conversations and at most a quarter of them open");
    }
    let db = Database::connect(&args.database_url, 2).context("connecting to the database")?;
    let target = find_target(&db, args.organization.as_deref())?;
    let started = Instant::now();
    let now = textdesk_db::now();

    let people = seed_people(&db, &target, &args, now)?;
    eprintln!(
        "  {} agents, {} groups ({:.0} s)",
        people.agents.len(),
        people.groups.len(),
        started.elapsed().as_secs_f64()
    );

    let contact_count = args.conversations / 2;
    let mut phones = phones::numbers(INBOX_PHONES_START, contact_count);
    if phones.len() < contact_count {
        bail!("only {} distinct numbers are available", phones.len());
    }
    if let Some(first) = phones.first_mut() {
        SEARCHED_PHONE.clone_into(first);
    }
    // One conversation every `spacing` seconds, the newest opened five minutes ago.
    let spacing: i64 = 120;
    let first_at = now - Duration::minutes(5) - Duration::seconds(spacing * args.conversations as i64);
    let mut contact_rows: Vec<ContactRow> = Vec::with_capacity(contact_count);
    for (index, phone) in phones.iter().enumerate() {
        let at = first_at + Duration::seconds(spacing * index as i64);
        let mut contact = contact_row(
            &target,
            phone,
            FIRST_NAMES[index % FIRST_NAMES.len()],
            LAST_NAMES[(index / FIRST_NAMES.len()) % LAST_NAMES.len()],
            at,
            20_000_000 + u32::try_from(index).unwrap_or(u32::MAX),
        );
        if index % 5 == 0 {
            contact.company = COMPANIES[(index / 5) % COMPANIES.len()].to_owned();
        }
        contact_rows.push(contact);
    }
    for chunk in contact_rows.chunks(args.batch) {
        db.write(|conn| insert_all!(conn, contacts::table, chunk).map_err(DbError::from))?;
    }
    eprintln!("  {contact_count} contacts ({:.0} s)", started.elapsed().as_secs_f64());

    let average = (args.messages / args.conversations).max(1);
    let plan = Plan {
        target: &target,
        people: &people,
        contacts: &contact_rows,
        first_open: args.conversations - 2 * args.open,
        first_at,
        spacing,
        spread: 2 * average - 1,
        now,
    };
    let mut totals = Totals::default();
    let mut message_seq: u32 = 0;
    let indexes: Vec<usize> = (0..args.conversations).collect();
    for chunk in indexes.chunks(args.batch) {
        db.write(|conn| plan.seed_batch(conn, chunk, &mut message_seq, &mut totals))
            .with_context(|| format!("seeding conversations {}..", chunk.first().copied().unwrap_or(0)))?;
        let done = chunk.last().map_or(0, |last| last + 1);
        if done % 20_000 < args.batch || done == args.conversations {
            eprintln!(
                "  {done} conversations, {} messages ({:.0} s)",
                totals.messages,
                started.elapsed().as_secs_f64()
            );
        }
    }

    if let Some(phone) = &args.round_robin_number {
        let group = people.groups.first().context("no group")?;
        let updated = db.write(|conn| {
            diesel::update(
                numbers::table
                    .filter(numbers::organization_id.eq(&target.organization))
                    .filter(numbers::phone_number.eq(phone)),
            )
            .set(numbers::auto_assign_group_id.eq(group))
            .execute(conn)
            .map_err(DbError::from)
        })?;
        if updated != 1 {
            bail!("--round-robin-number {phone} is not a connected number of the organization");
        }
    }
    // What the worker's housekeeping does within seconds of a busy spell.
    let folded = textdesk_db::housekeeping::fold_unread_tallies(&db, 0)?;
    eprintln!("  {folded} unread tallies folded");
    let (messages_in_index, conversations_total) = db.read(|conn| count_indexed(conn, &target))?;
    println!(
        "seeded {} agents, {} groups, {contact_count} contacts, {} conversations ({} open, {} waiting, {} follow-up), \
         {} messages, {} unread rows in {:.1} s; {messages_in_index} messages in the search index, \
         {conversations_total} conversations in the organization",
        people.agents.len(),
        people.groups.len(),
        args.conversations,
        totals.open,
        totals.waiting,
        totals.follow_up,
        totals.messages,
        totals.unread,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// How many messages the full-text index holds (FTS5 rows on SQLite, messages with words on
/// PostgreSQL), and the organization's conversations.
fn count_indexed(conn: &mut DbConnection, target: &Target) -> Result<(i64, i64), DbError> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let indexed = match conn {
        DbConnection::Sqlite(sqlite) => {
            diesel::sql_query("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'thanks OR you OR the'")
                .get_result::<Count>(sqlite)?
        }
        DbConnection::Postgresql(pg) => diesel::sql_query(
            "SELECT count(*) AS n FROM messages WHERE search_words @@ to_tsquery('simple', 'thanks | you | the')",
        )
        .get_result::<Count>(pg)?,
    };
    let conversations: i64 = conversations::table
        .filter(conversations::organization_id.eq(&target.organization))
        .count()
        .get_result(conn)?;
    Ok((indexed.n, conversations))
}

fn seed_people(db: &Database, target: &Target, args: &SeedInboxArgs, now: NaiveDateTime) -> anyhow::Result<People> {
    let owner: AgentRow = db.read(|conn| {
        agents::table
            .find(&target.owner)
            .select(AgentRow::as_select())
            .first(conn)
            .map_err(DbError::from)
    })?;
    let mut agent_rows = Vec::with_capacity(args.agents - 1);
    for index in 1..args.agents {
        let at = now - Duration::days(400) + Duration::minutes(index as i64);
        agent_rows.push(AgentRow {
            id: id_at(at, 30_000_000 + u32::try_from(index).unwrap_or(0), target.run),
            email: format!("agent{index:02}@loadgen.textdesk.local"),
            first_name: FIRST_NAMES[index % FIRST_NAMES.len()].to_owned(),
            last_name: format!("Agent{index:02}"),
            screenname: format!("agent{index:02}"),
            role: Role::Agent,
            mobile_number: None,
            disabled: false,
            created_at: at,
            updated_at: at,
            ..owner.clone()
        });
    }
    let mut agents_all: Vec<AgentId> = vec![owner.id.clone()];
    agents_all.extend(agent_rows.iter().map(|row| row.id.clone()));
    let group_rows: Vec<GroupRow> = (0..args.groups)
        .map(|index| {
            let at = now - Duration::days(399) + Duration::minutes(index as i64);
            GroupRow {
                id: id_at(at, 31_000_000 + u32::try_from(index).unwrap_or(0), target.run),
                organization_id: target.organization.clone(),
                name: format!("Team {index:02}{}", if index % 2 == 0 { " (round robin)" } else { "" }),
                created_at: at,
                updated_at: at,
                round_robin: index % 2 == 0,
            }
        })
        .collect();
    // Group g has agents 1 + (5g .. 5g+5) mod (agents − 1); the measured agent (1) is also in
    // the fourth group.
    let seeded = args.agents - 1;
    let mut members: Vec<Vec<usize>> = (0..args.groups)
        .map(|group| (0..5).map(|k| 1 + (5 * group + k) % seeded).collect())
        .collect();
    if let Some(fourth) = members.get_mut(3)
        && !fourth.contains(&1)
    {
        fourth.push(1);
    }
    for list in &mut members {
        list.sort_unstable();
        list.dedup();
    }
    let member_rows: Vec<_> = members
        .iter()
        .zip(&group_rows)
        .flat_map(|(list, group)| {
            list.iter().map(|&agent| {
                (
                    agent_group_members::group_id.eq(group.id.as_str().to_owned()),
                    agent_group_members::agent_id.eq(agents_all[agent].as_str().to_owned()),
                    agent_group_members::organization_id.eq(target.organization.as_str().to_owned()),
                    agent_group_members::created_at.eq(group.created_at),
                )
            })
        })
        .collect();
    db.write(|conn| {
        insert_all!(conn, agents::table, &agent_rows)?;
        insert_all!(conn, agent_groups::table, &group_rows)?;
        insert_all!(conn, agent_group_members::table, &member_rows)?;
        Ok::<_, DbError>(())
    })?;
    Ok(People {
        agents: agents_all,
        groups: group_rows.into_iter().map(|row| row.id).collect(),
        members,
    })
}

#[derive(Default)]
struct Totals {
    messages: usize,
    open: usize,
    waiting: usize,
    follow_up: usize,
    unread: usize,
}

struct Plan<'a> {
    target: &'a Target,
    people: &'a People,
    contacts: &'a [ContactRow],
    /// Conversations from this index on are open every other one.
    first_open: usize,
    first_at: NaiveDateTime,
    spacing: i64,
    /// Messages per conversation run from 1 to this.
    spread: usize,
    now: NaiveDateTime,
}

type UnreadRow = (
    diesel::dsl::Eq<unread_conversations::agent_id, String>,
    diesel::dsl::Eq<unread_conversations::conversation_id, String>,
    diesel::dsl::Eq<unread_conversations::organization_id, String>,
    diesel::dsl::Eq<unread_conversations::marked, bool>,
    diesel::dsl::Eq<unread_conversations::status, ConversationStatus>,
    diesel::dsl::Eq<unread_conversations::owner_agent_id, Option<AgentId>>,
    diesel::dsl::Eq<unread_conversations::owner_group_id, Option<GroupId>>,
    diesel::dsl::Eq<unread_conversations::follow_up, bool>,
    diesel::dsl::Eq<unread_conversations::waiting_since, Option<NaiveDateTime>>,
);

impl Plan<'_> {
    fn owner(&self, index: usize) -> Owner {
        let agents = &self.people.agents;
        let groups = &self.people.groups;
        let roll = mix(index, 10);
        match roll % 10 {
            0..=3 => (Some(agents[(roll / 10) as usize % agents.len()].clone()), None),
            4..=6 => {
                let group = (roll / 10) as usize % groups.len();
                let members = &self.people.members[group];
                let agent = (roll.is_multiple_of(2) && !members.is_empty())
                    .then(|| agents[members[(roll / 1000) as usize % members.len()]].clone());
                (agent, Some(groups[group].clone()))
            }
            _ => (None, None),
        }
    }

    fn seed_batch(
        &self,
        conn: &mut DbConnection,
        chunk: &[usize],
        message_seq: &mut u32,
        totals: &mut Totals,
    ) -> Result<(), DbError> {
        let numbers = take_numbers(conn, &self.target.organization, chunk.len())?;
        let measured = self.people.agents.get(1).unwrap_or(&self.people.agents[0]).clone();
        let mut conversation_rows = Vec::with_capacity(chunk.len());
        let mut message_rows: Vec<MessageRow> = Vec::with_capacity(chunk.len() * (self.spread + 1) / 2);
        let mut unread_rows: Vec<UnreadRow> = Vec::new();
        for (&index, number) in chunk.iter().zip(numbers) {
            let contact = &self.contacts[index % self.contacts.len()];
            let opened = self.first_at + Duration::seconds(self.spacing * index as i64);
            let open = index >= self.first_open && (index - self.first_open).is_multiple_of(2);
            let count = 1 + (index * 5) % self.spread;
            let (owner_agent, owner_group) = self.owner(index);
            let mut conversation = ConversationRow {
                id: id_at(opened, 10_000_000 + u32::try_from(index).unwrap_or(0), self.target.run),
                organization_id: self.target.organization.clone(),
                contact_id: contact.id.clone(),
                number,
                status: if open {
                    ConversationStatus::Open
                } else {
                    ConversationStatus::Closed
                },
                opened_at: opened,
                closed_at: None,
                closed_by: None,
                last_message_at: opened,
                last_message_preview: String::new(),
                last_direction: None,
                owner_agent_id: owner_agent.clone(),
                owner_group_id: owner_group,
                follow_up: open && mix(index, 11).is_multiple_of(10),
                waiting_since: None,
                last_text_direction: None,
                last_outbound_author: None,
                awaiting_agent: false,
                number_id: Some(self.target.number.id.clone()),
            };
            let replier = owner_agent.clone().unwrap_or_else(|| {
                self.people.agents[(mix(index, 12) % self.people.agents.len() as u64) as usize].clone()
            });
            for k in 0..count {
                let at = opened + Duration::seconds(40 * k as i64);
                let direction = if k % 2 == 0 {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                };
                let body_index = index * 16 + k;
                let body = match direction {
                    Direction::Inbound => body_of(&INBOUND, body_index),
                    _ => body_of(&OUTBOUND, body_index),
                };
                let mut message = message_row(self.target, &conversation, contact, direction, &body, at, *message_seq);
                *message_seq = message_seq.wrapping_add(1);
                if direction == Direction::Outbound {
                    message.author_id = Some(replier.as_str().to_owned());
                    conversation.last_outbound_author = Some(AuthorKind::Agent);
                }
                conversation.last_message_at = at;
                conversation.last_message_preview = preview_of(&message.body);
                conversation.last_direction = Some(direction);
                conversation.last_text_direction = Some(direction);
                message_rows.push(message);
            }
            let last_inbound = conversation.last_direction == Some(Direction::Inbound);
            if open {
                totals.open += 1;
                totals.follow_up += usize::from(conversation.follow_up);
                if last_inbound {
                    conversation.waiting_since = Some(conversation.last_message_at);
                    totals.waiting += 1;
                }
            } else {
                let closed_at = (conversation.last_message_at + Duration::hours(2)).min(self.now);
                conversation.closed_at = Some(closed_at);
                conversation.closed_by = Some(replier.clone());
            }
            // Waiting conversations are unread for all but their readers: the measured agent
            // read half of them, agents 2–10 one in three each. The measured agent marked one
            // closed conversation in a hundred unread.
            let unread_for: Vec<(&AgentId, bool)> = if conversation.waiting_since.is_some() {
                self.people
                    .agents
                    .iter()
                    .enumerate()
                    .filter(|(n, agent)| match n {
                        2..=10 => !mix(index, 20 + *n as u64).is_multiple_of(3),
                        _ => *agent != &measured || !mix(index, 13).is_multiple_of(2),
                    })
                    .map(|(_, agent)| (agent, false))
                    .collect()
            } else if !open && mix(index, 13).is_multiple_of(100) {
                vec![(&measured, true)]
            } else {
                Vec::new()
            };
            for (agent, marked) in unread_for {
                unread_rows.push((
                    unread_conversations::agent_id.eq(agent.as_str().to_owned()),
                    unread_conversations::conversation_id.eq(conversation.id.as_str().to_owned()),
                    unread_conversations::organization_id.eq(self.target.organization.as_str().to_owned()),
                    unread_conversations::marked.eq(marked),
                    unread_conversations::status.eq(conversation.status),
                    unread_conversations::owner_agent_id.eq(conversation.owner_agent_id.clone()),
                    unread_conversations::owner_group_id.eq(conversation.owner_group_id.clone()),
                    unread_conversations::follow_up.eq(conversation.follow_up),
                    unread_conversations::waiting_since.eq(conversation.waiting_since),
                ));
            }
            conversation_rows.push(conversation);
        }
        insert_all!(conn, conversations::table, &conversation_rows)?;
        for rows in message_rows.chunks(MAX_BATCH) {
            insert_all!(conn, messages::table, rows)?;
        }
        // Nine columns a row: twice the message batch stays under SQLite's parameter limit.
        for rows in unread_rows.chunks(MAX_BATCH * 2) {
            insert_all!(conn, unread_conversations::table, rows)?;
        }
        totals.messages += message_rows.len();
        totals.unread += unread_rows.len();
        Ok(())
    }
}
