//! The command line: what to load, how hard and for how long, all bounded; and the targets,
//! which must be loopback addresses (this benchmark never talks to another machine).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub const USAGE: &str = "usage: frontline-room-load [options]

Spawns target/release/frontline-rooms on a free 127.0.0.1 port (or loads a server started
elsewhere with --target), opens rooms, joins participants, has them vote and prints the
vote-to-projector latency and the server's memory and CPU.

  --connections N          participants (default 500; at most 20000)
  --room-size N            participants per room (default 25)
  --vote-every DURATION    each participant votes about this often, with jitter (default 10s)
  --duration DURATION      the measurement window, after everyone has joined (default 60s)
  --ramp N                 connections opened per second while joining (default 500; at most 5000)
  --scenario ID            the scenario rooms play (default escalation)
  --scenarios DIR          where ID.toml is (default: the workspace's scenarios/)
  --server PATH            the server binary to spawn (default target/release/frontline-rooms)
  --dist DIR               the spawned server's --dist (default: a temporary one with ID.flc)
  --target URL             an external server for facilitators and participants,
                           ws://127.0.0.1:PORT/rooms/ws (loopback only)
  --projector-target URL   where projectors connect (default: --target)
  --server-pid PID[,PID]   external server processes to read memory and CPU from
  --json                   print one JSON line instead of the table";

/// The most participants one run opens.
pub const MAX_CONNECTIONS: usize = 20_000;

/// The fastest ramp, in connections per second.
pub const MAX_RAMP: u32 = 5_000;

/// Where the benchmark connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The WebSocket address, `ws://127.0.0.1:PORT/rooms/ws`.
    pub url: String,
    /// The server's address, for the `Origin` header (`http://` + this).
    pub address: SocketAddr,
}

impl Target {
    /// Reads a `ws://IP:PORT/PATH` address; only loopback IPs are accepted.
    pub fn parse(text: &str) -> Result<Target, String> {
        let rest = text
            .strip_prefix("ws://")
            .ok_or_else(|| format!("'{text}' is not a ws:// address"))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, "/rooms/ws"),
        };
        let address: SocketAddr = authority.parse().map_err(|_| {
            format!("'{authority}' is not IP:PORT (names are not resolved; use 127.0.0.1:PORT)")
        })?;
        if !address.ip().is_loopback() {
            return Err(format!(
                "{} is not a loopback address; this benchmark only loads servers on this machine",
                address.ip()
            ));
        }
        Ok(Target {
            url: format!("ws://{address}{path}"),
            address,
        })
    }

    /// The `Origin` a page served by this server would send.
    pub fn origin(&self) -> String {
        format!("http://{}", self.address)
    }
}

/// A run's settings.
#[derive(Debug, Clone)]
pub struct Options {
    pub connections: usize,
    pub room_size: usize,
    pub vote_every: Duration,
    pub duration: Duration,
    pub ramp: u32,
    pub scenario: String,
    pub scenarios: PathBuf,
    pub server: PathBuf,
    pub dist: Option<PathBuf>,
    pub target: Option<Target>,
    pub projector_target: Option<Target>,
    pub server_pids: Vec<u32>,
    pub json: bool,
}

impl Options {
    fn new() -> Options {
        Options {
            connections: 500,
            room_size: 25,
            vote_every: Duration::from_secs(10),
            duration: Duration::from_secs(60),
            ramp: 500,
            scenario: "escalation".into(),
            scenarios: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios")),
            server: PathBuf::from("target/release/frontline-rooms"),
            dist: None,
            target: None,
            projector_target: None,
            server_pids: Vec::new(),
            json: false,
        }
    }

    /// Rooms needed for the participants (the last one may be smaller).
    pub fn rooms(&self) -> usize {
        self.connections.div_ceil(self.room_size)
    }

    /// Every WebSocket the run opens: participants, and a facilitator and a projector per room.
    pub fn sockets(&self) -> usize {
        self.connections + 2 * self.rooms()
    }
}

/// `10s`, `500ms`, `2m`, or a number of seconds.
pub fn duration(text: &str) -> Option<Duration> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (n, unit) = text.split_at(split);
    let n: u64 = n.parse().ok()?;
    match unit {
        "ms" => Some(Duration::from_millis(n)),
        "" | "s" => Some(Duration::from_secs(n)),
        "m" => Some(Duration::from_secs(n.checked_mul(60)?)),
        _ => None,
    }
}

fn bounded<T: std::str::FromStr + PartialOrd + std::fmt::Display>(
    flag: &str,
    value: &str,
    min: T,
    max: T,
) -> Result<T, String> {
    match value.parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(format!(
            "{flag}: '{value}' is not a number from {min} to {max}"
        )),
    }
}

fn bounded_duration(
    flag: &str,
    value: &str,
    min: Duration,
    max: Duration,
) -> Result<Duration, String> {
    duration(value)
        .filter(|d| (min..=max).contains(d))
        .ok_or_else(|| {
            format!(
                "{flag}: '{value}' is not a duration from {}ms to {}s (like 500ms, 10s, 2m)",
                min.as_millis(),
                max.as_secs()
            )
        })
}

/// Reads the command line. `Err("")` asks for the usage.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut o = Options::new();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--help" | "-h" => return Err(String::new()),
            "--json" => {
                o.json = true;
                continue;
            }
            _ => {}
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--connections" => o.connections = bounded(&flag, &value, 1, MAX_CONNECTIONS)?,
            "--room-size" => o.room_size = bounded(&flag, &value, 1, 1_000)?,
            "--vote-every" => {
                o.vote_every = bounded_duration(
                    &flag,
                    &value,
                    Duration::from_millis(200),
                    Duration::from_secs(600),
                )?;
            }
            "--duration" => {
                o.duration = bounded_duration(
                    &flag,
                    &value,
                    Duration::from_secs(1),
                    Duration::from_secs(600),
                )?;
            }
            "--ramp" => o.ramp = bounded(&flag, &value, 1, MAX_RAMP)?,
            "--scenario" => o.scenario = value,
            "--scenarios" => o.scenarios = PathBuf::from(value),
            "--server" => o.server = PathBuf::from(value),
            "--dist" => o.dist = Some(PathBuf::from(value)),
            "--target" => {
                o.target = Some(Target::parse(&value).map_err(|e| format!("{flag}: {e}"))?)
            }
            "--projector-target" => {
                o.projector_target =
                    Some(Target::parse(&value).map_err(|e| format!("{flag}: {e}"))?);
            }
            "--server-pid" => {
                o.server_pids = value
                    .split(',')
                    .map(|p| p.trim().parse::<u32>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("{flag}: '{value}' is not a list of process ids"))?;
            }
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    if o.target.is_none() {
        if o.projector_target.is_some() {
            return Err("--projector-target needs --target".into());
        }
        if !o.server_pids.is_empty() {
            return Err("--server-pid is for a server started elsewhere (--target)".into());
        }
    } else if o.dist.is_some() {
        return Err("--dist is for the spawned server, not one given with --target".into());
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Options, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn only_loopback_targets_are_accepted() {
        let t = Target::parse("ws://127.0.0.1:8080/rooms/ws").unwrap();
        assert_eq!(t.origin(), "http://127.0.0.1:8080");
        assert_eq!(t.url, "ws://127.0.0.1:8080/rooms/ws");
        let t = Target::parse("ws://[::1]:9000").unwrap();
        assert_eq!(t.url, "ws://[::1]:9000/rooms/ws");
        assert_eq!(t.origin(), "http://[::1]:9000");
        assert!(Target::parse("ws://127.8.9.10:80/x").is_ok());
        for refused in [
            "ws://10.0.0.1:8080/rooms/ws",
            "ws://192.168.1.2:80/rooms/ws",
            "ws://0.0.0.0:8080/rooms/ws",
            "ws://[2001:db8::1]:80/rooms/ws",
        ] {
            let why = Target::parse(refused).unwrap_err();
            assert!(why.contains("not a loopback address"), "{refused}: {why}");
        }
        for malformed in [
            "ws://example.com:80/rooms/ws",
            "ws://localhost:8080/rooms/ws",
            "ws://127.0.0.1/rooms/ws",
            "wss://127.0.0.1:443/rooms/ws",
            "http://127.0.0.1:8080/",
        ] {
            assert!(Target::parse(malformed).is_err(), "{malformed}");
        }
        let why = args(&["--target", "ws://10.1.2.3:80/rooms/ws"]).unwrap_err();
        assert!(
            why.starts_with("--target: 10.1.2.3 is not a loopback"),
            "{why}"
        );
        let why = args(&[
            "--target",
            "ws://127.0.0.1:80/rooms/ws",
            "--projector-target",
            "ws://8.8.8.8:80/rooms/ws",
        ])
        .unwrap_err();
        assert!(why.contains("not a loopback"), "{why}");
    }

    #[test]
    fn counts_and_times_are_bounded() {
        let o = args(&[
            "--connections",
            "5000",
            "--room-size",
            "25",
            "--duration",
            "45s",
        ])
        .unwrap();
        assert_eq!((o.rooms(), o.sockets()), (200, 5400));
        assert_eq!(o.duration, Duration::from_secs(45));
        let o = args(&["--connections", "26", "--vote-every", "500ms"]).unwrap();
        assert_eq!(o.rooms(), 2, "the last room is a smaller one");
        assert_eq!(o.vote_every, Duration::from_millis(500));
        assert!(args(&["--connections", "20001"]).is_err());
        assert!(args(&["--connections", "0"]).is_err());
        assert!(args(&["--ramp", "100000"]).is_err());
        assert!(args(&["--duration", "1h"]).is_err());
        assert!(args(&["--duration", "11m"]).is_err());
        assert!(args(&["--vote-every", "10ms"]).is_err());
        assert!(args(&["--server-pid", "12"]).is_err(), "pids need --target");
        assert_eq!(args(&["--ramp"]).unwrap_err(), "--ramp needs a value");
        assert_eq!(duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(duration("7"), Some(Duration::from_secs(7)));
        assert_eq!(duration("s"), None);
    }
}
