//! Exports of messages and other files the server makes, downloaded: the answer is read as it
//! streams in, so the page can show how much has arrived, then handed to the browser to save.

use textdesk_types::ProblemDetails;
use wasm_bindgen::JsCast;
use web_sys::js_sys::{Array, Reflect, Uint8Array};

use super::{ApiResult, Call, authorized, problem_of};

/// What to export, as the query of `GET /exports/messages` (`conversation_id=…`, `format=html`).
pub type ExportQuery = Vec<(&'static str, String)>;

fn failed(detail: &str) -> super::Problem {
    Box::new(
        ProblemDetails::new(0, "download_failed", "The export could not be downloaded").with_detail(detail.to_owned()),
    )
}

/// Downloads the export, calling `progress` with the bytes received so far, and saves it
/// under the name the server gives.
pub async fn download(query: ExportQuery, progress: impl Fn(u64)) -> ApiResult<()> {
    let mut call = Call::get("/exports/messages");
    for (name, value) in query {
        call = call.with_query(name, value);
    }
    download_file(call, progress).await
}

/// Downloads the file `call` answers with, calling `progress` with the bytes received so far,
/// and saves it under the name the server gives.
pub(super) async fn download_file(call: Call, progress: impl Fn(u64)) -> ApiResult<()> {
    let response = authorized(call).await?;
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    let filename = response
        .headers()
        .get("content-disposition")
        .and_then(|value| {
            value
                .split("filename=")
                .nth(1)
                .map(|name| name.trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| "textdesk-export".to_owned());
    let content_type = response.headers().get("content-type").unwrap_or_default();
    let body = response.body().ok_or_else(|| failed("the answer had no body"))?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let chunks = Array::new();
    let mut received = 0u64;
    loop {
        let read = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(|_| failed("the connection broke off"))?;
        let done = Reflect::get(&read, &"done".into())
            .ok()
            .and_then(|done| done.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let chunk: Uint8Array = Reflect::get(&read, &"value".into())
            .map_err(|_| failed("an unreadable piece"))?
            .unchecked_into();
        received += u64::from(chunk.length());
        progress(received);
        chunks.push(&chunk);
    }
    save(&chunks, &content_type, &filename).map_err(|_| failed("the browser refused to save the file"))
}

/// Hands the pieces to the browser as one file to save.
fn save(chunks: &Array, content_type: &str, filename: &str) -> Result<(), wasm_bindgen::JsValue> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(chunks, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = leptos::prelude::document();
    let link: web_sys::HtmlElement = document.create_element("a")?.unchecked_into();
    link.set_attribute("href", &url)?;
    link.set_attribute("download", filename)?;
    link.click();
    web_sys::Url::revoke_object_url(&url)
}
