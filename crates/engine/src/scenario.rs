//! The validated scenario: what the loader builds and the simulation runs.
//!
//! Every reference is an index checked by the loader ([`crate::load`]), which is the only way
//! to build a [`Scenario`]. Code holding a `Scenario` may index its vectors with the ids found
//! in it without checking again.

use serde::{Deserialize, Serialize};

use crate::condition::Cond;
pub use crate::format::{CastMember, Credit, GoodDirection, Rating};

/// Index of a meter in [`Scenario::meters`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MeterIdx(pub usize);

/// Index of a scene in [`Scenario::scenes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SceneIdx(pub usize);

/// Index of a flag in [`Scenario::flags`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FlagIdx(pub usize);

/// Index of a trigger in [`Scenario::triggers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TriggerIdx(pub usize);

/// Meters run from this value...
pub const METER_MIN: i32 = 0;
/// ...to this one.
pub const METER_MAX: i32 = 100;

/// A loaded, validated scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scenario {
    /// Metadata from the `[scenario]` table.
    pub meta: Meta,
    /// Credited leadership models.
    pub credits: Vec<Credit>,
    /// People in the story.
    pub cast: Vec<CastMember>,
    /// Meters: `morale` first, `satisfaction` second, then the others by id.
    pub meters: Vec<Meter>,
    /// Every flag any choice, outcome or trigger raises or lowers, sorted.
    pub flags: Vec<String>,
    /// Scenes in file order.
    pub scenes: Vec<Scene>,
    /// Where play begins.
    pub start: SceneIdx,
    /// Delayed consequences, in file order (which is also the order they fire in).
    pub triggers: Vec<Trigger>,
    /// How the score is computed.
    pub scoring: Scoring,
}

/// Scenario metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    /// Lower-case id, e.g. `stretch-target`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Library summary.
    pub summary: String,
    /// The player's role.
    pub role: String,
    /// The team the player leads.
    pub team: String,
    /// Estimated minutes of play.
    pub minutes: u32,
    /// BCP 47 language tag.
    pub language: String,
    /// Content version; saved sessions record it.
    pub version: u32,
    /// Authors.
    pub authors: Vec<String>,
}

/// A meter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meter {
    /// Id used in effects and conditions.
    pub id: String,
    /// Display name.
    pub label: String,
    /// What it stands for.
    pub description: Option<String>,
    /// Starting value.
    pub start: i32,
    /// Which end is good.
    pub good: GoodDirection,
    /// Other words the texts use for it, lower-cased (authoring checks only: compiled
    /// scenarios leave them out).
    #[serde(skip)]
    pub words: Vec<String>,
}

impl Meter {
    /// The value turned so that higher is always better.
    pub fn goodness(&self, value: i32) -> i32 {
        match self.good {
            GoodDirection::High => value,
            GoodDirection::Low => METER_MAX - value,
        }
    }
}

/// Scoring rules: how an ending and the final meters become one verdict.
///
/// Each rating owns a band of scores; the ending's rating picks the band and the meters
/// place the score inside it. Bands never overlap and better ratings own higher bands, so a
/// better-rated ending always scores higher than a worse-rated one, whatever the meters, and
/// passing (a rating at or above [`Scoring::pass`]) is the same as a score at or above
/// [`Scoring::pass_mark`]. The loader refuses bands that would break this.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scoring {
    /// Weight of each meter, by [`MeterIdx`]; the sum is never zero.
    pub weights: Vec<u32>,
    /// The lowest rating that passes.
    pub pass: Rating,
    /// The lowest score of each rating's band, in [`Rating::ALL`] order (best first). The
    /// last (failing) is always 0 and each is above the next.
    pub band_starts: [i32; 4],
}

/// The default band starts: exemplary 85-100, solid 65-84, costly 40-64, failing 0-39.
pub const DEFAULT_BAND_STARTS: [i32; 4] = [85, 65, 40, 0];

/// The rating passes by default.
pub const DEFAULT_PASS: Rating = Rating::Solid;

impl Scoring {
    /// The lowest and highest score a rating can give.
    pub fn band(&self, rating: Rating) -> (i32, i32) {
        let i = rating.rank();
        let lo = self.band_starts[i];
        let hi = if i == 0 {
            METER_MAX
        } else {
            self.band_starts[i - 1] - 1
        };
        (lo, hi.max(lo))
    }

    /// The score an ending of `rating` gets when the meters' weighted goodness is `quality`
    /// (0-100): the band's start plus the same share of its width.
    pub fn place(&self, rating: Rating, quality: i32) -> i32 {
        let (lo, hi) = self.band(rating);
        let q = i64::from(quality.clamp(METER_MIN, METER_MAX));
        let width = i64::from(hi - lo);
        lo + ((width * q * 2 + 100) / 200) as i32
    }

    /// The lowest passing score: the start of the pass rating's band.
    pub fn pass_mark(&self) -> i32 {
        self.band(self.pass).0
    }

    /// Whether an ending of this rating passes.
    pub fn passes(&self, rating: Rating) -> bool {
        rating <= self.pass
    }

    /// The rating whose band holds a score.
    pub fn rating_for(&self, score: i32) -> Rating {
        Rating::ALL
            .into_iter()
            .find(|r| score >= self.band(*r).0)
            .unwrap_or(Rating::Failing)
    }
}

/// Where a pass mark came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PassSource {
    /// The scenario's own `[scoring] pass` rating.
    Scenario,
    /// A mastery score a learning platform supplied at launch.
    Platform,
}

/// The verdict on a finished playthrough: its rating, its score and whether it passed, which
/// never disagree (see [`Scoring`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The ending's rating.
    pub rating: Rating,
    /// The 0-100 score, inside the rating's band.
    pub score: i32,
    /// Whether the score reaches the pass mark.
    pub passed: bool,
    /// The pass mark that applied, 0-100.
    pub pass_mark: i32,
    /// Who set that pass mark.
    pub pass_source: PassSource,
}

impl Verdict {
    /// The same verdict judged against a learning platform's mastery score (0-100), which
    /// wins over the scenario's own pass mark wherever the platform supplies one.
    pub fn with_mastery(self, mastery: Option<i32>) -> Verdict {
        match mastery {
            Some(mark) => {
                let mark = mark.clamp(0, 100);
                Verdict {
                    passed: self.score >= mark,
                    pass_mark: mark,
                    pass_source: PassSource::Platform,
                    ..self
                }
            }
            None => self,
        }
    }

    /// Whether this verdict ranks above another: a better rating, then a higher score.
    pub fn beats(&self, other: &Verdict) -> bool {
        (std::cmp::Reverse(self.rating), self.score)
            > (std::cmp::Reverse(other.rating), other.score)
    }
}

/// A scene.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scene {
    /// Unique id.
    pub id: String,
    /// Who speaks.
    pub speaker: Option<String>,
    /// Markdown text (see [`crate::markdown`]).
    pub text: String,
    /// Conditional replacement texts; the first that holds wins.
    pub variants: Vec<Variant>,
    /// Facilitator note for workshops.
    pub facilitator_note: Option<String>,
    /// Discussion question for workshops.
    pub discussion: Option<String>,
    /// Choices or an ending.
    pub kind: SceneKind,
}

impl Scene {
    /// The choices, empty for an ending.
    pub fn choices(&self) -> &[Choice] {
        match &self.kind {
            SceneKind::Choices(c) => c,
            SceneKind::Ending(_) => &[],
        }
    }

    /// The ending, if this scene is one.
    pub fn ending(&self) -> Option<&Ending> {
        match &self.kind {
            SceneKind::Ending(e) => Some(e),
            SceneKind::Choices(_) => None,
        }
    }

    /// The text to show for these meters and flags.
    pub fn text_for(&self, meters: &[i32], flags: &[bool]) -> &str {
        self.variants
            .iter()
            .find(|v| v.when.eval(meters, flags))
            .map_or(&self.text, |v| &v.text)
    }
}

/// Replacement text for a scene.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Variant {
    /// When it applies.
    pub when: Cond,
    /// Markdown text.
    pub text: String,
}

/// What a scene leads to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum SceneKind {
    /// The player picks one of these. At least one has no condition.
    Choices(Vec<Choice>),
    /// The playthrough ends here.
    Ending(Ending),
}

/// An ending.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ending {
    /// Name of the ending.
    pub title: String,
    /// How good it is.
    pub rating: Rating,
    /// What it teaches.
    pub debrief: String,
}

/// A change to one meter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effect {
    /// Which meter.
    pub meter: MeterIdx,
    /// By how much.
    pub change: Change,
}

/// How a meter changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// Add this (may be negative).
    Delta(i32),
    /// "Fair math": a positive percentage of the distance to the top, or a negative percentage
    /// of the distance to the bottom.
    Fair(i32),
}

impl Change {
    /// The new value of a meter at `value`, kept within range.
    pub fn apply(self, value: i32) -> i32 {
        let next = match self {
            Change::Delta(d) => value.saturating_add(d),
            // Integer rounding to nearest keeps results identical on every platform.
            Change::Fair(p) if p >= 0 => value + ((METER_MAX - value) * p + 50) / 100,
            Change::Fair(p) => value - ((value - METER_MIN) * -p + 50) / 100,
        };
        next.clamp(METER_MIN, METER_MAX)
    }

    /// The change as an author wrote it: `-8` or `+20%`.
    pub fn describe(self) -> String {
        match self {
            Change::Delta(d) => format!("{d:+}"),
            Change::Fair(p) => format!("{p:+}%"),
        }
    }
}

/// A player option.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Choice {
    /// Unique within the scene.
    pub id: String,
    /// Button text.
    pub text: String,
    /// Principle tags applied (see [`crate::principles`]).
    pub applies: Vec<String>,
    /// Principle tags violated.
    pub violates: Vec<String>,
    /// Meter changes.
    pub effects: Vec<Effect>,
    /// Flags raised.
    pub set: Vec<FlagIdx>,
    /// Flags lowered.
    pub clear: Vec<FlagIdx>,
    /// Shown after choosing.
    pub feedback: Option<String>,
    /// Offered only when this holds.
    pub when: Option<Cond>,
    /// Where it leads.
    pub next: Next,
}

impl Choice {
    /// Whether the choice is offered for these meters and flags.
    pub fn available(&self, meters: &[i32], flags: &[bool]) -> bool {
        self.when.as_ref().is_none_or(|c| c.eval(meters, flags))
    }
}

/// Where a choice leads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Next {
    /// Straight to a scene.
    Scene(SceneIdx),
    /// One of these, drawn by weight. Never empty.
    Chance(Vec<Outcome>),
}

/// A chance outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    /// Unique within the choice.
    pub id: String,
    /// Base weight.
    pub weight: u32,
    /// Weight overrides; the first whose condition holds replaces `weight`.
    pub odds: Vec<(Cond, u32)>,
    /// What happened.
    pub text: String,
    /// Meter changes.
    pub effects: Vec<Effect>,
    /// Flags raised.
    pub set: Vec<FlagIdx>,
    /// Flags lowered.
    pub clear: Vec<FlagIdx>,
    /// Where it leads.
    pub goto: SceneIdx,
}

impl Outcome {
    /// The weight in effect for these meters and flags.
    pub fn weight_for(&self, meters: &[i32], flags: &[bool]) -> u32 {
        self.odds
            .iter()
            .find(|(c, _)| c.eval(meters, flags))
            .map_or(self.weight, |(_, w)| *w)
    }
}

/// A delayed consequence.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Trigger {
    /// Unique id.
    pub id: String,
    /// Fires the first time this holds after a decision.
    pub when: Cond,
    /// What happens.
    pub text: String,
    /// Meter changes.
    pub effects: Vec<Effect>,
    /// Flags raised.
    pub set: Vec<FlagIdx>,
    /// Flags lowered.
    pub clear: Vec<FlagIdx>,
}

impl Scenario {
    /// The scene with this id.
    pub fn scene_by_id(&self, id: &str) -> Option<SceneIdx> {
        self.scenes.iter().position(|s| s.id == id).map(SceneIdx)
    }

    /// The scene at an index.
    pub fn scene(&self, idx: SceneIdx) -> &Scene {
        &self.scenes[idx.0]
    }

    /// The meter with this id.
    pub fn meter_by_id(&self, id: &str) -> Option<MeterIdx> {
        self.meters.iter().position(|m| m.id == id).map(MeterIdx)
    }

    /// Starting meter values.
    pub fn start_meters(&self) -> Vec<i32> {
        self.meters.iter().map(|m| m.start).collect()
    }

    /// The verdict on a playthrough that ends in an ending of `rating` with these meters.
    pub fn verdict(&self, rating: Rating, meters: &[i32]) -> Verdict {
        let score = self.scoring.place(rating, self.quality(meters));
        Verdict {
            rating,
            score,
            passed: self.scoring.passes(rating),
            pass_mark: self.scoring.pass_mark(),
            pass_source: PassSource::Scenario,
        }
    }

    /// The final score of a playthrough ending in `rating` with these meters.
    pub fn score(&self, rating: Rating, meters: &[i32]) -> i32 {
        self.verdict(rating, meters).score
    }

    /// How good these meter values are, 0-100: the weighted mean of each meter's goodness.
    /// It places a score inside its rating's band; on its own it is no verdict.
    pub fn quality(&self, meters: &[i32]) -> i32 {
        let mut total: i64 = 0;
        let mut weight: i64 = 0;
        for (i, m) in self.meters.iter().enumerate() {
            let w = i64::from(self.scoring.weights.get(i).copied().unwrap_or(0));
            total += w * i64::from(m.goodness(meters.get(i).copied().unwrap_or(m.start)));
            weight += w;
        }
        if weight == 0 {
            return 0;
        }
        ((total * 2 + weight) / (weight * 2)) as i32
    }

    /// The best rating any ending in this scenario has.
    pub fn best_rating(&self) -> Option<Rating> {
        self.scenes
            .iter()
            .filter_map(|s| s.ending())
            .map(|e| e.rating)
            .min()
    }

    /// Every scene that is an ending.
    pub fn endings(&self) -> impl Iterator<Item = (SceneIdx, &Ending)> {
        self.scenes
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.ending().map(|e| (SceneIdx(i), e)))
    }

    /// Every principle tag any choice names, sorted and without repeats.
    pub fn tags(&self) -> Vec<&str> {
        let mut tags: Vec<&str> = self
            .scenes
            .iter()
            .flat_map(|s| s.choices())
            .flat_map(|c| c.applies.iter().chain(&c.violates))
            .map(String::as_str)
            .collect();
        tags.sort_unstable();
        tags.dedup();
        tags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fair_math_moves_a_share_of_the_distance() {
        assert_eq!(Change::Fair(20).apply(50), 60);
        assert_eq!(Change::Fair(20).apply(90), 92);
        assert_eq!(Change::Fair(-20).apply(50), 40);
        assert_eq!(Change::Fair(-50).apply(10), 5);
        assert_eq!(Change::Fair(100).apply(3), 100);
        assert_eq!(Change::Delta(30).apply(90), 100);
        assert_eq!(Change::Delta(-30).apply(10), 0);
        assert_eq!(Change::Delta(i32::MIN).apply(10), 0);
    }
}
