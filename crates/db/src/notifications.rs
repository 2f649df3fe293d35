//! What agents are to be told by mail, gathered per agent and conversation until a burst of
//! texts or transfers is over: one row (and one job) however many texts arrive meanwhile.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::agents::NotificationTopic;
use textdesk_types::messages::SendLane;
use textdesk_types::{AgentId, ConversationId, GroupId, OrganizationId};

use crate::conversations::ConversationRow;
use crate::jobs::{self, Job, NotifyJob};
use crate::schema::{agent_group_members, agents, notification_batches};
use crate::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = notification_batches)]
pub struct BatchRow {
    pub agent_id: AgentId,
    pub conversation_id: ConversationId,
    pub organization_id: OrganizationId,
    /// The choices that asked for it, comma-separated.
    pub topics: String,
    /// The transfers' sentences, a JSON array.
    pub transfers: String,
    /// Texts from this moment on go in.
    pub since: NaiveDateTime,
    pub first_at: NaiveDateTime,
    pub last_at: NaiveDateTime,
}

impl BatchRow {
    pub fn topics(&self) -> Vec<NotificationTopic> {
        self.topics.split(',').filter_map(NotificationTopic::parse).collect()
    }

    pub fn transfers(&self) -> Result<Vec<String>, DbError> {
        serde_json::from_str(&self.transfers)
            .map_err(|e| DbError::Corrupt(format!("notification batch transfers: {e}")))
    }
}

/// Something to tell an agent about a conversation.
pub struct Notice<'a> {
    pub organization: &'a OrganizationId,
    pub agent: &'a AgentId,
    pub conversation: &'a ConversationId,
    pub topic: NotificationTopic,
    /// A transfer's sentence, such as "Sam Lee transferred this conversation to you".
    pub transfer: Option<&'a str>,
    /// When the texts to tell of start.
    pub since: NaiveDateTime,
    pub at: NaiveDateTime,
}

/// Adds the notice to the agent's batch for the conversation; a new batch gets a job at `due`.
pub fn gather(conn: &mut DbConnection, notice: &Notice<'_>, due: NaiveDateTime) -> Result<(), DbError> {
    // The notification job may remove the batch between the insert that found it and the
    // read that follows: then a new one is started.
    for _ in 0..3 {
        if add_or_start(conn, notice, due)? {
            return Ok(());
        }
    }
    Err(DbError::Corrupt(
        "a notification batch kept vanishing while it was added to".to_owned(),
    ))
}

/// Starts the batch or adds to it; false when it vanished meanwhile.
fn add_or_start(conn: &mut DbConnection, notice: &Notice<'_>, due: NaiveDateTime) -> Result<bool, DbError> {
    let fresh = BatchRow {
        agent_id: notice.agent.clone(),
        conversation_id: notice.conversation.clone(),
        organization_id: notice.organization.clone(),
        topics: notice.topic.as_str().to_owned(),
        transfers: serde_json::Value::from(notice.transfer.into_iter().collect::<Vec<_>>()).to_string(),
        since: notice.since,
        first_at: notice.at,
        last_at: notice.at,
    };
    let inserted = match conn {
        DbConnection::Postgresql(pg) => diesel::insert_into(notification_batches::table)
            .values(&fresh)
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_or_ignore_into(notification_batches::table)
            .values(&fresh)
            .execute(sqlite)?,
    };
    if inserted == 1 {
        let job = Job::NotifyAgent(NotifyJob {
            agent_id: notice.agent.clone(),
            conversation_id: notice.conversation.clone(),
        });
        jobs::enqueue_at(conn, Some(notice.organization), &job, SendLane::Automated, due)?;
        return Ok(true);
    }
    let key = (notice.agent.as_str(), notice.conversation.as_str());
    let current: Option<BatchRow> = match conn {
        // Another transaction may be adding to the same batch: take turns.
        DbConnection::Postgresql(pg) => notification_batches::table
            .find(key)
            .select(BatchRow::as_select())
            .for_update()
            .first(pg)
            .optional()?,
        DbConnection::Sqlite(sqlite) => notification_batches::table
            .find(key)
            .select(BatchRow::as_select())
            .first(sqlite)
            .optional()?,
    };
    let Some(current) = current else { return Ok(false) };
    let mut topics = current.topics();
    if !topics.contains(&notice.topic) {
        topics.push(notice.topic);
    }
    let mut transfers = current.transfers()?;
    transfers.extend(notice.transfer.map(str::to_owned));
    let topics: Vec<&str> = topics.iter().map(|topic| topic.as_str()).collect();
    diesel::update(notification_batches::table.find(key))
        .set((
            notification_batches::topics.eq(topics.join(",")),
            notification_batches::transfers.eq(serde_json::Value::from(transfers).to_string()),
            notification_batches::since.eq(current.since.min(notice.since)),
            notification_batches::last_at.eq(notice.at),
        ))
        .execute(conn)?;
    Ok(true)
}

pub fn find(
    conn: &mut DbConnection,
    agent: &AgentId,
    conversation: &ConversationId,
) -> Result<Option<BatchRow>, DbError> {
    Ok(notification_batches::table
        .find((agent.as_str(), conversation.as_str()))
        .select(BatchRow::as_select())
        .first(conn)
        .optional()?)
}

/// The batch is told (or dropped): texts after this start a new one.
pub fn remove(conn: &mut DbConnection, agent: &AgentId, conversation: &ConversationId) -> Result<(), DbError> {
    diesel::delete(notification_batches::table.find((agent.as_str(), conversation.as_str()))).execute(conn)?;
    Ok(())
}

/// Who wants to hear of new texts in the conversation: its owner, if they chose their own
/// conversations; the members of its group who chose their groups'. Enabled agents only.
pub fn text_recipients(
    conn: &mut DbConnection,
    conversation: &ConversationRow,
) -> Result<Vec<(AgentId, NotificationTopic)>, DbError> {
    let mut recipients = Vec::new();
    if let Some(owner) = &conversation.owner_agent_id {
        let wants: Option<AgentId> = agents::table
            .find(owner)
            .filter(agents::disabled.eq(false))
            .filter(agents::notify_message_mine.eq(true))
            .select(agents::id)
            .first(conn)
            .optional()?;
        recipients.extend(wants.map(|agent| (agent, NotificationTopic::MessageMine)));
    }
    if let Some(group) = &conversation.owner_group_id {
        for member in members_who_want(conn, group, NotificationTopic::MessageGroup)? {
            if !recipients.iter().any(|(agent, _)| agent == &member) {
                recipients.push((member, NotificationTopic::MessageGroup));
            }
        }
    }
    Ok(recipients)
}

/// Who wants to hear that a conversation passed from `before` to `after` (agent, group):
/// either agent, if they chose transfers of their own; members of either group, if they chose
/// their groups'. Not `by`, who made the transfer.
pub fn transfer_recipients(
    conn: &mut DbConnection,
    before: (Option<&AgentId>, Option<&GroupId>),
    after: (Option<&AgentId>, Option<&GroupId>),
    by: &AgentId,
) -> Result<Vec<(AgentId, NotificationTopic)>, DbError> {
    let mut recipients: Vec<(AgentId, NotificationTopic)> = Vec::new();
    let owners: Vec<&AgentId> = [before.0, after.0].into_iter().flatten().collect();
    let wanting: Vec<AgentId> = agents::table
        .filter(agents::id.eq_any(owners))
        .filter(agents::disabled.eq(false))
        .filter(agents::notify_transfer_mine.eq(true))
        .select(agents::id)
        .load(conn)?;
    recipients.extend(
        wanting
            .into_iter()
            .map(|agent| (agent, NotificationTopic::TransferMine)),
    );
    for group in [before.1, after.1].into_iter().flatten() {
        for member in members_who_want(conn, group, NotificationTopic::TransferGroup)? {
            if !recipients.iter().any(|(agent, _)| agent == &member) {
                recipients.push((member, NotificationTopic::TransferGroup));
            }
        }
    }
    recipients.retain(|(agent, _)| agent != by);
    Ok(recipients)
}

/// The group's enabled members who chose `topic` (their groups' texts or transfers).
fn members_who_want(
    conn: &mut DbConnection,
    group: &GroupId,
    topic: NotificationTopic,
) -> Result<Vec<AgentId>, DbError> {
    let members: Vec<(AgentId, bool, bool)> = agent_group_members::table
        .inner_join(agents::table)
        .filter(agent_group_members::group_id.eq(group))
        .filter(agents::disabled.eq(false))
        .select((agents::id, agents::notify_message_group, agents::notify_transfer_group))
        .load(conn)?;
    Ok(members
        .into_iter()
        .filter(|(_, texts, transfers)| match topic {
            NotificationTopic::MessageGroup => *texts,
            _ => *transfers,
        })
        .map(|(agent, _, _)| agent)
        .collect())
}
