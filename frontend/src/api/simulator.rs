//! The phone simulator: texting simulator numbers as a customer.

use gloo_net::http::Method;
use textdesk_types::NumberId;
use textdesk_types::messages::{Message, SimulatedText};
use textdesk_types::relay::RelayText;

use super::{ApiResult, Call, fetch, fetch_empty};

/// Texts a simulator number as the customer (or, to a relay number, the agent's phone) with
/// this phone number.
pub async fn text(from: String, number_id: NumberId, body: String) -> ApiResult<()> {
    let text = SimulatedText { from, number_id, body };
    fetch_empty(Call::new(Method::POST, "/simulator/messages").with_json(&text)?).await
}

/// The text relay texts between a simulated handset (an agent's phone) and relay numbers.
pub async fn relay_texts(phone: String) -> ApiResult<Vec<RelayText>> {
    fetch(Call::get("/simulator/relay-texts").with_query("phone", phone)).await
}

/// The texts between a simulated handset and the business.
pub async fn handset(phone: String) -> ApiResult<Vec<Message>> {
    fetch(Call::get("/simulator/messages").with_query("phone", phone)).await
}
