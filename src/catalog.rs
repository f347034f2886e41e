//! The scenario catalogue: a summary of every scenario bundled at build time (see build.rs),
//! enough for the library page. The scenarios themselves are fetched when played (see
//! [`crate::platform::fetch`]).

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// What the library shows of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Scenario id; the compiled file is `scenarios/ID.flc`.
    pub id: &'static str,
    /// Title.
    pub title: &'static str,
    /// One or two sentences.
    pub summary: &'static str,
    /// Estimated minutes.
    pub minutes: u32,
    /// Content version.
    pub version: u32,
    /// Principle tags its choices name.
    pub tags: &'static [&'static str],
}

/// The summary of the bundled scenario with this id.
pub fn find(id: &str) -> Option<&'static Summary> {
    BUNDLED.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_is_summarised() {
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
            .expect("scenarios folder")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "toml"))
            })
            .count();
        assert_eq!(BUNDLED.len(), files);
        for s in BUNDLED {
            assert_eq!(find(s.id), Some(s));
            assert!(!s.title.is_empty() && !s.tags.is_empty());
        }
        assert!(find("no-such-scenario").is_none());
    }
}
