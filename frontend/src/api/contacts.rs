//! Contacts, and their opt-out and consent state.

use gloo_net::http::Method;
use textdesk_types::contacts::{ConsentAction, ConsentChange, Contact, UpdateContact};
use textdesk_types::custom_fields::{CreateCustomField, CustomField};
use textdesk_types::{ContactId, CustomFieldId, Page};

use super::{ApiResult, Call, fetch, fetch_empty};

pub async fn get(id: ContactId) -> ApiResult<Contact> {
    fetch(Call::get(&format!("/contacts/{id}"))).await
}

/// Saves the fields present; an empty text clears that field.
pub async fn update(id: ContactId, changes: &UpdateContact) -> ApiResult<Contact> {
    fetch(Call::new(Method::PATCH, &format!("/contacts/{id}")).with_json(changes)?).await
}

/// Every conversation with the contact, oldest first.
pub async fn thread(id: ContactId) -> ApiResult<Vec<textdesk_types::conversations::Conversation>> {
    fetch(Call::get(&format!("/contacts/{id}/thread"))).await
}

/// Opts the contact out (`out`) or back in by hand, with the reason kept in the history.
pub async fn set_opted_out(id: ContactId, out: bool, reason: Option<String>) -> ApiResult<Contact> {
    let action = if out { "opt-out" } else { "opt-in" };
    let call = Call::new(Method::POST, &format!("/contacts/{id}/{action}")).with_json(&ConsentAction { reason })?;
    fetch(call).await
}

/// Who changed the contact's opt-out state and consent, and when, oldest first.
pub async fn consent_history(id: ContactId) -> ApiResult<Vec<ConsentChange>> {
    fetch(Call::get(&format!("/contacts/{id}/consent-history"))).await
}

/// A page of the organization's contacts: those matching `search` (a name, company, email or
/// number in any format) and carrying `label`, when given; the first page when `cursor` is
/// `None`.
pub async fn list(search: &str, label: Option<&str>, cursor: Option<String>) -> ApiResult<Page<Contact>> {
    let mut call = Call::get("/contacts").with_query("limit", PAGE_SIZE.to_string());
    if !search.trim().is_empty() {
        call = call.with_query("q", search.trim().to_owned());
    }
    if let Some(label) = label {
        call = call.with_query("label", label.to_owned());
    }
    if let Some(cursor) = cursor {
        call = call.with_query("cursor", cursor);
    }
    fetch(call).await
}

/// How many contacts a page of the contacts page shows.
const PAGE_SIZE: u32 = 50;

/// The organization's custom fields, by name.
pub async fn custom_fields() -> ApiResult<Vec<CustomField>> {
    fetch(Call::get("/custom-fields")).await
}

pub async fn create_custom_field(field: &CreateCustomField) -> ApiResult<CustomField> {
    fetch(Call::new(Method::POST, "/custom-fields").with_json(field)?).await
}

pub async fn delete_custom_field(id: CustomFieldId) -> ApiResult<()> {
    fetch_empty(Call::new(Method::DELETE, &format!("/custom-fields/{id}"))).await
}

/// The labels the organization's contacts carry or have carried, by name.
pub async fn labels() -> ApiResult<Vec<String>> {
    fetch(Call::get("/labels")).await
}
