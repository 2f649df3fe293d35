//! Customers' texts coming in, from a provider's webhooks or the phone simulator: each is
//! stored once in its contact's thread (a redelivery stores nothing), and its media and
//! keywords are acted on. Many texts are stored together with a fixed number of statements,
//! so a burst of webhooks shares one transaction (see [`batches`]).

pub mod batches;
pub mod statuses;

use std::collections::HashSet;

use chrono::NaiveDateTime;
use textdesk_db::assignment_rules;
use textdesk_db::contacts::{self, ContactRow};
use textdesk_db::conversations::ConversationRow;
use textdesk_db::jobs::{self, Job, MediaJob};
use textdesk_db::messages::{self, MessageRow};
use textdesk_db::numbers::NumberRow;
use textdesk_db::organizations::{self, OrganizationRow};
use textdesk_db::threads::{self, NewThreadMessage, Recorded};
use textdesk_db::{DbConnection, conversations, media};
use textdesk_domain::compliance::could_be_keyword;
use textdesk_providers::{InboundMedia, InboundMessage};
use textdesk_types::messages::SendLane;
use textdesk_types::messages::{AuthorKind, Direction, MessagePurpose};
use textdesk_types::{ContactId, MessageId, NumberId, OrganizationId};

use crate::{AppError, assignment, compliance};

/// A text whose sender is known to be allowed to deliver it to `number`.
pub struct InboundText<'a> {
    pub number: &'a NumberRow,
    /// The customer's number as stored: E.164 when it is one (see [`normalized_phone`]).
    pub from: &'a str,
    pub message: &'a InboundMessage,
}

/// E.164 when the text is a phone number; short codes and alphanumeric senders are kept as sent.
pub(crate) fn normalized_phone(raw: &str) -> String {
    textdesk_domain::phone::PhoneNumber::parse(raw)
        .map(textdesk_domain::phone::PhoneNumber::into_inner)
        .unwrap_or_else(|_| raw.to_owned())
}

/// Stores the texts in the caller's transaction, each organization's in the given order, and
/// assigns the conversations they open (`now` is the app's clock, which presence follows). For
/// each, the stored message, or `None` when it was stored before (same provider account and
/// message id, also earlier in `texts`).
pub fn store_all(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    texts: &[InboundText<'_>],
) -> Result<Vec<Option<MessageRow>>, AppError> {
    let ids: Vec<(&str, &str)> = texts
        .iter()
        .map(|text| {
            (
                text.message.account_sid.as_str(),
                text.message.provider_message_id.as_str(),
            )
        })
        .collect();
    let mut seen: HashSet<(String, String)> = messages::stored_provider_ids(conn, &ids)?.into_iter().collect();
    let fresh: Vec<bool> = ids
        .iter()
        .map(|(account, id)| seen.insert(((*account).to_owned(), (*id).to_owned())))
        .collect();
    let mut stored: Vec<Option<MessageRow>> = texts.iter().map(|_| None).collect();
    let mut organizations: Vec<&OrganizationId> = Vec::new();
    for text in texts {
        if !organizations.contains(&&text.number.organization_id) {
            organizations.push(&text.number.organization_id);
        }
    }
    for organization in organizations {
        let mut indexes: Vec<usize> = (0..texts.len())
            .filter(|&i| fresh[i] && &texts[i].number.organization_id == organization)
            .collect();
        // Texts to a relay number come from agents' phones: they are no conversation's.
        for &i in &indexes {
            if texts[i].number.relay {
                crate::relay::receive(conn, texts[i].number, texts[i].from, texts[i].message, now)?;
            }
        }
        indexes.retain(|&i| !texts[i].number.relay);
        if indexes.is_empty() {
            continue;
        }
        let ours: Vec<&InboundText<'_>> = indexes.iter().map(|&i| &texts[i]).collect();
        let messages = store_for_organization(conn, now, organization, &ours)?;
        for (index, message) in indexes.into_iter().zip(messages) {
            stored[index] = Some(message);
        }
    }
    Ok(stored)
}

/// Stores one organization's new texts, then acts on their media and keywords in order. A
/// keyword's reply (a confirmation or help text, kept out of the thread view) is recorded after
/// every text of the batch, so it can follow a later text of the same contact by moments.
fn store_for_organization(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    organization: &OrganizationId,
    texts: &[&InboundText<'_>],
) -> Result<Vec<MessageRow>, AppError> {
    let senders: Vec<&str> = texts.iter().map(|text| text.from).collect();
    let found = contacts::find_or_create_all(conn, organization, &senders)?;
    let contact_of = |phone: &str| {
        found
            .iter()
            .map(|(contact, _)| contact)
            .find(|contact| contact.phone_number == phone)
            .ok_or(AppError::NotFound("contact"))
    };
    let number_ids: Vec<NumberId> = texts.iter().map(|text| text.number.id.clone()).collect();
    let new: Vec<NewThreadMessage<'_>> = texts
        .iter()
        .zip(&number_ids)
        .map(|(text, number_id)| {
            Ok(NewThreadMessage {
                contact: contact_of(text.from)?,
                conversation: None,
                number: Some((number_id, text.number.phone_number.as_str())),
                direction: Direction::Inbound,
                body: &text.message.body,
                author_kind: AuthorKind::Contact,
                author_id: None,
                author_label: None,
                source: None,
                lane: SendLane::Conversational,
                provider_ids: Some((&text.message.account_sid, &text.message.provider_message_id)),
                purpose: MessagePurpose::Normal,
                scheduled_at: None,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let contacts: Vec<&ContactRow> = texts
        .iter()
        .map(|text| contact_of(text.from))
        .collect::<Result<_, AppError>>()?;
    let recorded = threads::record_all(conn, organization, &new, |conn, recorded| {
        assign_opened(conn, now, organization, texts, &contacts, recorded)
    })?;
    notify_of_texts(conn, organization, &recorded, now)?;
    let messages: Vec<MessageRow> = recorded.into_iter().map(|recorded| recorded.message).collect();
    // Most texts are conversation: the organization's settings are read only when a text
    // could be a keyword or brings media, so the common inbound message costs no more reads.
    let mut settings: Option<OrganizationRow> = None;
    let mut acted_on: HashSet<ContactId> = HashSet::new();
    for ((text, message), number_id) in texts.iter().zip(&messages).zip(&number_ids) {
        let keyword = could_be_keyword(&text.message.body);
        if !keyword && text.message.media.is_empty() {
            continue;
        }
        let settings = match &mut settings {
            Some(settings) => settings,
            None => settings.insert(organizations::find(conn, organization)?),
        };
        if !text.message.media.is_empty() {
            store_media(conn, settings, &message.id, &text.message.media)?;
        }
        if keyword {
            // An earlier keyword of these texts may have changed the contact: read it again.
            let contact = if acted_on.contains(&message.contact_id) {
                contacts::find(conn, organization, &message.contact_id)?
            } else {
                contact_of(text.from)?.clone()
            };
            let through = (number_id, text.number.phone_number.as_str());
            compliance::handle_keyword(conn, settings, &contact, through, &text.message.body)?;
            acted_on.insert(message.contact_id.clone());
        }
    }
    Ok(messages)
}

/// Gathers the texts for the agents who want to hear of them by mail, per conversation as it
/// is now (one a text opened was assigned after it was recorded, so it is read again), and
/// forwards each to its owner's phone when they have text relay on.
fn notify_of_texts(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    recorded: &[Recorded],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let mut current: Vec<ConversationRow> = Vec::new();
    for text in recorded {
        let id = &text.message.conversation_id;
        let conversation = match current.iter().find(|conversation| &conversation.id == id) {
            Some(conversation) => conversation.clone(),
            None => {
                let conversation = if text.opened {
                    conversations::find(conn, organization, id)?
                } else {
                    text.conversation.clone()
                };
                crate::mail::notifications::texts_arrived(conn, &conversation, text.message.created_at, now)?;
                current.push(conversation.clone());
                conversation
            }
        };
        crate::relay::forward(conn, &conversation, &text.message, now)?;
    }
    Ok(())
}

/// Assigns each conversation a text of the batch opened, by its first text. The keyword rules
/// are read only when a batch opens a conversation, so most texts cost no more reads.
fn assign_opened(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    organization: &OrganizationId,
    texts: &[&InboundText<'_>],
    contacts: &[&ContactRow],
    recorded: &[Recorded],
) -> Result<(), AppError> {
    let mut rules = None;
    for ((text, contact), recorded) in texts.iter().zip(contacts).zip(recorded) {
        if !recorded.opened {
            continue;
        }
        let rules = match &rules {
            Some(rules) => rules,
            None => rules.insert(assignment_rules::list(conn, organization)?),
        };
        assignment::assign_new(
            conn,
            now,
            text.number,
            rules,
            &recorded.conversation,
            contact,
            &text.message.body,
        )?;
    }
    Ok(())
}

fn store_media(
    conn: &mut DbConnection,
    settings: &OrganizationRow,
    message_id: &MessageId,
    items: &[InboundMedia],
) -> Result<(), AppError> {
    let organization = &settings.id;
    for item in items {
        // Switched off, media are not fetched (MMS costs more), and the message says so.
        let refused =
            (!settings.settings.inbound_mms_allowed).then_some("Inbound MMS is switched off for this organization.");
        let id = media::insert_inbound(conn, organization, message_id, &item.content_type, &item.url, refused)?;
        if refused.is_none() {
            jobs::enqueue(
                conn,
                Some(organization),
                &Job::FetchMedia(MediaJob { media_id: id }),
                SendLane::Conversational,
            )?;
        }
    }
    Ok(())
}
