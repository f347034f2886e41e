//! The room server as clients meet it: a real server on 127.0.0.1 (port 0) with a temporary
//! `dist/` and data folder, WebSocket clients from tokio-tungstenite, plain HTTP for files.
//! Every wait is bounded.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use frontline_engine::Scenario;
use futures_util::{SinkExt, StreamExt};
use room_protocol::{
    ClientFrame, Command, LogEntry, Role, Room, ServerFrame, decode_server, encode_client,
};
use room_server::{Config, Server, WS_PATH, content_security_policy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const WAIT: Duration = Duration::from_secs(5);
const SCENARIO: &str = "stretch-target";

fn scenario() -> Arc<Scenario> {
    let src = include_str!("../../../scenarios/stretch-target.toml");
    Arc::new(
        frontline_engine::load("stretch-target.toml", src)
            .expect("the bundled scenario loads")
            .scenario,
    )
}

/// A temporary site: the app's index.html, a wasm file with a brotli twin, a compiled scenario.
struct Site {
    _dir: tempfile::TempDir,
    dist: PathBuf,
    data: PathBuf,
}

fn site() -> Site {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let dist = dir.path().join("dist");
    let data = dir.path().join("data");
    std::fs::create_dir_all(dist.join("scenarios")).unwrap();
    std::fs::write(dist.join("index.html"), include_str!("../../../index.html")).unwrap();
    std::fs::write(dist.join("boot.js"), "export {};\n").unwrap();
    std::fs::write(dist.join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dist.join("app_bg.wasm.br"), b"brotli bytes").unwrap();
    std::fs::write(
        dist.join("scenarios").join(format!("{SCENARIO}.flc")),
        frontline_engine::compiled::compile(&scenario()),
    )
    .unwrap();
    Site {
        _dir: dir,
        dist,
        data,
    }
}

fn config(site: &Site) -> Config {
    Config {
        address: SocketAddr::from(([127, 0, 0, 1], 0)),
        dist: site.dist.clone(),
        data: site.data.clone(),
        ..Config::new()
    }
}

async fn start(config: Config) -> Server {
    timeout(WAIT, Server::start(config))
        .await
        .expect("starts in time")
        .expect("starts")
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

struct Client {
    ws: Ws,
    /// The last presence count heard (presence frames are not part of the log, so `next`
    /// keeps them here rather than returning them).
    present: Option<u32>,
}

impl Client {
    async fn connect(addr: SocketAddr) -> Client {
        let (ws, _) = timeout(
            WAIT,
            tokio_tungstenite::connect_async(format!("ws://{addr}{WS_PATH}")),
        )
        .await
        .expect("connects in time")
        .expect("connects");
        Client { ws, present: None }
    }

    async fn send_text(&mut self, text: String) {
        timeout(WAIT, self.ws.send(Message::Text(text.into())))
            .await
            .expect("sends in time")
            .expect("sends");
    }

    async fn send(&mut self, frame: &ClientFrame) {
        self.send_text(encode_client(frame)).await;
    }

    /// The next frame from the server.
    async fn next(&mut self) -> ServerFrame {
        loop {
            let msg = timeout(WAIT, self.ws.next())
                .await
                .expect("a frame in time")
                .expect("the connection is open")
                .expect("a frame");
            match msg {
                Message::Text(text) => {
                    match decode_server(text.as_str()).expect("a server frame") {
                        ServerFrame::Presence { participants } => self.present = Some(participants),
                        frame => return frame,
                    }
                }
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    async fn entry(&mut self) -> LogEntry {
        match self.next().await {
            ServerFrame::Entry(e) => e,
            other => panic!("expected an entry, got {other:?}"),
        }
    }

    /// The room a replica reaches by applying the next `n` entries this client receives.
    async fn replay(&mut self, mut room: Room, scenario: &Arc<Scenario>, n: usize) -> Room {
        for _ in 0..n {
            room = room.apply(scenario, &self.entry().await).unwrap();
        }
        room
    }

    async fn error(&mut self) -> String {
        match self.next().await {
            ServerFrame::Error { code, .. } => code,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// Whether the server closes the connection within the wait.
    async fn closed(&mut self) -> bool {
        loop {
            match timeout(WAIT, self.ws.next()).await {
                Err(_) => return false,
                Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return true,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Asserts that nothing but presence arrives for a moment.
    async fn quiet(&mut self) {
        while let Ok(Some(msg)) = timeout(Duration::from_millis(300), self.ws.next()).await {
            if let Ok(Message::Text(text)) = &msg
                && let Ok(ServerFrame::Presence { participants }) = decode_server(text.as_str())
            {
                self.present = Some(participants);
                continue;
            }
            panic!("expected nothing, got {msg:?}");
        }
    }

    /// Waits until the presence count heard is `n`.
    async fn presence(&mut self, n: u32) {
        while self.present != Some(n) {
            let msg = timeout(WAIT, self.ws.next())
                .await
                .expect("presence in time")
                .expect("the connection is open")
                .expect("a frame");
            if let Message::Text(text) = msg
                && let Ok(ServerFrame::Presence { participants }) = decode_server(text.as_str())
            {
                self.present = Some(participants);
            }
        }
    }
}

struct Welcome {
    code: String,
    role: Role,
    participant: Option<u32>,
    token: Option<String>,
    secret: Option<String>,
    room: Room,
}

async fn welcome(client: &mut Client) -> Welcome {
    match client.next().await {
        ServerFrame::Welcome {
            code,
            role,
            participant,
            token,
            secret,
            room,
            now_ms,
            present,
        } => {
            check_clock(now_ms);
            client.present = Some(present);
            Welcome {
                code: code.to_string(),
                role,
                participant,
                token,
                secret,
                room: *room,
            }
        }
        other => panic!("expected a welcome, got {other:?}"),
    }
}

/// The server's time in a welcome is its clock now (the timer on a device uses it).
fn check_clock(now_ms: u64) {
    let here = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    assert!(
        now_ms.abs_diff(here) < 10_000,
        "welcome time {now_ms}, clock {here}"
    );
}

/// A facilitator with a new room, keeping a replica of it from the frames it receives.
struct Facilitator {
    client: Client,
    code: String,
    secret: String,
    replica: Room,
    scenario: Arc<Scenario>,
}

impl Facilitator {
    async fn open(addr: SocketAddr) -> Facilitator {
        let mut client = Client::connect(addr).await;
        client
            .send(&ClientFrame::Create {
                scenario: SCENARIO.into(),
            })
            .await;
        let w = welcome(&mut client).await;
        assert_eq!(w.role, Role::Facilitator);
        Facilitator {
            client,
            code: w.code,
            secret: w.secret.expect("the creator gets the secret"),
            replica: w.room,
            scenario: scenario(),
        }
    }

    /// Receives one entry and applies it to the replica.
    async fn follow(&mut self) -> LogEntry {
        let e = self.client.entry().await;
        self.replica = self
            .replica
            .apply(&self.scenario, &e)
            .expect("the server's entries apply");
        e
    }

    async fn command(&mut self, command: Command) -> LogEntry {
        self.client.send(&ClientFrame::Command(command)).await;
        self.follow().await
    }

    fn offered(&self) -> Vec<usize> {
        let session = self.replica.workshop.session(&self.scenario).unwrap();
        session.available_choices().map(|(i, _)| i).collect()
    }
}

async fn join(
    addr: SocketAddr,
    code: &str,
    name: Option<&str>,
    token: Option<&str>,
) -> (Client, Welcome) {
    let mut client = Client::connect(addr).await;
    client
        .send(&ClientFrame::Join {
            code: code.into(),
            name: name.map(str::to_owned),
            token: token.map(str::to_owned),
            secret: None,
            view: false,
        })
        .await;
    let w = welcome(&mut client).await;
    (client, w)
}

fn vote(round: u64, choice: usize) -> ClientFrame {
    ClientFrame::Vote { round, choice }
}

#[tokio::test]
async fn a_room_plays_join_vote_change_lock_reveal_and_decide() {
    let site = site();
    let server = start(config(&site)).await;
    let addr = server.address;
    let mut fac = Facilitator::open(addr).await;
    assert_eq!(fac.code.len(), 6);

    let (mut ana, wa) = join(addr, &fac.code, Some("Ana"), None).await;
    assert_eq!((wa.role, wa.participant), (Role::Participant, Some(0)));
    assert!(wa.secret.is_none(), "participants never see the secret");
    fac.follow().await;
    let (mut ben, wb) = join(addr, &fac.code.to_lowercase(), None, None).await;
    assert_eq!(wb.participant, Some(1));
    fac.follow().await;
    assert_eq!(fac.replica.participants[0].name.as_deref(), Some("Ana"));

    let offered = fac.offered();
    let (a, b) = (offered[0], offered[1]);
    ana.send(&vote(0, a)).await;
    fac.follow().await;
    ben.send(&vote(0, b)).await;
    fac.follow().await;
    assert_eq!(fac.replica.workshop.votes[a], 1);
    // Ana changes her vote: still one vote, now for B.
    ana.send(&vote(0, b)).await;
    fac.follow().await;
    assert_eq!(fac.replica.workshop.votes[a], 0);
    assert_eq!(fac.replica.workshop.votes[b], 2);

    fac.command(Command::Lock).await;
    // Every participant's replica gets the same entries: Ben's join, three ballots, the lock;
    // without display names, so no participant can tell whose ballot is whose.
    let ana_replica = ana.replay(wa.room.clone(), &fac.scenario, 5).await;
    assert_eq!(ana_replica, fac.replica.redacted());
    assert_eq!(ana_replica.participants[0].name, None);
    ana.send(&vote(0, a)).await;
    assert_eq!(ana.error().await, "vote_closed");
    fac.command(Command::Unlock).await;
    fac.command(Command::Reveal { shown: true }).await;
    assert!(fac.replica.workshop.revealed);
    // Ben's replica: three ballots, lock, unlock, reveal.
    let ben_replica = ben.replay(wb.room.clone(), &fac.scenario, 6).await;
    assert_eq!(ben_replica, fac.replica.redacted());
    ben.send(&vote(0, a)).await;
    assert_eq!(ben.error().await, "vote_closed");

    fac.command(Command::PlayMajority).await;
    let decided = &fac.replica.workshop.room[0];
    assert_eq!(decided.choice, b);
    assert_eq!(decided.votes[b], 2);
    assert_eq!(fac.replica.round, 1);

    // A fresh facilitator connection with the secret sees exactly the replica.
    let mut again = Client::connect(addr).await;
    again
        .send(&ClientFrame::Join {
            code: fac.code.clone(),
            name: None,
            token: None,
            secret: Some(fac.secret.clone()),
            view: false,
        })
        .await;
    let w = welcome(&mut again).await;
    assert_eq!(w.role, Role::Facilitator);
    assert_eq!(w.room, fac.replica);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_vote_resent_after_a_reconnect_counts_once() {
    let site = site();
    let server = start(config(&site)).await;
    let addr = server.address;
    let mut fac = Facilitator::open(addr).await;
    let token = "phone-token-0123456789";
    let (mut ana, w) = join(addr, &fac.code, None, Some(token)).await;
    assert_eq!(w.token.as_deref(), Some(token));
    fac.follow().await;
    let choice = fac.offered()[0];
    ana.send(&vote(0, choice)).await;
    fac.follow().await;
    drop(ana);

    let (mut ana, w) = join(addr, &fac.code, None, Some(token)).await;
    assert_eq!(w.participant, Some(0), "the same participant again");
    assert_eq!(w.room.ballots.get(&0), Some(&choice));
    assert_eq!(w.room.participants.len(), 1);
    ana.send(&vote(0, choice)).await;
    ana.quiet().await;
    // Nothing was appended for the rejoin or the resent vote: the next entry is the lock.
    let position = fac.replica.position;
    let lock = fac.command(Command::Lock).await;
    assert_eq!(lock.seq, position);
    assert_eq!(fac.replica.workshop.votes[choice], 1);

    // A server-issued token works the same way.
    let (_bob, w) = join(addr, &fac.code, Some("Bob"), None).await;
    let issued = w.token.expect("a token is issued");
    fac.follow().await;
    let (_bob, w) = join(addr, &fac.code, None, Some(&issued)).await;
    assert_eq!(w.participant, Some(1));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn participants_cannot_command_and_wrong_secrets_are_refused() {
    let site = site();
    let server = start(config(&site)).await;
    let addr = server.address;
    let mut fac = Facilitator::open(addr).await;
    let (mut ana, _) = join(addr, &fac.code, None, None).await;
    fac.follow().await;
    for command in [
        Command::Lock,
        Command::PlayMajority,
        Command::Rewind { decisions: 0 },
    ] {
        ana.send(&ClientFrame::Command(command)).await;
        assert_eq!(ana.error().await, "not_facilitator");
    }
    fac.client.send(&vote(0, 0)).await;
    assert_eq!(fac.client.error().await, "not_participant");

    let mut mallory = Client::connect(addr).await;
    mallory
        .send(&ClientFrame::Join {
            code: fac.code.clone(),
            name: None,
            token: None,
            secret: Some("guessed".into()),
            view: false,
        })
        .await;
    assert_eq!(mallory.error().await, "not_facilitator");
    mallory.send(&ClientFrame::Command(Command::Lock)).await;
    assert_eq!(mallory.error().await, "not_joined");
    fac.client.quiet().await;
    assert!(!fac.replica.locked);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn hostile_frames_get_error_frames_and_other_rooms_carry_on() {
    let site = site();
    let server = start(config(&site)).await;
    let addr = server.address;
    let mut fac1 = Facilitator::open(addr).await;
    let mut fac2 = Facilitator::open(addr).await;
    let (mut hostile, _) = join(addr, &fac1.code, None, None).await;
    fac1.follow().await;
    let (mut other, _) = join(addr, &fac2.code, None, None).await;
    fac2.follow().await;

    let cases = [
        ("not json".to_owned(), "bad_frame"),
        ("{}".to_owned(), "bad_frame"),
        (r#"{"v":1,"type":"shout"}"#.to_owned(), "bad_frame"),
        (
            r#"{"v":1,"type":"vote","round":0,"choice":999999}"#.to_owned(),
            "refused",
        ),
        (
            r#"{"v":1,"type":"vote","round":7,"choice":0}"#.to_owned(),
            "vote_closed",
        ),
        (
            r#"{"v":9,"type":"vote","round":0,"choice":0}"#.to_owned(),
            "unsupported_version",
        ),
        (
            format!(r#"{{"v":1,"type":"join","code":"{}"}}"#, "x".repeat(5000)),
            "too_large",
        ),
        (
            r#"{"v":1,"type":"join","code":"ABCDEF"}"#.to_owned(),
            "already_joined",
        ),
    ];
    for (frame, code) in cases {
        hostile.send_text(frame.clone()).await;
        assert_eq!(
            hostile.error().await,
            code,
            "{}",
            &frame[..frame.len().min(60)]
        );
    }
    hostile
        .ws
        .send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .unwrap();
    assert_eq!(hostile.error().await, "bad_frame");
    // Still a working connection.
    let choice = fac1.offered()[0];
    hostile.send(&vote(0, choice)).await;
    assert_eq!(fac1.follow().await.seq, 1);

    // The other room saw nothing and still works.
    other.send(&vote(0, fac2.offered()[1])).await;
    let e = fac2.follow().await;
    assert_eq!(e.seq, 1);
    assert_eq!(fac2.replica.ballots.len(), 1);

    // Past the WebSocket layer's hard cap the connection is closed; nobody else notices.
    hostile.send_text("y".repeat(100 * 1024)).await;
    assert!(hostile.closed().await);
    fac2.command(Command::Lock).await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_flooding_connection_is_rate_limited() {
    let site = site();
    let mut config = config(&site);
    config.frame_burst = 5.0;
    config.frames_per_s = 0.01;
    let server = start(config).await;
    let mut client = Client::connect(server.address).await;
    for _ in 0..5 {
        client.send(&vote(0, 0)).await;
        assert_eq!(client.error().await, "not_joined");
    }
    client.send(&vote(0, 0)).await;
    assert_eq!(client.error().await, "rate_limited");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn wrong_codes_are_rate_limited_per_address() {
    let site = site();
    let mut config = config(&site);
    config.join_burst = 5.0;
    config.join_refill_per_s = 0.01;
    let server = start(config).await;
    let addr = server.address;
    let fac = Facilitator::open(addr).await;
    let wrong = if fac.code == "222222" {
        "333333"
    } else {
        "222222"
    };
    for i in 0..5 {
        let mut guess = Client::connect(addr).await;
        let code = if i == 0 { "0OIL1X" } else { wrong };
        guess
            .send(&ClientFrame::Join {
                code: code.into(),
                name: None,
                token: None,
                secret: None,
                view: false,
            })
            .await;
        let expected = if i == 0 { "bad_code" } else { "no_such_room" };
        assert_eq!(guess.error().await, expected);
    }
    // The address is out of attempts, even with the right code on a new connection.
    let mut late = Client::connect(addr).await;
    late.send(&ClientFrame::Join {
        code: fac.code.clone(),
        name: None,
        token: None,
        secret: None,
        view: false,
    })
    .await;
    assert_eq!(late.error().await, "rate_limited");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn upgrades_from_other_origins_are_refused() {
    let site = site();
    let server = start(config(&site)).await;
    let addr = server.address;
    let mut request = format!("ws://{addr}{WS_PATH}")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("Origin", "http://evil.example".parse().unwrap());
    match timeout(WAIT, tokio_tungstenite::connect_async(request))
        .await
        .unwrap()
    {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403);
        }
        other => panic!("expected 403, got {:?}", other.map(|(_, r)| r.status())),
    }
    let mut request = format!("ws://{addr}{WS_PATH}")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("Origin", format!("http://{addr}").parse().unwrap());
    let (ws, _) = timeout(WAIT, tokio_tungstenite::connect_async(request))
        .await
        .unwrap()
        .expect("the server's own origin is welcome");
    drop(ws);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_restarted_server_resumes_every_room_exactly() {
    let site = site();
    let server = start(config(&site)).await;
    let addr = server.address;
    let mut fac = Facilitator::open(addr).await;
    let mut second = Facilitator::open(addr).await;
    let mut phones = Vec::new();
    for i in 0..3 {
        let token = format!("restart-token-{i:04}-abcdef");
        let (phone, _) = join(addr, &fac.code, Some(&format!("P{i}")), Some(&token)).await;
        fac.follow().await;
        phones.push((phone, token));
    }
    let offered = fac.offered();
    for (i, (phone, _)) in phones.iter_mut().enumerate() {
        phone.send(&vote(0, offered[i % 2])).await;
        fac.follow().await;
    }
    fac.command(Command::Play { choice: offered[1] }).await;
    let next = fac.offered();
    phones[0].0.send(&vote(1, next[0])).await;
    fac.follow().await;
    fac.command(Command::SetTimer { seconds: 90 }).await;
    fac.command(Command::ToggleTimer).await;
    second.command(Command::Lock).await;
    let (code, secret, before) = (fac.code.clone(), fac.secret.clone(), fac.replica.clone());
    let (code2, secret2, before2) = (
        second.code.clone(),
        second.secret.clone(),
        second.replica.clone(),
    );
    drop(phones);
    drop(fac);
    drop(second);
    server.stop().await.unwrap();

    let server = start(config(&site)).await;
    let addr = server.address;
    for (code, secret, before) in [(&code, &secret, &before), (&code2, &secret2, &before2)] {
        let mut back = Client::connect(addr).await;
        back.send(&ClientFrame::Join {
            code: code.clone(),
            name: None,
            token: None,
            secret: Some(secret.clone()),
            view: false,
        })
        .await;
        let w = welcome(&mut back).await;
        assert_eq!(&w.room, before, "room {code} resumes exactly");
    }
    // Participants keep their numbers and ballots.
    let (_p, w) = join(addr, &code, None, Some("restart-token-0000-abcdef")).await;
    assert_eq!(w.participant, Some(0));
    assert_eq!(w.room.ballots.get(&0), Some(&before.ballots[&0]));
    assert_eq!(w.room.workshop.room.len(), 1);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_room_whose_scenario_is_gone_waits_without_harming_the_others() {
    let site = site();
    let server = start(config(&site)).await;
    let mut fac = Facilitator::open(server.address).await;
    fac.command(Command::Lock).await;
    let code = fac.code.clone();
    drop(fac);
    server.stop().await.unwrap();

    let flc = site.dist.join("scenarios").join(format!("{SCENARIO}.flc"));
    let bytes = std::fs::read(&flc).unwrap();
    std::fs::write(&flc, b"not a compiled scenario").unwrap();
    let server = start(config(&site)).await;
    let mut phone = Client::connect(server.address).await;
    phone
        .send(&ClientFrame::Join {
            code: code.clone(),
            name: None,
            token: None,
            secret: None,
            view: false,
        })
        .await;
    assert_eq!(phone.error().await, "no_such_room");
    phone
        .send(&ClientFrame::Create {
            scenario: SCENARIO.into(),
        })
        .await;
    assert_eq!(phone.error().await, "unknown_scenario");
    server.stop().await.unwrap();

    // Its log was kept: with the scenario back, the room resumes.
    std::fs::write(&flc, bytes).unwrap();
    let server = start(config(&site)).await;
    let (_phone, w) = join(server.address, &code, None, None).await;
    assert!(w.room.locked);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn idle_rooms_expire_and_their_data_is_deleted() {
    let site = site();
    let mut config = config(&site);
    config.idle = Duration::from_millis(1500);
    config.sweep_every = Duration::from_millis(100);
    let server = start(config).await;
    let addr = server.address;
    let fac = Facilitator::open(addr).await;
    let (mut phone, _) = join(addr, &fac.code, Some("Ana"), None).await;
    let code = room_protocol::RoomCode::parse(&fac.code).unwrap();
    assert!(server.hub().store().unwrap().rows(&code).unwrap() >= 3);
    assert_eq!(
        phone.error().await,
        "gone",
        "the room closes when it expires"
    );
    assert!(phone.closed().await);
    assert_eq!(server.hub().store().unwrap().rows(&code).unwrap(), 0);
    let mut late = Client::connect(addr).await;
    late.send(&ClientFrame::Join {
        code: fac.code.clone(),
        name: None,
        token: None,
        secret: None,
        view: false,
    })
    .await;
    assert_eq!(late.error().await, "no_such_room");
    server.stop().await.unwrap();
}

/// A plain HTTP/1.1 GET: status, lower-cased headers, body.
async fn get(
    addr: SocketAddr,
    path: &str,
    accept: Option<&str>,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let accept = accept.map_or(String::new(), |a| format!("Accept-Encoding: {a}\r\n"));
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{accept}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    timeout(WAIT, stream.read_to_end(&mut raw))
        .await
        .unwrap()
        .unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, raw[split + 4..].to_vec())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn static_files_carry_the_policy_types_and_caching() {
    let site = site();
    let server = start(config(&site)).await;
    let addr = server.address;

    for path in ["/", "/index.html"] {
        let (status, headers, body) = get(addr, path, None).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            header(&headers, "content-type")
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(
            header(&headers, "content-security-policy"),
            Some(content_security_policy())
        );
        assert_eq!(header(&headers, "cache-control"), Some("no-cache"));
        assert_eq!(header(&headers, "x-content-type-options"), Some("nosniff"));
        assert_eq!(body, include_bytes!("../../../index.html"));
    }
    let (status, headers, body) = get(addr, "/app_bg.wasm", None).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), Some("application/wasm"));
    assert_eq!(body, b"\0asm\x01\0\0\0");
    let (_, headers, body) = get(addr, "/app_bg.wasm", Some("gzip, br")).await;
    assert_eq!(header(&headers, "content-encoding"), Some("br"));
    assert_eq!(header(&headers, "content-type"), Some("application/wasm"));
    assert_eq!(body, b"brotli bytes");
    let (_, headers, _) = get(addr, "/boot.js", None).await;
    assert!(
        header(&headers, "content-type")
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(header(&headers, "cache-control"), Some("no-cache"));
    let (status, _, _) = get(addr, "/missing.js", None).await;
    assert_eq!(status, 404);
    let (status, _, _) = get(addr, "/../Cargo.toml", None).await;
    assert!(status == 404 || status == 400, "{status}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_projector_watches_and_teams_play_their_own_paths() {
    let site = site();
    let server = start(config(&site)).await;
    let addr = server.address;
    let mut fac = Facilitator::open(addr).await;
    let (mut team, wt) = join(addr, &fac.code, Some("Ana"), None).await;
    fac.follow().await;

    // The projector joins by code to watch: no participant number, no names, no commands.
    let mut projector = Client::connect(addr).await;
    projector
        .send(&ClientFrame::Join {
            code: fac.code.clone(),
            name: None,
            token: None,
            secret: None,
            view: true,
        })
        .await;
    let wp = welcome(&mut projector).await;
    assert_eq!((wp.role, wp.participant), (Role::Viewer, None));
    assert_eq!(wp.room, fac.replica.redacted());
    assert_eq!(
        wp.room.participants.len(),
        1,
        "the projector is not a participant"
    );
    projector.send(&ClientFrame::Command(Command::Lock)).await;
    assert_eq!(projector.error().await, "not_facilitator");
    projector.send(&vote(0, 0)).await;
    assert_eq!(projector.error().await, "not_participant");

    // Teams only start in teams mode.
    team.send(&ClientFrame::StartTeam {
        name: "Blue".into(),
    })
    .await;
    assert_eq!(team.error().await, "team_refused");
    fac.command(Command::Mode {
        mode: room_protocol::Mode::Teams,
    })
    .await;
    fac.command(Command::Show {
        panel: room_protocol::Panel::Briefing,
    })
    .await;
    team.send(&ClientFrame::StartTeam {
        name: "Blue".into(),
    })
    .await;
    fac.follow().await;
    // The team plays its first offered choice until its path ends; its result joins the
    // workshop's teams for the debrief.
    for _ in 0..40 {
        let t = fac.replica.team_of(0).expect("the device plays for Blue");
        let session = fac.replica.team_session(&fac.scenario, t).unwrap();
        if session.is_ended() {
            break;
        }
        let choice = session.available_choices().next().unwrap().0;
        team.send(&ClientFrame::TeamChoose { choice }).await;
        fac.follow().await;
    }
    assert_eq!(fac.replica.workshop.teams.len(), 1);
    assert_eq!(fac.replica.workshop.teams[0].name, "Blue");
    let projector_replica = projector
        .replay(
            wp.room.clone(),
            &fac.scenario,
            (fac.replica.position - wp.room.position) as usize,
        )
        .await;
    assert_eq!(projector_replica, fac.replica.redacted());
    assert_eq!(projector_replica.shown, room_protocol::Panel::Briefing);
    let team_replica = team
        .replay(
            wt.room.clone(),
            &fac.scenario,
            (fac.replica.position - wt.room.position) as usize,
        )
        .await;
    assert_eq!(team_replica, fac.replica.redacted());
}

#[tokio::test]
async fn pages_learn_they_are_on_a_room_server_and_join_has_a_short_address() {
    let site = site();
    let server = start(config(&site)).await;
    let addr = server.address;
    let (status, headers, body) = get(addr, "/rooms/info", None).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), Some("application/json"));
    let info: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(info["v"], 1);
    // On loopback, no address for other devices.
    assert_eq!(info["addresses"], serde_json::json!([]));
    let (status, headers, _) = get(addr, "/join", None).await;
    assert_eq!(status, 303);
    assert_eq!(header(&headers, "location"), Some("/room.html"));
    server.stop().await.unwrap();
    let any = room_server::network_addresses("0.0.0.0".parse().unwrap());
    assert!(any.iter().all(|ip| !ip.is_loopback() && ip.is_ipv4()));
    assert_eq!(
        room_server::network_addresses("192.168.1.20".parse().unwrap()),
        vec!["192.168.1.20".parse::<std::net::IpAddr>().unwrap()]
    );
}

impl Client {
    /// The next error, past the entries this connection has not read yet.
    async fn refusal(&mut self) -> String {
        loop {
            match self.next().await {
                ServerFrame::Error { code, .. } => return code,
                ServerFrame::Entry(_) => continue,
                other => panic!("expected an error, got {other:?}"),
            }
        }
    }
}

/// The room as the server holds it now (what a fresh welcome would carry).
fn held(server: &Server, code: &str) -> Room {
    let code = room_protocol::RoomCode::parse(code).unwrap();
    server
        .hub()
        .room(&code)
        .expect("the room is held")
        .snapshot()
        .0
}

/// Joins with wrong codes from one connection: `codes` at once, then every refusal. The
/// server closes the connection after 50 refusals in a row, so each connection sends 50.
async fn wrong_joins(addr: SocketAddr, codes: Vec<(String, bool)>) -> Vec<String> {
    let mut guess = Client::connect(addr).await;
    for (code, _) in &codes {
        guess
            .send(&ClientFrame::Join {
                code: code.clone(),
                name: None,
                token: None,
                secret: None,
                view: false,
            })
            .await;
    }
    let mut refusals = Vec::with_capacity(codes.len());
    for (code, well_formed) in &codes {
        let refusal = guess.error().await;
        let expected = if *well_formed {
            "no_such_room"
        } else {
            "bad_code"
        };
        assert!(
            refusal == expected || refusal == "rate_limited",
            "{code:?}: {refusal}"
        );
        refusals.push(refusal);
    }
    assert!(guess.closed().await, "closed after 50 refusals in a row");
    refusals
}

#[tokio::test]
async fn ten_thousand_wrong_joins_are_refused_while_a_room_plays_on() {
    const CONNECTIONS: usize = 200;
    const PER_CONNECTION: usize = 50;
    const FAILED_JOINS: usize = 2_000;
    let site = site();
    let mut config = config(&site);
    // Enough failed joins for the address that the first 2,000 wrong codes reach the room
    // lookup, none regained, so the other 8,000 are rate_limited; each flooding
    // connection may send its 50 frames at once.
    config.join_burst = FAILED_JOINS as f64;
    config.join_refill_per_s = 0.0;
    config.frame_burst = PER_CONNECTION as f64;
    let server = start(config).await;
    let addr = server.address;
    let mut fac = Facilitator::open(addr).await;
    // The room's participants join before the flood: failed joins are counted per address,
    // and everyone here is 127.0.0.1.
    let mut phones = Vec::new();
    for _ in 0..3 {
        phones.push(join(addr, &fac.code, None, None).await.0);
        fac.follow().await;
    }

    let malformed = [
        "0OIL1X",
        "ABC",
        "ABCDEFG",
        "",
        "ÄBCDEF",
        "AB CDE",
        "<svg>",
        "ABCDE\u{0}",
        "123456",
    ];
    let mut work: Vec<Vec<(String, bool)>> = vec![Vec::new(); CONNECTIONS];
    for i in 0..CONNECTIONS * PER_CONNECTION {
        let code = if i % 2 == 0 {
            let code = room_protocol::RoomCode::from_random(i as u64 * 7_919 + 1).to_string();
            let code = if code == fac.code {
                "222222".into()
            } else {
                code
            };
            // Lower case is forgiven: still a well-formed code for no room.
            (
                if i % 4 == 0 {
                    code.to_lowercase()
                } else {
                    code
                },
                true,
            )
        } else {
            (malformed[i % malformed.len()].to_owned(), false)
        };
        work[i % CONNECTIONS].push(code);
    }
    // A few workers, each opening its connections one after another.
    let mut workers = Vec::new();
    for share in work.chunks(CONNECTIONS / 4) {
        let share = share.to_vec();
        workers.push(tokio::spawn(async move {
            let mut refusals = Vec::new();
            for codes in share {
                refusals.extend(wrong_joins(addr, codes).await);
            }
            refusals
        }));
    }

    // Meanwhile the room plays: ballots, a change of mind, lock, refusals, reveal, decision.
    let offered = fac.offered();
    let (a, b) = (offered[0], offered[1]);
    for (phone, choice) in phones.iter_mut().zip([a, b, b]) {
        phone.send(&vote(0, choice)).await;
        fac.follow().await;
    }
    phones[1].send(&vote(0, a)).await;
    fac.follow().await;
    fac.command(Command::Lock).await;
    phones[2].send(&vote(0, a)).await;
    phones[0].send(&ClientFrame::Command(Command::Unlock)).await;
    fac.command(Command::Reveal { shown: true }).await;
    fac.command(Command::PlayMajority).await;
    phones[1].send(&vote(0, b)).await;
    let next = fac.offered()[0];
    phones[2].send(&vote(1, next)).await;
    let ballot = fac.follow().await;
    assert_eq!(
        ballot.entry,
        room_protocol::Entry::Ballot {
            participant: 2,
            round: 1,
            choice: next
        }
    );

    let mut refusals: Vec<String> = Vec::new();
    for worker in workers {
        refusals.extend(
            timeout(Duration::from_secs(30), worker)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    assert_eq!(refusals.len(), CONNECTIONS * PER_CONNECTION);
    let limited = refusals.iter().filter(|r| *r == "rate_limited").count();
    assert_eq!(
        limited,
        refusals.len() - FAILED_JOINS,
        "the address ran out once"
    );

    // The room's own refusals came back to the senders, each after their earlier entries.
    assert_eq!(phones[2].refusal().await, "vote_closed", "after lock");
    assert_eq!(phones[0].refusal().await, "not_facilitator");
    assert_eq!(phones[1].refusal().await, "vote_closed", "an old round");

    // The room is exactly what its entries say, and nothing else reached it.
    let room = held(&server, &fac.code);
    assert_eq!(room, fac.replica);
    assert_eq!(room.participants.len(), 3, "no wrong code added anyone");
    assert_eq!(
        room.position,
        3 + 4 + 3 + 1,
        "joins, ballots, commands, the last ballot"
    );
    assert_eq!(room.round, 1);
    let decided = &room.workshop.room[0];
    assert_eq!(
        (decided.choice, decided.votes[a], decided.votes[b]),
        (a, 2, 1)
    );
    assert_eq!(room.ballots, [(2, next)].into_iter().collect());
    // Still serving: a new connection is answered.
    let mut late = Client::connect(addr).await;
    late.send(&vote(0, a)).await;
    assert_eq!(late.error().await, "not_joined");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn votes_for_a_closed_decision_are_refused_and_change_nothing() {
    let site = site();
    let server = start(config(&site)).await;
    let addr = server.address;
    let mut fac = Facilitator::open(addr).await;
    let (mut ana, _) = join(addr, &fac.code, None, None).await;
    fac.follow().await;
    let code = room_protocol::RoomCode::parse(&fac.code).unwrap();
    let offered = fac.offered();
    let (a, b) = (offered[0], offered[1]);
    ana.send(&vote(0, a)).await;
    fac.follow().await;

    // Each refusal: the error, no entry for anyone, the same rows in the store, the same room.
    async fn refused(
        server: &Server,
        code: &room_protocol::RoomCode,
        fac: &mut Facilitator,
        ana: &mut Client,
        frame: ClientFrame,
        why: &str,
    ) {
        let rows = server.hub().store().unwrap().rows(code).unwrap();
        ana.send(&frame).await;
        assert_eq!(ana.refusal().await, "vote_closed", "{why}");
        fac.client.quiet().await;
        assert_eq!(
            server.hub().store().unwrap().rows(code).unwrap(),
            rows,
            "{why}"
        );
        assert_eq!(held(server, code.as_str()), fac.replica, "{why}");
    }

    fac.command(Command::Lock).await;
    refused(&server, &code, &mut fac, &mut ana, vote(0, b), "locked").await;
    fac.command(Command::Unlock).await;
    fac.command(Command::Reveal { shown: true }).await;
    refused(&server, &code, &mut fac, &mut ana, vote(0, b), "revealed").await;
    assert_eq!(fac.replica.ballots.get(&0), Some(&a), "the ballot stands");
    fac.command(Command::Play { choice: b }).await;
    assert_eq!(fac.replica.round, 1);
    for choice in [a, b] {
        refused(
            &server,
            &code,
            &mut fac,
            &mut ana,
            vote(0, choice),
            "round 0 after a play",
        )
        .await;
    }
    fac.command(Command::ClearVotes).await;
    assert_eq!(fac.replica.round, 2);
    let offered_now = fac.offered()[0];
    refused(
        &server,
        &code,
        &mut fac,
        &mut ana,
        vote(1, offered_now),
        "round 1 after clear_votes",
    )
    .await;
    fac.command(Command::Rewind { decisions: 0 }).await;
    assert_eq!(fac.replica.round, 3);
    assert!(fac.replica.workshop.room.is_empty());
    refused(
        &server,
        &code,
        &mut fac,
        &mut ana,
        vote(2, a),
        "round 2 after a rewind",
    )
    .await;
    refused(
        &server,
        &code,
        &mut fac,
        &mut ana,
        vote(0, a),
        "round 0 after a rewind",
    )
    .await;
    // The open round still takes ballots.
    ana.send(&vote(3, a)).await;
    let e = fac.follow().await;
    assert_eq!(
        e.entry,
        room_protocol::Entry::Ballot {
            participant: 0,
            round: 3,
            choice: a
        }
    );
    assert_eq!(held(&server, &fac.code), fac.replica);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn every_other_facilitator_command_from_a_participant_is_refused() {
    // Lock, play_majority and rewind are covered above
    // (participants_cannot_command_and_wrong_secrets_are_refused).
    let site = site();
    let server = start(config(&site)).await;
    let addr = server.address;
    let mut fac = Facilitator::open(addr).await;
    let (mut ana, _) = join(addr, &fac.code, None, None).await;
    fac.follow().await;
    let choice = fac.offered()[0];
    ana.send(&vote(0, choice)).await;
    fac.follow().await;
    fac.command(Command::Lock).await;
    let code = room_protocol::RoomCode::parse(&fac.code).unwrap();
    let rows = server.hub().store().unwrap().rows(&code).unwrap();
    let commands = [
        Command::Unlock,
        Command::Reveal { shown: true },
        Command::Play { choice },
        Command::ClearVotes,
        Command::StartClock,
        Command::SetTimer { seconds: 60 },
        Command::ToggleTimer,
        Command::ResetTimer,
        Command::AddTeam {
            name: "Team".into(),
            code: "x".into(),
        },
        Command::RemoveTeam {
            name: "Team".into(),
        },
        Command::Show {
            panel: room_protocol::Panel::Debrief,
        },
        Command::Mode {
            mode: room_protocol::Mode::Teams,
        },
        Command::Plan { quick: Vec::new() },
    ];
    for command in commands {
        ana.send(&ClientFrame::Command(command.clone())).await;
        assert_eq!(ana.refusal().await, "not_facilitator", "{command:?}");
    }
    fac.client.quiet().await;
    assert_eq!(server.hub().store().unwrap().rows(&code).unwrap(), rows);
    assert_eq!(held(&server, &fac.code), fac.replica);
    assert!(fac.replica.locked && !fac.replica.workshop.revealed);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_room_hears_how_many_participants_are_connected_now() {
    let site = site();
    let server = start(config(&site)).await;
    let addr = server.address;
    let mut fac = Facilitator::open(addr).await;
    assert_eq!(fac.client.present, Some(0));
    let (mut ana, wa) = join(addr, &fac.code, Some("Ana"), None).await;
    assert_eq!(ana.present, Some(1), "the welcome counts the newcomer");
    fac.client.presence(1).await;
    let (ben, _) = join(addr, &fac.code, None, None).await;
    fac.client.presence(2).await;
    // A second connection of the same participant is still one participant.
    let token = wa.token.clone().unwrap();
    ana.presence(2).await;
    let (ana_again, _) = join(addr, &fac.code, None, Some(&token)).await;
    ana.quiet().await;
    assert_eq!(ana.present, Some(2));
    drop(ana_again);
    ana.quiet().await;
    assert_eq!(ana.present, Some(2), "Ana still has a connection");
    drop(ben);
    fac.client.presence(1).await;
    ana.presence(1).await;
    drop(ana);
    fac.client.presence(0).await;
    // A projector counts nobody.
    let mut projector = Client::connect(addr).await;
    projector
        .send(&ClientFrame::Join {
            code: fac.code.clone(),
            name: None,
            token: None,
            secret: None,
            view: true,
        })
        .await;
    welcome(&mut projector).await;
    assert_eq!(projector.present, Some(0));
    fac.client.quiet().await;
    assert_eq!(fac.client.present, Some(0));
    server.stop().await.unwrap();
}
