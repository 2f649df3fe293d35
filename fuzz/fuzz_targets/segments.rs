#![no_main]

use libfuzzer_sys::fuzz_target;
use textdesk_types::sms::{self, Encoding, LengthError, LengthPolicy};

fuzz_target!(|text: &str| {
    let counted = sms::count(text);
    assert_eq!(counted.segments == 0, text.is_empty());
    if counted.encoding == Encoding::Ucs2 {
        assert_eq!(counted.units as usize, text.encode_utf16().count());
    }
    let capacity = match (counted.encoding, counted.segments) {
        (Encoding::Gsm7, 0 | 1) => 160,
        (Encoding::Gsm7, _) => 153,
        (Encoding::Ucs2, 0 | 1) => 70,
        (Encoding::Ucs2, _) => 67,
    };
    assert!(counted.units <= counted.segments * capacity);
    assert!(counted.remaining <= capacity);

    for policy in [
        LengthPolicy::SingleSegment,
        LengthPolicy::Concatenated,
        LengthPolicy::MmsTextOnly,
    ] {
        match sms::check_length(text, policy) {
            Ok(ok) => assert_eq!(ok, counted),
            Err(error) => {
                assert_eq!(error == LengthError::Empty, text.trim().is_empty());
                assert!(!error.to_string().is_empty());
            }
        }
    }
});
