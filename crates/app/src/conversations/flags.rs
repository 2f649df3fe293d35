use textdesk_db::{conversations, events};
use textdesk_types::ConversationId;
use textdesk_types::conversations::{Conversation, UpdateConversation};
use textdesk_types::events::{Change, ConversationChange};

use super::{find, wire_conversation};
use crate::{AppContext, AppError, AppResult, Caller, Permission};

/// Sets or clears a conversation's follow-up flag. Any agent may; the flag stays through
/// transfers, and closing clears it, so only an open conversation takes it.
pub fn update(
    app: &AppContext,
    caller: &Caller,
    id: ConversationId,
    request: UpdateConversation,
) -> AppResult<Conversation> {
    caller.permits(Permission::SendMessages)?;
    app.db.write(|conn| {
        let row = find(conn, caller, &id)?;
        if let Some(follow_up) = request.follow_up
            && follow_up != row.follow_up
        {
            if follow_up && !row.is_open() {
                return Err(AppError::field(
                    "follow_up",
                    "conversation_closed",
                    "a closed conversation cannot be flagged for follow-up",
                ));
            }
            conversations::set_follow_up(conn, &id, follow_up)?;
            let change = Change::ConversationChanged(ConversationChange {
                conversation_id: id.clone(),
                number: row.number,
            });
            events::append(conn, &caller.organization_id, change)?;
        }
        wire_conversation(app, conn, caller, &id)
    })
}
