//! The time that decides when held messages may go out. Real time by default; tests set it,
//! so quiet hours can be checked at any hour of any day.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDateTime, Utc};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Arc<Mutex<Option<DateTime<Utc>>>>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// Stops the clock at `at`; every copy of this clock then reads `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.fixed.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(at);
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.fixed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .unwrap_or_else(Utc::now)
    }

    /// `now` as stored: UTC without an offset.
    pub fn now_naive(&self) -> NaiveDateTime {
        self.now().naive_utc()
    }
}
