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

/// Finds the SCORM API the standard way: up the `window.parent` chain (7 hops for 1.2 and
/// 500 for 2004, as ADL's samples do), then the same from `window.opener`. SCORM 2004 is
/// preferred when both are there. Cross-origin windows throw on access; those are skipped.
pub fn find() -> Option<(Object, Version)> {
    let window: JsValue = web_sys::window()?.into();
    for (name, hops, version) in [
        ("API_1484_11", 500, Version::V2004),
        ("API", 7, Version::V12),
    ] {
        if let Some(api) = search_chain(window.clone(), name, hops) {
            return Some((api, version));
        }
        let opener = Reflect::get(&window, &"opener".into()).ok();
        if let Some(opener) = opener.filter(|o| o.is_object())
            && let Some(api) = search_chain(opener, name, hops)
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

/// A connection to the LMS's SCORM API.
pub struct Scorm {
    api: Object,
    version: Version,
}

/// What the LMS handed over at the start.
#[derive(Debug, Default)]
pub struct Start {
    /// The saved session code, when the learner is resuming.
    pub suspend_data: Option<String>,
    /// The LMS's pass mark (0 to 1), when it sets one.
    pub mastery: Option<f64>,
}

impl Scorm {
    /// Wraps an API object found by [`find`].
    pub fn new(api: Object, version: Version) -> Scorm {
        Scorm { api, version }
    }

    /// The SCORM version.
    pub fn version(&self) -> Version {
        self.version
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
    /// 1.2's 401 "not implemented" for optional elements).
    pub fn get(&self, element: &str) -> Result<Option<String>, LmsError> {
        match self.checked(self.method("LMSGetValue", "GetValue"), &[element]) {
            Ok(v) if v.is_empty() => Ok(None),
            Ok(v) => Ok(Some(v)),
            Err(LmsError { code: Some(c), .. }) if c == "403" || c == "401" => Ok(None),
            Err(e) => Err(warned(e)),
        }
    }

    /// Writes a value.
    pub fn set(&self, element: &str, value: &str) -> Result<(), LmsError> {
        self.checked(self.method("LMSSetValue", "SetValue"), &[element, value])
            .map(|_| ())
            .map_err(warned)
    }

    /// Starts the session and reads what the LMS hands over.
    pub fn initialize(&self) -> Result<Start, LmsError> {
        self.checked(self.method("LMSInitialize", "Initialize"), &[])
            .map_err(warned)?;
        let (entry, status) = match self.version {
            Version::V12 => ("cmi.core.entry", "cmi.core.lesson_status"),
            Version::V2004 => ("cmi.entry", "cmi.completion_status"),
        };
        let entry = self.get(entry).unwrap_or(None);
        let suspend_data = if entry.as_deref() == Some("ab-initio") {
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
        let status = self.get(status)?.unwrap_or_default();
        if matches!(status.as_str(), "" | "not attempted" | "unknown") {
            match self.version {
                Version::V12 => self.set("cmi.core.lesson_status", "incomplete")?,
                Version::V2004 => self.set("cmi.completion_status", "incomplete")?,
            }
        }
        Ok(Start {
            suspend_data,
            mastery,
        })
    }

    /// Records one decision as the next interaction. `latency_ms` is the time the learner
    /// took; `now_ms` the wall clock.
    pub fn interaction(
        &self,
        it: &Interaction,
        latency_ms: f64,
        now_ms: f64,
    ) -> Result<(), LmsError> {
        let n = self
            .get("cmi.interactions._count")?
            .and_then(|c| c.parse::<u32>().ok())
            .unwrap_or(0);
        let p = format!("cmi.interactions.{n}");
        // SCORM 2004 requires id, then type, then learner_response (another order is 408).
        self.set(&format!("{p}.id"), &it.id)?;
        self.set(&format!("{p}.type"), "choice")?;
        match self.version {
            Version::V12 => {
                self.set(&format!("{p}.student_response"), &it.letter.to_string())?;
                self.set(&format!("{p}.result"), it.result)?;
                self.set(&format!("{p}.latency"), &report::timespan_12(latency_ms))?;
                self.set(&format!("{p}.time"), &report::time_of_day(now_ms))?;
            }
            Version::V2004 => {
                self.set(&format!("{p}.learner_response"), &it.response)?;
                // SCORM 2004 says "incorrect" where 1.2 says "wrong".
                let result = if it.result == "wrong" {
                    "incorrect"
                } else {
                    it.result
                };
                self.set(&format!("{p}.result"), result)?;
                self.set(&format!("{p}.latency"), &report::duration_iso(latency_ms))?;
                self.set(&format!("{p}.timestamp"), &report::timestamp(now_ms))?;
                self.set(&format!("{p}.description"), &it.description)?;
            }
        }
        Ok(())
    }

    /// Writes where the learner is: the scene, the session code and (2004) progress.
    pub fn progress(&self, scene: &str, code: &str, progress: f64) -> Result<(), LmsError> {
        match self.version {
            Version::V12 => {
                let scene: String = scene.chars().take(255).collect();
                self.set("cmi.core.lesson_location", &scene)?;
            }
            Version::V2004 => {
                self.set("cmi.location", scene)?;
                self.set("cmi.progress_measure", &report::hundredths(progress))?;
            }
        }
        self.set("cmi.suspend_data", code)
    }

    /// Records the end of a playthrough: score and status.
    pub fn outcome(&self, o: &Outcome) -> Result<(), LmsError> {
        let raw = o.score.to_string();
        let pass = if o.passed { "passed" } else { "failed" };
        match self.version {
            Version::V12 => {
                self.set("cmi.core.score.min", "0")?;
                self.set("cmi.core.score.max", "100")?;
                self.set("cmi.core.score.raw", &raw)?;
                self.set("cmi.core.lesson_status", pass)
            }
            Version::V2004 => {
                self.set("cmi.score.min", "0")?;
                self.set("cmi.score.max", "100")?;
                self.set("cmi.score.raw", &raw)?;
                self.set(
                    "cmi.score.scaled",
                    &report::hundredths(f64::from(o.score) / 100.0),
                )?;
                self.set("cmi.completion_status", "completed")?;
                self.set("cmi.success_status", pass)
            }
        }
    }

    /// Writes the session time and how the learner is leaving (`suspend` while unfinished).
    pub fn exit(&self, session_ms: f64, finished: bool) -> Result<(), LmsError> {
        match self.version {
            Version::V12 => {
                self.set("cmi.core.session_time", &report::timespan_12(session_ms))?;
                self.set("cmi.core.exit", if finished { "" } else { "suspend" })
            }
            Version::V2004 => {
                self.set("cmi.session_time", &report::duration_iso(session_ms))?;
                self.set("cmi.exit", if finished { "normal" } else { "suspend" })
            }
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
