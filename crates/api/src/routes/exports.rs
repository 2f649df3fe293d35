//! Exports of messages, streamed as they are written: the server holds one page of messages at
//! a time, whatever the export's size.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use textdesk_app::exports::{self, Export};
use textdesk_types::exports::{ExportFormat, ExportRequest};
use textdesk_types::{ContactId, ConversationId, MessageId, ProblemDetails};

use crate::extract::{CurrentAgent, client_address};
use crate::{ApiError, AppState};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `csv` (the default) or `html`, a page to read or print.
    #[param(inline)]
    pub format: Option<ExportFormat>,
    /// One conversation's messages.
    #[param(value_type = Option<String>)]
    pub conversation_id: Option<ConversationId>,
    /// A contact's whole thread.
    #[param(value_type = Option<String>)]
    pub contact_id: Option<ContactId>,
    /// Conversations chosen in a view, their ids separated by commas (at most 1,000).
    pub conversation_ids: Option<String>,
    /// Every conversation of a view (a built-in view's key such as `open`, or a custom view's
    /// id), as its list shows them now, up to 10,000.
    pub view: Option<String>,
    /// With `conversation_id`: the first day (`YYYY-MM-DD`, in your time zone).
    pub from: Option<String>,
    /// With `conversation_id`: the last day, included; at most 7 days from `from`.
    pub until: Option<String>,
}

fn day(field: &str, raw: Option<String>) -> Result<Option<NaiveDate>, ApiError> {
    raw.map(|raw| {
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map_err(|_| ApiError::field(field, "invalid_date", "must be a day such as 2026-12-31"))
    })
    .transpose()
}

/// Export messages as CSV or a printable HTML page, downloaded as a file: one conversation's
/// (whole, or between two days at most 7 days apart), a contact's whole thread, conversations
/// chosen in a view or a whole view, or, with none of these, every message of the organization (owners and
/// admins). Columns: message id, thread (contact) id, conversation number, date and time in
/// your time zone, contact's name, from, to, status, text. Texts only, not notes. A cell that
/// a spreadsheet would run as a formula starts with `'`. Each export is recorded in the audit
/// log. Refused (403) when the organization has switched exports off.
#[utoipa::path(
    tag = "exports",
    security(("bearer" = [])),
    params(ExportQuery),
    responses(
        (status = 200, description = "The file, streamed", content_type = "text/csv", body = String),
        (status = 403, description = "Exports are switched off, or the whole organization's export is for owners and admins", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation or contact in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid days (more than 7 apart), or more than one scope", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/exports/messages")]
pub async fn export_messages(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let conversation_ids = query
        .conversation_ids
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| ConversationId::new(id.to_owned()))
        .collect();
    let wanted = ExportRequest {
        format: query.format.unwrap_or_default(),
        conversation_id: query.conversation_id,
        contact_id: query.contact_id,
        conversation_ids,
        view: query.view,
        from: day("from", query.from)?,
        until: day("until", query.until)?,
    };
    let (caller, address) = (me.caller(), client_address(&request, &state));
    let export = state
        .run(move |app| exports::begin(app, &caller, wanted, &address))
        .await?;
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(export.filename.clone())],
    };
    Ok(HttpResponse::Ok()
        .content_type(export.content_type())
        .insert_header(disposition)
        .streaming(written(state.into_inner(), export)))
}

/// Where the writing of an export is.
enum Step {
    Head,
    /// The page after this message (`None`: the first page).
    Rows(Option<MessageId>),
    Tail,
    Done,
}

/// The export as it is written, a page at a time.
fn written(
    state: std::sync::Arc<AppState>,
    export: Export,
) -> impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> {
    futures_util::stream::unfold(Step::Head, move |step| {
        let (state, export) = (state.clone(), export.clone());
        async move {
            match step {
                Step::Head => Some((Ok(Bytes::from(export.head())), Step::Rows(None))),
                Step::Rows(after) => {
                    let page = {
                        let export = export.clone();
                        state.run(move |app| export.rows(app, after)).await
                    };
                    match page {
                        Ok((text, Some(next))) => Some((Ok(Bytes::from(text)), Step::Rows(Some(next)))),
                        Ok((text, None)) => Some((Ok(Bytes::from(text)), Step::Tail)),
                        // The answer has begun: cutting it short is how a stream says it failed.
                        Err(error) => Some((Err(error.into()), Step::Done)),
                    }
                }
                Step::Tail => Some((Ok(Bytes::from_static(export.tail().as_bytes())), Step::Done)),
                Step::Done => None,
            }
        }
    })
}
