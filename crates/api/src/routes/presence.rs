//! Presence: who has the Message Center open.

use actix_web::{HttpResponse, delete, get, post, web};
use textdesk_app::presence;
use textdesk_types::ProblemDetails;
use textdesk_types::presence::{Heartbeat, OnlineAgent};

use crate::extract::{CurrentAgent, JsonBody};
use crate::{ApiError, AppState};

/// The agents with the Message Center open (name and email), by name.
#[utoipa::path(
    tag = "presence",
    security(("bearer" = [])),
    responses((status = 200, description = "Online agents", body = Vec<OnlineAgent>))
)]
#[get("/presence")]
pub async fn list_online(
    state: web::Data<AppState>,
    me: CurrentAgent,
) -> Result<web::Json<Vec<OnlineAgent>>, ApiError> {
    let caller = me.caller();
    Ok(web::Json(state.run(move |app| presence::online(app, &caller)).await?))
}

/// Say that this tab has the Message Center open; repeat every 20 seconds. You are online while
/// one of your tabs has said so within 45 seconds. Coming online hands you conversations
/// waiting in your round-robin groups.
#[utoipa::path(
    tag = "presence",
    security(("bearer" = [])),
    request_body = Heartbeat,
    responses(
        (status = 204, description = "Noted"),
        (status = 422, description = "Invalid tab id", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/presence")]
pub async fn heartbeat(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: JsonBody<Heartbeat>,
) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    state.run(move |app| presence::beat(app, &caller, body.0)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This tab closed or left the Message Center. Signing out takes you offline everywhere.
#[utoipa::path(
    tag = "presence",
    security(("bearer" = [])),
    params(("tab_id" = String, Path, description = "The tab's id, as its heartbeats gave it")),
    responses(
        (status = 204, description = "Noted"),
        (status = 422, description = "Invalid tab id", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/presence/{tab_id}")]
pub async fn leave(
    state: web::Data<AppState>,
    me: CurrentAgent,
    tab_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (caller, tab) = (me.caller(), tab_id.into_inner());
    state.run(move |app| presence::leave(app, &caller, &tab)).await?;
    Ok(HttpResponse::NoContent().finish())
}
