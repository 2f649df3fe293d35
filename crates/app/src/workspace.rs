//! Creating a workspace: an organization with its default settings and its first owner. Used
//! by first-run setup (which also signs the owner in), `textdesk org create` and the demo.

use textdesk_db::agents::{self, AgentRow, NewAgent};
use textdesk_db::organizations::{self, OrganizationRow};
use textdesk_db::{DbConnection, DbError, audit, refresh_tokens, setup};
use textdesk_domain::accounts::{EmailAddress, IdleAlertSeconds, NewPassword, TimeZoneName};
use textdesk_domain::organization::default_settings;
use textdesk_domain::text::{Label, NAME_MAX, TITLE_MAX, default_screenname};
use textdesk_types::agents::Role;
use textdesk_types::setup::{CreateWorkspace, SetupStatus};

use crate::passwords;
use crate::sessions::{NewRefreshToken, SignedIn};
use crate::validation::{Validator, checked};
use crate::{AppContext, AppError, AppResult, Caller};

/// Whether the first workspace still has to be created.
pub fn setup_status(app: &AppContext) -> AppResult<SetupStatus> {
    let complete = app.db.read(setup::is_complete)?;
    Ok(SetupStatus { needs_setup: !complete })
}

/// First-run setup: creates the first workspace and signs its owner in with the refresh token
/// given (by its hash). Works once, on a server with no workspace yet. Hashes the password, so
/// call it on a blocking thread.
pub fn set_up(
    app: &AppContext,
    request: &CreateWorkspace,
    (token_hash, expires_at): NewRefreshToken<'_>,
    client_address: &str,
) -> AppResult<SignedIn> {
    // Checked before validating, so a second setup is not told to fix its fields first.
    if app.db.read(setup::is_complete)? {
        return Err(already_set_up());
    }
    let valid = validate(request)?;
    app.db.write(|conn| {
        let (organization, owner) = create(conn, &valid)?;
        let owner = Caller::agent(organization.id, owner.id, Role::Owner);
        setup::mark_complete(conn, &owner.organization_id).map_err(|error| match error {
            // Another setup finished first.
            DbError::Conflict { .. } => already_set_up(),
            other => other.into(),
        })?;
        refresh_tokens::insert(
            conn,
            &owner.organization_id,
            &owner.agent_id,
            None,
            token_hash,
            expires_at,
        )?;
        let target = ("agent", owner.agent_id.as_str());
        let detail = serde_json::json!({"via": "setup"});
        audit::append(
            conn,
            owner.audit_event(client_address, "login.succeeded", target, detail),
        )?;
        Ok(SignedIn {
            agent_id: owner.agent_id,
            organization_id: owner.organization_id,
            role: owner.role,
        })
    })
}

fn already_set_up() -> AppError {
    AppError::conflict(
        "already_set_up",
        "This server already has a workspace; sign in instead.",
    )
}

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
    let owner = agents::insert(
        conn,
        NewAgent {
            organization_id: &organization.id,
            email: &workspace.email,
            password_hash: &workspace.password_hash,
            first_name: &workspace.first_name,
            last_name: &workspace.last_name,
            screenname: &default_screenname(&workspace.first_name),
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
            organization: &organization.id,
            actor: None,
            action: "organization.created",
            target_type: "organization",
            target_id: organization.id.as_str(),
            detail: serde_json::json!({"name": organization.name, "owner_email": owner.email}),
            client_address: None,
        },
    )?;
    Ok((organization, owner))
}
