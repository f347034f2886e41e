//! Frontline's room server: the built app (`dist/`) and live rooms over WebSocket
//! (`/rooms/ws`) on one origin.
//!
//! The shape follows tokio-rs/mini-redis and axum's chat example: one task per connection,
//! shared state behind one cloneable handle ([`rooms::Hub`]), a broadcast channel per room,
//! a semaphore capping connections, and a shutdown every task hears. The rooms' rules live
//! in `room-protocol` (pure); this crate does the I/O at the edge: sockets, files, SQLite
//! ([`store`]) or NATS JetStream for several nodes ([`cluster`]), clocks and randomness.
//!
//! Static files get the app's Content-Security-Policy (the one in `index.html`'s meta),
//! `X-Content-Type-Options: nosniff`, precompressed `.br`/`.gz` when the browser accepts
//! them, and `Cache-Control: no-cache` on everything: the bundle's file names are stable
//! across builds, so a browser must revalidate (a cheap 304) rather than keep a stale copy.

pub mod cluster;
pub mod limits;
pub mod rooms;
pub mod store;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, LOCATION, ORIGIN,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use room_protocol::{
    ClientFrame, ProtocolError, Request, Role, RoomCode, Sender, ServerFrame, decode_client,
    display_name, encode_server, valid_token,
};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, broadcast, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::cluster::Cluster;
use crate::limits::Bucket;
use crate::rooms::{Broadcast, Catalog, Hub, HubLimits, Joined};
use crate::store::Store;

/// The path of the rooms' WebSocket.
pub const WS_PATH: &str = "/rooms/ws";
/// Where pages learn that a room server served them, and its addresses.
pub const INFO_PATH: &str = "/rooms/info";

/// Frames longer than this close the connection (the WebSocket layer's own cap).
const HARD_FRAME_CAP: usize = 64 * 1024;

/// Each socket's read buffer. tungstenite's default (128 KiB) is allocated and zero-filled
/// per connection, which made it most of a connection's memory (room-load measured 136 KB
/// of RSS per connection); client frames are at most 4 KiB, and a longer one still grows
/// the buffer up to the hard cap.
const READ_BUFFER: usize = 4 * 1024;

/// Consecutive refused frames after which a connection is closed.
const MAX_STRIKES: u32 = 50;

/// The Content-Security-Policy of `index.html`'s meta element, so the server and the page
/// can never disagree.
pub fn content_security_policy() -> &'static str {
    const INDEX: &str = include_str!("../../../index.html");
    const START: &str = "http-equiv=\"Content-Security-Policy\" content=\"";
    INDEX
        .split_once(START)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or("default-src 'self'", |(csp, _)| csp)
}

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub address: SocketAddr,
    /// The built app (`dist/`); its `scenarios/*.flc` are the scenarios rooms can play.
    pub dist: PathBuf,
    /// The data folder (the SQLite database; unused with `nats`).
    pub data: PathBuf,
    /// A NATS server with JetStream (`nats://127.0.0.1:4222`): rooms are kept in its stream
    /// and shared with every node started with the same URL, instead of SQLite.
    pub nats: Option<String>,
    /// Rooms idle this long are deleted.
    pub idle: Duration,
    /// How often expiry runs.
    pub sweep_every: Duration,
    /// The longest frame a client may send, in bytes.
    pub max_frame: usize,
    /// Frames a connection may send in a burst.
    pub frame_burst: f64,
    /// Frames a connection regains per second.
    pub frames_per_s: f64,
    /// Failed joins (wrong code or secret) an address may make in a burst.
    pub join_burst: f64,
    /// Failed joins an address regains per second.
    pub join_refill_per_s: f64,
    /// WebSocket connections held at once.
    pub max_connections: usize,
    /// Rooms held at once.
    pub max_rooms: usize,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trust-proxy`).
    pub trusted_proxies: Vec<IpAddr>,
}

impl Config {
    /// The defaults: 127.0.0.1:8080, `dist`, `data`, rooms kept 24 hours idle.
    pub fn new() -> Config {
        Config {
            address: SocketAddr::from(([127, 0, 0, 1], 8080)),
            dist: PathBuf::from("dist"),
            data: PathBuf::from("data"),
            nats: None,
            idle: Duration::from_secs(24 * 60 * 60),
            sweep_every: Duration::from_secs(60),
            max_frame: 4 * 1024,
            frame_burst: 40.0,
            frames_per_s: 10.0,
            join_burst: 10.0,
            join_refill_per_s: 0.2,
            max_connections: 10_000,
            max_rooms: 2_000,
            trusted_proxies: Vec::new(),
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::new()
    }
}

#[derive(Clone)]
struct App {
    hub: Arc<Hub>,
    config: Arc<Config>,
    connections: Arc<Semaphore>,
    shutdown: watch::Receiver<bool>,
}

/// A running server.
pub struct Server {
    /// The address it listens on (with the port the system chose for port 0).
    pub address: SocketAddr,
    hub: Arc<Hub>,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
    sweeper: JoinHandle<()>,
    follower: Option<JoinHandle<()>>,
}

/// Why the server did not start.
#[derive(Debug)]
pub enum StartError {
    /// The data folder or the database could not be opened.
    Store(String),
    /// The address could not be bound.
    Bind(std::io::Error),
    /// NATS or its JetStream stream could not be reached or read.
    Nats(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Store(why) => write!(f, "the data folder: {why}"),
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
            StartError::Nats(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for StartError {}

impl Server {
    /// Opens the store (or joins the NATS cluster) and resumes its rooms, then binds and
    /// starts serving.
    pub async fn start(config: Config) -> Result<Server, StartError> {
        let catalog = Catalog::new(config.dist.join("scenarios"));
        let limits = HubLimits {
            join_burst: config.join_burst,
            join_refill_per_s: config.join_refill_per_s,
            max_rooms: config.max_rooms,
        };
        let (stop, shutdown) = watch::channel(false);
        let (hub, follower) = match &config.nats {
            None => {
                std::fs::create_dir_all(&config.data)
                    .map_err(|e| StartError::Store(format!("{}: {e}", config.data.display())))?;
                let store =
                    Store::open(&config.data).map_err(|e| StartError::Store(e.to_string()))?;
                (Arc::new(Hub::resume(store, catalog, limits)), None)
            }
            Some(url) => {
                let (cluster, follower) = Cluster::connect(url).await.map_err(StartError::Nats)?;
                let hub = Arc::new(Hub::clustered(cluster, catalog, limits));
                let (ready, mut caught_up) = watch::channel(false);
                let task = tokio::spawn(cluster::follow(
                    hub.clone(),
                    follower,
                    ready,
                    shutdown.clone(),
                ));
                tokio::spawn(cluster::presence(hub.clone(), shutdown.clone()));
                // Serve only with every room read, so a rejoin finds its room.
                if caught_up.wait_for(|ready| *ready).await.is_err() {
                    return Err(StartError::Nats(format!(
                        "the stream {} could not be read",
                        cluster::STREAM
                    )));
                }
                let n = hub.rooms.lock().map_or(0, |rooms| rooms.len());
                eprintln!("frontline-rooms: NATS at {url}: {n} room(s) in the stream");
                (hub, Some(task))
            }
        };
        let listener = TcpListener::bind(config.address)
            .await
            .map_err(StartError::Bind)?;
        let address = listener.local_addr().map_err(StartError::Bind)?;
        let app = App {
            hub: hub.clone(),
            connections: Arc::new(Semaphore::new(config.max_connections)),
            config: Arc::new(config),
            shutdown: shutdown.clone(),
        };
        let sweeper = tokio::spawn(sweep(hub.clone(), app.config.clone(), shutdown.clone()));
        let router = router(app);
        let mut signal = shutdown;
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                let _ = signal.wait_for(|stop| *stop).await;
            })
            .await
        });
        Ok(Server {
            address,
            hub,
            stop,
            task,
            sweeper,
            follower,
        })
    }

    /// Stops: every connection is told the room closed, then the listener stops.
    pub async fn stop(self) -> std::io::Result<()> {
        let _ = self.stop.send(true);
        self.hub.close_all();
        let _ = self.sweeper.await;
        if let Some(follower) = self.follower {
            let _ = follower.await;
        }
        self.task
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }

    /// The hub (for tests that look at the store).
    pub fn hub(&self) -> &Hub {
        &self.hub
    }
}

fn router(app: App) -> Router {
    let files = ServeDir::new(&app.config.dist)
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .route(WS_PATH, get(upgrade))
        .route(INFO_PATH, get(info))
        .route("/join", get(join_page))
        .with_state(app)
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(content_security_policy()),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
}

/// What the pages ask to know that they are on a room server: the protocol version and the
/// addresses the room's devices can open (none when it listens on this machine only).
async fn info(State(app): State<App>) -> Response {
    let port = app.config.address.port();
    let addresses: Vec<String> = network_addresses(app.config.address.ip())
        .into_iter()
        .map(|ip| match ip {
            IpAddr::V4(v4) => format!("http://{v4}:{port}"),
            IpAddr::V6(v6) => format!("http://[{v6}]:{port}"),
        })
        .collect();
    let body = serde_json::json!({ "v": room_protocol::PROTOCOL_VERSION, "addresses": addresses });
    (
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body.to_string(),
    )
        .into_response()
}

/// The short address a projector shows (`<host>/join`): the participants' page.
async fn join_page() -> Response {
    (
        StatusCode::SEE_OTHER,
        [(LOCATION, HeaderValue::from_static("/room.html"))],
    )
        .into_response()
}

/// The addresses other devices can reach this server at: the listening address itself, or
/// for an unspecified one (0.0.0.0) every IPv4 address of the machine's network interfaces;
/// none for loopback.
pub fn network_addresses(listening: IpAddr) -> Vec<IpAddr> {
    if listening.is_loopback() {
        return Vec::new();
    }
    if !listening.is_unspecified() {
        return vec![listening];
    }
    let mut found: Vec<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| ip.is_ipv4() && !ip.is_loopback() && !ip.is_unspecified())
        .collect();
    found.sort();
    found.dedup();
    found
}

async fn sweep(hub: Arc<Hub>, config: Arc<Config>, mut shutdown: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(config.sweep_every);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        hub.expire(config.idle, Instant::now()).await;
    }
}

/// Whether a browser's `Origin` is this server's own (the `Host` it was reached at). A
/// request without `Origin` is not from a browser page, so no other site can be behind it.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN) else {
        return true;
    };
    let (Ok(origin), Some(Ok(host))) = (origin.to_str(), headers.get(HOST).map(|h| h.to_str()))
    else {
        return false;
    };
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|rest| rest.eq_ignore_ascii_case(host))
}

async fn upgrade(
    ws: WebSocketUpgrade,
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if !same_origin(&headers) {
        eprintln!(
            "frontline-rooms: {peer}: upgrade refused from origin {:?}",
            headers.get(ORIGIN)
        );
        return (
            StatusCode::FORBIDDEN,
            "rooms are only open to this site's pages\n",
        )
            .into_response();
    }
    let Ok(permit) = app.connections.clone().try_acquire_owned() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "the server is full\n").into_response();
    };
    let peer = client_address(peer, &headers, &app.config.trusted_proxies);
    ws.max_message_size(HARD_FRAME_CAP)
        .max_frame_size(HARD_FRAME_CAP)
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| async move {
            Connection::new(app, peer).run(socket).await;
            drop(permit);
        })
}

/// The client's address: the peer's, or behind a trusted reverse proxy the last address
/// that proxy appended to `X-Forwarded-For` (each client then has its own join limit rather
/// than all sharing the proxy's). The header is ignored from anyone else, so a client cannot
/// choose its own address.
pub fn client_address(
    peer: SocketAddr,
    headers: &HeaderMap,
    trusted_proxies: &[IpAddr],
) -> SocketAddr {
    if !trusted_proxies.contains(&peer.ip()) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|ip| ip.trim().parse::<IpAddr>().ok())
        .map_or(peer, |ip| SocketAddr::new(ip, 0))
}

/// One WebSocket connection.
struct Connection {
    app: App,
    peer: SocketAddr,
    bucket: Bucket,
    strikes: u32,
    joined: Option<Joined>,
}

/// What handling a frame asks of the loop.
enum Reply {
    Frame(String),
    None,
}

impl Connection {
    fn new(app: App, peer: SocketAddr) -> Connection {
        let bucket = Bucket::new(
            app.config.frame_burst,
            app.config.frames_per_s,
            Instant::now(),
        );
        Connection {
            app,
            peer,
            bucket,
            strikes: 0,
            joined: None,
        }
    }

    async fn run(mut self, mut socket: WebSocket) {
        let mut shutdown = self.app.shutdown.clone();
        loop {
            let heard = tokio::select! {
                msg = socket.recv() => Heard::Client(msg),
                event = room_event(self.joined.as_mut().map(|j| &mut j.rx)) => Heard::Room(event),
                _ = shutdown.wait_for(|stop| *stop) => Heard::Stop,
            };
            let out = match heard {
                Heard::Client(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) | Heard::Stop => {
                    break;
                }
                Heard::Client(Some(Ok(msg))) => match self.client(msg).await {
                    Reply::Frame(text) => text,
                    Reply::None => continue,
                },
                Heard::Room(Ok(Broadcast::Frame { full, redacted })) => {
                    let facilitator = self
                        .joined
                        .as_ref()
                        .is_some_and(|j| j.sender == Sender::Facilitator);
                    if facilitator { full } else { redacted }.to_string()
                }
                Heard::Room(Ok(Broadcast::Presence(text))) => text.to_string(),
                Heard::Room(Ok(Broadcast::Closed(text))) => {
                    let _ = socket.send(Message::Text(text.to_string().into())).await;
                    break;
                }
                Heard::Room(Err(broadcast::error::RecvError::Lagged(_))) => {
                    // Fell behind: start again from a fresh snapshot.
                    match self.rewelcome() {
                        Some(text) => text,
                        None => break,
                    }
                }
                Heard::Room(Err(broadcast::error::RecvError::Closed)) => break,
            };
            if socket.send(Message::Text(out.into())).await.is_err() {
                break;
            }
            if self.strikes >= MAX_STRIKES {
                eprintln!(
                    "frontline-rooms: {}: closed after {MAX_STRIKES} refused frames",
                    self.peer
                );
                break;
            }
        }
        let _ = socket.send(Message::Close(None)).await;
        if let Some(Joined {
            room,
            sender: Sender::Participant(p),
            ..
        }) = &self.joined
            && room.leave(*p)
        {
            self.app.hub.presence_changed(room).await;
        }
    }

    /// Participants connected to this connection's room now.
    fn present(&self) -> u32 {
        self.joined.as_ref().map_or(0, |j| j.room.present())
    }

    fn rewelcome(&mut self) -> Option<String> {
        let joined = self.joined.as_mut()?;
        let (room, rx) = joined.room.snapshot();
        joined.rx = rx;
        let (role, participant, room) = match joined.sender {
            Sender::Facilitator => (Role::Facilitator, None, room),
            Sender::Participant(p) => (Role::Participant, Some(p), room.redacted()),
            Sender::Viewer => (Role::Viewer, None, room.redacted()),
        };
        Some(encode_server(&ServerFrame::Welcome {
            code: joined.room.code.clone(),
            role,
            participant,
            token: None,
            secret: None,
            room: Box::new(room),
            now_ms: crate::rooms::now_ms(),
            present: joined.room.present(),
        }))
    }

    async fn client(&mut self, msg: Message) -> Reply {
        let result = match msg {
            Message::Text(text) => {
                if !self.bucket.take(Instant::now()) {
                    Err(ProtocolError::RateLimited)
                } else if text.len() > self.app.config.max_frame {
                    Err(ProtocolError::TooLarge {
                        limit: self.app.config.max_frame,
                    })
                } else {
                    match decode_client(text.as_str()) {
                        Ok(frame) => self.frame(frame).await,
                        Err(e) => Err(e),
                    }
                }
            }
            Message::Binary(_) => Err(ProtocolError::BadFrame(
                "frames are JSON text, not binary".into(),
            )),
            // Pings are answered by the WebSocket layer.
            Message::Ping(_) | Message::Pong(_) | Message::Close(_) => return Reply::None,
        };
        match result {
            Ok(None) => {
                self.strikes = 0;
                Reply::None
            }
            Ok(Some(text)) => {
                self.strikes = 0;
                Reply::Frame(text)
            }
            Err(e) => {
                self.strikes += 1;
                eprintln!("frontline-rooms: {}: {}: {e}", self.peer, e.code());
                Reply::Frame(encode_server(&e.frame()))
            }
        }
    }

    /// Handles a frame; `Ok(Some(text))` is a frame for this connection only (a welcome).
    async fn frame(&mut self, frame: ClientFrame) -> Result<Option<String>, ProtocolError> {
        let ip: IpAddr = self.peer.ip();
        let hub = self.app.hub.clone();
        match frame {
            ClientFrame::Create { scenario } => {
                if self.joined.is_some() {
                    return Err(ProtocolError::AlreadyJoined);
                }
                let now = Instant::now();
                if !hub.may_join(ip, now) {
                    return Err(ProtocolError::RateLimited);
                }
                let (live, secret) = hub
                    .create(&scenario)
                    .await
                    .inspect_err(|_| hub.join_failed(ip, now))?;
                let (joined, room) = live.join_facilitator(&secret)?;
                let code = live.code.clone();
                eprintln!(
                    "frontline-rooms: {}: opened room {code} for '{scenario}'",
                    self.peer
                );
                self.joined = Some(joined);
                Ok(Some(encode_server(&ServerFrame::Welcome {
                    code,
                    role: Role::Facilitator,
                    participant: None,
                    token: None,
                    secret: Some(secret),
                    room: Box::new(room),
                    now_ms: crate::rooms::now_ms(),
                    present: self.present(),
                })))
            }
            ClientFrame::Join {
                code,
                name,
                token,
                secret,
                view,
            } => {
                if self.joined.is_some() {
                    return Err(ProtocolError::AlreadyJoined);
                }
                let now = Instant::now();
                if !hub.may_join(ip, now) {
                    return Err(ProtocolError::RateLimited);
                }
                let fail = |e: ProtocolError| {
                    hub.join_failed(ip, now);
                    e
                };
                let code = RoomCode::parse(&code).map_err(fail)?;
                let live = hub
                    .find(&code)
                    .await
                    .ok_or(ProtocolError::NoSuchRoom)
                    .map_err(fail)?;
                if let Some(secret) = secret {
                    let (joined, room) = live.join_facilitator(&secret).map_err(fail)?;
                    self.joined = Some(joined);
                    return Ok(Some(encode_server(&ServerFrame::Welcome {
                        code,
                        role: Role::Facilitator,
                        participant: None,
                        token: None,
                        secret: None,
                        room: Box::new(room),
                        now_ms: crate::rooms::now_ms(),
                        present: self.present(),
                    })));
                }
                if view {
                    let (joined, room) = live.join_viewer()?;
                    self.joined = Some(joined);
                    return Ok(Some(encode_server(&ServerFrame::Welcome {
                        code,
                        role: Role::Viewer,
                        participant: None,
                        token: None,
                        secret: None,
                        room: Box::new(room.redacted()),
                        now_ms: crate::rooms::now_ms(),
                        present: self.present(),
                    })));
                }
                if token.as_deref().is_some_and(|t| !valid_token(t)) {
                    return Err(ProtocolError::BadToken);
                }
                let name = display_name(name.as_deref())?;
                let (joined, room, participant, token) =
                    hub.join_participant(&live, token, name).await?;
                let arrived = live.arrive(participant);
                self.joined = Some(joined);
                if arrived {
                    hub.presence_changed(&live).await;
                }
                Ok(Some(encode_server(&ServerFrame::Welcome {
                    code,
                    role: Role::Participant,
                    participant: Some(participant),
                    token: Some(token),
                    secret: None,
                    room: Box::new(room.redacted()),
                    now_ms: crate::rooms::now_ms(),
                    present: self.present(),
                })))
            }
            ClientFrame::Vote { round, choice } => {
                self.request(Request::Vote { round, choice }).await
            }
            ClientFrame::Command(command) => self.request(Request::Command(command)).await,
            ClientFrame::StartTeam { name } => self.request(Request::StartTeam { name }).await,
            ClientFrame::TeamChoose { choice } => {
                self.request(Request::TeamChoose { choice }).await
            }
        }
    }

    async fn request(&self, request: Request) -> Result<Option<String>, ProtocolError> {
        let joined = self.joined.as_ref().ok_or(ProtocolError::NotJoined)?;
        self.app
            .hub
            .request(&joined.room, joined.sender, request)
            .await?;
        Ok(None)
    }
}

enum Heard {
    Client(Option<Result<Message, axum::Error>>),
    Room(Result<Broadcast, broadcast::error::RecvError>),
    Stop,
}

async fn room_event(
    rx: Option<&mut broadcast::Receiver<Broadcast>>,
) -> Result<Broadcast, broadcast::error::RecvError> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_is_index_html_s() {
        let csp = content_security_policy();
        assert!(csp.starts_with("default-src 'self';"), "{csp}");
        assert!(csp.contains("connect-src 'self'"), "{csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let proxy: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", HeaderValue::from_static("6.6.6.6"));
        headers.append(
            "x-forwarded-for",
            HeaderValue::from_static("7.7.7.7, 10.0.0.9"),
        );
        let trusted = ["127.0.0.1".parse().unwrap()];
        // The proxy's own addition is the last address of the last header.
        assert_eq!(
            client_address(proxy, &headers, &trusted).ip(),
            "10.0.0.9".parse::<IpAddr>().unwrap()
        );
        // From anyone else, or with no proxy trusted, the header is the client's own words.
        assert_eq!(client_address(proxy, &headers, &[]), proxy);
        let other: SocketAddr = "192.168.1.4:1".parse().unwrap();
        assert_eq!(client_address(other, &headers, &trusted), other);
        // A header that does not parse leaves the peer.
        let mut junk = HeaderMap::new();
        junk.append("x-forwarded-for", HeaderValue::from_static("not-an-ip"));
        assert_eq!(client_address(proxy, &junk, &trusted), proxy);
        assert_eq!(client_address(proxy, &HeaderMap::new(), &trusted), proxy);
    }

    #[test]
    fn origins_must_be_the_host_s() {
        let mut h = HeaderMap::new();
        assert!(same_origin(&h), "no Origin: not a browser page");
        h.insert(HOST, HeaderValue::from_static("127.0.0.1:8080"));
        h.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:8080"));
        assert!(same_origin(&h));
        h.insert(ORIGIN, HeaderValue::from_static("https://127.0.0.1:8080"));
        assert!(same_origin(&h));
        for other in [
            "http://evil.example",
            "http://127.0.0.1:8081",
            "http://127.0.0.1:8080.evil.example",
            "null",
        ] {
            h.insert(ORIGIN, HeaderValue::from_static(other));
            assert!(!same_origin(&h), "{other}");
        }
        h.remove(HOST);
        h.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:8080"));
        assert!(!same_origin(&h), "an Origin with no Host to compare");
    }
}
