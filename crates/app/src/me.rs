//! The caller's own profile, password and avatar. Every agent may see and change their own
//! account, so these operations ask for no permission.

use chrono::NaiveDateTime;
use textdesk_db::agents::{self, AgentChanges};
use textdesk_db::{audit, refresh_tokens};
use textdesk_domain::accounts::{E164, IdleAlertSeconds, NewPassword, TimeZoneName, avatar};
use textdesk_domain::phone::PhoneNumber;
use textdesk_domain::text::{Label, NAME_MAX, SCREENNAME_MAX};
use textdesk_types::agents::{Agent, ChangePassword, UpdateProfile};

use crate::validation::Validator;
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, passwords};

/// The caller's profile.
pub fn get(app: &AppContext, caller: &Caller) -> AppResult<Agent> {
    app.db.read(|conn| {
        let row = agents::find(conn, &caller.organization_id, &caller.agent_id).or_missing("agent")?;
        Ok(agents::into_wire_one(conn, row)?)
    })
}

/// Edits the caller's names, screenname, time zone, idle alert, email notifications or mobile
/// number.
pub fn update(app: &AppContext, caller: &Caller, update: UpdateProfile) -> AppResult<Agent> {
    let changes = profile_changes(update)?;
    app.db.write(|conn| {
        // Relay texts to a business number would come back in as a customer's: a loop.
        if let Some(Some(mobile)) = &changes.mobile_number
            && !textdesk_db::numbers::find_by_phone_numbers(conn, &[mobile.as_str()])?.is_empty()
        {
            return Err(AppError::field(
                "mobile_number",
                "business_number",
                "is one of Textdesk's business numbers; give your own phone's number",
            ));
        }
        let row = agents::update(conn, &caller.organization_id, &caller.agent_id, &changes)?;
        Ok(agents::into_wire_one(conn, row)?)
    })
}

fn profile_changes(update: UpdateProfile) -> AppResult<AgentChanges> {
    let mut v = Validator::new();
    let first_name = v.check_optional("first_name", update.first_name, |raw| Label::parse(&raw, NAME_MAX));
    let last_name = v.check_optional("last_name", update.last_name, |raw| Label::parse(&raw, NAME_MAX));
    let screenname = v.check_optional("screenname", update.screenname, |raw| {
        Label::parse(&raw, SCREENNAME_MAX)
    });
    let time_zone = v.check_optional("time_zone", update.time_zone, |raw| TimeZoneName::parse(&raw));
    let idle = v.check_optional("idle_alert_seconds", update.idle_alert_seconds, IdleAlertSeconds::parse);
    // An empty number removes the one stored; one typed without its country code, such as
    // "(202) 555-0199", is read as a U.S. number, as customers' numbers are.
    let mobile = v.check_optional("mobile_number", update.mobile_number, |raw| {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            E164::parse(&raw)
                .map(E164::into_inner)
                .or_else(|_| PhoneNumber::parse(&raw).map(PhoneNumber::into_inner))
                .map(Some)
        }
    });
    v.finish()?;
    let notifications = update.notifications;
    Ok(AgentChanges {
        first_name: first_name.map(Label::into_inner),
        last_name: last_name.map(Label::into_inner),
        screenname: screenname.map(Label::into_inner),
        time_zone: time_zone.map(TimeZoneName::into_inner),
        idle_alert_seconds: idle.map(|seconds| i32::try_from(seconds).unwrap_or(i32::MAX)),
        notify_transfer_mine: notifications.map(|n| n.transfer_mine),
        notify_transfer_group: notifications.map(|n| n.transfer_group),
        notify_message_mine: notifications.map(|n| n.message_mine),
        notify_message_group: notifications.map(|n| n.message_group),
        mobile_number: mobile,
        relay_enabled: update.relay_enabled,
        ..Default::default()
    })
}

/// Changes the caller's password and ends every session but the one continuing with the
/// refresh token given (by its hash). Hashes passwords, so call it on a blocking thread.
pub fn change_password(
    app: &AppContext,
    caller: &Caller,
    request: ChangePassword,
    (refresh_token_hash, expires_at): (&str, NaiveDateTime),
    client_address: &str,
) -> AppResult<()> {
    let ChangePassword {
        current_password,
        new_password,
    } = request;
    let password = NewPassword::parse(&new_password).map_err(|invalid| AppError::invalid("new_password", invalid))?;
    let (organization, agent) = (&caller.organization_id, &caller.agent_id);
    let stored = app
        .db
        .read(|conn| agents::find(conn, organization, agent).or_missing("agent"))?;
    if !passwords::verify(&current_password, &stored.password_hash) {
        return Err(AppError::Forbidden {
            code: "wrong_password",
            detail: "The current password is wrong.".to_owned(),
        });
    }
    let changes = AgentChanges {
        password_hash: Some(passwords::hash(&password)?),
        ..Default::default()
    };
    app.db.write(|conn| {
        agents::update(conn, organization, agent, &changes)?;
        refresh_tokens::revoke_all_for_agent(conn, organization, agent)?;
        refresh_tokens::insert(conn, organization, agent, None, refresh_token_hash, expires_at)?;
        let target = ("agent", agent.as_str());
        let event = caller.audit_event(client_address, "password.changed", target, serde_json::json!({}));
        Ok(audit::append(conn, event)?)
    })
}

/// Replaces the caller's avatar. The image type is read from its own bytes, never from what the
/// client claims.
pub fn set_avatar(app: &AppContext, caller: &Caller, bytes: &[u8]) -> AppResult<Agent> {
    let content_type = avatar::sniff_image(bytes).map_err(|invalid| AppError::invalid("body", invalid))?;
    let (organization, agent) = (&caller.organization_id, &caller.agent_id);
    app.db.write(|conn| {
        agents::set_avatar(conn, organization, agent, content_type, bytes)?;
        let row = agents::find(conn, organization, agent)?;
        Ok(agents::into_wire_one(conn, row)?)
    })
}

pub fn delete_avatar(app: &AppContext, caller: &Caller) -> AppResult<()> {
    app.db
        .write(|conn| Ok(agents::delete_avatar(conn, &caller.organization_id, &caller.agent_id)?))
}
