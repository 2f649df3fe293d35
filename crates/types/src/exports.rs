//! Exports of messages, as a CSV file or a printable HTML page.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{ContactId, ConversationId};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Comma-separated values for a spreadsheet.
    #[default]
    Csv,
    /// A page to read or print.
    Html,
}

/// Which messages to export: one conversation (between two days at most 7 days apart, or
/// whole), a contact's whole thread, conversations chosen in a view or a whole view, or, with
/// none of these,
/// the organization's (owners and admins).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRequest {
    pub format: ExportFormat,
    pub conversation_id: Option<ConversationId>,
    pub contact_id: Option<ContactId>,
    pub conversation_ids: Vec<ConversationId>,
    /// Every conversation of this view as its list shows them now (up to 10,000): "Select all
    /// in view".
    pub view: Option<String>,
    /// The first day, in the requesting agent's time zone.
    pub from: Option<NaiveDate>,
    /// The last day, included.
    pub until: Option<NaiveDate>,
}
