//! The rule that delivery statuses only move forward.
//!
//! Providers send status callbacks over separate HTTP requests, so they arrive out of order
//! and sometimes twice. Storing whatever came last would let a late "sent" overwrite
//! "delivered", or erase a failure and its error code. Every update therefore goes through
//! [`MessageStatus::advances_to`].

use crate::messages::MessageStatus;

impl MessageStatus {
    pub const ALL: [MessageStatus; 7] = [
        MessageStatus::Queued,
        MessageStatus::Sending,
        MessageStatus::Sent,
        MessageStatus::Delivered,
        MessageStatus::Undelivered,
        MessageStatus::Failed,
        MessageStatus::Received,
    ];

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
            MessageStatus::Received => 0,
            MessageStatus::Queued => 1,
            MessageStatus::Sending => 2,
            MessageStatus::Sent => 3,
            MessageStatus::Delivered | MessageStatus::Undelivered | MessageStatus::Failed => 4,
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
    pub fn advances_to(self, next: MessageStatus) -> bool {
        if self == MessageStatus::Received || next == MessageStatus::Received {
            return false;
        }
        next.rank() > self.rank()
    }
}

#[cfg(test)]
mod tests {
    use super::MessageStatus::{self, *};

    /// The table from `advances_to`'s documentation, row = current, column = next, in the
    /// order of `MessageStatus::ALL`.
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
        for (row, now) in MessageStatus::ALL.into_iter().enumerate() {
            for (column, next) in MessageStatus::ALL.into_iter().enumerate() {
                assert_eq!(now.advances_to(next), EXPECTED[row][column], "{now:?} -> {next:?}");
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
        for status in MessageStatus::ALL {
            assert_eq!(MessageStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn only_outcomes_are_final() {
        let finals: Vec<_> = MessageStatus::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(finals, vec![Delivered, Undelivered, Failed]);
    }
}
