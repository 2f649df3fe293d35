//! The business's phone numbers.

use textdesk_types::numbers::Number;

use super::{ApiResult, Call, fetch};

pub async fn list() -> ApiResult<Vec<Number>> {
    fetch(Call::get("/numbers")).await
}
