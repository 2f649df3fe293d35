use textdesk_db::conversations::ConversationRow;
use textdesk_db::{DbConnection, conversations, now};
use textdesk_domain::assignment::status_note;
use textdesk_types::ConversationId;
use textdesk_types::conversations::Conversation;

use super::{contact_of, find, system_notes, wire_conversation};
use crate::{AppContext, AppError, AppResult, Caller, Permission};

/// Closes (ends) an open conversation. The thread's next message opens a new conversation with
/// a new number; notes can still be added to this one.
pub fn close(app: &AppContext, caller: &Caller, id: ConversationId) -> AppResult<Conversation> {
    caller.permits(Permission::SendMessages)?;
    app.db.write(|conn| {
        let row = find(conn, caller, &id)?;
        let note = closed_note(conn, caller)?;
        if !close_one(conn, caller, &row, &note)? {
            return Err(AppError::conflict(
                "conversation_closed",
                "This conversation is already closed.",
            ));
        }
        wire_conversation(app, conn, caller, &id)
    })
}

/// "Closed by Ana", for the caller.
pub(crate) fn closed_note(conn: &mut DbConnection, caller: &Caller) -> AppResult<String> {
    Ok(status_note("Closed", &system_notes::actor_name(conn, caller)?))
}

/// Closes the conversation if it is open, with its `note`; returns whether it was open.
pub(crate) fn close_one(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &ConversationRow,
    note: &str,
) -> AppResult<bool> {
    if !row.is_open() || !conversations::close(conn, &row.id, &caller.agent_id, now())? {
        return Ok(false);
    }
    let contact = contact_of(conn, caller, row)?;
    // The note's change tells everyone following the conversation that it closed.
    system_notes::record(conn, caller, row, &contact, note)?;
    Ok(true)
}
