//! Contacts: the customers ("mobile users") the organization texts with.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ContactId;

/// Whether the contact agreed to receive texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    None,
    Pending,
    Yes,
    No,
}

impl Consent {
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::None => "none",
            Consent::Pending => "pending",
            Consent::Yes => "yes",
            Consent::No => "no",
        }
    }

    pub fn parse(raw: &str) -> Option<Consent> {
        [Consent::None, Consent::Pending, Consent::Yes, Consent::No]
            .into_iter()
            .find(|consent| consent.as_str() == raw)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: ContactId,
    /// E.164.
    pub phone_number: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub custom_fields: BTreeMap<String, String>,
    pub labels: Vec<String>,
    pub opted_out: bool,
    /// When the contact opted out; absent while they have not.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
    pub opted_out_at: Option<DateTime<Utc>>,
    pub consent: Consent,
    /// IANA time zone for quiet hours; without it the phone number's area code decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// When the organization's consent text went to this contact (queued, then sent before any
    /// other text); absent when it never did or could not be delivered.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
    pub consent_message_sent_at: Option<DateTime<Utc>>,
    /// When the contact texted an opt-in keyword that an agent has yet to confirm.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
    pub opt_in_requested_at: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub updated_at: DateTime<Utc>,
}

impl Contact {
    /// The state the sending rule reads.
    pub fn recipient(&self) -> crate::sending::Recipient {
        crate::sending::Recipient {
            opted_out: self.opted_out,
            opted_out_at: self.opted_out_at,
            consent: self.consent,
        }
    }

    /// The saved name, or the number when there is none.
    pub fn display_name(&self) -> String {
        let name = format!("{} {}", self.first_name, self.last_name).trim().to_owned();
        if name.is_empty() {
            self.phone_number.clone()
        } else {
            name
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "phone_number": "(555) 201-3344", "first_name": "Joe", "last_name": "Smith",
    "custom_fields": {"order": "23425124"}, "labels": ["vip"]
})))]
#[serde(deny_unknown_fields)]
pub struct CreateContact {
    /// Any common format; numbers without a country code are read as US numbers.
    pub phone_number: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub first_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub last_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub company: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::bounds::custom_fields))]
    pub custom_fields: Option<BTreeMap<String, String>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::bounds::contact_labels))]
    pub labels: Option<Vec<String>>,
}

/// Changes to a contact; absent fields stay as they are. An empty email removes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateContact {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub first_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub last_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub company: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::bounds::custom_fields))]
    pub custom_fields: Option<BTreeMap<String, String>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::bounds::contact_labels))]
    pub labels: Option<Vec<String>>,
    /// An IANA time zone such as `America/Chicago`; empty removes it.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// Where a consent change came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum ConsentSource {
    /// The contact texted a keyword.
    Keyword,
    /// An agent changed it by hand.
    Agent,
    /// An API client recorded consent collected elsewhere.
    Api,
    /// The provider reported the contact opted out (Twilio error 21610).
    Provider,
    /// An agent's CSV import of contacts.
    Import,
}

impl ConsentSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentSource::Keyword => "keyword",
            ConsentSource::Agent => "agent",
            ConsentSource::Api => "api",
            ConsentSource::Provider => "provider",
            ConsentSource::Import => "import",
        }
    }

    pub fn parse(raw: &str) -> Option<ConsentSource> {
        [
            ConsentSource::Keyword,
            ConsentSource::Agent,
            ConsentSource::Api,
            ConsentSource::Provider,
            ConsentSource::Import,
        ]
        .into_iter()
        .find(|source| source.as_str() == raw)
    }
}

/// One change of a contact's opt-out state or consent: who, when, why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentChange {
    pub id: String,
    pub contact_id: ContactId,
    /// `opted_out` or `consent`.
    pub field: String,
    pub old_value: String,
    pub new_value: String,
    pub source: ConsentSource,
    /// The keyword the contact texted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// The agent who made the change or called the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub created_at: DateTime<Utc>,
}

/// An agent's opt-out or opt-in by hand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reason": "Asked by phone not to be texted"})))]
#[serde(deny_unknown_fields)]
pub struct ConsentAction {
    /// Why, for the history (at most 500 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub reason: Option<String>,
}

/// Consent collected outside Textdesk (a web form, a paper sign-up).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"consent": "pending", "source": "web form, 2026-11-20"})))]
#[serde(deny_unknown_fields)]
pub struct RecordConsent {
    /// `yes`, `pending` or `no`. In double opt-in mode `pending` sends the confirmation request.
    pub consent: Consent,
    /// Where the consent was collected (at most 500 characters).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub source: String,
}
