//! MMS media the composer attaches.

use gloo_net::http::Method;
use textdesk_types::messages::MediaAttachment;

use super::{ApiResult, Call, fetch};

/// Stores a picture or video to send with a message; the server reads its type from its bytes.
pub async fn upload(file: web_sys::File) -> ApiResult<MediaAttachment> {
    fetch(Call::new(Method::POST, "/media").with_file(file)).await
}
