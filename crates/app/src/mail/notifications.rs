//! Notification mail, by each agent's choices (seed 003 "Set Email Forwarding"): texts in
//! their own or their group's conversations, transfers to or from them or their group. A burst
//! makes one mail: the mail is written once no text came for [`QUIET`], and at the latest
//! [`LONGEST`] after the first. An agent whose open tab shows the conversation gets none.

use chrono::{Duration, NaiveDateTime};
use textdesk_db::conversations::ConversationRow;
use textdesk_db::mails::{self, NewMail};
use textdesk_db::notifications::{self, Notice};
use textdesk_db::{DbConnection, DbError, agents, contacts, conversations, media, messages};
use textdesk_domain::assignment::Owner;
use textdesk_types::agents::NotificationTopic;
use textdesk_types::mail::MailKind;
use textdesk_types::{AgentId, ConversationId};

use super::MailSettings;
use super::compose::{self, Notification, NotifiedText};
use crate::assignment::online_since;
use crate::tokens::{hash_token, new_address_token, new_secret_token};
use crate::{AppContext, AppResult};

/// A burst is over once no text came for this long.
pub const QUIET: Duration = Duration::seconds(30);
/// However long a burst goes on, its mail is written this long after its first text.
pub const LONGEST: Duration = Duration::minutes(2);
/// Texts a mail shows; the rest are counted.
const TEXTS_SHOWN: i64 = 20;

/// New texts from the contact arrived in `conversation` (as it is after assignment), the first
/// at `first_at`: gathers them for whoever wants to know.
pub fn texts_arrived(
    conn: &mut DbConnection,
    conversation: &ConversationRow,
    first_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    for (agent, topic) in notifications::text_recipients(conn, conversation)? {
        let notice = Notice {
            organization: &conversation.organization_id,
            agent: &agent,
            conversation: &conversation.id,
            topic,
            transfer: None,
            since: first_at,
            at: now,
        };
        notifications::gather(conn, &notice, now + QUIET)?;
    }
    Ok(())
}

/// `by` gave `conversation` (as it was) to `after`; `sentence` says so.
pub fn transferred(
    conn: &mut DbConnection,
    conversation: &ConversationRow,
    after: &Owner,
    by: &AgentId,
    sentence: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let before = (
        conversation.owner_agent_id.as_ref(),
        conversation.owner_group_id.as_ref(),
    );
    let after = (after.agent.as_ref(), after.group.as_ref());
    for (agent, topic) in notifications::transfer_recipients(conn, before, after, by)? {
        let notice = Notice {
            organization: &conversation.organization_id,
            agent: &agent,
            conversation: &conversation.id,
            topic,
            transfer: Some(sentence),
            since: now,
            at: now,
        };
        notifications::gather(conn, &notice, now + QUIET)?;
    }
    Ok(())
}

/// What the notification job asks of the queue.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    Done,
    /// The burst is still going: look again then.
    WaitUntil(NaiveDateTime),
}

/// Writes the agent's notification about the conversation once its burst is over.
pub fn write(
    app: &AppContext,
    settings: &MailSettings,
    agent: &AgentId,
    conversation: &ConversationId,
) -> AppResult<Step> {
    let now = app.clock.now_naive();
    app.db.write(|conn| {
        let Some(batch) = notifications::find(conn, agent, conversation)? else {
            return Ok(Step::Done);
        };
        let due = (batch.last_at + QUIET).min(batch.first_at + LONGEST);
        if now < due {
            return Ok(Step::WaitUntil(due));
        }
        notifications::remove(conn, agent, conversation)?;
        if textdesk_db::presence::is_viewing(conn, agent, conversation, online_since(now))? {
            return Ok(Step::Done);
        }
        let organization = &batch.organization_id;
        let recipient = agents::find(conn, organization, agent)?;
        if recipient.disabled {
            return Ok(Step::Done);
        }
        let row = conversations::find(conn, organization, conversation)?;
        let contact = contacts::find(conn, organization, &row.contact_id)?.display_name();
        let (texts, total) = messages::inbound_since(conn, conversation, batch.since, TEXTS_SHOWN)?;
        let transfers = batch.transfers()?;
        if texts.is_empty() && transfers.is_empty() {
            return Ok(Step::Done);
        }
        let conversation_url = settings.link(&format!("/conversations/{conversation}"));
        let zone: chrono_tz::Tz = recipient.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let ids: Vec<_> = texts.iter().map(|text| &text.id).collect();
        let mut attached = media::for_messages(conn, &ids)?;
        let told: Vec<NotifiedText> = texts
            .iter()
            .map(|text| NotifiedText {
                at: text
                    .created_at
                    .and_utc()
                    .with_timezone(&zone)
                    .format("%b %-d, %-I:%M %p")
                    .to_string(),
                body: text.body.clone(),
                media: attached
                    .remove(&text.id)
                    .unwrap_or_default()
                    .iter()
                    .map(|item| (media_label(&item.content_type), conversation_url.clone()))
                    .collect(),
            })
            .collect();
        let topics = batch.topics();
        let reasons: Vec<&str> = topics.iter().map(|topic| compose::reason(*topic)).collect();
        let (reply_token, unsubscribe_token) = (new_address_token(), new_secret_token());
        let unsubscribe_url = settings.link(&format!("/unsubscribe?token={unsubscribe_token}"));
        let composed = compose::notification(&Notification {
            contact: &contact,
            conversation_number: row.number,
            transfers: &transfers,
            texts: &told,
            more: total - i64::try_from(told.len()).unwrap_or(0),
            latest: told.is_empty().then_some(row.last_message_preview.as_str()),
            conversation_url: &conversation_url,
            unsubscribe_url: &unsubscribe_url,
            reasons: &reasons,
            can_reply: true,
        });
        let topic_names: Vec<&str> = topics.iter().map(|topic| topic.as_str()).collect();
        mails::queue(
            conn,
            NewMail {
                organization,
                agent: Some(agent),
                kind: MailKind::Notification,
                to: &recipient.email,
                subject: &composed.subject,
                text_body: &composed.text,
                html_body: &composed.html,
                message_id: settings.new_message_id(),
                thread_root: Some(settings.thread_root(conversation, agent)),
                conversation: Some(conversation),
                reply: Some((settings.reply_address(&reply_token), hash_token(&reply_token))),
                unsubscribe: Some((
                    settings.link(&format!("/api/v1/mail/unsubscribe?token={unsubscribe_token}")),
                    hash_token(&unsubscribe_token),
                )),
                topics: &topic_names,
            },
            now,
        )?;
        Ok(Step::Done)
    })
}

fn media_label(content_type: &str) -> String {
    match content_type.split('/').next() {
        Some("image") => "Picture".to_owned(),
        Some("video") => "Video".to_owned(),
        Some("audio") => "Audio".to_owned(),
        _ => format!("File ({content_type})"),
    }
}

/// The choices a notification's one-click link turns off: those it followed.
pub fn unsubscribe(app: &AppContext, token: &str) -> AppResult<Vec<NotificationTopic>> {
    app.db.write(|conn| {
        let Some(mail) = mails::by_unsubscribe_token(conn, &hash_token(token))? else {
            return Err(crate::AppError::BadRequest {
                code: "invalid_unsubscribe_token",
                detail: "This link is unknown or too old; change your notifications in your profile.".to_owned(),
            });
        };
        let (Some(agent), topics) = (mail.agent_id.clone(), mail.topics()) else {
            return Ok(Vec::new());
        };
        let topics: Vec<NotificationTopic> = topics.into_iter().filter_map(NotificationTopic::parse).collect();
        let off = |topic| topics.contains(&topic).then_some(false);
        let changes = agents::AgentChanges {
            notify_transfer_mine: off(NotificationTopic::TransferMine),
            notify_transfer_group: off(NotificationTopic::TransferGroup),
            notify_message_mine: off(NotificationTopic::MessageMine),
            notify_message_group: off(NotificationTopic::MessageGroup),
            ..Default::default()
        };
        if !topics.is_empty() {
            agents::update(conn, &mail.organization_id, &agent, &changes)?;
        }
        Ok(topics)
    })
}
