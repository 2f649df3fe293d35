//! Who may do what to whom. The API asks these functions before it changes anything.

use textdesk_types::agents::Role;

/// Why an action is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Denied {
    /// Only owners and admins may do this.
    AdminsOnly,
    /// Only owners may make, change or unmake owners.
    OwnersOnly,
    /// The change would leave the organization without an active owner.
    LastOwner,
    /// Agents cannot change their own role or disable themselves.
    OwnAccount,
    /// The organization lets only owners and admins delete conversations.
    DeletingOff,
}

impl Denied {
    pub fn code(self) -> &'static str {
        match self {
            Denied::AdminsOnly => "admins_only",
            Denied::OwnersOnly => "owners_only",
            Denied::LastOwner => "last_owner",
            Denied::OwnAccount => "own_account",
            Denied::DeletingOff => "deleting_off",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Denied::AdminsOnly => "Only owners and admins may do this.",
            Denied::OwnersOnly => "Only owners may make, change or remove owners.",
            Denied::LastOwner => "The organization must keep at least one active owner.",
            Denied::OwnAccount => "You cannot change your own role or disable your own account.",
            Denied::DeletingOff => "Only owners and admins may delete conversations in this organization.",
        }
    }
}

pub fn require_admin(actor: Role) -> Result<(), Denied> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(Denied::AdminsOnly)
    }
}

/// Deleting a conversation (its messages and media, for good): owners and admins may; agents
/// only where the organization allows it.
pub fn check_conversation_delete(actor: Role, agents_may_delete: bool) -> Result<(), Denied> {
    if actor.is_admin() || agents_may_delete {
        Ok(())
    } else {
        Err(Denied::DeletingOff)
    }
}

/// What an admin's edit of an agent touches, for the permission check.
#[derive(Clone, Copy, Debug, Default)]
pub struct AgentEdit {
    pub new_role: Option<Role>,
    pub disable: bool,
}

/// Checks an admin's edit of another agent (or of themselves).
/// `other_active_owners` counts active owners other than the target.
pub fn check_agent_edit(
    actor: Role,
    actor_is_target: bool,
    target_role: Role,
    edit: AgentEdit,
    other_active_owners: usize,
) -> Result<(), Denied> {
    require_admin(actor)?;
    let role_changes = edit.new_role.is_some_and(|role| role != target_role);
    if actor_is_target && (role_changes || edit.disable) {
        return Err(Denied::OwnAccount);
    }
    let touches_owner = target_role == Role::Owner || edit.new_role == Some(Role::Owner);
    if touches_owner && actor != Role::Owner {
        return Err(Denied::OwnersOnly);
    }
    let removes_owner = target_role == Role::Owner && (role_changes || edit.disable);
    if removes_owner && other_active_owners == 0 {
        return Err(Denied::LastOwner);
    }
    Ok(())
}

/// Creating an agent with a role: owners can create anyone, admins everyone but owners.
pub fn check_agent_create(actor: Role, role: Role) -> Result<(), Denied> {
    require_admin(actor)?;
    if role == Role::Owner && actor != Role::Owner {
        return Err(Denied::OwnersOnly);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

    fn edit(new_role: Option<Role>, disable: bool) -> AgentEdit {
        AgentEdit { new_role, disable }
    }

    #[test]
    fn agents_cannot_manage() {
        assert_eq!(
            check_agent_edit(Agent, false, Agent, edit(None, true), 1),
            Err(Denied::AdminsOnly)
        );
        assert_eq!(check_agent_create(Agent, Agent), Err(Denied::AdminsOnly));
    }

    #[test]
    fn admins_cannot_touch_owners() {
        assert_eq!(
            check_agent_edit(Admin, false, Owner, edit(None, true), 3),
            Err(Denied::OwnersOnly)
        );
        assert_eq!(
            check_agent_edit(Admin, false, Agent, edit(Some(Owner), false), 3),
            Err(Denied::OwnersOnly)
        );
        assert_eq!(check_agent_create(Admin, Owner), Err(Denied::OwnersOnly));
        assert_eq!(
            check_agent_edit(Admin, false, Agent, edit(Some(Admin), false), 0),
            Ok(())
        );
    }

    #[test]
    fn nobody_locks_themselves_out() {
        assert_eq!(
            check_agent_edit(Owner, true, Owner, edit(Some(Agent), false), 5),
            Err(Denied::OwnAccount)
        );
        assert_eq!(
            check_agent_edit(Admin, true, Admin, edit(None, true), 5),
            Err(Denied::OwnAccount)
        );
        assert_eq!(
            check_agent_edit(Admin, true, Admin, edit(Some(Admin), false), 0),
            Ok(())
        );
    }

    #[test]
    fn the_last_owner_stays() {
        assert_eq!(
            check_agent_edit(Owner, false, Owner, edit(None, true), 0),
            Err(Denied::LastOwner)
        );
        assert_eq!(check_agent_edit(Owner, false, Owner, edit(None, true), 1), Ok(()));
    }
}
