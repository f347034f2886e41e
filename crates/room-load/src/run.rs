//! One run: open the rooms and connections at the ramp's rate, wait until all are up (or
//! failed), read the server's memory, let participants vote for the window while reading
//! the server's CPU time, give late entries a grace period, stop everyone and add up.

use std::sync::Arc;
use std::time::Duration;

use frontline_engine::Scenario;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior, interval, sleep, sleep_until, timeout_at};

use crate::clients::{self, CONNECT_WAIT, Pending, Phase, SLOW, Tally};
use crate::options::{Options, Target};
use crate::procfs;
use crate::summary::{Latency, Summary, TARGET_KB_PER_CONNECTION, histogram};

/// After the window, how long entries in flight may take to arrive.
const GRACE: Duration = Duration::from_secs(3);

/// After everyone joined, a pause before memory is read, so the joins' short-lived
/// allocations are gone.
const SETTLE: Duration = Duration::from_secs(1);

/// Where the load goes and which processes to measure.
pub struct Plan {
    pub participants: Target,
    pub projectors: Target,
    pub pids: Vec<u32>,
}

fn rss(pids: &[u32]) -> Option<u64> {
    (!pids.is_empty())
        .then(|| pids.iter().map(|&p| procfs::rss_kb(p).ok()).sum())
        .flatten()
}

fn cpu(pids: &[u32]) -> Option<u64> {
    (!pids.is_empty())
        .then(|| pids.iter().map(|&p| procfs::cpu_ticks(p).ok()).sum())
        .flatten()
}

fn run_delay(pids: &[u32]) -> Option<u64> {
    (!pids.is_empty())
        .then(|| pids.iter().map(|&p| procfs::run_delay_ns(p).ok()).sum())
        .flatten()
}

fn say(o: &Options, text: &str) {
    if !o.json {
        eprintln!("frontline-room-load: {text}");
    }
}

/// Runs the load and returns the figures.
pub async fn run(o: &Options, scenario: Arc<Scenario>, plan: &Plan) -> Summary {
    let (phase_tx, phase) = watch::channel(Phase::Joining);
    let (ready_tx, mut ready) = mpsc::unbounded_channel::<bool>();
    let rss_before = rss(&plan.pids);
    let rooms = o.rooms();
    say(
        o,
        &format!(
            "opening {rooms} rooms and {} connections at {}/s",
            o.sockets(),
            o.ramp
        ),
    );
    let joining_started = Instant::now();
    let mut tick = interval(Duration::from_secs_f64(1.0 / f64::from(o.ramp)));
    tick.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let mut tasks: Vec<JoinHandle<Tally>> = Vec::with_capacity(o.sockets());
    let mut openings = Vec::with_capacity(rooms);
    for _ in 0..rooms {
        tick.tick().await;
        let (tx, rx) = oneshot::channel();
        openings.push(rx);
        tasks.push(tokio::spawn(clients::facilitator(
            plan.participants.clone(),
            o.scenario.clone(),
            scenario.clone(),
            tx,
            ready_tx.clone(),
            phase.clone(),
        )));
    }
    let mut never_tried = 0;
    for (r, opening) in openings.into_iter().enumerate() {
        let size = o.room_size.min(o.connections - r * o.room_size);
        let Ok(room) = opening.await else {
            // The room was not opened: its projector and participants never connect.
            never_tried += size + 1;
            continue;
        };
        let room = Arc::new(room);
        let pending = Arc::new(Pending::default());
        tick.tick().await;
        tasks.push(tokio::spawn(clients::projector(
            plan.projectors.clone(),
            joining_started,
            room.clone(),
            pending.clone(),
            ready_tx.clone(),
            phase.clone(),
        )));
        for i in 0..size {
            tick.tick().await;
            tasks.push(tokio::spawn(clients::participant(
                plan.participants.clone(),
                room.clone(),
                pending.clone(),
                r * o.room_size + i,
                o.vote_every,
                ready_tx.clone(),
                phase.clone(),
            )));
        }
    }
    drop(ready_tx);
    // Every task reports once, up or failed, within its own connect wait.
    let deadline = Instant::now() + CONNECT_WAIT + Duration::from_secs(5);
    let (mut up, mut down) = (0usize, 0usize);
    while up + down < tasks.len() {
        match timeout_at(deadline, ready.recv()).await {
            Ok(Some(true)) => up += 1,
            Ok(Some(false)) => down += 1,
            Ok(None) | Err(_) => break,
        }
    }
    say(
        o,
        &format!(
            "{up} connections up, {} failed, in {:.1} s; measuring for {} s",
            down + never_tried,
            joining_started.elapsed().as_secs_f64(),
            o.duration.as_secs_f64()
        ),
    );
    sleep(SETTLE).await;
    let rss_joined = rss(&plan.pids);

    let me = std::process::id();
    let pressure_start = (procfs::pressure_us("cpu"), procfs::pressure_us("io"));
    let (cpu_start, wait_start, me_start, me_wait_start, start) = (
        cpu(&plan.pids),
        run_delay(&plan.pids),
        procfs::cpu_ticks(me).ok(),
        procfs::run_delay_ns(me).ok(),
        Instant::now(),
    );
    let end = start + o.duration;
    let _ = phase_tx.send(Phase::Voting { start, end });
    sleep_until(end).await;
    let (cpu_end, wait_end, me_end, me_wait_end, elapsed) = (
        cpu(&plan.pids),
        run_delay(&plan.pids),
        procfs::cpu_ticks(me).ok(),
        procfs::run_delay_ns(me).ok(),
        start.elapsed(),
    );
    let pressure_end = (procfs::pressure_us("cpu"), procfs::pressure_us("io"));
    let rss_end = rss(&plan.pids);
    sleep(GRACE).await;
    let _ = phase_tx.send(Phase::Stop);

    let percent = |a: Option<u64>, b: Option<u64>| {
        let (a, b) = (a?, b?);
        Some(b.saturating_sub(a) as f64 / procfs::ticks_per_s() / elapsed.as_secs_f64() * 100.0)
    };
    let waited = |a: Option<u64>, b: Option<u64>| {
        let (a, b) = (a?, b?);
        Some(b.saturating_sub(a) as f64 / elapsed.as_nanos() as f64 * 100.0)
    };
    let stalled = |a: Option<u64>, b: Option<u64>| {
        let (a, b) = (a?, b?);
        Some(b.saturating_sub(a) as f64 / elapsed.as_micros() as f64 * 100.0)
    };
    let mut summary = Summary {
        nodes: plan.pids.len().max(1),
        connections: o.connections,
        rooms,
        sockets: up,
        failed: never_tried,
        window_s: elapsed.as_secs_f64(),
        rss_before_kb: rss_before,
        rss_joined_kb: rss_joined,
        rss_end_kb: rss_end,
        kb_per_connection: Summary::per_connection(rss_before, rss_joined, up),
        server_cpu_pct: percent(cpu_start, cpu_end),
        server_cpu_wait_pct: waited(wait_start, wait_end),
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_cpu_pct: percent(me_start, me_end),
        load_cpu_wait_pct: waited(me_wait_start, me_wait_end),
        machine_cpu_pressure_pct: stalled(pressure_start.0, pressure_end.0),
        machine_io_pressure_pct: stalled(pressure_start.1, pressure_end.1),
        target_p99_ms: Summary::p99_target(plan.pids.len()),
        target_kb_per_connection: TARGET_KB_PER_CONNECTION,
        slow_ms: SLOW.as_millis() as u64,
        ..Summary::default()
    };
    let mut latency = histogram();
    // Slow ballots come keyed by seconds since the ramp began; count them from the window's
    // start instead (to within a second).
    let offset = start.duration_since(joining_started).as_secs();
    let stop_by = Instant::now() + CONNECT_WAIT;
    for task in tasks {
        let Ok(Ok(tally)) = timeout_at(stop_by, task).await else {
            summary
                .errors
                .entry("task_lost".into())
                .and_modify(|n| *n += 1)
                .or_insert(1);
            continue;
        };
        if let Some(why) = tally.failed {
            summary.failed += 1;
            *summary.failures.entry(why).or_default() += 1;
        }
        summary.dropped += usize::from(tally.dropped);
        summary.votes_sent += tally.votes_sent;
        summary.votes_acked += tally.votes_acked;
        summary.rewelcomes += tally.rewelcomes;
        for (code, n) in tally.errors {
            *summary.errors.entry(code).or_default() += n;
        }
        for (second, n) in tally.slow {
            *summary
                .slow_by_second
                .entry(second.saturating_sub(offset))
                .or_default() += n;
        }
        if let Some(h) = tally.latency {
            let _ = latency.add(&h);
        }
    }
    summary.latency = Latency::of(&latency);
    summary
}
