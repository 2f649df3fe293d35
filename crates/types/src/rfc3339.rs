//! Timestamps read from the wire: strictly RFC 3339 (`2026-03-08T05:00:00Z`,
//! `2026-03-08T00:00:00.250-05:00`), by hand.
//!
//! chrono's own `Deserialize` goes through its general format parser, which the browser app
//! would download for nothing: this reader is a few hundred bytes of it. Writing is left to
//! chrono, so what the API sends is unchanged.
//!
//! Fields use it as `#[serde(deserialize_with = "crate::rfc3339::deserialize")]`, or
//! `"crate::rfc3339::option"` with `default` for an `Option` (`null` is `None`).

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// `text` as a moment, when it is a whole RFC 3339 `date-time`: `T` and `Z` in either case
/// (as RFC 3339 allows), any number of fraction digits (nanoseconds kept), a leap second as
/// chrono holds one, and no space or anything else around it.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    let mut reader = Reader(text.as_bytes());
    let year = reader.digits(4)?;
    reader.byte(b'-')?;
    let month = reader.digits(2)?;
    reader.byte(b'-')?;
    let day = reader.digits(2)?;
    reader.either(b'T', b't')?;
    let hour = reader.digits(2)?;
    reader.byte(b':')?;
    let minute = reader.digits(2)?;
    reader.byte(b':')?;
    let second = reader.digits(2)?;
    let mut nanos = 0;
    if reader.byte(b'.').is_some() {
        let mut scale = 100_000_000;
        let mut any = false;
        while let Some(digit) = reader.digit() {
            // Digits past nanoseconds are read and dropped, as chrono does.
            nanos += digit * scale;
            scale /= 10;
            any = true;
        }
        if !any {
            return None;
        }
    }
    let offset_minutes: i32 = if reader.either(b'Z', b'z').is_some() {
        0
    } else {
        let sign = match reader.next()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let hours = reader.digits(2)?;
        reader.byte(b':')?;
        let minutes = reader.digits(2)?;
        if hours > 23 || minutes > 59 {
            return None;
        }
        sign * (hours * 60 + minutes) as i32
    };
    if !reader.0.is_empty() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // chrono holds a leap second as second 59 with a second's worth more of nanoseconds.
    let (second, nanos) = if second == 60 {
        (59, nanos + 1_000_000_000)
    } else {
        (second, nanos)
    };
    let local = NaiveDate::from_ymd_opt(year as i32, month, day)?.and_hms_nano_opt(hour, minute, second, nanos)?;
    let offset = FixedOffset::east_opt(offset_minutes * 60)?;
    Some(local.checked_sub_offset(offset)?.and_utc())
}

/// What is left of the text being read.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn next(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    fn byte(&mut self, wanted: u8) -> Option<()> {
        self.either(wanted, wanted)
    }

    fn either(&mut self, one: u8, other: u8) -> Option<()> {
        match self.0.first() {
            Some(&first) if first == one || first == other => {
                self.0 = &self.0[1..];
                Some(())
            }
            _ => None,
        }
    }

    fn digit(&mut self) -> Option<u32> {
        match self.0.first() {
            Some(first) if first.is_ascii_digit() => {
                self.0 = &self.0[1..];
                Some(u32::from(first - b'0'))
            }
            _ => None,
        }
    }

    /// Exactly `count` digits, as a number.
    fn digits(&mut self, count: usize) -> Option<u32> {
        (0..count).try_fold(0, |number, _| Some(number * 10 + self.digit()?))
    }
}

struct Rfc3339Visitor;

impl Visitor<'_> for Rfc3339Visitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an RFC 3339 date-time such as 2026-03-08T05:00:00Z")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        parse(text).ok_or_else(|| E::invalid_value(de::Unexpected::Str(text), &self))
    }
}

/// A moment, for `deserialize_with`.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_str(Rfc3339Visitor)
}

/// A moment or `null`, for `deserialize_with` on an `Option` (with `default`, so that an absent
/// field is `None` too).
pub fn option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(Option::<Moment>::deserialize(deserializer)?.map(|moment| moment.0))
}

/// A moment read this way, where a type is needed rather than a function.
pub(crate) struct Moment(pub DateTime<Utc>);

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer).map(Moment)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::{SecondsFormat, TimeDelta, TimeZone};
    use proptest::prelude::*;
    use serde::Deserialize;

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        parse(text).unwrap()
    }

    fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, hour, minute, second).unwrap()
    }

    #[test]
    fn reads_utc_and_offsets() {
        assert_eq!(at("2026-03-08T05:00:00Z"), utc(2026, 3, 8, 5, 0, 0));
        assert_eq!(at("2026-03-08T00:00:00-05:00"), utc(2026, 3, 8, 5, 0, 0));
        assert_eq!(at("2026-03-09T00:00:00+05:30"), utc(2026, 3, 8, 18, 30, 0));
        assert_eq!(at("2026-01-01T00:30:00+01:00"), utc(2025, 12, 31, 23, 30, 0));
        assert_eq!(at("2026-03-08T05:00:00+00:00"), at("2026-03-08T05:00:00-00:00"));
        assert_eq!(at("2026-12-31T23:59:59-23:59"), utc(2027, 1, 1, 23, 58, 59));
    }

    #[test]
    fn takes_t_and_z_in_either_case() {
        assert_eq!(at("2026-03-08t05:00:00z"), utc(2026, 3, 8, 5, 0, 0));
    }

    #[test]
    fn reads_fractions_to_the_nanosecond() {
        let whole = utc(2026, 3, 8, 5, 0, 0);
        assert_eq!(at("2026-03-08T05:00:00.5Z"), whole + TimeDelta::milliseconds(500));
        assert_eq!(
            at("2026-03-08T05:00:00.250-00:00"),
            whole + TimeDelta::milliseconds(250)
        );
        assert_eq!(
            at("2026-03-08T05:00:00.123456Z"),
            whole + TimeDelta::microseconds(123_456)
        );
        assert_eq!(at("2026-03-08T05:00:00.000000001Z"), whole + TimeDelta::nanoseconds(1));
        assert_eq!(
            at("2026-03-08T05:00:00.1234567891234Z"),
            whole + TimeDelta::nanoseconds(123_456_789)
        );
    }

    #[test]
    fn knows_leap_years() {
        assert_eq!(at("2024-02-29T12:00:00Z"), utc(2024, 2, 29, 12, 0, 0));
        assert_eq!(at("2000-02-29T12:00:00Z"), utc(2000, 2, 29, 12, 0, 0));
        assert_eq!(parse("2026-02-29T12:00:00Z"), None);
        assert_eq!(parse("2100-02-29T12:00:00Z"), None);
    }

    #[test]
    fn refuses_days_and_times_that_do_not_exist() {
        for text in [
            "2026-02-30T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z",
            "2026-01-00T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T23:60:00Z",
            "2026-01-01T23:59:61Z",
            "2026-01-01T00:00:00+24:00",
            "2026-01-01T00:00:00+01:60",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn holds_a_leap_second_as_chrono_does() {
        let leap = at("2016-12-31T23:59:60Z");
        assert_eq!(leap, "2016-12-31T23:59:60Z".parse::<DateTime<Utc>>().unwrap());
        assert_eq!(leap.to_rfc3339_opts(SecondsFormat::Secs, true), "2016-12-31T23:59:60Z");
    }

    #[test]
    fn refuses_everything_else() {
        for text in [
            "",
            "junk",
            "2026-03-08",
            "2026-03-08T05:00Z",
            "2026-03-08T05:00:00",
            "2026-03-08 05:00:00Z",
            "2026-03-08T05:00:00.Z",
            "2026-03-08T05:00:00,5Z",
            "2026-03-08T05:00:00+0500",
            "2026-03-08T05:00:00+05",
            "2026-03-08T05:00:00 Z",
            " 2026-03-08T05:00:00Z",
            "2026-03-08T05:00:00Z ",
            "2026-03-08T05:00:00ZZ",
            "26-03-08T05:00:00Z",
            "+2026-03-08T05:00:00Z",
            "2026-3-08T05:00:00Z",
            "2026-03-08T5:00:00Z",
            "２026-03-08T05:00:00Z",
            "2026-03-08T05:00:00UTC",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[derive(Debug, Deserialize)]
    struct Fields {
        #[serde(deserialize_with = "deserialize")]
        at: DateTime<Utc>,
        #[serde(default, deserialize_with = "option")]
        maybe: Option<DateTime<Utc>>,
    }

    #[test]
    fn deserializes_fields_and_options() -> Result<(), serde_json::Error> {
        let both: Fields =
            serde_json::from_str(r#"{"at": "2026-03-08T05:00:00Z", "maybe": "2026-03-08T00:00:00-05:00"}"#)?;
        assert_eq!(
            (both.at, both.maybe),
            (utc(2026, 3, 8, 5, 0, 0), Some(utc(2026, 3, 8, 5, 0, 0)))
        );
        let null: Fields = serde_json::from_str(r#"{"at": "2026-03-08T05:00:00Z", "maybe": null}"#)?;
        assert_eq!(null.maybe, None);
        let absent: Fields = serde_json::from_str(r#"{"at": "2026-03-08T05:00:00Z"}"#)?;
        assert_eq!(absent.maybe, None);
        Ok(())
    }

    #[test]
    fn junk_is_a_serde_error_naming_the_value() {
        for body in [
            r#"{"at": "2026-02-30T00:00:00Z"}"#,
            r#"{"at": "yesterday"}"#,
            r#"{"at": 1772946000}"#,
            r#"{"at": "2026-03-08T05:00:00Z", "maybe": "soon"}"#,
        ] {
            let error = serde_json::from_str::<Fields>(body)
                .err()
                .map(|error| error.to_string());
            assert!(
                error.as_deref().is_some_and(|error| error.contains("RFC 3339")),
                "{body}: {error:?}"
            );
        }
        assert!(serde_json::from_str::<Fields>(r#"{"maybe": null}"#).is_err());
    }

    /// Every moment chrono writes (as the API does) reads back as itself.
    fn written(moment: DateTime<Utc>) -> Vec<String> {
        let mut texts = vec![serde_json::to_value(moment).unwrap().as_str().unwrap().to_owned()];
        for format in [
            SecondsFormat::Secs,
            SecondsFormat::Millis,
            SecondsFormat::Micros,
            SecondsFormat::Nanos,
            SecondsFormat::AutoSi,
        ] {
            texts.push(moment.to_rfc3339_opts(format, true));
            texts.push(moment.to_rfc3339_opts(format, false));
        }
        texts
    }

    proptest! {
        #[test]
        fn reads_back_what_chrono_writes(seconds in 0_i64..253_402_300_799, nanos in 0_u32..1_000_000_000) {
            let moment = DateTime::from_timestamp(seconds, nanos).unwrap();
            let whole = DateTime::from_timestamp(seconds, 0).unwrap();
            for text in written(moment) {
                let read = parse(&text);
                prop_assert!(read.is_some(), "{} refused", text);
                // The shorter formats drop digits; nothing else may change.
                let read = read.unwrap();
                prop_assert!(read >= whole && read <= moment, "{} read as {}", text, read);
            }
            prop_assert_eq!(parse(&written(moment)[0]), Some(moment));
        }

        #[test]
        fn agrees_with_chrono_on_offsets(seconds in 0_i64..253_402_300_799, offset in -86_399_i32..86_399) {
            // RFC 3339 offsets are whole minutes.
            let offset = FixedOffset::east_opt(offset / 60 * 60).unwrap();
            let moment = DateTime::from_timestamp(seconds, 0).unwrap();
            let text = moment.with_timezone(&offset).to_rfc3339();
            prop_assert_eq!(parse(&text), Some(moment), "{}", text);
        }

        #[test]
        fn never_panics_and_takes_only_what_chrono_takes(text in "[0-9TtZz:+. -]{0,40}") {
            if let Some(moment) = parse(&text) {
                prop_assert_eq!(text.parse::<DateTime<Utc>>().ok(), Some(moment), "{}", text);
            }
        }
    }
}
