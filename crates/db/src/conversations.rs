//! Conversations: numbered episodes of a contact's thread, at most one open at a time.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::conversations::{Conversation, ConversationStatus, Replier};
use textdesk_types::messages::{AuthorKind, Direction};
use textdesk_types::views::{OwnerScope, ViewSort};
use textdesk_types::webhooks::WebhookEventType;
use textdesk_types::{AgentId, ContactId, ConversationId, GroupId, NumberId, OrganizationId};

use crate::contacts::ContactRow;
use crate::schema::{
    agent_group_members, contacts, conversations, messages, organizations, unread_conversations, unread_tallies,
};
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
    pub owner_agent_id: Option<AgentId>,
    pub owner_group_id: Option<GroupId>,
    pub follow_up: bool,
    pub waiting_since: Option<NaiveDateTime>,
    pub last_text_direction: Option<Direction>,
    pub last_outbound_author: Option<AuthorKind>,
    pub awaiting_agent: bool,
    pub number_id: Option<NumberId>,
}

impl ConversationRow {
    pub fn is_open(&self) -> bool {
        self.status == ConversationStatus::Open
    }

    /// Who wrote the newest text, notes aside.
    pub fn last_replied_by(&self) -> Option<Replier> {
        match self.last_text_direction? {
            Direction::Inbound => Some(Replier::Contact),
            Direction::Outbound if self.last_outbound_author == Some(AuthorKind::System) => Some(Replier::Automation),
            Direction::Outbound => Some(Replier::Agent),
            Direction::Note | Direction::System => None,
        }
    }

    /// Open and unanswered since before `cutoff` (now less the organization's threshold).
    pub fn is_waiting(&self, cutoff: NaiveDateTime) -> bool {
        self.is_open() && self.waiting_since.is_some_and(|since| since <= cutoff)
    }

    /// The wire form for one agent, given the contact, whether it is unread for them, and the
    /// moment before which an unanswered text counts as waiting.
    pub fn into_wire(self, contact: &ContactRow, unread: bool, waiting_cutoff: NaiveDateTime) -> Conversation {
        Conversation {
            last_replied_by: self.last_replied_by(),
            auto_replied: self.last_outbound_author == Some(AuthorKind::System),
            waiting: self.is_waiting(waiting_cutoff),
            waiting_since: self.waiting_since.map(utc),
            number_id: self.number_id,
            owner_agent_id: self.owner_agent_id,
            owner_group_id: self.owner_group_id,
            awaiting_agent: self.awaiting_agent,
            follow_up: self.follow_up,
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
            owner_agent_id: None,
            owner_group_id: None,
            follow_up: false,
            waiting_since: None,
            last_text_direction: None,
            last_outbound_author: None,
            awaiting_agent: false,
            number_id: None,
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

/// How many of the organization's open conversations go through the business number.
pub fn open_on_number(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    number: &NumberId,
) -> Result<i64, DbError> {
    Ok(conversations::table
        .filter(conversations::organization_id.eq(organization.as_str()))
        .filter(conversations::number_id.eq(number))
        .filter(conversations::status.eq(ConversationStatus::Open))
        .count()
        .get_result(conn)?)
}

/// The organization's conversation numbered `number` (#1003, as agents see it).
pub fn find_by_number(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    number: i64,
) -> Result<ConversationRow, DbError> {
    Ok(conversations::table
        .filter(conversations::organization_id.eq(organization.as_str()))
        .filter(conversations::number.eq(number))
        .select(ConversationRow::as_select())
        .first(conn)?)
}

/// The contact's current conversation: the open one, else the latest; none before the first.
pub fn current_of(conn: &mut DbConnection, contact: &ContactId) -> Result<Option<ConversationRow>, DbError> {
    if let Some(open) = find_open(conn, contact)? {
        return Ok(Some(open));
    }
    Ok(conversations::table
        .filter(conversations::contact_id.eq(contact))
        .order((conversations::opened_at.desc(), conversations::id.desc()))
        .select(ConversationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Which conversations a list shows, for which agent: built-in and custom views, searches and
/// single rows all come down to this, so a rule of what a view holds is written once.
#[derive(Clone, Debug)]
pub struct ConversationFilter {
    pub organization: OrganizationId,
    /// Whose read state the rows carry, and whom `unread` and `owner` mean.
    pub viewer: AgentId,
    pub status: Option<ConversationStatus>,
    /// One contact's conversations only.
    pub contact: Option<ContactId>,
    /// Only conversations unread (`true`) or read (`false`) for the viewer.
    pub unread: Option<bool>,
    /// One conversation, as a list would show it.
    pub id: Option<ConversationId>,
    /// Only these conversations (a selection, search results), as a list would show them.
    pub ids: Option<Vec<ConversationId>>,
    pub owner: Option<OwnerScope>,
    pub owner_agents: Vec<AgentId>,
    pub owner_groups: Vec<GroupId>,
    pub numbers: Vec<NumberId>,
    pub last_replied_by: Option<Replier>,
    /// Part of the contact's name or company (lower-cased), or of their phone number (digits).
    pub contact_text: Option<ContactText>,
    /// Lower-cased words a message of the conversation contains.
    pub message_text: Option<String>,
    pub conversation_number: Option<i64>,
    pub labels: Vec<String>,
    pub opted_out: Option<bool>,
    /// Waiting (`true`) or not (`false`), given the moment before which an unanswered text
    /// counts as waiting.
    pub waiting: Option<(bool, NaiveDateTime)>,
    pub follow_up: Option<bool>,
    pub awaiting_agent: Option<bool>,
    pub opened_from: Option<NaiveDateTime>,
    pub opened_until: Option<NaiveDateTime>,
    pub active_from: Option<NaiveDateTime>,
    pub active_until: Option<NaiveDateTime>,
    pub sort: ViewSort,
}

/// What a contact criterion looks for.
#[derive(Clone, Debug)]
pub struct ContactText {
    /// Lower-cased, for names and companies.
    pub words: String,
    /// The digits typed, when there are enough to look for in phone numbers.
    pub digits: Option<String>,
}

impl ConversationFilter {
    /// Whether a criterion needs the conversation's own row: not only the columns
    /// `unread_conversations` keeps a copy of (`kept_conditions!`). Every field is named, so a
    /// new criterion must be placed here on one side or the other.
    fn needs_conversations(&self) -> bool {
        let ConversationFilter {
            organization: _,
            viewer: _,
            status: _,
            owner: _,
            owner_agents: _,
            owner_groups: _,
            waiting: _,
            follow_up: _,
            sort: _,
            contact,
            unread,
            id,
            ids,
            numbers,
            last_replied_by,
            contact_text,
            message_text,
            conversation_number,
            labels,
            opted_out,
            awaiting_agent,
            opened_from,
            opened_until,
            active_from,
            active_until,
        } = self;
        contact.is_some()
            || unread.is_some()
            || id.is_some()
            || ids.is_some()
            || !numbers.is_empty()
            || last_replied_by.is_some()
            || contact_text.is_some()
            || message_text.is_some()
            || conversation_number.is_some()
            || !labels.is_empty()
            || opted_out.is_some()
            || awaiting_agent.is_some()
            || opened_from.is_some()
            || opened_until.is_some()
            || active_from.is_some()
            || active_until.is_some()
    }

    pub fn new(organization: OrganizationId, viewer: AgentId) -> Self {
        ConversationFilter {
            organization,
            viewer,
            status: None,
            contact: None,
            unread: None,
            id: None,
            ids: None,
            owner: None,
            owner_agents: Vec::new(),
            owner_groups: Vec::new(),
            numbers: Vec::new(),
            last_replied_by: None,
            contact_text: None,
            message_text: None,
            conversation_number: None,
            labels: Vec::new(),
            opted_out: None,
            waiting: None,
            follow_up: None,
            awaiting_agent: None,
            opened_from: None,
            opened_until: None,
            active_from: None,
            active_until: None,
            sort: ViewSort::LastActivity,
        }
    }
}

/// A conversation of a list with its contact and whether it is unread for the viewer.
pub struct ListedConversation {
    pub conversation: ConversationRow,
    pub contact: ContactRow,
    pub unread: bool,
}

/// Where a page of a list starts: after the row with this sort key and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListPosition {
    /// The sort's time of that row (`None`: a row without one, in the longest-waiting sort).
    pub at: Option<NaiveDateTime>,
    pub id: String,
}

impl ListPosition {
    /// The position of a row in a list sorted by `sort`.
    pub fn of(row: &ConversationRow, sort: ViewSort) -> ListPosition {
        let at = match sort {
            ViewSort::LastActivity => Some(row.last_message_at),
            ViewSort::Created => Some(row.opened_at),
            ViewSort::LongestWaiting => row.waiting_since,
        };
        ListPosition {
            at,
            id: row.id.as_str().to_owned(),
        }
    }
}

// SQL's COALESCE for a condition: where a column compared is NULL the comparison is unknown,
// and the row does not have the property for that.
diesel::define_sql_function! {
    #[sql_name = "COALESCE"]
    fn unknown_is_false(condition: diesel::sql_types::Nullable<diesel::sql_types::Bool>, otherwise: diesel::sql_types::Bool) -> diesel::sql_types::Bool;
}

diesel::define_sql_function! {
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Whether a listed row is unread for the viewer: their row of `unread_conversations`, left
/// joined by `filtered!`, is there.
macro_rules! unread_for_viewer {
    () => {
        unread_conversations::agent_id.nullable().is_not_null()
    };
}

/// The groups of the filters' viewer, read before the query when a filter asks for "my groups"
/// and bound as values: as a subquery, the planner guessed its size from the members' table,
/// which a young install has not analysed yet, and walked all open conversations
/// (BENCHMARKS.md, "Issue 11, third session").
struct ViewerGroups(Vec<String>);

impl ViewerGroups {
    fn read<'a>(
        conn: &mut DbConnection,
        filters: impl IntoIterator<Item = &'a ConversationFilter>,
    ) -> Result<ViewerGroups, DbError> {
        let mut filters = filters.into_iter();
        let Some(viewer) = filters
            .find(|filter| filter.owner == Some(OwnerScope::MyGroups))
            .map(|filter| filter.viewer.as_str())
        else {
            return Ok(ViewerGroups(Vec::new()));
        };
        Ok(ViewerGroups(
            agent_group_members::table
                .filter(agent_group_members::agent_id.eq(viewer))
                .select(agent_group_members::group_id)
                .load(conn)?,
        ))
    }
}

/// The criteria of a filter that `unread_conversations` keeps a copy of the columns for (status,
/// owners, waiting, follow-up: what the built-in views ask), as one boxed condition on the
/// columns of `$kept`: `conversations`, or the viewer's unread rows, which counts read alone.
/// The waiting criterion is the one thing a tally keeps differently (whether the clock runs,
/// not since when); a source that keeps it so says what it is with `|waiting, cutoff| …`.
macro_rules! kept_conditions {
    ($filter:expr, $source:ty, $kept:ident, $groups:expr) => {
        kept_conditions!($filter, $source, $kept, $groups, |waiting, cutoff| {
            let is_waiting = $kept::status
                .eq(ConversationStatus::Open)
                .and($kept::waiting_since.le(cutoff));
            let criterion: Condition<'_, $source> = if waiting {
                Box::new(is_waiting.nullable())
            } else {
                Box::new(diesel::dsl::not(unknown_is_false(is_waiting.nullable(), false)).nullable())
            };
            criterion
        })
    };
    ($filter:expr, $source:ty, $kept:ident, $groups:expr, |$waiting:ident, $cutoff:ident| $waiting_criterion:expr) => {{
        use diesel::sql_types::Bool;
        let filter: &ConversationFilter = $filter;
        let viewer = filter.viewer.as_str();
        let mut all: Condition<'_, $source> = Box::new(true.into_sql::<Bool>().nullable());
        macro_rules! and {
            ($condition:expr) => {
                all = Box::new(all.and($condition.nullable()))
            };
        }
        if let Some(status) = filter.status {
            and!($kept::status.eq(status));
        }
        match filter.owner {
            Some(OwnerScope::Me) => and!($kept::owner_agent_id.eq(viewer)),
            Some(OwnerScope::MyGroups) => {
                let groups: &ViewerGroups = $groups;
                and!($kept::owner_group_id.eq_any(groups.0.clone()));
            }
            Some(OwnerScope::Nobody) => {
                and!($kept::owner_agent_id.is_null());
                and!($kept::owner_group_id.is_null());
            }
            None => {}
        }
        if !filter.owner_agents.is_empty() {
            and!($kept::owner_agent_id.eq_any(filter.owner_agents.clone()));
        }
        if !filter.owner_groups.is_empty() {
            and!($kept::owner_group_id.eq_any(filter.owner_groups.clone()));
        }
        if let Some(($waiting, $cutoff)) = filter.waiting {
            let criterion: Condition<'_, $source> = $waiting_criterion;
            all = Box::new(all.and(criterion));
        }
        if let Some(follow_up) = filter.follow_up {
            and!($kept::follow_up.eq(follow_up));
        }
        all
    }};
}

/// Every criterion of a filter but the organization, as one boxed condition on `conversations`.
macro_rules! view_conditions {
    ($filter:expr, $source:ty, $groups:expr) => {{
        let kept: Condition<'_, $source> = kept_conditions!($filter, $source, conversations, $groups);
        let other: Condition<'_, $source> = other_conditions!($filter, $source);
        let all: Condition<'_, $source> = Box::new(kept.and(other));
        all
    }};
}

/// The criteria of a filter that need the conversation itself (all but the organization and
/// the kept ones), as one boxed condition. It names no other table of the query (contacts,
/// messages and read state are subqueries), so the same condition serves lists, which join
/// contacts, and counts, which start from the viewer's unread rows.
macro_rules! other_conditions {
    ($filter:expr, $source:ty) => {{
        use diesel::sql_types::Bool;
        let filter: &ConversationFilter = $filter;
        let viewer = filter.viewer.as_str();
        let mut all: Condition<'_, $source> = Box::new(true.into_sql::<Bool>().nullable());
        macro_rules! and {
            ($condition:expr) => {
                all = Box::new(all.and($condition.nullable()))
            };
        }
        if let Some(id) = &filter.id {
            and!(conversations::id.eq(id.clone()));
        }
        if let Some(ids) = &filter.ids {
            and!(conversations::id.eq_any(ids.clone()));
        }
        if let Some(contact) = &filter.contact {
            and!(conversations::contact_id.eq(contact.clone()));
        }
        if let Some(unread) = filter.unread {
            let own = VIEWERS_UNREAD
                .filter(VIEWERS_UNREAD.field(unread_conversations::agent_id).eq(viewer))
                .filter(
                    VIEWERS_UNREAD
                        .field(unread_conversations::conversation_id)
                        .eq(conversations::id),
                );
            if unread {
                and!(diesel::dsl::exists(own));
            } else {
                and!(diesel::dsl::not(diesel::dsl::exists(own)));
            }
        }
        if !filter.numbers.is_empty() {
            and!(conversations::number_id.eq_any(filter.numbers.clone()));
        }
        match filter.last_replied_by {
            Some(Replier::Contact) => and!(conversations::last_text_direction.eq(Direction::Inbound)),
            Some(Replier::Agent) => {
                and!(conversations::last_text_direction.eq(Direction::Outbound));
                and!(conversations::last_outbound_author.ne(AuthorKind::System));
            }
            Some(Replier::Automation) => {
                and!(conversations::last_text_direction.eq(Direction::Outbound));
                and!(conversations::last_outbound_author.eq(AuthorKind::System));
            }
            None => {}
        }
        let organization = filter.organization.as_str();
        macro_rules! contacts_where {
            ($condition:expr) => {
                conversations::contact_id.eq_any(
                    MATCHING_CONTACTS
                        .filter(
                            MATCHING_CONTACTS
                                .field(contacts::organization_id)
                                .eq(organization),
                        )
                        .filter($condition)
                        .select(MATCHING_CONTACTS.field(contacts::id)),
                )
            };
        }
        macro_rules! contact {
            ($column:ident) => {
                MATCHING_CONTACTS.field(contacts::$column)
            };
        }
        if let Some(text) = &filter.contact_text {
            let words = contains_pattern(&text.words);
            let name = lower(contact!(first_name).concat(" ").concat(contact!(last_name)));
            let by_name = name
                .like(words.clone())
                .escape('\\')
                .or(lower(contact!(company)).like(words).escape('\\'));
            match &text.digits {
                Some(digits) => and!(contacts_where!(
                    by_name.or(contact!(phone_number).like(contains_pattern(digits)))
                )),
                None => and!(contacts_where!(by_name)),
            }
        }
        if let Some(text) = &filter.message_text {
            let holding = messages::table
                .filter(messages::conversation_id.eq(conversations::id))
                .filter(lower(messages::body).like(contains_pattern(text)).escape('\\'));
            and!(diesel::dsl::exists(holding));
        }
        if let Some(number) = filter.conversation_number {
            and!(conversations::number.eq(number));
        }
        if !filter.labels.is_empty() {
            let mut any_label: Condition<'_, $source> = Box::new(false.into_sql::<Bool>().nullable());
            for label in &filter.labels {
                let quoted = serde_json::to_string(label).unwrap_or_default();
                let labelled = contacts_where!(contact!(labels).like(contains_pattern(&quoted)).escape('\\'));
                any_label = Box::new(any_label.or(labelled.nullable()));
            }
            all = Box::new(all.and(any_label));
        }
        if let Some(opted_out) = filter.opted_out {
            and!(contacts_where!(contact!(opted_out).eq(opted_out)));
        }
        if let Some(awaiting) = filter.awaiting_agent {
            and!(conversations::awaiting_agent.eq(awaiting));
        }
        if let Some(from) = filter.opened_from {
            and!(conversations::opened_at.ge(from));
        }
        if let Some(until) = filter.opened_until {
            and!(conversations::opened_at.lt(until));
        }
        if let Some(from) = filter.active_from {
            and!(conversations::last_message_at.ge(from));
        }
        if let Some(until) = filter.active_until {
            and!(conversations::last_message_at.lt(until));
        }
        all
    }};
}

/// The filter's conversations joined to their contacts and the viewer's unread row, boxed, with
/// every criterion applied; the caller selects, orders and limits.
macro_rules! filtered {
    ($filter:expr, $groups:expr) => {{
        let filter: &ConversationFilter = $filter;
        let own_unread = unread_conversations::table.on(unread_conversations::conversation_id
            .eq(conversations::id)
            .and(unread_conversations::agent_id.eq(filter.viewer.as_str())));
        let mut query = conversations::table
            .inner_join(contacts::table)
            .left_join(own_unread)
            .into_boxed();
        let organization = filter.organization.as_str();
        // Rows asked for by id are found by key; the organization is then only checked. Left
        // indexable, it leads SQLite (never analysed) to walk all the organization's
        // conversations testing each id (BENCHMARKS.md, issue 11).
        query = if filter.id.is_some() || filter.ids.is_some() {
            query.filter(conversations::organization_id.concat("").eq(organization))
        } else {
            query.filter(conversations::organization_id.eq(organization))
        };
        let conditions = view_conditions!(filter, ListSource<'_>, $groups);
        query.filter(conditions)
    }};
}

// The tables `view_conditions!` reads in subqueries, named apart from the same tables in the
// query the condition is for.
diesel::alias!(
    contacts as matching_contacts: MatchingContacts,
    unread_conversations as viewers_unread: ViewersUnread
);
const MATCHING_CONTACTS: diesel::query_source::Alias<MatchingContacts> = matching_contacts;
const VIEWERS_UNREAD: diesel::query_source::Alias<ViewersUnread> = viewers_unread;

/// A filter's criteria as one condition on queries from `QS`.
type Condition<'a, QS> = Box<
    dyn BoxableExpression<
            QS,
            crate::connection::MultiBackend,
            SqlType = diesel::sql_types::Nullable<diesel::sql_types::Bool>,
        > + 'a,
>;

/// What lists read: conversations with their contacts and the viewer's unread row.
type ListSource<'a> = diesel::dsl::LeftJoinQuerySource<
    diesel::dsl::InnerJoinQuerySource<conversations::table, contacts::table>,
    unread_conversations::table,
    diesel::dsl::And<
        diesel::dsl::Eq<unread_conversations::conversation_id, conversations::id>,
        diesel::dsl::Eq<unread_conversations::agent_id, &'a str>,
    >,
>;

/// What counts read: the viewer's unread rows with their conversations.
type CountSource = diesel::dsl::InnerJoinQuerySource<
    unread_conversations::table,
    conversations::table,
    diesel::dsl::Eq<conversations::id, unread_conversations::conversation_id>,
>;

/// A LIKE pattern for text containing `part`, with LIKE's own characters escaped by `\`.
fn contains_pattern(part: &str) -> String {
    format!("%{}%", crate::escape_like(part))
}

/// A page of the filter's conversations in its sort order, strictly after `after`, with the
/// viewer's unread state computed in the same query.
pub fn list(
    conn: &mut DbConnection,
    filter: &ConversationFilter,
    after: Option<ListPosition>,
    limit: i64,
) -> Result<Vec<ListedConversation>, DbError> {
    let groups = ViewerGroups::read(conn, [filter])?;
    let mut query = filtered!(filter, &groups)
        .select((
            ConversationRow::as_select(),
            ContactRow::as_select(),
            unread_for_viewer!(),
        ))
        .limit(limit);
    query = match filter.sort {
        ViewSort::LastActivity => query.order((conversations::last_message_at.desc(), conversations::id.desc())),
        ViewSort::Created => query.order((conversations::opened_at.desc(), conversations::id.desc())),
        // A list of waiting ones only has no row without the key: ordered by it alone, it is
        // read straight from the waiting index instead of sorted whole (BENCHMARKS.md).
        ViewSort::LongestWaiting if matches!(filter.waiting, Some((true, _))) => {
            query.order((conversations::waiting_since.asc(), conversations::id.asc()))
        }
        // Waiting ones first, the longest waiting first; then the rest in creation order.
        ViewSort::LongestWaiting => query.order((
            conversations::waiting_since.is_null().asc(),
            conversations::waiting_since.asc(),
            conversations::id.asc(),
        )),
    };
    if let Some(ListPosition { at, id }) = after {
        query = match (filter.sort, at) {
            (ViewSort::LastActivity, Some(at)) => query.filter(
                conversations::last_message_at
                    .lt(at)
                    .or(conversations::last_message_at.eq(at).and(conversations::id.lt(id))),
            ),
            (ViewSort::Created, Some(at)) => query.filter(
                conversations::opened_at
                    .lt(at)
                    .or(conversations::opened_at.eq(at).and(conversations::id.lt(id))),
            ),
            (ViewSort::LongestWaiting, Some(at)) => query.filter(
                conversations::waiting_since
                    .gt(at)
                    .or(conversations::waiting_since
                        .eq(at)
                        .and(conversations::id.gt(id.clone())))
                    .or(conversations::waiting_since.is_null()),
            ),
            (ViewSort::LongestWaiting, None) => query
                .filter(conversations::waiting_since.is_null())
                .filter(conversations::id.gt(id)),
            (ViewSort::LastActivity | ViewSort::Created, None) => {
                return Err(DbError::Corrupt("a list position without its time".to_owned()));
            }
        };
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

/// Counts of unread rows, eight to a statement: `$rows` (evaluated per statement) are the rows
/// read, each adding `$weight` (1 for a row, `n` for a tally) to the count of every filter whose
/// condition on it, made by `|$filter| $condition`, holds.
macro_rules! counts_in_statements {
    ($conn:expr, $filters:expr, $source:ty, $rows:expr, $weight:expr, |$filter:ident| $condition:expr) => {{
        use diesel::dsl::{case_when, sum};
        use diesel::sql_types::Bool;
        let filters: &[&ConversationFilter] = $filters;
        let mut counts: Vec<i64> = Vec::with_capacity(filters.len());
        for chunk in filters.chunks(COUNTS_PER_STATEMENT) {
            let counted = |i: usize| {
                let condition: Condition<'_, $source> = match chunk.get(i) {
                    Some($filter) => $condition,
                    None => Box::new(false.into_sql::<Bool>().nullable()),
                };
                sum(case_when(condition, $weight))
            };
            let columns = (
                counted(0),
                counted(1),
                counted(2),
                counted(3),
                counted(4),
                counted(5),
                counted(6),
                counted(7),
            );
            type Sum = Option<i64>;
            let (a, b, c, d, e, f, g, h): (Sum, Sum, Sum, Sum, Sum, Sum, Sum, Sum) =
                $rows.select(columns).first($conn)?;
            counts.extend(
                [a, b, c, d, e, f, g, h]
                    .into_iter()
                    .take(chunk.len())
                    .map(Option::unwrap_or_default),
            );
        }
        counts
    }};
}

/// How many of each filter's conversations are unread for its viewer, in the filters' order.
/// The filters are one agent's (the first one's viewer). Filters on what the viewer's unread
/// rows keep a copy of (the built-in views) are counted from the viewer's tallies, corrected
/// for the clocks that started within the waiting threshold; the others from the viewer's
/// unread rows with their conversations, reached by key. An unread row is its conversation's
/// organization's, which is the viewer's, so nothing constrains the conversations and neither
/// planner walks the organization's instead (BENCHMARKS.md, "Issue 11").
pub fn count_unread(conn: &mut DbConnection, filters: &[ConversationFilter]) -> Result<Vec<i64>, DbError> {
    let Some(first) = filters.first() else {
        return Ok(Vec::new());
    };
    let (viewer, organization) = (first.viewer.as_str(), first.organization.as_str());
    let joins: Vec<bool> = filters.iter().map(ConversationFilter::needs_conversations).collect();
    let (mut joined, mut tallied): (Vec<&ConversationFilter>, Vec<&ConversationFilter>) = (Vec::new(), Vec::new());
    for (filter, joins) in filters.iter().zip(&joins) {
        if *joins {
            joined.push(filter)
        } else {
            tallied.push(filter)
        }
    }
    let own_rows = || {
        unread_conversations::table
            .filter(unread_conversations::agent_id.eq(viewer))
            .filter(unread_conversations::organization_id.eq(organization))
    };
    let groups = ViewerGroups::read(conn, filters)?;
    let tallied_counts = tallied_counts(conn, viewer, organization, &groups, &tallied)?;
    let joined_counts = counts_in_statements!(
        conn,
        &joined,
        CountSource,
        own_rows()
            .inner_join(conversations::table.on(conversations::id.eq(unread_conversations::conversation_id)))
            .into_boxed(),
        1.into_sql::<diesel::sql_types::Integer>(),
        |filter| view_conditions!(filter, CountSource, &groups)
    );
    let (mut tallied_counts, mut joined_counts) = (tallied_counts.into_iter(), joined_counts.into_iter());
    Ok(joins
        .into_iter()
        .map(|joins| {
            let next = if joins {
                joined_counts.next()
            } else {
                tallied_counts.next()
            };
            next.unwrap_or_default()
        })
        .collect())
}

/// The counts of filters on kept columns alone, from the viewer's tallies. A tally knows that a
/// conversation's clock runs, not since when: the rows whose clock started after a filter's
/// waiting cutoff (the last few minutes' texts) are counted apart, and taken off the waiting
/// (or added to the not-waiting) tally.
fn tallied_counts(
    conn: &mut DbConnection,
    viewer: &str,
    organization: &str,
    groups: &ViewerGroups,
    filters: &[&ConversationFilter],
) -> Result<Vec<i64>, DbError> {
    type Tallies = unread_tallies::table;
    let mut counts = counts_in_statements!(
        conn,
        filters,
        Tallies,
        unread_tallies::table
            .filter(unread_tallies::agent_id.eq(viewer))
            .filter(unread_tallies::organization_id.eq(organization))
            .into_boxed(),
        unread_tallies::n,
        |filter| kept_conditions!(filter, Tallies, unread_tallies, groups, |waiting, _cutoff| {
            let clock_runs = unread_tallies::status
                .eq(ConversationStatus::Open)
                .and(unread_tallies::waiting);
            let criterion: Condition<'_, Tallies> = if waiting {
                Box::new(clock_runs.nullable())
            } else {
                Box::new(diesel::dsl::not(clock_runs).nullable())
            };
            criterion
        })
    );
    let on_the_clock: Vec<(usize, &ConversationFilter)> = filters
        .iter()
        .enumerate()
        .filter(|(_, filter)| filter.waiting.is_some())
        .map(|(at, filter)| (at, *filter))
        .collect();
    let Some(earliest_cutoff) = on_the_clock
        .iter()
        .filter_map(|(_, filter)| filter.waiting)
        .map(|(_, cutoff)| cutoff)
        .min()
    else {
        return Ok(counts);
    };
    type Recent = unread_conversations::table;
    let recent_filters: Vec<&ConversationFilter> = on_the_clock.iter().map(|(_, filter)| *filter).collect();
    let recent = counts_in_statements!(
        conn,
        &recent_filters,
        Recent,
        unread_conversations::table
            .filter(unread_conversations::agent_id.eq(viewer))
            .filter(unread_conversations::organization_id.eq(organization))
            .filter(unread_conversations::waiting_since.gt(earliest_cutoff))
            .into_boxed(),
        1.into_sql::<diesel::sql_types::Integer>(),
        |filter| kept_conditions!(filter, Recent, unread_conversations, groups, |_waiting, cutoff| {
            let started_since: Condition<'_, Recent> = Box::new(
                unread_conversations::status
                    .eq(ConversationStatus::Open)
                    .and(unread_conversations::waiting_since.gt(cutoff))
                    .nullable(),
            );
            started_since
        })
    );
    for ((at, filter), recent) in on_the_clock.into_iter().zip(recent) {
        if let (Some(count), Some((waiting, _))) = (counts.get_mut(at), filter.waiting) {
            *count += if waiting { -recent } else { recent };
        }
    }
    Ok(counts)
}

/// How many counts one statement of `count_unread` computes.
const COUNTS_PER_STATEMENT: usize = 8;

/// The ids of the filter's conversations, in its sort order, at most `limit` of them.
pub fn ids(conn: &mut DbConnection, filter: &ConversationFilter, limit: i64) -> Result<Vec<ConversationId>, DbError> {
    Ok(list(conn, filter, None, limit)?
        .into_iter()
        .map(|listed| listed.conversation.id)
        .collect())
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
    pub author: AuthorKind,
    /// The business number it went through, if it is a text.
    pub number: Option<&'a str>,
}

/// What a new message does to a conversation's waiting-for-reply clock (and to what is unread:
/// the same texts start and stop both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WaitingClock {
    /// A contact's text: the clock starts unless it runs already.
    Start,
    /// A reply from the team: the contact has their answer.
    Stop,
    Keep,
}

impl WaitingClock {
    pub(crate) fn of(direction: Direction, author: AuthorKind) -> WaitingClock {
        match (direction, author) {
            (Direction::Inbound, _) => WaitingClock::Start,
            (Direction::Outbound, AuthorKind::Agent | AuthorKind::ApiClient) => WaitingClock::Stop,
            _ => WaitingClock::Keep,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            WaitingClock::Start => "start",
            WaitingClock::Stop => "stop",
            WaitingClock::Keep => "keep",
        }
    }
}

/// The preview the conversation list shows of a message.
pub fn preview_of(body: &str) -> String {
    body.chars().take(PREVIEW_CHARS).collect()
}

/// Whether a message is a text (in or out), rather than a note or system entry.
fn is_text(direction: Direction) -> bool {
    matches!(direction, Direction::Inbound | Direction::Outbound)
}

/// The columns a message sets, beyond its time, preview and direction; `NULL` keeps a column.
const LATEST_COLUMNS: &str = "last_text_direction = COALESCE(latest.text_direction, conversations.last_text_direction), \
     last_outbound_author = COALESCE(latest.outbound_author, conversations.last_outbound_author), \
     number_id = COALESCE(latest.number_id, conversations.number_id), \
     waiting_since = CASE latest.waiting \
         WHEN 'start' THEN COALESCE(conversations.waiting_since, latest.at) \
         WHEN 'stop' THEN NULL ELSE conversations.waiting_since END";

/// Shows each message as its conversation's latest activity, and moves the conversation's
/// flags on (who replied last, waiting for reply, auto-replied). PostgreSQL updates them all
/// with one statement (a batch of webhooks touches many conversations), in id order so
/// concurrent batches lock rows in the same order; SQLite runs in process, where a statement
/// per conversation costs no round trip. Both compute the flags in SQL, from the row as it is
/// when the statement runs.
pub fn touch_all(conn: &mut DbConnection, latest: &[Latest<'_>]) -> Result<(), DbError> {
    use diesel::sql_types::{Array, Nullable, Text, Timestamp};
    match conn {
        DbConnection::Postgresql(pg) => {
            let mut sorted: Vec<&Latest<'_>> = latest.iter().collect();
            sorted.sort_unstable_by_key(|latest| latest.conversation);
            let ids: Vec<&str> = sorted.iter().map(|l| l.conversation).collect();
            let times: Vec<NaiveDateTime> = sorted.iter().map(|l| l.at).collect();
            let previews: Vec<String> = sorted.iter().map(|l| preview_of(l.body)).collect();
            let directions: Vec<&str> = sorted.iter().map(|l| l.direction.as_str()).collect();
            let text_directions: Vec<Option<&str>> = sorted
                .iter()
                .map(|l| is_text(l.direction).then(|| l.direction.as_str()))
                .collect();
            let authors: Vec<Option<&str>> = sorted
                .iter()
                .map(|l| (l.direction == Direction::Outbound).then(|| l.author.as_str()))
                .collect();
            let numbers: Vec<Option<&str>> = sorted.iter().map(|l| l.number).collect();
            let waiting: Vec<&str> = sorted
                .iter()
                .map(|l| WaitingClock::of(l.direction, l.author).as_str())
                .collect();
            diesel::sql_query(format!(
                "UPDATE conversations SET last_message_at = latest.at, \
                 last_message_preview = latest.preview, last_direction = latest.direction, {LATEST_COLUMNS} \
                 FROM unnest($1::text[], $2::timestamp[], $3::text[], $4::text[], $5::text[], $6::text[], \
                     $7::text[], $8::text[]) \
                 AS latest (id, at, preview, direction, text_direction, outbound_author, number_id, waiting) \
                 WHERE conversations.id = latest.id"
            ))
            .bind::<Array<Text>, _>(ids)
            .bind::<Array<Timestamp>, _>(times)
            .bind::<Array<Text>, _>(previews)
            .bind::<Array<Text>, _>(directions)
            .bind::<Array<Nullable<Text>>, _>(text_directions)
            .bind::<Array<Nullable<Text>>, _>(authors)
            .bind::<Array<Nullable<Text>>, _>(numbers)
            .bind::<Array<Text>, _>(waiting)
            .execute(pg)?;
        }
        DbConnection::Sqlite(sqlite) => {
            let statement = format!(
                "UPDATE conversations SET last_message_at = latest.at, \
                 last_message_preview = latest.preview, last_direction = latest.direction, {LATEST_COLUMNS} \
                 FROM (SELECT ? AS id, ? AS at, ? AS preview, ? AS direction, ? AS text_direction, \
                     ? AS outbound_author, ? AS number_id, ? AS waiting) AS latest \
                 WHERE conversations.id = latest.id"
            );
            for latest in latest {
                diesel::sql_query(statement.as_str())
                    .bind::<Text, _>(latest.conversation)
                    .bind::<Timestamp, _>(latest.at)
                    .bind::<Text, _>(preview_of(latest.body))
                    .bind::<Text, _>(latest.direction.as_str())
                    .bind::<Nullable<Text>, _>(is_text(latest.direction).then(|| latest.direction.as_str()))
                    .bind::<Nullable<Text>, _>(
                        (latest.direction == Direction::Outbound).then(|| latest.author.as_str()),
                    )
                    .bind::<Nullable<Text>, _>(latest.number)
                    .bind::<Text, _>(WaitingClock::of(latest.direction, latest.author).as_str())
                    .execute(sqlite)?;
            }
        }
    }
    Ok(())
}

/// Closes an open conversation; the next message in the thread opens a new one. Closing
/// answers the waiting flag, removes the follow-up flag and settles what was unread (but the
/// agents' own marks). Returns whether it was open.
pub fn close(conn: &mut DbConnection, id: &ConversationId, by: &AgentId, at: NaiveDateTime) -> Result<bool, DbError> {
    let closed = diesel::update(
        conversations::table
            .find(id.as_str())
            .filter(conversations::status.eq(ConversationStatus::Open)),
    )
    .set((
        conversations::status.eq(ConversationStatus::Closed),
        conversations::closed_at.eq(at),
        conversations::closed_by.eq(by),
        conversations::follow_up.eq(false),
        conversations::waiting_since.eq(None::<NaiveDateTime>),
        conversations::awaiting_agent.eq(false),
    ))
    .execute(conn)?;
    if closed == 1 {
        crate::unread::settled(conn, &[id.as_str()])?;
        announce(conn, id, WebhookEventType::ConversationClosed)?;
    }
    Ok(closed == 1)
}

/// Tells the webhook endpoints that take `kind` about the conversation as it now is.
fn announce(conn: &mut DbConnection, id: &ConversationId, kind: WebhookEventType) -> Result<(), DbError> {
    let row = conversations::table
        .find(id.as_str())
        .select(ConversationRow::as_select())
        .first(conn)?;
    crate::webhook_outbox::conversation(conn, kind, &row)
}

/// Gives the conversation to an owner (both `None`: nobody). `awaiting` says it waits in a
/// round-robin group for a member to come online.
pub fn set_owner(
    conn: &mut DbConnection,
    id: &ConversationId,
    agent: Option<&AgentId>,
    group: Option<&GroupId>,
    awaiting: bool,
) -> Result<(), DbError> {
    diesel::update(conversations::table.find(id.as_str()))
        .set((
            conversations::owner_agent_id.eq(agent),
            conversations::owner_group_id.eq(group),
            conversations::awaiting_agent.eq(awaiting),
        ))
        .execute(conn)?;
    announce(conn, id, WebhookEventType::ConversationAssigned)
}

/// Records the business number a conversation started through before any text went.
pub fn set_number(conn: &mut DbConnection, id: &ConversationId, number: &NumberId) -> Result<(), DbError> {
    diesel::update(conversations::table.find(id.as_str()))
        .set(conversations::number_id.eq(number))
        .execute(conn)?;
    Ok(())
}

pub fn set_follow_up(conn: &mut DbConnection, id: &ConversationId, follow_up: bool) -> Result<(), DbError> {
    diesel::update(conversations::table.find(id.as_str()))
        .set(conversations::follow_up.eq(follow_up))
        .execute(conn)?;
    Ok(())
}

/// The round-robin group's conversations waiting for a member, oldest first.
pub fn awaiting_in(conn: &mut DbConnection, group: &GroupId, limit: i64) -> Result<Vec<ConversationRow>, DbError> {
    Ok(conversations::table
        .filter(conversations::owner_group_id.eq(group.as_str()))
        .filter(conversations::awaiting_agent.eq(true))
        .filter(conversations::status.eq(ConversationStatus::Open))
        .order((conversations::opened_at.asc(), conversations::id.asc()))
        .limit(limit)
        .select(ConversationRow::as_select())
        .load(conn)?)
}

/// The group's conversations no longer wait for a member to come online (its round robin was
/// switched off); they stay the group's.
pub fn stop_awaiting(conn: &mut DbConnection, group: &GroupId) -> Result<(), DbError> {
    diesel::update(
        conversations::table
            .filter(conversations::owner_group_id.eq(group.as_str()))
            .filter(conversations::awaiting_agent.eq(true)),
    )
    .set(conversations::awaiting_agent.eq(false))
    .execute(conn)?;
    Ok(())
}

/// Deletes the conversation with its messages, their media, their pending sends and every
/// agent's read state.
pub fn delete(conn: &mut DbConnection, id: &ConversationId) -> Result<(), DbError> {
    use crate::schema::{jobs, media};
    let message_ids = || {
        messages::table
            .filter(messages::conversation_id.eq(id.as_str()))
            .select(messages::id.nullable())
    };
    diesel::delete(media::table.filter(media::message_id.eq_any(message_ids()))).execute(conn)?;
    diesel::delete(jobs::table.filter(jobs::message_id.eq_any(message_ids()))).execute(conn)?;
    diesel::delete(messages::table.filter(messages::conversation_id.eq(id.as_str()))).execute(conn)?;
    crate::unread::forget(conn, id)?;
    diesel::delete(conversations::table.find(id.as_str())).execute(conn)?;
    Ok(())
}
