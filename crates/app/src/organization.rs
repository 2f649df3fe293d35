//! The caller's organization and its settings.

use textdesk_db::{audit, organizations};
use textdesk_domain::organization::{
    parse_distribution_list_limit, parse_keywords, parse_outbound_text, parse_waiting_for_reply_minutes,
    parse_window_minute,
};
use textdesk_domain::text::{Label, TITLE_MAX};
use textdesk_types::agents::Role;
use textdesk_types::organization::{Organization, OrganizationSettings, UpdateOrganization};

use crate::validation::Validator;
use crate::{AppContext, AppError, AppResult, Caller, Permission};

/// The caller's organization and its settings.
pub fn get(app: &AppContext, caller: &Caller) -> AppResult<Organization> {
    caller.permits(Permission::ReadInbox)?;
    app.db
        .read(|conn| Ok(organizations::find(conn, &caller.organization_id)?.into_wire()))
}

/// Changes the organization's name and settings; absent fields stay as they are. The audit log
/// keeps the settings from before and after.
pub fn update(
    app: &AppContext,
    caller: &Caller,
    update: UpdateOrganization,
    client_address: &str,
) -> AppResult<Organization> {
    caller.permits(Permission::ManageSettings)?;
    let update = normalized(update)?;
    app.db.write(|conn| {
        let current = organizations::find(conn, &caller.organization_id)?;
        // The largest distribution list bounds what one send may cost: the owner's decision.
        // The value as it is may be sent back by anyone who saves the whole settings.
        let changes_limit = update
            .distribution_list_limit
            .is_some_and(|limit| limit != current.settings.distribution_list_limit);
        if changes_limit && caller.role != Role::Owner {
            return Err(AppError::Forbidden {
                code: "owners_only",
                detail: "Only the owner changes the largest distribution list.".to_owned(),
            });
        }
        let mut settings = current.settings.clone();
        let before = serde_json::to_value(&settings).unwrap_or_default();
        let name = update.name.clone().unwrap_or_else(|| current.name.clone());
        apply(&mut settings, update);
        let updated = organizations::update(conn, &caller.organization_id, &name, &settings)?;
        let after = serde_json::to_value(&settings).unwrap_or_default();
        let detail =
            serde_json::json!({"name": {"from": current.name, "to": name}, "settings": {"from": before, "to": after}});
        let target = ("organization", updated.id.as_str());
        audit::append(
            conn,
            caller.audit_event(client_address, "organization.settings_changed", target, detail),
        )?;
        Ok(updated.into_wire())
    })
}

/// The update with every given field checked and in its stored form (trimmed texts,
/// upper-cased keywords), or every invalid field.
fn normalized(update: UpdateOrganization) -> AppResult<UpdateOrganization> {
    let mut v = Validator::new();
    let name = v.check_optional("name", update.name, |raw| {
        Label::parse(&raw, TITLE_MAX).map(Label::into_inner)
    });
    let consent_message_text = v.check_optional("consent_message_text", update.consent_message_text, |raw| {
        parse_outbound_text(&raw)
    });
    let help_text = v.check_optional("help_text", update.help_text, |raw| parse_outbound_text(&raw));
    let distribution_list_limit = v.check_optional(
        "distribution_list_limit",
        update.distribution_list_limit,
        parse_distribution_list_limit,
    );
    let waiting_for_reply_minutes = v.check_optional(
        "waiting_for_reply_minutes",
        update.waiting_for_reply_minutes,
        parse_waiting_for_reply_minutes,
    );
    let opt_out_keywords = v.check_optional("opt_out_keywords", update.opt_out_keywords, |raw| parse_keywords(&raw));
    let opt_in_keywords = v.check_optional("opt_in_keywords", update.opt_in_keywords, |raw| parse_keywords(&raw));
    let help_keywords = v.check_optional("help_keywords", update.help_keywords, |raw| parse_keywords(&raw));
    let double_opt_in_text = v.check_optional("double_opt_in_text", update.double_opt_in_text, |raw| {
        parse_outbound_text(&raw)
    });
    let opt_out_confirmation_text =
        v.check_optional("opt_out_confirmation_text", update.opt_out_confirmation_text, |raw| {
            parse_outbound_text(&raw)
        });
    let opt_in_confirmation_text =
        v.check_optional("opt_in_confirmation_text", update.opt_in_confirmation_text, |raw| {
            parse_outbound_text(&raw)
        });
    let quiet_hours_start_minute = v.check_optional(
        "quiet_hours_start_minute",
        update.quiet_hours_start_minute,
        parse_window_minute,
    );
    let quiet_hours_end_minute = v.check_optional(
        "quiet_hours_end_minute",
        update.quiet_hours_end_minute,
        parse_window_minute,
    );
    v.finish()?;
    Ok(UpdateOrganization {
        name,
        consent_message_text,
        help_text,
        distribution_list_limit,
        waiting_for_reply_minutes,
        opt_out_keywords,
        opt_in_keywords,
        help_keywords,
        double_opt_in_text,
        opt_out_confirmation_text,
        opt_in_confirmation_text,
        quiet_hours_start_minute,
        quiet_hours_end_minute,
        ..update
    })
}

/// Sets every setting the update gives.
fn apply(settings: &mut OrganizationSettings, update: UpdateOrganization) {
    macro_rules! set {
        ($($field:ident),* $(,)?) => {
            $(if let Some(value) = update.$field {
                settings.$field = value;
            })*
        };
    }
    set!(
        consent_message_required,
        consent_message_text,
        concatenation_allowed,
        inbound_mms_allowed,
        agents_may_delete,
        exports_allowed,
        drips_enabled,
        notes_api_enabled,
        distribution_list_limit,
        waiting_for_reply_minutes,
        help_text,
        opt_out_keywords,
        opt_in_keywords,
        help_keywords,
        opt_in_by_keyword,
        double_opt_in,
        double_opt_in_text,
        opt_out_confirmation_text,
        opt_in_confirmation_text,
        quiet_hours_start_minute,
        quiet_hours_end_minute,
        mms_text_only,
        name_tags_in_first_message,
    );
}
