//! The player's results: every ending reached, per scenario, in local storage, for the
//! library ("completed", best rating) and the debrief's "your past results".
//!
//! A record is small and holds the session code, so any past result can be opened again as a
//! debrief. Records are stored as postcard bytes in URL-safe base64: both are already in the
//! bundle for scenarios and session codes, so storing results adds no JSON library to it.
//! Records that cannot be read are skipped, never deleted behind the player's back; "Clear
//! results" is the only thing that removes them.
//!
//! A record keeps the verdict the debrief showed: score, passed or not, and the pass mark
//! with who set it (the scenario, or a learning platform). Records from before score bands
//! (`frontline.v1.results.*`, without a pass mark) are still listed, marked as scored the
//! earlier way: their scores were the meters' plain average, not comparable with today's.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use frontline_engine::scenario::{PassSource, Rating, Verdict};
use frontline_engine::{Session, code};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::saves::{read_raw, remove, storage};

/// Where results are kept, per scenario.
const PREFIX: &str = "frontline.v2.results.";
/// Where results from before score bands were kept: still listed (marked, see
/// [`Record::mark`]) until the player clears them, never written again.
const EARLIER_PREFIX: &str = "frontline.v1.results.";

/// How many results are kept per scenario (the oldest go first).
pub const KEEP: usize = 50;

/// The pass mark a result was judged against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// The lowest passing score, 0-100.
    pub pass_mark: i32,
    /// Who set it: the scenario, or a learning platform.
    pub source: PassSource,
}

/// One ending reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The session code of the finished playthrough.
    pub code: String,
    /// The ending's title.
    pub ending: String,
    /// The ending's rating.
    pub rating: Rating,
    /// The final score, 0-100.
    pub score: i32,
    /// Whether the score met the pass mark.
    pub passed: bool,
    /// The pass mark that applied; `None` for a result stored before score bands, whose
    /// score was the meters' plain average and is not comparable with later scores.
    pub mark: Option<Mark>,
    /// When, in milliseconds since 1970 (the browser's clock).
    pub at: f64,
}

/// A record as stored before score bands (`frontline.v1.results.*`).
#[derive(Deserialize)]
struct EarlierRecord {
    code: String,
    ending: String,
    rating: Rating,
    score: i32,
    passed: bool,
    at: f64,
}

impl From<EarlierRecord> for Record {
    fn from(r: EarlierRecord) -> Record {
        Record {
            code: r.code,
            ending: r.ending,
            rating: r.rating,
            score: r.score,
            passed: r.passed,
            mark: None,
            at: r.at,
        }
    }
}

impl Record {
    /// The record for a finished session with its verdict (the one the debrief shows, see
    /// `lms::verdict`); `None` while it is unfinished.
    pub fn of(session: &Session, verdict: &Verdict, at: f64) -> Option<Record> {
        let ending = session.ending()?;
        Some(Record {
            code: code::encode(session),
            ending: ending.title.clone(),
            rating: verdict.rating,
            score: verdict.score,
            passed: verdict.passed,
            mark: Some(Mark {
                pass_mark: verdict.pass_mark,
                source: verdict.pass_source,
            }),
            at,
        })
    }

    /// Whether the score was worked out before score bands, so it cannot be compared.
    pub fn is_earlier_scoring(&self) -> bool {
        self.mark.is_none()
    }
}

fn key(scenario_id: &str) -> String {
    format!("{PREFIX}{scenario_id}")
}

fn earlier_key(scenario_id: &str) -> String {
    format!("{EARLIER_PREFIX}{scenario_id}")
}

fn decode<T: DeserializeOwned>(raw: &str) -> Option<Vec<T>> {
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).ok()?;
    postcard::from_bytes(&bytes).ok()
}

/// Decodes stored records; anything unreadable counts as no records.
pub fn parse(raw: &str) -> Vec<Record> {
    decode(raw).unwrap_or_default()
}

/// Decodes records stored before score bands; anything unreadable counts as none.
pub fn parse_earlier(raw: &str) -> Vec<Record> {
    decode::<EarlierRecord>(raw)
        .unwrap_or_default()
        .into_iter()
        .map(Record::from)
        .collect()
}

/// Encodes records for storage.
pub fn serialise(records: &[Record]) -> Option<String> {
    postcard::to_allocvec(records)
        .ok()
        .map(|bytes| URL_SAFE_NO_PAD.encode(bytes))
}

/// Earlier records followed by current ones, oldest first. An earlier record of a playthrough
/// that was recorded again since (its debrief shown again) gives way to the new record.
pub fn merged(earlier: Vec<Record>, current: Vec<Record>) -> Vec<Record> {
    let mut all: Vec<Record> = earlier
        .into_iter()
        .filter(|e| !current.iter().any(|c| c.code == e.code))
        .collect();
    all.extend(current);
    all
}

/// A scenario's results, oldest first.
pub fn list(scenario_id: &str) -> Vec<Record> {
    let current = read_raw(&key(scenario_id))
        .map(|raw| parse(&raw))
        .unwrap_or_default();
    let earlier = read_raw(&earlier_key(scenario_id))
        .map(|raw| parse_earlier(&raw))
        .unwrap_or_default();
    merged(earlier, current)
}

/// The best rating reached in a scenario, if it was ever finished.
pub fn best_rating(records: &[Record]) -> Option<Rating> {
    records.iter().map(|r| r.rating).min()
}

/// Adds a finished session's result, judged as `verdict`, unless that exact playthrough is
/// already recorded. Returns whether storage accepted it.
pub fn record(session: &Session, verdict: &Verdict) -> bool {
    let Some(record) = Record::of(session, verdict, js_sys::Date::now()) else {
        return true;
    };
    let id = &session.scenario().meta.id;
    let mut records = read_raw(&key(id))
        .map(|raw| parse(&raw))
        .unwrap_or_default();
    if records.iter().any(|r| r.code == record.code) {
        return true;
    }
    records.push(record);
    if records.len() > KEEP {
        records.drain(..records.len() - KEEP);
    }
    let Some(raw) = serialise(&records) else {
        return false;
    };
    storage().is_some_and(|s| s.set_item(&key(id), &raw).is_ok())
}

/// Removes a scenario's results, earlier ones included.
pub fn clear(scenario_id: &str) {
    remove(&key(scenario_id));
    remove(&earlier_key(scenario_id));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_records_count_as_none() {
        assert!(parse("not json").is_empty());
        assert!(parse("[{\"code\": 3}]").is_empty());
        assert!(parse("AAAA").is_empty());
        assert!(parse("").is_empty());
    }

    fn r(rating: Rating, mark: Option<Mark>) -> Record {
        Record {
            code: "x".into(),
            ending: "e".into(),
            rating,
            score: 50,
            passed: true,
            mark,
            at: 0.0,
        }
    }

    const OWN: Option<Mark> = Some(Mark {
        pass_mark: 65,
        source: PassSource::Scenario,
    });

    #[test]
    fn best_rating_is_the_best_one() {
        assert_eq!(best_rating(&[]), None);
        assert_eq!(
            best_rating(&[
                r(Rating::Costly, OWN),
                r(Rating::Solid, None),
                r(Rating::Failing, OWN)
            ]),
            Some(Rating::Solid)
        );
        let raw = serialise(&[r(Rating::Exemplary, OWN)]).expect("serialises");
        assert_eq!(parse(&raw), vec![r(Rating::Exemplary, OWN)]);
    }

    /// What the build before score bands stored: the same fields without the pass mark.
    #[derive(Serialize)]
    struct Stored {
        code: String,
        ending: String,
        rating: Rating,
        score: i32,
        passed: bool,
        at: f64,
    }

    #[test]
    fn earlier_records_still_load_and_are_marked() {
        let old = vec![
            Stored {
                code: "a".into(),
                ending: "First".into(),
                rating: Rating::Solid,
                score: 71,
                passed: true,
                at: 1.0,
            },
            Stored {
                code: "b".into(),
                ending: "Second".into(),
                rating: Rating::Failing,
                score: 22,
                passed: false,
                at: 2.0,
            },
        ];
        let raw = URL_SAFE_NO_PAD.encode(postcard::to_allocvec(&old).expect("serialises"));
        let earlier = parse_earlier(&raw);
        assert_eq!(earlier.len(), 2);
        assert_eq!(
            (earlier[0].code.as_str(), earlier[0].ending.as_str()),
            ("a", "First")
        );
        assert_eq!((earlier[1].score, earlier[1].passed), (22, false));
        assert!(earlier.iter().all(Record::is_earlier_scoring));
        // A playthrough recorded again gives way to its new record; the rest stay, oldest
        // first.
        let mut again = r(Rating::Solid, OWN);
        again.code = "a".into();
        let all = merged(earlier, vec![again.clone()]);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].code, "b");
        assert_eq!(all[1], again);
    }

    #[test]
    fn a_record_keeps_the_verdict_it_was_shown_with() {
        let src = include_str!("../../scenarios/escalation.toml");
        let scenario = std::sync::Arc::new(
            frontline_engine::load("escalation.toml", src)
                .expect("loads")
                .scenario,
        );
        let mut s = Session::new(scenario, 3);
        while !s.is_ended() {
            let (i, _) = s.available_choices().next().expect("a choice");
            s.choose_index(i).expect("available");
        }
        let own = s.verdict().expect("ended");
        let strict = own.with_mastery(Some(own.score + 1));
        let record = Record::of(&s, &strict, 5.0).expect("ended");
        assert!(!record.passed);
        assert_eq!(record.score, own.score);
        assert_eq!(
            record.mark,
            Some(Mark {
                pass_mark: own.score + 1,
                source: PassSource::Platform
            })
        );
        assert!(!record.is_earlier_scoring());
        let raw = serialise(std::slice::from_ref(&record)).expect("serialises");
        assert_eq!(parse(&raw), vec![record]);
        assert!(Record::of(&Session::new(s.scenario().clone(), 3), &own, 0.0).is_none());
    }
}
