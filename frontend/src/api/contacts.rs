//! Contacts.

use textdesk_types::ContactId;
use textdesk_types::contacts::Contact;

use super::{ApiResult, Call, fetch};

pub async fn get(id: ContactId) -> ApiResult<Contact> {
    fetch(Call::get(&format!("/contacts/{id}"))).await
}
