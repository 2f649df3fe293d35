//! Who makes a request, and what they may do. Operations ask the caller for a permission
//! instead of checking roles by hand, so API keys with scopes (a later kind of caller) fit in
//! without touching them.

use textdesk_db::audit::AuditEvent;
use textdesk_domain::permissions::Denied;
use textdesk_types::agents::Role;
use textdesk_types::messages::AuthorKind;
use textdesk_types::{AgentId, OrganizationId};

use crate::AppError;

/// What a caller may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Read conversations, messages, contacts and the change feed.
    ReadInbox,
    /// Send texts and start conversations.
    SendMessages,
    /// Add internal notes.
    WriteNotes,
    /// Create and edit contacts, record consent, opt contacts out and in.
    WriteContacts,
    /// Connect and configure business numbers.
    ManageNumbers,
    /// Add, change and disable agents; manage groups.
    ManageTeam,
    /// Change the organization's settings.
    ManageSettings,
    /// Read the audit log.
    ReadAuditLog,
    /// Add, change and delete the quick replies shared with the organization.
    ManageSharedReplies,
    /// Import contacts from CSV files.
    ImportContacts,
}

impl Permission {
    /// Whether only owners and admins hold it.
    fn admins_only(self) -> bool {
        matches!(
            self,
            Permission::ManageNumbers
                | Permission::ManageTeam
                | Permission::ManageSettings
                | Permission::ReadAuditLog
                | Permission::ManageSharedReplies
                | Permission::ImportContacts
        )
    }
}

/// The signed-in agent a request acts for (an organization's API key comes later).
#[derive(Clone, Debug)]
pub struct Caller {
    pub organization_id: OrganizationId,
    pub agent_id: AgentId,
    pub role: Role,
}

impl Caller {
    pub fn agent(organization_id: OrganizationId, agent_id: AgentId, role: Role) -> Caller {
        Caller {
            organization_id,
            agent_id,
            role,
        }
    }

    /// Refuses what this caller may not do.
    pub fn permits(&self, permission: Permission) -> Result<(), AppError> {
        if permission.admins_only() && !self.role.is_admin() {
            return Err(Denied::AdminsOnly.into());
        }
        Ok(())
    }

    /// How messages and notes this caller writes are attributed.
    pub fn author(&self) -> (AuthorKind, Option<&str>) {
        (AuthorKind::Agent, Some(self.agent_id.as_str()))
    }

    /// The audit-log entry of something this caller did from `client_address` to a target
    /// (its type and id).
    pub fn audit_event<'a>(
        &'a self,
        client_address: &'a str,
        action: &'a str,
        (target_type, target_id): (&'a str, &'a str),
        detail: serde_json::Value,
    ) -> AuditEvent<'a> {
        AuditEvent {
            organization: &self.organization_id,
            actor: Some(&self.agent_id),
            action,
            target_type,
            target_id,
            detail,
            client_address: Some(client_address),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller::agent(OrganizationId::new("o"), AgentId::new("a"), role)
    }

    #[test]
    fn agents_work_the_inbox_and_admins_also_manage() {
        for permission in [Permission::ReadInbox, Permission::SendMessages, Permission::WriteNotes] {
            assert!(caller(Role::Agent).permits(permission).is_ok());
        }
        for permission in [
            Permission::ManageNumbers,
            Permission::ManageTeam,
            Permission::ManageSettings,
        ] {
            assert!(caller(Role::Agent).permits(permission).is_err());
            assert!(caller(Role::Admin).permits(permission).is_ok());
            assert!(caller(Role::Owner).permits(permission).is_ok());
        }
    }
}
