//! Limits on the size and nesting of a scenario file.
//!
//! A scenario file is untrusted input: it may come from a colleague, a web link or a fuzzer.
//! Every structure that nests, and every count that later work multiplies, has a limit here,
//! far above anything a hand-written scenario needs (the bundled scenarios have ids of at most
//! 21 characters, conditions of 127, texts of 601, 21 scenes, 18 triggers) and low enough that nothing downstream (the simulation, the analysis, the what-if
//! search, the app's renderer, the compiled format) can be driven into deep recursion,
//! overflowing sums or quadratic time. The loader reports each one it meets as a positioned
//! error; `docs/scenario-format.md` (section 15) lists the messages.

/// How deeply a `when` condition may nest: each `(` and each `not` is a level.
pub const MAX_CONDITION_DEPTH: usize = 64;

/// The longest a `when` condition may be, in characters.
pub const MAX_CONDITION_CHARS: usize = 1_000;

/// How deeply emphasis and strong emphasis may nest in a text (`***a***` is two levels).
pub const MAX_TEXT_DEPTH: usize = 16;

/// The longest a text (a scene's text, a choice, feedback, a debrief, ...) may be, in
/// characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// The longest an id (of a scene, choice, outcome, trigger, meter or flag, or the
/// scenario's) may be, in characters.
pub const MAX_ID_CHARS: usize = 100;

/// Scenes in a scenario.
pub const MAX_SCENES: usize = 10_000;

/// Choices in a scene.
pub const MAX_CHOICES: usize = 100;

/// Chance outcomes of a choice. With weights of at most [`MAX_WEIGHT`], a choice's total
/// weight stays far below `u32::MAX`.
pub const MAX_OUTCOMES: usize = 100;

/// Odds rules of an outcome, and text variants of a scene.
pub const MAX_RULES: usize = 100;

/// The largest weight of an outcome or odds rule.
pub const MAX_WEIGHT: u32 = 1_000_000;

/// Delayed consequences (`[[triggers]]`). Every decision checks every trigger that has not
/// fired, until none fires, so this bounds the work of one decision.
pub const MAX_TRIGGERS: usize = 200;

/// Meters.
pub const MAX_METERS: usize = 50;

/// Distinct flags.
pub const MAX_FLAGS: usize = 1_000;

// A choice's total weight fits in a u32 with room to spare.
const _: () = assert!((MAX_OUTCOMES as u64) * (MAX_WEIGHT as u64) < u32::MAX as u64);

/// How deeply a condition or a parsed text may nest when compiled bytes are read back. The
/// loader's limits keep real trees far shallower (a condition's tree is at most about
/// [`MAX_CONDITION_DEPTH`] + 2 deep, a text's [`MAX_TEXT_DEPTH`] + 1); this bounds damaged or
/// forged bytes, which would otherwise make the deserializer recurse without end.
pub(crate) const MAX_TREE_DEPTH: usize = 2 * MAX_CONDITION_DEPTH + 8;

std::thread_local! {
    static TREE_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// One level of a recursive structure being deserialized; dropping it leaves the level.
pub(crate) struct TreeLevel(());

impl TreeLevel {
    /// Enters a level, or `None` past [`MAX_TREE_DEPTH`].
    pub(crate) fn enter() -> Option<TreeLevel> {
        TREE_DEPTH.with(|d| {
            let n = d.get() + 1;
            (n <= MAX_TREE_DEPTH).then(|| {
                d.set(n);
                TreeLevel(())
            })
        })
    }

    /// Deserializes one level of a recursive type through its derived representation.
    pub(crate) fn deserialize<'de, R, T, D>(d: D) -> Result<T, D::Error>
    where
        R: serde::Deserialize<'de> + Into<T>,
        D: serde::Deserializer<'de>,
    {
        let _level = TreeLevel::enter().ok_or_else(|| {
            <D::Error as serde::de::Error>::custom("a condition or text nests too deeply")
        })?;
        R::deserialize(d).map(Into::into)
    }
}

impl Drop for TreeLevel {
    fn drop(&mut self) {
        TREE_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}
