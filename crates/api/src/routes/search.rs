//! The search box: one query over the organization's conversations, open and closed.

use actix_web::{get, web};
use textdesk_app::search;
use textdesk_types::search::{SearchHit, SearchQuery};
use textdesk_types::{Page, ProblemDetails};

use crate::extract::CurrentCaller;
use crate::{ApiError, AppState};

/// Search conversations, open and closed.
///
/// By conversation number, phone number (any format, or its last 4 or more digits), contact
/// name or company (words, the last one as typed so far), or message text. Each conversation
/// comes once, for its best reason: number, then phone, then name, then messages (best match
/// first, then newest). At most 500 results over all pages. A message hit names the message:
/// open the conversation with `around` set to it.
#[utoipa::path(
    tag = "search",
    security(("bearer" = [])),
    params(SearchQuery),
    responses(
        (status = 200, description = "A page of conversations found, best first", body = Page<SearchHit>),
        (status = 422, description = "An empty or too long query (`q`), or an invalid limit or cursor", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/search")]
pub async fn search_conversations(
    state: web::Data<AppState>,
    me: CurrentCaller,
    query: web::Query<SearchQuery>,
) -> Result<web::Json<Page<SearchHit>>, ApiError> {
    let caller = me.caller();
    let query = query.into_inner();
    let page = state.run(move |app| search::search(app, &caller, query)).await?;
    Ok(web::Json(page))
}
