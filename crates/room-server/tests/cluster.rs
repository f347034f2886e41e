//! Several nodes sharing rooms through NATS JetStream, as clients meet them: a real
//! `nats-server -js`, two `frontline-rooms --nats` processes and haproxy with
//! `deploy/haproxy.cfg`, all on free loopback ports, every process killed when its test ends.
//! Every wait is bounded.
//!
//! The tests need Debian's `nats-server` and `haproxy`. Without them each test prints why it
//! is skipped and passes, unless `FRONTLINE_REQUIRE_CLUSTER` is set (as CI does): then their
//! absence is a failure. The tests take turns (one cluster at a time on a small machine).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use frontline_engine::Scenario;
use futures_util::{SinkExt, StreamExt};
use room_protocol::{
    ClientFrame, Command as RoomCommand, Entry, LogEntry, Room, ServerFrame, decode_server,
    encode_client,
};
use room_server::WS_PATH;
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const WAIT: Duration = Duration::from_secs(10);
const SCENARIO: &str = "stretch-target";

/// One cluster at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn scenario() -> Arc<Scenario> {
    let src = include_str!("../../../scenarios/stretch-target.toml");
    Arc::new(
        frontline_engine::load("stretch-target.toml", src)
            .expect("the bundled scenario loads")
            .scenario,
    )
}

/// A program on the PATH or in Debian's sbin folders (not on a normal user's PATH).
fn tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/usr/local/sbin".into(), "/sbin".into()])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// A child process, killed (SIGKILL) and reaped when dropped.
struct Process {
    child: Child,
}

impl Process {
    fn spawn(command: &mut Command, log: &Path) -> Process {
        let log = std::fs::File::create(log).expect("a log file");
        let child = command
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("a log file"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("{command:?} does not start: {e}"));
        Process { child }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until something accepts connections on `port`.
async fn listening(port: u16, what: &str, process: &mut Process, log: &Path) {
    let deadline = Instant::now() + WAIT;
    while TcpStream::connect(loopback(port)).await.is_err() {
        if let Ok(Some(status)) = process.child.try_wait() {
            panic!(
                "{what} exited ({status}):\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            Instant::now() < deadline,
            "{what} is not listening on port {port} after {WAIT:?}:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// nats-server, two nodes and haproxy, in a temporary folder.
struct Cluster {
    dir: tempfile::TempDir,
    nats_port: u16,
    node_ports: [u16; 2],
    proxy_port: u16,
    nodes: [Option<Process>; 2],
    /// Options every node gets besides its port, dist and NATS.
    node_args: Vec<String>,
    // Dropped last: the nodes go before the server they talk to.
    _proxy: Process,
    _nats: Process,
}

impl Cluster {
    /// The cluster, or `None` (with a message) when the tools are missing and not required.
    async fn start() -> Option<Cluster> {
        Cluster::start_with(&[]).await
    }

    /// The cluster with extra options for the nodes.
    async fn start_with(node_args: &[&str]) -> Option<Cluster> {
        let (Some(nats), Some(haproxy)) = (tool("nats-server"), tool("haproxy")) else {
            assert!(
                std::env::var_os("FRONTLINE_REQUIRE_CLUSTER").is_none(),
                "FRONTLINE_REQUIRE_CLUSTER is set, but nats-server or haproxy is not installed \
                 (apt-get install nats-server haproxy)"
            );
            eprintln!(
                "skipped: nats-server or haproxy is not installed (apt-get install nats-server \
                 haproxy; set FRONTLINE_REQUIRE_CLUSTER=1 to make this a failure)"
            );
            return None;
        };
        let dir = tempfile::tempdir().expect("a temporary folder");
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(dist.join("scenarios")).unwrap();
        std::fs::write(dist.join("index.html"), include_str!("../../../index.html")).unwrap();
        std::fs::write(
            dist.join("scenarios").join(format!("{SCENARIO}.flc")),
            frontline_engine::compiled::compile(&scenario()),
        )
        .unwrap();

        let nats_port = free_port();
        let log = dir.path().join("nats.log");
        let mut nats_process = Process::spawn(
            Command::new(nats).args([
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                &nats_port.to_string(),
                "-sd",
                &dir.path().join("jetstream").to_string_lossy(),
            ]),
            &log,
        );
        listening(nats_port, "nats-server", &mut nats_process, &log).await;

        let node_ports = [free_port(), free_port()];
        let proxy_port = free_port();
        let config = include_str!("../../../deploy/haproxy.cfg")
            .replace("127.0.0.1:8180", &format!("127.0.0.1:{proxy_port}"))
            .replace("127.0.0.1:8181", &format!("127.0.0.1:{}", node_ports[0]))
            .replace("127.0.0.1:8182", &format!("127.0.0.1:{}", node_ports[1]));
        let config_path = dir.path().join("haproxy.cfg");
        std::fs::write(&config_path, config).unwrap();

        let mut cluster = Cluster {
            nats_port,
            node_ports,
            proxy_port,
            nodes: [None, None],
            node_args: node_args.iter().map(|a| a.to_string()).collect(),
            _proxy: {
                let log = dir.path().join("haproxy.log");
                let mut proxy = Process::spawn(
                    Command::new(haproxy).arg("-db").arg("-f").arg(&config_path),
                    &log,
                );
                listening(proxy_port, "haproxy", &mut proxy, &log).await;
                proxy
            },
            _nats: nats_process,
            dir,
        };
        cluster.start_node(0).await;
        cluster.start_node(1).await;
        // haproxy's health checks see both nodes up (rise 2, every 500 ms).
        tokio::time::sleep(Duration::from_millis(1200)).await;
        Some(cluster)
    }

    async fn start_node(&mut self, i: usize) {
        let port = self.node_ports[i];
        let log = self.dir.path().join(format!("node-{i}.log"));
        let mut node = Process::spawn(
            Command::new(env!("CARGO_BIN_EXE_frontline-rooms"))
                .args([
                    "--port",
                    &port.to_string(),
                    "--dist",
                    &self.dir.path().join("dist").to_string_lossy(),
                    "--data",
                    &self
                        .dir
                        .path()
                        .join(format!("unused-data-{i}"))
                        .to_string_lossy(),
                    "--nats",
                    &format!("nats://127.0.0.1:{}", self.nats_port),
                    "--trust-proxy",
                    "127.0.0.1",
                ])
                .args(&self.node_args),
            &log,
        );
        listening(port, &format!("node {i}"), &mut node, &log).await;
        self.nodes[i] = Some(node);
    }

    /// kill -9.
    fn kill_node(&mut self, i: usize) {
        drop(self.nodes[i].take());
    }

    fn node(&self, i: usize) -> SocketAddr {
        loopback(self.node_ports[i])
    }

    fn proxy(&self) -> SocketAddr {
        loopback(self.proxy_port)
    }

    fn pids(&self) -> Vec<u32> {
        self.nodes.iter().flatten().map(Process::pid).collect()
    }
}

impl Drop for Cluster {
    /// A failed test shows what the processes said.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        for name in ["nats.log", "haproxy.log", "node-0.log", "node-1.log"] {
            let text = std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            eprintln!("--- {name} (last 40 lines)");
            for line in &lines[lines.len().saturating_sub(40)..] {
                eprintln!("{line}");
            }
        }
    }
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

    async fn send(&mut self, frame: &ClientFrame) {
        timeout(
            WAIT,
            self.ws.send(Message::Text(encode_client(frame).into())),
        )
        .await
        .expect("sends in time")
        .expect("sends");
    }

    /// The next frame, or `None` when the connection closed.
    async fn next_or_closed(&mut self) -> Option<ServerFrame> {
        loop {
            let msg = timeout(WAIT, self.ws.next())
                .await
                .expect("a frame in time");
            match msg {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return None,
                Some(Ok(Message::Text(text))) => {
                    match decode_server(text.as_str()).expect("a server frame") {
                        ServerFrame::Presence { participants } => {
                            self.present = Some(participants);
                        }
                        frame => return Some(frame),
                    }
                }
                Some(Ok(_)) => continue,
            }
        }
    }

    async fn next(&mut self) -> ServerFrame {
        self.next_or_closed().await.expect("the connection is open")
    }

    async fn entry(&mut self) -> LogEntry {
        match self.next().await {
            ServerFrame::Entry(e) => e,
            other => panic!("expected an entry, got {other:?}"),
        }
    }

    /// Waits until the presence count heard is `n` (other nodes' notes come through NATS).
    async fn presence(&mut self, n: u32) {
        while self.present != Some(n) {
            let msg = timeout(WAIT, self.ws.next())
                .await
                .expect("presence in time")
                .expect("the connection is open")
                .expect("a frame");
            if let Message::Text(text) = msg {
                match decode_server(text.as_str()).expect("a server frame") {
                    ServerFrame::Presence { participants } => self.present = Some(participants),
                    other => panic!("waiting for presence {n}, got {other:?}"),
                }
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
}

struct Welcome {
    code: String,
    participant: Option<u32>,
    token: Option<String>,
    secret: Option<String>,
    room: Room,
}

fn welcome_of(frame: ServerFrame) -> Welcome {
    match frame {
        ServerFrame::Welcome {
            code,
            participant,
            token,
            secret,
            room,
            ..
        } => Welcome {
            code: code.to_string(),
            participant,
            token,
            secret,
            room: *room,
        },
        other => panic!("expected a welcome, got {other:?}"),
    }
}

async fn welcome(client: &mut Client) -> Welcome {
    welcome_of(client.next().await)
}

fn join_frame(code: &str, token: Option<&str>, secret: Option<&str>) -> ClientFrame {
    ClientFrame::Join {
        code: code.into(),
        name: None,
        token: token.map(str::to_owned),
        secret: secret.map(str::to_owned),
        view: false,
    }
}

async fn join(addr: SocketAddr, code: &str, token: Option<&str>) -> (Client, Welcome) {
    let mut client = Client::connect(addr).await;
    client.send(&join_frame(code, token, None)).await;
    let w = welcome(&mut client).await;
    (client, w)
}

fn vote(round: u64, choice: usize) -> ClientFrame {
    ClientFrame::Vote { round, choice }
}

/// A facilitator connection (the creator, or one joined with the secret, as a projector
/// would be) keeping a replica and every entry it receives.
struct Facilitator {
    client: Client,
    code: String,
    secret: String,
    replica: Room,
    log: Vec<LogEntry>,
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
        Facilitator {
            client,
            code: w.code,
            secret: w.secret.expect("the creator gets the secret"),
            replica: w.room,
            log: Vec::new(),
            scenario: scenario(),
        }
    }

    async fn rejoin(addr: SocketAddr, code: &str, secret: &str) -> Facilitator {
        let mut client = Client::connect(addr).await;
        client.send(&join_frame(code, None, Some(secret))).await;
        let w = welcome(&mut client).await;
        Facilitator {
            client,
            code: code.into(),
            secret: secret.into(),
            replica: w.room,
            log: Vec::new(),
            scenario: scenario(),
        }
    }

    async fn follow(&mut self) -> LogEntry {
        let e = self.client.entry().await;
        self.replica = self
            .replica
            .apply(&self.scenario, &e)
            .expect("the stream's entries apply");
        self.log.push(e.clone());
        e
    }

    /// Follows until the replica is at `position`.
    async fn follow_to(&mut self, position: u64) {
        while self.replica.position < position {
            self.follow().await;
        }
    }

    /// Sends a command and follows until its entry arrives.
    async fn command(&mut self, command: RoomCommand) -> LogEntry {
        self.client
            .send(&ClientFrame::Command(command.clone()))
            .await;
        loop {
            let e = self.follow().await;
            if e.entry == Entry::Command(command.clone()) {
                return e;
            }
        }
    }

    fn offered(&self) -> Vec<usize> {
        let session = self.replica.workshop.session(&self.scenario).unwrap();
        session.available_choices().map(|(i, _)| i).collect()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_on_one_node_and_the_projector_on_the_other_see_the_same_room() {
    let _turn = SERIAL.lock().await;
    let Some(cluster) = Cluster::start().await else {
        return;
    };
    let (a, b) = (cluster.node(0), cluster.node(1));
    let mut fac = Facilitator::open(a).await;
    // The projector joins on the other node, a moment after the room was opened.
    let mut projector = Facilitator::rejoin(b, &fac.code, &fac.secret).await;
    assert_eq!(projector.replica, fac.replica);

    let token = "cluster-token-ana-0123456789";
    let (mut ana, wa) = join(a, &fac.code, Some(token)).await;
    assert_eq!(wa.participant, Some(0));
    let (mut ben, wb) = join(b, &fac.code, None).await;
    assert_eq!(wb.participant, Some(1), "a join on B follows the one on A");
    assert!(wb.token.is_some() && wb.secret.is_none());
    fac.follow_to(2).await;
    // Who is connected adds up over the nodes: Ana on A, Ben on B.
    fac.client.presence(2).await;
    let offered = fac.offered();
    ana.send(&vote(0, offered[0])).await;
    ben.send(&vote(0, offered[1])).await;
    fac.follow_to(4).await;
    fac.command(RoomCommand::Lock).await;
    fac.command(RoomCommand::Reveal { shown: true }).await;
    projector.follow_to(fac.replica.position).await;
    assert_eq!(projector.log, fac.log, "the same entries in the same order");
    assert_eq!(projector.replica, fac.replica, "the same room");
    assert!(projector.replica.workshop.revealed);
    assert_eq!(projector.replica.workshop.votes[offered[0]], 1);
    // The participants' replicas too.
    for (client, mut room) in [(&mut ana, wa.room), (&mut ben, wb.room)] {
        while room.position < fac.replica.position {
            room = room.apply(&fac.scenario, &client.entry().await).unwrap();
        }
        assert_eq!(room, fac.replica);
    }

    // Ana's phone reconnects to the other node: the same participant, her ballot kept,
    // nothing appended.
    drop(ana);
    let (mut ana, w) = join(b, &fac.code, Some(token)).await;
    assert_eq!(w.participant, Some(0));
    assert_eq!(w.room, fac.replica);
    // Her same ballot again changes nothing; another one is refused, the vote is closed.
    ana.send(&vote(0, offered[0])).await;
    ana.send(&vote(0, offered[1])).await;
    assert!(matches!(ana.next().await, ServerFrame::Error { code, .. } if code == "vote_closed"));
    fac.client.quiet().await;

    // Through the proxy, a page's upgrade from the proxy's own origin is accepted (haproxy
    // passes Host through), another origin's is not.
    let proxy = cluster.proxy();
    let mut request = format!("ws://{proxy}{WS_PATH}")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("Origin", format!("http://{proxy}").parse().unwrap());
    let (ws, _) = timeout(WAIT, tokio_tungstenite::connect_async(request))
        .await
        .unwrap()
        .expect("the proxy's origin is the node's own");
    let mut page = Client { ws, present: None };
    page.send(&join_frame(&fac.code, None, None)).await;
    assert_eq!(welcome(&mut page).await.participant, Some(2));
    let mut request = format!("ws://{proxy}{WS_PATH}")
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_votes_and_commands_from_both_nodes_make_one_log() {
    let _turn = SERIAL.lock().await;
    let Some(cluster) = Cluster::start().await else {
        return;
    };
    let nodes = [cluster.node(0), cluster.node(1)];
    // Rooms opened on both nodes at once get distinct codes, and both nodes know them all.
    let opened =
        futures_util::future::join_all((0..20).map(|i| Facilitator::open(nodes[i % 2]))).await;
    let codes: std::collections::BTreeSet<_> = opened.iter().map(|f| f.code.clone()).collect();
    assert_eq!(codes.len(), 20);
    for f in &opened {
        let other = Facilitator::rejoin(nodes[1], &f.code, &f.secret).await;
        assert_eq!(other.replica.position, 0);
    }
    drop(opened);

    const PEOPLE: usize = 20;
    const VOTES: usize = 5;
    let mut fac_a = Facilitator::open(nodes[0]).await;
    let mut fac_b = Facilitator::rejoin(nodes[1], &fac_a.code, &fac_a.secret).await;
    let offered = fac_a.offered();
    // Everyone joins and votes at once, half on each node, while both facilitator
    // connections command.
    let people = (0..PEOPLE).map(|i| {
        let code = fac_a.code.clone();
        let offered = offered.clone();
        tokio::spawn(async move {
            let token = format!("concurrent-token-{i:04}");
            let (mut phone, w) = join(nodes[i % 2], &code, Some(&token)).await;
            let me = w.participant.unwrap();
            for k in 0..VOTES {
                let choice = offered[(i + k) % offered.len()];
                phone.send(&vote(0, choice)).await;
                loop {
                    match phone.next().await {
                        ServerFrame::Entry(LogEntry {
                            entry: Entry::Ballot { participant, .. },
                            ..
                        }) if participant == me => break,
                        ServerFrame::Error { code, message } => panic!("{code}: {message}"),
                        _ => {}
                    }
                }
            }
            (me, offered[(i + VOTES - 1) % offered.len()])
        })
    });
    let people: Vec<_> = people.collect();
    let timers = [30, 45, 60, 75, 90];
    for (k, seconds) in timers.into_iter().enumerate() {
        let fac = if k % 2 == 0 { &mut fac_a } else { &mut fac_b };
        fac.command(RoomCommand::SetTimer { seconds }).await;
    }
    let mut last = BTreeMap::new();
    for p in people {
        let (me, choice) = timeout(Duration::from_secs(60), p)
            .await
            .expect("everyone votes in time")
            .unwrap();
        last.insert(me, choice);
    }
    let end = fac_a.command(RoomCommand::Lock).await;
    fac_b.follow_to(end.seq + 1).await;
    assert_eq!(fac_a.log.len() as u64, end.seq + 1);
    assert_eq!(fac_a.log, fac_b.log, "one log, the same on both nodes");
    assert_eq!(fac_a.replica, fac_b.replica);
    let expected = PEOPLE + PEOPLE * VOTES + timers.len() + 1;
    assert_eq!(
        fac_a.log.len(),
        expected,
        "every join, ballot and command, once"
    );
    assert_eq!(
        fac_a.replica.ballots, last,
        "each participant's last ballot"
    );
    assert_eq!(fac_a.replica.workshop.timer.duration_s, 90);
    // A fresh welcome on either node is the same room.
    for node in nodes {
        let fresh = Facilitator::rejoin(node, &fac_a.code, &fac_a.secret).await;
        assert_eq!(fresh.replica, fac_a.replica);
    }
}

/// What one participant of the fault test saw.
#[derive(Default)]
struct Phone {
    /// Votes acknowledged (their own ballot echoed).
    acked: usize,
    /// Reconnects, each with the time from losing the connection to the new welcome.
    reconnects: Vec<Duration>,
    /// Votes resent after a reconnect because the welcome did not have them.
    resent: usize,
    /// The last ballot sent (and, at the end, acknowledged).
    last: Option<(u32, usize)>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_one_of_two_nodes_while_200_participants_vote_loses_no_acknowledged_vote() {
    let _turn = SERIAL.lock().await;
    let Some(mut cluster) = Cluster::start().await else {
        return;
    };
    const PEOPLE: usize = 200;
    const VOTES: usize = 6;
    let proxy = cluster.proxy();
    // The projector stays on the node that survives.
    let mut projector = Facilitator::open(cluster.node(1)).await;
    let offered = projector.offered();
    let acks = Arc::new(AtomicUsize::new(0));
    let joined = Arc::new(tokio::sync::Barrier::new(PEOPLE + 1));
    let mut phones = Vec::new();
    for i in 0..PEOPLE {
        let (code, offered, acks, joined) = (
            projector.code.clone(),
            offered.clone(),
            acks.clone(),
            joined.clone(),
        );
        phones.push(tokio::spawn(async move {
            let token = format!("fault-token-{i:04}-abcdef");
            let (mut phone, w) = join(proxy, &code, Some(&token)).await;
            let me = w.participant.unwrap();
            joined.wait().await;
            let mut seen = Phone::default();
            for k in 0..VOTES {
                let choice = offered[(i + k) % offered.len()];
                phone.send(&vote(0, choice)).await;
                seen.last = Some((me, choice));
                // Wait for the echo; if the node dies first, rejoin through the proxy and
                // resend the vote unless the welcome shows it already counted.
                loop {
                    match phone.next_or_closed().await {
                        Some(ServerFrame::Entry(LogEntry {
                            entry:
                                Entry::Ballot {
                                    participant,
                                    choice: c,
                                    ..
                                },
                            ..
                        })) if participant == me && c == choice => {
                            seen.acked += 1;
                            acks.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        Some(ServerFrame::Welcome { room, .. })
                            if room.ballots.get(&me) == Some(&choice) =>
                        {
                            // A fresh welcome after falling behind, with the vote in it.
                            seen.acked += 1;
                            acks.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        Some(ServerFrame::Error { code, message }) => {
                            panic!("participant {me}: {code}: {message}")
                        }
                        Some(_) => {}
                        None => {
                            let lost = Instant::now();
                            let (again, w) = loop {
                                let attempt = timeout(Duration::from_secs(1), async {
                                    let (ws, _) = tokio_tungstenite::connect_async(format!(
                                        "ws://{proxy}{WS_PATH}"
                                    ))
                                    .await
                                    .ok()?;
                                    let mut c = Client { ws, present: None };
                                    c.send(&join_frame(&code, Some(&token), None)).await;
                                    match c.next_or_closed().await? {
                                        f @ ServerFrame::Welcome { .. } => Some((c, welcome_of(f))),
                                        _ => None,
                                    }
                                })
                                .await;
                                if let Ok(Some(ok)) = attempt {
                                    break ok;
                                }
                                assert!(
                                    lost.elapsed() < Duration::from_secs(10),
                                    "participant {me} cannot rejoin"
                                );
                                tokio::time::sleep(Duration::from_millis(50)).await;
                            };
                            seen.reconnects.push(lost.elapsed());
                            assert_eq!(
                                w.participant,
                                Some(me),
                                "the token is the same participant"
                            );
                            phone = again;
                            if w.room.ballots.get(&me) == Some(&choice) {
                                // Stored before the node died; only the echo was lost.
                                seen.acked += 1;
                                acks.fetch_add(1, Ordering::Relaxed);
                                break;
                            }
                            seen.resent += 1;
                            phone.send(&vote(0, choice)).await;
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            seen
        }));
    }
    // Everyone joined (200 joins through the proxy), then the votes start.
    timeout(Duration::from_secs(60), joined.wait())
        .await
        .expect("200 participants join in time");
    // Kill node A once a quarter of the votes are in.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acks.load(Ordering::Relaxed) < PEOPLE * VOTES / 4 {
        assert!(Instant::now() < deadline, "votes are too slow");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let acked_before_kill = acks.load(Ordering::Relaxed);
    cluster.kill_node(0);
    let mut seen = Vec::new();
    for phone in phones {
        seen.push(
            timeout(Duration::from_secs(90), phone)
                .await
                .expect("participants finish in time")
                .unwrap(),
        );
    }
    let mut reconnects: Vec<Duration> = seen.iter().flat_map(|s| s.reconnects.clone()).collect();
    reconnects.sort();
    let acked: usize = seen.iter().map(|s| s.acked).sum();
    let resent: usize = seen.iter().map(|s| s.resent).sum();
    // The final room, from the surviving node, fresh and as the projector followed it.
    let fresh = Facilitator::rejoin(cluster.node(1), &projector.code, &projector.secret).await;
    projector.follow_to(fresh.replica.position).await;
    println!(
        "fault: {PEOPLE} participants, {} votes sent, node A killed after {acked_before_kill} \
         acknowledged; {} reconnects (p50 {:?}, max {:?}); {acked} votes acknowledged, {resent} \
         resent after a rejoin; log of {} entries",
        PEOPLE * VOTES,
        reconnects.len(),
        percentile(&reconnects, 0.5),
        reconnects.last().copied().unwrap_or_default(),
        fresh.replica.position
    );
    assert!(
        !reconnects.is_empty(),
        "some participants were on the killed node"
    );
    assert!(
        *reconnects.last().unwrap() < Duration::from_secs(5),
        "every participant rejoins within 5 s"
    );
    assert_eq!(acked, PEOPLE * VOTES, "every vote acknowledged in the end");
    assert_eq!(projector.replica, fresh.replica);
    let room = &fresh.replica;
    assert_eq!(
        room.participants.len(),
        PEOPLE,
        "a rejoin is never a new participant"
    );
    // Each participant's last vote counts, once.
    let last: BTreeMap<u32, usize> = seen.iter().filter_map(|s| s.last).collect();
    assert_eq!(room.ballots, last);
    for &c in &offered {
        let n = last.values().filter(|&&v| v == c).count() as u32;
        assert_eq!(
            room.workshop.votes[c], n,
            "choice {c} counted once per ballot"
        );
    }
    // No acknowledged ballot is missing from the log, none is there twice in a row.
    let mut ballots: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for e in &projector.log {
        if let Entry::Ballot {
            participant,
            choice,
            ..
        } = e.entry
        {
            ballots.entry(participant).or_default().push(choice);
        }
    }
    for (p, list) in &ballots {
        assert_eq!(
            list.len(),
            VOTES,
            "participant {p}: each vote once: {list:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_opened_on_node_a_survives_node_a_s_restart() {
    let _turn = SERIAL.lock().await;
    let Some(mut cluster) = Cluster::start().await else {
        return;
    };
    let a = cluster.node(0);
    let mut fac = Facilitator::open(a).await;
    let mut phones = Vec::new();
    for i in 0..3 {
        let token = format!("restart-token-{i:04}-abcdef");
        let (phone, _) = join(a, &fac.code, Some(&token)).await;
        phones.push(phone);
    }
    fac.follow_to(3).await;
    let offered = fac.offered();
    for (i, phone) in phones.iter_mut().enumerate() {
        phone.send(&vote(0, offered[i % 2])).await;
    }
    fac.follow_to(6).await;
    fac.command(RoomCommand::Play { choice: offered[1] }).await;
    fac.command(RoomCommand::SetTimer { seconds: 90 }).await;
    fac.command(RoomCommand::ToggleTimer).await;
    let before = fac.replica.clone();
    drop(phones);
    drop(fac.client);

    cluster.kill_node(0);
    let pids_between = cluster.pids();
    cluster.start_node(0).await;
    assert_eq!(pids_between.len(), 1);
    let back = Facilitator::rejoin(a, &fac.code, &fac.secret).await;
    assert_eq!(
        back.replica, before,
        "the room resumes exactly from the stream"
    );
    let (_phone, w) = join(a, &fac.code, Some("restart-token-0000-abcdef")).await;
    assert_eq!(w.participant, Some(0));
    assert_eq!(w.room.participants.len(), 3);
    let other = Facilitator::rejoin(cluster.node(1), &fac.code, &fac.secret).await;
    assert_eq!(other.replica, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vote_latency_from_a_participant_on_one_node_to_the_projector_on_the_other() {
    let _turn = SERIAL.lock().await;
    let Some(cluster) = Cluster::start().await else {
        return;
    };
    println!(
        "cluster: proxy http://{}, nodes http://{} and http://{} (pids {:?})",
        cluster.proxy(),
        cluster.node(0),
        cluster.node(1),
        cluster.pids()
    );
    let mut projector = Facilitator::open(cluster.node(1)).await;
    // Twenty phones take turns, so none exceeds its 10 frames a second.
    const PHONES: usize = 20;
    let mut phones = Vec::new();
    for _ in 0..PHONES {
        let (phone, _) = join(cluster.node(0), &projector.code, None).await;
        phones.push(phone);
    }
    projector.follow_to(PHONES as u64).await;
    let offered = projector.offered();
    const N: usize = 400;
    let mut latencies = Vec::with_capacity(N);
    for k in 0..N {
        let phone = &mut phones[k % PHONES];
        let sent = Instant::now();
        phone.send(&vote(0, offered[(k / PHONES) % 2])).await;
        projector.follow().await;
        latencies.push(sent.elapsed());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    latencies.sort();
    println!(
        "latency: participant on node A -> projector on node B, {N} votes: p50 {:?}, p99 {:?}, max {:?}",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies[N - 1]
    );
    assert!(percentile(&latencies, 0.99) < Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_room_expires_on_every_node_and_its_subjects_are_purged() {
    let _turn = SERIAL.lock().await;
    let Some(cluster) = Cluster::start_with(&["--idle", "2s"]).await else {
        return;
    };
    let fac = Facilitator::open(cluster.node(0)).await;
    let (mut phone, _) = join(cluster.node(1), &fac.code, Some("expiry-token-0123456789")).await;
    let mut fac_client = fac.client;
    for client in [&mut fac_client, &mut phone] {
        loop {
            match client.next_or_closed().await {
                Some(ServerFrame::Error { code, .. }) => {
                    assert_eq!(code, "gone");
                    break;
                }
                Some(ServerFrame::Entry(_)) => {}
                other => panic!("expected gone, got {other:?}"),
            }
        }
    }
    for node in [cluster.node(0), cluster.node(1)] {
        let mut late = Client::connect(node).await;
        late.send(&join_frame(&fac.code, None, None)).await;
        assert!(
            matches!(late.next().await, ServerFrame::Error { code, .. } if code == "no_such_room")
        );
    }
    let nats = async_nats::connect(format!("127.0.0.1:{}", cluster.nats_port))
        .await
        .unwrap();
    let mut stream = async_nats::jetstream::new(nats)
        .get_stream(room_server::cluster::STREAM)
        .await
        .unwrap();
    let info = stream.info().await.unwrap();
    assert_eq!(
        info.state.messages, 0,
        "the room's head, log and marks are purged"
    );
}
