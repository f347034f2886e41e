//! Property tests: random sessions on every scenario keep the simulation's invariants, and the
//! loader survives any input.

mod common;

use std::sync::{Arc, LazyLock};

use frontline_engine::scenario::{METER_MAX, METER_MIN, SceneIdx};
use frontline_engine::{ChooseError, Event, Scenario, Session, code, load};
use proptest::prelude::*;
use proptest::sample::Index;

/// The fixtures and every bundled scenario, loaded once.
static SCENARIOS: LazyLock<Vec<(String, Arc<Scenario>)>> = LazyLock::new(common::all_scenarios);

static SAMPLE_SRC: LazyLock<String> = LazyLock::new(|| common::fixture_src("sample"));

/// Everything about a session that a refused choice must leave alone.
#[derive(Debug, PartialEq)]
struct Snapshot {
    scene: SceneIdx,
    meters: Vec<i32>,
    flags: Vec<bool>,
    fired: Vec<bool>,
    decisions: usize,
    draws: u32,
    code: String,
}

fn snapshot(s: &Session) -> Snapshot {
    Snapshot {
        scene: s.scene_idx(),
        meters: s.meters().to_vec(),
        flags: s.flags().to_vec(),
        fired: s.fired().to_vec(),
        decisions: s.history().len(),
        draws: s.draws(),
        code: code::encode(s),
    }
}

fn meters_in_range(meters: &[i32]) -> bool {
    meters.iter().all(|v| (METER_MIN..=METER_MAX).contains(v))
}

/// Plays random decisions; checks every invariant on the way. Returns the session.
fn play(
    scenario: &Arc<Scenario>,
    seed: u64,
    picks: &[(Index, Index)],
) -> Result<Session, TestCaseError> {
    let mut s = Session::new(scenario.clone(), seed);
    let acyclic = common::is_acyclic(scenario);
    prop_assert!(meters_in_range(s.meters()));
    for (pick, extra) in picks {
        if s.is_ended() {
            let before = snapshot(&s);
            prop_assert_eq!(s.choose_index(0), Err(ChooseError::Ended));
            prop_assert_eq!(&snapshot(&s), &before);
            break;
        }
        let n_choices = s.scene().choices().len();
        let offered: Vec<usize> = s.available_choices().map(|(i, _)| i).collect();
        prop_assert!(
            !offered.is_empty(),
            "scene '{}' offers nothing",
            s.scene().id
        );

        // A choice past the end is refused and changes nothing.
        let before = snapshot(&s);
        let out_of_range = n_choices + extra.index(1000);
        prop_assert_eq!(
            s.choose_index(out_of_range),
            Err(ChooseError::UnknownChoice(format!("#{}", out_of_range + 1)))
        );
        prop_assert_eq!(&snapshot(&s), &before);
        // So is a choice whose condition does not hold.
        for i in (0..n_choices).filter(|i| !offered.contains(i)) {
            let before = snapshot(&s);
            prop_assert!(matches!(
                s.choose_index(i),
                Err(ChooseError::Unavailable(_))
            ));
            prop_assert_eq!(&snapshot(&s), &before);
        }

        let idx = offered[pick.index(offered.len())];
        let events = s.choose_index(idx).expect("an offered choice is accepted");
        prop_assert_eq!(
            events.first(),
            Some(&Event::ChoiceMade {
                scene: before.scene,
                choice: idx
            })
        );
        let entered = Event::SceneEntered {
            scene: s.scene_idx(),
        };
        prop_assert!(events.contains(&entered), "no {:?}", entered);
        prop_assert_eq!(
            events
                .iter()
                .any(|e| matches!(e, Event::EndingReached { .. })),
            s.is_ended()
        );
        for e in &events {
            if let Event::MeterChanged { before, after, .. } = e {
                prop_assert!(before != after);
                prop_assert!(meters_in_range(&[*before, *after]));
            }
        }
        prop_assert!(meters_in_range(s.meters()));
        prop_assert_eq!(s.history().len(), before.decisions + 1);
        prop_assert!(s.draws() >= before.draws);
        if acyclic {
            // Without cycles every decision enters a scene not seen before.
            prop_assert!(s.history().len() < scenario.scenes.len());
        }
    }
    if !s.is_ended() {
        prop_assert!(s.available_choices().next().is_some());
    }
    Ok(s)
}

fn picks(max: usize) -> impl Strategy<Value = Vec<(Index, Index)>> {
    prop::collection::vec((any::<Index>(), any::<Index>()), 0..max)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_sessions_keep_the_invariants(
        which in any::<Index>(),
        seed in any::<u64>(),
        picks in picks(60),
    ) {
        let (_, scenario) = &SCENARIOS[which.index(SCENARIOS.len())];
        let s = play(scenario, seed, &picks)?;
        let back = code::decode(&code::encode(&s), scenario.clone());
        prop_assert!(back.is_ok(), "{:?}", back.err());
        let back = back.unwrap();
        prop_assert_eq!(snapshot(&back), snapshot(&s));
        prop_assert_eq!(back.history(), s.history());
    }

    #[test]
    fn acyclic_scenarios_always_end(
        which in any::<Index>(),
        seed in any::<u64>(),
        picks in prop::collection::vec(any::<Index>(), 1..8),
    ) {
        let (name, scenario) = &SCENARIOS[which.index(SCENARIOS.len())];
        prop_assume!(common::is_acyclic(scenario));
        let mut s = Session::new(scenario.clone(), seed);
        for pick in picks.iter().cycle().take(scenario.scenes.len()) {
            if s.is_ended() {
                break;
            }
            let offered: Vec<usize> = s.available_choices().map(|(i, _)| i).collect();
            s.choose_index(offered[pick.index(offered.len())]).expect("offered");
        }
        prop_assert!(s.is_ended(), "{} did not end", name);
        prop_assert!(s.ending().is_some());
    }

    #[test]
    fn the_loader_never_panics_on_arbitrary_text(src in ".{0,400}") {
        let _ = load("fuzz.toml", &src);
    }

    #[test]
    fn the_loader_never_panics_on_toml_shaped_text(
        parts in prop::collection::vec(prop::sample::select(TOKENS), 0..80),
    ) {
        let src = parts.concat();
        if let Ok(loaded) = load("fuzz.toml", &src) {
            let scenario = Arc::new(loaded.scenario);
            play(&scenario, 1, &[])?;
        }
    }

    #[test]
    fn the_loader_never_panics_on_a_mutated_sample(
        mutations in prop::collection::vec(mutation(), 1..5),
        seed in any::<u64>(),
        picks in picks(20),
    ) {
        let mut src = SAMPLE_SRC.clone();
        for m in &mutations {
            src = m.apply(&src);
        }
        match load("mutated.toml", &src) {
            Ok(loaded) => {
                let scenario = Arc::new(loaded.scenario);
                let s = play(&scenario, seed, &picks)?;
                let back = code::decode(&code::encode(&s), scenario);
                prop_assert!(back.is_ok(), "{:?}", back.err());
            }
            Err(diags) => {
                prop_assert!(!diags.is_empty());
                for d in &diags {
                    prop_assert!(d.span.end <= src.len() && d.span.start <= d.span.end);
                    prop_assert!(d.line >= 1 && d.col >= 1);
                }
            }
        }
    }
}

/// Pieces of scenario files, for building text that is nearly TOML.
const TOKENS: &[&str] = &[
    "\n",
    " ",
    "=",
    "\"",
    "[",
    "]",
    "{",
    "}",
    ",",
    "[scenario]\n",
    "[[scenes]]\n",
    "[[scenes.choices]]\n",
    "[[scenes.choices.outcomes]]\n",
    "[meters.morale]\n",
    "[meters.satisfaction]\n",
    "[[triggers]]\n",
    "id = \"a\"\n",
    "id = \"b\"\n",
    "text = \"t\"\n",
    "goto = \"a\"\n",
    "goto = \"b\"\n",
    "label = \"m\"\n",
    "start = 50\n",
    "start = -1\n",
    "weight = 1\n",
    "weight = 0\n",
    "when = \"morale > 10\"\n",
    "when = \"x and (\"\n",
    "effects = { morale = \"+20%\" }\n",
    "effects = { morale = 99999999999999999999 }\n",
    "set = [\"x\"]\n",
    "clear = [\"x\"]\n",
    "ending = { title = \"e\", rating = \"solid\", debrief = \"d\" }\n",
    "é",
    "🦀",
    "'''",
    "\"\"\"",
    "#",
];

/// An edit to a scenario file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Remove up to `len` bytes at a position (widened to character boundaries).
    Delete(Index, usize),
    /// Insert a snippet at a position.
    Insert(Index, &'static str),
    /// Remove a whole line.
    DeleteLine(Index),
    /// Repeat a line.
    DuplicateLine(Index),
    /// Swap two lines.
    SwapLines(Index, Index),
    /// Replace every occurrence of one word with another.
    Rename(&'static str, &'static str),
    /// Replace one of the numbers in the file with another.
    Renumber(Index, i64),
}

impl Mutation {
    fn apply(&self, src: &str) -> String {
        let boundary = |i: Index| {
            let mut at = i.index(src.len() + 1);
            while !src.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let mut lines: Vec<&str> = src.split_inclusive('\n').collect();
        match self {
            Mutation::Delete(at, len) => {
                let start = boundary(*at);
                let mut end = (start + len).min(src.len());
                while !src.is_char_boundary(end) {
                    end += 1;
                }
                format!("{}{}", &src[..start], &src[end..])
            }
            Mutation::Insert(at, text) => {
                let at = boundary(*at);
                format!("{}{text}{}", &src[..at], &src[at..])
            }
            Mutation::DeleteLine(i) if !lines.is_empty() => {
                lines.remove(i.index(lines.len()));
                lines.concat()
            }
            Mutation::DuplicateLine(i) if !lines.is_empty() => {
                let i = i.index(lines.len());
                lines.insert(i, lines[i]);
                lines.concat()
            }
            Mutation::SwapLines(a, b) if !lines.is_empty() => {
                let (a, b) = (a.index(lines.len()), b.index(lines.len()));
                lines.swap(a, b);
                lines.concat()
            }
            Mutation::Rename(from, to) => src.replace(from, to),
            Mutation::Renumber(i, n) => {
                let bytes = src.as_bytes();
                let starts: Vec<usize> = (0..bytes.len())
                    .filter(|&k| {
                        bytes[k].is_ascii_digit() && (k == 0 || !bytes[k - 1].is_ascii_digit())
                    })
                    .collect();
                if starts.is_empty() {
                    return src.to_owned();
                }
                let start = starts[i.index(starts.len())];
                let end = (start..bytes.len())
                    .find(|&k| !bytes[k].is_ascii_digit())
                    .unwrap_or(bytes.len());
                format!("{}{n}{}", &src[..start], &src[end..])
            }
            _ => src.to_owned(),
        }
    }
}

/// Words in the sample worth renaming: ids, meters, flags, keywords and numbers.
const WORDS: &[&str] = &[
    "review",
    "triage",
    "monday",
    "end-steady",
    "morale",
    "backlog",
    "listened",
    "walkout",
    "escalated",
    "promised_overtime",
    "goto",
    "when",
    "weight",
    "not ",
    " and ",
    "60",
    "50",
    "1",
    "%",
    "low",
    "solid",
    "[[scenes]]",
    "[[scenes.choices]]",
    "ending",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    // Weighted towards edits that keep the TOML valid, so that most cases reach the
    // semantic checks and some reach the simulation.
    prop_oneof![
        1 => (any::<Index>(), 0usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => (any::<Index>(), prop::sample::select(TOKENS))
            .prop_map(|(i, t)| Mutation::Insert(i, t)),
        2 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        4 => (prop::sample::select(WORDS), prop::sample::select(WORDS))
            .prop_map(|(a, b)| Mutation::Rename(a, b)),
        4 => (any::<Index>(), prop_oneof![-5i64..120, any::<i64>()])
            .prop_map(|(i, n)| Mutation::Renumber(i, n)),
    ]
}
