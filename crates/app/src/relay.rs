//! Text relay (seed 003 "Reply to a Message Using TXT Relay"): while an agent with relay on is
//! away from the Message Center, each new text in a conversation they own goes to their own
//! phone from their relay number as `#<conversation number> <contact>: <text>`; a reply from
//! that phone starting with the conversation number is sent to the contact through the same
//! reply operation as the app's. Texts from the agent's phone never touch contacts or keywords,
//! so STOP from it opts no customer out.

use chrono::NaiveDateTime;
use textdesk_db::conversations::ConversationRow;
use textdesk_db::messages::MessageRow;
use textdesk_db::numbers::NumberRow;
use textdesk_db::relay::{self, INBOUND, NewRelayText, OUTBOUND, RelayRow};
use textdesk_db::{DbConnection, DbError, agents, contacts, conversations, numbers, presence};
use textdesk_domain::relay::{REPLY_RULES, RelayRefusal, forwarded, parse_reply};
use textdesk_providers::InboundMessage;
use textdesk_types::ConversationId;

use crate::assignment::online_since;
use crate::conversations::reply_from_afar;
use crate::{AppContext, AppError, AppResult, Caller};

/// Forwards a new text of the contact's to the conversation's owner's phone, if they have
/// relay on, a relay number and a mobile number, and no Message Center open.
pub fn forward(
    conn: &mut DbConnection,
    conversation: &ConversationRow,
    text: &MessageRow,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let Some(owner) = &conversation.owner_agent_id else {
        return Ok(());
    };
    let agent = agents::find(conn, &conversation.organization_id, owner)?;
    let (Some(number_id), Some(phone)) = (&agent.relay_number_id, &agent.mobile_number) else {
        return Ok(());
    };
    if !agent.relay_enabled || agent.disabled || presence::is_online(conn, &agent.id, online_since(now))? {
        return Ok(());
    }
    let number = numbers::find(conn, &conversation.organization_id, number_id)?;
    if !number.enabled || !number.relay {
        return Ok(());
    }
    let contact = contacts::find(conn, &conversation.organization_id, &conversation.contact_id)?;
    let body = if text.body.is_empty() {
        "[picture]"
    } else {
        text.body.as_str()
    };
    let relayed = NewRelayText {
        organization: &conversation.organization_id,
        agent: &agent.id,
        number: &number.id,
        direction: OUTBOUND,
        agent_phone: phone,
        body: &forwarded(conversation.number, &contact.display_name(), body),
        conversation: Some(&conversation.id),
        provider_message_id: None,
    };
    relay::record(conn, relayed, now)?;
    Ok(())
}

/// A text to a relay number: from an agent's phone it serves, it is kept and answered by a job;
/// from any other phone it is dropped (a relay number is no customer's to text).
pub fn receive(
    conn: &mut DbConnection,
    number: &NumberRow,
    from: &str,
    message: &InboundMessage,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let Some(agent) = relay::agent_for(conn, &number.id, from)? else {
        tracing::info!(number = %number.id, "a text to a relay number from a phone it serves no agent for was dropped");
        return Ok(());
    };
    let text = NewRelayText {
        organization: &number.organization_id,
        agent: &agent.id,
        number: &number.id,
        direction: INBOUND,
        agent_phone: from,
        body: &message.body,
        conversation: None,
        provider_message_id: Some(&message.provider_message_id),
    };
    relay::record(conn, text, now)?;
    Ok(())
}

/// Sends the reply from the agent's phone to the conversation it names, or tells the phone why
/// not (seed 003's rules) and sends nothing. Each reply is answered once: it is taken before
/// it is sent.
pub fn answer(app: &AppContext, id: &str) -> AppResult<()> {
    let Some(row) = app.db.read(|conn| relay::find(conn, id))? else {
        return Ok(());
    };
    if !app.db.write(|conn| relay::take_for_answer(conn, id))? {
        return Ok(());
    }
    match send_reply(app, &row) {
        Ok(conversation) => Ok(app
            .db
            .write(|conn| relay::settle(conn, &row.id, "answered", (None, None), Some(&conversation)))?),
        Err(Answer::Refused(why)) => refuse(app, &row, &why),
        Err(Answer::Failed(error)) => {
            app.db.write(|conn| relay::give_back(conn, &row.id))?;
            Err(error)
        }
    }
}

enum Answer {
    Refused(String),
    /// Passing trouble (the database): the job tries again.
    Failed(AppError),
}

impl From<AppError> for Answer {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Unavailable(_) | AppError::Busy(_) | AppError::Internal(_) => Answer::Failed(error),
            AppError::Validation(fields) => Answer::Refused(
                fields
                    .iter()
                    .map(|field| format!("the text {}", field.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            other => Answer::Refused(other.to_string()),
        }
    }
}

fn send_reply(app: &AppContext, row: &RelayRow) -> Result<ConversationId, Answer> {
    let reply_to = parse_reply(&row.body).map_err(|refusal| {
        Answer::Refused(
            match refusal {
                RelayRefusal::NoConversationNumber => "it did not start with a conversation number and a space",
                RelayRefusal::Empty => "nothing followed the conversation number",
                RelayRefusal::TooLong => "it was longer than 140 characters",
            }
            .to_owned(),
        )
    })?;
    let organization = &row.organization_id;
    let (agent, conversation) = app.db.read(|conn| {
        let agent = agents::find(conn, organization, &row.agent_id)?;
        let conversation = match conversations::find_by_number(conn, organization, reply_to.conversation_number) {
            Ok(found) => Some(found),
            Err(DbError::NotFound) => None,
            Err(other) => return Err(AppError::from(other)),
        };
        Ok((agent, conversation))
    })?;
    if agent.disabled || !agent.relay_enabled {
        return Err(Answer::Refused("text relay is off in your profile".to_owned()));
    }
    let number = reply_to.conversation_number;
    let conversation = conversation
        .filter(|conversation| conversation.owner_agent_id.as_ref() == Some(&agent.id))
        .ok_or_else(|| Answer::Refused(format!("#{number} is not a conversation of yours")))?;
    let caller = Caller::agent(organization.clone(), agent.id.clone(), agent.role);
    let sent = reply_from_afar(app, &caller, &conversation, reply_to.text)?;
    Ok(sent.conversation_id)
}

/// Records why, and tells the agent's phone with seed 003's rules.
fn refuse(app: &AppContext, row: &RelayRow, why: &str) -> AppResult<()> {
    let now = app.clock.now_naive();
    let told = format!("Not sent: {why}. {REPLY_RULES}");
    app.db.write(|conn| {
        relay::settle(conn, &row.id, "refused", (None, Some(why)), None)?;
        let text = NewRelayText {
            organization: &row.organization_id,
            agent: &row.agent_id,
            number: &row.number_id,
            direction: OUTBOUND,
            agent_phone: &row.agent_phone,
            body: &told,
            conversation: None,
            provider_message_id: None,
        };
        relay::record(conn, text, now)?;
        Ok(())
    })
}
