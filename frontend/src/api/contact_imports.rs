//! Contact imports from CSV files: checked first, then confirmed and run on the server.

use gloo_net::http::Method;
use textdesk_types::contact_imports::{ContactImport, ExistingContacts, ImportIssue, StartImport};
use textdesk_types::{ContactImportId, Page};

use super::exports::download_file;
use super::{ApiResult, Call, fetch};

/// Issues shown at a time.
const ISSUES_PAGE: u32 = 50;

/// Sends the file to be checked; nothing is imported until [`start`].
pub async fn check(file: web_sys::File, add_country_code: bool) -> ApiResult<ContactImport> {
    let call = Call::new(Method::POST, "/contact-imports")
        .with_query("file_name", file.name())
        .with_query("add_country_code", add_country_code.to_string())
        .with_file(file);
    fetch(call).await
}

pub async fn get(id: ContactImportId) -> ApiResult<ContactImport> {
    fetch(Call::get(&format!("/contact-imports/{id}"))).await
}

/// The organization's latest imports, newest first.
pub async fn latest() -> ApiResult<Vec<ContactImport>> {
    fetch(Call::get("/contact-imports")).await
}

/// A page of the import's report, in file order.
pub async fn issues(id: ContactImportId, cursor: Option<String>) -> ApiResult<Page<ImportIssue>> {
    let mut call = Call::get(&format!("/contact-imports/{id}/issues")).with_query("limit", ISSUES_PAGE.to_string());
    if let Some(cursor) = cursor {
        call = call.with_query("cursor", cursor);
    }
    fetch(call).await
}

pub async fn start(id: ContactImportId, existing: ExistingContacts) -> ApiResult<ContactImport> {
    let call = Call::new(Method::POST, &format!("/contact-imports/{id}/start")).with_json(&StartImport { existing })?;
    fetch(call).await
}

/// Saves the sample file, with the organization's custom fields as columns.
pub async fn download_sample() -> ApiResult<()> {
    download_file(Call::get("/contact-imports/sample"), |_| {}).await
}

/// Saves the import's whole report as CSV.
pub async fn download_report(id: ContactImportId) -> ApiResult<()> {
    download_file(Call::get(&format!("/contact-imports/{id}/report")), |_| {}).await
}
