//! Contacts.

use textdesk_types::ContactId;
use textdesk_types::contacts::Contact;

use super::{ApiResult, Call, fetch};

pub async fn get(id: ContactId) -> ApiResult<Contact> {
    fetch(Call::get(&format!("/contacts/{id}"))).await
}

/// Every conversation with the contact, oldest first.
pub async fn thread(id: ContactId) -> ApiResult<Vec<textdesk_types::conversations::Conversation>> {
    fetch(Call::get(&format!("/contacts/{id}/thread"))).await
}
