//! Connections and the pool: the backend is chosen from the URL, SQLite gets its pragmas, and
//! writes on SQLite are serialised in-process so transactions never fail with SQLITE_BUSY.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::change_signal::ChangeSignal;
use crate::{DbError, LostConnection, events};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// `postgres://` and `postgresql://` URLs are PostgreSQL; anything else is a SQLite path,
    /// with or without a `sqlite://` prefix.
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgresql",
            Backend::Sqlite => "sqlite",
        }
    }
}

/// Opens connections of the backend the URL names; never falls back to another backend.
#[derive(Debug)]
pub struct ConnectionManager {
    url: String,
    backend: Backend,
}

impl ConnectionManager {
    fn sqlite_path(&self) -> &str {
        self.url.strip_prefix("sqlite://").unwrap_or(&self.url)
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.url)
                .map(DbConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut connection =
                    SqliteConnection::establish(self.sqlite_path()).map_err(r2d2::Error::ConnectionError)?;
                // A page cache of 16 MiB per connection (SQLite's default is 2 MiB): the inbox's
                // unread counts look up thousands of conversations at random, which a small
                // cache reads from the file again on every call (BENCHMARKS.md, "Issue 11").
                connection
                    .batch_execute(
                        "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                         PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384;",
                    )
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(connection))
            }
        }
    }

    fn is_valid(&self, connection: &mut DbConnection) -> Result<(), r2d2::Error> {
        connection.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    /// A connection given back while its thread unwinds, or still inside a transaction, is
    /// closed: the next user's BEGIN would otherwise become a savepoint of that transaction,
    /// and their commit would commit nothing.
    fn has_broken(&self, connection: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        std::thread::panicking() || connection.is_broken()
    }
}

/// The shared handle on the database: cheap to clone, safe to use from blocking threads.
#[derive(Clone)]
pub struct Database {
    pool: r2d2::Pool<ConnectionManager>,
    backend: Backend,
    sqlite_writer: Arc<Mutex<()>>,
    changes: Arc<ChangeSignal>,
}

impl Database {
    /// Connects (creating the SQLite file and its folder if needed) without migrating.
    pub fn connect(url: &str, pool_size: u32) -> Result<Database, DbError> {
        let backend = Backend::from_url(url);
        let manager = ConnectionManager {
            url: url.to_owned(),
            backend,
        };
        let sqlite_folder = std::path::Path::new(manager.sqlite_path()).parent();
        if let Some(folder) = sqlite_folder.filter(|f| backend == Backend::Sqlite && !f.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|e| DbError::Unavailable(e.to_string()))?;
        }
        // One connection first: an unreachable server fails at once with its own message, and
        // SQLite switches the file to WAL, which needs the only lock on the file, before the
        // pool's connections open all at once.
        manager.connect().map_err(|e| DbError::Unavailable(e.to_string()))?;
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| DbError::Unavailable(e.to_string()))?;
        let postgres_url = (backend == Backend::Postgres).then(|| url.to_owned());
        Ok(Database {
            pool,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
            changes: Arc::new(ChangeSignal::new(postgres_url)),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Wakes change-feed readers after commits that appended events.
    pub fn changes(&self) -> &ChangeSignal {
        &self.changes
    }

    fn connection(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, DbError> {
        self.pool.get().map_err(|e| DbError::Unavailable(e.to_string()))
    }

    /// Runs read-only work on a pooled connection. When the connection is lost while the work
    /// runs (the server restarted, a proxy cut it), the work runs once more on a fresh one:
    /// reading twice changes nothing, and the caller gets the answer instead of a 503.
    pub fn read<T, E>(&self, work: impl Fn(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError> + LostConnection,
    {
        let first = work(&mut *self.connection()?);
        match first {
            Err(error) if error.lost_connection() => {
                tracing::warn!("a read lost its database connection; running it once more");
                work(&mut *self.connection()?)
            }
            answered => answered,
        }
    }

    /// Runs work that writes inside one transaction; an error rolls it back. On SQLite, writers
    /// take turns in this process: a deferred transaction that reads and then writes could
    /// otherwise fail at once with SQLITE_BUSY when another writer got in between. After a
    /// commit that appended events, change-feed readers are woken.
    pub fn write<T, E>(&self, work: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError> + From<diesel::result::Error>,
    {
        let mut connection = self.connection()?;
        let turn = match self.backend {
            Backend::Sqlite => Some(
                self.sqlite_writer
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            ),
            Backend::Postgres => None,
        };
        events::take_appended_mark();
        let written = DbConnection::transaction(&mut connection, work);
        let appended = events::take_appended_mark();
        drop(turn);
        if written.is_ok() && appended {
            self.changes.committed();
        }
        written
    }

    /// Applies pending migrations of this backend's tree; returns how many ran.
    pub fn migrate(&self) -> Result<usize, DbError> {
        let mut connection = self.connection()?;
        let _turn = self
            .sqlite_writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let migrations = match self.backend {
            Backend::Postgres => POSTGRES_MIGRATIONS,
            Backend::Sqlite => SQLITE_MIGRATIONS,
        };
        // Several processes may start at once against one PostgreSQL: one migrates, the others
        // wait for it and then find nothing pending.
        if self.backend == Backend::Postgres {
            connection.batch_execute("SELECT pg_advisory_lock(7243001)")?;
        }
        let applied = connection
            .run_pending_migrations(migrations)
            .map(|applied| applied.len())
            .map_err(|e| DbError::Migration(e.to_string()));
        if self.backend == Backend::Postgres {
            // A new or changed schema starts with statistics, so the first queries are not
            // planned blind (see `housekeeping::refresh_statistics`).
            if applied.as_ref().is_ok_and(|count| *count > 0) {
                connection.batch_execute("ANALYZE")?;
            }
            connection.batch_execute("SELECT pg_advisory_unlock(7243001)")?;
        }
        applied
    }

    /// Whether the database answers a trivial query.
    pub fn ping(&self) -> Result<(), DbError> {
        self.read(|connection| connection.batch_execute("SELECT 1").map_err(DbError::from))
    }
}
