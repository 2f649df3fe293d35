//! Agents of the organization: every agent reads the team; owners and admins add agents,
//! change roles, disable accounts and hand out password-reset links.

use chrono::NaiveDateTime;
use textdesk_db::agents::{self, AgentChanges, AgentRow, Avatar, NewAgent};
use textdesk_db::{DbConnection, DbError, audit, password_resets, refresh_tokens};
use textdesk_domain::accounts::{EmailAddress, IdleAlertSeconds, NewPassword, TimeZoneName};
use textdesk_domain::permissions::{self, AgentEdit, Denied};
use textdesk_domain::text::{Label, NAME_MAX, SCREENNAME_MAX, default_screenname};
use textdesk_types::agents::{Agent, CreateAgent, Role, UpdateAgent};
use textdesk_types::page::PageQuery;
use textdesk_types::{AgentId, NumberId, OrganizationId, Page};

use crate::pagination::PageRequest;
use crate::passwords;
use crate::validation::{Validator, checked};
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

/// The organization's agents, in the order they were added.
pub fn list(app: &AppContext, caller: &Caller, query: &PageQuery) -> AppResult<Page<Agent>> {
    caller.permits(Permission::ReadInbox)?;
    let page = PageRequest::parse(query)?;
    let agents = app.db.read(|conn| {
        let rows = agents::list(conn, &caller.organization_id, page.after.as_deref(), page.fetch())?;
        Ok::<_, AppError>(agents::into_wire_list(conn, rows)?)
    })?;
    Ok(page.page(agents, |agent| agent.id.as_str()))
}

/// One agent.
pub fn get(app: &AppContext, caller: &Caller, id: AgentId) -> AppResult<Agent> {
    caller.permits(Permission::ReadInbox)?;
    app.db.read(|conn| {
        let row = agents::find(conn, &caller.organization_id, &id).or_missing("agent")?;
        Ok(agents::into_wire_one(conn, row)?)
    })
}

/// An agent's avatar image.
pub fn avatar(app: &AppContext, caller: &Caller, id: AgentId) -> AppResult<Avatar> {
    caller.permits(Permission::ReadInbox)?;
    app.db
        .read(|conn| agents::find_avatar(conn, &caller.organization_id, &id).or_missing("avatar"))
}

/// Adds an agent; only owners add owners. Hashes the password, so call it on a blocking
/// thread.
pub fn create(app: &AppContext, caller: &Caller, new: CreateAgent, client_address: &str) -> AppResult<Agent> {
    caller.permits(Permission::ManageTeam)?;
    permissions::check_agent_create(caller.role, new.role)?;
    let valid = ValidAgent::parse(new)?;
    let password_hash = passwords::hash(&valid.password)?;
    app.db.write(|conn| {
        let time_zone = match valid.time_zone {
            Some(time_zone) => time_zone,
            None => creator_time_zone(conn, caller)?,
        };
        let new = NewAgent {
            organization_id: &caller.organization_id,
            email: &valid.email,
            password_hash: &password_hash,
            first_name: &valid.first_name,
            last_name: &valid.last_name,
            screenname: &valid.screenname,
            role: valid.role,
            time_zone: &time_zone.into_inner(),
            idle_alert_seconds: IdleAlertSeconds::DEFAULT,
        };
        let row = agents::insert(conn, new).map_err(email_taken)?;
        let detail = serde_json::json!({"email": row.email, "role": row.role});
        audit::append(
            conn,
            caller.audit_event(client_address, "agent.created", ("agent", row.id.as_str()), detail),
        )?;
        Ok(agents::into_wire_one(conn, row)?)
    })
}

/// A new agent's checked fields.
struct ValidAgent {
    email: String,
    password: NewPassword,
    first_name: String,
    last_name: String,
    screenname: String,
    time_zone: Option<TimeZoneName>,
    role: Role,
}

impl ValidAgent {
    fn parse(new: CreateAgent) -> AppResult<Self> {
        let mut v = Validator::new();
        let email = v.check("email", EmailAddress::parse(&new.email));
        let password = v.check("password", NewPassword::parse(&new.password));
        let first = v.check("first_name", Label::parse(&new.first_name, NAME_MAX));
        let last = v.check("last_name", Label::parse(&new.last_name, NAME_MAX));
        let screenname = v.check_optional("screenname", new.screenname, |raw| Label::parse(&raw, SCREENNAME_MAX));
        let time_zone = v.check_optional("time_zone", new.time_zone, |raw| TimeZoneName::parse(&raw));
        v.finish()?;
        let first_name = checked(first)?.into_inner();
        Ok(ValidAgent {
            email: checked(email)?.into_inner(),
            password: checked(password)?,
            screenname: screenname.map_or_else(|| default_screenname(&first_name), Label::into_inner),
            first_name,
            last_name: checked(last)?.into_inner(),
            time_zone,
            role: new.role,
        })
    }
}

/// A new agent works in the zone of whoever added them unless told otherwise.
fn creator_time_zone(conn: &mut DbConnection, caller: &Caller) -> AppResult<TimeZoneName> {
    let creator = agents::find(conn, &caller.organization_id, &caller.agent_id).or_missing("agent")?;
    Ok(TimeZoneName::parse(&creator.time_zone).unwrap_or_else(|_| TimeZoneName::utc()))
}

/// Changes another agent: names, email, role, or disables the account. Admins cannot change
/// owners or make anyone an owner; nobody changes their own role or disables themselves; the
/// last active owner stays. Disabling ends the agent's sessions at once.
pub fn update(
    app: &AppContext,
    caller: &Caller,
    target: AgentId,
    update: UpdateAgent,
    client_address: &str,
) -> AppResult<Agent> {
    caller.permits(Permission::ManageTeam)?;
    let (new_role, disabled) = (update.role, update.disabled);
    let relay_number = update.relay_number_id.clone();
    let mut changes = agent_changes(update)?;
    let organization = &caller.organization_id;
    app.db.write(|conn| {
        let before = agents::find(conn, organization, &target).or_missing("agent")?;
        changes.relay_number_id = relay_number
            .map(|raw| relay_number_of(conn, organization, &raw))
            .transpose()?;
        let before_role = before.role;
        let edit = AgentEdit {
            new_role,
            disable: disabled == Some(true) && !before.disabled,
        };
        let other_owners = agents::count_other_active_owners(conn, organization, &target)?;
        let own_account = caller.agent_id == target;
        permissions::check_agent_edit(caller.role, own_account, before_role, edit, other_owners)?;
        let after = agents::update(conn, organization, &target, &changes).map_err(email_taken)?;
        record_changes(conn, caller, client_address, &before, &after)?;
        if after.disabled && !before.disabled {
            refresh_tokens::revoke_all_for_agent(conn, organization, &target)?;
        }
        // Replies by email from the old address, or for a disabled account, are refused.
        if (after.disabled && !before.disabled) || after.email != before.email {
            textdesk_db::mails::revoke_reply_addresses(conn, &target)?;
        }
        Ok(agents::into_wire_one(conn, after)?)
    })
}

/// The relay number an admin gives an agent: a number of the organization set aside for relay;
/// an empty string takes it away.
fn relay_number_of(conn: &mut DbConnection, organization: &OrganizationId, raw: &str) -> AppResult<Option<NumberId>> {
    if raw.is_empty() {
        return Ok(None);
    }
    let id = NumberId::new(raw.to_owned());
    match textdesk_db::numbers::find(conn, organization, &id) {
        Ok(number) if number.relay => Ok(Some(id)),
        Ok(_) | Err(DbError::NotFound) => Err(AppError::field(
            "relay_number_id",
            "not_a_relay_number",
            "is not a number of this organization set aside for text relay",
        )),
        Err(other) => Err(other.into()),
    }
}

fn agent_changes(update: UpdateAgent) -> AppResult<AgentChanges> {
    let mut v = Validator::new();
    let email = v.check_optional("email", update.email, |raw| EmailAddress::parse(&raw));
    let first = v.check_optional("first_name", update.first_name, |raw| Label::parse(&raw, NAME_MAX));
    let last = v.check_optional("last_name", update.last_name, |raw| Label::parse(&raw, NAME_MAX));
    let screenname = v.check_optional("screenname", update.screenname, |raw| {
        Label::parse(&raw, SCREENNAME_MAX)
    });
    v.finish()?;
    Ok(AgentChanges {
        email: email.map(EmailAddress::into_inner),
        first_name: first.map(Label::into_inner),
        last_name: last.map(Label::into_inner),
        screenname: screenname.map(Label::into_inner),
        role: update.role,
        disabled: update.disabled,
        ..Default::default()
    })
}

/// Audits the changes that matter for security: role, account state and sign-in email.
fn record_changes(
    conn: &mut DbConnection,
    caller: &Caller,
    client_address: &str,
    before: &AgentRow,
    after: &AgentRow,
) -> AppResult<()> {
    let target = ("agent", after.id.as_str());
    let mut record = |action: &str, detail: serde_json::Value| {
        audit::append(conn, caller.audit_event(client_address, action, target, detail))
    };
    if after.role != before.role {
        record(
            "agent.role_changed",
            serde_json::json!({"from": before.role, "to": after.role}),
        )?;
    }
    if after.disabled != before.disabled {
        let action = if after.disabled {
            "agent.disabled"
        } else {
            "agent.enabled"
        };
        record(action, serde_json::json!({}))?;
    }
    if after.email != before.email {
        record(
            "agent.email_changed",
            serde_json::json!({"from": before.email, "to": after.email}),
        )?;
    }
    Ok(())
}

/// Stores a one-time password-reset token (by its hash) for an agent; only owners reset
/// owners' passwords.
pub fn issue_password_reset(
    app: &AppContext,
    caller: &Caller,
    target: AgentId,
    (token_hash, expires_at): (&str, NaiveDateTime),
    client_address: &str,
) -> AppResult<()> {
    caller.permits(Permission::ManageTeam)?;
    let organization = &caller.organization_id;
    app.db.write(|conn| {
        let agent = agents::find(conn, organization, &target).or_missing("agent")?;
        if agent.role == Role::Owner && caller.role != Role::Owner {
            return Err(Denied::OwnersOnly.into());
        }
        password_resets::insert(
            conn,
            organization,
            &target,
            Some(&caller.agent_id),
            token_hash,
            expires_at,
        )?;
        let event = caller.audit_event(
            client_address,
            "password.reset_issued",
            ("agent", target.as_str()),
            serde_json::json!({}),
        );
        Ok(audit::append(conn, event)?)
    })
}

fn email_taken(error: DbError) -> AppError {
    if error.is_conflict_on("email") {
        AppError::field("email", "email_taken", "an account with this email already exists")
    } else {
        error.into()
    }
}
