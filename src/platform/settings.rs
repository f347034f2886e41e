//! The player's settings, in local storage. There is one today: when to show the author's
//! feedback on a choice (at once, or saved for the debrief). A missing or unreadable value
//! means the default; a blocked storage means the setting lasts for this visit only.

use std::cell::Cell;

use super::saves::{read_raw, storage};

const FEEDBACK_KEY: &str = "frontline.v1.settings.feedback";

/// When the feedback on a choice is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeedbackTiming {
    /// Right after the choice.
    #[default]
    AtOnce,
    /// Only in the debrief at the ending.
    AtDebrief,
}

impl FeedbackTiming {
    fn as_str(self) -> &'static str {
        match self {
            FeedbackTiming::AtOnce => "at-once",
            FeedbackTiming::AtDebrief => "at-debrief",
        }
    }

    fn parse(s: &str) -> Option<FeedbackTiming> {
        match s {
            "at-once" => Some(FeedbackTiming::AtOnce),
            "at-debrief" => Some(FeedbackTiming::AtDebrief),
            _ => None,
        }
    }
}

thread_local! {
    /// The setting for this visit when storage refuses it.
    static FALLBACK: Cell<Option<FeedbackTiming>> = const { Cell::new(None) };
}

/// The feedback setting.
pub fn feedback() -> FeedbackTiming {
    FALLBACK
        .with(Cell::get)
        .or_else(|| read_raw(FEEDBACK_KEY).and_then(|s| FeedbackTiming::parse(&s)))
        .unwrap_or_default()
}

/// Changes the feedback setting. Returns `false` when it could only be kept for this visit.
pub fn set_feedback(timing: FeedbackTiming) -> bool {
    let stored = storage().is_some_and(|s| s.set_item(FEEDBACK_KEY, timing.as_str()).is_ok());
    FALLBACK.with(|f| f.set(if stored { None } else { Some(timing) }));
    stored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_reject_junk() {
        for t in [FeedbackTiming::AtOnce, FeedbackTiming::AtDebrief] {
            assert_eq!(FeedbackTiming::parse(t.as_str()), Some(t));
        }
        assert_eq!(FeedbackTiming::parse("later"), None);
    }
}
