//! Contacts: the customers ("mobile users") the organization texts with.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ContactId;

/// Whether the contact agreed to receive texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    pub consent: Consent,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Contact {
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
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub custom_fields: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub labels: Option<Vec<String>>,
}

/// Changes to a contact; absent fields stay as they are. An empty email removes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateContact {
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub custom_fields: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub labels: Option<Vec<String>>,
}
