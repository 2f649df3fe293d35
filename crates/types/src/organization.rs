//! The organization (workspace) and its settings.

use serde::{Deserialize, Serialize};

use crate::OrganizationId;
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
    pub settings: OrganizationSettings,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub updated_at: DateTime<Utc>,
}

// Stored as columns of the organization's row and read by position, in this field order (the
// `diesel` feature); not a doc comment, which would change the OpenAPI document.
/// Switches and texts that shape what agents and automations may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "diesel", derive(diesel::prelude::Queryable))]
pub struct OrganizationSettings {
    /// Precede the first message to each contact with `consent_message_text`.
    pub consent_message_required: bool,
    pub consent_message_text: String,
    /// Allow messages longer than one segment (up to 3 segments).
    pub concatenation_allowed: bool,
    /// Fetch and show media that contacts send.
    pub inbound_mms_allowed: bool,
    /// Let agents (not only admins) delete conversations.
    pub agents_may_delete: bool,
    pub exports_allowed: bool,
    pub drips_enabled: bool,
    /// Let API clients add notes to conversations.
    pub notes_api_enabled: bool,
    /// Largest distribution list; 0 forbids sending to lists.
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = i32))]
    pub distribution_list_limit: u32,
    /// Minutes after a contact's message before an unanswered conversation is flagged.
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = i32))]
    pub waiting_for_reply_minutes: u32,
    /// The answer to HELP and INFO.
    pub help_text: String,
    /// Whole-message keywords that opt a contact out.
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = crate::sql::KeywordList))]
    pub opt_out_keywords: Vec<String>,
    /// Whole-message keywords that opt a contact back in.
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = crate::sql::KeywordList))]
    pub opt_in_keywords: Vec<String>,
    /// Whole-message keywords answered with `help_text`.
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = crate::sql::KeywordList))]
    pub help_keywords: Vec<String>,
    /// An inbound opt-in keyword (START, UNSTOP) opts a contact back in by itself; when off it
    /// only records a request that an agent confirms.
    pub opt_in_by_keyword: bool,
    /// Contacts whose consent is pending get `double_opt_in_text` and must answer YES before
    /// anything else is sent to them.
    pub double_opt_in: bool,
    pub double_opt_in_text: String,
    /// The one reply to an opt-out keyword.
    pub opt_out_confirmation_text: String,
    /// The reply when an opt-in keyword opts a contact back in.
    pub opt_in_confirmation_text: String,
    /// Automated and bulk messages go out only from this minute of the contact's local day…
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = i32))]
    pub quiet_hours_start_minute: u32,
    /// …until this one (exclusive); equal to the start means no quiet hours.
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = i32))]
    pub quiet_hours_end_minute: u32,
    /// A message with media may carry up to 2,000 characters of text, whatever its segments.
    pub mms_text_only: bool,
    /// An agent's first message in a conversation starts with the contact's name tags
    /// (`{{First Name}} {{Last Name}}`, those the contact has), filled in when it is sent.
    pub name_tags_in_first_message: bool,
}

/// An admin's changes to the organization. Absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"consent_message_required": true, "opt_out_keywords": ["STOP", "UNSUBSCRIBE"], "distribution_list_limit": 500})))]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganization {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    #[serde(default)]
    pub consent_message_required: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1600))]
    pub consent_message_text: Option<String>,
    #[serde(default)]
    pub concatenation_allowed: Option<bool>,
    #[serde(default)]
    pub inbound_mms_allowed: Option<bool>,
    #[serde(default)]
    pub agents_may_delete: Option<bool>,
    #[serde(default)]
    pub exports_allowed: Option<bool>,
    #[serde(default)]
    pub drips_enabled: Option<bool>,
    #[serde(default)]
    pub notes_api_enabled: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 10000))]
    pub distribution_list_limit: Option<u32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10080))]
    pub waiting_for_reply_minutes: Option<u32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1600))]
    pub help_text: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::bounds::keywords))]
    pub opt_out_keywords: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::bounds::keywords))]
    pub opt_in_keywords: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::bounds::keywords))]
    pub help_keywords: Option<Vec<String>>,
    #[serde(default)]
    pub opt_in_by_keyword: Option<bool>,
    #[serde(default)]
    pub double_opt_in: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1600))]
    pub double_opt_in_text: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1600))]
    pub opt_out_confirmation_text: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1600))]
    pub opt_in_confirmation_text: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 1439))]
    pub quiet_hours_start_minute: Option<u32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 1439))]
    pub quiet_hours_end_minute: Option<u32>,
    #[serde(default)]
    pub mms_text_only: Option<bool>,
    #[serde(default)]
    pub name_tags_in_first_message: Option<bool>,
}
