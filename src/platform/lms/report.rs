//! What the app tells a learning platform, as plain values: one [`Interaction`] per decision
//! and one [`Outcome`] per ending, built from the engine's session (its decision record and
//! its session code), plus the time formats SCORM and xAPI want. Pure: no browser calls, so
//! everything here is tested natively. The runtimes in `scorm.rs` and `cmi5.rs` turn these
//! values into API calls and statements.

use frontline_engine::Session;
use frontline_engine::scenario::Verdict;

use crate::texts::plain;

/// SCORM 1.2 allows 4,096 characters of suspend data; the same limit is kept everywhere.
pub const SUSPEND_DATA_MAX: usize = 4096;

/// One decision, as an LMS interaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interaction {
    /// Which decision of the session this is, from 0.
    pub index: usize,
    /// The scene's id made safe for every LMS (`[A-Za-z0-9_]`, at most 200 characters).
    pub id: String,
    /// The scene's id as written by the author.
    pub scene_id: String,
    /// The choice's id as written by the author.
    pub choice_id: String,
    /// The choice's id made safe (`[A-Za-z0-9_]`), for SCORM 2004's learner_response.
    pub response: String,
    /// The choice's letter as shown on screen (`a`, `b`, ...), for SCORM 1.2's
    /// student_response, whose "choice" format is single characters.
    pub letter: char,
    /// The ids of every choice the scene offers, made safe, for xAPI's choice list.
    pub choices: Vec<(String, String)>,
    /// `correct` when the choice only applies leadership ideas, `wrong` when it only goes
    /// against them, `neutral` otherwise.
    pub result: &'static str,
    /// The scene's text, plain, on one line and cut to 250 characters (SCORM 2004's
    /// description).
    pub description: String,
    /// The choice's text, plain.
    pub choice_text: String,
    /// Principle tags the choice applies.
    pub applies: Vec<String>,
    /// Principle tags the choice goes against.
    pub violates: Vec<String>,
    /// Meter changes: (meter id, before, after), only those that moved.
    pub changes: Vec<(String, i32, i32)>,
}

/// The end of a playthrough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Score from 0 to 100.
    pub score: i32,
    /// Whether the score reaches the pass mark.
    pub passed: bool,
    /// The ending's id.
    pub ending: String,
}

/// Makes an identifier safe for every LMS: letters, digits and underscores only (older
/// Moodle rejects anything else), never empty, at most 200 characters.
pub fn safe_id(raw: &str) -> String {
    let mut out: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(200)
        .collect();
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// The interaction for decision `index` of a session, if there is one.
pub fn interaction(session: &Session, index: usize) -> Option<Interaction> {
    let scenario = session.scenario();
    let decision = session.history().get(index)?;
    let scene = scenario.scene(decision.scene);
    let choice = scene.choices().get(decision.choice)?;
    let result = match (choice.applies.is_empty(), choice.violates.is_empty()) {
        (false, true) => "correct",
        (true, false) => "wrong",
        _ => "neutral",
    };
    // The base text: variants depend on flags the decision record does not keep.
    // One line (SCORM 2004's localized strings do not allow line breaks), no leading `{`
    // (which would read as a language tag).
    let description: String = plain(&scene.text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches('{')
        .chars()
        .take(250)
        .collect();
    let changes = scenario
        .meters
        .iter()
        .zip(decision.meters_before.iter().zip(&decision.meters_after))
        .filter(|(_, (b, a))| b != a)
        .map(|(m, (&b, &a))| (m.id.clone(), b, a))
        .collect();
    Some(Interaction {
        index,
        id: safe_id(&scene.id),
        scene_id: scene.id.clone(),
        choice_id: choice.id.clone(),
        response: safe_id(&choice.id),
        letter: letter(decision.choice),
        choices: scene
            .choices()
            .iter()
            .map(|c| (safe_id(&c.id), plain(&c.text)))
            .collect(),
        result,
        description,
        choice_text: plain(&choice.text),
        applies: choice.applies.clone(),
        violates: choice.violates.clone(),
        changes,
    })
}

/// The letter shown for a choice index: `a` to `z`, then digits (SCORM 1.2 choice responses
/// are single characters from `0-9a-z`).
pub fn letter(index: usize) -> char {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    ALPHABET.get(index).map_or('z', |&b| b as char)
}

/// The verdict on an ended session against a learning platform's mastery score (0 to 1),
/// which, when the platform sets one, replaces the scenario's pass mark. `None` before the
/// ending. [`super::verdict`] is the one place the app calls it.
pub fn judged(session: &Session, mastery: Option<f64>) -> Option<Verdict> {
    Some(session.verdict()?.with_mastery(mastery.map(mastery_mark)))
}

/// The outcome to record for an ended session with its verdict (see [`judged`]); `None`
/// before the ending.
pub fn outcome(session: &Session, verdict: &Verdict) -> Option<Outcome> {
    session.ending()?;
    Some(Outcome {
        score: verdict.score,
        passed: verdict.passed,
        ending: session.scene().id.clone(),
    })
}

/// A mastery score from 0 to 1 as the lowest whole score (0-100) that reaches it, so that
/// `score >= mastery_mark(m)` is the LMS's own `score / 100 >= m`.
pub fn mastery_mark(mastery: f64) -> i32 {
    if !mastery.is_finite() {
        return 0;
    }
    // The small allowance keeps 0.95, stored as 0.9500000000000001 or 0.9499999999999999,
    // at 95.
    ((mastery * 100.0 - 1e-9).ceil() as i32).clamp(0, 100)
}

/// How far through the scenario the learner is, from 0 to 1: decisions made over decisions
/// made plus the fewest still needed to reach an ending. 1 only at an ending.
pub fn progress(session: &Session) -> f64 {
    if session.is_ended() {
        return 1.0;
    }
    let done = session.history().len() as f64;
    let left = steps_to_ending(session).unwrap_or(1).max(1) as f64;
    (done / (done + left) * 100.0).floor() / 100.0
}

/// The fewest decisions from the current scene to any ending, ignoring conditions.
fn steps_to_ending(session: &Session) -> Option<usize> {
    use frontline_engine::scenario::Next;
    let scenario = session.scenario();
    let n = scenario.scenes.len();
    let mut dist = vec![usize::MAX; n];
    let start = session.scene_idx().0;
    dist[start] = 0;
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(i) = queue.pop_front() {
        let scene = &scenario.scenes[i];
        if scene.ending().is_some() {
            return Some(dist[i]);
        }
        for c in scene.choices() {
            let targets: Vec<usize> = match &c.next {
                Next::Scene(s) => vec![s.0],
                Next::Chance(outcomes) => outcomes.iter().map(|o| o.goto.0).collect(),
            };
            for t in targets {
                if t < n && dist[t] == usize::MAX {
                    dist[t] = dist[i] + 1;
                    queue.push_back(t);
                }
            }
        }
    }
    None
}

/// A value from 0 to 1 as a decimal with two places, `0.72` (integer arithmetic: no float
/// formatting in the wasm).
pub fn hundredths(value: f64) -> String {
    let h = (value.clamp(-1.0, 1.0) * 100.0).round() as i64;
    let sign = if h < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", h.abs() / 100, h.abs() % 100)
}

/// SCORM 1.2's CMITimespan, `HHHH:MM:SS.SS`.
pub fn timespan_12(millis: f64) -> String {
    let cs = (millis.max(0.0) / 10.0).round() as u64;
    let (h, m, s, c) = (cs / 360_000, cs / 6_000 % 60, cs / 100 % 60, cs % 100);
    format!("{:04}:{m:02}:{s:02}.{c:02}", h.min(9999))
}

/// SCORM 2004's and xAPI's ISO 8601 duration, e.g. `PT1H2M3.45S`.
pub fn duration_iso(millis: f64) -> String {
    let cs = (millis.max(0.0) / 10.0).round() as u64;
    let (h, m, s, c) = (cs / 360_000, cs / 6_000 % 60, cs / 100 % 60, cs % 100);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if c > 0 {
        out.push_str(&format!("{s}.{c:02}S"));
    } else {
        out.push_str(&format!("{s}S"));
    }
    out
}

/// SCORM 1.2's CMITime (time of day, UTC), `HH:MM:SS`.
pub fn time_of_day(epoch_millis: f64) -> String {
    let secs = (epoch_millis.max(0.0) / 1000.0) as u64 % 86_400;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// An ISO 8601 UTC timestamp with hundredths, `2026-11-23T13:02:07.25Z`, as SCORM 2004 allows
/// (at most two fractional digits) and xAPI accepts.
pub fn timestamp(epoch_millis: f64) -> String {
    let cs_total = (epoch_millis.max(0.0) / 10.0) as u64;
    let cs = cs_total % 100;
    let secs = cs_total / 100;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{cs:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use frontline_engine::code;
    use frontline_engine::scenario::PassSource;

    use super::*;

    fn scenario() -> Arc<frontline_engine::Scenario> {
        let src = include_str!("../../../scenarios/stretch-target.toml");
        Arc::new(
            frontline_engine::load("stretch-target.toml", src)
                .expect("the bundled scenario loads")
                .scenario,
        )
    }

    /// Plays the last available choice at every step until the end.
    fn played(seed: u64) -> Session {
        played_in(scenario(), seed)
    }

    #[test]
    fn session_times_use_each_standards_format() {
        assert_eq!(timespan_12(0.0), "0000:00:00.00");
        assert_eq!(timespan_12(3_723_456.0), "0001:02:03.46");
        assert_eq!(duration_iso(0.0), "PT0S");
        assert_eq!(hundredths(0.72), "0.72");
        assert_eq!(hundredths(1.0), "1.00");
        assert_eq!(hundredths(-0.05), "-0.05");
        assert_eq!(duration_iso(3_723_456.0), "PT1H2M3.46S");
        assert_eq!(duration_iso(65_000.0), "PT1M5S");
        assert_eq!(time_of_day(1_795_957_327_250.0), "13:02:07");
        assert_eq!(timestamp(1_795_957_327_250.0), "2026-11-29T13:02:07.25Z");
        assert_eq!(timestamp(951_782_400_000.0), "2000-02-29T00:00:00.00Z");
    }

    #[test]
    fn interaction_ids_are_letters_digits_and_underscores() {
        assert_eq!(safe_id("first-day"), "first_day");
        assert_eq!(safe_id("é x.y"), "__x_y");
        assert_eq!(safe_id(""), "_");
        assert_eq!(safe_id(&"a".repeat(300)).len(), 200);
        let s = played(5);
        for i in 0..s.history().len() {
            let it = interaction(&s, i).expect("an interaction per decision");
            assert!(
                it.id
                    .chars()
                    .chain(it.response.chars())
                    .all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{it:?}"
            );
            assert!(it.letter.is_ascii_lowercase());
            assert!(it.description.chars().count() <= 250);
            assert!(!it.description.contains('\n'));
        }
        assert!(interaction(&s, s.history().len()).is_none());
    }

    #[test]
    fn outcome_and_progress_follow_the_session() {
        let fresh = Session::new(scenario(), 1);
        assert!(judged(&fresh, None).is_none());
        let p = progress(&fresh);
        assert!((0.0..1.0).contains(&p), "{p}");
        let s = played(9);
        let own = judged(&s, None).expect("ended");
        assert_eq!(own, s.verdict().expect("ended"));
        let o = outcome(&s, &own).expect("ended");
        assert_eq!(o.score, s.score());
        assert_eq!(o.passed, own.passed);
        assert!(outcome(&fresh, &own).is_none());
        let with = |m: f64| judged(&s, Some(m)).expect("ended");
        assert!(with(0.0).passed);
        assert!(!with(1.01).passed);
        // The LMS's mark wins: a score just below it fails, one at it passes, and the
        // verdict says who set it.
        let mark = f64::from(o.score) / 100.0;
        assert!(with(mark).passed);
        assert!(!with(mark + 0.01).passed);
        assert_eq!(with(0.95).pass_mark, 95);
        assert_eq!(with(0.95).pass_source, PassSource::Platform);
        assert_eq!(own.pass_source, PassSource::Scenario);
        assert_eq!(with(0.95).score, own.score);
        assert!((progress(&s) - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn mastery_marks_match_the_lms_comparison() {
        assert_eq!(mastery_mark(0.95), 95);
        assert_eq!(mastery_mark(0.9500000000000001), 95);
        assert_eq!(mastery_mark(0.9499999999999999), 95);
        assert_eq!(mastery_mark(0.951), 96);
        assert_eq!(mastery_mark(0.0), 0);
        assert_eq!(mastery_mark(1.0), 100);
        assert_eq!(mastery_mark(2.0), 100);
        assert_eq!(mastery_mark(f64::NAN), 0);
    }

    /// Scene, meters, flags and fired triggers: what decides the rest of a playthrough.
    type StateKey = (usize, Vec<i32>, Vec<bool>, Vec<bool>);

    /// The most decisions any playthrough of a session can still take, by depth-first search
    /// over real sessions (conditions and flags included), remembering each state's answer.
    fn longest_from(
        session: &Session,
        memo: &mut std::collections::HashMap<StateKey, usize>,
    ) -> usize {
        if session.is_ended() {
            return 0;
        }
        let key = (
            session.scene_idx().0,
            session.meters().to_vec(),
            session.flags().to_vec(),
            session.fired().to_vec(),
        );
        if let Some(&d) = memo.get(&key) {
            return d;
        }
        memo.insert(key.clone(), 0);
        assert!(session.history().len() < 500, "a playthrough never ends");
        let choices: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
        let mut best = 0;
        for i in choices {
            let mut next = session.clone();
            next.choose_index(i).expect("available");
            best = best.max(1 + longest_from(&next, memo));
        }
        memo.insert(key, best);
        best
    }

    /// SCORM 1.2 allows 4,096 characters of suspend_data (scorm-again accepts more, so the
    /// limit is checked here): the session code of the longest possible path through every
    /// bundled scenario fits, with room to spare.
    #[test]
    fn the_longest_path_of_every_scenario_fits_scorm_12_suspend_data() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).expect("scenarios folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let src = std::fs::read_to_string(&path).expect("readable");
            let scenario = frontline_engine::load("s.toml", &src)
                .expect("loads")
                .scenario;
            let scenario = Arc::new(scenario);
            let longest = (0..1)
                .map(|seed| {
                    longest_from(
                        &Session::new(scenario.clone(), seed),
                        &mut Default::default(),
                    )
                })
                .max()
                .unwrap_or(0);
            // Bytes of a code (see frontline_engine::code): format 1, version varint <= 5,
            // seed 8, count varint <= 2, one varint per decision (<= 2 each), CRC-32 4.
            let bytes = 1 + 5 + 8 + 2 + 2 * longest + 4;
            let bound = scenario.meta.id.len() + 1 + bytes.div_ceil(3) * 4;
            let real = code::encode(&played_in(scenario.clone(), 3)).len();
            println!(
                "{}: longest path {longest} decisions, session code at most {bound} characters (a real playthrough: {real})",
                scenario.meta.id
            );
            assert!(real <= bound);
            assert!(bound <= SUSPEND_DATA_MAX, "{bound}");
            checked += 1;
        }
        assert!(checked >= 8, "every bundled scenario is checked");
    }

    /// [`played`] in another scenario.
    fn played_in(scenario: Arc<frontline_engine::Scenario>, seed: u64) -> Session {
        let mut s = Session::new(scenario, seed);
        while !s.is_ended() {
            let idx = s
                .available_choices()
                .last()
                .map(|(i, _)| i)
                .expect("a choice");
            s.choose_index(idx).expect("the choice is available");
        }
        s
    }
}
