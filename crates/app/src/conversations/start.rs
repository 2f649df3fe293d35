use textdesk_db::contacts::{self, ContactRow};
use textdesk_db::conversations;
use textdesk_db::{DbConnection, DbError, events, now};
use textdesk_domain::phone::PhoneNumber;
use textdesk_types::conversations::{Conversation, StartConversation};
use textdesk_types::events::{Change, ConversationChange};
use textdesk_types::messages::SendLane;

use super::replies::{Outgoing, choose_number, queue};
use super::{system_notes, wire_conversation};
use crate::messages::parse_body;
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

/// A conversation as `start` left it, and whether it is new.
pub struct Started {
    pub conversation: Conversation,
    pub created: bool,
}

/// Starts a conversation with a phone number or a contact from a chosen number, optionally with
/// a first message. An open conversation with the contact is returned as it is.
pub fn start(app: &AppContext, caller: &Caller, request: StartConversation) -> AppResult<Started> {
    caller.permits(Permission::SendMessages)?;
    let StartConversation {
        to,
        contact_id,
        from_number_id,
        body,
    } = request;
    let recipient = match (to, contact_id) {
        (Some(to), None) => {
            Recipient::Phone(PhoneNumber::parse(&to).map_err(|invalid| AppError::invalid("to", invalid))?)
        }
        (None, Some(id)) => Recipient::Contact(id),
        _ => return Err(AppError::field("to", "one_of", "give either to or contact_id")),
    };
    let body = body.map(|body| parse_body(&body, false)).transpose()?;
    let (app, caller) = (app.clone(), caller.clone());
    app.db.clone().write(move |conn| {
        let contact = recipient.find_or_create(conn, &caller)?;
        let number = choose_number(conn, &caller, Some(&from_number_id), &contact)?;
        let created = conversations::find_open(conn, &contact.id)?.is_none();
        if let Some(body) = body {
            let outgoing = Outgoing {
                body: &body,
                media_ids: &[],
                lane: SendLane::Conversational,
            };
            queue(conn, &app, &caller, (&contact, &number), outgoing)?;
        } else if created {
            let row = conversations::open(conn, &caller.organization_id, &contact.id, now())?;
            contacts::set_last_number(conn, &[&contact.id], &number.id)?;
            let change = Change::ConversationChanged(ConversationChange {
                conversation_id: row.id.clone(),
                number: row.number,
            });
            events::append(conn, &caller.organization_id, change)?;
        }
        let row = conversations::find_open(conn, &contact.id)?.ok_or(DbError::NotFound)?;
        if created {
            conversations::set_number(conn, &row.id, &number.id)?;
            // Whoever starts a conversation owns it, as if they had claimed it.
            conversations::set_owner(conn, &row.id, Some(&caller.agent_id), None, false)?;
            let actor = system_notes::actor_name(conn, &caller)?;
            let note = textdesk_domain::assignment::status_note("Started", &actor);
            system_notes::record(conn, &caller, &row, &contact, &note)?;
        }
        Ok(Started {
            conversation: wire_conversation(&app, conn, &caller, &row.id)?,
            created,
        })
    })
}

enum Recipient {
    Phone(PhoneNumber),
    Contact(textdesk_types::ContactId),
}

impl Recipient {
    fn find_or_create(self, conn: &mut DbConnection, caller: &Caller) -> AppResult<ContactRow> {
        match self {
            Recipient::Phone(phone) => Ok(contacts::find_or_create(conn, &caller.organization_id, phone.as_str())?.0),
            Recipient::Contact(id) => contacts::find(conn, &caller.organization_id, &id).or_unknown(
                "contact_id",
                "unknown_contact",
                "is not a contact of this organization",
            ),
        }
    }
}
