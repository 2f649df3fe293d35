//! The signed-in agent's organization.

use textdesk_types::organization::Organization;

use super::{ApiResult, Call, fetch};

pub async fn get() -> ApiResult<Organization> {
    fetch(Call::get("/organization")).await
}
