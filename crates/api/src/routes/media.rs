//! MMS media: agents upload files to attach to messages and read what contacts sent; providers
//! fetch outbound media from unguessable addresses that expire.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use textdesk_app::media;
use textdesk_db::media::StoredMedia;
use textdesk_domain::media::MAX_MMS_BYTES;
use textdesk_types::messages::MediaAttachment;
use textdesk_types::{MediaId, ProblemDetails};

use crate::extract::{CurrentAgent, read_limited};
use crate::{ApiError, AppState};

fn file_response(stored: StoredMedia) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, stored.content_type))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
        .body(stored.bytes)
}

/// Upload a file to send as MMS: the raw file as the body, at most 5 MB. JPEG, PNG and GIF
/// images and MP4 and 3GP video; the type is read from the file's bytes. Attach it with
/// `media_ids` when sending.
#[utoipa::path(
    tag = "media",
    security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "The file"),
    responses(
        (status = 201, description = "The stored file", body = MediaAttachment),
        (status = 413, description = "Larger than 5 MB", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Not a type MMS can carry", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/media")]
pub async fn upload_media(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let bytes = read_limited(&request, payload.into_inner(), MAX_MMS_BYTES).await?;
    let caller = me.caller();
    let stored = state.run(move |app| media::upload(app, &caller, &bytes)).await?;
    Ok(HttpResponse::Created().json(stored))
}

/// A media file of your organization's messages.
#[utoipa::path(
    tag = "media",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The media's id")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, description = "No such media in your organization, or not fetched yet", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/media/{id}")]
pub async fn get_media(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<MediaId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let stored = state.run(move |app| media::get(app, &caller, id)).await?;
    Ok(file_response(stored))
}

/// Outbound media for the provider, while its address has not expired.
#[utoipa::path(
    tag = "media",
    params(("token" = String, Path, description = "The unguessable token in the address Textdesk gave the provider")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, description = "Unknown or expired address", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/media/{token}")]
pub async fn public_media(state: web::Data<AppState>, token: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let token = token.into_inner();
    let stored = state.run(move |app| media::by_access_token(app, &token)).await?;
    Ok(file_response(stored))
}
