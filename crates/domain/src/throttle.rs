//! Sign-in throttling: after too many failed attempts for one account or from one client
//! address within a window, further attempts are refused until the window has moved on.

use chrono::{DateTime, Duration, Utc};

pub struct LoginThrottle;

impl LoginThrottle {
    /// Failures per account before it is locked for the rest of the window.
    pub const PER_ACCOUNT: i64 = 5;
    /// Failures per client address (many accounts tried from one place).
    pub const PER_ADDRESS: i64 = 20;
    pub const WINDOW_MINUTES: i64 = 15;

    /// Failures older than this do not count.
    pub fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::minutes(Self::WINDOW_MINUTES)
    }

    pub fn is_throttled(account_failures: i64, address_failures: i64) -> bool {
        account_failures >= Self::PER_ACCOUNT || address_failures >= Self::PER_ADDRESS
    }

    /// Seconds a throttled client should wait, for the Retry-After header: until the oldest
    /// counted failure leaves the window.
    pub fn retry_after_seconds(oldest_counted_failure: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
        let free_at = oldest_counted_failure + Duration::minutes(Self::WINDOW_MINUTES);
        (free_at - now).num_seconds().max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        assert!(!LoginThrottle::is_throttled(4, 19));
        assert!(LoginThrottle::is_throttled(5, 0));
        assert!(LoginThrottle::is_throttled(0, 20));
    }

    #[test]
    fn retry_after_is_positive() {
        let now = Utc::now();
        assert_eq!(LoginThrottle::retry_after_seconds(now - Duration::minutes(20), now), 1);
        assert_eq!(LoginThrottle::retry_after_seconds(now, now), 900);
    }
}
