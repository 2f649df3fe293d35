//! Providers' status words, read into Textdesk's [`MessageStatus`]; the rule that statuses only
//! move forward is [`MessageStatus::advances_to`].

use textdesk_types::messages::MessageStatus;

/// Reads our own names and every status Twilio's Message resource uses. Twilio's extra
/// states fold into ours: "accepted" and "scheduled" have not left yet (queued),
/// "receiving" is an inbound message in progress, "read" implies delivered, and a
/// "canceled" message will never be sent (failed).
pub(crate) fn status_word(raw: &str) -> Option<MessageStatus> {
    let status = match raw {
        "queued" | "accepted" | "scheduled" => MessageStatus::Queued,
        "sending" => MessageStatus::Sending,
        "sent" => MessageStatus::Sent,
        "delivered" | "read" => MessageStatus::Delivered,
        "undelivered" => MessageStatus::Undelivered,
        "failed" | "canceled" => MessageStatus::Failed,
        "received" | "receiving" => MessageStatus::Received,
        _ => return None,
    };
    Some(status)
}

#[cfg(test)]
mod tests {
    use super::status_word;
    use textdesk_types::messages::MessageStatus::{self, *};

    #[test]
    fn our_names_read_back() {
        for status in MessageStatus::ALL {
            assert_eq!(status_word(status.as_str()), Some(status));
        }
    }

    #[test]
    fn twilio_extra_states_fold_into_ours() {
        assert_eq!(status_word("accepted"), Some(Queued));
        assert_eq!(status_word("scheduled"), Some(Queued));
        assert_eq!(status_word("receiving"), Some(Received));
        assert_eq!(status_word("read"), Some(Delivered));
        assert_eq!(status_word("canceled"), Some(Failed));
        assert_eq!(status_word("Delivered"), None);
        assert_eq!(status_word(""), None);
    }
}
