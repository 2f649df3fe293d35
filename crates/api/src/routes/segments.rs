//! Counting a text before it is sent, for integrators that compose messages outside the browser
//! app (which counts with the same shared code as the agent types).

use actix_web::{post, web};
use textdesk_db::organizations;
use textdesk_types::ProblemDetails;
use textdesk_types::messages::{CountSegments, SegmentReport};
use textdesk_types::sms;

use crate::extract::{CurrentAgent, JsonBody};
use crate::{ApiError, AppState};
use textdesk_app::AppError;
use textdesk_app::compliance;
use textdesk_app::messages::parse_body;

/// The longest text counted; longer ones could never be sent.
const COUNT_MAX_CHARACTERS: usize = 10_000;

/// Count a text's SMS segments: encoding (GSM-7 or UCS-2), segments, characters left in the
/// last segment, and whether the organization's length rules (single segment, up to three, or
/// the MMS text-only limit with media) would accept it.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    request_body = CountSegments,
    responses(
        (status = 200, description = "How the text would travel", body = SegmentReport),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/messages/segments")]
pub async fn count_segments(
    state: web::Data<AppState>,
    me: CurrentAgent,
    request: JsonBody<CountSegments>,
) -> Result<web::Json<SegmentReport>, ApiError> {
    let CountSegments { body, with_media } = request.0;
    if body.chars().count() > COUNT_MAX_CHARACTERS {
        return Err(ApiError::field(
            "body",
            "too_long",
            format!("must be at most {COUNT_MAX_CHARACTERS} characters"),
        ));
    }
    let organization = state
        .read(move |conn| Ok(organizations::find(conn, &me.organization_id)?))
        .await?;
    let count = sms::count(&body);
    // The length policy's refusal reads best (it counts segments); then the rule every message
    // body must meet to be sent, so the counter never allows what sending refuses.
    let policy = if with_media && body.trim().is_empty() {
        None
    } else {
        sms::check_length(&body, compliance::length_policy(&organization, with_media))
            .err()
            .map(|error| error.to_string())
    };
    let refusal = policy.or_else(|| match parse_body(&body, with_media) {
        Err(AppError::Validation(errors)) => errors.first().map(|error| format!("The text {}.", error.message)),
        _ => None,
    });
    Ok(web::Json(SegmentReport {
        encoding: count.encoding,
        segments: count.segments,
        units: count.units,
        remaining: count.remaining,
        allowed: refusal.is_none(),
        refusal,
    }))
}
