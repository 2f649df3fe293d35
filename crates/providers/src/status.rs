//! Delivery statuses and the rule that they only move forward.
//!
//! Providers send status callbacks over separate HTTP requests, so they arrive out of order
//! and sometimes twice. Storing whatever came last would let a late "sent" overwrite
//! "delivered", or erase a failure and its error code. Every update therefore goes through
//! [`DeliveryStatus::advances_to`].

/// Where a message stands with the provider. The names are Twilio's lowercase ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    Queued,
    Sending,
    Sent,
    Delivered,
    Undelivered,
    Failed,
    /// An inbound message. It has no outbound life, so nothing moves to or from it.
    Received,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 7] = [
        DeliveryStatus::Queued,
        DeliveryStatus::Sending,
        DeliveryStatus::Sent,
        DeliveryStatus::Delivered,
        DeliveryStatus::Undelivered,
        DeliveryStatus::Failed,
        DeliveryStatus::Received,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Undelivered => "undelivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Received => "received",
        }
    }

    /// Reads our own names and every status Twilio's Message resource uses. Twilio's extra
    /// states fold into ours: "accepted" and "scheduled" have not left yet (queued),
    /// "receiving" is an inbound message in progress, "read" implies delivered, and a
    /// "canceled" message will never be sent (failed).
    pub fn parse(raw: &str) -> Option<DeliveryStatus> {
        let status = match raw {
            "queued" | "accepted" | "scheduled" => DeliveryStatus::Queued,
            "sending" => DeliveryStatus::Sending,
            "sent" => DeliveryStatus::Sent,
            "delivered" | "read" => DeliveryStatus::Delivered,
            "undelivered" => DeliveryStatus::Undelivered,
            "failed" | "canceled" => DeliveryStatus::Failed,
            "received" | "receiving" => DeliveryStatus::Received,
            _ => return None,
        };
        Some(status)
    }

    /// The step an outbound message has reached:
    ///
    /// | rank | statuses                        |
    /// |------|---------------------------------|
    /// | 1    | queued                          |
    /// | 2    | sending                         |
    /// | 3    | sent                            |
    /// | 4    | delivered, undelivered, failed  |
    /// | 0    | received (inbound; never moves) |
    ///
    /// Rank 4 is final: the three outcomes share it so that whichever outcome arrives first
    /// stays, with its error code.
    pub fn rank(self) -> u8 {
        match self {
            DeliveryStatus::Received => 0,
            DeliveryStatus::Queued => 1,
            DeliveryStatus::Sending => 2,
            DeliveryStatus::Sent => 3,
            DeliveryStatus::Delivered | DeliveryStatus::Undelivered | DeliveryStatus::Failed => 4,
        }
    }

    /// Whether no later callback may change this status.
    pub fn is_final(self) -> bool {
        self.rank() == 4
    }

    /// Whether a message now in `self` should take the status `next`: only to a strictly
    /// higher rank, and never to or from `received`.
    ///
    /// | now \ next  | queued | sending | sent | delivered | undelivered | failed | received |
    /// |-------------|--------|---------|------|-----------|-------------|--------|----------|
    /// | queued      | -      | yes     | yes  | yes       | yes         | yes    | -        |
    /// | sending     | -      | -       | yes  | yes       | yes         | yes    | -        |
    /// | sent        | -      | -       | -    | yes       | yes         | yes    | -        |
    /// | delivered   | -      | -       | -    | -         | -           | -      | -        |
    /// | undelivered | -      | -       | -    | -         | -           | -      | -        |
    /// | failed      | -      | -       | -    | -         | -           | -      | -        |
    /// | received    | -      | -       | -    | -         | -           | -      | -        |
    ///
    /// The same status again is not an advance either, so a repeated "failed" never replaces
    /// the first one's error.
    pub fn advances_to(self, next: DeliveryStatus) -> bool {
        if self == DeliveryStatus::Received || next == DeliveryStatus::Received {
            return false;
        }
        next.rank() > self.rank()
    }
}

impl std::fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::DeliveryStatus::{self, *};

    /// The table from `advances_to`'s documentation, row = current, column = next, in the
    /// order of `DeliveryStatus::ALL`.
    const EXPECTED: [[bool; 7]; 7] = {
        const N: bool = false;
        const Y: bool = true;
        [
            //  queued sending sent delivered undelivered failed received
            [N, Y, Y, Y, Y, Y, N], // queued
            [N, N, Y, Y, Y, Y, N], // sending
            [N, N, N, Y, Y, Y, N], // sent
            [N, N, N, N, N, N, N], // delivered
            [N, N, N, N, N, N, N], // undelivered
            [N, N, N, N, N, N, N], // failed
            [N, N, N, N, N, N, N], // received
        ]
    };

    #[test]
    fn every_pair_follows_the_table() {
        for (row, now) in DeliveryStatus::ALL.into_iter().enumerate() {
            for (column, next) in DeliveryStatus::ALL.into_iter().enumerate() {
                assert_eq!(now.advances_to(next), EXPECTED[row][column], "{now} -> {next}");
            }
        }
    }

    #[test]
    fn the_cases_the_issue_names() {
        assert!(!Delivered.advances_to(Sent), "a late sent never replaces delivered");
        assert!(!Failed.advances_to(Delivered), "a failure keeps its error");
        assert!(!Undelivered.advances_to(Sent));
        assert!(Sent.advances_to(Undelivered));
        assert!(Queued.advances_to(Failed));
    }

    #[test]
    fn names_round_trip() {
        for status in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn twilio_extra_states_fold_into_ours() {
        assert_eq!(DeliveryStatus::parse("accepted"), Some(Queued));
        assert_eq!(DeliveryStatus::parse("scheduled"), Some(Queued));
        assert_eq!(DeliveryStatus::parse("receiving"), Some(Received));
        assert_eq!(DeliveryStatus::parse("read"), Some(Delivered));
        assert_eq!(DeliveryStatus::parse("canceled"), Some(Failed));
        assert_eq!(DeliveryStatus::parse("Delivered"), None);
        assert_eq!(DeliveryStatus::parse(""), None);
    }

    #[test]
    fn only_outcomes_are_final() {
        let finals: Vec<_> = DeliveryStatus::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(finals, vec![Delivered, Undelivered, Failed]);
    }
}
