//! The one rule for "may this contact be texted now, and if not, why". The API asks it before
//! queueing, the worker before sending, and the browser's composer before the agent types, so
//! the three can never disagree.

use crate::Timestamp;
use crate::contacts::Consent;
use crate::messages::MessagePurpose;

/// The contact's state that decides whether texts may go to them.
#[derive(Clone, Copy, Debug)]
pub struct Recipient {
    pub opted_out: bool,
    pub opted_out_at: Option<Timestamp>,
    pub consent: Consent,
}

/// Why nothing may be texted to a contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendRefusal {
    /// The contact opted out (a keyword, an agent, the provider).
    OptedOut { since: Option<Timestamp> },
    /// The contact said no to consent.
    ConsentDeclined,
    /// The organization asks for double opt-in and the contact has not replied YES yet.
    ConsentPending,
}

impl SendRefusal {
    /// The stable code of the refusal (problem+json `code`, a message's `error_code`).
    pub fn code(self) -> &'static str {
        match self {
            SendRefusal::OptedOut { .. } => "contact_opted_out",
            SendRefusal::ConsentDeclined => "consent_declined",
            SendRefusal::ConsentPending => "consent_pending",
        }
    }

    /// The refusal told to an agent, naming the contact.
    pub fn explain(self, name: &str) -> String {
        match self {
            SendRefusal::OptedOut { since } => {
                let since = since
                    .map(|at| format!(" on {}", at.format("%Y-%m-%d %H:%M UTC")))
                    .unwrap_or_default();
                format!(
                    "{name} opted out{since}; nothing can be sent until they text START or an agent opts them back in."
                )
            }
            SendRefusal::ConsentDeclined => format!(
                "{name} declined consent; nothing can be sent until consent is recorded again or they opt back in."
            ),
            SendRefusal::ConsentPending => format!(
                "{name} has not yet confirmed their consent (double opt-in); nothing else can be sent until they reply YES."
            ),
        }
    }
}

/// Whether a text of `purpose` may go to `recipient` under the organization's `double_opt_in`
/// setting. Replies to keywords (opt-out and opt-in confirmations, help) always go: carriers
/// expect them answered whatever the contact's state; the double opt-in request is what a
/// pending contact is waiting for.
pub fn refusal(recipient: Recipient, double_opt_in: bool, purpose: MessagePurpose) -> Option<SendRefusal> {
    if matches!(
        purpose,
        MessagePurpose::OptOutConfirmation | MessagePurpose::OptInConfirmation | MessagePurpose::HelpReply
    ) {
        return None;
    }
    if recipient.opted_out {
        return Some(SendRefusal::OptedOut {
            since: recipient.opted_out_at,
        });
    }
    match recipient.consent {
        Consent::No => Some(SendRefusal::ConsentDeclined),
        Consent::Pending if double_opt_in && purpose != MessagePurpose::DoubleOptInRequest => {
            Some(SendRefusal::ConsentPending)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipient(opted_out: bool, consent: Consent) -> Recipient {
        Recipient {
            opted_out,
            opted_out_at: None,
            consent,
        }
    }

    #[test]
    fn opted_out_and_declined_refuse_everything_but_keyword_replies() {
        let normal = MessagePurpose::Normal;
        assert_eq!(
            refusal(recipient(true, Consent::Yes), false, normal).map(SendRefusal::code),
            Some("contact_opted_out")
        );
        assert_eq!(
            refusal(recipient(false, Consent::No), false, normal),
            Some(SendRefusal::ConsentDeclined)
        );
        for reply in [
            MessagePurpose::OptOutConfirmation,
            MessagePurpose::OptInConfirmation,
            MessagePurpose::HelpReply,
        ] {
            assert_eq!(refusal(recipient(true, Consent::No), true, reply), None);
        }
    }

    #[test]
    fn pending_consent_refuses_only_under_double_opt_in_and_never_the_request() {
        let pending = recipient(false, Consent::Pending);
        assert_eq!(refusal(pending, false, MessagePurpose::Normal), None);
        assert_eq!(
            refusal(pending, true, MessagePurpose::Normal),
            Some(SendRefusal::ConsentPending)
        );
        assert_eq!(refusal(pending, true, MessagePurpose::DoubleOptInRequest), None);
        assert_eq!(
            refusal(recipient(false, Consent::None), true, MessagePurpose::Normal),
            None
        );
    }
}
