//! The signed-in agent's organization and its settings.

use actix_web::{HttpRequest, get, patch, web};
use textdesk_db::organizations;
use textdesk_domain::organization::{
    parse_distribution_list_limit, parse_keywords, parse_outbound_text, parse_waiting_for_reply_minutes,
    parse_window_minute,
};
use textdesk_domain::permissions;
use textdesk_domain::text::{Label, TITLE_MAX};
use textdesk_types::ProblemDetails;
use textdesk_types::organization::{Organization, UpdateOrganization};

use super::Audit;
use crate::extract::{CurrentAgent, JsonBody, client_address};
use crate::{ApiError, AppState};
use textdesk_app::validation::Validator;

/// Your organization and its settings.
#[utoipa::path(
    tag = "organization",
    security(("bearer" = [])),
    responses((status = 200, description = "The organization", body = Organization))
)]
#[get("/organization")]
pub async fn get_organization(
    state: web::Data<AppState>,
    me: CurrentAgent,
) -> Result<web::Json<Organization>, ApiError> {
    let organization = state
        .read(move |conn| Ok(organizations::find(conn, &me.organization_id)?.into_wire()?))
        .await?;
    Ok(web::Json(organization))
}

/// Change the organization's name and settings (owners and admins). Absent fields stay as they are.
#[utoipa::path(
    tag = "organization",
    security(("bearer" = [])),
    request_body = UpdateOrganization,
    responses(
        (status = 200, description = "The updated organization", body = Organization),
        (status = 403, description = "Not allowed", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/organization")]
pub async fn update_organization(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    body: JsonBody<UpdateOrganization>,
) -> Result<web::Json<Organization>, ApiError> {
    permissions::require_admin(me.role)?;
    let update = body.0;
    let mut v = Validator::new();
    let name = v.check_optional("name", update.name.clone(), |raw| Label::parse(&raw, TITLE_MAX));
    let consent_text = v.check_optional("consent_message_text", update.consent_message_text.clone(), |raw| {
        parse_outbound_text(&raw)
    });
    let help_text = v.check_optional("help_text", update.help_text.clone(), |raw| parse_outbound_text(&raw));
    let list_limit = v.check_optional(
        "distribution_list_limit",
        update.distribution_list_limit,
        parse_distribution_list_limit,
    );
    let waiting = v.check_optional(
        "waiting_for_reply_minutes",
        update.waiting_for_reply_minutes,
        parse_waiting_for_reply_minutes,
    );
    let opt_out = v.check_optional("opt_out_keywords", update.opt_out_keywords.clone(), |raw| {
        parse_keywords(&raw)
    });
    let opt_in = v.check_optional("opt_in_keywords", update.opt_in_keywords.clone(), |raw| {
        parse_keywords(&raw)
    });
    let help = v.check_optional("help_keywords", update.help_keywords.clone(), |raw| {
        parse_keywords(&raw)
    });
    let double_opt_in_text = v.check_optional("double_opt_in_text", update.double_opt_in_text.clone(), |raw| {
        parse_outbound_text(&raw)
    });
    let opt_out_text = v.check_optional(
        "opt_out_confirmation_text",
        update.opt_out_confirmation_text.clone(),
        |raw| parse_outbound_text(&raw),
    );
    let opt_in_text = v.check_optional(
        "opt_in_confirmation_text",
        update.opt_in_confirmation_text.clone(),
        |raw| parse_outbound_text(&raw),
    );
    let quiet_start = v.check_optional(
        "quiet_hours_start_minute",
        update.quiet_hours_start_minute,
        parse_window_minute,
    );
    let quiet_end = v.check_optional(
        "quiet_hours_end_minute",
        update.quiet_hours_end_minute,
        parse_window_minute,
    );
    v.finish()?;
    let address = client_address(&request, &state);
    let organization = state
        .write(move |conn| {
            let current = organizations::find(conn, &me.organization_id)?;
            let mut settings = current.settings()?;
            let before = serde_json::to_value(&settings).unwrap_or_default();
            macro_rules! set {
                ($field:ident, $value:expr) => {
                    if let Some(value) = $value {
                        settings.$field = value;
                    }
                };
            }
            set!(consent_message_required, update.consent_message_required);
            set!(consent_message_text, consent_text);
            set!(concatenation_allowed, update.concatenation_allowed);
            set!(inbound_mms_allowed, update.inbound_mms_allowed);
            set!(agents_may_delete, update.agents_may_delete);
            set!(exports_allowed, update.exports_allowed);
            set!(drips_enabled, update.drips_enabled);
            set!(notes_api_enabled, update.notes_api_enabled);
            set!(distribution_list_limit, list_limit);
            set!(waiting_for_reply_minutes, waiting);
            set!(help_text, help_text);
            set!(opt_out_keywords, opt_out);
            set!(opt_in_keywords, opt_in);
            set!(help_keywords, help);
            set!(opt_in_by_keyword, update.opt_in_by_keyword);
            set!(double_opt_in, update.double_opt_in);
            set!(double_opt_in_text, double_opt_in_text);
            set!(opt_out_confirmation_text, opt_out_text);
            set!(opt_in_confirmation_text, opt_in_text);
            set!(quiet_hours_start_minute, quiet_start);
            set!(quiet_hours_end_minute, quiet_end);
            set!(mms_text_only, update.mms_text_only);
            let name = name.map(Label::into_inner).unwrap_or_else(|| current.name.clone());
            let updated = organizations::update(conn, &me.organization_id, &name, &settings)?;
            let audit = Audit::by(&me, &address);
            let after = serde_json::to_value(&settings).unwrap_or_default();
            let detail = serde_json::json!({"name": {"from": current.name, "to": name}, "settings": {"from": before, "to": after}});
            audit.record(conn, "organization.settings_changed", "organization", &updated.id, detail)?;
            Ok(updated.into_wire()?)
        })
        .await?;
    Ok(web::Json(organization))
}
