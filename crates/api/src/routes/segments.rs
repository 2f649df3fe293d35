//! Counting a text before it is sent, for integrators that compose messages outside the browser
//! app (which counts with the same shared code as the agent types).

use actix_web::{post, web};
use textdesk_app::messages;
use textdesk_types::ProblemDetails;
use textdesk_types::messages::{CountSegments, SegmentReport};

use crate::extract::{CurrentAgent, JsonBody};
use crate::{ApiError, AppState};

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
    let caller = me.caller();
    let report = state
        .run(move |app| messages::count_segments(app, &caller, request.0))
        .await?;
    Ok(web::Json(report))
}
