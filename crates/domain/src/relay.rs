//! Text relay (seed 003 "Reply to a Message Using TXT Relay"): what an agent's phone is sent,
//! and what a reply from it must look like.

/// The longest reply taken from an agent's phone.
pub const REPLY_MAX_CHARS: usize = 140;

/// What the agent's phone is told when a reply is not taken (seed 003's words).
pub const REPLY_RULES: &str = "Conversation ID must be used to start all replies, otherwise no delivery. \
     Reply limited to 140 characters, if msg exceeds, then only a portion may get delivered.";

/// A new text forwarded to the agent's phone: `#<conversation number> <contact>: <text>`.
pub fn forwarded(conversation_number: i64, contact: &str, text: &str) -> String {
    format!("#{conversation_number} {contact}: {text}")
}

/// A reply from the agent's phone: the conversation it answers and the text for the contact.
#[derive(Debug, PartialEq, Eq)]
pub struct RelayReply<'a> {
    pub conversation_number: i64,
    pub text: &'a str,
}

/// Why a reply from the agent's phone is not sent.
#[derive(Debug, PartialEq, Eq)]
pub enum RelayRefusal {
    /// It does not start with a conversation number followed by a space ("445566." is none).
    NoConversationNumber,
    /// Nothing follows the number.
    Empty,
    /// Longer than [`REPLY_MAX_CHARS`].
    TooLong,
}

/// Reads `1042 text` or `#1042 text`: the number must stand alone before the text.
pub fn parse_reply(body: &str) -> Result<RelayReply<'_>, RelayRefusal> {
    let body = body.trim();
    let rest = body.strip_prefix('#').unwrap_or(body);
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let (number, after) = rest.split_at(digits);
    if number.is_empty() || !after.starts_with(char::is_whitespace) {
        return Err(RelayRefusal::NoConversationNumber);
    }
    let conversation_number = number.parse().map_err(|_| RelayRefusal::NoConversationNumber)?;
    let text = after.trim();
    if text.is_empty() {
        return Err(RelayRefusal::Empty);
    }
    if text.chars().count() > REPLY_MAX_CHARS {
        return Err(RelayRefusal::TooLong);
    }
    Ok(RelayReply {
        conversation_number,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_starts_with_its_conversation_number() {
        let reply = RelayReply {
            conversation_number: 1042,
            text: "On my way",
        };
        assert_eq!(parse_reply("1042 On my way"), Ok(reply));
        assert_eq!(
            parse_reply(" #1042   On my way "),
            Ok(RelayReply {
                conversation_number: 1042,
                text: "On my way"
            })
        );
        assert_eq!(
            parse_reply("1042\nOn my way"),
            Ok(RelayReply {
                conversation_number: 1042,
                text: "On my way"
            })
        );
    }

    #[test]
    fn seed_003s_bad_replies_are_refused() {
        assert_eq!(parse_reply("445566. Yes"), Err(RelayRefusal::NoConversationNumber));
        assert_eq!(parse_reply("Yes 445566"), Err(RelayRefusal::NoConversationNumber));
        assert_eq!(parse_reply("#Yes"), Err(RelayRefusal::NoConversationNumber));
        assert_eq!(parse_reply("1042"), Err(RelayRefusal::NoConversationNumber));
        assert_eq!(parse_reply("1042   "), Err(RelayRefusal::NoConversationNumber));
        assert_eq!(
            parse_reply("99999999999999999999 hi"),
            Err(RelayRefusal::NoConversationNumber)
        );
        assert_eq!(
            parse_reply(&format!("1042 {}", "x".repeat(141))),
            Err(RelayRefusal::TooLong)
        );
        assert!(parse_reply(&format!("1042 {}", "é".repeat(140))).is_ok());
    }

    #[test]
    fn forwarded_texts_carry_the_conversation_number_first() {
        assert_eq!(forwarded(1042, "Ann Smith", "Hi"), "#1042 Ann Smith: Hi");
        assert_eq!(
            parse_reply(&forwarded(7, "x", "y")).map(|reply| reply.conversation_number),
            Ok(7)
        );
    }
}
