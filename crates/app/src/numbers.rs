//! Business numbers: every agent reads them (to pick one to send from); owners and admins
//! connect and change them. Credentials are write-only: the auth token is stored sealed.

use textdesk_db::DbError;
use textdesk_db::numbers::{self, NewNumber, NumberChanges};
use textdesk_db::secrets::SecretBox;
use textdesk_domain::Invalid;
use textdesk_domain::phone::PhoneNumber;
use textdesk_domain::text::{Label, TITLE_MAX};
use textdesk_types::NumberId;
use textdesk_types::numbers::{CreateNumber, Number, UpdateNumber};

use crate::conversations::ownership::check_owner;
use crate::validation::{Validator, checked};
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

/// Providers Textdesk can send through.
const PROVIDERS: [&str; 2] = ["twilio", "simulator"];
/// Messages a second a number may send: one for a US long code, up to a short code's rate.
pub const SEND_RATE_MIN: u32 = 1;
pub const SEND_RATE_MAX: u32 = 1000;

/// The organization's business numbers.
pub fn list(app: &AppContext, caller: &Caller) -> AppResult<Vec<Number>> {
    caller.permits(Permission::ReadInbox)?;
    let rows = app.db.read(|conn| numbers::list(conn, &caller.organization_id))?;
    Ok(rows.into_iter().map(|row| row.into_wire()).collect())
}

/// One business number.
pub fn get(app: &AppContext, caller: &Caller, id: NumberId) -> AppResult<Number> {
    caller.permits(Permission::ReadInbox)?;
    let row = app
        .db
        .read(|conn| numbers::find(conn, &caller.organization_id, &id).or_missing("number"))?;
    Ok(row.into_wire())
}

/// Connects a business number. Twilio numbers need the account SID and auth token, which
/// `secrets` seals before it is stored.
pub fn create(app: &AppContext, caller: &Caller, new: CreateNumber, secrets: &SecretBox) -> AppResult<Number> {
    caller.permits(Permission::ManageNumbers)?;
    let mut v = Validator::new();
    let phone = v.check("phone_number", PhoneNumber::parse(&new.phone_number));
    let label = v.check("label", Label::parse(&new.label, TITLE_MAX));
    let provider = v.check("provider", parse_provider(&new.provider));
    let account_sid = v.check_optional("account_sid", new.account_sid, |raw| parse_credential(&raw));
    let auth_token = v.check_optional("auth_token", new.auth_token, |raw| parse_credential(&raw));
    let send_rate = v.check_optional("send_rate_per_second", new.send_rate_per_second, parse_send_rate);
    if provider.as_deref() == Some("twilio") {
        require_for_twilio(&mut v, "account_sid", account_sid.is_some());
        require_for_twilio(&mut v, "auth_token", auth_token.is_some());
    }
    v.finish()?;
    let sealed = auth_token.map(|token| secrets.seal(&token)).transpose()?;
    let (phone, label, provider) = (checked(phone)?, checked(label)?, checked(provider)?);
    let new = NewNumber {
        phone_number: phone.as_str(),
        label: label.as_ref(),
        provider: &provider,
        account_sid: account_sid.as_deref(),
        auth_token_sealed: sealed.as_deref(),
        send_rate_per_second: send_rate.unwrap_or(1),
    };
    let row = app
        .db
        .write(|conn| numbers::insert(conn, &caller.organization_id, new).map_err(number_taken))?;
    Ok(row.into_wire())
}

/// Changes a number's label, switches it on or off, or replaces its credentials.
pub fn update(
    app: &AppContext,
    caller: &Caller,
    id: NumberId,
    update: UpdateNumber,
    secrets: &SecretBox,
) -> AppResult<Number> {
    caller.permits(Permission::ManageNumbers)?;
    let mut v = Validator::new();
    let label = v.check_optional("label", update.label, |raw| Label::parse(&raw, TITLE_MAX));
    let account_sid = v.check_optional("account_sid", update.account_sid, |raw| parse_credential(&raw));
    let auth_token = v.check_optional("auth_token", update.auth_token, |raw| parse_credential(&raw));
    let send_rate = v.check_optional("send_rate_per_second", update.send_rate_per_second, parse_send_rate);
    v.finish()?;
    let sealed = auth_token.map(|token| secrets.seal(&token)).transpose()?;
    let row = app.db.write(|conn| {
        let before = numbers::find(conn, &caller.organization_id, &id).or_missing("number")?;
        check_relay_change(conn, caller, &before, update.relay)?;
        let target = update
            .auto_assign
            .map(|target| check_owner(conn, caller, target.agent_id, target.group_id))
            .transpose()?;
        let changes = NumberChanges {
            label: label.map(Label::into_inner),
            enabled: update.enabled,
            account_sid: account_sid.map(Some),
            auth_token_sealed: sealed.map(Some),
            send_rate_per_second: send_rate.map(|rate| i32::try_from(rate).unwrap_or(1)),
            auto_assign_agent_id: target.as_ref().map(|target| target.agent.clone()),
            auto_assign_group_id: target.map(|target| target.group),
            relay: update.relay,
        };
        numbers::update(conn, &caller.organization_id, &id, &changes).or_missing("number")
    })?;
    Ok(row.into_wire())
}

/// A number set aside for relay texts no customer, so one with open conversations cannot be;
/// given back to conversations, it is no agent's relay number any more.
fn check_relay_change(
    conn: &mut textdesk_db::DbConnection,
    caller: &Caller,
    before: &textdesk_db::numbers::NumberRow,
    relay: Option<bool>,
) -> AppResult<()> {
    match relay {
        Some(true)
            if !before.relay
                && textdesk_db::conversations::open_on_number(conn, &caller.organization_id, &before.id)? > 0 =>
        {
            return Err(AppError::field(
                "relay",
                "number_in_use",
                "has open conversations: close them, or set aside a number of its own for relay",
            ));
        }
        Some(false) if before.relay => {
            textdesk_db::agents::take_relay_number(conn, &caller.organization_id, &before.id)?;
        }
        _ => {}
    }
    Ok(())
}

fn parse_provider(raw: &str) -> Result<String, Invalid> {
    PROVIDERS
        .iter()
        .find(|provider| **provider == raw)
        .map(|provider| (*provider).to_owned())
        .ok_or_else(|| Invalid::new("unknown_provider", format!("must be one of: {}", PROVIDERS.join(", "))))
}

fn parse_credential(raw: &str) -> Result<String, Invalid> {
    let value = raw.trim();
    if value.is_empty() || value.len() > 200 || value.chars().any(char::is_whitespace) {
        return Err(Invalid::new(
            "invalid_credential",
            "must be a non-empty value without spaces",
        ));
    }
    Ok(value.to_owned())
}

fn parse_send_rate(rate: u32) -> Result<u32, Invalid> {
    if (SEND_RATE_MIN..=SEND_RATE_MAX).contains(&rate) {
        Ok(rate)
    } else {
        Err(Invalid::new(
            "out_of_range",
            format!("must be between {SEND_RATE_MIN} and {SEND_RATE_MAX} messages a second"),
        ))
    }
}

/// Twilio cannot send without the account's credentials.
fn require_for_twilio(v: &mut Validator, field: &str, given: bool) {
    if !given {
        v.check::<()>(field, Err(Invalid::new("required", "is required for Twilio numbers")));
    }
}

fn number_taken(error: DbError) -> AppError {
    if error.is_conflict_on("phone_number") {
        AppError::field("phone_number", "number_taken", "this number is already connected")
    } else {
        error.into()
    }
}
