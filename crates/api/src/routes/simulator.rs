//! The phone simulator: text a simulator number as a customer would, from any phone number,
//! and read what the business answered. For demos and trying Textdesk without a provider.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use textdesk_db::numbers;
use textdesk_db::{DbError, contacts, conversations, ids, messages};
use textdesk_domain::phone::PhoneNumber;
use textdesk_domain::text::check_multiline;
use textdesk_providers::{InboundMessage, ProviderKind};
use textdesk_types::messages::Message;
use textdesk_types::{ContactId, NumberId, ProblemDetails};

use crate::extract::{CurrentAgent, JsonBody};
use crate::{ApiError, AppState};
use textdesk_app::inbound::{self, InboundText};

/// A text from a simulated handset to one of the organization's simulator numbers.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"from": "+12025550143", "number_id": "01936f0e-4c1a-7b3e-9a55-2f1d3c4b5a69", "body": "Do you have anything on Friday?"}))]
#[serde(deny_unknown_fields)]
pub struct SimulatedText {
    /// The customer's phone number.
    pub from: String,
    /// The simulator number to text.
    pub number_id: NumberId,
    pub body: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HandsetQuery {
    /// The customer's phone number.
    pub phone: String,
}

/// Text the business as a customer, through a simulator number.
#[utoipa::path(
    tag = "simulator",
    security(("bearer" = [])),
    request_body = SimulatedText,
    responses(
        (status = 201, description = "The message as the business received it", body = Message),
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
    let SimulatedText { from, number_id, body } = body.0;
    let from = PhoneNumber::parse(&from).map_err(|invalid| ApiError::field("from", invalid.code, invalid.message))?;
    if body.trim().is_empty() || body.chars().count() > 1600 {
        return Err(ApiError::field(
            "body",
            "invalid_body",
            "must be 1 to 1600 characters long",
        ));
    }
    check_multiline(&body).map_err(|invalid| ApiError::field("body", invalid.code, invalid.message))?;
    let message = state
        .write(move |conn| {
            let number = numbers::find(conn, &me.organization_id, &number_id).map_err(|e| match e {
                DbError::NotFound => {
                    ApiError::field("number_id", "unknown_number", "is not a number of this organization")
                }
                other => other.into(),
            })?;
            if number.provider != ProviderKind::Simulator.as_str() {
                return Err(ApiError::conflict(
                    "not_a_simulator",
                    "Only simulator numbers can be texted from here.",
                ));
            }
            let text = InboundMessage {
                provider_message_id: format!("SIM{}", ids::new_id().replace('-', "")),
                account_sid: "simulator".to_owned(),
                from: from.as_str().to_owned(),
                to: number.phone_number.clone(),
                body,
                media: Vec::new(),
            };
            let stored = inbound::store_all(
                conn,
                &[InboundText {
                    number: &number,
                    from: from.as_str(),
                    message: &text,
                }],
            )?;
            let message = stored.into_iter().flatten().next().ok_or(DbError::NotFound)?;
            Ok(message.into_wire()?)
        })
        .await?;
    Ok(HttpResponse::Created().json(message))
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
    let phone =
        PhoneNumber::parse(&query.phone).map_err(|invalid| ApiError::field("phone", invalid.code, invalid.message))?;
    let texts = state
        .read(move |conn| {
            let Some(contact) = contacts::find_by_phone(conn, &me.organization_id, phone.as_str())? else {
                return Ok(Vec::new());
            };
            let mut texts = Vec::new();
            for conversation in conversations::thread(conn, &me.organization_id, &ContactId::new(contact.id.clone()))? {
                let window = messages::window(
                    conn,
                    &conversation.conversation_id(),
                    messages::Window::Newest,
                    200,
                    true,
                )?;
                texts.extend(
                    window
                        .into_iter()
                        .filter(|m| m.direction == "inbound" || m.direction == "outbound"),
                );
            }
            Ok(messages::into_wire_list(conn, texts)?)
        })
        .await?;
    Ok(web::Json(texts))
}
