//! Several nodes sharing rooms through NATS JetStream (`frontline-rooms --nats URL`).
//!
//! One stream, [`STREAM`] (file storage), holds every room under `rooms.<CODE>.*`:
//!
//! - `rooms.<CODE>.head` — the room's [`Head`] (scenario, version, seed, the facilitator
//!   secret's hash), published with `Nats-Expected-Last-Subject-Sequence: 0`, so a code is
//!   created once across all nodes;
//! - `rooms.<CODE>.log` — the room's log, one protocol [`LogEntry`] per message. A join that
//!   issues a participant token carries it in the `Frontline-Token` header, so every node
//!   learns it with the entry; tokens never reach a client;
//! - `rooms.<CODE>.seen` — a rejoin that appended nothing (keeps the room from expiring).
//!
//! **Appending.** A node admits a request against its replica ([`Room::admit`]), then
//! publishes the entry expecting the room's log subject to end at the stream sequence the
//! replica last applied. If another node appended first, JetStream refuses the publish; the
//! node waits for its replica to read the newer entries and admits again. So the log is
//! linear and every entry was admitted against the state it follows. A node's own appends
//! to a room take turns ([`LiveRoom::turn`]), so nodes race only each other.
//!
//! **Following.** Every node reads the whole stream with one ordered consumer (`rooms.>`,
//! from the start): at start-up that replays every room, afterwards it applies each entry in
//! stream order ([`LiveRoom::apply_stream`]) and fans it out to the node's connections. The
//! node that published an entry applies it as soon as JetStream acknowledges it (the
//! follower then skips it), so a client's own ballot is echoed only once it is stored.
//!
//! **Expiry.** A room's last activity is the latest time stamped in its messages, the same
//! on every node, so every node's sweep reaches the same verdict; each one purges the room's
//! subjects (idempotent) and closes its own connections.
//!
//! What this module does not do: choose a node (the reverse proxy does), keep anything on
//! disk itself (JetStream does), or replicate the stream (one nats-server; a JetStream
//! cluster would add `num_replicas`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream::consumer::DeliverPolicy;
use async_nats::jetstream::consumer::push;
use async_nats::jetstream::context::{PublishError, PublishErrorKind};
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::publish::PublishAck;
use async_nats::jetstream::{self, stream};
use futures_util::StreamExt;
use room_protocol::{Entry, LogEntry, ProtocolError, Request, Room, RoomCode, Sender};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::rooms::{Hub, Joined, LiveRoom, RoomState, lock, now_ms, random_text, random_u64};

/// The JetStream stream that holds every room.
pub const STREAM: &str = "FRONTLINE_ROOMS";

/// The stream's subjects.
pub const SUBJECTS: &str = "rooms.>";

/// The header that carries a new participant's token with their join.
const TOKEN_HEADER: &str = "Frontline-Token";

/// Publishes refused because another node appended first, before a request gives up.
const MAX_TRIES: usize = 50;

/// How long a node waits for its replica to read what another node appended.
const CATCH_UP: Duration = Duration::from_secs(3);

/// Core NATS (not the stream) subjects where nodes say which participants are connected to
/// them, per room: `frontline.presence.<CODE>`. Who is connected is not part of a room's
/// history, so it is never stored.
const PRESENCE: &str = "frontline.presence";

/// How often a node repeats its word on who is connected (so a node that died stops
/// counting after `rooms::PRESENCE_TTL`).
const PRESENCE_EVERY: Duration = Duration::from_secs(5);

/// One node's word on a room's connected participants.
#[derive(Serialize, Deserialize)]
struct PresenceNote {
    node: String,
    participants: Vec<u32>,
}

/// A room's header in the stream: what every node needs to replay its log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Head {
    /// The scenario's id.
    pub scenario: String,
    /// The scenario's version when the room was opened.
    pub version: u32,
    /// The workshop's seed.
    pub seed: u64,
    /// The facilitator secret's hash ([`crate::rooms::secret_hash`]).
    pub secret_hash: String,
    /// When the room was opened, ms since the Unix epoch.
    pub created_ms: u64,
}

/// What a node knows of a room beyond its state: when it was last active, and which head
/// (a code is reused only after its room expired and was purged).
#[derive(Debug, Clone, Copy)]
struct Activity {
    head_seq: u64,
    last_ms: u64,
}

/// The connection to NATS and what the follower has learned of each room's activity.
pub struct Cluster {
    client: async_nats::Client,
    /// This node's name in presence notes.
    node: String,
    js: jetstream::Context,
    stream: stream::Stream,
    activity: Mutex<HashMap<RoomCode, Activity>>,
}

/// The stream's reader, handed to [`follow`].
pub struct Follower {
    messages: push::Ordered,
    /// The stream's last sequence when the node started (none if it held no message):
    /// once read, the node has every room and may serve.
    caught_up_at: Option<u64>,
}

fn subject(code: &RoomCode, kind: &str) -> String {
    format!("rooms.{code}.{kind}")
}

async fn acked(
    js: &jetstream::Context,
    subject: String,
    message: PublishMessage,
) -> Result<PublishAck, PublishError> {
    js.send_publish(subject, message).await?.await
}

impl Cluster {
    /// Tells the other nodes which participants of a room are connected to this one.
    pub(crate) async fn publish_presence(&self, code: &RoomCode, participants: Vec<u32>) {
        let note = PresenceNote {
            node: self.node.clone(),
            participants,
        };
        let Ok(body) = serde_json::to_vec(&note) else {
            return;
        };
        if let Err(e) = self
            .client
            .publish(format!("{PRESENCE}.{code}"), body.into())
            .await
        {
            eprintln!("frontline-rooms: room {code}: presence not published: {e}");
        }
    }

    /// Connects, creates the stream if it is missing (or checks the one there), and opens
    /// the ordered consumer that [`follow`] reads.
    pub async fn connect(url: &str) -> Result<(Cluster, Follower), String> {
        let client = async_nats::ConnectOptions::new()
            .name("frontline-rooms")
            .connect(url)
            .await
            .map_err(|e| format!("NATS at {url}: {e}"))?;
        let js = jetstream::new(client.clone());
        let mut stream = js
            .get_or_create_stream(stream::Config {
                name: STREAM.into(),
                subjects: vec![SUBJECTS.into()],
                storage: stream::StorageType::File,
                ..Default::default()
            })
            .await
            .map_err(|e| {
                format!("the JetStream stream {STREAM} (is nats-server run with -js?): {e}")
            })?;
        let info = stream
            .info()
            .await
            .map_err(|e| format!("the JetStream stream {STREAM}: {e}"))?;
        if !info.config.subjects.iter().any(|s| s == SUBJECTS) {
            return Err(format!(
                "the JetStream stream {STREAM} exists without the subjects {SUBJECTS} (it has {:?})",
                info.config.subjects
            ));
        }
        let caught_up_at = (info.state.messages > 0).then_some(info.state.last_sequence);
        let consumer = stream
            .create_consumer(push::OrderedConfig {
                deliver_subject: client.new_inbox(),
                filter_subject: SUBJECTS.into(),
                deliver_policy: DeliverPolicy::All,
                ..Default::default()
            })
            .await
            .map_err(|e| format!("a consumer of {STREAM}: {e}"))?;
        let messages = consumer
            .messages()
            .await
            .map_err(|e| format!("a consumer of {STREAM}: {e}"))?;
        Ok((
            Cluster {
                client: client.clone(),
                node: random_text::<9>().map_err(|e| e.to_string())?,
                js,
                stream,
                activity: Mutex::new(HashMap::new()),
            },
            Follower {
                messages,
                caught_up_at,
            },
        ))
    }

    /// Publishes a new room's head under a fresh code; `taken` says which codes this node
    /// already holds. The stream refuses a code that has a head, so two nodes never open
    /// the same code.
    pub(crate) async fn create(
        &self,
        head: &Head,
        taken: impl Fn(&RoomCode) -> bool,
    ) -> Result<RoomCode, ProtocolError> {
        let payload = serde_json::to_vec(head).map_err(|_| ProtocolError::Internal)?;
        for _ in 0..20 {
            let code = RoomCode::from_random(random_u64()?);
            if taken(&code) {
                continue;
            }
            let message = PublishMessage::build()
                .payload(payload.clone().into())
                .expected_last_subject_sequence(0);
            match acked(&self.js, subject(&code, "head"), message).await {
                Ok(ack) => {
                    self.note(&code, head.created_ms, Some(ack.sequence));
                    return Ok(code);
                }
                Err(e) if e.kind() == PublishErrorKind::WrongLastSequence => continue,
                Err(e) => {
                    eprintln!("frontline-rooms: room {code} not created: NATS: {e}");
                    return Err(ProtocolError::Internal);
                }
            }
        }
        Err(ProtocolError::Full)
    }

    /// Waits (briefly) for the follower to read a room that the stream has but this node
    /// does not yet: one opened a moment ago on another node. A code with no head costs
    /// one request and no wait.
    pub(crate) async fn await_head(&self, code: &RoomCode, known: impl Fn() -> bool) {
        if self
            .stream
            .get_last_raw_message_by_subject(&subject(code, "head"))
            .await
            .is_err()
        {
            return;
        }
        let deadline = Instant::now() + CATCH_UP;
        while !known() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Joins a participant (see [`Hub::join_participant`]).
    pub(crate) async fn join_participant(
        &self,
        live: &Arc<LiveRoom>,
        token: Option<String>,
        name: Option<String>,
    ) -> Result<(Joined, Room, u32, String), ProtocolError> {
        let token = match token {
            Some(t) => t,
            None => random_text::<16>()?,
        };
        let appended = self
            .append(live, |state| {
                Ok(match state.tokens.get(&token) {
                    Some(&p) => {
                        let known = state.room.participants.get(p as usize).map(|k| &k.name);
                        (name.is_some() && known != Some(&name)).then(|| {
                            let entry = Entry::Joined {
                                participant: p,
                                name: name.clone(),
                            };
                            (entry, None)
                        })
                    }
                    None => {
                        let entry = Entry::Joined {
                            participant: state.room.participants.len() as u32,
                            name: name.clone(),
                        };
                        Some((entry, Some(token.clone())))
                    }
                })
            })
            .await?;
        if !appended {
            self.touch(&live.code).await;
        }
        let participant = lock(&live.state)
            .tokens
            .get(&token)
            .copied()
            .ok_or_else(|| {
                eprintln!(
                    "frontline-rooms: room {}: a joined token is unknown",
                    live.code
                );
                ProtocolError::Internal
            })?;
        let (room, rx) = live.snapshot();
        Ok((
            Joined {
                room: live.clone(),
                sender: Sender::Participant(participant),
                rx,
            },
            room,
            participant,
            token,
        ))
    }

    /// A vote or a command (see [`Hub::request`]).
    pub(crate) async fn request(
        &self,
        live: &LiveRoom,
        sender: Sender,
        request: Request,
    ) -> Result<(), ProtocolError> {
        self.append(live, |state| {
            Ok(state
                .room
                .admit(&live.scenario, sender, request.clone())?
                .map(|entry| (entry, None)))
        })
        .await
        .map(|_| ())
    }

    /// The one place entries are appended with NATS. `admit` turns the replica's state into
    /// the entry to append (with a new participant's token), or nothing, or a refusal; it is
    /// asked again whenever another node appended first. Returns whether an entry was
    /// appended; when it returns, this node's replica has applied it.
    async fn append(
        &self,
        live: &LiveRoom,
        admit: impl Fn(&RoomState) -> Result<Option<(Entry, Option<String>)>, ProtocolError>,
    ) -> Result<bool, ProtocolError> {
        let _turn = live.turn.lock().await;
        for _ in 0..MAX_TRIES {
            let (log, expected, token) = {
                let state = lock(&live.state);
                if state.closed {
                    return Err(ProtocolError::Gone);
                }
                let Some((entry, token)) = admit(&state)? else {
                    return Ok(false);
                };
                let log = LogEntry {
                    seq: state.room.position,
                    at_ms: now_ms(),
                    entry,
                };
                (log, state.stream_seq, token)
            };
            let payload = serde_json::to_vec(&log).map_err(|_| ProtocolError::Internal)?;
            let mut message = PublishMessage::build()
                .payload(payload.into())
                .expected_last_subject_sequence(expected);
            if let Some(token) = &token {
                message = message.header(TOKEN_HEADER, token.as_str());
            }
            match acked(&self.js, subject(&live.code, "log"), message).await {
                Ok(ack) => {
                    live.apply_stream(ack.sequence, &log, token);
                    return Ok(true);
                }
                Err(e) if e.kind() == PublishErrorKind::WrongLastSequence => {
                    // Another node appended first: wait until this replica has read it.
                    let mut applied = live.applied.subscribe();
                    let caught_up =
                        tokio::time::timeout(CATCH_UP, applied.wait_for(|&seq| seq > expected))
                            .await;
                    if !matches!(caught_up, Ok(Ok(_))) {
                        eprintln!(
                            "frontline-rooms: room {}: the stream moved on and this node did not catch up",
                            live.code
                        );
                        return Err(ProtocolError::Internal);
                    }
                }
                Err(e) => {
                    // The entry may or may not be stored (a lost ack): not retried, so a
                    // command is never appended twice; the client sees `internal`.
                    eprintln!("frontline-rooms: room {}: NATS: {e}", live.code);
                    return Err(ProtocolError::Internal);
                }
            }
        }
        eprintln!(
            "frontline-rooms: room {}: no place in the stream after {MAX_TRIES} tries",
            live.code
        );
        Err(ProtocolError::Internal)
    }

    /// Marks a room active without an entry (a rejoin). Best effort.
    async fn touch(&self, code: &RoomCode) {
        let now = now_ms();
        self.note(code, now, None);
        if let Err(e) = self
            .js
            .publish(subject(code, "seen"), now.to_string().into())
            .await
        {
            eprintln!("frontline-rooms: room {code}: NATS: {e}");
        }
    }

    /// Records a room's activity at `at_ms` (and its head's sequence when known).
    fn note(&self, code: &RoomCode, at_ms: u64, head_seq: Option<u64>) {
        let mut activity = lock(&self.activity);
        let a = activity.entry(code.clone()).or_insert(Activity {
            head_seq: 0,
            last_ms: 0,
        });
        a.last_ms = a.last_ms.max(at_ms);
        if let Some(seq) = head_seq {
            a.head_seq = seq;
        }
    }

    /// Purges every room last active before `cutoff_ms`; returns the codes purged (a room
    /// NATS did not purge is tried again at the next sweep).
    pub(crate) async fn expire(&self, cutoff_ms: u64) -> Result<Vec<RoomCode>, String> {
        let idle: Vec<RoomCode> = lock(&self.activity)
            .iter()
            .filter(|(_, a)| a.last_ms < cutoff_ms)
            .map(|(code, _)| code.clone())
            .collect();
        let mut expired = Vec::new();
        for code in idle {
            match self.stream.purge().filter(format!("rooms.{code}.>")).await {
                Ok(_) => {
                    lock(&self.activity).remove(&code);
                    expired.push(code);
                }
                Err(e) => eprintln!("frontline-rooms: room {code} not purged: NATS: {e}"),
            }
        }
        Ok(expired)
    }
}

impl LiveRoom {
    /// Applies the entry at stream sequence `seq` (once: an entry this node published is
    /// applied at its acknowledgement and skipped when the follower reads it), records a new
    /// participant's token, and fans the entry out. An entry that does not apply is skipped
    /// the same way on every node, so replicas stay equal.
    pub(crate) fn apply_stream(&self, seq: u64, log: &LogEntry, token: Option<String>) {
        let mut state = lock(&self.state);
        if seq <= state.stream_seq {
            return;
        }
        state.stream_seq = seq;
        match state.room.apply(&self.scenario, log) {
            Ok(next) => {
                state.room = next;
                if let (Some(token), Entry::Joined { participant, .. }) = (token, &log.entry) {
                    state.tokens.insert(token, *participant);
                }
                self.fan_out(log);
            }
            Err(e) => eprintln!(
                "frontline-rooms: room {}: stream entry {seq} skipped: {e}",
                self.code
            ),
        }
        self.applied.send_replace(seq);
    }
}

/// Reads the stream for as long as the node runs: every room's head and entries, in stream
/// order. `ready` turns true once the stream as it was at start-up has been read.
pub async fn follow(
    hub: Arc<Hub>,
    mut follower: Follower,
    ready: watch::Sender<bool>,
    mut shutdown: watch::Receiver<bool>,
) {
    if follower.caught_up_at.is_none() {
        ready.send_replace(true);
    }
    loop {
        let next = tokio::select! {
            next = follower.messages.next() => next,
            _ = shutdown.wait_for(|stop| *stop) => return,
        };
        match next {
            Some(Ok(message)) => {
                let Ok(info) = message.info() else {
                    continue;
                };
                let (seq, pending) = (info.stream_sequence, info.pending);
                read(&hub, seq, &message);
                if !*ready.borrow()
                    && (pending == 0 || follower.caught_up_at.is_some_and(|last| seq >= last))
                {
                    ready.send_replace(true);
                }
            }
            // The ordered consumer recreates itself after a gap or a reconnect.
            Some(Err(e)) => eprintln!("frontline-rooms: reading {STREAM}: {e}"),
            None => {
                eprintln!(
                    "frontline-rooms: the consumer of {STREAM} ended; this node no longer hears the others"
                );
                return;
            }
        }
    }
}

/// Hears the other nodes' presence notes, repeats this node's every few seconds, and lets
/// the rooms' connections know when the count changes (also when a silent node's word
/// runs out).
pub async fn presence(hub: Arc<Hub>, mut shutdown: watch::Receiver<bool>) {
    let Some(cluster) = hub.cluster() else {
        return;
    };
    let mut notes = match cluster.client.subscribe(format!("{PRESENCE}.*")).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("frontline-rooms: presence notes not heard: {e}");
            return;
        }
    };
    let mut every = tokio::time::interval(PRESENCE_EVERY);
    enum Heard {
        Note(Option<async_nats::Message>),
        Tick,
        Stop,
    }
    loop {
        let heard = tokio::select! {
            note = notes.next() => Heard::Note(note),
            _ = every.tick() => Heard::Tick,
            _ = shutdown.wait_for(|stop| *stop) => Heard::Stop,
        };
        match heard {
            Heard::Stop | Heard::Note(None) => return,
            Heard::Note(Some(message)) => heard_note(&hub, cluster, &message),
            Heard::Tick => {
                for live in hub.live_rooms() {
                    let here = live.local_presence();
                    if !here.is_empty() {
                        cluster.publish_presence(&live.code, here).await;
                    }
                    // Also when nobody spoke: a silent node's word may have run out.
                    live.announce_presence();
                }
            }
        }
    }
}

/// Another node's presence note, applied to its room on this node.
fn heard_note(hub: &Hub, cluster: &Cluster, message: &async_nats::Message) {
    let Some(code) = message
        .subject
        .as_str()
        .rsplit('.')
        .next()
        .and_then(|c| RoomCode::parse(c).ok())
    else {
        return;
    };
    let Ok(note) = serde_json::from_slice::<PresenceNote>(&message.payload) else {
        return;
    };
    if note.node == cluster.node {
        return;
    }
    if let Some(live) = hub.room(&code) {
        live.heard_presence(
            &note.node,
            note.participants.into_iter().collect(),
            Instant::now(),
        );
        live.announce_presence();
    }
}

/// Applies one message of the stream to the hub.
fn read(hub: &Hub, seq: u64, message: &jetstream::Message) {
    let Some(cluster) = hub.cluster() else {
        return;
    };
    let mut parts = message.subject.as_str().split('.');
    let (Some("rooms"), Some(code), Some(kind), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let Ok(code) = RoomCode::parse(code) else {
        return;
    };
    match kind {
        "head" => {
            let head: Head = match serde_json::from_slice(&message.payload) {
                Ok(head) => head,
                Err(e) => {
                    eprintln!("frontline-rooms: room {code}: a head that does not read: {e}");
                    return;
                }
            };
            let previous = lock(&cluster.activity).get(&code).map(|a| a.head_seq);
            if previous.is_some_and(|p| p != 0 && p != seq) {
                // The code was purged elsewhere and reused: the old room is gone.
                if let Some(old) = lock(&hub.rooms).remove(&code) {
                    old.close();
                }
            }
            cluster.note(&code, head.created_ms, Some(seq));
            match hub.catalog.get(&head.scenario) {
                Ok(scenario) if scenario.meta.version == head.version => {
                    if let Err(e) = hub.adopt(code.clone(), &head, scenario) {
                        eprintln!("frontline-rooms: room {code}: {e}");
                    }
                }
                Ok(scenario) => eprintln!(
                    "frontline-rooms: room {code} not resumed: it plays version {} of '{}' and this node has version {}",
                    head.version, head.scenario, scenario.meta.version
                ),
                Err(e) => eprintln!("frontline-rooms: room {code} not resumed: {e}"),
            }
        }
        "log" => {
            let log: LogEntry = match serde_json::from_slice(&message.payload) {
                Ok(log) => log,
                Err(e) => {
                    eprintln!(
                        "frontline-rooms: room {code}: stream entry {seq} does not read: {e}"
                    );
                    return;
                }
            };
            cluster.note(&code, log.at_ms, None);
            let token = message
                .headers
                .as_ref()
                .and_then(|h| h.get(TOKEN_HEADER))
                .map(|v| v.as_str().to_owned());
            if let Some(live) = hub.room(&code) {
                live.apply_stream(seq, &log, token);
            }
        }
        "seen" => {
            let at_ms = std::str::from_utf8(&message.payload)
                .ok()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            cluster.note(&code, at_ms, None);
        }
        _ => {}
    }
}
