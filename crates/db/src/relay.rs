//! Text relay's texts between a relay number and agents' own phones: none belongs to a
//! conversation, so none reaches contacts, keywords or the inbox.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::messages::SendLane;
use textdesk_types::{AgentId, ConversationId, NumberId, OrganizationId};

use crate::agents::AgentRow;
use crate::jobs::{self, Job, RelayJob};
use crate::schema::{agents, numbers, relay_messages};
use crate::{DbConnection, DbError, ids};

/// To the agent's phone.
pub const OUTBOUND: &str = "outbound";
/// From the agent's phone.
pub const INBOUND: &str = "inbound";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = relay_messages)]
pub struct RelayRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub agent_id: AgentId,
    pub number_id: NumberId,
    pub direction: String,
    pub agent_phone: String,
    pub body: String,
    pub conversation_id: Option<ConversationId>,
    /// queued, sent or failed (outbound); received, answered or refused (inbound).
    pub status: String,
    pub provider_message_id: Option<String>,
    pub error: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A relay text and the job that handles it: sending it to the agent's phone (outbound), or
/// answering the conversation it names (inbound).
pub struct NewRelayText<'a> {
    pub organization: &'a OrganizationId,
    pub agent: &'a AgentId,
    pub number: &'a NumberId,
    pub direction: &'static str,
    pub agent_phone: &'a str,
    pub body: &'a str,
    pub conversation: Option<&'a ConversationId>,
    /// The provider's id of a text from the agent's phone, so a delivery repeated is kept once.
    pub provider_message_id: Option<&'a str>,
}

/// Keeps the text and queues its job; `None` when the provider delivered it before.
pub fn record(conn: &mut DbConnection, text: NewRelayText<'_>, at: NaiveDateTime) -> Result<Option<RelayRow>, DbError> {
    let outbound = text.direction == OUTBOUND;
    let row = RelayRow {
        id: ids::new_id(),
        organization_id: text.organization.clone(),
        agent_id: text.agent.clone(),
        number_id: text.number.clone(),
        direction: text.direction.to_owned(),
        agent_phone: text.agent_phone.to_owned(),
        body: text.body.to_owned(),
        conversation_id: text.conversation.cloned(),
        status: if outbound { "queued" } else { "received" }.to_owned(),
        provider_message_id: text.provider_message_id.map(str::to_owned),
        error: None,
        created_at: at,
    };
    let inserted = match conn {
        DbConnection::Postgresql(pg) => diesel::insert_into(relay_messages::table)
            .values(&row)
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_or_ignore_into(relay_messages::table)
            .values(&row)
            .execute(sqlite)?,
    };
    if inserted == 0 {
        return Ok(None);
    }
    let job = RelayJob {
        relay_message_id: row.id.clone(),
    };
    let job = if outbound {
        Job::SendRelay(job)
    } else {
        Job::AnswerRelay(job)
    };
    jobs::enqueue_at(conn, Some(text.organization), &job, SendLane::Conversational, at)?;
    Ok(Some(row))
}

/// Takes a received reply for answering; false when another run has it or had it. A run that
/// dies after this leaves it unanswered rather than risk sending it twice.
pub fn take_for_answer(conn: &mut DbConnection, id: &str) -> Result<bool, DbError> {
    let taken = diesel::update(
        relay_messages::table
            .find(id)
            .filter(relay_messages::status.eq("received")),
    )
    .set(relay_messages::status.eq("answering"))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Gives a reply back to be answered again (the database failed meanwhile).
pub fn give_back(conn: &mut DbConnection, id: &str) -> Result<(), DbError> {
    diesel::update(relay_messages::table.find(id))
        .set(relay_messages::status.eq("received"))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<RelayRow>, DbError> {
    Ok(relay_messages::table
        .find(id)
        .select(RelayRow::as_select())
        .first(conn)
        .optional()?)
}

/// Where the text went: its status, the provider's id, why it failed, the conversation a
/// reply answered.
pub fn settle(
    conn: &mut DbConnection,
    id: &str,
    status: &str,
    (provider_message_id, error): (Option<&str>, Option<&str>),
    conversation: Option<&ConversationId>,
) -> Result<(), DbError> {
    diesel::update(relay_messages::table.find(id))
        .set((
            relay_messages::status.eq(status),
            relay_messages::provider_message_id.eq(provider_message_id),
            relay_messages::error.eq(error),
            relay_messages::conversation_id.eq(conversation),
        ))
        .execute(conn)?;
    Ok(())
}

/// The enabled agent whose phone `phone` the relay number `number` serves.
pub fn agent_for(conn: &mut DbConnection, number: &NumberId, phone: &str) -> Result<Option<AgentRow>, DbError> {
    Ok(agents::table
        .filter(agents::relay_number_id.eq(number))
        .filter(agents::mobile_number.eq(phone))
        .filter(agents::disabled.eq(false))
        .select(AgentRow::as_select())
        .first(conn)
        .optional()?)
}

impl RelayRow {
    pub fn into_wire(self) -> textdesk_types::relay::RelayText {
        textdesk_types::relay::RelayText {
            from_phone: self.direction == INBOUND,
            id: self.id,
            body: self.body,
            status: self.status,
            conversation_id: self.conversation_id,
            created_at: crate::utc(self.created_at),
        }
    }
}

/// The relay texts to and from a phone, oldest first (the phone simulator's handset).
pub fn for_phone(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    phone: &str,
    limit: i64,
) -> Result<Vec<RelayRow>, DbError> {
    // Only simulator numbers' texts: a real phone's are on the real phone.
    let mut rows: Vec<RelayRow> = relay_messages::table
        .inner_join(numbers::table)
        .filter(relay_messages::organization_id.eq(organization))
        .filter(relay_messages::agent_phone.eq(phone))
        .filter(numbers::provider.eq("simulator"))
        .order((relay_messages::created_at.desc(), relay_messages::id.desc()))
        .limit(limit)
        .select(RelayRow::as_select())
        .load(conn)?;
    rows.reverse();
    Ok(rows)
}
