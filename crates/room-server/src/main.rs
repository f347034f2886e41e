//! `frontline-rooms`: serves the built app and live rooms on one origin.
//!
//! ```text
//! frontline-rooms [--address 127.0.0.1] [--port 8080] [--dist dist] [--data data] [--idle 24h]
//!                 [--nats nats://127.0.0.1:4222] [--trust-proxy 127.0.0.1]
//! ```

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use room_server::{Config, Server, WS_PATH};

const USAGE: &str = "usage: frontline-rooms [--address IP] [--port N] [--dist DIR] [--data DIR] [--idle DURATION] [--nats URL] [--trust-proxy IP]

  --address IP      address to listen on (default 127.0.0.1; 0.0.0.0 opens it to the network)
  --port N          port (default 8080)
  --dist DIR        the built app to serve (default dist)
  --data DIR        where rooms are kept (default data)
  --idle DURATION   delete rooms idle this long: 30s, 90m, 24h (default 24h)
  --nats URL        keep rooms in NATS JetStream (nats-server -js) instead of --data, shared
                    with every node started with the same URL, e.g. nats://127.0.0.1:4222;
                    put a reverse proxy in front of the nodes (see deploy/haproxy.cfg)
  --trust-proxy IP  a reverse proxy in front of this server: its X-Forwarded-For names the
                    client, so each client has its own join limit (repeatable)";

fn duration(text: &str) -> Option<Duration> {
    let (n, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = n.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        _ => return None,
    };
    (secs > 0).then(|| Duration::from_secs(secs))
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Config, String> {
    let mut config = Config::new();
    let mut ip: IpAddr = config.address.ip();
    let mut port = config.address.port();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(String::new());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--address" => {
                ip = value
                    .parse()
                    .map_err(|_| format!("--address: '{value}' is not an IP address"))?;
            }
            "--port" => {
                port = value
                    .parse()
                    .map_err(|_| format!("--port: '{value}' is not a port number"))?;
            }
            "--dist" => config.dist = PathBuf::from(value),
            "--data" => config.data = PathBuf::from(value),
            "--nats" => {
                if !value.starts_with("nats://") && !value.starts_with("tls://") {
                    return Err(format!(
                        "--nats: '{value}' is not a NATS URL like nats://127.0.0.1:4222"
                    ));
                }
                config.nats = Some(value);
            }
            "--trust-proxy" => {
                let ip: IpAddr = value
                    .parse()
                    .map_err(|_| format!("--trust-proxy: '{value}' is not an IP address"))?;
                config.trusted_proxies.push(ip);
            }
            "--idle" => {
                config.idle = duration(&value).ok_or_else(|| {
                    format!("--idle: '{value}' is not a duration like 30s, 90m or 24h")
                })?;
                config.sweep_every = config
                    .sweep_every
                    .min(config.idle / 4)
                    .max(Duration::from_secs(1));
            }
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    config.address = SocketAddr::new(ip, port);
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(why) if why.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(why) => {
            eprintln!("frontline-rooms: {why}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if !config.dist.join("index.html").is_file() {
        eprintln!(
            "frontline-rooms: warning: {} has no index.html; build the app first (trunk build --release)",
            config.dist.display()
        );
    }
    let server = match Server::start(config.clone()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("frontline-rooms: {e}");
            return ExitCode::FAILURE;
        }
    };
    let kept = match &config.nats {
        Some(url) => format!("rooms in NATS at {url}"),
        None => format!("data in {}", config.data.display()),
    };
    println!(
        "frontline-rooms: serving {} on http://{} (rooms at {WS_PATH}, {kept})",
        config.dist.display(),
        server.address,
    );
    if tokio::signal::ctrl_c().await.is_err() {
        eprintln!("frontline-rooms: cannot listen for Ctrl+C; stop the process to end");
        std::future::pending::<()>().await;
    }
    match server.stop().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("frontline-rooms: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Config, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn options_parse_and_bad_ones_say_why() {
        let c = args(&[
            "--address",
            "0.0.0.0",
            "--port",
            "0",
            "--data",
            "d",
            "--idle",
            "90m",
        ])
        .unwrap();
        assert_eq!(c.address, SocketAddr::from(([0, 0, 0, 0], 0)));
        assert_eq!(c.data, PathBuf::from("d"));
        assert_eq!(c.idle, Duration::from_secs(90 * 60));
        assert_eq!(c.nats, None);
        assert!(c.trusted_proxies.is_empty());
        let t = args(&["--trust-proxy", "127.0.0.1", "--trust-proxy", "::1"]).unwrap();
        assert_eq!(t.trusted_proxies.len(), 2);
        assert!(
            args(&["--trust-proxy", "proxy"])
                .unwrap_err()
                .contains("not an IP address")
        );
        let n = args(&["--nats", "nats://127.0.0.1:4222"]).unwrap();
        assert_eq!(n.nats.as_deref(), Some("nats://127.0.0.1:4222"));
        assert!(
            args(&["--nats", "127.0.0.1:4222"])
                .unwrap_err()
                .contains("not a NATS URL")
        );
        let d = args(&[]).unwrap();
        assert_eq!(d.address, SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(d.idle, Duration::from_secs(24 * 3600));
        assert_eq!(args(&["--port"]).unwrap_err(), "--port needs a value");
        assert!(args(&["--port", "x"]).unwrap_err().contains("not a port"));
        assert!(
            args(&["--idle", "0s"])
                .unwrap_err()
                .contains("not a duration")
        );
        assert!(
            args(&["--idle", "5d"])
                .unwrap_err()
                .contains("not a duration")
        );
        assert!(
            args(&["--fast", "1"])
                .unwrap_err()
                .contains("unknown option")
        );
    }
}
