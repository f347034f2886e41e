//! The scenario file format as authors write it: plain serde types that mirror the TOML.
//!
//! These types are the single source of truth for the format. The JSON Schema published for
//! editors is generated from them ([`json_schema`]), and the loader checks a file's structure
//! against that same schema before deserializing, so every unknown field, missing field and
//! wrong type is reported at once. Nothing here is validated beyond its shape: ids, references,
//! tags and conditions are checked by [`crate::load`], which builds the typed
//! [`crate::Scenario`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Frontline scenario")]
pub struct ScenarioFile {
    /// What the scenario is, who it is for and who wrote it.
    pub scenario: Metadata,
    /// Named leadership models the scenario draws on, each credited to its author.
    #[serde(default)]
    pub credits: Vec<Credit>,
    /// The people the player meets: team members and customers.
    #[serde(default)]
    pub cast: Vec<CastMember>,
    /// The meters the player watches. `morale` and `satisfaction` are required.
    pub meters: BTreeMap<String, MeterDef>,
    /// How the final meters combine into a 0-100 score for reporting.
    #[serde(default)]
    pub scoring: Option<ScoringDef>,
    /// The scenes, in any order. The first one starts the scenario unless `scenario.start` says
    /// otherwise.
    pub scenes: Vec<SceneDef>,
    /// Delayed consequences: each fires once, the first time its condition holds after a
    /// decision.
    #[serde(default)]
    pub triggers: Vec<TriggerDef>,
}

/// The `[scenario]` table.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// A short lower-case id made of letters, digits and dashes, e.g. `stretch-target`.
    pub id: String,
    /// The title shown in the library.
    pub title: String,
    /// One or two sentences shown in the library.
    pub summary: String,
    /// The player's role, e.g. "Team lead, billing support".
    pub role: String,
    /// The team the player leads, e.g. "Six agents on the billing queue".
    pub team: String,
    /// About how many minutes one playthrough takes.
    pub minutes: u32,
    /// Language of the text, as a BCP 47 tag such as `en` or `en-GB`.
    pub language: String,
    /// Raise this whenever a change would alter how saved sessions replay.
    pub version: u32,
    /// Who wrote the scenario.
    pub authors: Vec<String>,
    /// The id of the first scene; the first scene in the file when left out.
    #[serde(default)]
    pub start: Option<String>,
}

/// A leadership model the scenario draws on.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    /// The model's name, e.g. "V.E.D. principle".
    pub model: String,
    /// Who created or described it.
    pub author: String,
    /// Where it was published.
    #[serde(default)]
    pub source: Option<String>,
}

/// A person in the scenario.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CastMember {
    /// The name used in scene text and as a speaker.
    pub name: String,
    /// Their place in the story, e.g. "Senior agent" or "Customer".
    pub role: String,
    /// One line on who they are.
    pub about: String,
}

/// Which end of a meter is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GoodDirection {
    /// Higher is better (the usual case).
    #[default]
    High,
    /// Lower is better, e.g. a backlog.
    Low,
}

/// A meter such as team morale. Every meter runs from 0 to 100.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeterDef {
    /// The name the player sees, e.g. "Team morale".
    pub label: String,
    /// What the meter stands for, shown in the scenario intro.
    #[serde(default)]
    pub description: Option<String>,
    /// The value at the start, from 0 to 100.
    pub start: i64,
    /// Which end is good: `high` (default) or `low`.
    #[serde(default)]
    pub good: GoodDirection,
    /// Other words the texts use for this meter (e.g. "queue", "complain" for customer
    /// satisfaction), for the checker's feedback checks. A word matches the start of a word
    /// in a text, ignoring case.
    #[serde(default)]
    pub words: Vec<String>,
}

/// The `[scoring]` table.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoringDef {
    /// Relative weight of each meter in the score. Meters left out do not count. When the
    /// table is left out, morale and satisfaction count equally.
    #[serde(default)]
    pub weights: BTreeMap<String, u32>,
    /// The lowest rating that passes: `exemplary`, `solid` (when left out), `costly` or
    /// `failing`. A playthrough passes exactly when its ending is rated this or better.
    #[serde(default)]
    pub pass: Option<Rating>,
    /// Where each rating's score band starts (the lowest score it can give). The bands run
    /// from 0 to 100 without gaps, each rating's above the next one's, so a better-rated
    /// ending always scores higher. When left out: exemplary 85, solid 65, costly 40
    /// (failing always starts at 0).
    #[serde(default)]
    pub bands: Option<BandsDef>,
}

/// The `bands` of `[scoring]`: the lowest score of each rating's band.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BandsDef {
    /// Where the exemplary band starts; it ends at 100. Default 85.
    #[serde(default)]
    pub exemplary: Option<i64>,
    /// Where the solid band starts; it ends just below the exemplary band. Default 65.
    #[serde(default)]
    pub solid: Option<i64>,
    /// Where the costly band starts; it ends just below the solid band. Default 40.
    #[serde(default)]
    pub costly: Option<i64>,
}

/// A scene: text, then either choices or an ending.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SceneDef {
    /// Unique within the scenario: letters, digits, `-` and `_`.
    pub id: String,
    /// Who is speaking, if anyone.
    #[serde(default)]
    pub speaker: Option<String>,
    /// The scene text, in simple Markdown: paragraphs, *emphasis*, **strong** and lists.
    pub text: String,
    /// Replacement texts, the first whose condition holds is shown instead of `text`.
    #[serde(default)]
    pub variants: Vec<VariantDef>,
    /// A note for the facilitator running a workshop; never shown to players.
    #[serde(default)]
    pub facilitator_note: Option<String>,
    /// A question for the room to discuss before deciding.
    #[serde(default)]
    pub discussion: Option<String>,
    /// The player's options. A scene has choices or an ending, not both.
    #[serde(default)]
    pub choices: Vec<ChoiceDef>,
    /// Makes this scene an ending.
    #[serde(default)]
    pub ending: Option<EndingDef>,
}

/// Text shown instead of a scene's `text` when a condition holds.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantDef {
    /// A condition such as `morale < 40 and promised_overtime`.
    pub when: String,
    /// The text to show instead.
    pub text: String,
}

/// An effect on one meter: a whole number (`-8`) or a "fair math" percentage as a string
/// (`"+20%"` moves a fifth of the way to 100, `"-20%"` a fifth of the way to 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum EffectDef {
    /// Add this many points (negative to subtract).
    Delta(i64),
    /// `"+N%"` or `"-N%"`.
    Fair(String),
}

// Deserialized by hand rather than derived with `untagged`, which buffers every value and
// builds an error for each variant that does not fit: in a large scenario that was a fair
// share of the load time. Serialization and the schema keep the `untagged` shape, and the
// loader's schema check reports a wrong value before serde sees it.
impl<'de> Deserialize<'de> for EffectDef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EffectVisitor;

        impl serde::de::Visitor<'_> for EffectVisitor {
            type Value = EffectDef;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number or a percentage such as \"+20%\"")
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<EffectDef, E> {
                Ok(EffectDef::Delta(v))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<EffectDef, E> {
                i64::try_from(v)
                    .map(EffectDef::Delta)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<EffectDef, E> {
                Ok(EffectDef::Fair(v.to_owned()))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<EffectDef, E> {
                Ok(EffectDef::Fair(v))
            }
        }

        deserializer.deserialize_any(EffectVisitor)
    }
}

/// One option the player can pick.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceDef {
    /// Unique within the scene.
    pub id: String,
    /// What the player does or says, as shown on the button.
    pub text: String,
    /// Principle tags this choice puts into practice.
    #[serde(default)]
    pub applies: Vec<String>,
    /// Principle tags this choice goes against.
    #[serde(default)]
    pub violates: Vec<String>,
    /// Meter changes, e.g. `{ morale = -8, satisfaction = "+10%" }`.
    #[serde(default)]
    pub effects: BTreeMap<String, EffectDef>,
    /// Flags to raise.
    #[serde(default)]
    pub set: Vec<String>,
    /// Flags to lower.
    #[serde(default)]
    pub clear: Vec<String>,
    /// Shown to the player after choosing (or saved for the debrief).
    #[serde(default)]
    pub feedback: Option<String>,
    /// The next scene. Required unless every outcome names its own.
    #[serde(default)]
    pub goto: Option<String>,
    /// Offer this choice only when the condition holds.
    #[serde(default)]
    pub when: Option<String>,
    /// Chance outcomes: one is drawn by weight after the choice's own effects apply.
    #[serde(default)]
    pub outcomes: Vec<OutcomeDef>,
}

/// One possible result of a choice, drawn by weight.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeDef {
    /// Unique within the choice.
    pub id: String,
    /// Relative likelihood, a whole number of zero or more.
    pub weight: i64,
    /// Rules that change the weight: the first whose condition holds replaces it.
    #[serde(default)]
    pub odds: Vec<OddsDef>,
    /// What happened, shown to the player.
    pub text: String,
    /// Meter changes, as for choices.
    #[serde(default)]
    pub effects: BTreeMap<String, EffectDef>,
    /// Flags to raise.
    #[serde(default)]
    pub set: Vec<String>,
    /// Flags to lower.
    #[serde(default)]
    pub clear: Vec<String>,
    /// The next scene; the choice's `goto` when left out.
    #[serde(default)]
    pub goto: Option<String>,
}

/// A weight that applies while a condition holds.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OddsDef {
    /// A condition such as `morale >= 60`.
    pub when: String,
    /// The weight to use instead.
    pub weight: i64,
}

/// How a playthrough ended, from best to worst.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    /// The team and the customers are better off.
    Exemplary,
    /// A sound result with some cost.
    Solid,
    /// The goal was met at a real price.
    Costly,
    /// Things went wrong.
    Failing,
}

impl Rating {
    /// Every rating, best first.
    pub const ALL: [Rating; 4] = [
        Rating::Exemplary,
        Rating::Solid,
        Rating::Costly,
        Rating::Failing,
    ];

    /// The position in [`Rating::ALL`]: 0 for exemplary, 3 for failing.
    pub fn rank(self) -> usize {
        match self {
            Rating::Exemplary => 0,
            Rating::Solid => 1,
            Rating::Costly => 2,
            Rating::Failing => 3,
        }
    }

    /// The lower-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Exemplary => "exemplary",
            Rating::Solid => "solid",
            Rating::Costly => "costly",
            Rating::Failing => "failing",
        }
    }
}

/// The `ending` table of an ending scene.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndingDef {
    /// The ending's name, e.g. "The award-winning quarter".
    pub title: String,
    /// `exemplary`, `solid`, `costly` or `failing`.
    pub rating: Rating,
    /// What this ending teaches, shown in the debrief.
    pub debrief: String,
}

/// A delayed consequence.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerDef {
    /// Unique among triggers.
    pub id: String,
    /// The condition that fires it, e.g. `morale < 30`.
    pub when: String,
    /// What happens, shown to the player.
    pub text: String,
    /// Meter changes when it fires.
    #[serde(default)]
    pub effects: BTreeMap<String, EffectDef>,
    /// Flags to raise when it fires.
    #[serde(default)]
    pub set: Vec<String>,
    /// Flags to lower when it fires.
    #[serde(default)]
    pub clear: Vec<String>,
}

/// The JSON Schema of the scenario format, for editors (draft 2020-12), generated from the
/// types above.
pub fn json_schema() -> serde_json::Value {
    schemars::schema_for!(ScenarioFile).to_value()
}

/// The published schema, `docs/scenario.schema.json`: the output of [`json_schema`], committed
/// so editors can use it and so the loader need not generate it (which would put the whole
/// generator into the browser bundle). A test keeps the two equal.
pub const SCHEMA_JSON: &str = include_str!("../../../docs/scenario.schema.json");

/// [`SCHEMA_JSON`], parsed once.
pub fn schema() -> &'static serde_json::Value {
    static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEMA_JSON).unwrap_or(serde_json::Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regenerate with `UPDATE_EXPECT=1 cargo test -p frontline-engine published_schema`.
    #[test]
    fn published_schema_is_current() {
        let generated = serde_json::to_string_pretty(&json_schema()).expect("serialises") + "\n";
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../docs/scenario.schema.json"
            );
            std::fs::write(path, &generated).expect("docs/ is writable");
            return;
        }
        assert_eq!(
            SCHEMA_JSON, generated,
            "docs/scenario.schema.json is out of date: run UPDATE_EXPECT=1 cargo test -p frontline-engine published_schema"
        );
    }
}
