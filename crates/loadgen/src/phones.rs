//! Distinct customer phone numbers that libphonenumber (through `textdesk-domain`) accepts, so
//! the server keeps them as sent and every index is its own contact.
//!
//! Candidate `i` is `+1 AAA EEE LLLL`: the line number is `i % 10000`, then the exchange
//! (200–999) and the area code, from a list of real US area codes. Candidates that are not
//! valid numbers (N11 exchanges, 555, and so on) are skipped, so a range of candidates gives
//! distinct valid numbers, and disjoint ranges give disjoint numbers.

use textdesk_domain::phone::PhoneNumber;

const AREA_CODES: [u16; 24] = [
    202, 212, 213, 206, 214, 215, 303, 305, 312, 404, 415, 503, 512, 602, 617, 702, 713, 718, 801, 612, 614, 704, 919,
    971,
];
const EXCHANGES: usize = 800;
const LINES: usize = 10_000;

/// How many candidates there are in all.
pub const CANDIDATES: usize = AREA_CODES.len() * EXCHANGES * LINES;

/// Where the ranges of each use start, far apart: inbound senders (up to `SEEDED_START`, with
/// `--first-sender`), seeded contacts, the long thread and the feed's sender.
pub const SENDERS_START: usize = 0;
pub const SEEDED_START: usize = 40_000_000;
pub const LONG_THREAD_START: usize = 150_000_000;

fn candidate(index: usize) -> String {
    let line = index % LINES;
    let exchange = 200 + (index / LINES) % EXCHANGES;
    let area = AREA_CODES[(index / LINES / EXCHANGES) % AREA_CODES.len()];
    format!("+1{area}{exchange:03}{line:04}")
}

/// `count` distinct valid numbers in E.164, from candidate `start` on.
pub fn numbers(start: usize, count: usize) -> Vec<String> {
    let mut found = Vec::with_capacity(count);
    let mut index = start;
    while found.len() < count && index < CANDIDATES {
        if let Ok(parsed) = PhoneNumber::parse(&candidate(index)) {
            found.push(parsed.into_inner());
        }
        index += 1;
    }
    found
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn numbers_are_valid_distinct_and_kept_as_written() {
        let senders = numbers(SENDERS_START, 5_000);
        let seeded = numbers(SEEDED_START, 2_000);
        assert_eq!(senders.len(), 5_000);
        assert_eq!(seeded.len(), 2_000);
        let all: HashSet<&String> = senders.iter().chain(&seeded).collect();
        assert_eq!(all.len(), 7_000);
        for number in senders.iter().chain(&seeded) {
            assert_eq!(PhoneNumber::parse(number).unwrap().as_str(), number);
        }
        const { assert!(LONG_THREAD_START < CANDIDATES) };
    }
}
