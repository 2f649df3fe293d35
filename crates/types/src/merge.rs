//! Merge fields: `{{First Name}}`, `{{Last Name}}`, `{{Company Name}}` and each custom field of
//! the contact (`{{membership}}`), replaced by the contact's values when a text is sent.
//!
//! The server merges every text it sends through `merge`, and the composer shows the merged
//! length with the same function, so the count an agent sees is the text that goes out.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::contacts::Contact;

/// The longest a merged value may be; longer ones are cut (seed 003: "Maximum length per field
/// is 30 characters").
pub const MERGE_VALUE_MAX_CHARS: usize = 30;

/// The built-in fields, as written between the braces.
pub const FIRST_NAME: &str = "First Name";
pub const LAST_NAME: &str = "Last Name";
pub const COMPANY_NAME: &str = "Company Name";

/// The longest field name looked for between `{{` and `}}`: a longer span is text.
const FIELD_NAME_MAX_CHARS: usize = 50;

/// What fields are merged from.
#[derive(Clone, Copy, Debug)]
pub struct MergeValues<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub company: &'a str,
    pub custom_fields: &'a BTreeMap<String, String>,
}

impl Contact {
    pub fn merge_values(&self) -> MergeValues<'_> {
        MergeValues {
            first_name: &self.first_name,
            last_name: &self.last_name,
            company: &self.company,
            custom_fields: &self.custom_fields,
        }
    }
}

/// A field as written in a text: `{{First Name}}`.
pub fn tag(field: &str) -> String {
    ["{{", field, "}}"].concat()
}

impl MergeValues<'_> {
    /// The name tags this contact has values for, as the start of a conversation's first
    /// message (the organization's `name_tags_in_first_message`): `{{First Name}} {{Last Name}}`,
    /// either alone, or `None` for a contact known by number only.
    pub fn name_tags(&self) -> Option<String> {
        let tags: Vec<String> = [FIRST_NAME, LAST_NAME]
            .into_iter()
            .filter(|field| self.value(field).is_some())
            .map(tag)
            .collect();
        (!tags.is_empty()).then(|| tags.join(" "))
    }

    /// The value of a field, trimmed; `None` when the contact has no such field or it is empty.
    fn value(&self, field: &str) -> Option<&str> {
        let builtin = if field.eq_ignore_ascii_case(FIRST_NAME) {
            Some(self.first_name)
        } else if field.eq_ignore_ascii_case(LAST_NAME) {
            Some(self.last_name)
        } else if field.eq_ignore_ascii_case(COMPANY_NAME) {
            Some(self.company)
        } else {
            None
        };
        let value = match builtin {
            Some(value) => value,
            None => self
                .custom_fields
                .get(field)
                .or_else(|| {
                    self.custom_fields
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(field))
                        .map(|(_, value)| value)
                })?
                .as_str(),
        };
        Some(value.trim()).filter(|value| !value.is_empty())
    }
}

/// A field written in a text: where it stands (bytes, braces included) and its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldUse {
    pub at: Range<usize>,
    pub name: String,
}

/// The fields a text names, in order. A `{{` without its `}}`, or braces around nothing or
/// around more than a field name could be, are text.
pub fn fields(text: &str) -> Vec<FieldUse> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|at| from + at) {
        let inner_start = open + 2;
        let Some(close) = text[inner_start..].find("}}").map(|at| inner_start + at) else {
            break;
        };
        let inner = &text[inner_start..close];
        let name = inner.trim();
        let plausible =
            !name.is_empty() && inner.chars().count() <= FIELD_NAME_MAX_CHARS && !inner.contains(['{', '}', '\n']);
        if plausible {
            found.push(FieldUse {
                at: open..close + 2,
                name: name.to_owned(),
            });
            from = close + 2;
        } else {
            from = open + 1;
        }
    }
    found
}

/// A text with its fields replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    /// The fields the contact has no value for, each once, in order of appearance. A text with
    /// any is not sent: it would go out with a gap.
    pub missing: Vec<String>,
}

/// Replaces each field of `text` by the contact's value, cut to `MERGE_VALUE_MAX_CHARS` (and
/// any space the cut leaves at its end).
/// A field without a value is left out of the text and named in `missing`.
pub fn merge(text: &str, values: &MergeValues<'_>) -> Merged {
    let mut merged = String::with_capacity(text.len());
    let mut missing: Vec<String> = Vec::new();
    let mut last = 0;
    for field in fields(text) {
        merged.push_str(&text[last..field.at.start]);
        match values.value(&field.name) {
            Some(value) => {
                let cut: String = value.chars().take(MERGE_VALUE_MAX_CHARS).collect();
                merged.push_str(cut.trim_end());
            }
            None => {
                if !missing.contains(&field.name) {
                    missing.push(field.name);
                }
            }
        }
        last = field.at.end;
    }
    merged.push_str(&text[last..]);
    Merged { text: merged, missing }
}

#[cfg(test)]
mod tests {
    #[test]
    fn name_tags_are_those_the_contact_has() {
        let none = BTreeMap::new();
        let values = |first_name, last_name| MergeValues {
            first_name,
            last_name,
            company: "Acme",
            custom_fields: &none,
        };
        assert_eq!(
            values("Ada", "Lovelace").name_tags().as_deref(),
            Some("{{First Name}} {{Last Name}}")
        );
        assert_eq!(values(" ", "Lovelace").name_tags().as_deref(), Some("{{Last Name}}"));
        assert_eq!(values("Ada", "").name_tags().as_deref(), Some("{{First Name}}"));
        assert_eq!(values("", "").name_tags(), None);
    }

    use super::*;

    fn values<'a>(custom: &'a BTreeMap<String, String>) -> MergeValues<'a> {
        MergeValues {
            first_name: "Joe",
            last_name: "  Smith ",
            company: "",
            custom_fields: custom,
        }
    }

    #[test]
    fn fields_are_replaced_by_the_contacts_values() {
        let custom = BTreeMap::from([("membership".to_owned(), "diamond".to_owned())]);
        let merged = merge(
            "Hi, {{First Name}} {{Last Name}}! Your {{Membership}} tier: {{membership}}.",
            &values(&custom),
        );
        assert_eq!(merged.text, "Hi, Joe Smith! Your diamond tier: diamond.");
        assert!(merged.missing.is_empty());
    }

    #[test]
    fn a_field_without_a_value_is_named_and_never_sent_as_braces() {
        let custom = BTreeMap::new();
        let merged = merge("{{Company Name}} and {{Company Name}} and {{plan}}", &values(&custom));
        assert_eq!(merged.missing, ["Company Name", "plan"]);
        assert!(!merged.text.contains("{{"));
    }

    #[test]
    fn an_emoji_in_a_name_changes_the_encoding_and_the_count() {
        use crate::sms::{Encoding, count};
        let custom = BTreeMap::new();
        let template = "Hi {{First Name}}, your table is ready.";
        let plain = merge(template, &values(&custom));
        assert_eq!(count(&plain.text).encoding, Encoding::Gsm7);
        let named = MergeValues {
            first_name: "Zoë 🌮",
            ..values(&custom)
        };
        let merged = merge(template, &named);
        let counted = count(&merged.text);
        assert_eq!(counted.encoding, Encoding::Ucs2);
        // The taco is two UTF-16 units.
        assert_eq!(counted.units, merged.text.chars().count() as u32 + 1);
    }

    #[test]
    fn values_are_cut_to_thirty_characters() {
        let custom = BTreeMap::from([("note".to_owned(), "é".repeat(40))]);
        let merged = merge("{{note}}", &values(&custom));
        assert_eq!(merged.text.chars().count(), MERGE_VALUE_MAX_CHARS);
    }

    #[test]
    fn braces_that_are_no_field_stay_text() {
        let custom = BTreeMap::new();
        for text in ["{{", "a {{ b", "{{}}", "{{ }}", "}} {{", "{{a\nb}}"] {
            let merged = merge(text, &values(&custom));
            assert_eq!(merged.text, text);
            assert!(merged.missing.is_empty(), "{text}");
        }
        assert_eq!(
            fields("{{{First Name}}"),
            [FieldUse {
                at: 1..15,
                name: FIRST_NAME.to_owned()
            }]
        );
    }
}
