use textdesk_db::{events, now, read_states};
use textdesk_types::ConversationId;

use super::find;
use crate::{AppContext, AppResult, Caller, Permission};

/// Marks a conversation read or unread, for the caller only.
pub fn set_read(app: &AppContext, caller: &Caller, id: ConversationId, read: bool) -> AppResult<()> {
    caller.permits(Permission::ReadInbox)?;
    let caller = caller.clone();
    app.db.write(move |conn| {
        let conversation = find(conn, &caller, &id)?;
        let (organization, agent) = (&caller.organization_id, &caller.agent_id);
        if read {
            read_states::mark_read(conn, organization, agent, &id, now().max(conversation.last_message_at))?;
        } else {
            read_states::mark_unread(conn, organization, agent, &id)?;
        }
        let change = serde_json::json!({"conversation_id": id, "agent_id": agent, "unread": !read});
        events::append_for_agent(conn, organization, agent, "read_state.changed", &change)?;
        Ok(())
    })
}

/// Marks every conversation read, for the caller only (the inbox's "Mark all read").
pub fn mark_all_read(app: &AppContext, caller: &Caller) -> AppResult<()> {
    caller.permits(Permission::ReadInbox)?;
    let caller = caller.clone();
    app.db.write(move |conn| {
        let (organization, agent) = (&caller.organization_id, &caller.agent_id);
        read_states::mark_all_read(conn, organization, agent, now())?;
        let change = serde_json::json!({"agent_id": agent, "all": true, "unread": false});
        events::append_for_agent(conn, organization, agent, "read_state.changed", &change)?;
        Ok(())
    })
}
