//! Views with their unread counts, custom views, and search.

use gloo_net::http::Method;
use textdesk_types::Page;
use textdesk_types::conversations::Conversation;
use textdesk_types::search::SearchHit;
use textdesk_types::views::{CreateView, PreviewView, UpdateView, View, ViewFilter, ViewList};

use super::{ApiResult, Call, fetch};

/// Every view of the signed-in agent with its unread count, from one call.
pub async fn list() -> ApiResult<ViewList> {
    fetch(Call::get("/views")).await
}

pub async fn create(view: &CreateView) -> ApiResult<View> {
    fetch(Call::new(Method::POST, "/views").with_json(view)?).await
}

/// The first conversations a filter would show.
pub async fn preview(filter: ViewFilter) -> ApiResult<Vec<Conversation>> {
    let request = PreviewView {
        filter,
        limit: Some(20),
    };
    fetch(Call::new(Method::POST, "/views/preview").with_json(&request)?).await
}

/// Conversations matching what was typed, best first.
pub async fn search(text: String) -> ApiResult<Page<SearchHit>> {
    fetch(
        Call::get("/search")
            .with_query("q", text)
            .with_query("limit", "30".to_owned()),
    )
    .await
}

pub async fn update(id: &str, changes: &UpdateView) -> ApiResult<View> {
    fetch(Call::new(Method::PATCH, &format!("/views/{id}")).with_json(changes)?).await
}
