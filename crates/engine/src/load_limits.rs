//! The loader's size limits ([`crate::limits`]): counts of scenes, choices, outcomes, rules,
//! triggers, meters and flags, and the length and nesting of texts. Each is reported at the
//! first thing past it, and checking goes on, so that one file shows every problem at once.

use std::collections::HashSet;

use super::{Builder, choice_path, join, scene_path};
use crate::limits::*;
use crate::markdown;
use crate::tree::Seg;

impl Builder<'_, '_> {
    pub(super) fn size_limits(&mut self) {
        let raw = self.raw;
        if raw.scenes.len() > MAX_SCENES {
            self.err(
                &join(&scene_path(MAX_SCENES), &[Seg::Key("id")]),
                format!(
                    "the scenario has {} scenes, more than the {MAX_SCENES} allowed",
                    raw.scenes.len()
                ),
            );
        }
        if raw.triggers.len() > MAX_TRIGGERS {
            self.err(
                &[
                    Seg::Key("triggers"),
                    Seg::Index(MAX_TRIGGERS),
                    Seg::Key("id"),
                ],
                format!(
                    "the scenario has {} triggers, more than the {MAX_TRIGGERS} allowed",
                    raw.triggers.len()
                ),
            );
        }
        if self.flag_ids.len() > MAX_FLAGS {
            self.too_many_flags();
        }
        let m = &raw.scenario;
        for (field, value) in [
            ("title", &m.title),
            ("summary", &m.summary),
            ("role", &m.role),
            ("team", &m.team),
        ] {
            self.text(&[Seg::Key("scenario"), Seg::Key(field)], value, false);
        }
        for (i, scene) in raw.scenes.iter().enumerate() {
            let sp = scene_path(i);
            self.text(&join(&sp, &[Seg::Key("text")]), &scene.text, true);
            for (key, text) in [
                ("facilitator_note", &scene.facilitator_note),
                ("discussion", &scene.discussion),
            ] {
                if let Some(text) = text {
                    self.text(&join(&sp, &[Seg::Key(key)]), text, true);
                }
            }
            if scene.variants.len() > MAX_RULES {
                self.err(
                    &join(&sp, &[Seg::Key("variants"), Seg::Index(MAX_RULES)]),
                    format!(
                        "scene '{}' has {} variants, more than the {MAX_RULES} allowed",
                        scene.id,
                        scene.variants.len()
                    ),
                );
            }
            for (v, var) in scene.variants.iter().enumerate() {
                let vp = join(
                    &sp,
                    &[Seg::Key("variants"), Seg::Index(v), Seg::Key("text")],
                );
                self.text(&vp, &var.text, true);
            }
            if let Some(ending) = &scene.ending {
                let ep = join(&sp, &[Seg::Key("ending")]);
                self.text(&join(&ep, &[Seg::Key("title")]), &ending.title, false);
                self.text(&join(&ep, &[Seg::Key("debrief")]), &ending.debrief, true);
            }
            if scene.choices.len() > MAX_CHOICES {
                self.err(
                    &join(&choice_path(i, MAX_CHOICES), &[Seg::Key("id")]),
                    format!(
                        "scene '{}' has {} choices, more than the {MAX_CHOICES} allowed",
                        scene.id,
                        scene.choices.len()
                    ),
                );
            }
            for (c, choice) in scene.choices.iter().enumerate() {
                let cp = choice_path(i, c);
                self.text(&join(&cp, &[Seg::Key("text")]), &choice.text, true);
                if let Some(feedback) = &choice.feedback {
                    self.text(&join(&cp, &[Seg::Key("feedback")]), feedback, true);
                }
                if choice.outcomes.len() > MAX_OUTCOMES {
                    self.err(
                        &join(
                            &cp,
                            &[Seg::Key("outcomes"), Seg::Index(MAX_OUTCOMES), Seg::Key("id")],
                        ),
                        format!(
                            "choice '{}' has {} chance outcomes, more than the {MAX_OUTCOMES} allowed",
                            choice.id,
                            choice.outcomes.len()
                        ),
                    );
                }
                for (o, outcome) in choice.outcomes.iter().enumerate() {
                    let op = join(&cp, &[Seg::Key("outcomes"), Seg::Index(o)]);
                    self.text(&join(&op, &[Seg::Key("text")]), &outcome.text, true);
                    if outcome.odds.len() > MAX_RULES {
                        self.err(
                            &join(&op, &[Seg::Key("odds"), Seg::Index(MAX_RULES)]),
                            format!(
                                "outcome '{}' has {} odds rules, more than the {MAX_RULES} allowed",
                                outcome.id,
                                outcome.odds.len()
                            ),
                        );
                    }
                }
            }
        }
        for (t, trigger) in raw.triggers.iter().enumerate() {
            let tp = [Seg::Key("triggers"), Seg::Index(t), Seg::Key("text")];
            self.text(&tp, &trigger.text, true);
        }
    }

    /// Reports too many meters. Meters are looked up by a scan everywhere (a scenario has a
    /// handful), so with too many the other checks are not run at all.
    pub(super) fn too_many_meters(&mut self) -> bool {
        let n = self.raw.meters.len();
        if n > MAX_METERS {
            self.err(
                &[Seg::Key("meters")],
                format!("the scenario has {n} meters, more than the {MAX_METERS} allowed"),
            );
        }
        n > MAX_METERS
    }

    /// Checks a text's length and, for Markdown, how deeply its emphasis nests.
    fn text(&mut self, path: &[Seg], text: &str, markdown: bool) {
        let chars = text.chars().count();
        if chars > MAX_TEXT_CHARS {
            self.err(
                path,
                format!(
                    "this text is {chars} characters long, more than the {MAX_TEXT_CHARS} allowed"
                ),
            );
        } else if markdown && markdown::too_deep(text) {
            self.err(
                path,
                format!(
                    "this text nests emphasis deeper than {MAX_TEXT_DEPTH} levels ('*' and '_' inside each other)"
                ),
            );
        }
    }

    /// Reports the first `set` or `clear` entry that names one flag too many.
    fn too_many_flags(&mut self) {
        let raw = self.raw;
        let total = self.flag_ids.len();
        let mut lists: Vec<(Vec<Seg>, &[String])> = Vec::new();
        for (s, scene) in raw.scenes.iter().enumerate() {
            for (c, choice) in scene.choices.iter().enumerate() {
                let cp = choice_path(s, c);
                lists.push((join(&cp, &[Seg::Key("set")]).to_vec(), &choice.set));
                lists.push((join(&cp, &[Seg::Key("clear")]).to_vec(), &choice.clear));
                for (o, out) in choice.outcomes.iter().enumerate() {
                    let op = join(&cp, &[Seg::Key("outcomes"), Seg::Index(o)]);
                    lists.push((join(&op, &[Seg::Key("set")]).to_vec(), &out.set));
                    lists.push((join(&op, &[Seg::Key("clear")]).to_vec(), &out.clear));
                }
            }
        }
        for (t, trig) in raw.triggers.iter().enumerate() {
            let tp = [Seg::Key("triggers"), Seg::Index(t)];
            lists.push((join(&tp, &[Seg::Key("set")]).to_vec(), &trig.set));
            lists.push((join(&tp, &[Seg::Key("clear")]).to_vec(), &trig.clear));
        }
        let mut seen: HashSet<&str> = HashSet::new();
        for (base, list) in lists {
            for (k, name) in list.iter().enumerate() {
                if seen.insert(name) && seen.len() > MAX_FLAGS {
                    self.err(
                        &join(&base, &[Seg::Index(k)]),
                        format!(
                            "the scenario has {total} flags, more than the {MAX_FLAGS} allowed"
                        ),
                    );
                    return;
                }
            }
        }
    }
}

/// A file's bytes as scenario text: without a UTF-8 byte order mark, and only if it is UTF-8
/// without NUL bytes. Otherwise the one error, positioned at the first byte that is not text
/// (everything before it is valid text, so it has a line and column).
pub fn source_text<'b>(file: &str, bytes: &'b [u8]) -> Result<&'b str, crate::Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let error = |valid: &str, offset: usize, message: &str| {
        let (line, col) = crate::diag::LineIndex::new(valid).line_col(offset);
        crate::Diagnostic {
            severity: crate::Severity::Error,
            file: file.to_owned(),
            line,
            col,
            span: offset..offset,
            message: message.to_owned(),
        }
    };
    let src = match std::str::from_utf8(bytes) {
        Ok(src) => src,
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            return Err(error(
                valid,
                valid.len(),
                "the file is not UTF-8 text (a scenario is a TOML text file); the first byte that is not text is here",
            ));
        }
    };
    match src.find('\0') {
        Some(nul) => Err(error(
            src,
            nul,
            "the file contains a NUL byte, so it is binary, not a TOML scenario file",
        )),
        None => Ok(src),
    }
}
