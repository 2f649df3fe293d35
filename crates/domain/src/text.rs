//! Short human-entered texts: names, screennames, labels.

use crate::Invalid;

/// A trimmed, non-empty single-line text of at most `max` characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label(String);

impl Label {
    pub fn parse(raw: &str, max: usize) -> Result<Self, Invalid> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(Invalid::new("required", "must not be empty"));
        }
        if trimmed.chars().count() > max {
            return Err(Invalid::new(
                "too_long",
                format!("must be at most {max} characters long"),
            ));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(Invalid::new("control_characters", "must be a single line of text"));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The screenname of an agent who chose none: their first name, cut to what a screenname may
/// hold (a first name may be twice as long).
pub fn default_screenname(first_name: &str) -> String {
    let cut: String = first_name.chars().take(SCREENNAME_MAX).collect();
    cut.trim_end().to_owned()
}

impl AsRef<str> for Label {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Checks a text that may span lines (a message, a note, a reason): line breaks and tabs
/// are fine, other C0 control characters are not. PostgreSQL refuses NUL outright, and the
/// rest only garble what agents and contacts read.
pub fn check_multiline(text: &str) -> Result<(), Invalid> {
    if text.chars().any(|c| c < ' ' && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Invalid::new(
            "control_characters",
            "must not contain control characters other than line breaks and tabs",
        ));
    }
    Ok(())
}

/// First and last names.
pub const NAME_MAX: usize = 100;
/// Screennames other agents see.
pub const SCREENNAME_MAX: usize = 50;
/// Organization and group names.
pub const TITLE_MAX: usize = 100;

#[cfg(test)]
mod tests {

    #[test]
    fn a_long_first_name_makes_a_screenname_that_fits() {
        assert_eq!(default_screenname("Ana"), "Ana");
        let long = "a".repeat(NAME_MAX);
        assert_eq!(default_screenname(&long).chars().count(), SCREENNAME_MAX);
        let spaced = format!("{} b", "a".repeat(SCREENNAME_MAX - 1));
        assert_eq!(
            default_screenname(&spaced),
            "a".repeat(SCREENNAME_MAX - 1),
            "no trailing space"
        );
    }

    use super::*;

    #[test]
    fn trims_and_accepts() {
        assert_eq!(Label::parse("  Ana ", 10).map(Label::into_inner), Ok("Ana".to_owned()));
    }

    #[test]
    fn refuses_empty_long_and_multiline() {
        assert_eq!(Label::parse("   ", 10).map_err(|e| e.code), Err("required"));
        assert_eq!(Label::parse("abcdefghijk", 10).map_err(|e| e.code), Err("too_long"));
        assert_eq!(Label::parse("a\nb", 10).map_err(|e| e.code), Err("control_characters"));
        assert!(check_multiline("a\r\nb\tc").is_ok());
        for bad in ["a\u{0}b", "\u{7}", "x\u{1b}[31m"] {
            assert_eq!(
                check_multiline(bad).map_err(|e| e.code),
                Err("control_characters"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(Label::parse("ééééé", 5).is_ok());
    }
}
