//! Exact SMS segment counting, shared with the browser so the composer counts live.
//!
//! A message is GSM-7 when every character is in the GSM 03.38 basic table or its extension
//! table (extension characters cost two septets: an escape and the character); otherwise the
//! whole message is UCS-2 and costs one unit per UTF-16 code unit (an emoji costs two). One
//! segment holds 160 septets or 70 units; a concatenated message's segments hold 153 or 67,
//! and an escape pair or a surrogate pair is never split across two segments.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "gsm7",
            Encoding::Ucs2 => "ucs2",
        }
    }

    pub fn parse(raw: &str) -> Option<Encoding> {
        [Encoding::Gsm7, Encoding::Ucs2].into_iter().find(|e| e.as_str() == raw)
    }

    fn single_capacity(self) -> u32 {
        match self {
            Encoding::Gsm7 => 160,
            Encoding::Ucs2 => 70,
        }
    }

    fn concatenated_capacity(self) -> u32 {
        match self {
            Encoding::Gsm7 => 153,
            Encoding::Ucs2 => 67,
        }
    }
}

/// How a text travels as SMS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SegmentCount {
    pub encoding: Encoding,
    /// Segments the carrier bills; 0 for an empty text.
    pub segments: u32,
    /// Septets (GSM-7) or UTF-16 units (UCS-2) the text takes.
    pub units: u32,
    /// Units still free in the last segment before another one starts.
    pub remaining: u32,
}

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "\u{000C}^{}\\[~]|€";

/// Septets a character costs in GSM-7, or `None` if GSM-7 cannot carry it.
fn gsm7_cost(c: char) -> Option<u32> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

pub fn count(text: &str) -> SegmentCount {
    let gsm: Option<Vec<u32>> = text.chars().map(gsm7_cost).collect();
    match gsm {
        Some(costs) => pack(Encoding::Gsm7, &costs),
        None => {
            let costs: Vec<u32> = text.chars().map(|c| c.len_utf16() as u32).collect();
            pack(Encoding::Ucs2, &costs)
        }
    }
}

/// Fills segments with indivisible pieces of the given costs.
fn pack(encoding: Encoding, costs: &[u32]) -> SegmentCount {
    // Saturating so that no text, however large, can overflow the counters and panic.
    let units = costs.iter().fold(0u32, |sum, &cost| sum.saturating_add(cost));
    if units == 0 {
        return SegmentCount {
            encoding,
            segments: 0,
            units,
            remaining: encoding.single_capacity(),
        };
    }
    if units <= encoding.single_capacity() {
        return SegmentCount {
            encoding,
            segments: 1,
            units,
            remaining: encoding.single_capacity() - units,
        };
    }
    let capacity = encoding.concatenated_capacity();
    let (mut segments, mut used) = (1u32, 0);
    for &cost in costs {
        if used + cost > capacity {
            segments = segments.saturating_add(1);
            used = 0;
        }
        used += cost;
    }
    SegmentCount {
        encoding,
        segments,
        units,
        remaining: capacity - used,
    }
}

/// Most segments a message may take when an organization allows concatenation.
pub const MAX_CONCATENATED_SEGMENTS: u32 = 3;
/// Longest text in text-only MMS mode.
pub const MMS_TEXT_MAX_CHARACTERS: u32 = 2000;

/// Which length rule an organization's outbound messages follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LengthPolicy {
    /// One SMS segment only (concatenation switched off).
    SingleSegment,
    /// Up to [`MAX_CONCATENATED_SEGMENTS`] segments.
    Concatenated,
    /// Sent as MMS, so segments do not apply: up to [`MMS_TEXT_MAX_CHARACTERS`] characters.
    MmsTextOnly,
}

impl LengthPolicy {
    /// The policy for an organization's `concatenation_allowed` setting when sending SMS.
    pub fn for_sms(concatenation_allowed: bool) -> Self {
        if concatenation_allowed {
            LengthPolicy::Concatenated
        } else {
            LengthPolicy::SingleSegment
        }
    }

    /// The policy for a message under the organization's settings: with media and the MMS
    /// text-only mode on, the MMS limit; else the SMS rule. The server and the composer both
    /// decide by this.
    pub fn for_message(concatenation_allowed: bool, mms_text_only: bool, has_media: bool) -> Self {
        if has_media && mms_text_only {
            LengthPolicy::MmsTextOnly
        } else {
            LengthPolicy::for_sms(concatenation_allowed)
        }
    }
}

/// Why a text may not be sent under a [`LengthPolicy`]; `Display` is a sentence for the composer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum LengthError {
    /// Nothing but whitespace.
    Empty,
    TooManySegments {
        /// What the text takes.
        count: SegmentCount,
        max_segments: u32,
        /// Septets or UTF-16 units (in `count.encoding`) that `max_segments` hold.
        max_units: u32,
    },
    TooManyCharacters {
        /// Unicode scalar values, as people count characters.
        characters: u32,
        max_characters: u32,
    },
}

impl std::fmt::Display for LengthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            LengthError::Empty => write!(f, "The message is empty."),
            LengthError::TooManySegments {
                count,
                max_segments,
                max_units,
            } => {
                let allowed = match max_segments {
                    1 => "1 segment".to_owned(),
                    n => format!("at most {n}"),
                };
                let units = match count.encoding {
                    Encoding::Gsm7 => format!("{max_units} GSM-7 characters"),
                    // Emoji are where people's count and the carrier's differ, so say how they count.
                    Encoding::Ucs2 => format!("{max_units} UCS-2 characters; an emoji counts as 2"),
                };
                write!(
                    f,
                    "The message takes {} segments; this organization allows {allowed} ({units}).",
                    count.segments
                )
            }
            LengthError::TooManyCharacters {
                characters,
                max_characters,
            } => write!(
                f,
                "The message has {} characters; an MMS text may have at most {}.",
                grouped(characters),
                grouped(max_characters)
            ),
        }
    }
}

impl std::error::Error for LengthError {}

/// `2000` as `2,000`, the way the composer shows numbers.
fn grouped(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Whether `text` may be sent under `policy`, and what it takes if so.
///
/// A text of only whitespace is refused; otherwise the text is counted as given, whitespace
/// and all, because that is what the carrier bills.
pub fn check_length(text: &str, policy: LengthPolicy) -> Result<SegmentCount, LengthError> {
    if text.trim().is_empty() {
        return Err(LengthError::Empty);
    }
    let counted = count(text);
    let max_segments = match policy {
        LengthPolicy::SingleSegment => 1,
        LengthPolicy::Concatenated => MAX_CONCATENATED_SEGMENTS,
        LengthPolicy::MmsTextOnly => {
            let characters = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
            if characters > MMS_TEXT_MAX_CHARACTERS {
                return Err(LengthError::TooManyCharacters {
                    characters,
                    max_characters: MMS_TEXT_MAX_CHARACTERS,
                });
            }
            return Ok(counted);
        }
    };
    if counted.segments <= max_segments {
        return Ok(counted);
    }
    let max_units = match max_segments {
        1 => counted.encoding.single_capacity(),
        n => n * counted.encoding.concatenated_capacity(),
    };
    Err(LengthError::TooManySegments {
        count: counted,
        max_segments,
        max_units,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use Encoding::{Gsm7 as G, Ucs2 as U};

    fn check(text: &str, encoding: Encoding, segments: u32, units: u32) {
        let counted = count(text);
        assert_eq!(
            (counted.encoding, counted.segments, counted.units),
            (encoding, segments, units),
            "{text:?}"
        );
    }

    #[test]
    fn the_tables_hold_the_whole_alphabet() {
        // 128 code points less the escape (0x1B), which is not a character.
        assert_eq!(GSM7_BASIC.chars().count(), 127);
        assert_eq!(GSM7_EXTENSION.chars().count(), 10);
        assert!(!GSM7_BASIC.chars().any(|c| GSM7_EXTENSION.contains(c)));
    }

    #[test]
    fn tricky_texts() {
        let a = |n| "a".repeat(n);
        let cyr = |n| "ж".repeat(n);
        let cases: Vec<(String, Encoding, u32, u32)> = vec![
            (String::new(), G, 0, 0),
            (a(1), G, 1, 1),
            (a(160), G, 1, 160),
            (a(161), G, 2, 161),
            (a(306), G, 2, 306),
            (a(307), G, 3, 307),
            (a(459), G, 3, 459),
            (a(460), G, 4, 460),
            (format!("{}€", a(158)), G, 1, 160),
            (format!("{}€", a(159)), G, 2, 161),
            // Fits one segment, so the 153-septet split does not apply.
            (format!("{}€", a(152)), G, 1, 154),
            (format!("{}€{}", a(151), a(10)), G, 2, 163),
            // 152 + 2 > 153: the pair opens segment 2.
            (format!("{}€{}", a(152), a(10)), G, 2, 164),
            // 306 septets would fill two segments exactly, but the moved pair leaves a hole.
            (format!("{}€{}", a(152), a(152)), G, 3, 306),
            ("€".repeat(80), G, 1, 160),
            ("€".repeat(81), G, 2, 162),
            // 76 pairs fill 152 of a segment's 153 septets.
            ("€".repeat(152), G, 2, 304),
            ("€".repeat(153), G, 3, 306),
            ("{}".into(), G, 1, 4),
            ("^{}\\[~]|€".into(), G, 1, 18),
            ("\u{000C}".into(), G, 1, 2),
            ("Price: 10€ {net}".into(), G, 1, 19),
            ("Hello\r\nWorld".into(), G, 1, 12),
            ("@£$¥¡¿§¤".into(), G, 1, 8),
            ("ÄÖÑÜäöñüàèéùìòÉ".into(), G, 1, 15),
            ("é".into(), G, 1, 1),
            ("Ç".into(), G, 1, 1),
            ("ç".into(), U, 1, 1),
            (format!("{}ç", a(100)), U, 2, 101),
            ("Olá".into(), U, 1, 3),
            ("`".into(), U, 1, 1),
            ("ΔΦΓΛΩΠΨΣΘΞ".into(), G, 1, 10),
            ("Ωmega".into(), G, 1, 5),
            // Greek capitals that look Latin (Μ, Ε, Α) are not in the table.
            ("ΩΜΕΓΑ".into(), U, 1, 5),
            ("αβγ".into(), U, 1, 3),
            ("“Hi”".into(), U, 1, 4),
            ("It’s".into(), U, 1, 4),
            ("a\u{00A0}b".into(), U, 1, 3),
            ("a\tb".into(), U, 1, 3),
            ("a\u{200B}b".into(), U, 1, 3),
            ("\u{FEFF}".into(), U, 1, 1),
            // A combining accent is its own character, unlike the precomposed é.
            ("e\u{301}".into(), U, 1, 2),
            ("مرحبا".into(), U, 1, 5),
            ("שלום".into(), U, 1, 4),
            ("你好世界".into(), U, 1, 4),
            ("日本語".repeat(24), U, 2, 72),
            ("😀".into(), U, 1, 2),
            ("𝐀".into(), U, 1, 2),
            ("😀".repeat(35), U, 1, 70),
            // 33 emoji fill 66 of a segment's 67 units.
            ("😀".repeat(36), U, 2, 72),
            ("😀".repeat(67), U, 3, 134),
            // Man, ZWJ, woman, ZWJ, girl: 2 + 1 + 2 + 1 + 2.
            ("👨\u{200D}👩\u{200D}👧".into(), U, 1, 8),
            ("👍🏽".into(), U, 1, 4),
            ("🇺🇸".into(), U, 1, 4),
            (cyr(70), U, 1, 70),
            (cyr(71), U, 2, 71),
            (cyr(134), U, 2, 134),
            (cyr(135), U, 3, 135),
            (cyr(201), U, 3, 201),
            (cyr(202), U, 4, 202),
            (format!("{}😀", cyr(68)), U, 1, 70),
            (format!("{}😀", cyr(69)), U, 2, 71),
            (format!("{}😀{}", cyr(65), cyr(10)), U, 2, 77),
            (format!("{}😀{}", cyr(66), cyr(10)), U, 2, 78),
            // 66 + 2 > 67 twice over: each emoji opens the next segment.
            (format!("{}😀{}😀", cyr(66), cyr(65)), U, 3, 135),
        ];
        assert!(cases.len() >= 45);
        for (text, encoding, segments, units) in &cases {
            check(text, *encoding, *segments, *units);
        }
    }

    #[test]
    fn remaining_counts_the_last_segment() {
        assert_eq!(count("").remaining, 160);
        assert_eq!(count("hi").remaining, 158);
        assert_eq!(
            count(&format!("{}€{}", "a".repeat(152), "a".repeat(10))).remaining,
            153 - 12
        );
        assert_eq!(
            count(&format!("{}😀{}", "ж".repeat(66), "ж".repeat(10))).remaining,
            67 - 12
        );
        assert_eq!(count("😀").remaining, 68);
    }

    #[test]
    fn blank_texts_are_refused() {
        for policy in [
            LengthPolicy::SingleSegment,
            LengthPolicy::Concatenated,
            LengthPolicy::MmsTextOnly,
        ] {
            for text in ["", " ", "\n\t ", "\u{00A0}"] {
                assert_eq!(check_length(text, policy), Err(LengthError::Empty), "{text:?}");
            }
        }
    }

    #[test]
    fn concatenated_messages_stop_at_three_segments() {
        let policy = LengthPolicy::Concatenated;
        assert_eq!(check_length(&"a".repeat(459), policy).map(|c| c.segments), Ok(3));
        assert_eq!(check_length(&"ж".repeat(201), policy).map(|c| c.segments), Ok(3));
        // A moved escape pair makes 459 septets need a fourth segment.
        let moved = format!("{}€{}", "a".repeat(152), "a".repeat(305));
        assert_eq!(count(&moved).units, 459);
        assert!(check_length(&moved, policy).is_err());

        let error = check_length(&"a".repeat(460), policy).err();
        assert_eq!(
            error,
            Some(LengthError::TooManySegments {
                count: count(&"a".repeat(460)),
                max_segments: 3,
                max_units: 459,
            })
        );
        assert_eq!(
            error.map(|e| e.to_string()).as_deref(),
            Some("The message takes 4 segments; this organization allows at most 3 (459 GSM-7 characters).")
        );
        assert_eq!(
            check_length(&"ж".repeat(202), policy).map_err(|e| e.to_string()),
            Err(
                "The message takes 4 segments; this organization allows at most 3 (201 UCS-2 characters; an emoji counts as 2)."
                    .to_owned()
            )
        );
    }

    #[test]
    fn single_segment_messages() {
        let policy = LengthPolicy::SingleSegment;
        assert_eq!(check_length(&"a".repeat(160), policy), Ok(count(&"a".repeat(160))));
        assert_eq!(check_length(&"😀".repeat(35), policy).map(|c| c.units), Ok(70));
        assert_eq!(
            check_length(&format!("{}€", "a".repeat(159)), policy).map_err(|e| e.to_string()),
            Err("The message takes 2 segments; this organization allows 1 segment (160 GSM-7 characters).".to_owned())
        );
        assert!(check_length(&"ж".repeat(71), policy).is_err());
        assert_eq!(LengthPolicy::for_sms(false), policy);
        assert_eq!(LengthPolicy::for_sms(true), LengthPolicy::Concatenated);
    }

    #[test]
    fn mms_text_counts_characters_not_segments() {
        let policy = LengthPolicy::MmsTextOnly;
        assert_eq!(check_length(&"😀".repeat(2000), policy).map(|c| c.units), Ok(4000));
        assert_eq!(
            check_length(&"a".repeat(2001), policy),
            Err(LengthError::TooManyCharacters {
                characters: 2001,
                max_characters: 2000
            })
        );
        assert_eq!(
            check_length(&"😀".repeat(2001), policy).map_err(|e| e.to_string()),
            Err("The message has 2,001 characters; an MMS text may have at most 2,000.".to_owned())
        );
    }

    #[test]
    fn errors_travel_as_json() {
        let error = check_length(&"a".repeat(161), LengthPolicy::SingleSegment).err();
        let json = serde_json::to_value(error).unwrap();
        assert_eq!(json["code"], "too_many_segments");
        assert_eq!(json["max_units"], 160);
        assert_eq!(json["count"]["encoding"], "gsm7");
        assert_eq!(serde_json::from_value::<Option<LengthError>>(json).unwrap(), error);
        assert_eq!(serde_json::to_value(LengthError::Empty).unwrap()["code"], "empty");
    }

    #[test]
    fn numbers_are_grouped_in_thousands() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (123_456, "123,456"),
            (u32::MAX, "4,294,967,295"),
        ] {
            assert_eq!(grouped(n), text);
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    const GSM_ALPHABET: &[char] = &['a', ' ', '\n', 'Ç', 'Δ', '€', '{', '\u{000C}'];
    const MIXED_ALPHABET: &[char] = &['a', '€', 'ж', 'ç', '😀', '\u{301}', '\u{200D}', '🇺'];

    fn text_from(alphabet: &'static [char], max: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(alphabet), 0..max).prop_map(String::from_iter)
    }

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            text_from(GSM_ALPHABET, 500),
            text_from(MIXED_ALPHABET, 250),
            // Long enough to cross the MMS limit.
            text_from(&['a', ' ', '😀'], 2100),
        ]
    }

    /// Segments the way an encoder cuts them: fixed-size chunks of units, where a chunk that
    /// would end in an escape (GSM-7) or a high surrogate (UCS-2) gives that unit to the next.
    fn segments_by_units(units: &[u16], is_lead: impl Fn(u16) -> bool, single: usize, chunk: usize) -> u32 {
        if units.is_empty() {
            return 0;
        }
        if units.len() <= single {
            return 1;
        }
        let (mut segments, mut start) = (0, 0);
        while start < units.len() {
            let mut end = (start + chunk).min(units.len());
            if end < units.len() && is_lead(units[end - 1]) {
                end -= 1;
            }
            segments += 1;
            start = end;
        }
        segments
    }

    const ESCAPE: u16 = 0x1B;

    fn septets(text: &str) -> Vec<u16> {
        text.chars()
            .flat_map(|c| {
                if GSM7_EXTENSION.contains(c) {
                    vec![ESCAPE, 0]
                } else {
                    vec![0]
                }
            })
            .collect()
    }

    proptest! {
        #[test]
        fn count_is_consistent(text in any_text()) {
            let counted = count(&text);
            prop_assert_eq!(counted.segments == 0, text.is_empty());
            let capacity = if counted.segments > 1 {
                counted.encoding.concatenated_capacity()
            } else {
                counted.encoding.single_capacity()
            };
            prop_assert!(counted.units <= counted.segments * capacity);
            prop_assert!(counted.remaining <= capacity);
            if !text.is_empty() {
                prop_assert!(counted.remaining < capacity);
            }
            let all_gsm = text.chars().all(|c| GSM7_BASIC.contains(c) || GSM7_EXTENSION.contains(c));
            prop_assert_eq!(counted.encoding == Encoding::Gsm7, all_gsm);
            match counted.encoding {
                Encoding::Gsm7 => {
                    let units = septets(&text);
                    prop_assert_eq!(counted.units as usize, units.len());
                    prop_assert_eq!(counted.segments, segments_by_units(&units, |u| u == ESCAPE, 160, 153));
                }
                Encoding::Ucs2 => {
                    let units: Vec<u16> = text.encode_utf16().collect();
                    prop_assert_eq!(counted.units as usize, units.len());
                    let high_surrogate = |u: u16| (0xD800..0xDC00).contains(&u);
                    prop_assert_eq!(counted.segments, segments_by_units(&units, high_surrogate, 70, 67));
                }
            }
        }

        #[test]
        fn check_length_agrees_with_count(text in any_text()) {
            let counted = count(&text);
            let blank = text.trim().is_empty();
            for (policy, fits) in [
                (LengthPolicy::SingleSegment, counted.segments <= 1),
                (LengthPolicy::Concatenated, counted.segments <= MAX_CONCATENATED_SEGMENTS),
                (LengthPolicy::MmsTextOnly, text.chars().count() <= MMS_TEXT_MAX_CHARACTERS as usize),
            ] {
                match check_length(&text, policy) {
                    Ok(ok) => {
                        prop_assert!(!blank && fits);
                        prop_assert_eq!(ok, counted);
                    }
                    Err(error) => {
                        prop_assert!(blank || !fits);
                        prop_assert_eq!(error == LengthError::Empty, blank);
                        prop_assert!(error.to_string().ends_with('.'));
                    }
                }
            }
        }
    }
}
