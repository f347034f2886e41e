//! The player's results: every ending reached, per scenario, in local storage, for the
//! library ("completed", best rating) and the debrief's "your past results".
//!
//! A record is small and holds the session code, so any past result can be opened again as a
//! debrief. Records are stored as postcard bytes in URL-safe base64: both are already in the
//! bundle for scenarios and session codes, so storing results adds no JSON library to it. Records that cannot be read are skipped, never deleted behind the player's back;
//! "Clear results" is the only thing that removes them.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use frontline_engine::scenario::Rating;
use frontline_engine::{Session, code};
use serde::{Deserialize, Serialize};

use super::saves::{read_raw, remove, storage};

const PREFIX: &str = "frontline.v1.results.";

/// How many results are kept per scenario (the oldest go first).
pub const KEEP: usize = 50;

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
    /// When, in milliseconds since 1970 (the browser's clock).
    pub at: f64,
}

impl Record {
    /// The record for a finished session; `None` while it is unfinished.
    pub fn of(session: &Session, at: f64) -> Option<Record> {
        let ending = session.ending()?;
        let verdict = session.verdict()?;
        Some(Record {
            code: code::encode(session),
            ending: ending.title.clone(),
            rating: ending.rating,
            score: verdict.score,
            passed: verdict.passed,
            at,
        })
    }
}

fn key(scenario_id: &str) -> String {
    format!("{PREFIX}{scenario_id}")
}

/// Decodes stored records; anything unreadable counts as no records.
pub fn parse(raw: &str) -> Vec<Record> {
    URL_SAFE_NO_PAD
        .decode(raw.trim())
        .ok()
        .and_then(|bytes| postcard::from_bytes(&bytes).ok())
        .unwrap_or_default()
}

/// Encodes records for storage.
pub fn serialise(records: &[Record]) -> Option<String> {
    postcard::to_allocvec(records)
        .ok()
        .map(|bytes| URL_SAFE_NO_PAD.encode(bytes))
}

/// A scenario's results, oldest first.
pub fn list(scenario_id: &str) -> Vec<Record> {
    read_raw(&key(scenario_id))
        .map(|raw| parse(&raw))
        .unwrap_or_default()
}

/// The best rating reached in a scenario, if it was ever finished.
pub fn best_rating(records: &[Record]) -> Option<Rating> {
    records.iter().map(|r| r.rating).min()
}

/// Adds a finished session's result unless that exact playthrough is already recorded.
/// Returns whether storage accepted it.
pub fn record(session: &Session) -> bool {
    let Some(record) = Record::of(session, js_sys::Date::now()) else {
        return true;
    };
    let id = &session.scenario().meta.id;
    let mut records = list(id);
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

/// Removes a scenario's results.
pub fn clear(scenario_id: &str) {
    remove(&key(scenario_id));
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

    #[test]
    fn best_rating_is_the_best_one() {
        let r = |rating| Record {
            code: "x".into(),
            ending: "e".into(),
            rating,
            score: 50,
            passed: true,
            at: 0.0,
        };
        assert_eq!(best_rating(&[]), None);
        assert_eq!(
            best_rating(&[r(Rating::Costly), r(Rating::Solid), r(Rating::Failing)]),
            Some(Rating::Solid)
        );
        let raw = serialise(&[r(Rating::Exemplary)]).expect("serialises");
        assert_eq!(parse(&raw), vec![r(Rating::Exemplary)]);
    }
}
