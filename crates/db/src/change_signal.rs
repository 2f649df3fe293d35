//! Waking change-feed readers when a transaction that appended events commits, in this process
//! and, on PostgreSQL, in every other process on the same database (LISTEN/NOTIFY).
//!
//! Writers never NOTIFY inside their own transaction: PostgreSQL serialises the commits of
//! notifying transactions on one lock. Instead each process has one publisher thread that
//! sends a bare `NOTIFY` after commits, coalescing bursts into one, and one listener thread
//! that wakes the process's waiting readers.

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use tokio::sync::Notify;

const CHANNEL: &str = "textdesk_changes";
/// diesel exposes no socket to wait on, so the listener looks for delivered notifications
/// this often; looking reads only what the server has already sent.
const LISTEN_POLL: Duration = Duration::from_millis(2);
const RECONNECT_AFTER: Duration = Duration::from_secs(1);
/// How often waiting readers look for changes themselves. On PostgreSQL every process's
/// commits wake them, so looking is only a safety net; SQLite has no such signal for a
/// separate worker process, so readers look often.
const LOOK_EVERY_POSTGRES: Duration = Duration::from_secs(1);
const LOOK_EVERY_SQLITE: Duration = Duration::from_millis(100);

/// Shared by every clone of a `Database`.
pub struct ChangeSignal {
    readers: Arc<Notify>,
    postgres_url: Option<String>,
    publisher: OnceLock<SyncSender<()>>,
    listener: OnceLock<()>,
}

impl ChangeSignal {
    pub(crate) fn new(postgres_url: Option<String>) -> ChangeSignal {
        ChangeSignal {
            readers: Arc::new(Notify::new()),
            postgres_url,
            publisher: OnceLock::new(),
            listener: OnceLock::new(),
        }
    }

    /// How long a waiting reader may rest before looking for changes itself.
    pub fn look_every(&self) -> Duration {
        match self.postgres_url {
            Some(_) => LOOK_EVERY_POSTGRES,
            None => LOOK_EVERY_SQLITE,
        }
    }

    /// What waiting readers await. Take it before looking for changes, so that a change
    /// committed in between still wakes the reader.
    pub fn readers(&self) -> Arc<Notify> {
        self.start_listening();
        self.readers.clone()
    }

    /// Called after a commit that appended events.
    pub(crate) fn committed(&self) {
        self.readers.notify_waiters();
        let Some(url) = &self.postgres_url else { return };
        let publisher = self.publisher.get_or_init(|| spawn_publisher(url.clone()));
        // A full queue means a NOTIFY is already due; it covers this commit too.
        if let Err(TrySendError::Disconnected(())) = publisher.try_send(()) {
            tracing::warn!("the change publisher has stopped");
        }
    }

    fn start_listening(&self) {
        let Some(url) = &self.postgres_url else { return };
        self.listener.get_or_init(|| {
            let url = url.clone();
            let readers = Arc::downgrade(&self.readers);
            let spawned = std::thread::Builder::new()
                .name("textdesk-listen".to_owned())
                .spawn(move || listen(&url, &readers));
            if let Err(error) = spawned {
                tracing::error!(%error, "could not start the change listener");
            }
        });
    }
}

fn spawn_publisher(url: String) -> SyncSender<()> {
    let (sender, receiver) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("textdesk-notify".to_owned())
        .spawn(move || publish(&url, &receiver));
    if let Err(error) = spawned {
        tracing::error!(%error, "could not start the change publisher");
    }
    sender
}

fn publish(url: &str, commits: &Receiver<()>) {
    let mut connection: Option<PgConnection> = None;
    while commits.recv().is_ok() {
        if connection.is_none() {
            connection = connect(url, "");
        }
        let Some(conn) = connection.as_mut() else {
            std::thread::sleep(RECONNECT_AFTER);
            continue;
        };
        if let Err(error) = conn.batch_execute(&format!("NOTIFY {CHANNEL}")) {
            tracing::warn!(%error, "could not notify other processes of a change");
            connection = None;
        }
    }
}

fn listen(url: &str, readers: &Weak<Notify>) {
    loop {
        let Some(mut conn) = connect(url, &format!("LISTEN {CHANNEL}")) else {
            std::thread::sleep(RECONNECT_AFTER);
            continue;
        };
        // Changes made while this listener was away are found by the readers' own look.
        match readers.upgrade() {
            Some(readers) => readers.notify_waiters(),
            None => return,
        }
        loop {
            std::thread::sleep(LISTEN_POLL);
            let Some(readers) = readers.upgrade() else { return };
            let mut woken = false;
            let mut broken = false;
            for notification in conn.notifications_iter() {
                match notification {
                    Ok(_) => woken = true,
                    Err(error) => {
                        tracing::warn!(%error, "the change listener lost its connection");
                        broken = true;
                        break;
                    }
                }
            }
            if woken {
                readers.notify_waiters();
            }
            if broken {
                break;
            }
        }
    }
}

fn connect(url: &str, setup: &str) -> Option<PgConnection> {
    let connected = PgConnection::establish(url)
        .map_err(|e| e.to_string())
        .and_then(|mut conn| {
            if !setup.is_empty() {
                conn.batch_execute(setup).map_err(|e| e.to_string())?;
            }
            Ok(conn)
        });
    match connected {
        Ok(conn) => Some(conn),
        Err(error) => {
            tracing::warn!(%error, "the change signal could not connect");
            None
        }
    }
}
