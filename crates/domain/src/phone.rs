//! Customers' phone numbers, parsed with the numbering-plan rules of libphonenumber and kept in
//! E.164 form, so one customer is one contact however the number was typed.

use phonenumber::country::Id;
use phonenumber::{Mode, PhoneNumber as Parsed};

use crate::Invalid;

/// A valid phone number in E.164 form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses any common format. Numbers without a country code are read as `default_region`
    /// numbers (Textdesk's customers text mostly within North America).
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::parse_in(raw, Id::US)
    }

    pub fn parse_in(raw: &str, default_region: Id) -> Result<Self, Invalid> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(Invalid::new("required", "must not be empty"));
        }
        let invalid = || {
            Invalid::new(
                "invalid_phone_number",
                "must be a valid phone number, such as +1 555 201 3344",
            )
        };
        if trimmed.len() > 40 {
            return Err(invalid());
        }
        let parsed: Parsed = phonenumber::parse(Some(default_region), trimmed).map_err(|_| invalid())?;
        if !phonenumber::is_valid(&parsed) {
            return Err(invalid());
        }
        Ok(Self(parsed.format().mode(Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_normalised() {
        for raw in [
            "+1 (202) 555-0143",
            "202-555-0143",
            "(202) 555 0143",
            "+12025550143",
            " 2025550143 ",
        ] {
            assert_eq!(
                PhoneNumber::parse(raw).map(PhoneNumber::into_inner),
                Ok("+12025550143".to_owned()),
                "{raw}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("+44 20 7946 0958").map(PhoneNumber::into_inner),
            Ok("+442079460958".to_owned())
        );
    }

    #[test]
    fn invalid_numbers_are_refused() {
        for raw in ["", "12", "not a number", "+1 555", "+999 1234567", &"9".repeat(60)] {
            assert!(PhoneNumber::parse(raw).is_err(), "{raw:?} was accepted");
        }
    }
}
