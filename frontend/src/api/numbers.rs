//! The business's phone numbers, and the keyword rules that assign their new conversations.

use gloo_net::http::Method;
use textdesk_types::assignment::{AssignmentRule, CreateAssignmentRule};
use textdesk_types::numbers::{CreateNumber, Number, UpdateNumber};
use textdesk_types::{AssignmentRuleId, NumberId};

use super::{ApiResult, Call, fetch, fetch_empty};

pub async fn list() -> ApiResult<Vec<Number>> {
    fetch(Call::get("/numbers")).await
}

/// Connects a number (owners and admins); a Twilio auth token is stored sealed and never
/// shown again.
pub async fn create(request: &CreateNumber) -> ApiResult<Number> {
    fetch(Call::new(Method::POST, "/numbers").with_json(request)?).await
}

pub async fn update(id: &NumberId, changes: &UpdateNumber) -> ApiResult<Number> {
    fetch(Call::new(Method::PATCH, &format!("/numbers/{id}")).with_json(changes)?).await
}

pub async fn rules() -> ApiResult<Vec<AssignmentRule>> {
    fetch(Call::get("/assignment-rules")).await
}

pub async fn create_rule(request: &CreateAssignmentRule) -> ApiResult<AssignmentRule> {
    fetch(Call::new(Method::POST, "/assignment-rules").with_json(request)?).await
}

pub async fn delete_rule(id: &AssignmentRuleId) -> ApiResult<()> {
    fetch_empty(Call::new(Method::DELETE, &format!("/assignment-rules/{id}"))).await
}
