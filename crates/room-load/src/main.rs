//! `frontline-room-load`: a load benchmark for the live-room server. It prints figures
//! (vote-to-projector latency percentiles, the server's resident memory per connection and
//! its CPU), it is not a pass/fail test, and it is bounded: at most
//! [`options::MAX_CONNECTIONS`] participants, a ramp of at most [`options::MAX_RAMP`]
//! connections a second, a window of at most ten minutes, and loopback addresses only.
//!
//! By default it spawns `target/release/frontline-rooms` itself (see [`server`]); with
//! `--target` it loads a server or cluster started elsewhere. Each room gets a facilitator
//! connection (which creates it), a projector connection (which follows its entries and
//! times the ballots) and `--room-size` participants (which join with the code and vote).
//! See docs/rooms.md, "Load benchmark".

mod clients;
mod options;
mod procfs;
mod run;
mod server;
mod summary;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use frontline_engine::Scenario;

use crate::options::{Options, USAGE};
use crate::run::Plan;
use crate::server::Spawned;

/// Open files the generator needs beyond its sockets (runtime, stdio, the server's log).
const SPARE_FILES: usize = 64;

fn scenario(o: &Options) -> Result<Arc<Scenario>> {
    let path = o.scenarios.join(format!("{}.toml", o.scenario));
    let src = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {} (see --scenarios)", path.display()))?;
    let loaded = frontline_engine::load(&path.display().to_string(), &src).map_err(|diags| {
        let lines: Vec<String> = diags.iter().take(5).map(|d| d.to_string()).collect();
        anyhow::anyhow!("{} does not load:\n{}", path.display(), lines.join("\n"))
    })?;
    Ok(Arc::new(loaded.scenario))
}

/// Raises the open-file limit and checks that the run's sockets fit under it (in this
/// process, and in the server, which inherits it or has its own).
fn check_files(o: &Options) -> Result<()> {
    let soft = procfs::raise_nofile().context("cannot read or raise the open-file limit")?;
    let need = (o.sockets() + SPARE_FILES) as u64;
    if need > soft {
        bail!(
            "{} connections need about {need} open files and this process may have {soft}; \
             raise the hard limit (ulimit -Hn, /etc/security/limits.conf) or use fewer connections",
            o.sockets()
        );
    }
    for &pid in &o.server_pids {
        if let Some(limit) = procfs::nofile_of(pid).filter(|&l| l < need) {
            eprintln!(
                "frontline-room-load: warning: server process {pid} may open {limit} files; \
                 {need} connections may be refused"
            );
        }
    }
    Ok(())
}

async fn main_async(o: Options, scenario: Arc<Scenario>) -> Result<summary::Summary> {
    if let Some(target) = &o.target {
        let plan = Plan {
            participants: target.clone(),
            projectors: o.projector_target.clone().unwrap_or_else(|| target.clone()),
            pids: o.server_pids.clone(),
        };
        return Ok(run::run(&o, scenario, &plan).await);
    }
    let spawned = Spawned::start(&o.server, o.dist.as_deref(), &scenario).await?;
    if !o.json {
        eprintln!(
            "frontline-room-load: started {} (pid {}) at {}",
            o.server.display(),
            spawned.pid,
            spawned.target.url
        );
    }
    let plan = Plan {
        participants: spawned.target.clone(),
        projectors: spawned.target.clone(),
        pids: vec![spawned.pid],
    };
    let summary = run::run(&o, scenario, &plan).await;
    let refused = spawned.log_count("rate_limited");
    if refused > 0 {
        eprintln!("frontline-room-load: the server logged {refused} rate_limited refusals");
    }
    // The figures stand even if the server does not stop cleanly.
    if let Err(e) = spawned.stop().await {
        eprintln!("frontline-room-load: {e:#}");
    }
    Ok(summary)
}

fn main() -> ExitCode {
    let o = match options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(why) if why.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(why) => {
            eprintln!("frontline-room-load: {why}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = check_files(&o).and_then(|()| {
        let scenario = scenario(&o)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        runtime.block_on(main_async(o.clone(), scenario))
    });
    match result {
        Ok(summary) => {
            if o.json {
                println!("{}", summary.json());
            } else {
                println!("{}", summary.row());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("frontline-room-load: {e:#}");
            ExitCode::FAILURE
        }
    }
}
