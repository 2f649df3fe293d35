//! The phone simulator: texting a simulator number as a customer would, from any phone number,
//! and reading what the business answered. For demos and trying Textdesk without a provider.

use textdesk_db::messages::{self, Window};
use textdesk_db::{DbError, contacts, conversations, ids, numbers};
use textdesk_domain::phone::PhoneNumber;
use textdesk_domain::text::check_multiline;
use textdesk_providers::{InboundMessage, ProviderKind};
use textdesk_types::messages::{Direction, Message, SimulatedText};
use textdesk_types::relay::RelayText;

use crate::inbound::{self, InboundText};
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

/// The longest text a simulated handset sends (ten segments).
pub const BODY_MAX_CHARS: usize = 1600;
/// The newest texts of each conversation a handset shows.
const HANDSET_WINDOW: i64 = 200;

/// Records a text to a simulator number as if a provider had delivered it, with every rule of
/// a real inbound text (keywords, consent, opening a conversation). A text to a relay number
/// is an agent's reply and no conversation's message: `None`.
pub fn text_as_customer(app: &AppContext, caller: &Caller, text: SimulatedText) -> AppResult<Option<Message>> {
    caller.permits(Permission::SendMessages)?;
    let SimulatedText { from, number_id, body } = text;
    let from = PhoneNumber::parse(&from).map_err(|invalid| AppError::invalid("from", invalid))?;
    if body.trim().is_empty() || body.chars().count() > BODY_MAX_CHARS {
        return Err(AppError::field(
            "body",
            "invalid_body",
            format!("must be 1 to {BODY_MAX_CHARS} characters long"),
        ));
    }
    check_multiline(&body).map_err(|invalid| AppError::invalid("body", invalid))?;
    app.db.write(|conn| {
        let number = numbers::find(conn, &caller.organization_id, &number_id).or_unknown(
            "number_id",
            "unknown_number",
            "is not a number of this organization",
        )?;
        if number.provider != ProviderKind::Simulator.as_str() {
            return Err(AppError::conflict(
                "not_a_simulator",
                "Only simulator numbers can be texted from here.",
            ));
        }
        let message = InboundMessage {
            provider_message_id: format!("SIM{}", ids::new_id::<String>().replace('-', "")),
            account_sid: "simulator".to_owned(),
            from: from.as_str().to_owned(),
            to: number.phone_number.clone(),
            body,
            media: Vec::new(),
        };
        let text = InboundText {
            number: &number,
            from: from.as_str(),
            message: &message,
        };
        let relay = number.relay;
        if relay && !speaks_for(conn, caller, from.as_str())? {
            return Err(AppError::Forbidden {
                code: "not_your_phone",
                detail: "Text a relay number only from your own mobile number (admins from any).".to_owned(),
            });
        }
        let stored = inbound::store_all(conn, app.clock.now_naive(), &[text])?;
        if relay {
            return Ok(None);
        }
        let row = stored.into_iter().flatten().next().ok_or(DbError::NotFound)?;
        Ok(Some(row.into_wire()))
    })
}

/// What a simulated handset sees: the texts between it and the business, oldest first. Notes
/// and system entries are not texts and are left out.
pub fn handset_texts(app: &AppContext, caller: &Caller, phone: &str) -> AppResult<Vec<Message>> {
    caller.permits(Permission::ReadInbox)?;
    let phone = PhoneNumber::parse(phone).map_err(|invalid| AppError::invalid("phone", invalid))?;
    let organization = &caller.organization_id;
    app.db.read(|conn| {
        let Some(contact) = contacts::find_by_phone(conn, organization, phone.as_str())? else {
            return Ok(Vec::new());
        };
        let mut texts = Vec::new();
        for conversation in conversations::thread(conn, organization, &contact.id)? {
            let window = messages::window(conn, &conversation.id, Window::Newest, HANDSET_WINDOW, true)?;
            texts.extend(window.into_iter().filter(is_text));
        }
        Ok(messages::into_wire_list(conn, texts)?)
    })
}

/// What a simulated handset that is an agent's own phone sees of text relay: the texts
/// between it and relay numbers, oldest first. Only its agent and admins see them; to anyone
/// else the phone has none.
pub fn relay_texts(app: &AppContext, caller: &Caller, phone: &str) -> AppResult<Vec<RelayText>> {
    caller.permits(Permission::ReadInbox)?;
    let phone = PhoneNumber::parse(phone).map_err(|invalid| AppError::invalid("phone", invalid))?;
    app.db.read(|conn| {
        if !speaks_for(conn, caller, phone.as_str())? {
            return Ok(Vec::new());
        }
        let rows = textdesk_db::relay::for_phone(conn, &caller.organization_id, phone.as_str(), HANDSET_WINDOW)?;
        Ok(rows.into_iter().map(|row| row.into_wire()).collect())
    })
}

/// Relay texts speak for an agent: from the simulator, an agent acts only as their own phone;
/// admins, who set relay up, may try any.
fn speaks_for(conn: &mut textdesk_db::DbConnection, caller: &Caller, phone: &str) -> AppResult<bool> {
    if caller.role.is_admin() {
        return Ok(true);
    }
    let me = textdesk_db::agents::find(conn, &caller.organization_id, &caller.agent_id)?;
    Ok(me.mobile_number.as_deref() == Some(phone))
}

fn is_text(message: &messages::MessageRow) -> bool {
    matches!(message.direction, Direction::Inbound | Direction::Outbound)
}
