//! Who makes a request, and what they may do: a signed-in agent, by role, or an API key, by
//! its scopes. Operations ask the caller for a permission instead of checking roles or scopes
//! by hand.

use textdesk_db::audit::AuditEvent;
use textdesk_domain::permissions::Denied;
use textdesk_types::agents::Role;
use textdesk_types::api_keys::ApiScope;
use textdesk_types::messages::AuthorKind;
use textdesk_types::{AgentId, ApiKeyId, OrganizationId};

use crate::AppError;

/// What a caller may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Read conversations, messages and the change feed.
    ReadInbox,
    /// Read and search contacts, custom fields, labels and consent history.
    ReadContacts,
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
    /// Create and revoke the organization's API keys.
    ManageApiKeys,
    /// Register and change outbound webhooks, read their delivery logs.
    ManageWebhooks,
    /// Read the mail Textdesk wrote them (the Mail outbox); admins read the organization's.
    ReadMail,
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
                | Permission::ManageApiKeys
                | Permission::ManageWebhooks
        )
    }

    /// The scope an API key needs for it; none when only agents may.
    fn scope(self) -> Option<ApiScope> {
        match self {
            Permission::ReadInbox => Some(ApiScope::ConversationsRead),
            Permission::ReadContacts => Some(ApiScope::ContactsRead),
            Permission::WriteContacts => Some(ApiScope::ContactsWrite),
            Permission::SendMessages => Some(ApiScope::MessagesSend),
            Permission::WriteNotes => Some(ApiScope::NotesWrite),
            Permission::ManageWebhooks => Some(ApiScope::WebhooksManage),
            Permission::ManageNumbers
            | Permission::ManageTeam
            | Permission::ManageSettings
            | Permission::ReadAuditLog
            | Permission::ManageSharedReplies
            | Permission::ImportContacts
            | Permission::ManageApiKeys
            | Permission::ReadMail => None,
        }
    }
}

/// The API key a request was made with.
#[derive(Clone, Debug)]
pub struct KeyCaller {
    pub id: ApiKeyId,
    /// Shown where the key acted ("via Shopify").
    pub label: String,
    pub scopes: Vec<ApiScope>,
}

/// Who wrote a message or note: the kind of author, their id, and an API key's label.
pub struct Attribution<'a> {
    pub kind: AuthorKind,
    pub id: Option<&'a str>,
    pub label: Option<&'a str>,
}

/// Who a request acts for: a signed-in agent, or an API key of the organization. A key acts
/// under the id of the agent who created it (whose views and read state it would see), with
/// its scopes, never their role, bounding what it may do.
#[derive(Clone, Debug)]
pub struct Caller {
    pub organization_id: OrganizationId,
    pub agent_id: AgentId,
    pub role: Role,
    pub key: Option<KeyCaller>,
}

impl Caller {
    pub fn agent(organization_id: OrganizationId, agent_id: AgentId, role: Role) -> Caller {
        Caller {
            organization_id,
            agent_id,
            role,
            key: None,
        }
    }

    /// A request made with an API key that `created_by` created.
    pub fn api_key(organization_id: OrganizationId, created_by: AgentId, key: KeyCaller) -> Caller {
        Caller {
            organization_id,
            agent_id: created_by,
            role: Role::Agent,
            key: Some(key),
        }
    }

    /// Refuses what this caller may not do.
    pub fn permits(&self, permission: Permission) -> Result<(), AppError> {
        if let Some(key) = &self.key {
            return match permission.scope() {
                Some(scope) if key.scopes.contains(&scope) => Ok(()),
                Some(scope) => Err(AppError::Forbidden {
                    code: "scope_missing",
                    detail: format!("This API key does not have the {} scope.", scope.as_str()),
                }),
                None => Err(AppError::Forbidden {
                    code: "agents_only",
                    detail: "Only a signed-in agent may do this, not an API key.".to_owned(),
                }),
            };
        }
        if permission.admins_only() && !self.role.is_admin() {
            return Err(Denied::AdminsOnly.into());
        }
        Ok(())
    }

    /// How messages and notes this caller writes are attributed.
    pub fn author(&self) -> Attribution<'_> {
        match &self.key {
            Some(key) => Attribution {
                kind: AuthorKind::ApiClient,
                id: Some(key.id.as_str()),
                label: Some(key.label.as_str()),
            },
            None => Attribution {
                kind: AuthorKind::Agent,
                id: Some(self.agent_id.as_str()),
                label: None,
            },
        }
    }

    /// The audit-log entry of something this caller did from `client_address` to a target
    /// (its type and id).
    pub fn audit_event<'a>(
        &'a self,
        client_address: &'a str,
        action: &'a str,
        (target_type, target_id): (&'a str, &'a str),
        mut detail: serde_json::Value,
    ) -> AuditEvent<'a> {
        if let (Some(key), Some(fields)) = (&self.key, detail.as_object_mut()) {
            fields.insert(
                "via_api_key".to_owned(),
                serde_json::json!({ "id": key.id, "label": key.label }),
            );
        }
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
