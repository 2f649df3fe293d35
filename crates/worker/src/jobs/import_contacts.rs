//! Running a confirmed contact import. Each batch commits with its progress, so a run that
//! fails (a lost database connection) is tried again from where it stopped; an import that
//! keeps failing ends as failed, with why, and what it imported stays.

use textdesk_app::contact_import;
use textdesk_db::contact_imports;
use textdesk_types::ContactImportId;

use super::Next;
use crate::WorkerContext;

/// Runs before an import is given up as failed.
const IMPORT_ATTEMPTS: i32 = 5;

pub(crate) fn run(context: &WorkerContext, import_id: &ContactImportId, attempts: i32) -> anyhow::Result<Next> {
    let app = context.app();
    let Err(error) = contact_import::run(&app, import_id) else {
        return Ok(Next::Done);
    };
    let message = format!("{error:#}");
    if attempts < IMPORT_ATTEMPTS {
        return Ok(Next::RetryLater(message));
    }
    tracing::error!(error = %message, import = %import_id, "a contact import failed");
    if let Some(import) = context.db.read(|conn| contact_imports::find_for_job(conn, import_id))? {
        contact_import::fail(&app, &import, &message)?;
    }
    Ok(Next::Done)
}
