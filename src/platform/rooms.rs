//! The live-room client: one WebSocket to the room server that served the page
//! (`/rooms/ws`, same origin), a replica of the room kept by applying the server's log with
//! the protocol's pure reducer (`room_protocol::Room::apply`), and what a device on a
//! room's Wi-Fi needs: it reconnects by itself (with backoff, and at once when the browser
//! comes back online), rejoins with the token or secret this browser keeps for the room, and
//! resends a vote made while offline if its decision is still open, or drops it with a
//! notice.
//!
//! Nothing here panics; every failure is a [`Link`] state or a notice for the page.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use frontline_engine::Scenario;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use room_protocol::{
    ClientFrame, Command, LogEntry, ProtocolError, Role, Room, ServerFrame, decode_server,
    encode_client,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

use super::{clock, fetch, storage};

/// The WebSocket path on the server that served the page.
pub const WS_PATH: &str = "/rooms/ws";
/// The room server's description of itself (its addresses for the room's Wi-Fi), relative
/// to the page. Static bundles carry a file there with version 0 ("no room server"), so
/// asking costs a static host no 404; the room server answers the path itself.
pub const INFO_PATH: &str = "rooms/info";

/// How this device takes part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Join {
    /// Open a new room for a scenario; this browser becomes its facilitator.
    Create {
        /// Scenario id.
        scenario: String,
    },
    /// The facilitator again, with the secret this browser kept for the room.
    Facilitator {
        /// Room code.
        code: String,
    },
    /// A participant (the token this browser kept for the room, if any, keeps the number).
    Participant {
        /// Room code, as typed.
        code: String,
        /// Optional display name.
        name: Option<String>,
    },
    /// Watching (the projector).
    Viewer {
        /// Room code.
        code: String,
    },
}

/// The connection's state, for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Connecting or joining.
    Connecting,
    /// In the room, receiving its log.
    Live,
    /// Lost; trying again (the attempt number).
    Retrying(u32),
    /// Given up: the sentence to show (a wrong code, a closed room, no room server).
    Failed(String),
}

/// The room as this device knows it.
#[derive(Clone)]
pub struct Live {
    /// The room code.
    pub code: String,
    /// This device's role.
    pub role: Role,
    /// This device's participant number (participants).
    pub participant: Option<u32>,
    /// The replica.
    pub room: Rc<Room>,
    /// Its scenario.
    pub scenario: Arc<Scenario>,
    /// Server time minus this device's clock, in ms (estimated from entries' stamps), so
    /// the timer shows the same seconds on every screen.
    pub clock_offset_ms: i64,
}

impl Live {
    /// The server's time now, by this device's clock and the estimated offset.
    pub fn now_ms(&self) -> u64 {
        (clock::now_ms() as i64 + self.clock_offset_ms).max(0) as u64
    }

    /// This participant's ballot in the open vote.
    pub fn my_ballot(&self) -> Option<usize> {
        self.participant
            .and_then(|p| self.room.ballots.get(&p).copied())
    }
}

impl PartialEq for Live {
    fn eq(&self, other: &Live) -> bool {
        self.code == other.code
            && self.role == other.role
            && self.participant == other.participant
            && Rc::ptr_eq(&self.room, &other.room)
            && self.clock_offset_ms == other.clock_offset_ms
    }
}

/// What this browser keeps for a room: the participant's token, or the facilitator's secret.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Kept {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    secret: Option<String>,
}

fn kept_key(code: &str) -> String {
    format!("frontline.v1.room.{code}")
}

fn kept(code: &str) -> Kept {
    storage::read(&kept_key(code))
        .and_then(|raw| serde_json::from_str(&raw).ok())
        .unwrap_or_default()
}

fn keep(code: &str, kept: &Kept) {
    if let Ok(text) = serde_json::to_string(kept) {
        storage::write(&kept_key(code), &text);
    }
}

/// Where this browser notes the last room it created, for the workshop setup's "live room
/// in progress".
const LAST_ROOM_KEY: &str = "frontline.v1.room.last";

/// The last room this browser created and still holds the facilitator's secret for.
pub fn last_facilitated() -> Option<String> {
    storage::read(LAST_ROOM_KEY).filter(|code| is_facilitator_of(code))
}

/// Whether this browser holds the facilitator's secret for a room.
pub fn is_facilitator_of(code: &str) -> bool {
    kept(code).secret.is_some()
}

/// Forgets what this browser kept for a room.
pub fn forget(code: &str) {
    storage::remove(&kept_key(code));
}

/// Closes a socket after removing its handlers: its closures are dropped with the client's
/// list, and a late event calling a dropped closure would throw.
fn hang_up(socket: &web_sys::WebSocket) {
    socket.set_onopen(None);
    socket.set_onmessage(None);
    socket.set_onclose(None);
    let _ = socket.close();
}

/// The WebSocket address of the server that served this page, if the page came over HTTP.
fn socket_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = match location.protocol().ok()?.as_str() {
        "https:" => "wss:",
        "http:" => "ws:",
        _ => return None,
    };
    Some(format!("{scheme}//{}{WS_PATH}", location.host().ok()?))
}

/// The room server's own description.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ServerInfo {
    /// Protocol version.
    pub v: u32,
    /// Addresses the room's devices can open (e.g. `http://192.168.1.20:8080`); empty when
    /// the server listens on this machine only.
    #[serde(default)]
    pub addresses: Vec<String>,
}

/// Asks whether the page was served by a room server: `None` on static hosting, a file, an
/// LMS, or any failure.
pub async fn server_info() -> Option<ServerInfo> {
    socket_url()?;
    let response = gloo_net::http::Request::get(INFO_PATH).send().await.ok()?;
    if !response.ok() {
        return None;
    }
    let text = response.text().await.ok()?;
    serde_json::from_str::<ServerInfo>(&text)
        .ok()
        .filter(|i| i.v == room_protocol::PROTOCOL_VERSION)
}

/// A vote this device made that the room has not confirmed yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pending {
    round: u64,
    choice: usize,
}

/// The client's state, shared by the socket's callbacks and the page.
struct Client {
    join: Join,
    socket: Option<web_sys::WebSocket>,
    handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    live: Option<Live>,
    /// Entries that arrived while the scenario was still downloading.
    early: Vec<LogEntry>,
    link: Link,
    attempt: u32,
    retry: Option<Timeout>,
    pending: Option<Pending>,
    notice: Option<String>,
    error: Option<String>,
    changed: Callback<()>,
    /// The clock offset while there is no replica (between a welcome and its scenario), or
    /// the one the last welcome gave.
    clock_offset_ms: i64,
    /// Whether `clock_offset_ms` came from the last welcome (and so is the one to use).
    clock_known: bool,
    /// Participants connected to the room now, as the server last said.
    present: Option<u32>,
    closed: bool,
    /// Whether the current socket has been welcomed into the room: a refused join on a
    /// reconnect (the room expired meanwhile) must end the attempts, not leave the page
    /// "reconnecting" for ever with its old replica.
    welcomed: bool,
    /// Bumped on each new socket, so a late callback of an old socket is ignored.
    generation: u32,
}

type Shared = Rc<RefCell<Client>>;

fn open(shared: &Shared) {
    let (url, generation) = {
        let mut c = shared.borrow_mut();
        if c.closed {
            return;
        }
        c.retry = None;
        c.generation += 1;
        c.welcomed = false;
        if let Some(old) = c.socket.take() {
            hang_up(&old);
        }
        c.handlers.clear();
        (socket_url(), c.generation)
    };
    let Some(url) = url else {
        fail(
            shared,
            "Live rooms need the page to come from Frontline's room server (it cannot run from a file).",
        );
        return;
    };
    let socket = match web_sys::WebSocket::new(&url) {
        Ok(s) => s,
        Err(_) => {
            retry_later(shared);
            return;
        }
    };
    let handler = |shared: &Shared, f: fn(&Shared, web_sys::Event)| {
        let shared = shared.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            if shared.borrow().generation == generation {
                f(&shared, e);
            }
        })
    };
    let on_open = handler(shared, |s, _| send_join(s));
    let on_message = handler(shared, |s, e| {
        if let Some(text) = e
            .dyn_ref::<web_sys::MessageEvent>()
            .and_then(|m| m.data().as_string())
        {
            heard(s, &text);
        }
    });
    let on_close = handler(shared, |s, _| retry_later(s));
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    let mut c = shared.borrow_mut();
    c.handlers = vec![on_open, on_message, on_close];
    c.socket = Some(socket);
    if c.link != Link::Live {
        c.link = if c.attempt == 0 {
            Link::Connecting
        } else {
            Link::Retrying(c.attempt)
        };
    }
}

fn send(shared: &Shared, frame: &ClientFrame) -> bool {
    let c = shared.borrow();
    c.socket
        .as_ref()
        .filter(|s| s.ready_state() == web_sys::WebSocket::OPEN)
        .is_some_and(|s| s.send_with_str(&encode_client(frame)).is_ok())
}

fn send_join(shared: &Shared) {
    let join = shared.borrow().join.clone();
    let frame = match &join {
        Join::Create { scenario } => ClientFrame::Create {
            scenario: scenario.clone(),
        },
        Join::Facilitator { code } => {
            let Some(secret) = kept(code).secret else {
                fail(
                    shared,
                    "This browser does not hold this room's facilitator key. Open the console in the browser that created the room.",
                );
                return;
            };
            ClientFrame::Join {
                code: code.clone(),
                name: None,
                token: None,
                secret: Some(secret),
                view: false,
            }
        }
        Join::Participant { code, name } => ClientFrame::Join {
            code: code.clone(),
            name: name.clone(),
            token: kept(code).token,
            secret: None,
            view: false,
        },
        Join::Viewer { code } => ClientFrame::Join {
            code: code.clone(),
            name: None,
            token: None,
            secret: None,
            view: true,
        },
    };
    send(shared, &frame);
}

fn changed(shared: &Shared) {
    let callback = shared.borrow().changed.clone();
    callback.emit(());
}

fn fail(shared: &Shared, why: &str) {
    {
        let mut c = shared.borrow_mut();
        c.closed = true;
        c.retry = None;
        c.link = Link::Failed(why.to_owned());
        if let Some(s) = c.socket.take() {
            hang_up(&s);
        }
    }
    changed(shared);
}

/// Tries again after a pause that grows with each attempt (0.5 s to 8 s).
fn retry_later(shared: &Shared) {
    {
        let mut c = shared.borrow_mut();
        if c.closed || c.retry.is_some() {
            return;
        }
        c.attempt += 1;
        c.link = Link::Retrying(c.attempt);
        if let Some(s) = c.socket.take() {
            hang_up(&s);
        }
        let delay = 500u32
            .saturating_mul(1 << c.attempt.min(5).saturating_sub(1))
            .min(8_000);
        let again = shared.clone();
        c.retry = Some(Timeout::new(delay, move || open(&again)));
    }
    changed(shared);
}

fn heard(shared: &Shared, text: &str) {
    match decode_server(text) {
        Ok(ServerFrame::Welcome {
            code,
            role,
            participant,
            token,
            secret,
            room,
            now_ms,
            present,
        }) => {
            shared.borrow_mut().present = Some(present);
            if now_ms > 0 {
                // The server's clock as the welcome left it: the timer on this screen is
                // right from the first frame, whatever this device's clock says.
                let mut c = shared.borrow_mut();
                c.clock_offset_ms = now_ms as i64 - clock::now_ms() as i64;
                c.clock_known = true;
            }
            welcome(
                shared,
                code.to_string(),
                role,
                participant,
                token,
                secret,
                *room,
            )
        }
        Ok(ServerFrame::Entry(entry)) => entry_arrived(shared, entry),
        Ok(ServerFrame::Presence { participants }) => {
            shared.borrow_mut().present = Some(participants);
            changed(shared);
        }
        Ok(ServerFrame::Error { code, message }) => refused(shared, &code, &message),
        Err(e) => {
            // A frame this build cannot read: start again from a fresh welcome.
            web_sys::console::warn_1(&format!("Frontline room: {e}").into());
            resync(shared);
        }
    }
}

fn welcome(
    shared: &Shared,
    code: String,
    role: Role,
    participant: Option<u32>,
    token: Option<String>,
    secret: Option<String>,
    room: Room,
) {
    let mut k = kept(&code);
    if token.is_some() {
        k.token = token;
    }
    if secret.is_some() {
        k.secret = secret;
        storage::write(LAST_ROOM_KEY, &code);
    }
    keep(&code, &k);
    {
        let mut c = shared.borrow_mut();
        // After a create, a reconnect rejoins the room rather than opening another.
        if matches!(c.join, Join::Create { .. }) {
            c.join = Join::Facilitator { code: code.clone() };
        }
        if let Join::Participant { code: typed, .. } = &mut c.join {
            typed.clone_from(&code);
        }
        c.attempt = 0;
        c.early.clear();
        c.welcomed = true;
        c.error = None;
    }
    // The scenario is usually at hand (a rejoin, or fetched before); then the replica is
    // ready at once, so no entry that follows the welcome meets the previous replica.
    let id = room.workshop.scenario.clone();
    let at_hand = shared
        .borrow()
        .live
        .as_ref()
        .filter(|l| l.scenario.meta.id == id)
        .map(|l| l.scenario.clone())
        .or_else(|| fetch::cached(&id));
    let welcomed = Welcomed {
        code,
        role,
        participant,
        room,
    };
    if let Some(scenario) = at_hand {
        settle_welcome(shared, welcomed, scenario);
        return;
    }
    // Until the replica is ready, entries wait in `early`, not on a replica of an earlier
    // connection.
    {
        let mut c = shared.borrow_mut();
        if let Some(old) = c.live.take()
            && !c.clock_known
        {
            c.clock_offset_ms = old.clock_offset_ms;
        }
    }
    let shared = shared.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match fetch::scenario(&id).await {
            Ok(scenario) => settle_welcome(&shared, welcomed, scenario),
            Err(message) => fail(&shared, &message),
        }
    });
}

/// A welcome's contents, kept while its scenario downloads.
struct Welcomed {
    code: String,
    role: Role,
    participant: Option<u32>,
    room: Room,
}

/// The replica from a welcome and the entries that arrived after it.
fn settle_welcome(shared: &Shared, welcomed: Welcomed, scenario: Arc<Scenario>) {
    {
        let mut c = shared.borrow_mut();
        if c.closed {
            return;
        }
        let offset = match &c.live {
            Some(l) if !c.clock_known => l.clock_offset_ms,
            _ => c.clock_offset_ms,
        };
        c.clock_known = false;
        let mut replica = welcomed.room;
        let early = std::mem::take(&mut c.early);
        for entry in &early {
            if entry.seq >= replica.position {
                match replica.apply(&scenario, entry) {
                    Ok(next) => replica = next,
                    Err(_) => break,
                }
            }
        }
        c.live = Some(Live {
            code: welcomed.code,
            role: welcomed.role,
            participant: welcomed.participant,
            room: Rc::new(replica),
            scenario,
            clock_offset_ms: offset,
        });
        c.link = Link::Live;
    }
    settle_pending(shared);
    changed(shared);
}

/// After a (re)join: a vote made while offline is sent if its vote is still open, and
/// dropped with a notice if not.
fn settle_pending(shared: &Shared) {
    let (pending, live) = {
        let c = shared.borrow();
        (c.pending, c.live.clone())
    };
    let (Some(p), Some(live)) = (pending, live) else {
        return;
    };
    if live.my_ballot() == Some(p.choice) && live.room.round == p.round {
        shared.borrow_mut().pending = None;
    } else if live.room.round == p.round && live.room.vote_open() {
        send(
            shared,
            &ClientFrame::Vote {
                round: p.round,
                choice: p.choice,
            },
        );
    } else {
        let mut c = shared.borrow_mut();
        c.pending = None;
        c.notice =
            Some("Your vote was not sent: that vote closed while this device was offline.".into());
    }
}

fn entry_arrived(shared: &Shared, entry: LogEntry) {
    let outcome = {
        let mut c = shared.borrow_mut();
        let c = &mut *c;
        let Some(live) = c.live.as_mut() else {
            c.early.push(entry);
            return;
        };
        if entry.seq < live.room.position {
            return;
        }
        match live.room.apply(&live.scenario, &entry) {
            Ok(next) => {
                let sample = entry.at_ms as i64 - clock::now_ms() as i64;
                if live.clock_offset_ms == 0 || sample > live.clock_offset_ms {
                    live.clock_offset_ms = sample;
                }
                live.room = Rc::new(next);
                if let Some(p) = c.pending {
                    let mine = matches!(entry.entry,
                        room_protocol::Entry::Ballot { participant, round, choice }
                            if Some(participant) == live.participant
                                && round == p.round
                                && choice == p.choice);
                    // Confirmed, or a new vote opened: nothing waits any more.
                    if mine || live.room.round != p.round {
                        c.pending = None;
                    }
                }
                true
            }
            Err(_) => false,
        }
    };
    if outcome {
        changed(shared);
    } else {
        resync(shared);
    }
}

/// The replica and the log disagree (a gap): reconnect for a fresh welcome.
fn resync(shared: &Shared) {
    let socket = shared.borrow_mut().socket.take();
    if let Some(s) = socket {
        hang_up(&s);
    }
    retry_later(shared);
}

fn refused(shared: &Shared, code: &str, message: &str) {
    let joined = shared.borrow().welcomed;
    let sentence = match code {
        "no_such_room" => {
            "There is no room with this code (or it has closed). Check the code on the facilitator's screen.".to_owned()
        }
        "bad_code" => {
            "A room code has six letters and digits, with no 0, O, 1, I or L. Check it on the facilitator's screen.".to_owned()
        }
        "rate_limited" if !joined => {
            "Too many tries from this network: waiting a few seconds before trying again.".to_owned()
        }
        _ => sentence(message),
    };
    match code {
        "bad_code" | "no_such_room" | "not_facilitator" | "bad_name" | "bad_token"
        | "unknown_scenario"
            if !joined =>
        {
            if code == "bad_token" || code == "not_facilitator" {
                // A kept token or secret the room does not know: forget it.
                if let Some(code) = room_code_of(&shared.borrow().join) {
                    forget(&code);
                }
            }
            fail(shared, &sentence);
        }
        "gone" => {
            fail(shared, "The room has closed.");
        }
        "full" | "rate_limited" | "internal" if !joined => {
            shared.borrow_mut().error = Some(sentence);
            retry_later(shared);
        }
        "vote_closed" => {
            let mut c = shared.borrow_mut();
            if c.pending.take().is_some() {
                c.notice = Some("Your vote was not counted: the vote had already closed.".into());
            }
            drop(c);
            changed(shared);
        }
        _ => {
            shared.borrow_mut().error = Some(sentence);
            changed(shared);
        }
    }
}

fn room_code_of(join: &Join) -> Option<String> {
    match join {
        Join::Create { .. } => None,
        Join::Facilitator { code } | Join::Participant { code, .. } | Join::Viewer { code } => {
            Some(code.trim().to_uppercase())
        }
    }
}

/// A protocol message ("there is no room with this code") as a sentence. Its own few
/// lines rather than the workshop pages' `capitalise`: services know no screen.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut s = chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    });
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

/// The page's handle on its room.
#[derive(Clone)]
pub struct RoomHandle {
    /// The room, once joined.
    pub live: Option<Live>,
    /// The connection.
    pub link: Link,
    /// Something the person should know (a vote dropped while offline).
    pub notice: Option<String>,
    /// The room's reason for refusing the last request.
    pub error: Option<String>,
    /// Whether a vote of this device waits to be confirmed.
    pub vote_pending: bool,
    /// The choice of that vote (what the page shows as this device's vote until the room
    /// confirms it, e.g. while offline).
    pub pending_choice: Option<usize>,
    /// Participants connected to the room now (on any node), once the server has said.
    pub present: Option<u32>,
    shared: Option<Shared>,
}

impl RoomHandle {
    fn frame(&self, frame: ClientFrame) -> bool {
        let Some(shared) = &self.shared else {
            return false;
        };
        shared.borrow_mut().error = None;
        let sent = send(shared, &frame);
        changed(shared);
        sent
    }

    /// Votes (or changes the vote) in the open round. Offline, the vote waits and is sent
    /// on reconnecting if its vote is still open.
    pub fn vote(&self, choice: usize) {
        let (Some(shared), Some(live)) = (&self.shared, &self.live) else {
            return;
        };
        let round = live.room.round;
        {
            let mut c = shared.borrow_mut();
            c.pending = Some(Pending { round, choice });
            c.notice = None;
        }
        self.frame(ClientFrame::Vote { round, choice });
    }

    /// A facilitator command.
    pub fn command(&self, command: Command) -> bool {
        self.frame(ClientFrame::Command(command))
    }

    /// Starts playing for a team on this device.
    pub fn start_team(&self, name: &str) -> bool {
        self.frame(ClientFrame::StartTeam {
            name: name.to_owned(),
        })
    }

    /// The team's choice.
    pub fn team_choose(&self, choice: usize) -> bool {
        self.frame(ClientFrame::TeamChoose { choice })
    }

    /// Clears the notice.
    pub fn dismiss(&self) {
        if let Some(shared) = &self.shared {
            shared.borrow_mut().notice = None;
            changed(shared);
        }
    }
}

/// Joins a room and keeps this component up to date with it; `None` joins nothing. A new
/// `join` leaves the old room.
#[hook]
pub fn use_room(join: Option<Join>) -> RoomHandle {
    let update = use_force_update();
    let shared = use_mut_ref(|| None::<Shared>);
    {
        let shared = shared.clone();
        let update = update.clone();
        use_effect_with(join, move |join| {
            let mut listeners = Vec::new();
            if let Some(join) = join.clone() {
                let client: Shared = Rc::new(RefCell::new(Client {
                    join,
                    socket: None,
                    handlers: Vec::new(),
                    live: None,
                    early: Vec::new(),
                    link: Link::Connecting,
                    attempt: 0,
                    retry: None,
                    pending: None,
                    notice: None,
                    error: None,
                    changed: Callback::from(move |()| update.force_update()),
                    clock_offset_ms: 0,
                    clock_known: false,
                    present: None,
                    closed: false,
                    welcomed: false,
                    generation: 0,
                }));
                open(&client);
                if let Some(window) = web_sys::window() {
                    // Offline: hang up at once (a socket can linger for a minute before it
                    // notices); online: reconnect now rather than at the next retry.
                    let c = client.clone();
                    listeners.push(EventListener::new(&window, "offline", move |_| {
                        let socket = c.borrow_mut().socket.take();
                        if let Some(s) = socket {
                            hang_up(&s);
                        }
                        retry_later(&c);
                    }));
                    let c = client.clone();
                    listeners.push(EventListener::new(&window, "online", move |_| {
                        let live = c.borrow().link == Link::Live;
                        if !live && !c.borrow().closed {
                            open(&c);
                            changed(&c);
                        }
                    }));
                }
                *shared.borrow_mut() = Some(client);
            }
            move || {
                if let Some(client) = shared.borrow_mut().take() {
                    let mut c = client.borrow_mut();
                    c.closed = true;
                    c.retry = None;
                    if let Some(s) = c.socket.take() {
                        hang_up(&s);
                    }
                    c.handlers.clear();
                }
                drop(listeners);
            }
        });
    }
    let current = shared.borrow().clone();
    match current {
        Some(client) => {
            let c = client.borrow();
            RoomHandle {
                live: c.live.clone(),
                link: c.link.clone(),
                notice: c.notice.clone(),
                error: c.error.clone(),
                vote_pending: c.pending.is_some(),
                pending_choice: c
                    .pending
                    .filter(|p| c.live.as_ref().is_some_and(|l| l.room.round == p.round))
                    .map(|p| p.choice),
                present: c.present,
                shared: Some(client.clone()),
            }
        }
        None => RoomHandle {
            live: None,
            link: Link::Connecting,
            notice: None,
            error: None,
            vote_pending: false,
            pending_choice: None,
            present: None,
            shared: None,
        },
    }
}

/// A protocol error as a sentence (for pages that check input before sending it).
pub fn explain(error: &ProtocolError) -> String {
    sentence(&error.to_string())
}
