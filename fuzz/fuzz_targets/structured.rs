//! Structure-aware fuzzing of the loader (issue 14): the fuzzer's bytes are read by
//! `arbitrary` as a [`Spec`], a scenario's shape (meters, flags, scenes, choices, outcomes,
//! odds, triggers, conditions as trees, texts with nested emphasis), which is written out as
//! TOML. Knobs make it deep (conditions and emphasis nested thousands of levels) and wide
//! (thousands of scenes, choices or outcomes, long ids, duplicates, misspelt references), so
//! the limits and every check behind them are reached far more often than from plain bytes.
//!
//! Each input runs on a thread with a 1 MiB stack, the size of a WebAssembly stack, so deep
//! recursion fails here as it would in the browser. Run with libFuzzer's `-timeout` to catch
//! checks that grow too fast. Any panic or crash is a bug: the loader must turn every input
//! into a scenario or diagnostics, and a loaded scenario must play, encode, compile and read
//! back.

#![no_main]

use std::fmt::Write as _;
use std::sync::Arc;

use arbitrary::Arbitrary;
use frontline_engine::{Session, code, compiled, load, markdown};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Spec {
    meters: Vec<MeterSpec>,
    flags: u8,
    start: Option<Name>,
    scenes: Vec<SceneSpec>,
    triggers: Vec<TriggerSpec>,
    /// Repeats the last scene this many times (wide files).
    repeat_scenes: u16,
    seed: u64,
    picks: Vec<u8>,
}

#[derive(Debug, Arbitrary)]
struct MeterSpec {
    name: Name,
    start: i8,
    weight: Option<u8>,
}

#[derive(Debug, Arbitrary)]
struct SceneSpec {
    id: Name,
    text: Text,
    variants: Vec<(CondSpec, Text)>,
    ending: Option<u8>,
    choices: Vec<ChoiceSpec>,
    /// Repeats the last choice this many times.
    repeat_choices: u16,
}

#[derive(Debug, Arbitrary)]
struct ChoiceSpec {
    id: Name,
    text: Text,
    when: Option<CondSpec>,
    effects: Vec<(u8, i8, bool)>,
    set: Vec<u8>,
    clear: Vec<u8>,
    goto: Option<Name>,
    outcomes: Vec<OutcomeSpec>,
    /// Repeats the last outcome this many times.
    repeat_outcomes: u16,
}

#[derive(Debug, Arbitrary)]
struct OutcomeSpec {
    id: Name,
    weight: u32,
    odds: Vec<(CondSpec, u32)>,
    goto: Option<Name>,
    text: Text,
}

#[derive(Debug, Arbitrary)]
struct TriggerSpec {
    id: Name,
    when: CondSpec,
    effects: Vec<(u8, i8, bool)>,
    set: Vec<u8>,
}

/// An id: usually one of a few short ones (so references hit), sometimes misspelt, long,
/// or with a look-alike letter.
#[derive(Debug, Arbitrary)]
enum Name {
    Short(u8),
    Misspelt(u8),
    Long(u16),
    LookAlike(u8),
    Raw(String),
}

impl Name {
    fn render(&self, prefix: &str) -> String {
        match self {
            Name::Short(n) => format!("{prefix}{}", n % 8),
            Name::Misspelt(n) => format!("{prefix}{}x", n % 8),
            Name::Long(n) => format!("{prefix}{}", "a".repeat(usize::from(*n) % 40_000)),
            Name::LookAlike(n) => format!("{prefix}\u{043e}{}", n % 8),
            Name::Raw(s) => s.chars().filter(|c| *c != '"' && *c != '\\').collect(),
        }
    }
}

/// A condition as a tree, plus knobs that nest it far.
#[derive(Debug, Arbitrary)]
enum CondSpec {
    Meter(u8, u8, i16),
    Flag(u8),
    Unknown(Name),
    Not(Box<CondSpec>),
    And(Vec<CondSpec>),
    Or(Vec<CondSpec>),
    /// `(((...)))` around the inner condition.
    Parens(u16, Box<CondSpec>),
    /// `not not ... ` or `!!!...` before the inner condition.
    Nots(u16, bool, Box<CondSpec>),
    /// Unbalanced or raw text.
    Raw(String),
}

/// A text, sometimes with emphasis nested deep.
#[derive(Debug, Arbitrary)]
enum Text {
    Plain(u8),
    Nested(u16, bool),
    Long(u16),
    Raw(String),
}

impl Text {
    fn render(&self) -> String {
        match self {
            Text::Plain(n) => format!("Text {n} with *emphasis* and **strong**."),
            Text::Nested(depth, alternate) => {
                let depth = usize::from(*depth) % 6_000;
                let mark = |i: usize| if *alternate && i % 2 == 1 { '_' } else { '*' };
                let mut out = String::new();
                for i in 0..depth {
                    let _ = write!(out, "{}a ", mark(i));
                }
                out.push_str("deep");
                for i in (0..depth).rev() {
                    let _ = write!(out, " a{}", mark(i));
                }
                out
            }
            Text::Long(n) => "x".repeat(usize::from(*n)),
            Text::Raw(s) => s.chars().filter(|c| *c != '"' && *c != '\\').collect(),
        }
    }
}

/// The largest file the browser's checker takes; rendering stops soon after it.
const MAX_BYTES: usize = 2 * 1024 * 1024;

const OPS: [&str; 7] = ["<", "<=", ">", ">=", "==", "!=", "="];

impl CondSpec {
    fn render(&self, meters: &[String], out: &mut String, budget: &mut usize) {
        if *budget == 0 {
            out.push_str("f0");
            return;
        }
        *budget -= 1;
        match self {
            CondSpec::Meter(m, op, v) => {
                let name = meters
                    .get(usize::from(*m) % meters.len().max(1))
                    .map_or("morale", String::as_str);
                let _ = write!(out, "{name} {} {v}", OPS[usize::from(*op) % OPS.len()]);
            }
            CondSpec::Flag(f) => {
                let _ = write!(out, "f{}", f % 8);
            }
            CondSpec::Unknown(name) => out.push_str(&name.render("f")),
            CondSpec::Not(inner) => {
                out.push_str("not ");
                inner.render(meters, out, budget);
            }
            CondSpec::And(parts) | CondSpec::Or(parts) => {
                let join = if matches!(self, CondSpec::And(_)) {
                    " and "
                } else {
                    " or "
                };
                out.push('(');
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push_str(join);
                    }
                    p.render(meters, out, budget);
                }
                if parts.is_empty() {
                    out.push_str("f1");
                }
                out.push(')');
            }
            CondSpec::Parens(n, inner) => {
                let n = usize::from(*n) % 12_000;
                out.push_str(&"(".repeat(n));
                inner.render(meters, out, budget);
                out.push_str(&")".repeat(n));
            }
            CondSpec::Nots(n, bang, inner) => {
                let n = usize::from(*n) % 12_000;
                out.push_str(&(if *bang { "!" } else { "not " }).repeat(n));
                inner.render(meters, out, budget);
            }
            CondSpec::Raw(s) => out.extend(s.chars().filter(|c| *c != '"' && *c != '\\')),
        }
    }
}

fn cond(c: &CondSpec, meters: &[String]) -> String {
    let mut out = String::new();
    let mut budget = 2_000;
    c.render(meters, &mut out, &mut budget);
    out
}

fn effects(list: &[(u8, i8, bool)], meters: &[String]) -> String {
    let mut out = String::from("{ ");
    let mut used = std::collections::HashSet::new();
    for (m, v, fair) in list {
        let Some(name) = meters.get(usize::from(*m) % meters.len().max(1)) else {
            continue;
        };
        if !used.insert(name.clone()) {
            continue;
        }
        if *fair {
            let _ = write!(out, "\"{name}\" = \"{v:+}%\", ");
        } else {
            let _ = write!(out, "\"{name}\" = {v}, ");
        }
    }
    out.push('}');
    out.replace(", }", " }")
}

fn flags(list: &[u8], n: u8) -> String {
    let names: Vec<String> = list
        .iter()
        .map(|f| format!("\"f{}\"", f % n.max(1)))
        .collect();
    format!("[{}]", names.join(", "))
}

/// Writes the spec as a scenario file.
fn render(spec: &Spec) -> String {
    let mut meters = vec!["morale".to_owned(), "satisfaction".to_owned()];
    meters.extend(spec.meters.iter().take(60).map(|m| m.name.render("m")));
    let mut out = String::from(
        "[scenario]\nid = \"fuzz\"\ntitle = \"Fuzz\"\nsummary = \"S\"\nrole = \"R\"\nteam = \"T\"\nminutes = 2\nlanguage = \"en\"\nversion = 1\nauthors = [\"fuzz\"]\n",
    );
    if let Some(start) = &spec.start {
        let _ = writeln!(out, "start = \"{}\"", start.render("s"));
    }
    for (i, name) in meters.iter().enumerate() {
        let start = spec
            .meters
            .get(i.wrapping_sub(2))
            .map_or(50, |m| i64::from(m.start));
        let _ = write!(
            out,
            "\n[meters.\"{name}\"]\nlabel = \"M\"\nstart = {start}\n"
        );
    }
    let weights: Vec<String> = spec
        .meters
        .iter()
        .zip(meters.iter().skip(2))
        .filter_map(|(m, name)| m.weight.map(|w| format!("\"{name}\" = {w}")))
        .collect();
    if !weights.is_empty() {
        let _ = write!(out, "\n[scoring]\nweights = {{ {} }}\n", weights.join(", "));
    }
    let scene_count = spec.scenes.len();
    for (s, scene) in spec.scenes.iter().enumerate() {
        let repeat = if s + 1 == scene_count {
            1 + usize::from(spec.repeat_scenes) % 30_000
        } else {
            1
        };
        for r in 0..repeat {
            if out.len() > MAX_BYTES {
                return out;
            }
            write_scene(&mut out, scene, r, &meters, spec.flags);
        }
    }
    for t in spec.triggers.iter().take(300) {
        let _ = write!(
            out,
            "\n[[triggers]]\nid = \"{}\"\nwhen = \"{}\"\ntext = \"T\"\neffects = {}\nset = {}\n",
            t.id.render("t"),
            cond(&t.when, &meters),
            effects(&t.effects, &meters),
            flags(&t.set, spec.flags)
        );
    }
    out
}

fn write_scene(out: &mut String, scene: &SceneSpec, r: usize, meters: &[String], nflags: u8) {
    let id = if r == 0 {
        scene.id.render("s")
    } else {
        format!("{}-{r}", scene.id.render("s"))
    };
    let _ = write!(
        out,
        "\n[[scenes]]\nid = \"{id}\"\ntext = \"{}\"\n",
        scene.text.render()
    );
    for (when, text) in scene.variants.iter().take(120) {
        let _ = writeln!(
            out,
            "[[scenes.variants]]\nwhen = \"{}\"\ntext = \"{}\"",
            cond(when, meters),
            text.render()
        );
    }
    if let Some(rating) = scene.ending {
        let rating = ["exemplary", "solid", "costly", "failing", "sold"][usize::from(rating) % 5];
        let _ = write!(
            out,
            "ending = {{ title = \"E\", rating = \"{rating}\", debrief = \"D\" }}\n"
        );
    }
    let n = scene.choices.len();
    for (c, choice) in scene.choices.iter().enumerate() {
        let repeat = if c + 1 == n {
            1 + usize::from(scene.repeat_choices) % 20_000
        } else {
            1
        };
        for k in 0..repeat {
            if out.len() > MAX_BYTES {
                return;
            }
            let cid = if k == 0 {
                choice.id.render("c")
            } else {
                format!("{}-{k}", choice.id.render("c"))
            };
            let _ = write!(
                out,
                "\n[[scenes.choices]]\nid = \"{cid}\"\ntext = \"{}\"\neffects = {}\nset = {}\nclear = {}\n",
                choice.text.render(),
                effects(&choice.effects, meters),
                flags(&choice.set, nflags),
                flags(&choice.clear, nflags)
            );
            if let Some(when) = &choice.when {
                let _ = writeln!(out, "when = \"{}\"", cond(when, meters));
            }
            if let Some(goto) = &choice.goto {
                let _ = writeln!(out, "goto = \"{}\"", goto.render("s"));
            }
            let m = choice.outcomes.len();
            for (o, outcome) in choice.outcomes.iter().enumerate() {
                let repeat = if o + 1 == m {
                    1 + usize::from(choice.repeat_outcomes) % 5_000
                } else {
                    1
                };
                for j in 0..repeat {
                    if out.len() > MAX_BYTES {
                        return;
                    }
                    let oid = if j == 0 {
                        outcome.id.render("o")
                    } else {
                        format!("{}-{j}", outcome.id.render("o"))
                    };
                    let _ = write!(
                        out,
                        "\n[[scenes.choices.outcomes]]\nid = \"{oid}\"\nweight = {}\ntext = \"{}\"\n",
                        outcome.weight % 2_000_000,
                        outcome.text.render()
                    );
                    if let Some(goto) = &outcome.goto {
                        let _ = writeln!(out, "goto = \"{}\"", goto.render("s"));
                    }
                    for (when, w) in outcome.odds.iter().take(120) {
                        let _ = writeln!(
                            out,
                            "[[scenes.choices.outcomes.odds]]\nwhen = \"{}\"\nweight = {}",
                            cond(when, meters),
                            w % 2_000_000
                        );
                    }
                }
            }
        }
    }
}

fn check(spec: &Spec, src: &str) {
    let loaded = match load("fuzz.toml", src) {
        Ok(loaded) => loaded,
        Err(diags) => {
            assert!(!diags.is_empty(), "a failed load must say why");
            for d in &diags {
                assert!(d.span.start <= d.span.end && d.span.end <= src.len());
                assert!(
                    d.message.len() <= 600,
                    "a long message: {}",
                    d.message.len()
                );
            }
            return;
        }
    };
    let bytes = compiled::compile(&loaded.scenario);
    let (back, texts) = compiled::read_with_texts(&bytes).expect("compiled bytes read back");
    for (text, _) in &texts {
        assert!(!markdown::too_deep(text), "a loaded text nests too deep");
    }
    let scenario = Arc::new(back);
    let mut session = Session::new(scenario.clone(), spec.seed);
    for (step, &b) in spec.picks.iter().take(64).enumerate() {
        if session.is_ended() {
            break;
        }
        let offered: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
        assert!(
            !offered.is_empty(),
            "a scene that is not an ending offers a choice"
        );
        let pick = offered[usize::from(b) % offered.len()];
        let events = session
            .choose_index(pick)
            .unwrap_or_else(|e| panic!("decision {step}: an offered choice was refused: {e}"));
        for e in &events {
            if let frontline_engine::Event::ChanceDrawn { weight, total, .. } = e {
                assert!(weight <= total, "a weight above its total");
            }
        }
    }
    assert!(session.choose_index(usize::MAX).is_err());
    let encoded = code::encode(&session);
    let decoded = code::decode(&encoded, scenario).expect("a fresh code decodes");
    assert_eq!(decoded.history(), session.history());
}

fuzz_target!(|spec: Spec| {
    let src = render(&spec);
    // `FRONTLINE_FUZZ_DUMP=FILE` writes the scenario out, to reproduce a finding by hand.
    if let Some(path) = std::env::var_os("FRONTLINE_FUZZ_DUMP") {
        let _ = std::fs::write(path, &src);
    }
    // The browser's checker takes files of up to 2 MB.
    if src.len() > MAX_BYTES {
        return;
    }
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn_scoped(s, || check(&spec, &src))
            .expect("thread starts")
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
    });
});
