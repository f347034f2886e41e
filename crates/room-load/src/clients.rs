//! The benchmark's clients, one task per WebSocket: a facilitator that opens a room, a
//! projector that follows the room's entries and times each ballot from its sending to its
//! arrival, and participants that join with the code and vote. Every frame is built and
//! read with `room-protocol`'s types; every wait is bounded.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use frontline_engine::Scenario;
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use room_protocol::{
    ClientFrame, Entry, LogEntry, Room, ServerFrame, decode_server, encode_client,
};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, sleep_until, timeout};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::options::Target;
use crate::summary::histogram;

/// How long a connection may take to connect and be welcomed.
pub const CONNECT_WAIT: Duration = Duration::from_secs(15);

/// How long a closing handshake may take.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Where the run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Connections are being opened; nobody votes.
    Joining,
    /// Participants vote between `start` and `end`.
    Voting { start: Instant, end: Instant },
    /// Close and report.
    Stop,
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A ballot as the projector sees it: participant, round, choice.
type BallotKey = (u32, u64, usize);

/// When each ballot in flight in one room was sent, shared by its participants (who put)
/// and its projector (who takes).
#[derive(Default)]
pub struct Pending(Mutex<HashMap<BallotKey, Instant>>);

impl Pending {
    fn put(&self, key: BallotKey, sent: Instant) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, sent);
    }

    fn take(&self, key: &BallotKey) -> Option<Instant> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(key)
    }
}

/// What one connection saw.
#[derive(Default)]
pub struct Tally {
    /// Why it never got going (connect, upgrade, create or join failed).
    pub failed: Option<String>,
    /// The server closed it during the run.
    pub dropped: bool,
    pub votes_sent: u64,
    pub votes_acked: u64,
    /// Error frames by code.
    pub errors: BTreeMap<String, u64>,
    pub rewelcomes: u64,
    /// Vote-to-projector latencies in µs (projectors only).
    pub latency: Option<Histogram<u64>>,
    /// Ballots slower than [`SLOW`] by the second they were sent in, counted from the
    /// run's epoch (projectors only): whether slow ballots cluster in time, across rooms.
    pub slow: BTreeMap<u64, u64>,
}

/// A ballot slower than this is counted by the second it was sent in.
pub const SLOW: Duration = Duration::from_millis(50);

impl Tally {
    fn failed(why: String, ready: &mpsc::UnboundedSender<bool>) -> Tally {
        let _ = ready.send(false);
        Tally {
            failed: Some(why),
            ..Tally::default()
        }
    }

    fn error(&mut self, code: String) {
        *self.errors.entry(code).or_default() += 1;
    }
}

/// A room as its facilitator opened it.
pub struct Opened {
    pub code: String,
    /// The open vote's round.
    pub round: u64,
    /// Two choices on offer in the first scene; participants alternate between them, so
    /// every ballot changes their vote and is appended.
    pub choices: [usize; 2],
}

/// How the projector joins: as the room's read-only viewer (by code, as the projector
/// page does), so it receives the participants' redacted stream.
pub fn projector_join(room: &Opened) -> ClientFrame {
    ClientFrame::Join {
        code: room.code.clone(),
        name: None,
        token: None,
        secret: None,
        view: true,
    }
}

/// Each client socket's read buffer: tungstenite's default (128 KiB, zero-filled on every
/// read) would cost the generator more CPU than the server it measures.
const READ_BUFFER: usize = 8 * 1024;

/// Opens a WebSocket with the `Origin` of a page the server served (it refuses others) and
/// without Nagle's delay on our side.
async fn connect(target: &Target) -> Result<Ws, String> {
    let mut request = target
        .url
        .as_str()
        .into_client_request()
        .map_err(|e| e.to_string())?;
    let origin = target
        .origin()
        .parse()
        .map_err(|_| "bad origin".to_owned())?;
    request.headers_mut().insert("Origin", origin);
    match timeout(
        CONNECT_WAIT,
        tokio_tungstenite::connect_async_with_config(
            request,
            Some(WebSocketConfig::default().read_buffer_size(READ_BUFFER)),
            true,
        ),
    )
    .await
    {
        Err(_) => Err("connect timed out".into()),
        Ok(Err(tungstenite::Error::Http(response))) => {
            Err(format!("http {}", response.status().as_u16()))
        }
        Ok(Err(tungstenite::Error::Io(e))) => Err(format!("io {:?}", e.kind())),
        Ok(Err(e)) => Err(e.to_string()),
        Ok(Ok((ws, _))) => Ok(ws),
    }
}

async fn send(ws: &mut Ws, frame: &ClientFrame) -> Result<(), String> {
    match timeout(
        CONNECT_WAIT,
        ws.send(Message::Text(encode_client(frame).into())),
    )
    .await
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("send timed out".into()),
    }
}

/// What the socket gave.
enum Got {
    Frame(ServerFrame),
    Closed,
}

/// The next server frame (cancel-safe: a message is consumed only when it is returned or
/// skipped as a ping).
async fn next_frame(ws: &mut Ws) -> Got {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => {
                return Got::Frame(decode_server(text.as_str()).unwrap_or_else(|e| {
                    ServerFrame::Error {
                        code: "undecodable".into(),
                        message: e.to_string(),
                    }
                }));
            }
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Got::Closed,
            Some(Ok(_)) => continue,
        }
    }
}

/// The welcome after a create or join: (participant number, secret, code, room).
struct Welcomed {
    participant: Option<u32>,
    secret: Option<String>,
    code: String,
    room: Box<Room>,
}

async fn welcome(ws: &mut Ws) -> Result<Welcomed, String> {
    let deadline = Instant::now() + CONNECT_WAIT;
    loop {
        match tokio::time::timeout_at(deadline, next_frame(ws)).await {
            Err(_) => return Err("no welcome in time".into()),
            Ok(Got::Closed) => return Err("closed before the welcome".into()),
            Ok(Got::Frame(ServerFrame::Welcome {
                code,
                participant,
                secret,
                room,
                ..
            })) => {
                return Ok(Welcomed {
                    participant,
                    secret,
                    code: code.to_string(),
                    room,
                });
            }
            Ok(Got::Frame(ServerFrame::Error { code, .. })) => return Err(code),
            Ok(Got::Frame(ServerFrame::Entry(_) | ServerFrame::Presence { .. })) => continue,
        }
    }
}

async fn close(mut ws: Ws) {
    let _ = timeout(CLOSE_WAIT, ws.close(None)).await;
}

/// Follows a room until the run stops, handing each entry to `on_entry`.
async fn follow(
    ws: &mut Ws,
    phase: &mut watch::Receiver<Phase>,
    tally: &mut Tally,
    mut on_entry: impl FnMut(&LogEntry),
) {
    loop {
        if *phase.borrow_and_update() == Phase::Stop {
            return;
        }
        tokio::select! {
            changed = phase.changed() => if changed.is_err() { return },
            got = next_frame(ws) => match got {
                Got::Frame(ServerFrame::Entry(e)) => on_entry(&e),
                Got::Frame(ServerFrame::Presence { .. }) => {}
                Got::Frame(ServerFrame::Error { code, .. }) => tally.error(code),
                Got::Frame(ServerFrame::Welcome { .. }) => tally.rewelcomes += 1,
                Got::Closed => {
                    tally.dropped = true;
                    return;
                }
            },
        }
    }
}

/// The first two choices on offer in the room's scene.
fn two_choices(room: &Room, scenario: &Arc<Scenario>) -> Result<[usize; 2], String> {
    let session = room
        .workshop
        .session(scenario)
        .map_err(|e| format!("the room's workshop does not play: {e}"))?;
    let offered: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
    match offered[..] {
        [a, b, ..] => Ok([a, b]),
        _ => Err("the scenario's first scene offers fewer than two choices".into()),
    }
}

/// Opens a room and stays as its facilitator (reading, never commanding).
pub async fn facilitator(
    target: Target,
    scenario_id: String,
    scenario: Arc<Scenario>,
    opened: oneshot::Sender<Opened>,
    ready: mpsc::UnboundedSender<bool>,
    mut phase: watch::Receiver<Phase>,
) -> Tally {
    let mut ws = match connect(&target).await {
        Ok(ws) => ws,
        Err(why) => return Tally::failed(why, &ready),
    };
    let create = ClientFrame::Create {
        scenario: scenario_id,
    };
    let w = match send(&mut ws, &create).await {
        Ok(()) => welcome(&mut ws).await,
        Err(why) => Err(why),
    };
    let room = w.and_then(|w| {
        let choices = two_choices(&w.room, &scenario)?;
        w.secret.ok_or("no secret for the room's creator")?;
        Ok(Opened {
            code: w.code,
            round: w.room.round,
            choices,
        })
    });
    let room = match room {
        Ok(room) => room,
        Err(why) => {
            close(ws).await;
            return Tally::failed(why, &ready);
        }
    };
    let _ = opened.send(room);
    let _ = ready.send(true);
    let mut tally = Tally::default();
    follow(&mut ws, &mut phase, &mut tally, |_| {}).await;
    close(ws).await;
    tally
}

/// Follows a room as its projector, timing every ballot that one of its participants sent.
pub async fn projector(
    target: Target,
    epoch: Instant,
    room: Arc<Opened>,
    pending: Arc<Pending>,
    ready: mpsc::UnboundedSender<bool>,
    mut phase: watch::Receiver<Phase>,
) -> Tally {
    let mut ws = match connect(&target).await {
        Ok(ws) => ws,
        Err(why) => return Tally::failed(why, &ready),
    };
    let joined = match send(&mut ws, &projector_join(&room)).await {
        Ok(()) => welcome(&mut ws).await.map(|_| ()),
        Err(why) => Err(why),
    };
    if let Err(why) = joined {
        close(ws).await;
        return Tally::failed(why, &ready);
    }
    let _ = ready.send(true);
    let mut tally = Tally::default();
    let mut latency = histogram();
    let mut slow = BTreeMap::new();
    follow(&mut ws, &mut phase, &mut tally, |e| {
        if let Entry::Ballot {
            participant,
            round,
            choice,
        } = e.entry
            && let Some(sent) = pending.take(&(participant, round, choice))
        {
            let took = sent.elapsed();
            latency.saturating_record(took.as_micros().max(1) as u64);
            if took > SLOW {
                *slow
                    .entry(sent.duration_since(epoch).as_secs())
                    .or_default() += 1;
            }
        }
    })
    .await;
    close(ws).await;
    tally.latency = Some(latency);
    tally.slow = slow;
    tally
}

/// A small, seedable generator for the vote jitter (splitmix64).
pub struct Jitter(u64);

impl Jitter {
    pub fn new(seed: u64) -> Jitter {
        Jitter(seed)
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Joins a room with its code and, while the phase is `Voting`, votes about every
/// `vote_every` (the first vote at a random point of the first period, then periods of
/// 0.75 to 1.25 times it), alternating between two choices.
pub async fn participant(
    target: Target,
    room: Arc<Opened>,
    pending: Arc<Pending>,
    index: usize,
    vote_every: Duration,
    ready: mpsc::UnboundedSender<bool>,
    mut phase: watch::Receiver<Phase>,
) -> Tally {
    let mut ws = match connect(&target).await {
        Ok(ws) => ws,
        Err(why) => return Tally::failed(why, &ready),
    };
    let join = ClientFrame::Join {
        code: room.code.clone(),
        name: None,
        token: None,
        secret: None,
        view: false,
    };
    let me = match send(&mut ws, &join).await {
        Ok(()) => welcome(&mut ws).await.and_then(|w| {
            w.participant
                .ok_or_else(|| "no participant number".to_owned())
        }),
        Err(why) => Err(why),
    };
    let me = match me {
        Ok(me) => me,
        Err(why) => {
            close(ws).await;
            return Tally::failed(why, &ready);
        }
    };
    let _ = ready.send(true);

    let mut tally = Tally::default();
    let mut jitter = Jitter::new(index as u64);
    let mut which = index % 2;
    let mut next_vote: Option<Instant> = None;
    let mut scheduled = false;
    let far = Instant::now() + Duration::from_secs(86_400);
    loop {
        match *phase.borrow_and_update() {
            Phase::Stop => break,
            Phase::Joining => {}
            Phase::Voting { start, end } => {
                if !scheduled {
                    scheduled = true;
                    next_vote = Some(start + vote_every.mul_f64(jitter.unit()));
                }
                if next_vote.is_some_and(|t| t >= end) {
                    next_vote = None;
                }
            }
        }
        let vote_at = next_vote;
        tokio::select! {
            changed = phase.changed() => if changed.is_err() { break },
            _ = sleep_until(vote_at.unwrap_or(far)), if vote_at.is_some() => {
                let choice = room.choices[which];
                which ^= 1;
                pending.put((me, room.round, choice), Instant::now());
                let vote = ClientFrame::Vote { round: room.round, choice };
                if send(&mut ws, &vote).await.is_err() {
                    tally.dropped = true;
                    break;
                }
                tally.votes_sent += 1;
                let period = vote_every.mul_f64(0.75 + 0.5 * jitter.unit());
                next_vote = vote_at.map(|t| t + period);
            }
            got = next_frame(&mut ws) => match got {
                Got::Frame(ServerFrame::Entry(LogEntry {
                    entry: Entry::Ballot { participant, .. },
                    ..
                })) if participant == me => tally.votes_acked += 1,
                Got::Frame(ServerFrame::Entry(_) | ServerFrame::Presence { .. }) => {}
                Got::Frame(ServerFrame::Error { code, .. }) => tally.error(code),
                Got::Frame(ServerFrame::Welcome { .. }) => tally.rewelcomes += 1,
                Got::Closed => {
                    tally.dropped = true;
                    break;
                }
            },
        }
    }
    close(ws).await;
    tally
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_uniform_enough_and_repeatable() {
        let mut j = Jitter::new(7);
        let xs: Vec<f64> = (0..10_000).map(|_| j.unit()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        let mut again = Jitter::new(7);
        assert_eq!(again.unit(), xs[0]);
    }

    #[test]
    fn a_ballot_is_timed_once() {
        let pending = Pending::default();
        let t = Instant::now();
        pending.put((3, 0, 1), t);
        assert_eq!(pending.take(&(3, 0, 2)), None, "another choice");
        assert_eq!(pending.take(&(3, 0, 1)), Some(t));
        assert_eq!(pending.take(&(3, 0, 1)), None, "taken once");
    }
}
