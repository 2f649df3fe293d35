//! What operations need besides their arguments.

use textdesk_db::Database;
use textdesk_db::clock::Clock;

/// The database and the clock that time-dependent rules (quiet hours) read; cheap to clone.
#[derive(Clone)]
pub struct AppContext {
    pub db: Database,
    pub clock: Clock,
}
