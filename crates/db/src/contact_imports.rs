//! Contact imports: the file as checked (kept until the import ends), the columns it was
//! checked with, the importer's choice, progress, and the rows the report lists.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::contact_imports::{
    ContactImport, ExistingContacts, ImportColumn, ImportIssue, ImportRow, ImportStatus, IssueOutcome,
};
use textdesk_types::{AgentId, ContactImportId, OrganizationId};

use crate::schema::{contact_import_issues, contact_imports};
use crate::{DbConnection, DbError, utc};

/// An import without its file.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contact_imports)]
pub struct ContactImportRow {
    pub id: ContactImportId,
    pub organization_id: OrganizationId,
    pub created_by: AgentId,
    pub file_name: String,
    pub status: ImportStatus,
    pub add_country_code: bool,
    pub existing: Option<ExistingContacts>,
    pub column_map: String,
    pub preview: String,
    pub rows_total: i32,
    pub rows_valid: i32,
    pub rows_existing: i32,
    pub rows_done: i32,
    pub created: i32,
    pub updated: i32,
    pub skipped: i32,
    pub failed: i32,
    pub issues: i32,
    pub error: Option<String>,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

/// A checked file, as stored.
#[derive(Insertable)]
#[diesel(table_name = contact_imports)]
pub struct NewContactImport<'a> {
    pub id: ContactImportId,
    pub organization_id: &'a OrganizationId,
    pub created_by: &'a AgentId,
    pub file_name: &'a str,
    pub status: ImportStatus,
    pub add_country_code: bool,
    pub column_map: String,
    pub preview: String,
    pub file: &'a [u8],
    pub rows_total: i32,
    pub rows_valid: i32,
    pub rows_existing: i32,
    pub rows_done: i32,
    pub created: i32,
    pub updated: i32,
    pub skipped: i32,
    pub failed: i32,
    pub issues: i32,
    pub created_at: NaiveDateTime,
}

/// How far an import went: the counts after its last batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = contact_imports)]
pub struct Progress {
    pub rows_done: i32,
    pub created: i32,
    pub updated: i32,
    pub skipped: i32,
    pub failed: i32,
    pub issues: i32,
}

impl ContactImportRow {
    pub fn progress(&self) -> Progress {
        Progress {
            rows_done: self.rows_done,
            created: self.created,
            updated: self.updated,
            skipped: self.skipped,
            failed: self.failed,
            issues: self.issues,
        }
    }

    /// The columns the file was checked with.
    pub fn columns(&self) -> Result<Vec<ImportColumn>, DbError> {
        serde_json::from_str(&self.column_map).map_err(|e| DbError::Corrupt(format!("import {} columns: {e}", self.id)))
    }

    pub fn into_wire(self) -> Result<ContactImport, DbError> {
        let corrupt = |what: &str, e: serde_json::Error| DbError::Corrupt(format!("import {} {what}: {e}", self.id));
        let columns = serde_json::from_str(&self.column_map).map_err(|e| corrupt("columns", e))?;
        let preview: Vec<ImportRow> = serde_json::from_str(&self.preview).map_err(|e| corrupt("preview", e))?;
        let count = |n: i32| u32::try_from(n).unwrap_or_default();
        Ok(ContactImport {
            id: self.id,
            file_name: self.file_name,
            status: self.status,
            add_country_code: self.add_country_code,
            existing: self.existing,
            columns,
            rows_total: count(self.rows_total),
            rows_valid: count(self.rows_valid),
            rows_existing: count(self.rows_existing),
            rows_done: count(self.rows_done),
            created: count(self.created),
            updated: count(self.updated),
            skipped: count(self.skipped),
            failed: count(self.failed),
            preview,
            issues: count(self.issues),
            error: self.error,
            created_by: self.created_by,
            created_at: utc(self.created_at),
            started_at: self.started_at.map(utc),
            finished_at: self.finished_at.map(utc),
        })
    }
}

/// One row the report lists.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = contact_import_issues)]
pub struct IssueRow {
    pub import_id: ContactImportId,
    /// The issue's place in the report.
    pub seq: i32,
    pub row_number: i32,
    pub number_cell: String,
    pub column_heading: Option<String>,
    pub code: String,
    pub message: String,
    pub outcome: IssueOutcome,
}

impl IssueRow {
    pub fn into_wire(self) -> ImportIssue {
        ImportIssue {
            row: u32::try_from(self.row_number).unwrap_or_default(),
            number: self.number_cell,
            column: self.column_heading,
            code: self.code,
            message: self.message,
            outcome: self.outcome,
        }
    }
}

/// Issues are written this many to a statement (within SQLite's limit on bound values).
const ISSUES_PER_INSERT: usize = 1_000;

pub fn insert(conn: &mut DbConnection, import: &NewContactImport<'_>) -> Result<(), DbError> {
    crate::insert_all!(conn, contact_imports::table, import)?;
    Ok(())
}

pub fn add_issues(conn: &mut DbConnection, issues: &[IssueRow]) -> Result<(), DbError> {
    for batch in issues.chunks(ISSUES_PER_INSERT) {
        crate::insert_all!(conn, contact_import_issues::table, batch)?;
    }
    Ok(())
}

pub fn find(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    id: &ContactImportId,
) -> Result<ContactImportRow, DbError> {
    Ok(contact_imports::table
        .filter(contact_imports::organization_id.eq(organization))
        .find(id)
        .select(ContactImportRow::as_select())
        .first(conn)?)
}

/// The import a job runs, whatever its organization.
pub fn find_for_job(conn: &mut DbConnection, id: &ContactImportId) -> Result<Option<ContactImportRow>, DbError> {
    Ok(contact_imports::table
        .find(id)
        .select(ContactImportRow::as_select())
        .first(conn)
        .optional()?)
}

/// The file as checked; none once the import has ended.
pub fn file(conn: &mut DbConnection, id: &ContactImportId) -> Result<Option<Vec<u8>>, DbError> {
    Ok(contact_imports::table
        .find(id)
        .select(contact_imports::file)
        .first(conn)?)
}

/// The organization's latest imports, newest first.
pub fn latest(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    limit: i64,
) -> Result<Vec<ContactImportRow>, DbError> {
    Ok(contact_imports::table
        .filter(contact_imports::organization_id.eq(organization))
        .order((contact_imports::created_at.desc(), contact_imports::id.desc()))
        .limit(limit)
        .select(ContactImportRow::as_select())
        .load(conn)?)
}

/// Where a page of the report starts: after this row's issue of this place in the report.
pub type IssueKey = (i32, i32);

/// A page of the report, in file order (a row's issues in the order they were found).
pub fn issues(
    conn: &mut DbConnection,
    id: &ContactImportId,
    after: Option<IssueKey>,
    limit: i64,
) -> Result<Vec<IssueRow>, DbError> {
    let mut query = contact_import_issues::table
        .filter(contact_import_issues::import_id.eq(id))
        .order((
            contact_import_issues::row_number.asc(),
            contact_import_issues::seq.asc(),
        ))
        .limit(limit)
        .select(IssueRow::as_select())
        .into_boxed();
    if let Some((row, seq)) = after {
        query = query.filter(
            contact_import_issues::row_number
                .gt(row)
                .or(contact_import_issues::row_number
                    .eq(row)
                    .and(contact_import_issues::seq.gt(seq))),
        );
    }
    Ok(query.load(conn)?)
}

/// Confirms a checked import; false when it is not waiting for confirmation (started already).
pub fn confirm(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    id: &ContactImportId,
    existing: ExistingContacts,
) -> Result<bool, DbError> {
    let confirmed = diesel::update(
        contact_imports::table
            .filter(contact_imports::organization_id.eq(organization))
            .filter(contact_imports::id.eq(id))
            .filter(contact_imports::status.eq(ImportStatus::Checked)),
    )
    .set((
        contact_imports::status.eq(ImportStatus::Queued),
        contact_imports::existing.eq(existing),
    ))
    .execute(conn)?;
    Ok(confirmed == 1)
}

pub fn mark_running(conn: &mut DbConnection, id: &ContactImportId, at: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(contact_imports::table.find(id))
        .set((
            contact_imports::status.eq(ImportStatus::Running),
            contact_imports::started_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn record_progress(conn: &mut DbConnection, id: &ContactImportId, progress: &Progress) -> Result<(), DbError> {
    diesel::update(contact_imports::table.find(id))
        .set(progress)
        .execute(conn)?;
    Ok(())
}

/// Ends the import, done or failed, and lets its file go.
pub fn finish(
    conn: &mut DbConnection,
    id: &ContactImportId,
    status: ImportStatus,
    error: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(contact_imports::table.find(id))
        .set((
            contact_imports::status.eq(status),
            contact_imports::error.eq(error),
            contact_imports::finished_at.eq(at),
            contact_imports::file.eq(None::<Vec<u8>>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets files checked before `cutoff` that nobody confirmed.
pub fn purge_unconfirmed(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(
        contact_imports::table
            .filter(contact_imports::status.eq(ImportStatus::Checked))
            .filter(contact_imports::created_at.lt(cutoff)),
    )
    .execute(conn)?)
}
