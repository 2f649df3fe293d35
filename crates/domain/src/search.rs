//! The search box's rules: what a typed query means (words, phone digits, a conversation
//! number) and where it matches a text (highlights and snippets).
//!
//! A word is a run of letters and digits; everything else separates words. Both databases'
//! full-text indexes split text the same way (SQLite's `unicode61` tokenizer, PostgreSQL's
//! index over the text with everything but letters and digits blanked), and the highlights are
//! computed here from the query's words, so both backends find and mark the same words. User
//! input never reaches a full-text query as syntax: the storage layer quotes these words.

use textdesk_types::search::Highlight;

use crate::Invalid;
use crate::phone::PhoneNumber;

/// The longest query, in characters, without its surrounding spaces.
pub const QUERY_MAX_CHARS: usize = 200;
/// Words past this many are ignored: each one is another index lookup, and a longer query
/// narrows nothing in practice.
pub const WORDS_MAX: usize = 8;
/// The last word matches as the start of longer message words only from this length: a
/// one- or two-letter prefix matches most messages, which no index answers quickly.
pub const MESSAGE_PREFIX_MIN_CHARS: usize = 3;
/// The fewest digits that search phone numbers (their ends).
pub const PHONE_DIGITS_MIN: usize = 4;
/// E.164 numbers have at most 15 digits.
const PHONE_DIGITS_MAX: usize = 15;
/// How much of a long message a snippet shows, and how much of it comes before the first match.
pub const SNIPPET_CHARS: usize = 160;
const SNIPPET_LEAD_CHARS: usize = 40;
/// Marks where a snippet cuts a message.
const ELLIPSIS: char = '…';

/// A query as the search box typed it, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchText {
    words: Vec<String>,
    last_is_prefix: bool,
    phone_digits: Vec<String>,
    conversation_number: Option<i64>,
}

impl SearchText {
    /// Refuses only an empty or over-long query; anything else is searched for as plain words,
    /// so quotes, operators and wildcards are just characters that separate words.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(Invalid::new("required", "must not be empty"));
        }
        if trimmed.chars().count() > QUERY_MAX_CHARS {
            return Err(Invalid::new(
                "too_long",
                format!("must be at most {QUERY_MAX_CHARS} characters long"),
            ));
        }
        let mut words: Vec<String> = Vec::new();
        for (_, _, word) in words_of(trimmed) {
            let word = word.to_lowercase();
            if !words.contains(&word) {
                words.push(word);
            }
        }
        words.truncate(WORDS_MAX);
        // "Smi" is a word being typed; "Smith " or "Smith." is finished.
        let last_is_prefix = raw.chars().last().is_some_and(char::is_alphanumeric);
        Ok(Self {
            words,
            last_is_prefix,
            phone_digits: phone_digits(trimmed),
            conversation_number: conversation_number(trimmed),
        })
    }

    /// The query's distinct words, lower-cased, in the order typed.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether the last word also matches longer words of names.
    pub fn name_prefix(&self) -> bool {
        self.last_is_prefix
    }

    /// Whether the last word also matches longer words of messages. A number is matched
    /// whole: it is an order or account number, a phone's digits or a conversation number, not
    /// a word being typed; and PostgreSQL cannot estimate how many words start with digits,
    /// which once made it read every message for a number found nowhere (BENCHMARKS.md).
    pub fn message_prefix(&self) -> bool {
        self.last_is_prefix
            && self.words.last().is_some_and(|word| {
                word.chars().count() >= MESSAGE_PREFIX_MIN_CHARS && !word.chars().all(|c| c.is_ascii_digit())
            })
    }

    /// Digit strings that match the end of a contact's number: the digits as typed, and the
    /// E.164 digits when the query is a valid number (a national format with a trunk prefix).
    pub fn phone_digits(&self) -> &[String] {
        &self.phone_digits
    }

    /// The conversation number typed (`1042`, `#1042`), if the query is one.
    pub fn conversation_number(&self) -> Option<i64> {
        self.conversation_number
    }
}

/// A query made of digits and the signs numbers are written with, with enough digits.
fn phone_digits(query: &str) -> Vec<String> {
    let phone_like = query
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '(' | ')' | '-' | '.' | ' '));
    if !phone_like {
        return Vec::new();
    }
    let typed: String = query.chars().filter(char::is_ascii_digit).collect();
    if !(PHONE_DIGITS_MIN..=PHONE_DIGITS_MAX).contains(&typed.len()) {
        return Vec::new();
    }
    let mut digits = vec![typed];
    if let Ok(number) = PhoneNumber::parse(query) {
        let e164: String = number.as_str().chars().filter(char::is_ascii_digit).collect();
        if !digits.contains(&e164) {
            digits.push(e164);
        }
    }
    digits
}

fn conversation_number(query: &str) -> Option<i64> {
    let digits = query.strip_prefix('#').unwrap_or(query).trim_start();
    let all_digits = !digits.is_empty() && digits.len() <= 18 && digits.chars().all(|c| c.is_ascii_digit());
    if all_digits { digits.parse().ok() } else { None }
}

/// The words of a text: (first character, character after the last, the word).
pub fn words_of(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut chars = text.char_indices().enumerate().peekable();
    std::iter::from_fn(move || {
        let (start_char, start_byte) = loop {
            let (index, (byte, c)) = chars.next()?;
            if c.is_alphanumeric() {
                break (index, byte);
            }
        };
        let mut end_char = start_char + 1;
        let mut end_byte = text.len();
        while let Some(&(index, (byte, c))) = chars.peek() {
            if !c.is_alphanumeric() {
                end_byte = byte;
                break;
            }
            end_char = index + 1;
            chars.next();
        }
        Some((start_char, end_char, &text[start_byte..end_byte]))
    })
}

/// Where the query's words occur in `text`: whole words equal to one of them, or, with
/// `prefix_last`, starting with the last one. Case-insensitive.
pub fn highlight_words(text: &str, words: &[String], prefix_last: bool) -> Vec<Highlight> {
    let Some((last, whole)) = words.split_last() else {
        return Vec::new();
    };
    words_of(text)
        .filter(|(_, _, word)| {
            let word = word.to_lowercase();
            whole.contains(&word) || word == *last || (prefix_last && word.starts_with(last.as_str()))
        })
        .map(|(start, end, _)| highlight(start, end))
        .collect()
}

/// The end of a phone number that `digits` matched.
pub fn highlight_phone_end(phone_number: &str, digits: &str) -> Vec<Highlight> {
    if digits.is_empty() || !phone_number.ends_with(digits) {
        return Vec::new();
    }
    let length = phone_number.chars().count();
    vec![highlight(length - digits.chars().count(), length)]
}

fn highlight(start: usize, end: usize) -> Highlight {
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Highlight {
        start: clamp(start),
        end: clamp(end),
    }
}

/// A one-line part of a message around its first match, with the matches highlighted; `None`
/// when no word of the query is in it (the index and the text disagree).
pub fn message_snippet(body: &str, words: &[String], prefix_last: bool) -> Option<(String, Vec<Highlight>)> {
    let line: String = body
        .chars()
        .map(|c| if c.is_whitespace() || c.is_control() { ' ' } else { c })
        .collect();
    let found = highlight_words(&line, words, prefix_last);
    let first = *found.first()?;
    let chars: Vec<char> = line.chars().collect();
    let total = chars.len();
    let first_start = first.start as usize;
    let mut start = first_start.saturating_sub(SNIPPET_LEAD_CHARS);
    if start > 0
        && let Some(space) = chars[start..first_start].iter().position(|c| *c == ' ')
    {
        // Starts at a word, not inside one.
        start += space + 1;
    }
    let end = (start + SNIPPET_CHARS).min(total);
    if end == total {
        // Near the end a snippet uses its whole length on what comes before.
        start = start.min(total.saturating_sub(SNIPPET_CHARS));
    }
    let mut snippet = String::with_capacity(SNIPPET_CHARS + 8);
    let shift = if start > 0 {
        snippet.push(ELLIPSIS);
        1
    } else {
        0
    };
    snippet.extend(&chars[start..end]);
    if end < total {
        snippet.push(ELLIPSIS);
    }
    let highlights = found
        .into_iter()
        .filter(|h| (h.start as usize) < end && (h.end as usize) > start)
        .map(|h| {
            let from = (h.start as usize).max(start) - start + shift;
            let to = (h.end as usize).min(end) - start + shift;
            highlight(from, to)
        })
        .collect();
    Some((snippet, highlights))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(highlights: &[Highlight]) -> Vec<(u32, u32)> {
        highlights.iter().map(|h| (h.start, h.end)).collect()
    }

    fn marked(text: &str, highlights: &[Highlight]) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        highlights
            .iter()
            .map(|h| chars[h.start as usize..h.end as usize].iter().collect())
            .collect()
    }

    #[test]
    fn queries_are_words_digits_and_numbers() {
        let parsed = SearchText::parse("  \"Crown\" AND (ready*) crown ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.words(), ["crown", "and", "ready"]);
        assert!(
            !parsed.name_prefix(),
            "a query ending in a space has no word being typed"
        );
        assert!(parsed.phone_digits().is_empty());
        assert_eq!(parsed.conversation_number(), None);

        let typing = SearchText::parse("crown rea").unwrap_or_else(|e| panic!("{e}"));
        assert!(typing.name_prefix() && typing.message_prefix());
        let short = SearchText::parse("crown re").unwrap_or_else(|e| panic!("{e}"));
        assert!(short.name_prefix() && !short.message_prefix());

        for raw in ["(202) 555-0123", "202-555-0123", "2025550123", "202.555.0123"] {
            let parsed = SearchText::parse(raw).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parsed.phone_digits(), ["2025550123", "12025550123"], "{raw}");
        }
        let international = SearchText::parse("+1 202 555 0123").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(international.phone_digits(), ["12025550123"]);
        let end = SearchText::parse("0123").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(end.phone_digits(), ["0123"]);
        assert!(
            end.name_prefix() && !end.message_prefix(),
            "numbers in messages match whole"
        );
        assert_eq!(end.conversation_number(), Some(123));
        assert!(
            SearchText::parse("123")
                .unwrap_or_else(|e| panic!("{e}"))
                .phone_digits()
                .is_empty()
        );
        assert_eq!(
            SearchText::parse("#1042").map(|p| p.conversation_number()),
            Ok(Some(1042))
        );
        assert_eq!(
            SearchText::parse("99999999999999999999").map(|p| p.conversation_number()),
            Ok(None)
        );
    }

    #[test]
    fn empty_and_long_queries_are_refused() {
        assert_eq!(SearchText::parse("   ").map_err(|e| e.code), Err("required"));
        assert_eq!(
            SearchText::parse(&"a".repeat(QUERY_MAX_CHARS + 1)).map_err(|e| e.code),
            Err("too_long")
        );
        assert!(SearchText::parse(&format!(" {} ", "é".repeat(QUERY_MAX_CHARS))).is_ok());
        let punctuation = SearchText::parse("\"*)'%").unwrap_or_else(|e| panic!("{e}"));
        assert!(punctuation.words().is_empty() && punctuation.phone_digits().is_empty());
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let words: Vec<(usize, usize, &str)> = words_of("Joe@example.com, don’t 555-0123 café!").collect();
        assert_eq!(
            words,
            [
                (0, 3, "Joe"),
                (4, 11, "example"),
                (12, 15, "com"),
                (17, 20, "don"),
                (21, 22, "t"),
                (23, 26, "555"),
                (27, 31, "0123"),
                (32, 36, "café"),
            ]
        );
    }

    #[test]
    fn highlights_mark_whole_words_and_the_typed_prefix() {
        let words = vec!["crown".to_owned(), "rea".to_owned()];
        let text = "Your CROWN is ready; crowning reached";
        let exact = highlight_words(text, &words, false);
        assert_eq!(marked(text, &exact), ["CROWN"]);
        let typing = highlight_words(text, &words, true);
        assert_eq!(marked(text, &typing), ["CROWN", "ready", "reached"]);
        assert_eq!(ranges(&highlight_phone_end("+12025550123", "0123")), [(8, 12)]);
        assert!(highlight_phone_end("+12025550123", "9999").is_empty());
    }

    #[test]
    fn snippets_cut_long_messages_around_the_first_match() {
        let words = vec!["invoice".to_owned()];
        let short = message_snippet("Your\ninvoice is attached", &words, false);
        assert_eq!(
            short,
            Some((
                "Your invoice is attached".to_owned(),
                vec![Highlight { start: 5, end: 12 }]
            ))
        );
        let long = format!("{} the invoice {}", "word ".repeat(60), "tail ".repeat(60));
        let (snippet, highlights) = message_snippet(&long, &words, false).unwrap_or_default();
        assert!(snippet.starts_with('…') && snippet.ends_with('…'));
        assert!(snippet.chars().count() <= SNIPPET_CHARS + 2);
        assert_eq!(marked(&snippet, &highlights), ["invoice"]);
        assert!(highlights[0].start as usize <= SNIPPET_LEAD_CHARS + 1);
        let at_end = format!("{} invoice", "word ".repeat(60));
        let (snippet, highlights) = message_snippet(&at_end, &words, false).unwrap_or_default();
        assert!(snippet.starts_with('…') && !snippet.ends_with('…'));
        assert_eq!(snippet.chars().count(), SNIPPET_CHARS + 1);
        assert_eq!(marked(&snippet, &highlights), ["invoice"]);
        assert_eq!(message_snippet("nothing here", &words, true), None);
    }
}
