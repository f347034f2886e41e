//! The live rooms: the registry (`Hub`), each room's state behind one lock, and where
//! entries are appended. The hub keeps its rooms in one of two [`Backend`]s:
//!
//! - **SQLite** (one node): `LiveRoom::append` admits with the protocol's reducer, writes
//!   the entry to the store, then fans it out to the room's connections, all under the
//!   room's lock, so the log's order is the order every connection sees.
//! - **NATS JetStream** (several nodes, [`crate::cluster`]): the stream orders the log; a
//!   node admits against its replica, publishes, and every node applies the stream's entries
//!   in order and fans them out to its own connections.
//!
//! Either way an entry reaches local connections through one function,
//! [`LiveRoom::fan_out`].

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use frontline_engine::Scenario;
use frontline_engine::workshop::workshop_seed;
use room_protocol::{
    Entry, LogEntry, ProtocolError, Request, Room, RoomCode, Sender, ServerFrame, encode_server,
    secrets_match,
};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use crate::cluster::{Cluster, Head};
use crate::limits::Bucket;
use crate::store::{Store, StoredRoom};

/// What a room's connections hear.
#[derive(Debug, Clone)]
pub enum Broadcast {
    /// An entry to pass on, as JSON text: in full for the facilitator, and without display
    /// names for everyone else (the same text when the entry names nobody).
    Frame {
        /// For the facilitator's connections.
        full: Arc<str>,
        /// For participants and viewers.
        redacted: Arc<str>,
    },
    /// The number of participants connected changed: pass this frame on.
    Presence(Arc<str>),
    /// The room closed (expired): pass this frame on and hang up.
    Closed(Arc<str>),
}

/// Frames a slow connection may fall behind by before it is sent a fresh welcome.
const ROOM_CHANNEL: usize = 256;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], ProtocolError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| {
        eprintln!("frontline-rooms: no randomness from the system: {e}");
        ProtocolError::Internal
    })?;
    Ok(bytes)
}

pub(crate) fn random_u64() -> Result<u64, ProtocolError> {
    Ok(u64::from_le_bytes(random_bytes::<8>()?))
}

/// A fresh secret or token: 32 (or 16) random bytes in base64url.
pub(crate) fn random_text<const N: usize>() -> Result<String, ProtocolError> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<N>()?))
}

/// A facilitator secret as rooms keep it in memory and NATS keeps it in the stream: its
/// SHA-256 in base64url, so the secret itself is only ever in the facilitator's browser.
pub fn secret_hash(secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(ring::digest::digest(
        &ring::digest::SHA256,
        secret.as_bytes(),
    ))
}

/// The scenarios the server serves: `<dist>/scenarios/<id>.flc`, read once each.
pub struct Catalog {
    dir: PathBuf,
    cache: Mutex<HashMap<String, Arc<Scenario>>>,
}

impl Catalog {
    /// The compiled scenarios in `dir`.
    pub fn new(dir: PathBuf) -> Catalog {
        Catalog {
            dir,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The scenario with this id.
    pub fn get(&self, id: &str) -> Result<Arc<Scenario>, ProtocolError> {
        let unknown = || ProtocolError::UnknownScenario(id.chars().take(64).collect());
        if id.is_empty()
            || id.len() > 64
            || !id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(unknown());
        }
        if let Some(s) = lock(&self.cache).get(id) {
            return Ok(s.clone());
        }
        let bytes = std::fs::read(self.dir.join(format!("{id}.flc"))).map_err(|_| unknown())?;
        let scenario = frontline_engine::compiled::read(&bytes).map_err(|e| {
            eprintln!("frontline-rooms: scenarios/{id}.flc does not read: {e}");
            unknown()
        })?;
        let scenario = Arc::new(scenario);
        lock(&self.cache).insert(id.to_owned(), scenario.clone());
        Ok(scenario)
    }
}

/// A lock whose holder cannot leave the data half-changed (every change is one assignment
/// after the fallible work), so a poisoned lock is still usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A room being played.
pub struct LiveRoom {
    /// Its code.
    pub code: RoomCode,
    /// The facilitator secret's hash ([`secret_hash`]).
    secret_hash: String,
    pub(crate) scenario: Arc<Scenario>,
    pub(crate) state: Mutex<RoomState>,
    tx: broadcast::Sender<Broadcast>,
    /// With NATS: this node's appends to the room take turns, so a node never races
    /// itself for the stream's next place (other nodes still can; see `cluster`).
    pub(crate) turn: tokio::sync::Mutex<()>,
    /// With NATS: the stream sequence of the room's last applied entry, for appends waiting
    /// for the replica to catch up.
    pub(crate) applied: watch::Sender<u64>,
    presence: Mutex<Presence>,
}

/// Who is connected to a room: this node's participants (with their connection counts)
/// and, with NATS, what the other nodes last said of theirs.
#[derive(Default)]
struct Presence {
    local: HashMap<u32, usize>,
    remote: HashMap<String, (BTreeSet<u32>, Instant)>,
    /// The count last sent to the room's connections.
    announced: u32,
}

/// How long another node's word on who is connected holds without being repeated (nodes
/// repeat it every few seconds; a node that died stops counting after this).
pub const PRESENCE_TTL: Duration = Duration::from_secs(15);

pub(crate) struct RoomState {
    pub(crate) room: Room,
    pub(crate) tokens: HashMap<String, u32>,
    pub(crate) closed: bool,
    /// With NATS: the stream sequence of the room's last applied log entry (0 before any,
    /// and always 0 with SQLite).
    pub(crate) stream_seq: u64,
}

/// A connection's place in a room after joining.
pub struct Joined {
    /// The room.
    pub room: Arc<LiveRoom>,
    /// Who the connection is.
    pub sender: Sender,
    /// The room's frames from the welcome on.
    pub rx: broadcast::Receiver<Broadcast>,
}

impl LiveRoom {
    pub(crate) fn new(
        code: RoomCode,
        secret_hash: String,
        scenario: Arc<Scenario>,
        room: Room,
        tokens: HashMap<String, u32>,
    ) -> LiveRoom {
        let (tx, _) = broadcast::channel(ROOM_CHANNEL);
        LiveRoom {
            code,
            secret_hash,
            scenario,
            state: Mutex::new(RoomState {
                room,
                tokens,
                closed: false,
                stream_seq: 0,
            }),
            tx,
            turn: tokio::sync::Mutex::new(()),
            applied: watch::Sender::new(0),
            presence: Mutex::new(Presence::default()),
        }
    }

    /// Participants connected now, on this node and (with NATS) on the others.
    pub fn present(&self) -> u32 {
        let presence = lock(&self.presence);
        let now = Instant::now();
        let mut all: BTreeSet<u32> = presence.local.keys().copied().collect();
        for (set, heard) in presence.remote.values() {
            if now.duration_since(*heard) < PRESENCE_TTL {
                all.extend(set);
            }
        }
        all.len() as u32
    }

    /// A participant's connection opened on this node; true if the participant was not
    /// connected here before.
    pub fn arrive(&self, participant: u32) -> bool {
        let mut presence = lock(&self.presence);
        let n = presence.local.entry(participant).or_insert(0);
        *n += 1;
        *n == 1
    }

    /// A participant's connection closed on this node; true if it was their last here.
    pub fn leave(&self, participant: u32) -> bool {
        let mut presence = lock(&self.presence);
        match presence.local.get_mut(&participant) {
            Some(n) if *n > 1 => {
                *n -= 1;
                false
            }
            Some(_) => {
                presence.local.remove(&participant);
                true
            }
            None => false,
        }
    }

    /// The participants connected on this node.
    pub(crate) fn local_presence(&self) -> Vec<u32> {
        lock(&self.presence).local.keys().copied().collect()
    }

    /// Another node's word on its participants.
    pub(crate) fn heard_presence(&self, node: &str, participants: BTreeSet<u32>, at: Instant) {
        lock(&self.presence)
            .remote
            .insert(node.to_owned(), (participants, at));
    }

    /// Sends the count to the room's connections if it changed since it was last sent.
    pub fn announce_presence(&self) {
        let n = self.present();
        let mut presence = lock(&self.presence);
        if presence.announced == n {
            return;
        }
        presence.announced = n;
        drop(presence);
        let frame = encode_server(&ServerFrame::Presence { participants: n });
        let _ = self.tx.send(Broadcast::Presence(frame.into()));
    }

    /// The room's state now, with a subscription that starts right after it.
    pub fn snapshot(&self) -> (Room, broadcast::Receiver<Broadcast>) {
        let state = lock(&self.state);
        (state.room.clone(), self.tx.subscribe())
    }

    /// Joins as the facilitator.
    pub fn join_facilitator(
        self: &Arc<Self>,
        secret: &str,
    ) -> Result<(Joined, Room), ProtocolError> {
        if !secrets_match(&self.secret_hash, &secret_hash(secret)) {
            return Err(ProtocolError::NotFacilitator);
        }
        let (room, rx) = self.snapshot();
        Ok((
            Joined {
                room: self.clone(),
                sender: Sender::Facilitator,
                rx,
            },
            room,
        ))
    }

    /// Joins to watch (the projector).
    pub fn join_viewer(self: &Arc<Self>) -> Result<(Joined, Room), ProtocolError> {
        let state = lock(&self.state);
        if state.closed {
            return Err(ProtocolError::Gone);
        }
        let room = state.room.clone();
        let rx = self.tx.subscribe();
        drop(state);
        Ok((
            Joined {
                room: self.clone(),
                sender: Sender::Viewer,
                rx,
            },
            room,
        ))
    }

    /// Joins as a participant (SQLite): a known token is the same participant again (a new
    /// name replaces the old), an unknown or missing one is a new participant.
    pub fn join_participant(
        self: &Arc<Self>,
        store: &Store,
        token: Option<String>,
        name: Option<String>,
    ) -> Result<(Joined, Room, u32, String), ProtocolError> {
        let mut state = lock(&self.state);
        if state.closed {
            return Err(ProtocolError::Gone);
        }
        let token = match token {
            Some(t) => t,
            None => random_text::<16>()?,
        };
        let participant = match state.tokens.get(&token) {
            Some(&p) => {
                let known = state.room.participants.get(p as usize).map(|k| &k.name);
                if name.is_some() && known != Some(&name) {
                    self.append(
                        &mut state,
                        store,
                        Entry::Joined {
                            participant: p,
                            name,
                        },
                        None,
                    )?;
                } else if let Err(e) = store.touch(&self.code, now_ms()) {
                    eprintln!("frontline-rooms: room {}: {e}", self.code);
                }
                p
            }
            None => {
                let p = state.room.participants.len() as u32;
                self.append(
                    &mut state,
                    store,
                    Entry::Joined {
                        participant: p,
                        name,
                    },
                    Some((&token, p)),
                )?;
                state.tokens.insert(token.clone(), p);
                p
            }
        };
        let room = state.room.clone();
        let rx = self.tx.subscribe();
        drop(state);
        Ok((
            Joined {
                room: self.clone(),
                sender: Sender::Participant(participant),
                rx,
            },
            room,
            participant,
            token,
        ))
    }

    /// A vote or a command (SQLite): admitted by the reducer and appended, or refused.
    pub fn request(
        &self,
        store: &Store,
        sender: Sender,
        request: Request,
    ) -> Result<(), ProtocolError> {
        let mut state = lock(&self.state);
        if state.closed {
            return Err(ProtocolError::Gone);
        }
        if let Some(entry) = state.room.admit(&self.scenario, sender, request)? {
            self.append(&mut state, store, entry, None)?;
        }
        Ok(())
    }

    /// The one place entries are appended with SQLite: applied, stored, then fanned out.
    fn append(
        &self,
        state: &mut RoomState,
        store: &Store,
        entry: Entry,
        token: Option<(&str, u32)>,
    ) -> Result<(), ProtocolError> {
        let log = LogEntry {
            seq: state.room.position,
            at_ms: now_ms(),
            entry,
        };
        let next = state.room.apply(&self.scenario, &log)?;
        store.append(&self.code, &log, token).map_err(|e| {
            eprintln!("frontline-rooms: room {}: {e}", self.code);
            ProtocolError::Internal
        })?;
        state.room = next;
        self.fan_out(&log);
        Ok(())
    }

    /// Sends an entry to this node's connections in the room. Called under the room's lock
    /// right after the entry is applied, so connections hear entries in the log's order.
    ///
    /// Encoded twice when the entry names someone: in full for the facilitator, without the
    /// name for everyone else (the same text otherwise).
    pub(crate) fn fan_out(&self, log: &LogEntry) {
        let redacted: Arc<str> = encode_server(&ServerFrame::Entry(LogEntry {
            entry: log.entry.redacted(),
            ..log.clone()
        }))
        .into();
        let full = if log.entry.names_someone() {
            encode_server(&ServerFrame::Entry(log.clone())).into()
        } else {
            redacted.clone()
        };
        // No receivers is not an error: the room may have no connection right now.
        let _ = self.tx.send(Broadcast::Frame { full, redacted });
    }

    pub(crate) fn close(&self) {
        lock(&self.state).closed = true;
        let frame = encode_server(&ProtocolError::Gone.frame()).into();
        let _ = self.tx.send(Broadcast::Closed(frame));
    }
}

/// Limits the hub enforces.
#[derive(Debug, Clone)]
pub struct HubLimits {
    /// Failed joins an address may make in a burst.
    pub join_burst: f64,
    /// Failed joins an address regains per second.
    pub join_refill_per_s: f64,
    /// Rooms held at once.
    pub max_rooms: usize,
}

/// Where the rooms' logs are kept and ordered.
pub enum Backend {
    /// One node: `rooms.sqlite3` in the data folder; the room's lock orders its log.
    Sqlite(Store),
    /// Several nodes: a NATS JetStream stream orders every room's log ([`crate::cluster`]).
    Nats(Box<Cluster>),
}

/// Every room, the backend and the scenarios.
pub struct Hub {
    backend: Backend,
    pub(crate) catalog: Catalog,
    pub(crate) rooms: Mutex<HashMap<RoomCode, Arc<LiveRoom>>>,
    joins: Mutex<HashMap<IpAddr, Bucket>>,
    limits: HubLimits,
}

impl Hub {
    /// The hub over a store, resuming every stored room whose scenario is served.
    pub fn resume(store: Store, catalog: Catalog, limits: HubLimits) -> Hub {
        let mut rooms = HashMap::new();
        match store.rooms() {
            Ok(stored) => {
                for header in stored {
                    match resume_room(&store, &catalog, &header) {
                        Ok(room) => {
                            rooms.insert(header.code.clone(), Arc::new(room));
                        }
                        Err(why) => eprintln!(
                            "frontline-rooms: room {} not resumed (kept until it expires): {why}",
                            header.code
                        ),
                    }
                }
            }
            Err(e) => eprintln!("frontline-rooms: the stored rooms do not read: {e}"),
        }
        if !rooms.is_empty() {
            eprintln!("frontline-rooms: resumed {} room(s)", rooms.len());
        }
        Hub::new(Backend::Sqlite(store), catalog, rooms, limits)
    }

    /// The hub over a NATS cluster, with no room yet: `cluster::follow` adds them as it
    /// reads the stream.
    pub fn clustered(cluster: Cluster, catalog: Catalog, limits: HubLimits) -> Hub {
        Hub::new(
            Backend::Nats(Box::new(cluster)),
            catalog,
            HashMap::new(),
            limits,
        )
    }

    fn new(
        backend: Backend,
        catalog: Catalog,
        rooms: HashMap<RoomCode, Arc<LiveRoom>>,
        limits: HubLimits,
    ) -> Hub {
        Hub {
            backend,
            catalog,
            rooms: Mutex::new(rooms),
            joins: Mutex::new(HashMap::new()),
            limits,
        }
    }

    /// The SQLite store (none with NATS).
    pub fn store(&self) -> Option<&Store> {
        match &self.backend {
            Backend::Sqlite(store) => Some(store),
            Backend::Nats(_) => None,
        }
    }

    /// The NATS cluster (none with SQLite).
    /// A participant arrived or left on this node: the room hears the new count, and with
    /// NATS so do the other nodes.
    pub async fn presence_changed(&self, live: &Arc<LiveRoom>) {
        live.announce_presence();
        if let Some(cluster) = self.cluster() {
            cluster
                .publish_presence(&live.code, live.local_presence())
                .await;
        }
    }

    pub fn cluster(&self) -> Option<&Cluster> {
        match &self.backend {
            Backend::Sqlite(_) => None,
            Backend::Nats(cluster) => Some(cluster),
        }
    }

    /// Opens a room for a scenario; returns the room and its facilitator secret.
    pub async fn create(
        &self,
        scenario_id: &str,
    ) -> Result<(Arc<LiveRoom>, String), ProtocolError> {
        let scenario = self.catalog.get(scenario_id)?;
        let secret = random_text::<32>()?;
        let seed = workshop_seed(random_u64()?);
        let store = match &self.backend {
            Backend::Sqlite(store) => store,
            Backend::Nats(cluster) => {
                if lock(&self.rooms).len() >= self.limits.max_rooms {
                    return Err(ProtocolError::Full);
                }
                let head = Head {
                    scenario: scenario.meta.id.clone(),
                    version: scenario.meta.version,
                    seed,
                    secret_hash: secret_hash(&secret),
                    created_ms: now_ms(),
                };
                let code = cluster
                    .create(&head, |code| self.room(code).is_some())
                    .await?;
                let live = self.adopt(code, &head, scenario)?;
                return Ok((live, secret));
            }
        };
        let mut rooms = lock(&self.rooms);
        if rooms.len() >= self.limits.max_rooms {
            return Err(ProtocolError::Full);
        }
        let mut code = RoomCode::from_random(random_u64()?);
        let mut tries = 0;
        while rooms.contains_key(&code) || store.exists(&code).unwrap_or(true) {
            tries += 1;
            if tries > 20 {
                return Err(ProtocolError::Full);
            }
            code = RoomCode::from_random(random_u64()?);
        }
        store
            .create(&StoredRoom {
                code: code.clone(),
                secret_hash: secret_hash(&secret),
                scenario: scenario.meta.id.clone(),
                version: scenario.meta.version,
                seed,
                last_active_ms: now_ms(),
            })
            .map_err(|e| {
                eprintln!("frontline-rooms: room {code} not created: {e}");
                ProtocolError::Internal
            })?;
        let room = Room::new(&scenario, seed);
        let live = Arc::new(LiveRoom::new(
            code.clone(),
            secret_hash(&secret),
            scenario,
            room,
            HashMap::new(),
        ));
        rooms.insert(code, live.clone());
        Ok((live, secret))
    }

    /// The room a stream's head describes, made live on this node (or the one already
    /// live there: the node that created a room and the stream's follower both adopt it).
    pub(crate) fn adopt(
        &self,
        code: RoomCode,
        head: &Head,
        scenario: Arc<Scenario>,
    ) -> Result<Arc<LiveRoom>, ProtocolError> {
        let mut rooms = lock(&self.rooms);
        if let Some(live) = rooms.get(&code) {
            return Ok(live.clone());
        }
        let room = Room::new(&scenario, head.seed);
        let live = Arc::new(LiveRoom::new(
            code.clone(),
            head.secret_hash.clone(),
            scenario,
            room,
            HashMap::new(),
        ));
        rooms.insert(code, live.clone());
        Ok(live)
    }

    /// Every room this node holds.
    pub fn live_rooms(&self) -> Vec<Arc<LiveRoom>> {
        lock(&self.rooms).values().cloned().collect()
    }

    /// The room with this code, as this node holds it now.
    pub fn room(&self, code: &RoomCode) -> Option<Arc<LiveRoom>> {
        lock(&self.rooms).get(code).cloned()
    }

    /// The room with this code; with NATS, a room another node has just created is waited
    /// for (briefly) until this node's follower has read it.
    pub async fn find(&self, code: &RoomCode) -> Option<Arc<LiveRoom>> {
        if let Some(live) = self.room(code) {
            return Some(live);
        }
        let cluster = self.cluster()?;
        cluster.await_head(code, || self.room(code).is_some()).await;
        self.room(code)
    }

    /// Joins a room as a participant: a known token is the same participant again (a new
    /// name replaces the old), an unknown or missing one is a new participant. Returns the
    /// connection's place, the room at the welcome, the number and the token.
    pub async fn join_participant(
        &self,
        live: &Arc<LiveRoom>,
        token: Option<String>,
        name: Option<String>,
    ) -> Result<(Joined, Room, u32, String), ProtocolError> {
        match &self.backend {
            Backend::Sqlite(store) => live.join_participant(store, token, name),
            Backend::Nats(cluster) => cluster.join_participant(live, token, name).await,
        }
    }

    /// A vote or a command: admitted by the reducer and appended, or refused.
    pub async fn request(
        &self,
        live: &LiveRoom,
        sender: Sender,
        request: Request,
    ) -> Result<(), ProtocolError> {
        match &self.backend {
            Backend::Sqlite(store) => live.request(store, sender, request),
            Backend::Nats(cluster) => cluster.request(live, sender, request).await,
        }
    }

    /// Whether `ip` may attempt a join now.
    pub fn may_join(&self, ip: IpAddr, now: Instant) -> bool {
        let mut joins = lock(&self.joins);
        joins.get_mut(&ip).is_none_or(|b| b.available(now) >= 1.0)
    }

    /// Counts a failed join (wrong code or secret) against `ip`.
    pub fn join_failed(&self, ip: IpAddr, now: Instant) {
        let mut joins = lock(&self.joins);
        let limits = &self.limits;
        joins
            .entry(ip)
            .or_insert_with(|| Bucket::new(limits.join_burst, limits.join_refill_per_s, now))
            .take(now);
    }

    /// Deletes the rooms idle for longer than `idle`, closing their connections; forgets
    /// addresses whose failed joins have refilled.
    pub async fn expire(&self, idle: Duration, now: Instant) {
        let cutoff = now_ms().saturating_sub(idle.as_millis() as u64);
        let expired = match &self.backend {
            Backend::Sqlite(store) => store.expire(cutoff).map_err(|e| e.to_string()),
            Backend::Nats(cluster) => cluster.expire(cutoff).await,
        };
        match expired {
            Ok(codes) => {
                let mut rooms = lock(&self.rooms);
                for code in codes {
                    eprintln!("frontline-rooms: room {code} expired; its data is deleted");
                    if let Some(room) = rooms.remove(&code) {
                        room.close();
                    }
                }
            }
            Err(e) => eprintln!("frontline-rooms: expiry failed: {e}"),
        }
        lock(&self.joins).retain(|_, b| !b.is_full(now));
    }

    /// Closes every room's connections (the server is stopping).
    pub fn close_all(&self) {
        for room in lock(&self.rooms).values() {
            room.close();
        }
    }
}

fn resume_room(store: &Store, catalog: &Catalog, header: &StoredRoom) -> Result<LiveRoom, String> {
    let scenario = catalog.get(&header.scenario).map_err(|e| e.to_string())?;
    if scenario.meta.version != header.version {
        return Err(format!(
            "it plays version {} of '{}' and the server has version {}",
            header.version, header.scenario, scenario.meta.version
        ));
    }
    let log = store.log(&header.code).map_err(|e| e.to_string())?;
    let room = Room::replay(&scenario, header.seed, &log.entries).map_err(|e| e.to_string())?;
    Ok(LiveRoom::new(
        header.code.clone(),
        header.secret_hash.clone(),
        scenario,
        room,
        log.tokens.into_iter().collect(),
    ))
}
