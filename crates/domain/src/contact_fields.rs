//! What a contact's fields may hold: names, company, email, labels and custom field values.
//! The contact form, the API and the CSV import all check a contact's values with these rules.

use std::collections::BTreeMap;

use crate::Invalid;
use crate::accounts::EmailAddress;
use crate::text::Label;

/// The most custom fields a contact may have.
pub const CUSTOM_FIELDS_MAX: usize = 50;
/// The longest custom field name and value.
pub const CUSTOM_FIELD_NAME_MAX: usize = 50;
pub const CUSTOM_FIELD_VALUE_MAX: usize = 500;
/// The most labels a contact may have, and the longest label.
pub const LABELS_MAX: usize = 50;
pub const LABEL_MAX: usize = 50;

/// Names may be empty (a number nobody has named yet), but not overlong or multi-line.
pub fn optional_text(raw: &str, max: usize) -> Result<String, Invalid> {
    if raw.trim().is_empty() {
        Ok(String::new())
    } else {
        Label::parse(raw, max).map(Label::into_inner)
    }
}

/// An email address, or none when blank.
pub fn optional_email(raw: &str) -> Result<Option<String>, Invalid> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        EmailAddress::parse(raw).map(|email| Some(email.into_inner()))
    }
}

/// Custom field values by name, each name a label and each value single-line text.
pub fn custom_field_values(raw: BTreeMap<String, String>) -> Result<BTreeMap<String, String>, Invalid> {
    if raw.len() > CUSTOM_FIELDS_MAX {
        return Err(Invalid::new("too_many", format!("at most {CUSTOM_FIELDS_MAX} fields")));
    }
    raw.into_iter()
        .map(|(name, value)| {
            let name = Label::parse(&name, CUSTOM_FIELD_NAME_MAX)
                .map_err(|e| Invalid::new(e.code, format!("field name: {}", e.message)))?;
            let value = optional_text(&value, CUSTOM_FIELD_VALUE_MAX)?;
            Ok((name.into_inner(), value))
        })
        .collect()
}

/// Labels without repeats, in the order given.
pub fn labels<S: AsRef<str>>(raw: impl IntoIterator<Item = S>) -> Result<Vec<String>, Invalid> {
    let mut labels: Vec<String> = Vec::new();
    for label in raw {
        let label = Label::parse(label.as_ref(), LABEL_MAX)?.into_inner();
        if !labels.contains(&label) {
            labels.push(label);
        }
        if labels.len() > LABELS_MAX {
            return Err(Invalid::new("too_many", format!("at most {LABELS_MAX} labels")));
        }
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_drop_repeats_and_are_bounded() {
        assert_eq!(
            labels(["vip", "vip", "new"]),
            Ok(vec!["vip".to_owned(), "new".to_owned()])
        );
        let many: Vec<String> = (0..=LABELS_MAX).map(|n| format!("l{n}")).collect();
        assert_eq!(labels(&many).map_err(|e| e.code), Err("too_many"));
        let repeated: Vec<&str> = vec!["same"; LABELS_MAX + 5];
        assert!(labels(repeated).is_ok());
    }

    #[test]
    fn blank_values_are_none() {
        assert_eq!(optional_email("  "), Ok(None));
        assert_eq!(optional_text(" ", 10), Ok(String::new()));
        assert!(optional_text("a\nb", 10).is_err());
    }
}
