//! Loading: TOML text in, a validated [`Scenario`] (or every problem with a position) out.
//!
//! The stages run in order and each reports everything it finds before stopping:
//! 1. TOML syntax (toml's recoverable parser reports several errors at once);
//! 2. structure against the JSON Schema of [`crate::format`] (unknown fields, missing fields,
//!    wrong types);
//! 3. meaning: ids, references, tags, effects, probabilities, conditions, reachability, with
//!    the warnings found on the way (one-choice scenes, single chance outcomes, odds that read
//!    what their own choice changes, a file name that is not the id);
//! 4. warnings that need the whole scenario: unused meters and flags, missing workshop notes,
//!    and endings or choices that no sequence of choices and chances reaches.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use serde::Deserialize;
use toml::de::DeTable;

use crate::condition::{self, Cmp, Cond};
use crate::diag::{Diagnostic, Severity, Sink, describe_char, hint};
use crate::format::{self, BandsDef, EffectDef, ScenarioFile};
use crate::limits::{MAX_ID_CHARS, MAX_WEIGHT};
use crate::principles;
use crate::scenario::*;
use crate::tree::{Path, SchemaCheck, Seg, Tree};

/// A scenario that loaded, with any warnings about it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The scenario.
    pub scenario: Scenario,
    /// Warnings, in file order.
    pub warnings: Vec<Diagnostic>,
}

/// How many distinct game states the warning pass explores before giving up on the
/// "never reached" warnings. Enough for any hand-written scenario.
const EXPLORE_BUDGET: usize = 50_000;

/// Loads and validates a scenario. `file` is used only in diagnostics.
///
/// On failure returns every diagnostic found (errors, and the warnings found alongside them),
/// in file order.
pub fn load(file: &str, src: &str) -> Result<Loaded, Vec<Diagnostic>> {
    crate::diag::reset_suggestions();
    let mut sink = Sink::new(file, src);
    let (root, syntax) = DeTable::parse_recoverable(src);
    if !syntax.is_empty() {
        let found = syntax
            .iter()
            .map(|e| (e.span().unwrap_or(0..0), e.message()))
            .collect();
        for (span, message) in syntax_errors(src, found) {
            sink.error(span, message);
        }
        return Err(sink.finish());
    }
    if let Some(check) = schema_check() {
        check.check_root(&root, &mut sink);
    }
    if sink.has_errors() {
        return Err(sink.finish());
    }

    // The schema check has passed, so serde meets only what the format expects. toml's
    // deserializer consumes the tree; positions for later diagnostics come from `Tree`, which
    // parses the source again only if one is needed.
    let raw = match ScenarioFile::deserialize(toml::de::Deserializer::from(root)) {
        Ok(raw) => raw,
        Err(e) => {
            // The schema check should have caught this; report it rather than lose it.
            sink.error(
                e.span().unwrap_or(0..0),
                format!(
                    "the file does not match the scenario format: {}",
                    e.message().trim_end_matches('.')
                ),
            );
            return Err(sink.finish());
        }
    };
    let tree = Tree::new(src);

    let mut builder = Builder {
        src,
        tree: &tree,
        sink: &mut sink,
        raw: &raw,
        meter_ids: Vec::new(),
        flag_ids: Vec::new(),
        flags_read: Vec::new(),
        meters_used: Vec::new(),
        never_set: Vec::new(),
    };
    let scenario = builder.build();
    warn_file_name(file, &raw, &tree, &mut sink);
    match scenario {
        Some(scenario) if !sink.has_errors() => {
            warn_unreached(&scenario, &raw, &tree, &mut sink);
            warn_silent_effects(&scenario, &tree, &mut sink);
            // The complete state search may find that no play ever ends.
            if sink.has_errors() {
                return Err(sink.finish());
            }
            Ok(Loaded {
                scenario,
                warnings: sink.finish(),
            })
        }
        _ => Err(sink.finish()),
    }
}

/// The structural check, prepared from the published schema once per process: preparing it
/// costs more than checking a small file.
fn schema_check() -> Option<&'static SchemaCheck<'static>> {
    static CHECK: std::sync::OnceLock<Option<SchemaCheck<'static>>> = std::sync::OnceLock::new();
    CHECK
        .get_or_init(|| SchemaCheck::new(format::schema()))
        .as_ref()
}

/// Only the errors among diagnostics.
pub fn errors(diags: &[Diagnostic]) -> impl Iterator<Item = &Diagnostic> {
    diags.iter().filter(|d| d.severity == Severity::Error)
}

/// toml's messages are already lower-case; keep only the first line (the rest is its own
/// rendering of the source, which we do ourselves).
fn syntax_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or("invalid TOML").trim();
    // toml quotes tokens in backticks; our messages quote in single quotes.
    format!(
        "invalid TOML: {}",
        first.trim_end_matches('.').replace('`', "'")
    )
}

/// toml's syntax errors as messages an author can act on, in file order. Two mistakes that
/// toml words confusingly get messages of their own: curly quotes (which word processors put
/// in place of straight ones) and a missing comma between the items of a list or an inline
/// table.
fn syntax_errors(src: &str, mut found: Vec<(Range<usize>, &str)>) -> Vec<(Range<usize>, String)> {
    found.sort_by_key(|(span, _)| span.start);
    let mut out = Vec::with_capacity(found.len());
    // After `{ morale = 10 satisfaction = 3 }` toml's recovery reports the rest of the line
    // again in words that do not help; those reports are dropped up to the end of the line.
    let mut skip_until = 0;
    for (span, message) in found {
        if span.start < skip_until {
            continue;
        }
        if let Some(at) = curly_quote(src, &span, message) {
            let quote = &src[at.clone()];
            out.push((
                at,
                format!(
                    "invalid TOML: '{quote}' is a curly quote; text goes between straight quotes, \"like this\" (a word processor may have changed them)"
                ),
            ));
        } else if message.starts_with("missing comma between") {
            out.push((span, MISSING_COMMA.to_owned()));
        } else if let Some(at) = comma_missing_before(src, &span, message) {
            skip_until = src
                .get(span.start..)
                .and_then(|rest| rest.find('\n'))
                .map_or(src.len(), |n| span.start + n);
            out.push((at, MISSING_COMMA.to_owned()));
        } else {
            out.push((span, syntax_message(message)));
        }
    }
    out
}

const MISSING_COMMA: &str = "invalid TOML: missing ',' between items";

fn is_curly_quote(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’')
}

/// The curly quote a syntax error is about: the character the error points at, or, for a
/// string that toml found unclosed at the end of its line, the last character of the line.
fn curly_quote(src: &str, span: &Range<usize>, message: &str) -> Option<Range<usize>> {
    let here = src.get(span.start..)?.chars().next();
    if let Some(c) = here.filter(|c| is_curly_quote(*c)) {
        return Some(span.start..span.start + c.len_utf8());
    }
    let unclosed = message.starts_with("invalid basic string")
        || message.starts_with("invalid literal string");
    if !unclosed {
        return None;
    }
    let before = src.get(..span.start)?;
    let line = &before[before.rfind('\n').map_or(0, |n| n + 1)..];
    let trimmed = line.trim_end();
    let c = trimmed.chars().next_back().filter(|c| is_curly_quote(*c))?;
    let end = span.start - (line.len() - trimmed.len());
    Some(end - c.len_utf8()..end)
}

/// Where a comma is missing, when toml took two items without a comma between them for one
/// unquoted text: `10 satisfaction` in `{ morale = 10 satisfaction = 3 }`, or `1 2` in
/// `[1 2]`. Returns the (empty) range at the start of the second item.
fn comma_missing_before(src: &str, span: &Range<usize>, message: &str) -> Option<Range<usize>> {
    if !message.starts_with("string values must be quoted") {
        return None;
    }
    let text = src.get(span.clone())?;
    let (first, rest) = text.split_once(char::is_whitespace)?;
    let rest = rest.trim_start();
    let second = rest.split(char::is_whitespace).next().unwrap_or("");
    if !is_plain_value(first) {
        return None;
    }
    let second_at = span.end - rest.len();
    let inside = match innermost_bracket(src, span.start)? {
        // Another `key = value` follows in an inline table.
        '{' => {
            valid_id(second)
                && src[span.end..]
                    .trim_start_matches([' ', '\t'])
                    .starts_with('=')
        }
        // Another value follows in a list.
        _ => is_plain_value(second),
    };
    inside.then_some(second_at..second_at)
}

/// A number or boolean as TOML writes it, the values toml reads up to the next `=`, `,` or
/// bracket when the comma after them is missing.
fn is_plain_value(word: &str) -> bool {
    let digits = word.strip_prefix(['+', '-']).unwrap_or(word);
    matches!(word, "true" | "false")
        || (digits.starts_with(|c: char| c.is_ascii_digit())
            && digits.chars().all(|c| {
                c.is_ascii_digit() || matches!(c, '_' | '.' | 'e' | 'E' | '+' | '-' | ':')
            }))
}

/// The innermost `[` or `{` still open at `pos`, looking only at its line (lists and inline
/// tables in scenario files are written on one line), outside strings and comments.
fn innermost_bracket(src: &str, pos: usize) -> Option<char> {
    let before = src.get(..pos)?;
    let line = &before[before.rfind('\n').map_or(0, |n| n + 1)..];
    let mut open = Vec::new();
    let mut quote = None;
    let mut escaped = false;
    for c in line.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => open.push(c),
                ']' | '}' => {
                    open.pop();
                }
                '#' => break,
                _ => {}
            },
        }
    }
    open.pop()
}

#[path = "load_limits.rs"]
mod size;

pub use size::source_text;

/// Path helpers.
fn scene_path(i: usize) -> [Seg<'static>; 2] {
    [Seg::Key("scenes"), Seg::Index(i)]
}

fn choice_path(s: usize, c: usize) -> [Seg<'static>; 4] {
    [
        Seg::Key("scenes"),
        Seg::Index(s),
        Seg::Key("choices"),
        Seg::Index(c),
    ]
}

fn join<'a>(base: &[Seg<'a>], rest: &[Seg<'a>]) -> Path<'a> {
    Path::join(base, rest)
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn valid_scenario_id(id: &str) -> bool {
    id.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Warns when `file` (as given to [`load`]) is a `.toml` file whose name is not the scenario's
/// id. The tools name everything after the id (the compiled `ID.flc`, links, saved sessions),
/// so a file named otherwise is hard to find again. Labels that are not file names, and ids
/// that are themselves wrong, get no warning.
fn warn_file_name(file: &str, raw: &ScenarioFile, tree: &Tree, sink: &mut Sink) {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = name
        .len()
        .checked_sub(".toml".len())
        .filter(|&n| n > 0 && name.is_char_boundary(n))
        .filter(|&n| name[n..].eq_ignore_ascii_case(".toml"))
        .map(|n| &name[..n]);
    let id = &raw.scenario.id;
    match stem {
        Some(stem) if stem != id && valid_scenario_id(id) => sink.warning(
            tree.span(&[Seg::Key("scenario"), Seg::Key("id")]),
            format!(
                "the scenario id '{id}' differs from the file name '{name}'; name the file '{id}.toml'"
            ),
        ),
        _ => {}
    }
}

fn valid_name(id: &str) -> bool {
    id.len() <= MAX_ID_CHARS
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !matches!(id, "and" | "or" | "not")
}

struct Builder<'a, 's> {
    src: &'a str,
    tree: &'a Tree<'s>,
    sink: &'a mut Sink<'s>,
    raw: &'a ScenarioFile,
    meter_ids: Vec<String>,
    flag_ids: Vec<String>,
    /// By flag index: whether a condition reads it.
    flags_read: Vec<bool>,
    /// By meter index: whether an effect, a scoring weight or a condition uses it.
    meters_used: Vec<bool>,
    /// For each flag, whether nothing raises it; worked out once, after the flags are known,
    /// because every condition needs it.
    never_set: Vec<bool>,
}

impl<'a, 's> Builder<'a, 's> {
    fn err(&mut self, path: &[Seg], message: impl Into<String>) {
        let span = self.tree.span(path);
        self.sink.error(span, message);
    }

    fn warn(&mut self, path: &[Seg], message: impl Into<String>) {
        let span = self.tree.span(path);
        self.sink.warning(span, message);
    }

    fn build(&mut self) -> Option<Scenario> {
        let raw = self.raw;
        let meta = self.meta();
        if self.too_many_meters() {
            return None;
        }
        let meters = self.meters();
        self.meter_ids = meters.iter().map(|m| m.id.clone()).collect();
        self.meters_used = vec![false; meters.len()];
        self.collect_flags();
        self.flags_read = vec![false; self.flag_ids.len()];
        self.never_set = self.never_raised();
        let scene_ids = self.scene_ids();
        let scoring = self.scoring(&meters);
        self.size_limits();

        let mut scenes = Vec::with_capacity(raw.scenes.len());
        for (i, def) in raw.scenes.iter().enumerate() {
            scenes.push(self.scene(i, def, &scene_ids));
        }
        let mut triggers = Vec::new();
        let mut seen = HashMap::new();
        for (i, def) in raw.triggers.iter().enumerate() {
            let path = [Seg::Key("triggers"), Seg::Index(i)];
            if !valid_id(&def.id) {
                self.err(&join(&path, &[Seg::Key("id")]), bad_id("trigger", &def.id));
            }
            if let Some(prev) = seen.insert(def.id.as_str(), i) {
                self.duplicate(
                    &join(&path, &[Seg::Key("id")]),
                    "trigger",
                    &def.id,
                    &[Seg::Key("triggers"), Seg::Index(prev)],
                );
            }
            let when = self.condition(&join(&path, &[Seg::Key("when")]), &def.when);
            let effects = self.effects(&join(&path, &[Seg::Key("effects")]), &def.effects);
            let set = self.flag_list(&def.set);
            let clear = self.flag_list(&def.clear);
            if let Some(when) = when {
                triggers.push(Trigger {
                    id: def.id.clone(),
                    when,
                    text: def.text.clone(),
                    effects,
                    set,
                    clear,
                });
            }
        }

        let start = match &raw.scenario.start {
            Some(id) => match scene_ids.get(id.as_str()) {
                Some(&i) => Some(SceneIdx(i)),
                None => {
                    let msg = if valid_id(id) {
                        format!(
                            "the start scene '{id}' does not exist{}",
                            hint(id, self.raw.scenes.iter().map(|s| s.id.as_str()))
                        )
                    } else {
                        format!(
                            "the start scene '{}' is not a scene id{}{}",
                            short(id),
                            id_rules(id),
                            plain_hint(id, self.raw.scenes.iter().map(|s| s.id.as_str()))
                        )
                    };
                    self.err(&[Seg::Key("scenario"), Seg::Key("start")], msg);
                    None
                }
            },
            None if raw.scenes.is_empty() => {
                self.err(&[Seg::Key("scenes")], "the scenario has no scenes");
                None
            }
            None => Some(SceneIdx(0)),
        };

        let scenes: Vec<Scene> = scenes.into_iter().collect::<Option<_>>()?;
        let start = start?;
        if self.sink.has_errors() {
            return None;
        }
        self.graph_checks(&scenes, start);
        self.pass_checks(&scenes, &scoring);
        self.usage_warnings(&meters);
        if !self.sink.has_errors() {
            self.workshop_warnings();
        }

        Some(Scenario {
            meta,
            credits: raw.credits.clone(),
            cast: raw.cast.clone(),
            meters,
            flags: self.flag_ids.clone(),
            scenes,
            start,
            triggers,
            scoring,
        })
    }

    fn meta(&mut self) -> Meta {
        let m = &self.raw.scenario;
        if let Some(msg) = too_long("scenario id", &m.id) {
            self.err(&[Seg::Key("scenario"), Seg::Key("id")], msg);
        } else if !valid_scenario_id(&m.id) {
            self.err(
                &[Seg::Key("scenario"), Seg::Key("id")],
                format!(
                    "scenario id '{}' must use only lower-case letters, digits and '-'",
                    m.id
                ),
            );
        }
        for (field, value) in [
            ("title", &m.title),
            ("summary", &m.summary),
            ("role", &m.role),
            ("team", &m.team),
            ("language", &m.language),
        ] {
            if value.trim().is_empty() {
                self.err(
                    &[Seg::Key("scenario"), Seg::Key(field)],
                    format!("'{field}' must not be empty"),
                );
            }
        }
        if m.version == 0 {
            self.err(
                &[Seg::Key("scenario"), Seg::Key("version")],
                "'version' starts at 1",
            );
        }
        if m.minutes == 0 {
            self.err(
                &[Seg::Key("scenario"), Seg::Key("minutes")],
                "'minutes' must be at least 1",
            );
        }
        if m.authors.is_empty() {
            self.err(
                &[Seg::Key("scenario"), Seg::Key("authors")],
                "name at least one author",
            );
        }
        Meta {
            id: m.id.clone(),
            title: m.title.clone(),
            summary: m.summary.clone(),
            role: m.role.clone(),
            team: m.team.clone(),
            minutes: m.minutes,
            language: m.language.clone(),
            version: m.version,
            authors: m.authors.clone(),
        }
    }

    fn meters(&mut self) -> Vec<Meter> {
        let raw = self.raw;
        for required in ["morale", "satisfaction"] {
            if !raw.meters.contains_key(required) {
                self.err(
                    &[Seg::Key("meters")],
                    format!("the required meter '{required}' is missing (add [meters.{required}])"),
                );
            }
        }
        let mut ids: Vec<&String> = raw.meters.keys().collect();
        ids.sort_by_key(|id| match id.as_str() {
            "morale" => (0, id.as_str()),
            "satisfaction" => (1, id.as_str()),
            other => (2, other),
        });
        let mut out = Vec::new();
        for id in ids {
            let def = &raw.meters[id];
            let path = [Seg::Key("meters"), Seg::Key(id)];
            if !valid_name(id) {
                self.sink
                    .error(self.tree.key_span(&path), bad_name("meter id", id));
            }
            if !(i64::from(METER_MIN)..=i64::from(METER_MAX)).contains(&def.start) {
                self.err(
                    &join(&path, &[Seg::Key("start")]),
                    format!("meter '{id}' starts at {}, outside 0-100", def.start),
                );
            }
            out.push(Meter {
                id: id.clone(),
                label: def.label.clone(),
                description: def.description.clone(),
                start: def.start.clamp(0, 100) as i32,
                good: def.good,
                words: def.words.iter().map(|w| w.trim().to_lowercase()).collect(),
            });
        }
        out
    }

    /// Every flag raised or lowered anywhere, so conditions can tell flags from typos.
    fn collect_flags(&mut self) {
        let raw = self.raw;
        let mut ids: Vec<&'a str> = Vec::new();
        for (s, scene) in raw.scenes.iter().enumerate() {
            for (c, choice) in scene.choices.iter().enumerate() {
                let cp = choice_path(s, c);
                self.flag_names(&choice.set, &cp, "set", &mut ids);
                self.flag_names(&choice.clear, &cp, "clear", &mut ids);
                for (o, out) in choice.outcomes.iter().enumerate() {
                    let op = join(&cp, &[Seg::Key("outcomes"), Seg::Index(o)]);
                    self.flag_names(&out.set, &op, "set", &mut ids);
                    self.flag_names(&out.clear, &op, "clear", &mut ids);
                }
            }
        }
        for (t, trig) in raw.triggers.iter().enumerate() {
            let tp = [Seg::Key("triggers"), Seg::Index(t)];
            self.flag_names(&trig.set, &tp, "set", &mut ids);
            self.flag_names(&trig.clear, &tp, "clear", &mut ids);
        }
        ids.sort_unstable();
        ids.dedup();
        self.flag_ids = ids.into_iter().map(str::to_owned).collect();
    }

    /// Checks the flag names in `list` (the `key` list of the table at `base`) and adds them
    /// to `ids`.
    fn flag_names(&mut self, list: &'a [String], base: &[Seg], key: &str, ids: &mut Vec<&'a str>) {
        for (k, name) in list.iter().enumerate() {
            if !valid_name(name) {
                self.err(
                    &join(base, &[Seg::Key(key), Seg::Index(k)]),
                    bad_name("flag", name),
                );
            } else if self.meter_ids.iter().any(|m| m == name) {
                self.err(
                    &join(base, &[Seg::Key(key), Seg::Index(k)]),
                    format!("'{name}' is a meter; a flag needs a different name"),
                );
            }
            ids.push(name);
        }
    }

    fn scene_ids(&mut self) -> HashMap<&'a str, usize> {
        let raw = self.raw;
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for (i, scene) in raw.scenes.iter().enumerate() {
            let path = join(&scene_path(i), &[Seg::Key("id")]);
            if !valid_id(&scene.id) {
                self.err(&path, bad_id("scene", &scene.id));
            }
            if let Some(&prev) = ids.get(scene.id.as_str()) {
                self.duplicate(&path, "scene", &scene.id, &scene_path(prev));
            } else {
                ids.insert(scene.id.as_str(), i);
            }
        }
        ids
    }

    fn duplicate(&mut self, path: &[Seg], what: &str, id: &str, first: &[Seg]) {
        let line = self.sink.line_of(self.tree.span(first).start);
        self.err(
            path,
            format!("duplicate {what} id '{id}' (first used on line {line})"),
        );
    }

    fn scoring(&mut self, meters: &[Meter]) -> Scoring {
        let mut weights = vec![0u32; meters.len()];
        let mut pass = DEFAULT_PASS;
        let mut band_starts = DEFAULT_BAND_STARTS;
        match &self.raw.scoring {
            None => {
                for (i, m) in meters.iter().enumerate() {
                    if m.id == "morale" || m.id == "satisfaction" {
                        weights[i] = 1;
                    }
                }
            }
            Some(def) => {
                for (id, w) in &def.weights {
                    let path = [Seg::Key("scoring"), Seg::Key("weights"), Seg::Key(id)];
                    match meters.iter().position(|m| &m.id == id) {
                        Some(i) => {
                            weights[i] = *w;
                            self.meters_used[i] = true;
                        }
                        None => {
                            let msg = format!(
                                "scoring weight for unknown meter '{id}'{}",
                                hint(id, meters.iter().map(|m| m.id.as_str()))
                            );
                            self.sink.error(self.tree.key_span(&path), msg);
                        }
                    }
                }
                if def.weights.is_empty() {
                    for (i, m) in meters.iter().enumerate() {
                        if m.id == "morale" || m.id == "satisfaction" {
                            weights[i] = 1;
                        }
                    }
                } else if def.weights.values().all(|w| *w == 0) {
                    self.err(
                        &[Seg::Key("scoring"), Seg::Key("weights")],
                        "at least one scoring weight must be above 0",
                    );
                }
                if let Some(p) = def.pass {
                    pass = p;
                }
                if let Some(bands) = &def.bands {
                    band_starts = self.bands(bands);
                }
            }
        }
        Scoring {
            weights,
            pass,
            band_starts,
        }
    }

    /// A pass rating that no ending reaches is an error (nobody could pass); one that every
    /// ending reaches is a warning (nobody could fail).
    fn pass_checks(&mut self, scenes: &[Scene], scoring: &Scoring) {
        let ratings: Vec<Rating> = scenes
            .iter()
            .filter_map(|s| s.ending())
            .map(|e| e.rating)
            .collect();
        let (Some(&best), Some(&worst)) = (ratings.iter().min(), ratings.iter().max()) else {
            return;
        };
        let given = self.raw.scoring.as_ref().is_some_and(|s| s.pass.is_some());
        let path: &[Seg] = if given {
            &[Seg::Key("scoring"), Seg::Key("pass")]
        } else {
            &[Seg::Key("scenario"), Seg::Key("id")]
        };
        let pass = scoring.pass.as_str();
        let (lo, _) = scoring.band(scoring.pass);
        if !scoring.passes(best) {
            self.err(
                path,
                format!(
                    "no ending passes: the pass rating is '{pass}' (a score of {lo} or more), \
                     but the best ending is rated '{}'",
                    best.as_str()
                ),
            );
        } else if scoring.passes(worst) && best != worst {
            // Only when the endings' ratings differ: the author evidently meant some to be
            // worse than others, yet the learner is told they passed at every one.
            self.warn(
                path,
                format!(
                    "every ending passes: the pass rating is '{pass}' and the worst ending is \
                     rated '{}', so no learner can fail",
                    worst.as_str()
                ),
            );
        }
    }

    /// The score bands' starts, checked: each from 1 to 100 and each below the better
    /// rating's, so that the bands cannot overlap and verdicts cannot disagree. On an error
    /// the defaults stand in (the file fails to load anyway).
    fn bands(&mut self, def: &BandsDef) -> [i32; 4] {
        let given = [def.exemplary, def.solid, def.costly];
        let mut starts = DEFAULT_BAND_STARTS;
        let mut ok = true;
        for (i, value) in given.iter().enumerate() {
            let Some(v) = *value else { continue };
            let name = Rating::ALL[i].as_str();
            let path = [Seg::Key("scoring"), Seg::Key("bands"), Seg::Key(name)];
            if !(1..=100).contains(&v) {
                self.err(
                    &path,
                    format!("the {name} band must start from 1 to 100, not {v}"),
                );
                ok = false;
            } else {
                starts[i] = v as i32;
            }
        }
        if !ok {
            return DEFAULT_BAND_STARTS;
        }
        for i in 1..3 {
            if starts[i] >= starts[i - 1] {
                let (better, worse) = (Rating::ALL[i - 1].as_str(), Rating::ALL[i].as_str());
                // Point at whichever of the two the author wrote (the later one if both).
                let at = if given[i].is_some() { worse } else { better };
                self.err(
                    &[Seg::Key("scoring"), Seg::Key("bands"), Seg::Key(at)],
                    format!(
                        "the {worse} band starts at {}, not below the {better} band's start \
                         ({}); a better rating must own higher scores",
                        starts[i],
                        starts[i - 1]
                    ),
                );
                return DEFAULT_BAND_STARTS;
            }
        }
        starts
    }

    fn scene(
        &mut self,
        i: usize,
        def: &format::SceneDef,
        scene_ids: &HashMap<&str, usize>,
    ) -> Option<Scene> {
        let path = scene_path(i);
        let mut variants = Vec::new();
        for (v, var) in def.variants.iter().enumerate() {
            let vp = join(
                &path,
                &[Seg::Key("variants"), Seg::Index(v), Seg::Key("when")],
            );
            if let Some(when) = self.condition(&vp, &var.when) {
                variants.push(Variant {
                    when,
                    text: var.text.clone(),
                });
            }
        }
        if def.text.trim().is_empty() {
            self.err(
                &join(&path, &[Seg::Key("text")]),
                format!("scene '{}' has no text", def.id),
            );
        }
        let kind = match (&def.ending, def.choices.is_empty()) {
            (Some(_), false) => {
                self.err(
                    &join(&path, &[Seg::Key("ending")]),
                    format!(
                        "scene '{}' has both choices and an ending; give it one or the other",
                        def.id
                    ),
                );
                return None;
            }
            (None, true) => {
                self.err(
                    &join(&path, &[Seg::Key("id")]),
                    format!(
                        "scene '{}' has no choices and no ending, so play would stop here",
                        def.id
                    ),
                );
                return None;
            }
            (Some(e), true) => SceneKind::Ending(Ending {
                title: e.title.clone(),
                rating: e.rating,
                debrief: e.debrief.clone(),
            }),
            (None, false) => {
                let mut choices = Vec::new();
                let mut seen: HashMap<&str, usize> = HashMap::new();
                for (c, cdef) in def.choices.iter().enumerate() {
                    let cp = choice_path(i, c);
                    if !valid_id(&cdef.id) {
                        self.err(&join(&cp, &[Seg::Key("id")]), bad_id("choice", &cdef.id));
                    }
                    if let Some(&prev) = seen.get(cdef.id.as_str()) {
                        self.duplicate(
                            &join(&cp, &[Seg::Key("id")]),
                            "choice",
                            &cdef.id,
                            &choice_path(i, prev),
                        );
                    } else {
                        seen.insert(&cdef.id, c);
                    }
                    choices.push(self.choice(i, c, cdef, scene_ids));
                }
                if def.choices.len() == 1 {
                    self.warn(
                        &join(&path, &[Seg::Key("id")]),
                        format!(
                            "scene '{}' has only one choice, so the player has nothing to decide",
                            def.id
                        ),
                    );
                }
                if def.choices.iter().all(|c| c.when.is_some()) {
                    self.err(
                        &join(&path, &[Seg::Key("id")]),
                        format!(
                            "every choice in scene '{}' has a condition, so the player could be left with nothing to pick; make at least one unconditional",
                            def.id
                        ),
                    );
                }
                SceneKind::Choices(choices.into_iter().collect::<Option<_>>()?)
            }
        };
        Some(Scene {
            id: def.id.clone(),
            speaker: def.speaker.clone(),
            text: def.text.clone(),
            variants,
            facilitator_note: def.facilitator_note.clone(),
            discussion: def.discussion.clone(),
            kind,
        })
    }

    fn goto(
        &mut self,
        path: &[Seg],
        what: &str,
        id: &str,
        target: &str,
        scene_ids: &HashMap<&str, usize>,
    ) -> Option<SceneIdx> {
        match scene_ids.get(target) {
            Some(&i) => Some(SceneIdx(i)),
            None => {
                let msg = if valid_id(target) {
                    format!(
                        "{what} '{id}' goes to unknown scene '{target}'{}",
                        hint(target, self.raw.scenes.iter().map(|s| s.id.as_str()))
                    )
                } else {
                    format!(
                        "{what} '{id}' goes to '{}', which is not a scene id{}{}",
                        short(target),
                        id_rules(target),
                        plain_hint(target, self.raw.scenes.iter().map(|s| s.id.as_str()))
                    )
                };
                self.err(path, msg);
                None
            }
        }
    }

    fn choice(
        &mut self,
        s: usize,
        c: usize,
        def: &format::ChoiceDef,
        scene_ids: &HashMap<&str, usize>,
    ) -> Option<Choice> {
        let cp = choice_path(s, c);
        if def.text.trim().is_empty() {
            self.err(
                &join(&cp, &[Seg::Key("text")]),
                format!("choice '{}' has no text", def.id),
            );
        }
        for (key, list) in [("applies", &def.applies), ("violates", &def.violates)] {
            for (k, tag) in list.iter().enumerate() {
                let tp = join(&cp, &[Seg::Key(key), Seg::Index(k)]);
                if principles::lookup(tag).is_none() {
                    self.err(
                        &tp,
                        format!(
                            "unknown principle tag '{tag}'{}",
                            hint(tag, principles::tags())
                        ),
                    );
                }
            }
        }
        let violated: std::collections::HashSet<&str> =
            def.violates.iter().map(String::as_str).collect();
        for tag in def.applies.iter().filter(|t| violated.contains(t.as_str())) {
            self.err(
                &join(&cp, &[Seg::Key("violates")]),
                format!("choice '{}' both applies and violates '{tag}'", def.id),
            );
        }
        let effects = self.effects(&join(&cp, &[Seg::Key("effects")]), &def.effects);
        let set = self.flag_list(&def.set);
        let clear = self.flag_list(&def.clear);
        // A bad condition must not hide the mistakes after it, so keep checking and give up
        // on the choice only at the end.
        let when = def
            .when
            .as_ref()
            .map(|w| self.condition(&join(&cp, &[Seg::Key("when")]), w));
        let default_goto = match &def.goto {
            Some(t) => self.goto(
                &join(&cp, &[Seg::Key("goto")]),
                "choice",
                &def.id,
                t,
                scene_ids,
            ),
            None => None,
        };
        let next = if def.outcomes.is_empty() {
            match (&def.goto, default_goto) {
                (None, _) => {
                    self.err(
                        &join(&cp, &[Seg::Key("id")]),
                        format!("choice '{}' needs a 'goto' or chance outcomes", def.id),
                    );
                    return None;
                }
                (Some(_), target) => Next::Scene(target?),
            }
        } else {
            let mut outcomes = Vec::new();
            let mut total: i64 = 0;
            // Meters and flags already warned about for this choice's odds.
            let mut warned = Vec::new();
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for (o, odef) in def.outcomes.iter().enumerate() {
                let op = join(&cp, &[Seg::Key("outcomes"), Seg::Index(o)]);
                if !valid_id(&odef.id) {
                    self.err(&join(&op, &[Seg::Key("id")]), bad_id("outcome", &odef.id));
                }
                if let Some(&prev) = seen.get(odef.id.as_str()) {
                    self.duplicate(
                        &join(&op, &[Seg::Key("id")]),
                        "outcome",
                        &odef.id,
                        &join(&cp, &[Seg::Key("outcomes"), Seg::Index(prev)]),
                    );
                } else {
                    seen.insert(&odef.id, o);
                }
                let weight = self.weight(&join(&op, &[Seg::Key("weight")]), odef.weight);
                total += odef.weight.max(0);
                let mut odds = Vec::new();
                for (r, rule) in odef.odds.iter().enumerate() {
                    let rp = join(&op, &[Seg::Key("odds"), Seg::Index(r)]);
                    let w = self.weight(&join(&rp, &[Seg::Key("weight")]), rule.weight);
                    let wp = join(&rp, &[Seg::Key("when")]);
                    if let Some(cond) = self.condition(&wp, &rule.when) {
                        self.odds_read_own_changes(
                            &wp,
                            &rule.when,
                            def,
                            &cond,
                            &effects,
                            &mut warned,
                        );
                        odds.push((cond, w));
                    }
                }
                let effects = self.effects(&join(&op, &[Seg::Key("effects")]), &odef.effects);
                let set = self.flag_list(&odef.set);
                let clear = self.flag_list(&odef.clear);
                let goto = match (&odef.goto, default_goto) {
                    (Some(t), _) => self.goto(
                        &join(&op, &[Seg::Key("goto")]),
                        "outcome",
                        &odef.id,
                        t,
                        scene_ids,
                    ),
                    (None, Some(d)) => Some(d),
                    (None, None) => {
                        if def.goto.is_none() {
                            self.err(
                                &join(&op, &[Seg::Key("id")]),
                                format!(
                                    "outcome '{}' needs a 'goto' because choice '{}' has none",
                                    odef.id, def.id
                                ),
                            );
                        }
                        None
                    }
                };
                outcomes.push(goto.map(|goto| Outcome {
                    id: odef.id.clone(),
                    weight,
                    odds,
                    text: odef.text.clone(),
                    effects,
                    set,
                    clear,
                    goto,
                }));
            }
            if total == 0 {
                self.err(
                    &join(&cp, &[Seg::Key("outcomes")]),
                    format!(
                        "the outcomes of choice '{}' all have weight 0, so none can happen",
                        def.id
                    ),
                );
            }
            if def.outcomes.len() == 1 {
                self.warn(
                    &join(&cp, &[Seg::Key("outcomes")]),
                    format!(
                        "choice '{}' has a single chance outcome, which always happens",
                        def.id
                    ),
                );
            }
            Next::Chance(outcomes.into_iter().collect::<Option<_>>()?)
        };
        let when = match when {
            Some(Some(cond)) => Some(cond),
            Some(None) => return None,
            None => None,
        };
        Some(Choice {
            id: def.id.clone(),
            text: def.text.clone(),
            applies: def.applies.clone(),
            violates: def.violates.clone(),
            effects,
            set,
            clear,
            feedback: def.feedback.clone(),
            when,
            next,
        })
    }

    /// Warns when an odds rule of choice `def` reads a meter its `effects` change or a flag
    /// its `set` or `clear` changes, at the name in the rule's `when` (`src`, at `path`). The
    /// draw comes after the choice's own changes (see `State::step` in [`crate::session`]), so
    /// such odds never see the state the player chose in. Once per meter or flag and choice:
    /// `warned` holds those already reported, as (`true` for a meter, index).
    fn odds_read_own_changes(
        &mut self,
        path: &[Seg],
        src: &str,
        def: &format::ChoiceDef,
        cond: &Cond,
        effects: &[Effect],
        warned: &mut Vec<(bool, usize)>,
    ) {
        let mut reads = Vec::new();
        cond.for_each_read(&mut |read| match read {
            Cond::Meter { meter, .. } => reads.push((true, meter.0)),
            Cond::Flag(flag) => reads.push((false, flag.0)),
            _ => {}
        });
        for read in reads {
            if warned.contains(&read) {
                continue;
            }
            let (is_meter, i) = read;
            let choice = &def.id;
            let message = if is_meter {
                let changes = effects.iter().any(|e| {
                    e.meter.0 == i && !matches!(e.change, Change::Delta(0) | Change::Fair(0))
                });
                if !changes {
                    continue;
                }
                let name = &self.meter_ids[i];
                format!(
                    "the odds of choice '{choice}' read '{name}', which the same choice changes before the chance is drawn, so they see the changed value; put the effect on the outcomes instead"
                )
            } else {
                let name = &self.flag_ids[i];
                let (verb, state, key) = if def.set.contains(name) {
                    ("raises", "raised", "set")
                } else if def.clear.contains(name) {
                    ("lowers", "lowered", "clear")
                } else {
                    continue;
                };
                format!(
                    "the odds of choice '{choice}' read '{name}', which the same choice {verb} before the chance is drawn, so they always see it {state}; put the '{key}' on the outcomes instead"
                )
            };
            warned.push(read);
            let name = if is_meter {
                &self.meter_ids[i]
            } else {
                &self.flag_ids[i]
            };
            let at = match word_at(src, name) {
                Some(at) => self.inside_string(path, &at),
                None => self.tree.span(path),
            };
            self.sink.warning(at, message);
        }
    }

    fn weight(&mut self, path: &[Seg], w: i64) -> u32 {
        if !(0..=i64::from(MAX_WEIGHT)).contains(&w) {
            self.err(
                path,
                format!("a weight must be from 0 to {MAX_WEIGHT}, not {w}"),
            );
        }
        w.clamp(0, i64::from(MAX_WEIGHT)) as u32
    }

    fn effects(
        &mut self,
        path: &[Seg],
        defs: &std::collections::BTreeMap<String, EffectDef>,
    ) -> Vec<Effect> {
        let mut out = Vec::new();
        for (id, def) in defs {
            let ep = join(path, &[Seg::Key(id)]);
            let Some(m) = self.meter_ids.iter().position(|m| m == id) else {
                let msg = format!(
                    "effect on unknown meter '{id}'{}",
                    hint(id, self.meter_ids.iter().map(String::as_str))
                );
                self.sink.error(self.tree.key_span(&ep), msg);
                continue;
            };
            self.meters_used[m] = true;
            let change = match def {
                EffectDef::Delta(d) if (-100..=100).contains(d) => Change::Delta(*d as i32),
                EffectDef::Delta(d) => {
                    self.err(&ep, format!("an effect of {d} is outside -100 to 100"));
                    continue;
                }
                EffectDef::Fair(s) => match parse_fair(s) {
                    Some(p) => Change::Fair(p),
                    None => {
                        self.err(
                            &ep,
                            format!("effect '{s}' should be a whole number or a percentage such as \"+20%\" or \"-15%\" (from -100% to +100%)"),
                        );
                        continue;
                    }
                },
            };
            out.push(Effect {
                meter: MeterIdx(m),
                change,
            });
        }
        out
    }

    fn flag_list(&mut self, names: &[String]) -> Vec<FlagIdx> {
        names
            .iter()
            .filter_map(|n| self.flag_ids.binary_search(n).ok().map(FlagIdx))
            .collect()
    }

    /// Parses and resolves a condition, reporting problems at their place inside the string.
    fn condition(&mut self, path: &[Seg], src: &str) -> Option<Cond> {
        let expr = match condition::parse(src) {
            Ok(e) => e,
            Err(e) => {
                let at = self.inside_string(path, &e.at);
                self.sink.error(at, e.message);
                return None;
            }
        };
        let meter_ids = &self.meter_ids;
        let flag_ids = &self.flag_ids;
        let mut used_meters = Vec::new();
        let mut used_flags = Vec::new();
        // Errors carry their range inside the string; it becomes a file position below, so
        // that a condition without mistakes never needs to know where it is.
        let resolved = expr.resolve(&mut |name: &str, at: &Range<usize>, cmp: Option<(Cmp, i64)>| {
            let meter = meter_ids.iter().position(|m| m == name);
            let flag = flag_ids.binary_search_by(|f| f.as_str().cmp(name)).ok();
            match (meter, flag, cmp) {
                (Some(m), _, Some((cmp, value))) => {
                    used_meters.push(m);
                    Ok(Cond::Meter {
                        meter: MeterIdx(m),
                        cmp,
                        value: value.clamp(-1000, 1000) as i32,
                    })
                }
                (Some(_), _, None) => Err((
                    at.clone(),
                    format!("meter '{name}' needs a comparison, e.g. '{name} >= 50'"),
                )),
                (None, Some(f), None) => {
                    used_flags.push(f);
                    Ok(Cond::Flag(FlagIdx(f)))
                }
                (None, Some(_), Some(_)) => Err((
                    at.clone(),
                    format!("'{name}' is a flag, which is raised or not; it cannot be compared with a number"),
                )),
                (None, None, _) => Err((
                    at.clone(),
                    format!(
                        "'{name}' is neither a meter nor a flag that anything sets{}",
                        hint(name, meter_ids.iter().chain(flag_ids).map(String::as_str))
                    ),
                )),
            }
        });
        for m in used_meters {
            self.meters_used[m] = true;
        }
        for f in used_flags {
            self.flags_read[f] = true;
        }
        match resolved {
            Ok(cond) => {
                if !cond.satisfiable(self.meter_ids.len(), &self.never_set) {
                    let span = self.tree.span(path);
                    self.sink
                        .error(span, format!("the condition '{src}' can never hold"));
                }
                Some(cond)
            }
            Err(errors) => {
                for (at, msg) in errors {
                    let at = self.inside_string(path, &at);
                    self.sink.error(at, msg);
                }
                None
            }
        }
    }

    /// The file range of `at`, a range inside the string value at `path`.
    fn inside_string(&self, path: &[Seg], at: &Range<usize>) -> Range<usize> {
        let span = self.tree.span(path);
        // Skip the opening quote(s).
        let quote = match self.src.get(span.start..) {
            Some(s) if s.starts_with("\"\"\"") || s.starts_with("'''") => 3,
            _ => 1,
        };
        span.start + quote + at.start..span.start + quote + at.end
    }

    /// For each flag, whether nothing ever raises it (it may only be cleared).
    fn never_raised(&self) -> Vec<bool> {
        let raw = self.raw;
        let mut raised = vec![false; self.flag_ids.len()];
        let mut mark = |list: &[String]| {
            for f in list {
                if let Ok(i) = self.flag_ids.binary_search(f) {
                    raised[i] = true;
                }
            }
        };
        for scene in &raw.scenes {
            for choice in &scene.choices {
                mark(&choice.set);
                for o in &choice.outcomes {
                    mark(&o.set);
                }
            }
        }
        for t in &raw.triggers {
            mark(&t.set);
        }
        raised.iter().map(|r| !r).collect()
    }

    /// Unreachable scenes, and scenes from which no ending can be reached.
    fn graph_checks(&mut self, scenes: &[Scene], start: SceneIdx) {
        let edges: Vec<Vec<usize>> = scenes.iter().map(successors).collect();
        let mut reached = vec![false; scenes.len()];
        let mut queue = VecDeque::from([start.0]);
        reached[start.0] = true;
        while let Some(s) = queue.pop_front() {
            for &t in &edges[s] {
                if !reached[t] {
                    reached[t] = true;
                    queue.push_back(t);
                }
            }
        }
        let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); scenes.len()];
        for (s, ts) in edges.iter().enumerate() {
            for &t in ts {
                reverse[t].push(s);
            }
        }
        let mut ends = vec![false; scenes.len()];
        let mut queue: VecDeque<usize> = scenes
            .iter()
            .enumerate()
            .filter(|(_, s)| s.ending().is_some())
            .map(|(i, _)| i)
            .collect();
        if queue.is_empty() {
            self.err(&[Seg::Key("scenes")], "the scenario has no ending scene");
            return;
        }
        for &i in &queue {
            ends[i] = true;
        }
        while let Some(t) = queue.pop_front() {
            for &s in &reverse[t] {
                if !ends[s] {
                    ends[s] = true;
                    queue.push_back(s);
                }
            }
        }
        let start_id = &scenes[start.0].id;
        for (i, scene) in scenes.iter().enumerate() {
            let path = join(&scene_path(i), &[Seg::Key("id")]);
            if !reached[i] {
                self.err(
                    &path,
                    format!(
                        "scene '{}' cannot be reached from the start scene '{start_id}'",
                        scene.id
                    ),
                );
            } else if !ends[i] {
                self.err(
                    &path,
                    format!("no ending can be reached from scene '{}'", scene.id),
                );
            }
        }
    }

    fn usage_warnings(&mut self, meters: &[Meter]) {
        for (i, m) in meters.iter().enumerate() {
            if !self.meters_used[i] {
                self.sink.warning(
                    self.tree.key_span(&[Seg::Key("meters"), Seg::Key(&m.id)]),
                    format!(
                        "meter '{}' is never changed, weighted or read by a condition",
                        m.id
                    ),
                );
            }
        }
        let raw = self.raw;
        let mut warned = vec![false; self.flag_ids.len()];
        for (s, scene) in raw.scenes.iter().enumerate() {
            for (c, choice) in scene.choices.iter().enumerate() {
                let cp = choice_path(s, c);
                self.unread_flags(&cp, &choice.set, &mut warned);
                for (o, out) in choice.outcomes.iter().enumerate() {
                    let op = join(&cp, &[Seg::Key("outcomes"), Seg::Index(o)]);
                    self.unread_flags(&op, &out.set, &mut warned);
                }
            }
        }
        for (t, trig) in raw.triggers.iter().enumerate() {
            self.unread_flags(
                &[Seg::Key("triggers"), Seg::Index(t)],
                &trig.set,
                &mut warned,
            );
        }
    }

    /// The house rule for workshops: every scene with choices has a note for the facilitator
    /// and a question for the room. Reported only once the file has no errors, with the other
    /// whole-scenario warnings: a first draft lacks many of them, and they would bury its
    /// errors.
    fn workshop_warnings(&mut self) {
        let raw = self.raw;
        for (i, scene) in raw.scenes.iter().enumerate() {
            if scene.choices.is_empty() {
                continue;
            }
            let blank = |text: &Option<String>| text.as_deref().is_none_or(|t| t.trim().is_empty());
            let path = join(&scene_path(i), &[Seg::Key("id")]);
            if blank(&scene.facilitator_note) {
                self.warn(
                    &path,
                    format!(
                        "scene '{}' has no facilitator_note; every scene with choices needs a note for the workshop facilitator",
                        scene.id
                    ),
                );
            }
            if blank(&scene.discussion) {
                self.warn(
                    &path,
                    format!(
                        "scene '{}' has no discussion question; every scene with choices needs one for the room to discuss before deciding",
                        scene.id
                    ),
                );
            }
        }
    }

    /// Warns, once per flag, about flags in `list` (the `set` list of the table at `base`)
    /// that no condition reads.
    fn unread_flags(&mut self, base: &[Seg], list: &[String], warned: &mut [bool]) {
        for (k, flag) in list.iter().enumerate() {
            let Ok(i) = self.flag_ids.binary_search(flag) else {
                continue;
            };
            if !self.flags_read[i] && !warned[i] {
                warned[i] = true;
                self.warn(
                    &join(base, &[Seg::Key("set"), Seg::Index(k)]),
                    format!("flag '{flag}' is set but no condition reads it"),
                );
            }
        }
    }
}

/// Where `name` first appears in the condition `src` as a whole name, not inside a longer one.
fn word_at(src: &str, name: &str) -> Option<Range<usize>> {
    let part_of_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    src.match_indices(name)
        .map(|(i, _)| i..i + name.len())
        .find(|at| {
            !src.as_bytes()[..at.start]
                .last()
                .is_some_and(|&b| part_of_name(b))
                && !src.as_bytes().get(at.end).is_some_and(|&b| part_of_name(b))
        })
}

/// Scenes a scene can lead to, ignoring conditions.
pub(crate) fn successors(scene: &Scene) -> Vec<usize> {
    let mut out: Vec<usize> = scene
        .choices()
        .iter()
        .flat_map(|c| match &c.next {
            Next::Scene(s) => vec![s.0],
            Next::Chance(os) => os.iter().map(|o| o.goto.0).collect(),
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn bad_id(what: &str, id: &str) -> String {
    too_long(&format!("{what} id"), id).unwrap_or_else(|| {
        format!(
            "{what} id '{id}' must be non-empty and use only letters, digits, '-' and '_'{}",
            not_ascii(id)
        )
    })
}

fn bad_name(what: &str, name: &str) -> String {
    too_long(what, name).unwrap_or_else(|| {
        format!(
            "{what} '{name}' must start with a letter and use only letters, digits, '-' and '_'{}",
            not_ascii(name)
        )
    })
}

/// The message for an id longer than [`MAX_ID_CHARS`], quoting only its start.
fn too_long(what: &str, id: &str) -> Option<String> {
    let chars = id.chars().count();
    (chars > MAX_ID_CHARS).then(|| {
        format!(
            "{what} '{}' is {chars} characters long, more than the {MAX_ID_CHARS} allowed",
            short(id)
        )
    })
}

/// An id to quote: itself, or its first 20 characters if it is longer than any id may be.
fn short(id: &str) -> std::borrow::Cow<'_, str> {
    if id.chars().nth(MAX_ID_CHARS).is_some() {
        let start: String = id.chars().take(20).collect();
        format!("{start}\u{2026}").into()
    } else {
        id.into()
    }
}

/// `" (did you mean 'x'?)"` or nothing, for a reference already said not to be an id.
fn plain_hint<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    crate::diag::did_you_mean(name, candidates)
        .map(|c| format!(" (did you mean '{c}'?)"))
        .unwrap_or_default()
}

/// Why a reference is not an id: too long, or a character ids do not use.
fn id_rules(id: &str) -> String {
    let chars = id.chars().count();
    if chars > MAX_ID_CHARS {
        format!(" (it is {chars} characters long; ids have at most {MAX_ID_CHARS})")
    } else {
        match id
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            Some(c) if !c.is_ascii() => format!(
                " ({} is not an ASCII letter; ids use only letters, digits, '-' and '_')",
                describe_char(c)
            ),
            _ => " (ids use only letters, digits, '-' and '_')".to_owned(),
        }
    }
}

/// `" ('о' (U+043E) is not an ASCII letter)"` for the first character of `id` that is not
/// ASCII, which may look exactly like one that is; or nothing.
fn not_ascii(id: &str) -> String {
    id.chars()
        .find(|c| !c.is_ascii())
        .map(|c| format!(" ({} is not an ASCII letter)", describe_char(c)))
        .unwrap_or_default()
}

/// `"+20%"` -> 20, `"-15%"` -> -15.
fn parse_fair(s: &str) -> Option<i32> {
    let s = s.trim();
    let body = s.strip_suffix('%')?;
    let (sign, digits) = match body.as_bytes().first()? {
        b'+' => (1, &body[1..]),
        b'-' => (-1, &body[1..]),
        _ => (1, body),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i32 = digits.parse().ok()?;
    (n <= 100).then_some(sign * n)
}

/// Warns about endings and choices that no sequence of choices and chances reaches, when the
/// state space is small enough to explore completely.
fn warn_unreached(scenario: &Scenario, raw: &ScenarioFile, tree: &Tree, sink: &mut Sink) {
    let Some(seen) = crate::analysis::explore(scenario, EXPLORE_BUDGET) else {
        return;
    };
    let _ = raw;
    // The search was complete: if it met no ending, no play can ever finish, and the app
    // would offer choices for ever.
    let ends = scenario.scenes.iter().enumerate();
    if !ends
        .filter(|(_, s)| s.ending().is_some())
        .any(|(i, _)| seen.scenes[i])
    {
        sink.error(
            tree.span(&join(&scene_path(scenario.start.0), &[Seg::Key("id")])),
            "no sequence of choices from here reaches any ending: the conditions on the way always block them, so play could never finish",
        );
    }
    for (i, scene) in scenario.scenes.iter().enumerate() {
        if !seen.scenes[i] {
            let what = if scene.ending().is_some() {
                "ending"
            } else {
                "scene"
            };
            sink.warning(
                tree.span(&join(&scene_path(i), &[Seg::Key("id")])),
                format!("no sequence of choices reaches {what} '{}': the conditions on the way always block it", scene.id),
            );
            continue;
        }
        for (c, choice) in scene.choices().iter().enumerate() {
            if !seen.choices[i][c] {
                sink.warning(
                    tree.span(&join(&choice_path(i, c), &[Seg::Key("when")])),
                    format!("choice '{}' is never available: its condition never holds when scene '{}' is shown", choice.id, scene.id),
                );
            }
        }
    }
}

/// An effect moves its meter by this many points or more (a percentage counted from the
/// middle of the scale) is large enough that the text shown with it must say why.
pub const LARGE_EFFECT: i32 = 8;

/// How far an effect moves a meter that stands at 50.
fn movement(change: Change) -> i32 {
    (change.apply(50) - 50).abs()
}

/// Whether `text` mentions the meter: its id, its label or one of its `words`, each matching
/// the start of a word in the text, ignoring case.
pub fn mentions(meter: &Meter, text: &str) -> bool {
    let text = text.to_lowercase();
    let label = meter.label.to_lowercase();
    let terms = [meter.id.to_lowercase(), label]
        .into_iter()
        .chain(meter.words.iter().cloned())
        .filter(|t| !t.is_empty());
    for term in terms {
        let mut from = 0;
        while let Some(at) = text[from..].find(&term) {
            let at = from + at;
            if !text[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
            {
                return true;
            }
            from = at + term.len();
        }
    }
    false
}

/// Warns about large effects whose text never mentions the meter they move: the player sees
/// the meter jump and nothing to say why.
fn warn_silent_effects(scenario: &Scenario, tree: &Tree, sink: &mut Sink) {
    let mut check = |effects: &[Effect], texts: &[&str], what: &str, path: &[Seg]| {
        for e in effects {
            let meter = &scenario.meters[e.meter.0];
            if movement(e.change) < LARGE_EFFECT || texts.iter().any(|t| mentions(meter, t)) {
                continue;
            }
            let mut words = vec![meter.id.as_str(), meter.label.as_str()];
            words.extend(meter.words.iter().map(String::as_str));
            sink.warning(
                tree.span(&join(path, &[Seg::Key("effects"), Seg::Key(&meter.id)])),
                format!(
                    "{what} moves '{}' by {}, but its text never mentions it ({}); say why it moved",
                    meter.id,
                    e.change.describe(),
                    words.join(", ")
                ),
            );
        }
    };
    for (s, scene) in scenario.scenes.iter().enumerate() {
        for (c, choice) in scene.choices().iter().enumerate() {
            let cp = choice_path(s, c);
            let feedback = choice.feedback.as_deref().unwrap_or("");
            let what = format!("choice '{}'", choice.id);
            check(&choice.effects, &[feedback], &what, &cp);
            if let Next::Chance(outcomes) = &choice.next {
                for (o, out) in outcomes.iter().enumerate() {
                    let what = format!("outcome '{}' of choice '{}'", out.id, choice.id);
                    let op = join(&cp, &[Seg::Key("outcomes"), Seg::Index(o)]);
                    check(&out.effects, &[&out.text, feedback], &what, &op);
                }
            }
        }
    }
    for (t, trig) in scenario.triggers.iter().enumerate() {
        let what = format!("trigger '{}'", trig.id);
        check(
            &trig.effects,
            &[&trig.text],
            &what,
            &[Seg::Key("triggers"), Seg::Index(t)],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fair_percentages() {
        assert_eq!(parse_fair("+20%"), Some(20));
        assert_eq!(parse_fair("-15%"), Some(-15));
        assert_eq!(parse_fair("20%"), Some(20));
        assert_eq!(parse_fair("+120%"), None);
        assert_eq!(parse_fair("+%"), None);
        assert_eq!(parse_fair("+2.5%"), None);
        assert_eq!(parse_fair("20"), None);
    }

    /// A small valid scenario; tests break one line of it.
    const BASE: &str = r#"
[scenario]
id = "t"
title = "T"
summary = "S"
role = "R"
team = "T"
minutes = 2
language = "en"
version = 1
authors = ["a"]

[meters.morale]
label = "M"
start = 50

[meters.satisfaction]
label = "S"
start = 50

[[scenes]]
id = "start"
text = "Go"
facilitator_note = "F"
discussion = "D"

[[scenes.choices]]
id = "a"
text = "A"
effects = { morale = 5 }
goto = "end"

[[scenes.choices]]
id = "b"
text = "B"
effects = { satisfaction = 5 }
goto = "end"

[[scenes]]
id = "end"
text = "End"
ending = { title = "E", rating = "solid", debrief = "D" }
"#;

    fn messages(src: &str) -> Vec<String> {
        match load("t.toml", src) {
            Ok(loaded) => loaded.warnings,
            Err(diags) => diags,
        }
        .iter()
        .map(ToString::to_string)
        .collect()
    }

    #[test]
    fn large_effects_need_a_text_that_mentions_their_meter() {
        let head = include_str!("../tests/fixtures/odds-after-effects.toml");
        let head = &head[..head.find("[[scenes]]").expect("scenes")];
        let src = |effects: &str, feedback: &str, words: &str| {
            format!(
                "{}[[scenes]]\nid = \"s\"\ntext = \"t\"\nfacilitator_note = \"f\"\ndiscussion = \"d\"\n\
                 [[scenes.choices]]\nid = \"a\"\ntext = \"a\"\neffects = {effects}\nfeedback = \"{feedback}\"\ngoto = \"e\"\n\
                 [[scenes.choices]]\nid = \"b\"\ntext = \"b\"\nfeedback = \"f\"\ngoto = \"e\"\n\
                 [[scenes]]\nid = \"e\"\ntext = \"e\"\nending = {{ title = \"E\", rating = \"solid\", debrief = \"d\" }}\n",
                head.replace("id = \"odds\"", "id = \"t\"").replace(
                    "label = \"S\"",
                    &format!("label = \"Customer satisfaction\"\nwords = [{words}]")
                )
            )
        };
        let silent = messages(&src(
            "{ morale = 2, satisfaction = -8 }",
            "Sam is pleased.",
            "",
        ));
        assert_eq!(silent.len(), 1, "{silent:?}");
        assert!(
            silent[0].ends_with("warning: choice 'a' moves 'satisfaction' by -8, but its text never mentions it (satisfaction, Customer satisfaction); say why it moved"),
            "{}",
            silent[0]
        );
        // The label, a declared word (at the start of a word, any case) or a smaller effect
        // ("-15%" of 50 is 8 points, "-10%" only 5) are enough.
        for (effects, feedback, words) in [
            (
                "{ morale = 1, satisfaction = -8 }",
                "Customer satisfaction dips.",
                "",
            ),
            (
                "{ morale = 1, satisfaction = -8 }",
                "The Queue grows while you talk.",
                "\"queue\"",
            ),
            (
                "{ morale = 1, satisfaction = \"-10%\" }",
                "Sam is pleased.",
                "",
            ),
        ] {
            assert_eq!(
                messages(&src(effects, feedback, words)),
                Vec::<String>::new()
            );
        }
        let fair = messages(&src(
            "{ morale = 1, satisfaction = \"-15%\" }",
            "Sam is pleased.",
            "\"queue\"",
        ));
        assert_eq!(fair.len(), 1, "{fair:?}");
        assert!(fair[0].contains("by -15%"), "{}", fair[0]);
        // "queue" is not found inside another word.
        let inside = messages(&src(
            "{ morale = 1, satisfaction = 9 }",
            "A barbecue.",
            "\"cue\"",
        ));
        assert_eq!(inside.len(), 1, "{inside:?}");
    }

    #[test]
    fn base_is_clean() {
        assert_eq!(messages(BASE), Vec::<String>::new());
    }

    /// Regression: schemars writes an enum with documented variants as a `oneOf` of `const`s,
    /// and the schema check let any string through, so serde reported a bad rating in its own
    /// words ("unknown variant `x`, expected one of ...") instead of the house style.
    #[test]
    fn bad_rating_is_reported_with_a_suggestion() {
        let src = BASE.replace(r#"rating = "solid""#, r#"rating = "sold""#);
        assert_eq!(
            messages(&src),
            [
                "t.toml:42:34: error: 'rating' must be one of exemplary, solid, costly, failing, not 'sold' (did you mean 'solid'?)"
            ]
        );
    }

    /// Regression: a choice whose `when` failed to parse was dropped at once, hiding the rest
    /// of its mistakes (here an unknown `goto`) until the author fixed the condition.
    #[test]
    fn bad_condition_does_not_hide_later_mistakes_in_the_choice() {
        let src = BASE.replace(
            "id = \"a\"\ntext = \"A\"\neffects = { morale = 5 }\ngoto = \"end\"",
            "id = \"a\"\ntext = \"A\"\nwhen = \"morale >\"\neffects = { morale = 5 }\ngoto = \"ned\"",
        );
        assert_eq!(
            messages(&src),
            [
                "t.toml:30:17: error: '>' must be followed by a whole number",
                "t.toml:32:8: error: choice 'a' goes to unknown scene 'ned' (did you mean 'end'?)",
            ]
        );
    }

    /// Regression: the schema check knew `minimum` but not the top of `u32`, so a huge
    /// `minutes` reached serde and came out as "the file does not match the scenario format:
    /// invalid value: integer `5000000000`, expected u32" at 1:1.
    #[test]
    fn numbers_too_large_for_their_field_are_reported_where_they_are() {
        let src = BASE.replace("minutes = 2", "minutes = 5000000000");
        assert_eq!(
            messages(&src),
            ["t.toml:8:11: error: 'minutes' must be 4294967295 or less, not 5000000000"]
        );
    }

    /// Curly quotes inside straight ones are ordinary text; unquoted text with a space in it
    /// outside a list or inline table is not a missing comma.
    #[test]
    fn syntax_hints_only_where_they_apply() {
        let curly = BASE.replace("text = \"Go\"", "text = \"Don’t say “no”\"");
        assert_eq!(messages(&curly), Vec::<String>::new());
        let unquoted = messages(&BASE.replace("text = \"Go\"", "text = Go on"));
        assert_eq!(
            unquoted,
            [
                "t.toml:23:8: error: invalid TOML: string values must be quoted, expected literal string"
            ]
        );
        let two_numbers = messages(&BASE.replace("minutes = 2", "minutes = 2 3"));
        assert!(
            two_numbers.iter().all(|m| !m.contains("missing ','")),
            "{two_numbers:?}"
        );
        // A bracket inside a string on the same line does not count.
        let in_string = messages(&BASE.replace("text = \"Go\"", "text = \"[ {\" 1 2"));
        assert!(
            in_string.iter().all(|m| !m.contains("missing ','")),
            "{in_string:?}"
        );
    }

    /// The file-name warning reads the last part of a path or link, and only when it names a
    /// `.toml` file; a wrong id gets its error, not advice to rename the file after it.
    #[test]
    fn file_name_warning_only_for_toml_file_names() {
        let warned = |label: &str, src: &str| match load(label, src) {
            Ok(loaded) => loaded.warnings.iter().map(|d| d.message.clone()).collect(),
            Err(diags) => diags.iter().map(|d| d.message.clone()).collect::<Vec<_>>(),
        };
        for label in [
            "t.toml",
            "scenarios/t.toml",
            "C:\\work\\t.toml",
            "t",
            "<stdin>",
            ".toml",
        ] {
            assert_eq!(warned(label, BASE), Vec::<String>::new(), "{label}");
        }
        for (label, name) in [
            ("scenarios/burn-out.toml", "burn-out.toml"),
            ("C:\\work\\T.TOML", "T.TOML"),
            ("https://example.org/s/t2.toml", "t2.toml"),
        ] {
            assert_eq!(
                warned(label, BASE),
                [format!(
                    "the scenario id 't' differs from the file name '{name}'; name the file 't.toml'"
                )],
                "{label}"
            );
        }
        let bad_id = BASE.replace("id = \"t\"", "id = \"T t\"");
        assert_eq!(
            warned("x.toml", &bad_id),
            ["scenario id 'T t' must use only lower-case letters, digits and '-'"]
        );
    }

    /// The workshop notes are asked for once the file has no errors, so that a first draft's
    /// many missing notes do not bury its errors.
    #[test]
    fn workshop_notes_wait_until_the_file_has_no_errors() {
        let no_notes = BASE.replace("facilitator_note = \"F\"\ndiscussion = \"D\"\n", "");
        assert_eq!(
            messages(&no_notes),
            [
                "t.toml:22:6: warning: scene 'start' has no facilitator_note; every scene with choices needs a note for the workshop facilitator",
                "t.toml:22:6: warning: scene 'start' has no discussion question; every scene with choices needs one for the room to discuss before deciding",
            ]
        );
        let with_error = no_notes.replace(
            "goto = \"end\"\n\n[[scenes.choices]]",
            "goto = \"ned\"\n\n[[scenes.choices]]",
        );
        assert_eq!(
            messages(&with_error),
            ["t.toml:29:8: error: choice 'a' goes to unknown scene 'ned' (did you mean 'end'?)"]
        );
    }

    /// Regression: toml quotes tokens in backticks; messages quote in single quotes.
    #[test]
    fn syntax_errors_quote_like_every_other_message() {
        let msgs = messages(&BASE.replace("text = \"Go\"", "text = \"Go"));
        assert_eq!(
            msgs,
            ["t.toml:23:11: error: invalid TOML: invalid basic string, expected '\"'"]
        );
    }
}
