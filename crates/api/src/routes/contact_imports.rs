//! Contact imports from CSV files (owners and admins). Each handler extracts the request,
//! calls one operation of `textdesk_app::contact_import` and renders its answer.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use textdesk_app::contact_import;
use textdesk_domain::contact_import::IMPORT_BYTES_MAX;
use textdesk_types::contact_imports::{CheckImport, ContactImport, ImportIssue, StartImport};
use textdesk_types::page::PageQuery;
use textdesk_types::{ContactImportId, Page, ProblemDetails};

use crate::extract::{CurrentAgent, JsonBody, client_address, read_limited};
use crate::{ApiError, AppState};

fn csv_file(name: &str, body: String) -> HttpResponse {
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(name.to_owned())],
    };
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(disposition)
        .body(body)
}

/// Your organization's latest contact imports (up to 20), newest first.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The latest imports", body = Vec<ContactImport>),
        (status = 403, description = "Only owners and admins import contacts", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/contact-imports")]
pub async fn list_imports(
    state: web::Data<AppState>,
    me: CurrentAgent,
) -> Result<web::Json<Vec<ContactImport>>, ApiError> {
    let caller = me.caller();
    Ok(web::Json(
        state.run(move |app| contact_import::list(app, &caller)).await?,
    ))
}

/// A sample CSV file with every column the import reads: `number` (required), `first_name`,
/// `last_name`, `company`, `email`, `labels` (separated by `;`), `opted_out` (`yes`/`no`) and
/// your organization's custom fields by name.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The sample file", content_type = "text/csv", body = String),
        (status = 403, description = "Only owners and admins import contacts", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/contact-imports/sample")]
pub async fn sample_file(state: web::Data<AppState>, me: CurrentAgent) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    let sample = state.run(move |app| contact_import::sample(app, &caller)).await?;
    Ok(csv_file("textdesk-contacts-sample.csv", sample))
}

/// Check a CSV file of contacts (the body, UTF-8 or ASCII, a BOM allowed; at most 20 MB and
/// 200,000 rows) before importing it. Nothing is imported yet: the answer lists the columns
/// used and ignored (headings are matched without regard to case, spaces, `_` or `-`), the
/// first rows as they will be imported, how many numbers already have contacts, and the count
/// of rows that cannot be imported, each with why at `/contact-imports/{id}/issues`. Numbers
/// are scrubbed of everything but digits and read with their country code, or as U.S.
/// numbers with `add_country_code`. A number repeated in the file is imported from its first
/// good row. Confirm with `POST /contact-imports/{id}/start`; a file nobody confirms is
/// forgotten after a day.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(CheckImport),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 201, description = "The checked file", body = ContactImport),
        (status = 403, description = "Only owners and admins import contacts", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 20 MB", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A file that cannot be imported at all (`file`: empty, not UTF-8, no number column, a field named by two columns, too many rows)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/contact-imports")]
pub async fn check_import(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    query: web::Query<CheckImport>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let file = read_limited(&request, payload.into_inner(), IMPORT_BYTES_MAX).await?;
    let caller = me.caller();
    let options = query.into_inner();
    let checked = state
        .run(move |app| contact_import::check(app, &caller, options, Vec::from(file)))
        .await?;
    Ok(HttpResponse::Created().json(checked))
}

/// One import: where it is (`checked`, `queued`, `running`, `done`, `failed`) and its counts.
/// Its progress is also on the change feed, as `contacts.imported` events.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The import's id")),
    responses(
        (status = 200, description = "The import", body = ContactImport),
        (status = 404, description = "No such import in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/contact-imports/{id}")]
pub async fn get_import(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ContactImportId>,
) -> Result<web::Json<ContactImport>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    Ok(web::Json(
        state.run(move |app| contact_import::get(app, &caller, id)).await?,
    ))
}

/// The import's report: every row not imported (`failed`, or `skipped` as you chose for
/// numbers that have contacts) and every value not applied (`kept`, such as a `no` in
/// `opted_out` for a contact who opted out by keyword), in file order.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The import's id"), PageQuery),
    responses(
        (status = 200, description = "A page of the report", body = Page<ImportIssue>),
        (status = 404, description = "No such import in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/contact-imports/{id}/issues")]
pub async fn list_issues(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ContactImportId>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<ImportIssue>>, ApiError> {
    let (caller, id, query) = (me.caller(), id.into_inner(), query.into_inner());
    Ok(web::Json(
        state
            .run(move |app| contact_import::issues(app, &caller, id, query))
            .await?,
    ))
}

/// The whole report as a CSV file: row, number, column, outcome, problem.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The import's id")),
    responses(
        (status = 200, description = "The report", content_type = "text/csv", body = String),
        (status = 404, description = "No such import in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/contact-imports/{id}/report")]
pub async fn import_report(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ContactImportId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let report = state.run(move |app| contact_import::report(app, &caller, id)).await?;
    Ok(csv_file("textdesk-import-report.csv", report))
}

/// Confirm a checked import: it runs in the background (follow it here or on the change
/// feed). Rows whose number has a contact update it (the row's values replace the contact's,
/// labels are added) or are skipped, as `existing` says. `opted_out` `yes` opts a contact
/// out; `no` opts them back in unless they opted out by keyword. Recorded in the audit log.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The import's id")),
    request_body = StartImport,
    responses(
        (status = 202, description = "The import, queued", body = ContactImport),
        (status = 404, description = "No such import in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Confirmed already", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/contact-imports/{id}/start")]
pub async fn start_import(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    id: web::Path<ContactImportId>,
    body: JsonBody<StartImport>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id, address) = (me.caller(), id.into_inner(), client_address(&request, &state));
    let started = state
        .run(move |app| contact_import::start(app, &caller, id, body.0, &address))
        .await?;
    Ok(HttpResponse::Accepted().json(started))
}
