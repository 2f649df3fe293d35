//! Claiming and transferring conversations. Ownership never limits who may reply; it says who
//! is responsible. Each change adds a system note to the conversation.

use chrono::NaiveDateTime;
use textdesk_db::conversations::ConversationRow;
use textdesk_db::{DbConnection, agents, conversations, groups};
use textdesk_domain::assignment::{AssignedBy, Owner, ownership_note};
use textdesk_types::conversations::{Conversation, Transfer};
use textdesk_types::{AgentId, ConversationId, GroupId};

use super::{contact_of, find, system_notes, wire_conversation};
use crate::{AppContext, AppError, AppResult, Caller, Permission};

/// The caller takes the conversation for themselves. A group owner stays when the caller is
/// one of its members ("an agent within a group"); otherwise the caller owns it alone.
pub fn claim(app: &AppContext, caller: &Caller, id: ConversationId) -> AppResult<Conversation> {
    caller.permits(Permission::SendMessages)?;
    app.db.write(|conn| {
        let row = find(conn, caller, &id)?;
        let group = match &row.owner_group_id {
            Some(group) if groups::is_member(conn, group, &caller.agent_id)? => Some(group.clone()),
            _ => None,
        };
        let owner = Owner {
            agent: Some(caller.agent_id.clone()),
            group,
        };
        let actor = system_notes::actor_name(conn, caller)?;
        let note = owner_note(conn, caller, &owner, AssignedBy::Claim { actor: &actor })?;
        change_owner(conn, caller, &row, &owner, (&note, app.clock.now_naive()))?;
        wire_conversation(app, conn, caller, &id)
    })
}

/// Gives the conversation to an agent, a group, an agent within a group, or nobody.
pub fn transfer(app: &AppContext, caller: &Caller, id: ConversationId, request: Transfer) -> AppResult<Conversation> {
    caller.permits(Permission::SendMessages)?;
    app.db.write(|conn| {
        let row = find(conn, caller, &id)?;
        let owner = check_owner(conn, caller, request.agent_id, request.group_id)?;
        let actor = system_notes::actor_name(conn, caller)?;
        let note = owner_note(conn, caller, &owner, AssignedBy::Transfer { actor: &actor })?;
        change_owner(conn, caller, &row, &owner, (&note, app.clock.now_naive()))?;
        wire_conversation(app, conn, caller, &id)
    })
}

/// The owner a request names, if the organization has it: an enabled agent, a group, and with
/// both, a group the agent belongs to.
pub(crate) fn check_owner(
    conn: &mut DbConnection,
    caller: &Caller,
    agent: Option<AgentId>,
    group: Option<GroupId>,
) -> AppResult<Owner> {
    let organization = &caller.organization_id;
    if let Some(agent) = &agent {
        let found = agents::find(conn, organization, agent).ok();
        if found.is_none_or(|row| row.disabled) {
            return Err(AppError::field(
                "agent_id",
                "unknown_agent",
                "is not an enabled agent of this organization",
            ));
        }
    }
    if let Some(group) = &group {
        if groups::find(conn, organization, group).is_err() {
            return Err(AppError::field(
                "group_id",
                "unknown_group",
                "is not a group of this organization",
            ));
        }
        if let Some(agent) = &agent
            && !groups::is_member(conn, group, agent)?
        {
            return Err(AppError::field(
                "agent_id",
                "not_a_member",
                "is not a member of the group given",
            ));
        }
    }
    Ok(Owner { agent, group })
}

/// The system note of giving conversations to `owner` in the way `by` says.
pub(crate) fn owner_note(
    conn: &mut DbConnection,
    caller: &Caller,
    owner: &Owner,
    by: AssignedBy<'_>,
) -> AppResult<String> {
    let organization = &caller.organization_id;
    let name = system_notes::owner_name(conn, organization, owner.agent.as_ref(), owner.group.as_ref())?;
    Ok(ownership_note(by, name.as_deref()))
}

/// Sets the owner and adds `note`, unless the conversation has that owner already, and tells
/// those who asked to hear of transfers (at `now`). Returns whether anything changed.
pub(crate) fn change_owner(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &ConversationRow,
    owner: &Owner,
    (note, now): (&str, NaiveDateTime),
) -> AppResult<bool> {
    let unchanged = row.owner_agent_id == owner.agent && row.owner_group_id == owner.group && !row.awaiting_agent;
    if unchanged {
        return Ok(false);
    }
    conversations::set_owner(conn, &row.id, owner.agent.as_ref(), owner.group.as_ref(), false)?;
    // Taking a conversation out of the round-robin wait is no transfer.
    if row.owner_agent_id != owner.agent || row.owner_group_id != owner.group {
        crate::mail::notifications::transferred(conn, row, owner, &caller.agent_id, note, now)?;
    }
    let contact = contact_of(conn, caller, row)?;
    system_notes::record(conn, caller, row, &contact, note)?;
    Ok(true)
}
