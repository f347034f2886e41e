//! Compiled scenarios: a validated [`Scenario`] stored as compact bytes, so an app can bundle
//! scenarios checked at build time without shipping the TOML parser and validator.
//!
//! Bytes are `FLC` + one format byte + the postcard encoding of the scenario and of its
//! [`RichTexts`]: every piece of Markdown in it, already parsed into [`Block`]s, so an app can
//! show the text without linking the Markdown parser. Reading them back checks that every
//! index inside points at something that exists, so even damaged bytes can never make the
//! simulation index out of range: they are rejected instead.

use std::fmt;

use crate::condition::Cond;
use crate::limits::{
    MAX_CHOICES, MAX_FLAGS, MAX_METERS, MAX_OUTCOMES, MAX_RULES, MAX_SCENES, MAX_TRIGGERS,
    MAX_WEIGHT,
};
use crate::markdown::{self, Block};
use crate::scenario::{Effect, FlagIdx, Next, Scenario, SceneKind};

const MAGIC: &[u8; 3] = b"FLC";
/// Raise when the scenario model changes shape.
const FORMAT: u8 = 3;

/// Each distinct Markdown text of a scenario with its parsed blocks.
pub type RichTexts = Vec<(String, Vec<Block>)>;

/// Every Markdown text in a scenario (scene and variant texts, notes and questions, choices,
/// feedback, chance outcomes, delayed consequences, endings' debriefs), each once, parsed.
pub fn rich_texts(s: &Scenario) -> RichTexts {
    let mut texts = text_keys(s);
    texts.sort_unstable();
    texts.dedup();
    texts
        .into_iter()
        .map(|t| (t.to_owned(), markdown::parse(t)))
        .collect()
}

/// Every Markdown text in a scenario, in the order of a walk over it (a text used twice comes
/// twice): the order in which compiled bytes store the parsed blocks, so that the texts
/// themselves are stored only once (in the scenario) and paired with their blocks again when
/// read. No sorting, so that reading links no sort.
pub(crate) fn text_keys(s: &Scenario) -> Vec<&str> {
    let mut texts: Vec<&str> = Vec::new();
    for scene in &s.scenes {
        texts.push(&scene.text);
        texts.extend(scene.variants.iter().map(|v| v.text.as_str()));
        texts.extend(scene.facilitator_note.as_deref());
        texts.extend(scene.discussion.as_deref());
        match &scene.kind {
            SceneKind::Ending(e) => texts.push(&e.debrief),
            SceneKind::Choices(choices) => {
                for c in choices {
                    texts.push(&c.text);
                    texts.extend(c.feedback.as_deref());
                    if let Next::Chance(outcomes) = &c.next {
                        texts.extend(outcomes.iter().map(|o| o.text.as_str()));
                    }
                }
            }
        }
    }
    texts.extend(s.triggers.iter().map(|t| t.text.as_str()));
    texts
}

/// Why compiled bytes were rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompiledError {
    /// Not compiled scenario bytes, or from another engine format.
    NotCompiled,
    /// The bytes do not decode.
    Corrupt(String),
    /// The bytes decode but refer to things that do not exist.
    Inconsistent,
}

impl fmt::Display for CompiledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompiledError::NotCompiled => f.write_str("not a compiled scenario for this engine"),
            CompiledError::Corrupt(e) => write!(f, "the compiled scenario is damaged: {e}"),
            CompiledError::Inconsistent => f.write_str(
                "the compiled scenario refers to scenes, meters or flags it does not have",
            ),
        }
    }
}

impl std::error::Error for CompiledError {}

/// Compiles a validated scenario to bytes.
pub fn compile(scenario: &Scenario) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.push(FORMAT);
    // Serialising plain owned data into a Vec cannot fail.
    let blocks: Vec<Vec<Block>> = text_keys(scenario)
        .into_iter()
        .map(markdown::parse)
        .collect();
    out.extend(postcard::to_allocvec(&(scenario, blocks)).unwrap_or_default());
    out
}

/// Reads bytes made by [`compile`].
pub fn read(bytes: &[u8]) -> Result<Scenario, CompiledError> {
    read_with_texts(bytes).map(|(scenario, _)| scenario)
}

/// Reads bytes made by [`compile`], with the scenario's parsed Markdown texts.
pub fn read_with_texts(bytes: &[u8]) -> Result<(Scenario, RichTexts), CompiledError> {
    let body = bytes
        .strip_prefix(MAGIC.as_slice())
        .and_then(|rest| rest.strip_prefix(&[FORMAT]))
        .ok_or(CompiledError::NotCompiled)?;
    let (scenario, blocks): (Scenario, Vec<Vec<Block>>) =
        postcard::from_bytes(body).map_err(|e| CompiledError::Corrupt(e.to_string()))?;
    if !consistent(&scenario) {
        return Err(CompiledError::Inconsistent);
    }
    let keys = text_keys(&scenario);
    if keys.len() != blocks.len() {
        return Err(CompiledError::Inconsistent);
    }
    let texts = keys.into_iter().map(str::to_owned).zip(blocks).collect();
    Ok((scenario, texts))
}

/// Whether every index in the scenario is in range and every choice list is usable.
fn consistent(s: &Scenario) -> bool {
    let meters = s.meters.len();
    let flags = s.flags.len();
    let scenes = s.scenes.len();
    let effects_ok = |effects: &[Effect]| effects.iter().all(|e| e.meter.0 < meters);
    let flags_ok = |list: &[FlagIdx]| list.iter().all(|f| f.0 < flags);
    fn cond_ok(c: &Cond, meters: usize, flags: usize) -> bool {
        match c {
            Cond::Meter { meter, .. } => meter.0 < meters,
            Cond::Flag(f) => f.0 < flags,
            Cond::Not(inner) => cond_ok(inner, meters, flags),
            Cond::And(all) | Cond::Or(all) => all.iter().all(|c| cond_ok(c, meters, flags)),
        }
    }
    // The loader's limits hold too, so that forged bytes cannot overflow a choice's total
    // weight or make each decision slow.
    let weight_ok = |w: u32| w <= MAX_WEIGHT;
    s.start.0 < scenes
        && scenes <= MAX_SCENES
        && meters <= MAX_METERS
        && flags <= MAX_FLAGS
        && s.triggers.len() <= MAX_TRIGGERS
        && s.scoring.weights.len() == meters
        && s.scoring.weights.iter().any(|w| *w > 0)
        && s.triggers.iter().all(|t| {
            cond_ok(&t.when, meters, flags)
                && effects_ok(&t.effects)
                && flags_ok(&t.set)
                && flags_ok(&t.clear)
        })
        && s.scenes.iter().all(|scene| {
            scene
                .variants
                .iter()
                .all(|v| cond_ok(&v.when, meters, flags))
                && match &scene.kind {
                    SceneKind::Ending(_) => true,
                    SceneKind::Choices(choices) => {
                        choices.len() <= MAX_CHOICES
                            && choices.iter().any(|c| c.when.is_none())
                            && choices.iter().all(|c| {
                                effects_ok(&c.effects)
                                    && flags_ok(&c.set)
                                    && flags_ok(&c.clear)
                                    && c.when.as_ref().is_none_or(|w| cond_ok(w, meters, flags))
                                    && match &c.next {
                                        Next::Scene(t) => t.0 < scenes,
                                        Next::Chance(os) => {
                                            !os.is_empty()
                                                && os.len() <= MAX_OUTCOMES
                                                && os.iter().all(|o| {
                                                    o.goto.0 < scenes
                                                        && weight_ok(o.weight)
                                                        && o.odds.len() <= MAX_RULES
                                                        && o.odds.iter().all(|(_, w)| weight_ok(*w))
                                                        && effects_ok(&o.effects)
                                                        && flags_ok(&o.set)
                                                        && flags_ok(&o.clear)
                                                        && o.odds
                                                            .iter()
                                                            .all(|(w, _)| cond_ok(w, meters, flags))
                                                })
                                        }
                                    }
                            })
                    }
                }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = include_str!("../tests/fixtures/sample.toml");

    #[test]
    fn round_trip_and_rejection() {
        let scenario = crate::load("sample.toml", TINY)
            .expect("fixture loads")
            .scenario;
        let bytes = compile(&scenario);
        let back = read(&bytes).expect("reads back");
        assert_eq!(compile(&back), bytes);
        let (_, texts) = read_with_texts(&bytes).expect("reads back");
        assert!(
            texts
                .iter()
                .any(|(t, _)| *t == back.scenes[back.start.0].text)
        );
        for (text, blocks) in &texts {
            assert_eq!(*blocks, markdown::parse(text));
        }
        assert!(matches!(read(b"nope"), Err(CompiledError::NotCompiled)));
        assert!(matches!(
            read(&bytes[..bytes.len() / 2]),
            Err(CompiledError::Corrupt(_))
        ));
    }
}
