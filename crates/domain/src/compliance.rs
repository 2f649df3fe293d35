//! Carrier compliance for inbound messages: which replies opt a contact out, back in, or ask
//! for help.

use textdesk_types::organization::OrganizationSettings;

use crate::organization::KEYWORD_MAX_CHARS;

/// What an inbound message asks for when it is a keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeywordAction {
    OptOut,
    OptIn,
    Help,
}

/// An organization's three keyword lists. Entries may be several words ("REMOVE ME").
#[derive(Clone, Copy, Debug)]
pub struct KeywordLists<'a> {
    pub opt_out: &'a [String],
    pub opt_in: &'a [String],
    pub help: &'a [String],
}

impl<'a> KeywordLists<'a> {
    pub fn from_settings(settings: &'a OrganizationSettings) -> Self {
        Self {
            opt_out: &settings.opt_out_keywords,
            opt_in: &settings.opt_in_keywords,
            help: &settings.help_keywords,
        }
    }
}

/// The action a message body asks for, if the whole body is one of the keywords.
///
/// Like Twilio's and the carriers' own STOP filtering, only a message that is nothing but the
/// keyword counts: "Stop by at 5" and "cancel my order" are conversation, not commands,
/// because opting someone out on a chance word loses a customer. Surrounding Unicode
/// whitespace (newlines, tabs, no-break spaces) and punctuation ("STOP!", "Stop.") are
/// ignored, words compare case-insensitively with Unicode upper-casing, and a run of
/// whitespace or a hyphen between words counts as one space (see [`same_words`]).
///
/// Opt-out wins over opt-in and help when a word is on several lists: failing to honour an
/// opt-out is the costly mistake. The keyword is returned as listed, for the history.
pub fn match_keyword<'a>(body: &str, lists: &KeywordLists<'a>) -> Option<(KeywordAction, &'a str)> {
    [
        (lists.opt_out, KeywordAction::OptOut),
        (lists.opt_in, KeywordAction::OptIn),
        (lists.help, KeywordAction::Help),
    ]
    .into_iter()
    .find_map(|(keywords, action)| {
        let keyword = keywords.iter().find(|keyword| same_words(body, keyword))?;
        Some((action, keyword.as_str()))
    })
}

/// Whether `body` is short enough to be a keyword, with the space between words counted once
/// as matching does, so the inbound path skips the organization's lists for conversation.
/// Looks at most at the first few words of a long body.
pub fn could_be_keyword(body: &str) -> bool {
    let mut length = 0;
    for word in body.split_whitespace() {
        length += word.chars().count() + 1;
        if length > KEYWORD_MAX_CHARS + 1 {
            return false;
        }
    }
    length > 0
}

/// Whether a body says a keyword: the same words ignoring case, how the words are spaced or
/// hyphenated, and punctuation around the whole body ("Stop.", "STOP!", "opt-out"); or the
/// keyword's words split further into words of two letters or more ("opt out" for OPTOUT, one
/// of the FCC's 2024 revocation phrases). A lone letter split off ("S TOP") is not a keyword,
/// nor are a keyword's words run together ("removeme" for REMOVE ME).
fn same_words(body: &str, keyword: &str) -> bool {
    let body_words = words(body.trim_matches(|c: char| c.is_whitespace() || is_edge_punctuation(c)));
    let keyword_words = words(keyword);
    if body_words.is_empty() || keyword_words.is_empty() {
        return false;
    }
    let word_by_word = body_words.len() == keyword_words.len()
        && body_words
            .iter()
            .zip(&keyword_words)
            .all(|(a, b)| same_ignoring_case(a, b));
    let split_keyword = body_words.len() > keyword_words.len()
        && body_words.iter().all(|word| word.chars().count() >= 2)
        && same_ignoring_case(&body_words.concat(), &keyword_words.concat());
    word_by_word || split_keyword
}

fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|word| !word.is_empty())
        .collect()
}

/// Punctuation a texter puts around a one-word command. Not a question mark: "end?" asks
/// something, it does not command.
fn is_edge_punctuation(c: char) -> bool {
    (c.is_ascii_punctuation() && c != '?') || matches!(c, '¡' | '…' | '“' | '”' | '‘' | '’' | '。' | '！')
}

fn same_ignoring_case(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_uppercase)
        .eq(b.chars().flat_map(char::to_uppercase))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organization::{
        DEFAULT_HELP_KEYWORDS, DEFAULT_OPT_IN_KEYWORDS, DEFAULT_OPT_OUT_KEYWORDS, default_settings,
    };
    use proptest::prelude::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    fn defaults() -> OrganizationSettings {
        default_settings("Acme")
    }

    fn matched(body: &str, settings: &OrganizationSettings) -> Option<KeywordAction> {
        match_keyword(body, &KeywordLists::from_settings(settings)).map(|(action, _)| action)
    }

    fn variants(keyword: &str) -> Vec<String> {
        let lower = keyword.to_lowercase();
        let mut title: String = lower.chars().take(1).flat_map(char::to_uppercase).collect();
        title.extend(lower.chars().skip(1));
        let mut out = Vec::new();
        for word in [keyword.to_owned(), lower, title] {
            for (before, after) in [
                ("", ""),
                ("  ", " "),
                ("\n", "\n"),
                ("\t", "\r\n"),
                ("\u{00A0}", "\u{3000}"),
            ] {
                out.push(format!("{before}{word}{after}"));
            }
        }
        out
    }

    #[test]
    fn every_default_keyword_matches_in_any_case_and_spacing() {
        let settings = defaults();
        for (keywords, action) in [
            (&DEFAULT_OPT_OUT_KEYWORDS[..], KeywordAction::OptOut),
            (&DEFAULT_OPT_IN_KEYWORDS[..], KeywordAction::OptIn),
            (&DEFAULT_HELP_KEYWORDS[..], KeywordAction::Help),
        ] {
            for keyword in keywords {
                for body in variants(keyword) {
                    assert_eq!(matched(&body, &settings), Some(action), "{body:?}");
                }
            }
        }
        assert_eq!(matched("sToP", &settings), Some(KeywordAction::OptOut));
    }

    #[test]
    fn words_inside_conversation_do_not_match() {
        let settings = defaults();
        for body in [
            "Stop by at 5",
            "cancel my order",
            "STOPP",
            "S TOP",
            "STOP, please",
            "start the engine",
            "yes please",
            "HELP ME",
            "please stop",
            "!!!",
            "the end",
            "STOP STOP",
            "",
            "   ",
            "\n",
        ] {
            assert_eq!(matched(body, &settings), None, "{body:?}");
        }
    }

    #[test]
    fn punctuation_hyphens_and_split_words_still_say_the_keyword() {
        let settings = defaults();
        for body in [
            "Stop.",
            "STOP!",
            "stop!!!",
            " 'stop' ",
            "¡Stop!",
            "opt out",
            "Opt-Out",
            "OPT  OUT.",
            "un stop",
        ] {
            let expected = if body.contains("un") {
                KeywordAction::OptIn
            } else {
                KeywordAction::OptOut
            };
            assert_eq!(matched(body, &settings), Some(expected), "{body:?}");
        }
        assert_eq!(matched("Yes!", &settings), Some(KeywordAction::OptIn));
        for question in ["end?", "stop?", "info?"] {
            assert_eq!(matched(question, &settings), None, "{question:?}");
        }
    }

    #[test]
    fn custom_lists_replace_the_defaults() {
        // Seed 003: an organization that keeps only STOP and UNSTOP.
        let mut settings = defaults();
        settings.opt_out_keywords = strings(&["STOP"]);
        settings.opt_in_keywords = strings(&["UNSTOP"]);
        settings.help_keywords = Vec::new();
        assert_eq!(matched("stop", &settings), Some(KeywordAction::OptOut));
        assert_eq!(matched("Unstop", &settings), Some(KeywordAction::OptIn));
        for body in ["CANCEL", "QUIT", "START", "YES", "HELP", "INFO"] {
            assert_eq!(matched(body, &settings), None, "{body:?}");
        }
    }

    #[test]
    fn the_listed_keyword_is_returned() {
        let mut settings = defaults();
        settings.opt_out_keywords.push("REMOVE ME".into());
        let lists = KeywordLists::from_settings(&settings);
        assert_eq!(
            match_keyword(" remove \t me", &lists),
            Some((KeywordAction::OptOut, "REMOVE ME"))
        );
        assert_eq!(match_keyword("Yes", &lists), Some((KeywordAction::OptIn, "YES")));
    }

    #[test]
    fn only_short_bodies_could_be_keywords() {
        assert!(could_be_keyword(" stop\n"));
        assert!(could_be_keyword(&format!("  {}  ", "A".repeat(KEYWORD_MAX_CHARS))));
        assert!(could_be_keyword(&format!("{}   {}", "A".repeat(20), "B".repeat(19))));
        assert!(!could_be_keyword(&"A".repeat(KEYWORD_MAX_CHARS + 1)));
        assert!(!could_be_keyword("Hello, could you move my appointment to Friday?"));
        assert!(!could_be_keyword(" \t\n"));
    }

    proptest! {
        #[test]
        fn every_listed_keyword_could_be_one(words in proptest::collection::vec("[a-zA-Zß]{1,8}", 1..5), pad in "[ \t\n]{0,3}") {
            let keyword = words.join(" ").to_uppercase();
            prop_assume!(keyword.chars().count() <= KEYWORD_MAX_CHARS);
            let body = format!("{pad}{}{pad}", words.join("  "));
            prop_assert!(could_be_keyword(&body));
        }
    }

    #[test]
    fn custom_opt_out_phrases_of_several_words() {
        let mut settings = defaults();
        settings
            .opt_out_keywords
            .extend(strings(&["REMOVE ME", "ARRÊT", "Straße"]));
        for body in [
            "remove me",
            " Remove   me\n",
            "REMOVE\tME",
            "arrêt",
            "STRASSE",
            "strasse",
        ] {
            assert_eq!(matched(body, &settings), Some(KeywordAction::OptOut), "{body:?}");
        }
        for body in ["remove", "remove me please", "removeme", "me remove"] {
            assert_eq!(matched(body, &settings), None, "{body:?}");
        }
    }

    #[test]
    fn opt_out_wins_over_the_other_lists() {
        let mut settings = defaults();
        settings.opt_in_keywords.push("STOP".into());
        settings.help_keywords.push("stop".into());
        settings.help_keywords.push("YES".into());
        assert_eq!(matched("stop", &settings), Some(KeywordAction::OptOut));
        assert_eq!(matched("yes", &settings), Some(KeywordAction::OptIn));
    }

    #[test]
    fn blank_keywords_never_match() {
        let blank = strings(&["", "  "]);
        let lists = KeywordLists {
            opt_out: &blank,
            opt_in: &[],
            help: &[],
        };
        for body in ["", " ", "\n"] {
            assert_eq!(match_keyword(body, &lists), None, "{body:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(body in any::<String>(), keyword in any::<String>()) {
            let settings = defaults();
            let _ = matched(&body, &settings);
            let custom = vec![keyword];
            let lists = KeywordLists { opt_out: &custom, opt_in: &custom, help: &[] };
            let _ = match_keyword(&body, &lists);
        }

        #[test]
        fn a_keyword_padded_with_whitespace_matches(
            index in 0..DEFAULT_OPT_OUT_KEYWORDS.len(),
            before in "[ \t\n\u{00A0}]{0,4}",
            after in "[ \t\r\n\u{3000}]{0,4}",
        ) {
            let body = format!("{before}{}{after}", DEFAULT_OPT_OUT_KEYWORDS[index].to_lowercase());
            prop_assert_eq!(matched(&body, &defaults()), Some(KeywordAction::OptOut));
        }
    }
}
