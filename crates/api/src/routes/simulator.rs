//! The phone simulator: text a simulator number as a customer would, from any phone number,
//! and read what the business answered. For demos and trying Textdesk without a provider.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use textdesk_app::simulator;
use textdesk_types::ProblemDetails;
use textdesk_types::messages::{Message, SimulatedText};
use textdesk_types::relay::RelayText;

use crate::extract::{CurrentAgent, JsonBody};
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HandsetQuery {
    /// The customer's phone number.
    pub phone: String,
}

/// Text the business as a customer, through a simulator number.
///
/// A simulator number set aside for text relay takes texts from agents' own phones instead:
/// such a text is no conversation's and is answered 202 with no body.
#[utoipa::path(
    tag = "simulator",
    security(("bearer" = [])),
    request_body = SimulatedText,
    responses(
        (status = 201, description = "The message as the business received it", body = Message),
        (status = 202, description = "Taken by a relay number (a reply from an agent's phone)"),
        (status = 409, description = "The number is not a simulator number", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/simulator/messages")]
pub async fn send_as_customer(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: JsonBody<SimulatedText>,
) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    let message = state
        .run(move |app| simulator::text_as_customer(app, &caller, body.0))
        .await?;
    Ok(match message {
        Some(message) => HttpResponse::Created().json(message),
        None => HttpResponse::Accepted().finish(),
    })
}

/// What a simulated handset sees: the texts between it and the business, oldest first
/// (notes and system entries are not texts and are left out).
#[utoipa::path(
    tag = "simulator",
    security(("bearer" = [])),
    params(HandsetQuery),
    responses(
        (status = 200, description = "The texts", body = Vec<Message>),
        (status = 422, description = "Invalid phone number", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/simulator/messages")]
pub async fn handset_messages(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<HandsetQuery>,
) -> Result<web::Json<Vec<Message>>, ApiError> {
    let caller = me.caller();
    let texts = state
        .run(move |app| simulator::handset_texts(app, &caller, &query.phone))
        .await?;
    Ok(web::Json(texts))
}

/// What a simulated handset that is an agent's own phone sees of text relay: new texts
/// forwarded to it, its replies, and the answers to replies that were not taken, oldest first.
#[utoipa::path(
    tag = "simulator",
    security(("bearer" = [])),
    params(HandsetQuery),
    responses(
        (status = 200, description = "The relay texts", body = Vec<RelayText>),
        (status = 422, description = "Invalid phone number", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/simulator/relay-texts")]
pub async fn handset_relay_texts(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<HandsetQuery>,
) -> Result<web::Json<Vec<RelayText>>, ApiError> {
    let caller = me.caller();
    let texts = state
        .run(move |app| simulator::relay_texts(app, &caller, &query.phone))
        .await?;
    Ok(web::Json(texts))
}
