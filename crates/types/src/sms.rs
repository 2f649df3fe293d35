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
    let units: u32 = costs.iter().sum();
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
    let (mut segments, mut used) = (1, 0);
    for &cost in costs {
        if used + cost > capacity {
            segments += 1;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, encoding: Encoding, segments: u32, units: u32) {
        let counted = count(text);
        assert_eq!(
            (counted.encoding, counted.segments, counted.units),
            (encoding, segments, units),
            "{text:?}"
        );
    }

    #[test]
    fn boundaries() {
        check("", Encoding::Gsm7, 0, 0);
        check(&"a".repeat(160), Encoding::Gsm7, 1, 160);
        check(&"a".repeat(161), Encoding::Gsm7, 2, 161);
        check(&"a".repeat(306), Encoding::Gsm7, 2, 306);
        check(&"a".repeat(307), Encoding::Gsm7, 3, 307);
        check(&"é".repeat(70), Encoding::Gsm7, 1, 70);
        check(&"ж".repeat(70), Encoding::Ucs2, 1, 70);
        check(&"ж".repeat(71), Encoding::Ucs2, 2, 71);
        check(&"ж".repeat(134), Encoding::Ucs2, 2, 134);
        check(&"ж".repeat(135), Encoding::Ucs2, 3, 135);
    }

    #[test]
    fn extension_characters_cost_two_and_are_never_split() {
        check("{}", Encoding::Gsm7, 1, 4);
        check(&"€".repeat(80), Encoding::Gsm7, 1, 160);
        check(&format!("{}€", "a".repeat(159)), Encoding::Gsm7, 2, 161);
        // 152 septets then an escape pair: the pair moves whole to the second segment.
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(10));
        let counted = count(&text);
        assert_eq!(counted.segments, 2);
        assert_eq!(counted.remaining, 153 - 12);
    }

    #[test]
    fn emoji_cost_two_units_and_are_never_split() {
        check("😀", Encoding::Ucs2, 1, 2);
        check(&"😀".repeat(35), Encoding::Ucs2, 1, 70);
        let text = format!("{}😀", "ж".repeat(66));
        let counted = count(&format!("{text}{}", "ж".repeat(10)));
        assert_eq!(counted.segments, 2);
        assert_eq!(counted.remaining, 67 - 12);
    }

    #[test]
    fn one_foreign_character_switches_the_whole_text() {
        check(&format!("{}ç", "a".repeat(100)), Encoding::Ucs2, 2, 101);
        check("Ç", Encoding::Gsm7, 1, 1);
    }
}
