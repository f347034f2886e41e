//! The spawned server: `frontline-rooms` on a free 127.0.0.1 port, with a temporary data
//! folder and (unless `--dist` names one) a temporary `dist/` holding the scenario compiled
//! from its TOML, so the server plays exactly the scenario the benchmark reads. Its output
//! goes to a log file in the temporary folder (a pipe nobody reads would stall it); it is
//! stopped with SIGINT (its graceful stop), killed if that takes too long, and killed when
//! dropped.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use frontline_engine::Scenario;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio::process::{Child, Command};
use tokio::time::{Instant, sleep, timeout};

use crate::options::Target;

const START_WAIT: Duration = Duration::from_secs(15);
const STOP_WAIT: Duration = Duration::from_secs(10);

/// A server this process started.
pub struct Spawned {
    child: Child,
    /// Its process id.
    pub pid: u32,
    /// Its rooms' WebSocket.
    pub target: Target,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// A port nothing listens on now (the system's choice for port 0).
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("no free port")?;
    Ok(listener.local_addr()?.port())
}

/// The last lines of the server's log, for error messages.
pub fn log_tail(log: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

impl Spawned {
    /// Starts `server` and waits until it accepts connections.
    pub async fn start(server: &Path, dist: Option<&Path>, scenario: &Scenario) -> Result<Spawned> {
        if !server.is_file() {
            bail!(
                "{} does not exist; build it first: cargo build --release -p room-server",
                server.display()
            );
        }
        let dir = tempfile::tempdir().context("a temporary folder")?;
        let dist = match dist {
            Some(d) => d.to_path_buf(),
            None => {
                let d = dir.path().join("dist");
                std::fs::create_dir_all(d.join("scenarios"))?;
                std::fs::write(d.join("index.html"), "<!doctype html><title>load</title>\n")?;
                std::fs::write(
                    d.join("scenarios")
                        .join(format!("{}.flc", scenario.meta.id)),
                    frontline_engine::compiled::compile(scenario),
                )?;
                d
            }
        };
        let port = free_port()?;
        let log = dir.path().join("server.log");
        let out = std::fs::File::create(&log)?;
        let child = Command::new(server)
            .arg("--address")
            .arg("127.0.0.1")
            .arg("--port")
            .arg(port.to_string())
            .arg("--dist")
            .arg(&dist)
            .arg("--data")
            .arg(dir.path().join("data"))
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", server.display()))?;
        let pid = child.id().context("the server exited at once")?;
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let mut spawned = Spawned {
            child,
            pid,
            target: Target::parse(&format!("ws://{address}/rooms/ws"))
                .map_err(anyhow::Error::msg)?,
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + START_WAIT;
        loop {
            if tokio::net::TcpStream::connect(address).await.is_ok() {
                return Ok(spawned);
            }
            if let Some(status) = spawned.child.try_wait()? {
                bail!(
                    "the server exited ({status}):\n{}",
                    log_tail(&spawned.log, 20)
                );
            }
            if Instant::now() > deadline {
                bail!(
                    "the server did not listen on {address} within {} s:\n{}",
                    START_WAIT.as_secs(),
                    log_tail(&spawned.log, 20)
                );
            }
            sleep(Duration::from_millis(50)).await;
        }
    }

    /// How many lines of the server's log mention `needle`.
    pub fn log_count(&self, needle: &str) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(needle))
            .count()
    }

    /// Stops the server: SIGINT (it closes every room and exits), SIGKILL after a while.
    pub async fn stop(mut self) -> Result<()> {
        let pid = i32::try_from(self.pid).context("a process id out of range")?;
        let _ = kill(Pid::from_raw(pid), Signal::SIGINT);
        match timeout(STOP_WAIT, self.child.wait()).await {
            Ok(status) => {
                let status = status?;
                if !status.success() {
                    bail!(
                        "the server stopped with {status}:\n{}",
                        log_tail(&self.log, 10)
                    );
                }
                Ok(())
            }
            Err(_) => {
                self.child.kill().await?;
                bail!(
                    "the server did not stop within {} s; killed",
                    STOP_WAIT.as_secs()
                )
            }
        }
    }
}
