//! The rooms on disk: one SQLite database (`rooms.sqlite3` in the data folder, WAL mode).
//!
//! Three tables: `rooms` (code, the facilitator secret's SHA-256, scenario, version, seed,
//! last activity), `entries` (each room's log, one row per entry as the protocol's JSON) and
//! `tokens` (participant token → number). A room is written as it changes, so a server killed at any
//! moment resumes with every entry it had acknowledged. Expired rooms are deleted with their
//! log and tokens.
//!
//! The store knows nothing of sockets or the runtime: calls are synchronous and short (one
//! small insert in WAL mode with `synchronous = NORMAL`), made under the room's lock. In that
//! mode a committed entry survives the process being killed; a power cut may lose the last
//! commits before a checkpoint (`synchronous = FULL` would trade write speed for that).

use std::path::Path;
use std::sync::Mutex;

use room_protocol::{LogEntry, RoomCode};
use rusqlite::{Connection, OptionalExtension, params};

/// A stored room's header.
#[derive(Debug, Clone)]
pub struct StoredRoom {
    /// The room code.
    pub code: RoomCode,
    /// The facilitator secret's SHA-256 (`rooms::secret_hash`): the secret itself is only
    /// ever in the facilitator's browser.
    pub secret_hash: String,
    /// The scenario's id.
    pub scenario: String,
    /// The scenario's version when the room was opened.
    pub version: u32,
    /// The seed.
    pub seed: u64,
    /// Last activity, ms since the Unix epoch.
    pub last_active_ms: u64,
}

/// A stored room's log and participant tokens.
pub struct StoredLog {
    /// The entries in order.
    pub entries: Vec<LogEntry>,
    /// Participant token → number.
    pub tokens: Vec<(String, u32)>,
}

/// Why the store failed.
#[derive(Debug)]
pub enum StoreError {
    /// SQLite refused.
    Sql(rusqlite::Error),
    /// A stored entry is not the protocol's JSON.
    Entry(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Sql(e) => write!(f, "sqlite: {e}"),
            StoreError::Entry(why) => write!(f, "a stored entry does not read: {why}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Sql(e)
    }
}

/// The database.
pub struct Store {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY,
    secret TEXT NOT NULL, -- the facilitator secret's SHA-256, never the secret
    scenario TEXT NOT NULL,
    version INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    last_active_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    code TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    entry TEXT NOT NULL,
    PRIMARY KEY (code, seq)
);
CREATE TABLE IF NOT EXISTS tokens (
    code TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
    token TEXT NOT NULL,
    participant INTEGER NOT NULL,
    PRIMARY KEY (code, token)
);
";

impl Store {
    /// Opens (or creates) the database in `dir`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(dir.join("rooms.sqlite3"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A panic while holding the lock leaves SQLite consistent (every write is one
        // statement or one transaction), so a poisoned lock is still usable.
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut conn)
    }

    /// Whether a room with this code exists.
    pub fn exists(&self, code: &RoomCode) -> Result<bool, StoreError> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT 1 FROM rooms WHERE code = ?1",
                [code.as_str()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
        })
    }

    /// Records a new room.
    pub fn create(&self, room: &StoredRoom) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO rooms (code, secret, scenario, version, seed, last_active_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    room.code.as_str(),
                    room.secret_hash,
                    room.scenario,
                    room.version,
                    room.seed as i64,
                    room.last_active_ms as i64
                ],
            )?;
            Ok(())
        })
    }

    /// Appends an entry to a room's log (and the participant's token with their join), and
    /// marks the room active.
    pub fn append(
        &self,
        code: &RoomCode,
        entry: &LogEntry,
        token: Option<(&str, u32)>,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(entry).map_err(|e| StoreError::Entry(e.to_string()))?;
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO entries (code, seq, entry) VALUES (?1, ?2, ?3)",
                params![code.as_str(), entry.seq as i64, json],
            )?;
            if let Some((token, participant)) = token {
                tx.execute(
                    "INSERT INTO tokens (code, token, participant) VALUES (?1, ?2, ?3)",
                    params![code.as_str(), token, participant],
                )?;
            }
            tx.execute(
                "UPDATE rooms SET last_active_ms = ?2 WHERE code = ?1",
                params![code.as_str(), entry.at_ms as i64],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Marks a room active (a join that appended nothing).
    pub fn touch(&self, code: &RoomCode, now_ms: u64) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE rooms SET last_active_ms = ?2 WHERE code = ?1",
                params![code.as_str(), now_ms as i64],
            )?;
            Ok(())
        })
    }

    /// Every stored room.
    pub fn rooms(&self) -> Result<Vec<StoredRoom>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT code, secret, scenario, version, seed, last_active_ms FROM rooms",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, u32>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })?;
            let mut rooms = Vec::new();
            for row in rows {
                let (code, secret_hash, scenario, version, seed, last) = row?;
                let code = RoomCode::parse(&code)
                    .map_err(|e| StoreError::Entry(format!("room code '{code}': {e}")))?;
                rooms.push(StoredRoom {
                    code,
                    secret_hash,
                    scenario,
                    version,
                    seed: seed as u64,
                    last_active_ms: last as u64,
                });
            }
            Ok(rooms)
        })
    }

    /// A room's log in order, and its participant tokens.
    pub fn log(&self, code: &RoomCode) -> Result<StoredLog, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare("SELECT entry FROM entries WHERE code = ?1 ORDER BY seq")?;
            let entries = stmt
                .query_map([code.as_str()], |r| r.get::<_, String>(0))?
                .map(|row| {
                    let text = row?;
                    serde_json::from_str(&text).map_err(|e| StoreError::Entry(e.to_string()))
                })
                .collect::<Result<Vec<LogEntry>, StoreError>>()?;
            let mut stmt = c.prepare("SELECT token, participant FROM tokens WHERE code = ?1")?;
            let tokens = stmt
                .query_map([code.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<(String, u32)>, _>>()?;
            Ok(StoredLog { entries, tokens })
        })
    }

    /// Deletes the rooms idle since before `cutoff_ms`, with their logs and tokens; returns
    /// their codes.
    pub fn expire(&self, cutoff_ms: u64) -> Result<Vec<RoomCode>, StoreError> {
        self.with(|c| {
            let tx = c.transaction()?;
            let codes: Vec<String> = {
                let mut stmt = tx.prepare("SELECT code FROM rooms WHERE last_active_ms < ?1")?;
                stmt.query_map([cutoff_ms as i64], |r| r.get(0))?
                    .collect::<Result<_, _>>()?
            };
            for code in &codes {
                tx.execute("DELETE FROM rooms WHERE code = ?1", [code])?;
            }
            tx.commit()?;
            Ok(codes
                .iter()
                .filter_map(|c| RoomCode::parse(c).ok())
                .collect())
        })
    }

    /// Counts the rows a room has left in every table (for tests of expiry).
    pub fn rows(&self, code: &RoomCode) -> Result<u64, StoreError> {
        self.with(|c| {
            let mut total = 0u64;
            for table in ["rooms", "entries", "tokens"] {
                let n: i64 = c.query_row(
                    &format!("SELECT COUNT(*) FROM {table} WHERE code = ?1"),
                    [code.as_str()],
                    |r| r.get(0),
                )?;
                total += n as u64;
            }
            Ok(total)
        })
    }
}
