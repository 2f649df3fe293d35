//! The phone simulator: texting simulator numbers as a customer.

use gloo_net::http::Method;
use textdesk_types::NumberId;
use textdesk_types::messages::{Message, SimulatedText};

use super::{ApiResult, Call, fetch};

/// Texts a simulator number as the customer with this phone number.
pub async fn text(from: String, number_id: NumberId, body: String) -> ApiResult<Message> {
    let text = SimulatedText { from, number_id, body };
    fetch(Call::new(Method::POST, "/simulator/messages").with_json(&text)?).await
}

/// The texts between a simulated handset and the business.
pub async fn handset(phone: String) -> ApiResult<Vec<Message>> {
    fetch(Call::get("/simulator/messages").with_query("phone", phone)).await
}
