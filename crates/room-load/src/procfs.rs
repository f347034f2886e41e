//! What Linux says about a process: resident memory (`/proc/PID/status`), CPU time
//! (`/proc/PID/stat`), time its threads spent ready but waiting for a CPU
//! (`/proc/PID/task/*/schedstat`), its open-file limit (`/proc/PID/limits`); and this
//! process's own open-file limit, raised to the hard limit so thousands of sockets fit.

use std::io;

use nix::sys::resource::{Resource, getrlimit, setrlimit};
use nix::unistd::{SysconfVar, sysconf};

/// `VmRSS` in KiB from the text of `/proc/PID/status`.
pub fn parse_vm_rss(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}

/// User plus system CPU time in clock ticks from the text of `/proc/PID/stat`.
pub fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) is in parentheses and may hold spaces or ')', so count
    // fields from the last ')': state is field 3, utime 14 and stime 15.
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// The run-queue wait in nanoseconds (the second field) from the text of a thread's
/// `schedstat`.
pub fn parse_run_delay(schedstat: &str) -> Option<u64> {
    schedstat.split_whitespace().nth(1)?.parse().ok()
}

/// The `some` line's `total` (µs during which at least one task was stalled) from the text
/// of `/proc/pressure/cpu` or `/proc/pressure/io`.
pub fn parse_pressure_total(pressure: &str) -> Option<u64> {
    pressure
        .lines()
        .find(|l| l.starts_with("some "))?
        .split_whitespace()
        .find_map(|f| f.strip_prefix("total="))?
        .parse()
        .ok()
}

/// The machine's pressure stall total for `cpu` or `io`, in µs (Linux 4.20+ with PSI).
pub fn pressure_us(resource: &str) -> Option<u64> {
    parse_pressure_total(&std::fs::read_to_string(format!("/proc/pressure/{resource}")).ok()?)
}

/// `Max open files` (the soft limit) from the text of `/proc/PID/limits`.
pub fn parse_nofile(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn read(pid: u32, file: &str) -> io::Result<String> {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
}

fn bad(pid: u32, file: &str) -> io::Error {
    io::Error::other(format!("/proc/{pid}/{file} does not read as expected"))
}

/// The process's resident memory in KiB.
pub fn rss_kb(pid: u32) -> io::Result<u64> {
    parse_vm_rss(&read(pid, "status")?).ok_or_else(|| bad(pid, "status"))
}

/// The process's CPU time so far (user + system), in clock ticks.
pub fn cpu_ticks(pid: u32) -> io::Result<u64> {
    parse_cpu_ticks(&read(pid, "stat")?).ok_or_else(|| bad(pid, "stat"))
}

/// How long the process's threads have waited, ready to run, for a CPU (summed over its
/// threads, in nanoseconds). On a shared machine this is the time other work took from it.
pub fn run_delay_ns(pid: u32) -> io::Result<u64> {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let path = task?.path().join("schedstat");
        // A thread may end between the listing and the read.
        if let Ok(text) = std::fs::read_to_string(&path) {
            total += parse_run_delay(&text).ok_or_else(|| bad(pid, "task/*/schedstat"))?;
        }
    }
    Ok(total)
}

/// The process's open-file soft limit, if it has one.
pub fn nofile_of(pid: u32) -> Option<u64> {
    parse_nofile(&read(pid, "limits").ok()?)
}

/// Clock ticks per second (`/proc` counts CPU time in them).
pub fn ticks_per_s() -> f64 {
    match sysconf(SysconfVar::CLK_TCK) {
        Ok(Some(n)) if n > 0 => n as f64,
        _ => 100.0,
    }
}

/// Raises this process's open-file soft limit to its hard limit (children inherit it);
/// returns the soft limit now in force.
pub fn raise_nofile() -> io::Result<u64> {
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).map_err(io::Error::from)?;
    // An unlimited hard limit is still capped by the kernel's nr_open.
    let ceiling = std::fs::read_to_string("/proc/sys/fs/nr_open")
        .ok()
        .and_then(|t| t.trim().parse::<u64>().ok())
        .unwrap_or(1 << 20);
    let want = hard.min(ceiling);
    if want > soft {
        setrlimit(Resource::RLIMIT_NOFILE, want, hard).map_err(io::Error::from)?;
    }
    Ok(getrlimit(Resource::RLIMIT_NOFILE)
        .map_err(io::Error::from)?
        .0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_files_parse() {
        let status =
            "Name:\tfrontline-rooms\nVmPeak:\t  90000 kB\nVmRSS:\t   14232 kB\nThreads:\t3\n";
        assert_eq!(parse_vm_rss(status), Some(14232));
        assert_eq!(parse_vm_rss("Name:\tx\n"), None);
        // A command name with spaces and a ')' must not shift the fields.
        let stat =
            "4242 (odd) name) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 31 0 0 20 0 3 0 1 2 3";
        assert_eq!(parse_cpu_ticks(stat), Some(281));
        assert_eq!(parse_cpu_ticks("4242 (short) S 1"), None);
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max cpu time              unlimited            unlimited            seconds   \n\
                      Max open files            20000                20000                files     \n";
        assert_eq!(parse_nofile(limits), Some(20000));
        assert_eq!(parse_run_delay("123456 7890 42\n"), Some(7890));
        assert_eq!(parse_run_delay("123456\n"), None);
        let pressure = "some avg10=92.98 avg60=75.99 avg300=54.69 total=12872971083\n\
                        full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
        assert_eq!(parse_pressure_total(pressure), Some(12_872_971_083));
        assert_eq!(parse_pressure_total("full avg10=0.00 total=5\n"), None);
    }

    #[test]
    fn this_process_reads_like_any_other() {
        let me = std::process::id();
        assert!(rss_kb(me).unwrap() > 0);
        cpu_ticks(me).unwrap();
        run_delay_ns(me).unwrap();
        let soft = raise_nofile().unwrap();
        assert_eq!(nofile_of(me), Some(soft));
        assert!(ticks_per_s() >= 1.0);
    }
}
