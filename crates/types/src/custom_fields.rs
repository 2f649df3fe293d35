//! The organization's custom fields of contacts (seed 004's `{{membership}}`): each has a name
//! and a type, and a contact's value for it is checked against that type by the server and
//! the contact card alike. A contact may also hold values for names no field defines (an
//! integration's own): those are plain text.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::CustomFieldId;

/// What a custom field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum CustomFieldKind {
    Text,
    /// A decimal number such as `42` or `-3.5`.
    Number,
    /// A calendar day, `YYYY-MM-DD`.
    Date,
}

impl CustomFieldKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomFieldKind::Text => "text",
            CustomFieldKind::Number => "number",
            CustomFieldKind::Date => "date",
        }
    }

    pub fn parse(raw: &str) -> Option<CustomFieldKind> {
        [CustomFieldKind::Text, CustomFieldKind::Number, CustomFieldKind::Date]
            .into_iter()
            .find(|kind| kind.as_str() == raw)
    }

    /// A value as kept: trimmed, and for a number or date, one of that type. The error is the
    /// code and the sentence for the field.
    pub fn check(self, raw: &str) -> Result<String, (&'static str, &'static str)> {
        let value = raw.trim();
        let valid = match self {
            _ if value.is_empty() => true,
            CustomFieldKind::Text => true,
            CustomFieldKind::Number => value.parse::<f64>().is_ok_and(f64::is_finite) && !value.contains(['e', 'E']),
            CustomFieldKind::Date => NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
        };
        if valid {
            return Ok(value.to_owned());
        }
        Err(match self {
            CustomFieldKind::Number => ("invalid_number", "must be a number such as 42 or 3.5"),
            _ => ("invalid_date", "must be a date such as 2026-12-31"),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "0199a1b2-5c3d-7e4f-8a9b-0c1d2e3f4a5b", "name": "membership", "kind": "text",
    "created_at": "2026-12-05T09:30:00Z"
})))]
pub struct CustomField {
    pub id: CustomFieldId,
    /// The key of the value in a contact's `custom_fields`, and the merge field `{{name}}`.
    pub name: String,
    pub kind: CustomFieldKind,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub created_at: DateTime<Utc>,
}

/// A new custom field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "renewal date", "kind": "date"})))]
#[serde(deny_unknown_fields)]
pub struct CreateCustomField {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
    pub kind: CustomFieldKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_by_type() {
        assert_eq!(CustomFieldKind::Number.check(" 42 "), Ok("42".to_owned()));
        assert_eq!(CustomFieldKind::Number.check("-3.5"), Ok("-3.5".to_owned()));
        assert_eq!(CustomFieldKind::Number.check("").map(|_| ()), Ok(()));
        for bad in ["forty", "1e400", "NaN", "inf", "1,5"] {
            assert_eq!(
                CustomFieldKind::Number.check(bad).map_err(|e| e.0),
                Err("invalid_number"),
                "{bad}"
            );
        }
        assert_eq!(CustomFieldKind::Date.check("2026-12-31"), Ok("2026-12-31".to_owned()));
        for bad in ["2026-02-30", "12/31/2026", "tomorrow"] {
            assert_eq!(
                CustomFieldKind::Date.check(bad).map_err(|e| e.0),
                Err("invalid_date"),
                "{bad}"
            );
        }
        assert_eq!(CustomFieldKind::Text.check(" gold "), Ok("gold".to_owned()));
    }
}
