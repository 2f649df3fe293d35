use textdesk_db::{events, unread};
use textdesk_types::ConversationId;
use textdesk_types::events::{Change, ReadStateChange};

use super::find;
use crate::{AppContext, AppResult, Caller, Permission};

/// Marks a conversation read or unread, for the caller only.
pub fn set_read(app: &AppContext, caller: &Caller, id: ConversationId, read: bool) -> AppResult<()> {
    caller.permits(Permission::ReadInbox)?;
    let caller = caller.clone();
    app.db.write(move |conn| {
        find(conn, &caller, &id)?;
        let (organization, agent) = (&caller.organization_id, &caller.agent_id);
        if read {
            unread::mark_read(conn, agent, &id)?;
        } else {
            unread::mark_unread(conn, organization, agent, &id)?;
        }
        let change = Change::ReadStateChanged(ReadStateChange {
            agent_id: agent.clone(),
            conversation_id: Some(id),
            unread: !read,
            all: false,
        });
        events::append_for_agent(conn, organization, agent, change)?;
        Ok(())
    })
}

/// Marks every conversation read, for the caller only (the inbox's "Mark all read").
pub fn mark_all_read(app: &AppContext, caller: &Caller) -> AppResult<()> {
    caller.permits(Permission::ReadInbox)?;
    let caller = caller.clone();
    app.db.write(move |conn| {
        let (organization, agent) = (&caller.organization_id, &caller.agent_id);
        unread::mark_all_read(conn, agent)?;
        let change = Change::ReadStateChanged(ReadStateChange {
            agent_id: agent.clone(),
            conversation_id: None,
            unread: false,
            all: true,
        });
        events::append_for_agent(conn, organization, agent, change)?;
        Ok(())
    })
}
