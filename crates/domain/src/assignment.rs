//! Who gets a new conversation: keyword rules, then the business number's target, then round
//! robin among a group's online members; and the system notes that tell the thread so.

use chrono::NaiveDateTime;
use textdesk_types::{AgentId, GroupId};

use crate::Invalid;

/// Longest keyword pattern, in characters.
pub const PATTERN_MAX: usize = 100;

/// A keyword rule's pattern: words matched whole, whatever the case, where `*` stands for any
/// run of letters or digits within a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeywordPattern {
    words: Vec<String>,
}

impl KeywordPattern {
    pub fn parse(raw: &str) -> Result<KeywordPattern, Invalid> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > PATTERN_MAX {
            return Err(Invalid::new(
                "too_long",
                format!("must be at most {PATTERN_MAX} characters"),
            ));
        }
        let words: Vec<String> = words_of(trimmed).map(str::to_lowercase).collect();
        if words.is_empty() || words.iter().all(|word| word.chars().all(|c| c == '*')) {
            return Err(Invalid::new("blank", "must hold a word to look for"));
        }
        Ok(KeywordPattern { words })
    }

    /// The pattern as stored and shown: its words, lower-cased, one space apart.
    pub fn as_text(&self) -> String {
        self.words.join(" ")
    }

    /// Whether the text holds the pattern's words, one after the other.
    pub fn matches(&self, text: &str) -> bool {
        let lowered = text.to_lowercase();
        let words: Vec<&str> = words_of(&lowered).collect();
        words.windows(self.words.len()).any(|window| {
            window
                .iter()
                .zip(&self.words)
                .all(|(word, wanted)| word_matches(wanted, word))
        })
    }
}

/// Lower-cased words: runs of letters, digits, apostrophes and `*`.
fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '*' || c == '\''))
        .filter(|word| !word.is_empty())
}

/// `wanted` with `*` as a wildcard against one word, both lower-cased.
fn word_matches(wanted: &str, word: &str) -> bool {
    let mut parts = wanted.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = word.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// An agent, a group, or an agent within a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub agent: Option<AgentId>,
    pub group: Option<GroupId>,
}

/// A group member round robin may choose, with when round robin last gave them one.
pub struct Candidate<'a> {
    pub agent: &'a AgentId,
    pub last_assigned_at: Option<NaiveDateTime>,
}

/// The online member served longest ago (never served first; ties by id), so each gets a
/// conversation in turn whatever the order they came online in.
pub fn next_in_turn<'a>(candidates: &[Candidate<'a>]) -> Option<&'a AgentId> {
    candidates
        .iter()
        .min_by(|a, b| {
            a.last_assigned_at
                .cmp(&b.last_assigned_at)
                .then_with(|| a.agent.cmp(b.agent))
        })
        .map(|candidate| candidate.agent)
}

/// How an owner came to be, for the system note.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignedBy<'a> {
    /// An agent claimed it (took it for themselves).
    Claim { actor: &'a str },
    /// An agent gave it to someone (or to nobody).
    Transfer { actor: &'a str },
    /// A keyword rule matched the first text.
    Keyword { pattern: &'a str },
    /// The business number's target.
    Number,
    /// Round robin chose the agent within the group.
    RoundRobin,
}

/// The system note an ownership change adds: "Ana transferred this to Billing", "Assigned to
/// Sam (Billing) by round robin". `owner` is the new owner's name as it should read, `None`
/// for nobody.
pub fn ownership_note(by: AssignedBy<'_>, owner: Option<&str>) -> String {
    match (by, owner) {
        (AssignedBy::Claim { actor }, _) => format!("{actor} claimed this conversation"),
        (AssignedBy::Transfer { actor }, Some(owner)) => format!("{actor} transferred this to {owner}"),
        (AssignedBy::Transfer { actor }, None) => format!("{actor} unassigned this conversation"),
        (AssignedBy::Keyword { pattern }, Some(owner)) => {
            format!("Assigned to {owner} by the keyword rule “{pattern}”")
        }
        (AssignedBy::Number, Some(owner)) => format!("Assigned to {owner} by its business number"),
        (AssignedBy::RoundRobin, Some(owner)) => format!("Assigned to {owner} by round robin"),
        (AssignedBy::Keyword { .. } | AssignedBy::Number | AssignedBy::RoundRobin, None) => {
            "Left unassigned".to_owned()
        }
    }
}

/// How an owner reads in a note: "Sam", "Billing", "Sam (Billing)".
pub fn owner_label(agent: Option<&str>, group: Option<&str>) -> Option<String> {
    match (agent, group) {
        (Some(agent), Some(group)) => Some(format!("{agent} ({group})")),
        (Some(name), None) | (None, Some(name)) => Some(name.to_owned()),
        (None, None) => None,
    }
}

/// The note a round-robin group's conversation gets when it must wait for a member.
pub fn waiting_for_member_note(group: &str) -> String {
    format!("Assigned to {group}; waiting for a member to come online")
}

/// "Closed by Ana", "Reopened by …" and the like.
pub fn status_note(action: &str, actor: &str) -> String {
    format!("{action} by {actor}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn pattern(raw: &str) -> KeywordPattern {
        KeywordPattern::parse(raw).expect("valid pattern")
    }

    #[test]
    fn words_match_whole_and_whatever_the_case() {
        assert!(pattern("refund").matches("I want a REFUND please"));
        assert!(!pattern("refund").matches("refunds are slow"));
        assert!(pattern("refund*").matches("refunds are slow"));
        assert!(!pattern("fund").matches("I want a refund"));
        assert!(pattern("*fund").matches("I want a refund"));
        assert!(pattern("r*d").matches("Refund?"));
        assert!(!pattern("r*d").matches("Refunds"));
    }

    #[test]
    fn phrases_match_consecutive_words() {
        assert!(pattern("order status").matches("what's my order status?"));
        assert!(pattern("Order   Status").matches("order, status"));
        assert!(!pattern("order status").matches("status of my order"));
    }

    #[test]
    fn blank_and_wildcard_only_patterns_are_refused() {
        assert_eq!(KeywordPattern::parse("  ").map(|_| ()).unwrap_err().code, "blank");
        assert_eq!(KeywordPattern::parse("* *").map(|_| ()).unwrap_err().code, "blank");
        assert_eq!(
            KeywordPattern::parse(&"a".repeat(101)).map(|_| ()).unwrap_err().code,
            "too_long"
        );
        assert_eq!(pattern("  Order,  STATUS ").as_text(), "order status");
    }

    #[test]
    fn round_robin_serves_the_longest_unserved_first() {
        let (a, b, c) = (AgentId::new("a"), AgentId::new("b"), AgentId::new("c"));
        let at =
            |minute: u32| chrono::NaiveDate::from_ymd_opt(2026, 1, 1).and_then(|day| day.and_hms_opt(0, minute, 0));
        let candidates = [
            Candidate {
                agent: &a,
                last_assigned_at: at(5),
            },
            Candidate {
                agent: &b,
                last_assigned_at: None,
            },
            Candidate {
                agent: &c,
                last_assigned_at: at(1),
            },
        ];
        assert_eq!(next_in_turn(&candidates), Some(&b));
        assert_eq!(next_in_turn(&candidates[..1]), Some(&a));
        assert_eq!(next_in_turn(&[]), None);
        let served = [
            Candidate {
                agent: &a,
                last_assigned_at: at(5),
            },
            Candidate {
                agent: &c,
                last_assigned_at: at(1),
            },
        ];
        assert_eq!(next_in_turn(&served), Some(&c));
    }

    #[test]
    fn notes_read_as_sentences() {
        assert_eq!(
            ownership_note(AssignedBy::Transfer { actor: "Ana" }, Some("Billing")),
            "Ana transferred this to Billing"
        );
        assert_eq!(
            ownership_note(
                AssignedBy::RoundRobin,
                owner_label(Some("Sam"), Some("Billing")).as_deref()
            ),
            "Assigned to Sam (Billing) by round robin"
        );
        assert_eq!(
            ownership_note(AssignedBy::Transfer { actor: "Ana" }, None),
            "Ana unassigned this conversation"
        );
        assert_eq!(status_note("Closed", "Ana"), "Closed by Ana");
    }
}
