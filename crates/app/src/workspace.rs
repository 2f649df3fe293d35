//! Creating a workspace: an organization with its default settings and its first owner. Used
//! by first-run setup, `textdesk org create` and the demo.

use textdesk_db::agents::{self, AgentRow, NewAgent};
use textdesk_db::organizations::{self, OrganizationRow};
use textdesk_db::{DbConnection, audit};
use textdesk_domain::accounts::{EmailAddress, IdleAlertSeconds, NewPassword, TimeZoneName};
use textdesk_domain::organization::default_settings;
use textdesk_domain::text::{Label, NAME_MAX, TITLE_MAX};
use textdesk_types::agents::Role;
use textdesk_types::setup::CreateWorkspace;

use crate::AppError;
use crate::passwords;
use crate::validation::{Validator, checked};

/// A workspace request whose every field is valid and whose password is already hashed.
pub struct ValidWorkspace {
    pub organization_name: String,
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
}

/// Validates every field and hashes the password (CPU-heavy: call on a blocking thread).
pub fn validate(request: &CreateWorkspace) -> Result<ValidWorkspace, AppError> {
    let mut v = Validator::new();
    let name = v.check("organization_name", Label::parse(&request.organization_name, TITLE_MAX));
    let email = v.check("owner.email", EmailAddress::parse(&request.owner.email));
    let password = v.check("owner.password", NewPassword::parse(&request.owner.password));
    let first = v.check("owner.first_name", Label::parse(&request.owner.first_name, NAME_MAX));
    let last = v.check("owner.last_name", Label::parse(&request.owner.last_name, NAME_MAX));
    v.finish()?;
    Ok(ValidWorkspace {
        organization_name: checked(name)?.into_inner(),
        email: checked(email)?.into_inner(),
        password_hash: passwords::hash(&checked(password)?)?,
        first_name: checked(first)?.into_inner(),
        last_name: checked(last)?.into_inner(),
    })
}

/// Stores the organization and its owner; the owner's email must be free.
pub fn create(conn: &mut DbConnection, workspace: &ValidWorkspace) -> Result<(OrganizationRow, AgentRow), AppError> {
    let organization = organizations::insert(
        conn,
        &workspace.organization_name,
        &default_settings(&workspace.organization_name),
    )?;
    let organization_id = textdesk_types::OrganizationId::new(organization.id.clone());
    let owner = agents::insert(
        conn,
        NewAgent {
            organization_id: &organization_id,
            email: &workspace.email,
            password_hash: &workspace.password_hash,
            first_name: &workspace.first_name,
            last_name: &workspace.last_name,
            screenname: &workspace.first_name,
            role: Role::Owner,
            time_zone: &TimeZoneName::utc().into_inner(),
            idle_alert_seconds: IdleAlertSeconds::DEFAULT,
        },
    )
    .map_err(|e| {
        if e.is_conflict_on("email") {
            AppError::field(
                "owner.email",
                "email_taken",
                "an account with this email already exists",
            )
        } else {
            e.into()
        }
    })?;
    audit::append(
        conn,
        audit::AuditEvent {
            organization: &organization_id,
            actor: None,
            action: "organization.created",
            target_type: "organization",
            target_id: &organization.id,
            detail: serde_json::json!({"name": organization.name, "owner_email": owner.email}),
            client_address: None,
        },
    )?;
    Ok((organization, owner))
}
