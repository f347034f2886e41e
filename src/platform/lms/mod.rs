//! Learning platforms: SCORM 1.2, SCORM 2004 4th edition, cmi5, and host pages that embed
//! the app and talk to it with `postMessage`.
//!
//! This module owns the one place where a played session becomes LMS data. The play page
//! calls [`initial_session`] (a resume comes from the LMS's suspend data, never from local
//! storage) and [`report`] after each decision and at the start and end; everything else
//! (interactions, scores, statuses, statements, debounced commits, `visibilitychange` and
//! `pagehide`) happens here. It does not decide anything about play: a failed LMS call never
//! stops the learner, it only shows a small notice ([`notice::LmsStatus`]) and is retried.
//!
//! Only the scenario the launch URL names (see [`launch`]) is reported; playing another one
//! in the same window is ordinary standalone play.

pub mod cmi5;
pub mod host;
pub mod launch;
pub mod notice;
pub mod report;
pub mod scorm;
pub mod xapi;

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use frontline_engine::scenario::Verdict;
use frontline_engine::{Scenario, Session, code};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::Callback;

use launch::Launch;
use scorm::Scorm;

use crate::platform::clock::set_timeout;

/// How long after a decision the LMS is asked to commit, so that a fast player does not
/// flood it with a commit per click.
const COMMIT_DELAY_MS: i32 = 2_000;
/// First wait before retrying a failed commit; doubles with each retry that fails, up to
/// [`RETRY_MAX_MS`], so a platform that is down is asked every quarter of a minute at most.
const RETRY_FIRST_MS: i32 = 3_000;
const RETRY_MAX_MS: i32 = 15_000;

/// Shown (role=status) while the LMS is not accepting progress.
pub const PROBLEM_NOTICE: &str = "Your learning platform is not recording progress right now. You can keep playing; Frontline keeps trying.";
/// Shown when the LMS refused required data for good (where the learner is, the score, the
/// status): trying again cannot help, but the rest is still recorded.
pub const LOST_NOTICE: &str = "Your learning platform did not accept all of your progress, so part of it is not recorded. You can keep playing.";
/// Shown when a SCORM package was launched but no SCORM API answers.
pub const NO_LMS_NOTICE: &str = "Frontline cannot reach your learning platform from this window, so your progress is not recorded. To have it recorded, open the activity from your learning platform again.";
/// Shown in review mode, where nothing is recorded.
pub const REVIEW_NOTICE: &str = "You are looking back at an attempt your learning platform recorded. Nothing you do here changes it.";

/// The connection to an LMS.
enum Backend {
    Scorm(Scorm),
    Cmi5(Box<cmi5::Cmi5>),
}

/// An active LMS session for one scenario.
struct Runtime {
    backend: Backend,
    /// The scenario being reported.
    scenario: Option<String>,
    /// The session code the LMS handed back, until the play page takes it.
    resume: Option<String>,
    /// The LMS's pass mark (0 to 1), if it sets one.
    mastery: Option<f64>,
    /// The latest session, as reported by the play page, and its verdict once it has ended.
    session: Option<Session>,
    verdict: Option<Verdict>,
    /// Per decision: when it was made and how long it took (ms).
    timings: Vec<(f64, f64)>,
    /// Decisions written to the LMS.
    written: usize,
    /// Whether the current playthrough's ending has been written.
    outcome_written: bool,
    /// When the LMS session started, and when the current scene was shown.
    started_ms: f64,
    scene_ms: f64,
    /// Review or browse mode: nothing is written.
    read_only: bool,
    /// Unsaved writes, and whether a commit is scheduled.
    dirty: bool,
    timer: bool,
    retry_ms: i32,
    finished: bool,
}

thread_local! {
    static LAUNCH: RefCell<Launch> = RefCell::new(Launch::default());
    static RUNTIME: RefCell<Option<Runtime>> = const { RefCell::new(None) };
    static READY: Cell<bool> = const { Cell::new(true) };
    static PROBLEM: RefCell<Option<String>> = const { RefCell::new(None) };
    static LISTENERS: RefCell<Vec<Callback<()>>> = const { RefCell::new(Vec::new()) };
    /// Whether the learner left with the exit control.
    static EXITED: Cell<bool> = const { Cell::new(false) };
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn with_runtime<R>(f: impl FnOnce(&mut Runtime) -> R) -> Option<R> {
    RUNTIME.with(|r| r.try_borrow_mut().ok()?.as_mut().map(f))
}

/// Whether the app is still connecting to its LMS (cmi5 needs a few requests first).
pub fn ready() -> bool {
    READY.with(Cell::get)
}

/// The notice to show, if the LMS is not recording progress.
pub fn problem() -> Option<String> {
    PROBLEM.with(|p| p.borrow().clone())
}

/// Calls `on_change` whenever [`ready`] or [`problem`] change. Returns its slot for
/// [`unsubscribe`].
pub fn subscribe(on_change: Callback<()>) -> usize {
    LISTENERS.with(|l| {
        let mut l = l.borrow_mut();
        l.push(on_change);
        l.len() - 1
    })
}

/// Stops calling a subscriber.
pub fn unsubscribe(slot: usize) {
    LISTENERS.with(|l| {
        if let Some(cb) = l.borrow_mut().get_mut(slot) {
            *cb = Callback::noop();
        }
    });
}

fn notify() {
    let listeners = LISTENERS.with(|l| l.borrow().clone());
    for l in listeners {
        l.emit(());
    }
}

/// Shows the notice that fits: progress is being retried, or required data was refused for
/// good, or nothing (all recorded).
fn settle(retrying: bool, lost: bool) {
    set_problem(if retrying {
        Some(PROBLEM_NOTICE.into())
    } else if lost {
        Some(LOST_NOTICE.into())
    } else {
        None
    });
}

/// Whether the exit control applies: an LMS records this launch and the learner has not left.
pub fn can_exit() -> bool {
    with_runtime(|r| !r.finished).unwrap_or(false)
}

/// Whether the LMS opened the attempt for review or browsing: the page shows it and takes no
/// decision (the choices are hidden and their letter keys do nothing).
pub fn read_only() -> bool {
    with_runtime(|r| r.read_only).unwrap_or(false)
}

/// Whether the learner left with the exit control (and was not sent elsewhere).
pub fn exited() -> bool {
    EXITED.with(Cell::get)
}

/// Whether the current LMS session's playthrough has ended (the exit control then says
/// "Exit" rather than "Save and exit").
pub fn ended() -> bool {
    with_runtime(|r| r.read_only || r.session.as_ref().is_some_and(Session::is_ended))
        .unwrap_or(false)
}

/// The exit control: ends the LMS session now (last writes, exit, commit, finish; cmi5's
/// `terminated`) and returns the learner to the LMS: SCORM 2004 asks for it with
/// `adl.nav.request` (`suspendAll` before the ending, `exitAll` after), cmi5 goes to the
/// launch's `returnURL`, and SCORM 1.2 leaves it to the LMS once the session is finished.
pub fn exit() {
    let return_url = with_runtime(Runtime::exit).flatten();
    EXITED.with(|e| e.set(true));
    notify();
    if let Some(url) = return_url
        && let Some(window) = web_sys::window()
    {
        let _ = window.location().assign(&url);
    }
}

fn set_problem(message: Option<String>) {
    let changed = PROBLEM.with(|p| {
        let mut p = p.borrow_mut();
        let changed = *p != message;
        *p = message;
        changed
    });
    if changed {
        notify();
    }
}

/// Reads the launch URL and connects to whatever hosts the app. Called once, before the app
/// renders.
pub fn boot() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let search = window.location().search().unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
    let pairs: Vec<(String, String)> = params
        .map(|p| {
            js_sys::try_iter(&p)
                .ok()
                .flatten()
                .into_iter()
                .flatten()
                .filter_map(|entry| {
                    let pair: js_sys::Array = entry.ok()?.dyn_into().ok()?;
                    Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
                })
                .collect()
        })
        .unwrap_or_default();
    let launch = Launch::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));

    let scorm = scorm::find();
    let embedded = launch.embed || scorm.is_some() || launch.cmi5.is_some();
    if embedded && let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.class_list().add_1("embed");
    }
    LAUNCH.with(|l| *l.borrow_mut() = launch.clone());

    if let Some((api, version)) = scorm {
        let mut scorm = Scorm::new(api, version);
        match scorm.initialize() {
            Ok(start) => {
                let scenario = launch.scenario.clone().or_else(|| {
                    start
                        .suspend_data
                        .as_deref()
                        .and_then(|c| code::scenario_id(c).ok())
                        .map(str::to_owned)
                });
                // Review: the recorded attempt is shown where the learner left it (its
                // debrief once finished) with the choices and "Play again" hidden
                // (styles/lms.css), and nothing is written.
                if start.mode == scorm::Mode::Review {
                    if let Some(root) = window.document().and_then(|d| d.document_element()) {
                        let _ = root.class_list().add_1("lms-review");
                    }
                    set_problem(Some(REVIEW_NOTICE.into()));
                }
                install(
                    Backend::Scorm(scorm),
                    scenario,
                    start.suspend_data,
                    start.mastery,
                    start.mode != scorm::Mode::Normal,
                );
            }
            Err(_) => set_problem(Some(PROBLEM_NOTICE.into())),
        }
    } else if launch.scorm && launch.cmi5.is_none() {
        // Launched from a SCORM package, but no LMS answers: nothing will be recorded.
        set_problem(Some(NO_LMS_NOTICE.into()));
    } else if let Some(params) = launch.cmi5.clone() {
        READY.with(|r| r.set(false));
        let scenario = launch.scenario.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match cmi5::Cmi5::launch(params).await {
                Ok((cmi5, start)) => {
                    install(
                        Backend::Cmi5(Box::new(cmi5)),
                        scenario,
                        start.suspend_data,
                        start.mastery,
                        false,
                    );
                }
                Err(message) => set_problem(Some(message)),
            }
            READY.with(|r| r.set(true));
            notify();
        });
    }

    // Open the launched scenario (or the resumed one) unless the address names a page.
    let target = launch
        .scenario
        .clone()
        .or_else(|| with_runtime(|r| r.scenario.clone()).flatten());
    let hash = window.location().hash().unwrap_or_default();
    if let Some(id) = target
        && (hash.is_empty() || hash == "#" || hash == "#/")
    {
        let _ = window.location().replace(&format!("#/play/{id}"));
    }

    host::boot(&window);
    listen(&window);
}

fn install(
    backend: Backend,
    scenario: Option<String>,
    resume: Option<String>,
    mastery: Option<f64>,
    read_only: bool,
) {
    let now = now_ms();
    RUNTIME.with(|r| {
        if let Ok(mut r) = r.try_borrow_mut() {
            *r = Some(Runtime {
                backend,
                scenario,
                resume,
                mastery,
                session: None,
                verdict: None,
                timings: Vec::new(),
                written: 0,
                outcome_written: false,
                started_ms: now,
                scene_ms: now,
                read_only,
                dirty: false,
                timer: false,
                retry_ms: RETRY_FIRST_MS,
                finished: false,
            });
        }
    });
}

/// Commits on `visibilitychange` to hidden (the learner switched away, maybe for good) and
/// finishes once on `pagehide` (Moodle's iframe policy blocks `unload`, and iOS does not
/// fire `beforeunload` reliably).
fn listen(window: &web_sys::Window) {
    if let Some(document) = window.document() {
        let doc = document.clone();
        let on_visibility = Closure::<dyn FnMut()>::new(move || {
            if doc.hidden() {
                with_runtime(Runtime::flush);
            }
        });
        let _ = document.add_event_listener_with_callback(
            "visibilitychange",
            on_visibility.as_ref().unchecked_ref(),
        );
        on_visibility.forget();
    }
    let on_pagehide = Closure::<dyn FnMut()>::new(|| {
        with_runtime(Runtime::finish);
    });
    let _ =
        window.add_event_listener_with_callback("pagehide", on_pagehide.as_ref().unchecked_ref());
    on_pagehide.forget();
}

/// Whether an LMS records this scenario (then local storage is not used for it).
pub fn owns(scenario_id: &str) -> bool {
    with_runtime(|r| r.scenario.as_deref().is_none_or(|s| s == scenario_id)).unwrap_or(false)
}

/// The session to start with when an LMS records this scenario: the one its suspend data
/// holds, or a new one. `None` when no LMS records it (use local storage). The message, if
/// any, says why a saved session could not be used.
pub fn initial_session(scenario: &Arc<Scenario>, seed: u64) -> Option<(Session, Option<String>)> {
    if !owns(&scenario.meta.id) {
        return None;
    }
    let resume = with_runtime(|r| r.resume.take()).flatten();
    Some(match resume {
        None => (Session::new(scenario.clone(), seed), None),
        Some(raw) => match code::decode(&raw, scenario.clone()) {
            Ok(session) => (session, None),
            Err(e) => (
                Session::new(scenario.clone(), seed),
                Some(format!(
                    "Your progress saved by the learning platform could not be restored ({e}), so the scenario starts again from the beginning."
                )),
            ),
        },
    })
}

/// The verdict on an ended session, as every part of the app shows and records it: the
/// scenario's own, judged against the learning platform's pass mark when an LMS records this
/// scenario and supplied a mastery score at launch (SCORM 1.2
/// `cmi.student_data.mastery_score`, SCORM 2004 `cmi.scaled_passing_score`, cmi5
/// `masteryScore`), which then wins. The play page works it out once and gives the same value to the debrief,
/// the results history and [`report`]; `None` before the ending.
pub fn verdict(session: &Session) -> Option<Verdict> {
    let mastery = with_runtime(|r| {
        let ours = r
            .scenario
            .as_deref()
            .is_none_or(|s| s == session.scenario().meta.id);
        r.mastery.filter(|_| ours)
    })
    .flatten();
    report::judged(session, mastery)
}

/// Reports a session's state: called by the play page at the start, after every decision and
/// at the ending, with the session's [`verdict`] once it has ended. Writes what is new; never
/// fails.
pub fn report(session: &Session, verdict: Option<&Verdict>) {
    host::report(session, verdict);
    with_runtime(|r| r.report(session, verdict.copied()));
}

impl Runtime {
    fn report(&mut self, session: &Session, verdict: Option<Verdict>) {
        if self.finished {
            return;
        }
        if self.read_only {
            // Review and browse: the session is kept (for the exit control) but nothing is
            // written.
            self.session = Some(session.clone());
            return;
        }
        let id = &session.scenario().meta.id;
        match &self.scenario {
            Some(s) if s != id => return,
            None => self.scenario = Some(id.clone()),
            _ => {}
        }
        let n = session.history().len();
        let same_playthrough = self
            .session
            .as_ref()
            .is_some_and(|old| old.seed() == session.seed() && old.history().len() <= n);
        let now = now_ms();
        if self.session.is_none() {
            // The first report: decisions before it were recorded in an earlier LMS session.
            self.written = n;
            self.timings = vec![(now, 0.0); n];
            self.outcome_written = session.is_ended();
        } else if !same_playthrough {
            // "Play again": a new playthrough in the same LMS session.
            self.written = 0;
            self.timings.clear();
            self.outcome_written = false;
        }
        while self.timings.len() < n {
            self.timings.push((now, now - self.scene_ms));
            self.scene_ms = now;
        }
        self.timings.truncate(n);
        if n == 0 {
            self.scene_ms = now;
        }
        self.session = Some(session.clone());
        self.verdict = verdict.filter(|_| session.is_ended());
        self.dirty = true;
        let ended = session.is_ended();
        match self.write() {
            Ok(()) if ended => self.flush(),
            Ok(()) => self.schedule(COMMIT_DELAY_MS),
            Err(()) => self.failed(),
        }
    }

    /// Writes everything not yet written. Idempotent apart from the interactions, which are
    /// counted so that each is written once.
    fn write(&mut self) -> Result<(), ()> {
        let Some(session) = self.session.clone() else {
            return Ok(());
        };
        let outcome = self.verdict.and_then(|v| report::outcome(&session, &v));
        let progress = report::progress(&session);
        let code = code::encode(&session);
        match &mut self.backend {
            Backend::Scorm(api) => {
                // Required data first (where the learner is, then the ending), each element
                // on its own, so that nothing depends on the optional interactions.
                let mut out = scorm::Written::default();
                api.progress(&session.scene().id, &code, progress, &mut out);
                if !self.outcome_written
                    && let Some(o) = &outcome
                {
                    self.outcome_written = api.outcome(o, &mut out);
                }
                while self.written < session.history().len() {
                    let i = self.written;
                    let Some(it) = report::interaction(&session, i) else {
                        break;
                    };
                    let (at, latency) = self.timings.get(i).copied().unwrap_or((now_ms(), 0.0));
                    if !api.interaction(&it, latency, at, &mut out) {
                        break;
                    }
                    self.written += 1;
                }
                if out.retry { Err(()) } else { Ok(()) }
            }
            Backend::Cmi5(c) => {
                while self.written < session.history().len() {
                    let i = self.written;
                    let it = report::interaction(&session, i).ok_or(())?;
                    let (at, latency) = self.timings.get(i).copied().unwrap_or((now_ms(), 0.0));
                    c.answered(&it, latency, at);
                    self.written += 1;
                }
                if !self.outcome_written
                    && let Some(o) = &outcome
                {
                    c.outcome(o, now_ms() - self.started_ms);
                    self.outcome_written = true;
                }
                c.save(code);
                Ok(())
            }
        }
    }

    fn schedule(&mut self, delay: i32) {
        if self.timer {
            return;
        }
        self.timer = true;
        set_timeout(delay, || {
            with_runtime(|r| {
                r.timer = false;
                r.flush();
            });
        });
    }

    /// Writes and commits now, if anything changed.
    fn flush(&mut self) {
        if self.finished || !self.dirty || self.read_only {
            return;
        }
        let session_ms = now_ms() - self.started_ms;
        let ended = self.session.as_ref().is_some_and(Session::is_ended);
        let result = self.write().and_then(|()| match &mut self.backend {
            Backend::Scorm(api) => {
                let mut out = scorm::Written::default();
                api.exit(session_ms, ended, &mut out);
                let committed = api.commit().is_ok();
                if out.retry || !committed {
                    Err(())
                } else {
                    Ok(())
                }
            }
            Backend::Cmi5(c) => {
                c.flush();
                Ok(())
            }
        });
        match result {
            Ok(()) => {
                self.dirty = false;
                self.retry_ms = RETRY_FIRST_MS;
                if let Backend::Scorm(api) = &self.backend {
                    settle(false, api.lost());
                }
            }
            Err(()) => self.failed(),
        }
    }

    /// Shows the notice and tries again later. The wait grows only when a retry is
    /// actually scheduled: failures while one is pending (a decision, the ending) do not
    /// push the next attempt further away.
    fn failed(&mut self) {
        set_problem(Some(PROBLEM_NOTICE.into()));
        if self.timer {
            return;
        }
        let delay = self.retry_ms;
        self.retry_ms = (self.retry_ms * 2).min(RETRY_MAX_MS);
        self.schedule(delay);
    }

    /// Ends the LMS session: last writes, session time, exit, commit, finish. Once.
    fn finish(&mut self) {
        if self.finished {
            return;
        }
        match self.backend {
            Backend::Scorm(_) => {
                self.dirty = true;
                self.flush();
            }
            // What is still queued goes out with `terminated`, in one request, so that
            // `terminated` is the last statement the LRS gets.
            Backend::Cmi5(_) => {
                if !self.read_only {
                    let _ = self.write();
                }
            }
        }
        self.finished = true;
        if self.read_only {
            if let Backend::Scorm(api) = &self.backend {
                let _ = api.finish();
            }
            return;
        }
        let session_ms = now_ms() - self.started_ms;
        match &mut self.backend {
            Backend::Scorm(api) => {
                let _ = api.finish();
            }
            Backend::Cmi5(c) => c.terminate(session_ms),
        }
    }

    /// The exit control's work: asks SCORM 2004 to leave, then finishes. Returns where a
    /// cmi5 launch wants the learner sent.
    fn exit(&mut self) -> Option<String> {
        let ended = self.read_only || self.session.as_ref().is_some_and(Session::is_ended);
        if let Backend::Scorm(api) = &mut self.backend {
            api.request_exit(ended);
        }
        self.finish();
        match &self.backend {
            Backend::Cmi5(c) => c.return_url().map(str::to_owned),
            Backend::Scorm(_) => None,
        }
    }
}
