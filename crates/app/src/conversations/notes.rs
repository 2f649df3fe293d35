use textdesk_db::threads::{self, NewThreadMessage};
use textdesk_types::ConversationId;
use textdesk_types::messages::SendLane;
use textdesk_types::messages::{AddNote, Direction, Message, MessagePurpose};

use super::{contact_of, find};
use crate::messages::parse_body;
use crate::{AppContext, AppResult, Caller, Permission};

/// Adds an internal note, visible to agents only. Notes may be added to closed conversations.
pub fn add_note(app: &AppContext, caller: &Caller, id: ConversationId, note: AddNote) -> AppResult<Message> {
    caller.permits(Permission::WriteNotes)?;
    let body = parse_body(&note.body, false)?;
    let caller = caller.clone();
    app.db.write(move |conn| {
        let conversation = find(conn, &caller, &id)?;
        let contact = contact_of(conn, &caller, &conversation)?;
        let (author_kind, author_id) = caller.author();
        let recorded = threads::record(
            conn,
            &caller.organization_id,
            NewThreadMessage {
                contact: &contact,
                conversation: Some(&conversation),
                number: None,
                direction: Direction::Note,
                body: &body,
                author_kind,
                author_id,
                lane: SendLane::Conversational,
                provider_ids: None,
                purpose: MessagePurpose::Normal,
                scheduled_at: None,
            },
        )?;
        Ok(recorded.message.into_wire())
    })
}
