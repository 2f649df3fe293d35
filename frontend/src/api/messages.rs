//! Messages once sent, and their media.

use gloo_net::http::Method;
use textdesk_types::messages::Message;
use textdesk_types::{MessageId, ProblemDetails};

use super::{API, ApiResult, Call, authorized, fetch, problem_of, unreachable_server};

pub async fn retry(id: MessageId) -> ApiResult<Message> {
    fetch(Call::new(Method::POST, &format!("/messages/{id}/retry"))).await
}

/// A media file as an object URL the page can show: the file needs the bearer token, which
/// an `<img src>` cannot send. Revoke it with `Url::revoke_object_url` when done.
pub async fn media_object_url(url: &str, content_type: &str) -> ApiResult<String> {
    let path = url.strip_prefix(API).unwrap_or(url);
    let response = authorized(Call::get(path)).await?;
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    let bytes = response.binary().await.map_err(unreachable_server)?;
    let parts = web_sys::js_sys::Array::of1(&web_sys::js_sys::Uint8Array::from(bytes.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .and_then(|blob| web_sys::Url::create_object_url_with_blob(&blob))
        .map_err(|_| {
            Box::new(ProblemDetails::new(
                0,
                "media_unreadable",
                "The file could not be shown",
            ))
        })
}
