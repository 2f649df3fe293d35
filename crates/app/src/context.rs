//! What operations need besides their arguments.

use textdesk_db::Database;
use textdesk_db::clock::Clock;

use crate::mail::MailSettings;

/// The database, the clock that time-dependent rules (quiet hours, batching) read, and where
/// mail points; cheap to clone.
#[derive(Clone)]
pub struct AppContext {
    pub db: Database,
    pub clock: Clock,
    pub mail: MailSettings,
}
