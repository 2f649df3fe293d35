//! Contact imports from a CSV file (seed 003 "Upload Mobile Users"). A file is first checked:
//! which columns are used and which ignored, the first rows as they will be read, and every
//! row that cannot be imported with why. Once confirmed, the import runs in the background
//! with its progress on the change feed, and its report lists every row not imported.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::custom_fields::CustomFieldKind;
use crate::{AgentId, ContactImportId};

/// Where an import is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Checked and waiting for the importer to confirm it.
    Checked,
    /// Confirmed, waiting for a worker.
    Queued,
    /// Being imported; `rows_done` tells how far.
    Running,
    /// Every row was imported or reported.
    Done,
    /// Stopped by an error on the server; `error` says which. Rows before `rows_done` stay
    /// imported.
    Failed,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Checked => "checked",
            ImportStatus::Queued => "queued",
            ImportStatus::Running => "running",
            ImportStatus::Done => "done",
            ImportStatus::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<ImportStatus> {
        [
            ImportStatus::Checked,
            ImportStatus::Queued,
            ImportStatus::Running,
            ImportStatus::Done,
            ImportStatus::Failed,
        ]
        .into_iter()
        .find(|status| status.as_str() == raw)
    }

    /// Whether the import has stopped, for good or bad.
    pub fn is_finished(self) -> bool {
        matches!(self, ImportStatus::Done | ImportStatus::Failed)
    }
}

/// What to do with a row whose number already has a contact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum ExistingContacts {
    /// Fill in the row's values: names, company, email and custom fields the row has replace
    /// the contact's, labels are added, and an opted-out column applies.
    #[default]
    Update,
    /// Leave the contact as it is; the row is reported as skipped.
    Skip,
}

impl ExistingContacts {
    pub fn as_str(self) -> &'static str {
        match self {
            ExistingContacts::Update => "update",
            ExistingContacts::Skip => "skip",
        }
    }

    pub fn parse(raw: &str) -> Option<ExistingContacts> {
        [ExistingContacts::Update, ExistingContacts::Skip]
            .into_iter()
            .find(|choice| choice.as_str() == raw)
    }
}

/// The contact field a column fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    /// The phone number (required): every character but digits is dropped.
    Number,
    FirstName,
    LastName,
    Company,
    Email,
    /// Labels separated by `;` or `,`.
    Labels,
    /// `yes` opts the contact out; `no` opts them back in, unless they opted out by texting a
    /// keyword (or their carrier reported it).
    OptedOut,
    /// One of the organization's custom fields, by its name.
    CustomField,
}

/// A custom field a column fills.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCustomField {
    pub name: String,
    pub kind: CustomFieldKind,
}

/// One column of the file, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportColumn {
    /// The column's heading as the file has it.
    pub heading: String,
    /// The field it fills; none when the column is ignored.
    pub field: Option<ImportField>,
    /// For a custom field's column, the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_field: Option<ImportCustomField>,
}

/// One row as it will be imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRow {
    /// The row's place in the file, the heading row being row 1 (empty lines are not rows).
    pub row: u32,
    /// In E.164 form.
    pub phone_number: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub labels: Vec<String>,
    pub custom_fields: BTreeMap<String, String>,
    pub opted_out: Option<bool>,
    /// A contact has this number already (when the file was checked).
    pub existing: bool,
}

/// What became of a row the report lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum IssueOutcome {
    /// The row was not imported.
    Failed,
    /// A contact has the number and the importer chose to skip such rows.
    Skipped,
    /// The row was imported but one of its values was not applied.
    Kept,
}

impl IssueOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueOutcome::Failed => "failed",
            IssueOutcome::Skipped => "skipped",
            IssueOutcome::Kept => "kept",
        }
    }

    pub fn parse(raw: &str) -> Option<IssueOutcome> {
        [IssueOutcome::Failed, IssueOutcome::Skipped, IssueOutcome::Kept]
            .into_iter()
            .find(|outcome| outcome.as_str() == raw)
    }
}

/// A row the report lists, and why; a row with several problems has one issue for each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportIssue {
    /// The row's place in the file, the heading row being row 1 (empty lines are not rows).
    pub row: u32,
    /// The row's number cell as written.
    pub number: String,
    /// The heading of the column at fault, when one is.
    pub column: Option<String>,
    /// Stable, snake_case: `invalid_phone_number`, `duplicate_in_file`, `invalid_email`,
    /// `contact_exists`, `kept_opted_out`…
    pub code: String,
    pub message: String,
    pub outcome: IssueOutcome,
}

/// An import: the file as checked, what the importer chose, and how far it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactImport {
    pub id: ContactImportId,
    pub file_name: String,
    pub status: ImportStatus,
    /// Ten-digit numbers were read as U.S. numbers (country code 1 added).
    pub add_country_code: bool,
    /// Chosen when the import was confirmed.
    pub existing: Option<ExistingContacts>,
    pub columns: Vec<ImportColumn>,
    /// The file's rows, the heading row and blank rows not counted.
    pub rows_total: u32,
    /// Rows that can be imported (the others are in the report as failed).
    pub rows_valid: u32,
    /// Of the rows that can be imported, those whose number had a contact when the file was
    /// checked.
    pub rows_existing: u32,
    /// Rows imported or reported so far.
    pub rows_done: u32,
    pub created: u32,
    pub updated: u32,
    pub skipped: u32,
    pub failed: u32,
    /// The first rows, as they will be imported.
    pub preview: Vec<ImportRow>,
    /// How many issues the report lists; read them at `/contact-imports/{id}/issues`.
    pub issues: u32,
    pub error: Option<String>,
    pub created_by: AgentId,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// How to read the file: the body of the request is the CSV file itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CheckImport {
    /// The file's name, shown in the list of imports.
    #[cfg_attr(feature = "openapi", param(max_length = 200))]
    pub file_name: Option<String>,
    /// Read ten-digit numbers as U.S. numbers, adding the country code 1.
    #[serde(default)]
    pub add_country_code: bool,
}

/// Confirms a checked import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartImport {
    /// What to do with rows whose number already has a contact.
    #[serde(default)]
    pub existing: ExistingContacts,
}
