use serde_json::json;
use textdesk_db::{audit, conversations, events, organizations};
use textdesk_domain::permissions::check_conversation_delete;
use textdesk_types::ConversationId;
use textdesk_types::events::{Change, ConversationChange};

use super::find;
use crate::{AppContext, AppResult, Caller, Permission};

/// Deletes a conversation's messages and media for good, where the organization and the
/// caller's role allow it, and records who did it in the audit log.
pub fn delete(app: &AppContext, caller: &Caller, client_address: &str, id: ConversationId) -> AppResult<()> {
    caller.permits(Permission::SendMessages)?;
    app.db.write(|conn| {
        let row = find(conn, caller, &id)?;
        let settings = organizations::find(conn, &caller.organization_id)?.settings;
        check_conversation_delete(caller.role, settings.agents_may_delete)?;
        conversations::delete(conn, &id)?;
        let detail = json!({ "number": row.number, "contact_id": row.contact_id });
        audit::append(
            conn,
            caller.audit_event(
                client_address,
                "conversation.deleted",
                ("conversation", id.as_str()),
                detail,
            ),
        )?;
        let change = Change::ConversationDeleted(ConversationChange {
            conversation_id: id.clone(),
            number: row.number,
        });
        events::append(conn, &caller.organization_id, change)?;
        Ok(())
    })
}
