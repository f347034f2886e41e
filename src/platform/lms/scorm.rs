//! The SCORM runtimes, 1.2 and 2004 4th edition, over the LMS's JavaScript API object
//! (`window.API` or `window.API_1484_11`, found by [`find`]).
//!
//! Every call goes through [`Scorm::call`], which catches anything the LMS's script throws,
//! and every call's error code is read back with `LMSGetLastError`/`GetLastError`. A failed
//! call is an [`LmsError`] value; nothing here panics or throws to the page.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::report::{self, Interaction, Outcome};

/// Which SCORM version the API object speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// SCORM 1.2 (`window.API`).
    V12,
    /// SCORM 2004 4th edition (`window.API_1484_11`).
    V2004,
}

/// A failed LMS call: what was called and the LMS's error code and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LmsError {
    /// The API method and its first argument, e.g. `SetValue(cmi.location)`.
    pub call: String,
    /// The LMS's error code, or `None` when the call threw.
    pub code: Option<String>,
}

/// Finds the SCORM API the standard way: up the `window.parent` chain, then the same from
/// `window.opener`. SCORM 2004 is preferred when both are there. ADL's 1.2 sample stops after
/// 7 parents, but LMSs nest deeper than that, so both versions search up to 500 (as ADL's
/// 2004 sample does). Cross-origin windows throw on access; those are skipped.
pub fn find() -> Option<(Object, Version)> {
    let window: JsValue = web_sys::window()?.into();
    for (name, version) in [("API_1484_11", Version::V2004), ("API", Version::V12)] {
        if let Some(api) = search_chain(window.clone(), name, 500) {
            return Some((api, version));
        }
        let opener = Reflect::get(&window, &"opener".into()).ok();
        if let Some(opener) = opener.filter(|o| o.is_object())
            && let Some(api) = search_chain(opener, name, 500)
        {
            return Some((api, version));
        }
    }
    None
}

fn search_chain(mut win: JsValue, name: &str, hops: u32) -> Option<Object> {
    for _ in 0..=hops {
        // The API object comes from another window's realm, where `instanceof Object` is
        // false: its type is checked with `typeof` instead.
        if let Ok(api) = Reflect::get(&win, &name.into())
            && api.is_object()
        {
            return Some(api.unchecked_into());
        }
        let parent = Reflect::get(&win, &"parent".into()).ok()?;
        if !parent.is_object() || Object::is(&parent, &win) {
            return None;
        }
        win = parent;
    }
    None
}

/// A decimal read by the browser (so no float parser is compiled into the wasm).
fn number(text: &str) -> Option<f64> {
    let n = js_sys::Number::parse_float(text.trim());
    n.is_finite().then_some(n)
}

/// Tells whoever looks after the LMS which call failed, with the LMS's error code.
fn warned(e: LmsError) -> LmsError {
    web_sys::console::warn_1(
        &format!(
            "Frontline: the LMS refused {} (error {})",
            e.call,
            e.code.as_deref().unwrap_or("thrown")
        )
        .into(),
    );
    e
}

impl LmsError {
    /// Whether the LMS refused the element or its value for good (not implemented, read
    /// only, a wrong type, out of range), so that asking again cannot help. Anything else (a
    /// general failure, a commit that failed, a call that threw) may pass later.
    pub fn is_lasting(&self) -> bool {
        matches!(
            self.code.as_deref(),
            Some("201" | "401" | "402" | "403" | "404" | "405" | "406" | "407" | "408")
        )
    }
}

/// How the LMS launched the SCO (`cmi.core.lesson_mode`, `cmi.mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Recorded play.
    #[default]
    Normal,
    /// The learner looks back at an attempt: nothing may be written.
    Review,
    /// The learner previews without credit: nothing is recorded either.
    Browse,
}

/// What a round of writes came to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// A call failed in a way that may pass later: try again.
    pub retry: bool,
}

/// A connection to the LMS's SCORM API.
pub struct Scorm {
    api: Object,
    version: Version,
    /// The interaction elements the LMS implements (`cmi.interactions._children`); empty
    /// when it implements none.
    children: Vec<String>,
    /// The next interaction's index.
    next: u32,
    /// Elements the LMS refused for good (interaction elements without their index), which
    /// are not written again, and whether any of them is required data.
    refused: Vec<String>,
    lost: bool,
}

/// What the LMS handed over at the start.
#[derive(Debug, Default)]
pub struct Start {
    /// The saved session code, when the learner is resuming (or reviewing).
    pub suspend_data: Option<String>,
    /// The LMS's pass mark (0 to 1), when it sets one.
    pub mastery: Option<f64>,
    /// How the LMS launched the SCO.
    pub mode: Mode,
}

impl Scorm {
    /// Wraps an API object found by [`find`].
    pub fn new(api: Object, version: Version) -> Scorm {
        Scorm {
            api,
            version,
            children: Vec::new(),
            next: 0,
            refused: Vec::new(),
            lost: false,
        }
    }

    /// The SCORM version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// Whether the LMS refused required data for good (where the learner is, the score, the
    /// status or how they left): then the learner is told that progress is not fully
    /// recorded, however often the rest succeeds.
    pub fn lost(&self) -> bool {
        self.lost
    }

    fn method(&self, v12: &'static str, v2004: &'static str) -> &'static str {
        match self.version {
            Version::V12 => v12,
            Version::V2004 => v2004,
        }
    }

    /// Calls an API method; `None` when it is missing or throws.
    fn call(&self, method: &str, args: &[&str]) -> Option<String> {
        // As above: a function from another realm, checked with `typeof`.
        let f = Reflect::get(&self.api, &method.into()).ok()?;
        if !f.is_function() {
            return None;
        }
        let f: Function = f.unchecked_into();
        let out = match args {
            [] => f.call1(&self.api, &JsValue::from_str("")),
            [a] => f.call1(&self.api, &JsValue::from_str(a)),
            [a, b, ..] => f.call2(&self.api, &JsValue::from_str(a), &JsValue::from_str(b)),
        }
        .ok()?;
        Some(
            out.as_string()
                .unwrap_or_else(|| out.as_bool().map_or_else(String::new, |b| b.to_string())),
        )
    }

    /// The last error code ("0" means none).
    fn last_error(&self) -> Option<String> {
        self.call(self.method("LMSGetLastError", "GetLastError"), &[])
    }

    /// Runs a call and checks both its return value and the error code.
    fn checked(&self, method: &'static str, args: &[&str]) -> Result<String, LmsError> {
        let fail = |code| LmsError {
            call: format!("{method}({})", args.first().copied().unwrap_or("")),
            code,
        };
        let out = self.call(method, args).ok_or_else(|| fail(None))?;
        let code = self.last_error().ok_or_else(|| fail(None))?;
        if code != "0" && !code.is_empty() {
            return Err(fail(Some(code)));
        }
        if out == "false" {
            return Err(fail(Some(code)));
        }
        Ok(out)
    }

    /// Reads a value; `Ok(None)` when the LMS has none (SCORM 2004's 403 "not initialized",
    /// 401 and 402 for elements it does not implement, 1.2's 401 "not implemented").
    pub fn get(&self, element: &str) -> Result<Option<String>, LmsError> {
        match self.checked(self.method("LMSGetValue", "GetValue"), &[element]) {
            Ok(v) if v.is_empty() => Ok(None),
            Ok(v) => Ok(Some(v)),
            Err(LmsError { code: Some(c), .. })
                if c == "403" || c == "401" || (c == "402" && self.version == Version::V2004) =>
            {
                Ok(None)
            }
            Err(e) => Err(warned(e)),
        }
    }

    /// Writes a value.
    pub fn set(&self, element: &str, value: &str) -> Result<(), LmsError> {
        self.checked(self.method("LMSSetValue", "SetValue"), &[element, value])
            .map(|_| ())
            .map_err(warned)
    }

    /// Writes a value unless the LMS refused the element for good before. A lasting refusal
    /// is remembered (and counts as lost data when `required`); any other failure asks for a
    /// retry. Returns whether the value was written.
    fn put(&mut self, element: &str, value: &str, required: bool, out: &mut Written) -> bool {
        let key = refusal_key(element);
        if self.refused.contains(&key) {
            return false;
        }
        match self.set(element, value) {
            Ok(()) => true,
            Err(e) if e.is_lasting() => {
                self.lost |= required;
                self.refused.push(key);
                false
            }
            Err(_) => {
                out.retry = true;
                false
            }
        }
    }

    /// Starts the session and reads what the LMS hands over: the saved session, the pass
    /// mark, the launch mode and which interaction elements it implements.
    pub fn initialize(&mut self) -> Result<Start, LmsError> {
        self.checked(self.method("LMSInitialize", "Initialize"), &[])
            .map_err(warned)?;
        let (entry, status, mode) = match self.version {
            Version::V12 => (
                "cmi.core.entry",
                "cmi.core.lesson_status",
                "cmi.core.lesson_mode",
            ),
            Version::V2004 => ("cmi.entry", "cmi.completion_status", "cmi.mode"),
        };
        let mode = match self.get(mode).unwrap_or(None).as_deref() {
            Some("review") => Mode::Review,
            Some("browse") => Mode::Browse,
            _ => Mode::Normal,
        };
        let entry = self.get(entry).unwrap_or(None);
        let suspend_data = if entry.as_deref() == Some("ab-initio") && mode != Mode::Review {
            None
        } else {
            self.get("cmi.suspend_data")?
        };
        // The pass mark the LMS sets, if any: 1.2's mastery score is 0-100, 2004's scaled
        // passing score -1 to 1 (below 0 every score passes, as a mark of 0 does here).
        let mastery = match self.version {
            Version::V12 => self
                .get("cmi.student_data.mastery_score")
                .unwrap_or(None)
                .and_then(|s| number(&s))
                .filter(|m| (0.0..=100.0).contains(m))
                .map(|m| m / 100.0),
            Version::V2004 => self
                .get("cmi.scaled_passing_score")
                .unwrap_or(None)
                .and_then(|s| number(&s))
                .filter(|m| (-1.0..=1.0).contains(m))
                .map(|m| m.max(0.0)),
        };
        // Interactions are optional: only the elements the LMS lists are written, and none
        // when it lists none.
        self.children = self
            .get("cmi.interactions._children")
            .unwrap_or(None)
            .map(|c| c.split(',').map(|e| e.trim().to_owned()).collect())
            .unwrap_or_default();
        if !self.children.is_empty() {
            self.next = self
                .get("cmi.interactions._count")
                .unwrap_or(None)
                .and_then(|c| c.parse::<u32>().ok())
                .unwrap_or(0);
        }
        if mode == Mode::Normal {
            let status = self.get(status)?.unwrap_or_default();
            if matches!(status.as_str(), "" | "not attempted" | "unknown") {
                match self.version {
                    Version::V12 => self.set("cmi.core.lesson_status", "incomplete")?,
                    Version::V2004 => self.set("cmi.completion_status", "incomplete")?,
                }
            }
        }
        Ok(Start {
            suspend_data,
            mastery,
            mode,
        })
    }

    /// Whether the LMS implements this interaction element.
    fn has(&self, child: &str) -> bool {
        self.children.iter().any(|c| c == child)
    }

    /// Records one decision as the next interaction, writing only the elements the LMS
    /// implements. Interactions are optional data: a lasting refusal of `id` stops them, a
    /// refusal of another element stops that element, and neither is lost data. Returns
    /// whether the decision is done with (written, or not writable), `false` to retry it.
    /// `latency_ms` is the time the learner took; `now_ms` the wall clock.
    pub fn interaction(
        &mut self,
        it: &Interaction,
        latency_ms: f64,
        now_ms: f64,
        out: &mut Written,
    ) -> bool {
        if !self.has("id") || self.refused.iter().any(|r| r == "cmi.interactions.n.id") {
            return true;
        }
        let p = format!("cmi.interactions.{}", self.next);
        let mut retry = Written::default();
        // SCORM 2004 requires id, then type, then learner_response (another order is 408).
        if !self.put(&format!("{p}.id"), &it.id, false, &mut retry) {
            out.retry |= retry.retry;
            return !retry.retry;
        }
        self.next += 1;
        let (response, time, latency, result) = match self.version {
            Version::V12 => (
                ("student_response", it.letter.to_string()),
                ("time", report::time_of_day(now_ms)),
                report::timespan_12(latency_ms),
                it.result,
            ),
            Version::V2004 => (
                ("learner_response", it.response.clone()),
                ("timestamp", report::timestamp(now_ms)),
                report::duration_iso(latency_ms),
                // SCORM 2004 says "incorrect" where 1.2 says "wrong".
                if it.result == "wrong" {
                    "incorrect"
                } else {
                    it.result
                },
            ),
        };
        let mut elements = vec![("type", "choice".to_owned()), response];
        elements.push(("result", result.to_owned()));
        elements.push(("latency", latency));
        elements.push(time);
        if self.version == Version::V2004 {
            elements.push(("description", it.description.clone()));
        }
        for (child, value) in elements {
            if self.has(child) {
                // A failure of one element is that element's problem; the decision is
                // recorded with what the LMS took.
                let mut ignored = Written::default();
                self.put(&format!("{p}.{child}"), &value, false, &mut ignored);
            }
        }
        true
    }

    /// Writes where the learner is: the scene, the session code and (2004) progress.
    pub fn progress(&mut self, scene: &str, code: &str, progress: f64, out: &mut Written) {
        match self.version {
            Version::V12 => {
                let scene: String = scene.chars().take(255).collect();
                self.put("cmi.core.lesson_location", &scene, true, out);
            }
            Version::V2004 => {
                self.put("cmi.location", scene, true, out);
                self.put(
                    "cmi.progress_measure",
                    &report::hundredths(progress),
                    false,
                    out,
                );
            }
        }
        self.put("cmi.suspend_data", code, true, out);
    }

    /// Records the end of a playthrough: score and status. Returns whether the status was
    /// written (or refused for good), so that the outcome is not written again.
    pub fn outcome(&mut self, o: &Outcome, out: &mut Written) -> bool {
        let raw = o.score.to_string();
        let pass = if o.passed { "passed" } else { "failed" };
        let mut round = Written::default();
        match self.version {
            Version::V12 => {
                self.put("cmi.core.score.min", "0", false, &mut round);
                self.put("cmi.core.score.max", "100", false, &mut round);
                self.put("cmi.core.score.raw", &raw, true, &mut round);
                self.put("cmi.core.lesson_status", pass, true, &mut round);
            }
            Version::V2004 => {
                self.put("cmi.score.min", "0", false, &mut round);
                self.put("cmi.score.max", "100", false, &mut round);
                self.put("cmi.score.raw", &raw, true, &mut round);
                self.put(
                    "cmi.score.scaled",
                    &report::hundredths(f64::from(o.score) / 100.0),
                    true,
                    &mut round,
                );
                self.put("cmi.completion_status", "completed", true, &mut round);
                self.put("cmi.success_status", pass, true, &mut round);
            }
        }
        out.retry |= round.retry;
        !round.retry
    }

    /// Writes the session time and how the learner is leaving (`suspend` while unfinished).
    pub fn exit(&mut self, session_ms: f64, finished: bool, out: &mut Written) {
        match self.version {
            Version::V12 => {
                self.put(
                    "cmi.core.session_time",
                    &report::timespan_12(session_ms),
                    true,
                    out,
                );
                self.put(
                    "cmi.core.exit",
                    if finished { "" } else { "suspend" },
                    true,
                    out,
                );
            }
            Version::V2004 => {
                self.put(
                    "cmi.session_time",
                    &report::duration_iso(session_ms),
                    true,
                    out,
                );
                self.put(
                    "cmi.exit",
                    if finished { "normal" } else { "suspend" },
                    true,
                    out,
                );
            }
        }
    }

    /// SCORM 2004: asks the LMS to end the attempt (`exitAll`) or suspend it (`suspendAll`)
    /// once the SCO terminates, so that the learner goes back to the LMS. Optional for the
    /// LMS, so a refusal is only logged.
    pub fn request_exit(&mut self, finished: bool) {
        if self.version == Version::V2004 {
            let request = if finished { "exitAll" } else { "suspendAll" };
            let mut ignored = Written::default();
            self.put("adl.nav.request", request, false, &mut ignored);
        }
    }

    /// Asks the LMS to store what was written.
    pub fn commit(&self) -> Result<(), LmsError> {
        self.checked(self.method("LMSCommit", "Commit"), &[])
            .map(|_| ())
            .map_err(warned)
    }

    /// Ends the session (once).
    pub fn finish(&self) -> Result<(), LmsError> {
        self.checked(self.method("LMSFinish", "Terminate"), &[])
            .map(|_| ())
            .map_err(warned)
    }
}

/// An element's name with an interaction's index replaced by `n`
/// (`cmi.interactions.3.result` is `cmi.interactions.n.result`), so that a refusal of one
/// interaction's element holds for every interaction.
pub fn refusal_key(element: &str) -> String {
    element
        .split('.')
        .map(|part| {
            if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                "n"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_hold_for_every_interaction_and_only_lasting_codes_last() {
        assert_eq!(
            refusal_key("cmi.interactions.12.result"),
            "cmi.interactions.n.result"
        );
        assert_eq!(refusal_key("cmi.suspend_data"), "cmi.suspend_data");
        let e = |code: Option<&str>| LmsError {
            call: String::new(),
            code: code.map(str::to_owned),
        };
        assert!(e(Some("401")).is_lasting());
        assert!(e(Some("405")).is_lasting());
        assert!(e(Some("406")).is_lasting());
        assert!(!e(Some("101")).is_lasting());
        assert!(!e(Some("391")).is_lasting());
        assert!(!e(None).is_lasting());
    }
}
