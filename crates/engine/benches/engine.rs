//! Engine benchmarks: decisions per second in random play, load-and-validate time for a
//! generated 10,000-scene scenario, and the debrief's what-if search.
//!
//! Besides criterion's measurements this prints plain figures, two of them checked against
//! the targets in the engine's brief: `decisions/s: N` (target at least 1,000,000) from a
//! timed loop of over a million decisions, and `load 10000 scenes: X ms` (target at most
//! 50 ms). Then `what-ifs` per bundled scenario: the time to work out the debrief's what-ifs
//! for a random playthrough, which the app does on the main thread after an ending. Then
//! `check`: the time to check generated files of 1,000, 10,000 and 100,000 scenes and of
//! 100,000 choices in one scene (it should grow about linearly), and of hostile files of up
//! to 2 MB, the largest file the browser's checker takes (each under 2 s natively).
//!
//! Run with `cargo bench -p frontline-engine --bench engine`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
// A small, fast, seeded generator for picking choices (rand's; nothing here is pinned); the
// engine's own randomness is ChaCha8 inside the session.
use frontline_engine::{Scenario, Session, debrief, load};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

const SAMPLE: &str = include_str!("../tests/fixtures/sample.toml");

/// Plays random playthroughs of `scenario`, a new session (with a new seed) each time one
/// ends, until `decisions` decisions have been made. Returns a checksum of the final scores
/// so the work cannot be optimised away.
fn random_play(scenario: &Arc<Scenario>, seed: u64, decisions: u64) -> u64 {
    let mut pick = SmallRng::seed_from_u64(seed);
    let mut made = 0;
    let mut checksum = 0u64;
    let mut game = 0u64;
    while made < decisions {
        let mut session = Session::new(scenario.clone(), seed.wrapping_add(game));
        game += 1;
        while !session.is_ended() && made < decisions {
            let idx = random_choice(&session, &mut pick);
            let events = session.choose_index(idx).expect("an offered choice");
            black_box(events);
            made += 1;
        }
        checksum = checksum.wrapping_add(session.score() as u64);
    }
    checksum
}

/// One of the choices `session` offers now, picked with `pick`.
fn random_choice(session: &Session, pick: &mut SmallRng) -> usize {
    let offered = session.available_choices().count();
    let k = pick.random_range(0..offered);
    session
        .available_choices()
        .nth(k)
        .map(|(i, _)| i)
        .expect("k is below the number offered")
}

fn sample() -> Arc<Scenario> {
    let loaded = load("sample.toml", SAMPLE).expect("the sample fixture loads");
    assert!(loaded.warnings.is_empty());
    Arc::new(loaded.scenario)
}

/// A scenario of `n` scenes as TOML text. Scene `i` leads to scene `i + 1` (so every scene is
/// reachable and can reach an ending) and to one or two scenes further on; the last three
/// scenes are endings. Every seventh scene has a choice with chance outcomes and an odds rule,
/// every fifth a conditional choice, and flags are raised, lowered and read throughout.
fn generated_scenario(n: usize) -> String {
    assert!(n >= 10);
    const FLAGS: usize = 16;
    let endings = ["end-a", "end-b", "end-c"];
    let last = n - endings.len();
    let target = |i: usize| -> String {
        if i < last {
            format!("s{i}")
        } else {
            endings[i % endings.len()].to_owned()
        }
    };
    let mut out = String::with_capacity(n * 400);
    out.push_str(
        r#"[scenario]
id = "generated"
title = "Generated"
summary = "A very large generated scenario."
role = "Team lead"
team = "Everyone"
minutes = 600
language = "en"
version = 1
authors = ["bench"]

[meters.morale]
label = "Team morale"
start = 50

[meters.satisfaction]
label = "Customer satisfaction"
start = 50

[meters.backlog]
label = "Backlog"
start = 50
good = "low"

[[triggers]]
id = "slump"
when = "morale < 20"
text = "Morale slumps."
effects = { satisfaction = -5 }

[[triggers]]
id = "surge"
when = "backlog > 90 and not f3"
text = "The backlog surges."
effects = { morale = -5 }
set = ["surged"]
"#,
    );
    for i in 0..last {
        let _ = write!(
            out,
            "\n[[scenes]]\nid = \"s{i}\"\ntext = \"Scene {i}: what now?\"\n"
        );
        if i % 11 == 0 {
            let _ = writeln!(
                out,
                "variants = [{{ when = \"f{} or surged\", text = \"Scene {i}, again.\" }}]",
                i % FLAGS
            );
        }
        // The chain.
        let _ = write!(
            out,
            "\n[[scenes.choices]]\nid = \"next\"\ntext = \"Carry on\"\neffects = {{ morale = {}, backlog = \"+10%\" }}\nset = [\"f{}\"]\ngoto = \"{}\"\n",
            (i % 7) as i64 - 3,
            i % FLAGS,
            target(i + 1)
        );
        // A jump ahead, sometimes by chance.
        let ahead = i + 2 + (i * 7919) % 40;
        if i % 7 == 0 {
            let _ = write!(
                out,
                "\n[[scenes.choices]]\nid = \"gamble\"\ntext = \"Take a chance\"\neffects = {{ satisfaction = \"-10%\" }}\nclear = [\"f{}\"]\n\n[[scenes.choices.outcomes]]\nid = \"win\"\nweight = 2\nodds = [{{ when = \"morale >= 60\", weight = 5 }}]\ntext = \"It pays off.\"\neffects = {{ backlog = -20 }}\ngoto = \"{}\"\n\n[[scenes.choices.outcomes]]\nid = \"lose\"\nweight = 1\ntext = \"It does not.\"\neffects = {{ morale = -8 }}\ngoto = \"{}\"\n",
                (i + 5) % FLAGS,
                target(ahead),
                target(i + 1)
            );
        } else {
            let _ = write!(
                out,
                "\n[[scenes.choices]]\nid = \"skip\"\ntext = \"Skip ahead\"\neffects = {{ satisfaction = 3, backlog = 5 }}\ngoto = \"{}\"\n",
                target(ahead)
            );
        }
        // A conditional third choice.
        if i % 5 == 0 {
            let _ = write!(
                out,
                "\n[[scenes.choices]]\nid = \"rally\"\ntext = \"Rally the team\"\nwhen = \"morale >= 40 and (f{} or satisfaction < 70)\"\neffects = {{ morale = \"+15%\" }}\ngoto = \"{}\"\n",
                (i + 3) % FLAGS,
                target(i + 3)
            );
        }
    }
    for (k, id) in endings.iter().enumerate() {
        let rating = ["exemplary", "solid", "failing"][k];
        let _ = write!(
            out,
            "\n[[scenes]]\nid = \"{id}\"\ntext = \"The end.\"\nending = {{ title = \"End {k}\", rating = \"{rating}\", debrief = \"Done.\" }}\n"
        );
    }
    out
}

/// The two plain figures the brief asks for.
fn report_figures() {
    let scenario = sample();
    // Warm up, then time well over a million decisions.
    black_box(random_play(&scenario, 1, 100_000));
    let decisions = 3_000_000;
    let start = Instant::now();
    black_box(random_play(&scenario, 2, decisions));
    let secs = start.elapsed().as_secs_f64();
    println!("decisions/s: {:.0}", decisions as f64 / secs);

    let src = generated_scenario(10_000);
    let loaded = load("generated.toml", &src).unwrap_or_else(|diags| {
        let first: Vec<String> = diags.iter().take(5).map(ToString::to_string).collect();
        panic!(
            "the generated scenario does not load:\n{}",
            first.join("\n")
        )
    });
    assert_eq!(loaded.scenario.scenes.len(), 10_000);
    let mut times: Vec<Duration> = (0..7)
        .map(|_| {
            let start = Instant::now();
            black_box(load("generated.toml", black_box(&src)).is_ok());
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "load 10000 scenes: {:.1} ms (median of 7; {} KiB of TOML, {} warnings)",
        times[3].as_secs_f64() * 1000.0,
        src.len() / 1024,
        loaded.warnings.len()
    );
}

/// The bundled scenarios (scenarios/*.toml), loaded, by file name.
fn bundled() -> Vec<(String, Arc<Scenario>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the scenarios folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let src = std::fs::read_to_string(&path).expect("a readable scenario");
            let loaded = load(&name, &src).expect("a bundled scenario loads");
            (name, Arc::new(loaded.scenario))
        })
        .collect()
}

/// A finished random playthrough of `scenario`.
fn finished(scenario: &Arc<Scenario>, seed: u64) -> Session {
    let mut pick = SmallRng::seed_from_u64(seed);
    let mut session = Session::new(scenario.clone(), seed);
    while !session.is_ended() {
        let idx = random_choice(&session, &mut pick);
        session.choose_index(idx).expect("an offered choice");
    }
    session
}

/// The what-if search's time per bundled scenario, for random playthroughs with seeds 1 to
/// 8: the mean per playthrough, and the slowest.
fn report_what_ifs() {
    println!("what-ifs, per random playthrough (seeds 1 to 8):");
    for (name, scenario) in bundled() {
        let sessions: Vec<Session> = (1..=8).map(|seed| finished(&scenario, seed)).collect();
        let times: Vec<Duration> = sessions
            .iter()
            .map(|session| {
                let start = Instant::now();
                black_box(debrief::what_ifs(black_box(session)));
                start.elapsed()
            })
            .collect();
        let total: Duration = times.iter().sum();
        let slowest = times.iter().max().copied().unwrap_or_default();
        let decisions: usize = sessions.iter().map(|s| s.history().len()).sum();
        println!(
            "  {name}: mean {:.2} ms, slowest {:.2} ms ({:.1} decisions on average)",
            total.as_secs_f64() * 1000.0 / 8.0,
            slowest.as_secs_f64() * 1000.0,
            decisions as f64 / 8.0
        );
    }
}

fn bench_decisions(c: &mut Criterion) {
    let scenario = sample();
    let mut group = c.benchmark_group("random play");
    for decisions in [1_000u64, 100_000] {
        group.throughput(Throughput::Elements(decisions));
        group.bench_with_input(
            BenchmarkId::new("sample decisions", decisions),
            &decisions,
            |b, &n| b.iter(|| random_play(&scenario, 7, n)),
        );
    }
    group.finish();
}

fn bench_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.throughput(Throughput::Bytes(SAMPLE.len() as u64));
    group.bench_function("sample fixture", |b| {
        b.iter(|| load("sample.toml", black_box(SAMPLE)).is_ok())
    });
    let src = generated_scenario(10_000);
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("10000 scenes", |b| {
        b.iter(|| load("generated.toml", black_box(&src)).is_ok())
    });
    group.finish();
}

fn bench_what_ifs(c: &mut Criterion) {
    let mut group = c.benchmark_group("what-ifs");
    for (name, scenario) in bundled().into_iter().take(2) {
        let session = finished(&scenario, 1);
        group.bench_function(name, |b| b.iter(|| debrief::what_ifs(black_box(&session))));
    }
    group.finish();
}

const HEAD: &str = "[scenario]\nid = \"hostile\"\ntitle = \"Hostile\"\nsummary = \"S\"\nrole = \"R\"\nteam = \"T\"\nminutes = 2\nlanguage = \"en\"\nversion = 1\nauthors = [\"bench\"]\n\n[meters.morale]\nlabel = \"M\"\nstart = 50\n\n[meters.satisfaction]\nlabel = \"S\"\nstart = 50\n";

const END: &str = "\n[[scenes]]\nid = \"end\"\ntext = \"End\"\nending = { title = \"E\", rating = \"solid\", debrief = \"D\" }\n";

/// Appends `piece(i)` for i = 0, 1, ... while the text stays within `max` bytes and `piece`
/// has one.
fn fill(out: String, max: usize, tail: &str, piece: impl Fn(usize) -> String) -> String {
    fill_n(out, max, tail, |i| Some(piece(i)))
}

fn fill_n(
    mut out: String,
    max: usize,
    tail: &str,
    piece: impl Fn(usize) -> Option<String>,
) -> String {
    for i in 0.. {
        let Some(p) = piece(i) else { break };
        if out.len() + p.len() + tail.len() > max {
            break;
        }
        out.push_str(&p);
    }
    out.push_str(tail);
    out
}

/// One scene with choices `c0`, `c1`, ... to the ending, up to `max` bytes or `n` choices.
fn many_choices(n: usize, max: usize) -> String {
    let head = format!("{HEAD}\n[[scenes]]\nid = \"start\"\ntext = \"Go\"\n");
    fill_n(head, max, END, |i| {
        (i < n).then(|| {
            format!(
                "\n[[scenes.choices]]\nid = \"c{i}\"\ntext = \"C\"\neffects = {{ morale = 1, satisfaction = 1 }}\ngoto = \"end\"\n"
            )
        })
    })
}

/// Hostile files of at most `max` bytes, by name: the cases of issue 14 and the heaviest
/// valid files the limits allow.
fn hostile_files(max: usize) -> Vec<(&'static str, String)> {
    let scene = |id: String, goto: String, when: &str| {
        format!(
            "\n[[scenes]]\nid = \"{id}\"\ntext = \"S\"\n\n[[scenes.choices]]\nid = \"a\"\ntext = \"A\"\n{when}effects = {{ morale = 1 }}\nset = [\"f\"]\ngoto = \"{goto}\"\n\n[[scenes.choices]]\nid = \"b\"\ntext = \"B\"\neffects = {{ satisfaction = 1 }}\ngoto = \"end\"\n"
        )
    };
    let mut files = vec![
        (
            "misspelt gotos",
            fill(HEAD.to_owned(), max, END, |i| {
                scene(format!("scene-{i}"), format!("scene-{}x", i + 1), "")
            }),
        ),
        (
            "duplicate ids",
            fill(HEAD.to_owned(), max, END, |_| {
                scene("s".into(), "s".into(), "")
            }),
        ),
        (
            "unknown names in conditions",
            fill(HEAD.to_owned(), max, END, |i| {
                scene(
                    format!("s{i}"),
                    format!("s{}", i + 1),
                    &format!("when = \"morale > 1 and flag{i}x and not moralle\"\n"),
                )
            }),
        ),
        (
            "conditions at the DNF cap",
            fill(HEAD.to_owned(), max, END, |i| {
                let pairs = "(f or morale > 1) and ".repeat(8);
                let wide = (0..50)
                    .map(|k| format!("morale > {k}"))
                    .collect::<Vec<_>>()
                    .join(" or ");
                scene(
                    format!("s{i}"),
                    format!("s{}", i + 1),
                    &format!("when = \"{pairs}({wide})\"\n"),
                )
            }),
        ),
        ("bad ids on one line", {
            let tail = format!("]\n{HEAD}");
            fill("scenes = [".to_owned(), max, &tail, |i| {
                format!(
                    "{{ id = \"bad id {i}\", text = \"t\", ending = {{ title = \"t\", rating = \"solid\", debrief = \"d\" }} }}, "
                )
            })
        }),
        ("choices past the limit", many_choices(usize::MAX, max)),
        (
            "emphasis at the depth limit",
            fill(HEAD.to_owned(), max, END, |i| {
                let mut text = String::new();
                for k in 0..16 {
                    text.push_str(if k % 2 == 0 { "*a " } else { "_a " });
                }
                text.push('x');
                for k in (0..16).rev() {
                    text.push_str(if k % 2 == 0 { " a*" } else { " a_" });
                }
                let text = format!("{text}\\n\\n").repeat(20);
                format!(
                    "\n[[scenes]]\nid = \"s{i}\"\ntext = \"{text}\"\n\n[[scenes.choices]]\nid = \"a\"\ntext = \"A\"\neffects = {{ morale = 1, satisfaction = 1 }}\ngoto = \"end\"\n\n[[scenes.choices]]\nid = \"b\"\ntext = \"B\"\ngoto = \"s{}\"\n",
                    i + 1
                )
            }),
        ),
    ];
    // The last scene of a chain leads to the ending instead of past the end.
    for (_, src) in &mut files {
        let scenes = src.matches("[[scenes]]").count();
        let last = format!("goto = \"s{}\"", scenes - 1);
        if let Some(at) = src.rfind(&last) {
            src.replace_range(at..at + last.len(), "goto = \"end\"");
        }
    }
    // The state search's worst case: 100 choices of 100 outcomes each, all back to a scene
    // whose meters they move, so that every state has 10,000 successors.
    let mut src = format!(
        "{HEAD}\n[[scenes]]\nid = \"start\"\ntext = \"Go\"\n\n[[scenes.choices]]\nid = \"stop\"\ntext = \"Stop\"\ngoto = \"end\"\n"
    );
    for c in 0..99 {
        let _ = write!(src, "\n[[scenes.choices]]\nid = \"c{c}\"\ntext = \"C\"\n");
        for o in 0..100 {
            let _ = write!(
                src,
                "\n[[scenes.choices.outcomes]]\nid = \"o{o}\"\nweight = 1\ntext = \"O\"\neffects = {{ morale = {}, satisfaction = {} }}\ngoto = \"start\"\n",
                (c % 11) as i64 - 5,
                (o % 13) as i64 - 6
            );
        }
    }
    src.push_str(END);
    files.push(("state search, 10,000 successors a state", src));
    files.push(("valid generated scenario", {
        // The largest that fits and loads (at some sizes the jumps miss an ending).
        let mut n = 1000;
        while generated_scenario(n + 100).len() <= max {
            n += 100;
        }
        while load("bench.toml", &generated_scenario(n)).is_err() {
            n -= 100;
        }
        generated_scenario(n)
    }));
    files
}

/// Median of `runs` timed checks of `src`.
fn check_time(src: &str, runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let result = load("bench.toml", black_box(src));
            black_box(result.is_ok());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// Check times: growth with size, and the worst files the browser's checker accepts.
fn report_check_times() {
    for n in [1_000, 10_000, 100_000] {
        let src = generated_scenario(n);
        let errors = match load("bench.toml", &src) {
            Ok(_) => 0,
            Err(d) => d.len(),
        };
        let runs = if n >= 100_000 { 3 } else { 5 };
        println!(
            "check {n} scenes: {:.1} ms ({} KiB, {errors} errors)",
            check_time(&src, runs).as_secs_f64() * 1000.0,
            src.len() / 1024
        );
    }
    let src = many_choices(100_000, usize::MAX);
    println!(
        "check 100000 choices in one scene: {:.1} ms ({} KiB)",
        check_time(&src, 3).as_secs_f64() * 1000.0,
        src.len() / 1024
    );
    const MAX: usize = 2 * 1024 * 1024;
    let mut worst = (Duration::ZERO, "");
    for (name, src) in hostile_files(MAX) {
        let result = load("bench.toml", &src);
        let (errors, warnings) = match &result {
            Ok(l) => (0, l.warnings.len()),
            Err(d) => (
                d.iter()
                    .filter(|d| d.severity == frontline_engine::Severity::Error)
                    .count(),
                d.iter()
                    .filter(|d| d.severity == frontline_engine::Severity::Warning)
                    .count(),
            ),
        };
        let t = check_time(&src, 3);
        let first = match &result {
            Ok(l) => l.warnings.first(),
            Err(d) => d.first(),
        }
        .map(|d| {
            format!(
                "; first: {}",
                d.message.chars().take(90).collect::<String>()
            )
        })
        .unwrap_or_default();
        println!(
            "check 2 MB worst case, {name}: {:.1} ms ({} KiB, {errors} errors, {warnings} warnings{first})",
            t.as_secs_f64() * 1000.0,
            src.len() / 1024
        );
        if t > worst.0 {
            worst = (t, name);
        }
    }
    println!(
        "check 2 MB worst case: {:.1} ms ({})",
        worst.0.as_secs_f64() * 1000.0,
        worst.1
    );
}

fn main() {
    report_check_times();
    if std::env::var_os("FRONTLINE_BENCH_CHECK_ONLY").is_some() {
        return;
    }
    report_figures();
    report_what_ifs();
    let mut c = Criterion::default().configure_from_args();
    bench_decisions(&mut c);
    bench_load(&mut c);
    bench_what_ifs(&mut c);
    c.final_summary();
}
