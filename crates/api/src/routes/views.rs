//! Views of the Message Center with their unread counts, and custom views.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use textdesk_app::views;
use textdesk_types::conversations::Conversation;
use textdesk_types::views::{CreateView, PreviewView, UpdateView, View, ViewList};
use textdesk_types::{ProblemDetails, ViewId};

use crate::extract::{CurrentAgent, JsonBody};
use crate::{ApiError, AppState};

/// Every view you see (the built-in ones, the organization's shared views and your own), each
/// with how many of its conversations hold messages you have not read, from one call. Follow
/// the change feed from `feed_cursor` and ask again when conversations or your read state
/// change.
#[utoipa::path(
    tag = "views",
    security(("bearer" = [])),
    responses((status = 200, description = "Your views with their unread counts", body = ViewList))
)]
#[get("/views")]
pub async fn list_views(state: web::Data<AppState>, me: CurrentAgent) -> Result<web::Json<ViewList>, ApiError> {
    let caller = me.caller();
    Ok(web::Json(state.run(move |app| views::list(app, &caller)).await?))
}

/// Save a custom view: shared with the organization (every agent sees and may edit it) or
/// yours alone.
#[utoipa::path(
    tag = "views",
    security(("bearer" = [])),
    request_body = CreateView,
    responses(
        (status = 201, description = "The view", body = View),
        (status = 422, description = "Invalid name or filter", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/views")]
pub async fn create_view(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: JsonBody<CreateView>,
) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    let view = state.run(move |app| views::create(app, &caller, body.0)).await?;
    Ok(HttpResponse::Created().json(view))
}

/// The first conversations a filter would show, to try it before saving ("Edit view").
#[utoipa::path(
    tag = "views",
    security(("bearer" = [])),
    request_body = PreviewView,
    responses(
        (status = 200, description = "The conversations, in the filter's order", body = Vec<Conversation>),
        (status = 422, description = "Invalid filter", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/views/preview")]
pub async fn preview_view(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: JsonBody<PreviewView>,
) -> Result<web::Json<Vec<Conversation>>, ApiError> {
    let caller = me.caller();
    Ok(web::Json(
        state.run(move |app| views::preview(app, &caller, body.0)).await?,
    ))
}

/// Rename a custom view or change its filter.
#[utoipa::path(
    tag = "views",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The custom view's id")),
    request_body = UpdateView,
    responses(
        (status = 200, description = "The view", body = View),
        (status = 404, description = "No such view you can see", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name or filter", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/views/{id}")]
pub async fn update_view(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ViewId>,
    body: JsonBody<UpdateView>,
) -> Result<web::Json<View>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    Ok(web::Json(
        state.run(move |app| views::update(app, &caller, id, body.0)).await?,
    ))
}

/// Delete a custom view.
#[utoipa::path(
    tag = "views",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The custom view's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such view you can see", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/views/{id}")]
pub async fn delete_view(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ViewId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    state.run(move |app| views::delete(app, &caller, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
