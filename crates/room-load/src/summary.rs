//! A run's figures: the latency percentiles from an HdrHistogram of microseconds, the
//! counts, the server's memory and CPU, and the targets beside them; as one table row or one
//! JSON line.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::Serialize;

/// The targets: p99 vote-to-projector latency on one node and on two or more.
pub const TARGET_P99_MS_ONE_NODE: f64 = 100.0;
pub const TARGET_P99_MS_CLUSTER: f64 = 150.0;
/// The target for the server's resident memory per connection, in KB (KiB).
pub const TARGET_KB_PER_CONNECTION: f64 = 20.0;

/// A histogram of latencies in microseconds, 1 µs to 10 minutes at three significant
/// figures (0.1% error).
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("fixed, valid bounds")
}

/// Latency percentiles in milliseconds (`None` when nothing was measured).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Latency {
    pub count: u64,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

impl Latency {
    /// The percentiles of a histogram of microseconds.
    pub fn of(h: &Histogram<u64>) -> Latency {
        if h.is_empty() {
            return Latency::default();
        }
        let ms = |us: u64| Some(us as f64 / 1000.0);
        Latency {
            count: h.len(),
            p50_ms: ms(h.value_at_quantile(0.50)),
            p90_ms: ms(h.value_at_quantile(0.90)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            max_ms: ms(h.max()),
        }
    }
}

/// Everything one run measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Server processes measured (1 for the spawned server).
    pub nodes: usize,
    /// Participants asked for.
    pub connections: usize,
    /// Rooms (each with a facilitator and a projector connection).
    pub rooms: usize,
    /// WebSockets that were up when the measurement began (participants, facilitators,
    /// projectors).
    pub sockets: usize,
    /// Connections that failed to connect, join or create their room (or never tried,
    /// because their room was not opened).
    pub failed: usize,
    /// Why connections failed, by reason.
    pub failures: BTreeMap<String, u64>,
    /// Connections the server closed during the run.
    pub dropped: usize,
    /// The measurement window in seconds.
    pub window_s: f64,
    /// Ballots sent in the window.
    pub votes_sent: u64,
    /// Ballots whose entry came back to their own participant.
    pub votes_acked: u64,
    /// Vote-to-projector latency; `count` is the ballots the projectors saw.
    pub latency: Latency,
    /// Error frames received, by code.
    pub errors: BTreeMap<String, u64>,
    /// Fresh welcomes sent to connections that fell behind.
    pub rewelcomes: u64,
    /// Server RSS before any connection, after everyone joined, and at the window's end (KiB,
    /// summed over the server processes).
    pub rss_before_kb: Option<u64>,
    pub rss_joined_kb: Option<u64>,
    pub rss_end_kb: Option<u64>,
    /// (after joining − before) / sockets.
    pub kb_per_connection: Option<f64>,
    /// Server CPU over the window, % of one core (summed over the server processes).
    pub server_cpu_pct: Option<f64>,
    /// Time the server's threads spent ready but waiting for a CPU over the window, as % of
    /// the window (summed over threads): what other work on the machine took from it.
    pub server_cpu_wait_pct: Option<f64>,
    /// The machine's pressure over the window (Linux PSI, `some`): the share of the window
    /// in which at least one task waited for a CPU, or for I/O. High CPU pressure means the
    /// machine was oversubscribed and the tail measures that, not only the server.
    pub machine_cpu_pressure_pct: Option<f64>,
    pub machine_io_pressure_pct: Option<f64>,
    /// Cores on this machine.
    pub cpus: usize,
    /// The load generator's own CPU over the window, % of one core (it shares the machine).
    pub load_cpu_pct: Option<f64>,
    /// The load generator's own wait for a CPU over the window, as % of the window.
    pub load_cpu_wait_pct: Option<f64>,
    pub target_p99_ms: f64,
    pub target_kb_per_connection: f64,
    /// What counts as a slow ballot, in ms.
    pub slow_ms: u64,
    /// Slow ballots by the second of the window they were sent in: a few seconds with many
    /// means stalls that hit every room at once (the server or the machine), many seconds
    /// with one or two means a scattered tail.
    pub slow_by_second: BTreeMap<u64, u64>,
}

impl Summary {
    /// Memory per connection, once the readings are in.
    pub fn per_connection(before: Option<u64>, joined: Option<u64>, sockets: usize) -> Option<f64> {
        let (before, joined) = (before?, joined?);
        (sockets > 0).then(|| joined.saturating_sub(before) as f64 / sockets as f64)
    }

    /// The p99 target for this many server processes.
    pub fn p99_target(nodes: usize) -> f64 {
        if nodes > 1 {
            TARGET_P99_MS_CLUSTER
        } else {
            TARGET_P99_MS_ONE_NODE
        }
    }

    /// One table row (with the targets beside the figures they judge).
    pub fn row(&self) -> String {
        let l = &self.latency;
        let mut cells = vec![
            format!("connections {}", self.connections),
            format!("rooms {}", self.rooms),
            format!(
                "votes {} (acked {}, seen {})",
                self.votes_sent, self.votes_acked, l.count
            ),
        ];
        match (l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms) {
            (Some(p50), Some(p90), Some(p99), Some(max)) => {
                cells.push(format!("p50 {}", ms(p50)));
                cells.push(format!("p90 {}", ms(p90)));
                cells.push(format!(
                    "p99 {} [target ≤ {}: {}]",
                    ms(p99),
                    ms(self.target_p99_ms),
                    verdict(p99 <= self.target_p99_ms)
                ));
                cells.push(format!("max {}", ms(max)));
            }
            _ => cells.push("no latency measured".into()),
        }
        match self.kb_per_connection {
            Some(kb) => cells.push(format!(
                "RSS/conn {kb:.1} KB [target ≤ {}: {}]",
                self.target_kb_per_connection,
                verdict(kb <= self.target_kb_per_connection)
            )),
            None => cells.push("RSS/conn n/a".into()),
        }
        match self.server_cpu_pct {
            Some(pct) => cells.push(format!(
                "CPU {pct:.0}% of one core ({:.0}% of {})",
                pct / self.cpus.max(1) as f64,
                self.cpus
            )),
            None => cells.push("CPU n/a".into()),
        }
        if let Some(pct) = self.server_cpu_wait_pct {
            cells.push(format!("waited for CPU {pct:.0}%"));
        }
        match (self.load_cpu_pct, self.load_cpu_wait_pct) {
            (Some(pct), Some(wait)) => {
                cells.push(format!("load gen {pct:.0}% (waited for CPU {wait:.0}%)"));
            }
            (Some(pct), None) => cells.push(format!("load gen {pct:.0}%")),
            _ => {}
        }
        if let (Some(cpu), Some(io)) = (self.machine_cpu_pressure_pct, self.machine_io_pressure_pct)
        {
            cells.push(format!("machine pressure CPU {cpu:.0}%, IO {io:.0}%"));
        }
        if self.failures.is_empty() {
            cells.push(format!("failed {}", self.failed));
        } else {
            let why: Vec<String> = self
                .failures
                .iter()
                .map(|(w, n)| format!("{w} {n}"))
                .collect();
            cells.push(format!("failed {} ({})", self.failed, why.join(", ")));
        }
        if self.dropped > 0 {
            cells.push(format!("dropped {}", self.dropped));
        }
        if self.rewelcomes > 0 {
            cells.push(format!("rewelcomes {}", self.rewelcomes));
        }
        if !self.slow_by_second.is_empty() {
            let slow: u64 = self.slow_by_second.values().sum();
            let worst = self.slow_by_second.iter().max_by_key(|(_, n)| **n);
            let (second, n) = worst.map_or((0, 0), |(s, n)| (*s, *n));
            cells.push(format!(
                "{slow} ballots > {} ms, sent in {} different seconds (most: {n} at {second} s)",
                self.slow_ms,
                self.slow_by_second.len()
            ));
        }
        if self.errors.is_empty() {
            cells.push("errors none".into());
        } else {
            let errors: Vec<String> = self
                .errors
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect();
            cells.push(format!("errors {}", errors.join(", ")));
        }
        cells.join(" | ")
    }

    /// The summary as one line of JSON.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn ms(x: f64) -> String {
    if x < 10.0 {
        format!("{x:.1} ms")
    } else {
        format!("{x:.0} ms")
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_histogram() {
        let mut h = histogram();
        // 1 ms .. 1000 ms, one of each: p50 is 500 ms, p90 900 ms, p99 990 ms.
        for ms in 1..=1000u64 {
            h.record(ms * 1000).unwrap();
        }
        let l = Latency::of(&h);
        assert_eq!(l.count, 1000);
        let near = |got: Option<f64>, want: f64| {
            let got = got.unwrap();
            assert!(
                (got - want).abs() <= want * 0.001 + 0.001,
                "{got} vs {want}"
            );
        };
        near(l.p50_ms, 500.0);
        near(l.p90_ms, 900.0);
        near(l.p99_ms, 990.0);
        near(l.max_ms, 1000.0);

        // A slow tail of 2% moves p99 but not p50.
        let mut h = histogram();
        for _ in 0..980 {
            h.record(2_000).unwrap();
        }
        for _ in 0..20 {
            h.record(250_000).unwrap();
        }
        let l = Latency::of(&h);
        near(l.p50_ms, 2.0);
        near(l.p99_ms, 250.0);
        assert_eq!(Latency::of(&histogram()), Latency::default());
    }

    #[test]
    fn the_row_judges_the_figures_against_the_targets() {
        let mut h = histogram();
        for us in [3_000, 3_100, 41_000] {
            h.record(us).unwrap();
        }
        let mut s = Summary {
            nodes: 1,
            connections: 5000,
            rooms: 200,
            sockets: 5400,
            votes_sent: 3,
            votes_acked: 3,
            latency: Latency::of(&h),
            kb_per_connection: Summary::per_connection(Some(10_000), Some(64_000), 5400),
            server_cpu_pct: Some(62.0),
            cpus: 2,
            target_p99_ms: Summary::p99_target(1),
            target_kb_per_connection: TARGET_KB_PER_CONNECTION,
            ..Summary::default()
        };
        let row = s.row();
        for part in [
            "connections 5000",
            "rooms 200",
            "votes 3 (acked 3, seen 3)",
            "p50 3.1 ms",
            "p99 41 ms [target ≤ 100 ms: met]",
            "RSS/conn 10.0 KB [target ≤ 20: met]",
            "CPU 62% of one core (31% of 2)",
            "errors none",
        ] {
            assert!(row.contains(part), "{part} not in {row}");
        }
        s.kb_per_connection = Some(25.0);
        s.target_p99_ms = Summary::p99_target(2);
        s.latency.p99_ms = Some(151.0);
        s.errors.insert("rate_limited".into(), 4);
        let row = s.row();
        assert!(
            row.contains("p99 151 ms [target ≤ 150 ms: MISSED]"),
            "{row}"
        );
        assert!(row.contains("[target ≤ 20: MISSED]"), "{row}");
        assert!(row.contains("errors rate_limited 4"), "{row}");
        let json: serde_json::Value = serde_json::from_str(&s.json()).unwrap();
        assert_eq!(json["latency"]["p99_ms"], 151.0);
        assert_eq!(json["errors"]["rate_limited"], 4);
        assert_eq!(Summary::per_connection(None, Some(1), 5), None);
        assert_eq!(Summary::per_connection(Some(1), Some(2), 0), None);
    }
}
