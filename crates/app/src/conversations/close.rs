use textdesk_db::{conversations, events, now};
use textdesk_types::ConversationId;
use textdesk_types::conversations::Conversation;
use textdesk_types::events::{Change, ConversationChange};

use super::{find, wire_conversation};
use crate::{AppContext, AppError, AppResult, Caller, Permission};

/// Closes (ends) an open conversation. The thread's next message opens a new conversation with
/// a new number; notes can still be added to this one.
pub fn close(app: &AppContext, caller: &Caller, id: ConversationId) -> AppResult<Conversation> {
    caller.permits(Permission::SendMessages)?;
    let caller = caller.clone();
    app.db.write(move |conn| {
        let row = find(conn, &caller, &id)?;
        if !row.is_open() {
            return Err(AppError::conflict(
                "conversation_closed",
                "This conversation is already closed.",
            ));
        }
        conversations::close(conn, &id, &caller.agent_id, now())?;
        let change = Change::ConversationChanged(ConversationChange {
            conversation_id: id.clone(),
            number: row.number,
        });
        events::append(conn, &caller.organization_id, change)?;
        wire_conversation(conn, &caller, &id)
    })
}
