//! The cmi5 runtime: one POST to the launch's fetch URL for the session token (kept in
//! session storage for the launch, so that a reload carries on with the same token), the
//! `LMS.LaunchData` state (context template, launch mode, mastery score, return URL), the
//! learner's `cmi5LearnerPreferences`, the saved session from the AU's own state document,
//! and statements sent in order to the LRS with `Authorization: Basic <token>` and
//! `X-Experience-API-Version: 1.0.3`.
//!
//! The LMS itself records `launched`; this AU sends initialized, answered (per decision),
//! completed, passed or failed (only in the Normal launch mode, as cmi5 requires) and
//! terminated. `completed` goes once per registration, `passed` once, `failed` once and
//! never after `passed`: the AU's state document remembers what a registration was sent,
//! across sessions. Each statement id is sent once: a batch in flight is never sent again,
//! a 409 answer means the LRS already has it, and any other 4xx answer is final for that
//! statement (the others of its batch are sent one by one); network failures and 5xx
//! answers are retried. Nothing here panics or throws.

use rand::TryRng as _;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::launch::Cmi5Params;
use super::report::{Interaction, Outcome};
use super::xapi::{self, Context, Verb, get, parse, stringify};
use super::{now_ms, settle};
use crate::platform::clock::set_timeout;

/// The AU's own state document, holding the session code (the cmi5 counterpart of SCORM's
/// suspend_data, kept within the same 4,096 characters) and what the registration was sent.
const STATE_ID: &str = "frontline.session";

/// Where a launch keeps its token in session storage (followed by the fetch URL, which is
/// unique to the launch).
const TOKEN_KEY: &str = "frontline.cmi5.token ";

/// keepalive requests may carry 64 KiB in all; larger batches are sent without it.
const KEEPALIVE_MAX: usize = 60_000;

/// What the LMS handed over at the start.
pub struct Start {
    /// The saved session code, when the learner is resuming.
    pub suspend_data: Option<String>,
    /// The LMS's mastery score (0 to 1).
    pub mastery: Option<f64>,
}

/// The cmi5-defined outcome statements a registration has been sent (in any session).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    /// `completed`: at most once per registration.
    pub completed: bool,
    /// `passed`: at most once per registration.
    pub passed: bool,
    /// `failed`: at most once per registration, and not after `passed`.
    pub failed: bool,
}

impl Sent {
    /// The statements to send for a playthrough's ending, and what will then have been sent.
    pub fn after(self, passed: bool) -> (Vec<Verb>, Sent) {
        let mut verbs = Vec::new();
        let mut next = self;
        if !self.completed {
            verbs.push(Verb::Completed);
            next.completed = true;
        }
        if passed && !self.passed {
            verbs.push(Verb::Passed);
            next.passed = true;
        } else if !passed && !self.passed && !self.failed {
            verbs.push(Verb::Failed);
            next.failed = true;
        }
        (verbs, next)
    }
}

/// Statements waiting to be sent, in order, and whether a send is under way.
#[derive(Default)]
struct Outbox {
    /// Statements not yet sent (those in flight are not here).
    queue: VecDeque<JsValue>,
    /// How many statements at the front of the queue go one at a time, because the LRS
    /// refused the batch they were in.
    single: usize,
    sending: bool,
    retry_ms: i32,
    /// The session code and what was sent, for the state document, and whether the LRS
    /// has the latest.
    code: Option<String>,
    sent: Sent,
    state_dirty: bool,
    /// Whether the LRS refused a cmi5-defined statement for good.
    lost: bool,
    terminated: bool,
}

/// A cmi5 session.
pub struct Cmi5 {
    params: Cmi5Params,
    token: String,
    ctx: Context,
    /// Only the Normal launch mode may send completed, passed and failed.
    normal: bool,
    /// Where to send the learner when they exit (LaunchData's `returnURL`).
    return_url: Option<String>,
    outbox: Rc<RefCell<Outbox>>,
}

/// Sends a request; the status and body text, or a sentence for the notice.
async fn request(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<(u16, String), String> {
    request_with(method, url, token, body, false).await
}

/// [`request`], optionally with keepalive, so that it completes if the page goes away while
/// it is in flight (statements in flight are never sent again).
async fn request_with(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
    keepalive: bool,
) -> Result<(u16, String), String> {
    let offline = |_| "Frontline could not reach your learning platform.".to_owned();
    let window = web_sys::window().ok_or("no window")?;
    let headers = web_sys::Headers::new().map_err(offline)?;
    if let Some(token) = token {
        headers
            .set("Authorization", &format!("Basic {token}"))
            .map_err(offline)?;
        headers
            .set("X-Experience-API-Version", "1.0.3")
            .map_err(offline)?;
    }
    if body.is_some() {
        headers
            .set("Content-Type", "application/json")
            .map_err(offline)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    if keepalive {
        let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
    }
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(offline)?;
    let response: web_sys::Response = response.dyn_into().map_err(offline)?;
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    };
    Ok((response.status(), text.unwrap_or_default()))
}

/// `base?key=value&...` with every value encoded.
fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v)))
        .collect();
    format!("{base}?{}", query.join("&"))
}

fn random_uuid() -> String {
    let mut b = [0u8; 16];
    if rand::rngs::SysRng.try_fill_bytes(&mut b).is_err() {
        let t = (now_ms() * 1000.0) as u128;
        b = t.to_le_bytes();
    }
    xapi::uuid(b)
}

/// The token a launch (its fetch URL) got earlier in this browser tab, if any.
fn stored_token(fetch: &str) -> Option<String> {
    web_sys::window()?
        .session_storage()
        .ok()??
        .get_item(&format!("{TOKEN_KEY}{fetch}"))
        .ok()?
}

fn store_token(fetch: &str, token: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = storage.set_item(&format!("{TOKEN_KEY}{fetch}"), token);
    }
}

/// Reads the AU's state document: the session code and what the registration was sent.
fn read_state(doc: &JsValue) -> (Option<String>, Sent) {
    let flag = |k| get(doc, k).as_bool().unwrap_or(false);
    (
        get(doc, "code").as_string(),
        Sent {
            completed: flag("completed"),
            passed: flag("passed"),
            failed: flag("failed"),
        },
    )
}

impl Cmi5 {
    /// Starts the session: token, launch data, learner preferences, saved state, then
    /// `initialized` (not again after a reload of the same launch).
    pub async fn launch(params: Cmi5Params) -> Result<(Cmi5, Start), String> {
        let fail = |what: &str| {
            format!(
                "Frontline could not connect to your learning platform ({what}). You can play, but your progress is not recorded."
            )
        };
        let actor = parse(&params.actor)
            .filter(JsValue::is_object)
            .ok_or_else(|| fail("the learner is not named"))?;
        // The fetch URL works once; a reload of the same launch uses the token it gave.
        let (token, reloaded) = match stored_token(&params.fetch) {
            Some(token) => (token, true),
            None => {
                let (status, body) = request("POST", &params.fetch, None, None)
                    .await
                    .map_err(|_| fail("no answer from the fetch URL"))?;
                let token = parse(&body)
                    .and_then(|v| get(&v, "auth-token").as_string())
                    .filter(|_| status == 200)
                    .ok_or_else(|| {
                        fail("the launch has expired; please launch the activity again")
                    })?;
                store_token(&params.fetch, &token);
                (token, false)
            }
        };
        let state_url = |state_id: &str| {
            with_query(
                &format!("{}activities/state", params.endpoint),
                &[
                    ("stateId", state_id),
                    ("activityId", &params.activity_id),
                    ("agent", &params.actor),
                    ("registration", &params.registration),
                ],
            )
        };
        let (status, body) = request("GET", &state_url("LMS.LaunchData"), Some(&token), None)
            .await
            .map_err(|_| fail("no launch data"))?;
        let launch_data = parse(&body)
            .filter(|v| status == 200 && v.is_object())
            .ok_or_else(|| fail("no launch data"))?;
        let mastery = get(&launch_data, "masteryScore")
            .as_f64()
            .filter(|m| (0.0..=1.0).contains(m));
        let normal = get(&launch_data, "launchMode")
            .as_string()
            .is_none_or(|m| m == "Normal");
        let return_url = get(&launch_data, "returnURL")
            .as_string()
            .filter(|u| !u.is_empty());
        let template = get(&launch_data, "contextTemplate");
        // cmi5 requires the AU to read the learner's preferences. Frontline has no audio and
        // one language, so neither preference changes what it shows; a missing document is
        // normal.
        let _ = request(
            "GET",
            &with_query(
                &format!("{}agents/profile", params.endpoint),
                &[
                    ("agent", &params.actor),
                    ("profileId", "cmi5LearnerPreferences"),
                ],
            ),
            Some(&token),
            None,
        )
        .await;
        let (suspend_data, sent) =
            match request("GET", &state_url(STATE_ID), Some(&token), None).await {
                Ok((200, body)) => parse(&body).map_or((None, Sent::default()), |v| read_state(&v)),
                _ => (None, Sent::default()),
            };
        let cmi5 = Cmi5 {
            ctx: Context {
                actor,
                activity_id: params.activity_id.clone(),
                registration: params.registration.clone(),
                template,
                mastery,
            },
            params,
            token,
            normal,
            return_url,
            outbox: Rc::new(RefCell::new(Outbox {
                retry_ms: 2_000,
                code: suspend_data.clone(),
                sent,
                ..Outbox::default()
            })),
        };
        if !reloaded {
            cmi5.push(xapi::defined(
                &random_uuid(),
                &cmi5.ctx,
                Verb::Initialized,
                None,
                0.0,
                now_ms(),
            ));
        }
        cmi5.flush();
        Ok((
            cmi5,
            Start {
                suspend_data,
                mastery,
            },
        ))
    }

    fn push(&self, statement: JsValue) {
        if let Ok(mut o) = self.outbox.try_borrow_mut() {
            o.queue.push_back(statement);
        }
    }

    /// Where the LMS wants the learner sent when they exit.
    pub fn return_url(&self) -> Option<&str> {
        self.return_url.as_deref()
    }

    /// Queues an `answered` statement for a decision.
    pub fn answered(&mut self, it: &Interaction, latency_ms: f64, at_ms: f64) {
        self.push(xapi::answered(
            &random_uuid(),
            &self.ctx,
            it,
            latency_ms,
            at_ms,
        ));
    }

    /// Queues what a playthrough's ending adds to the registration's record: `completed`
    /// the first time, then `passed` or `failed` (see [`Sent::after`]). Normal launch mode
    /// only.
    pub fn outcome(&mut self, o: &Outcome, duration_ms: f64) {
        if !self.normal {
            return;
        }
        let Ok(mut outbox) = self.outbox.try_borrow_mut() else {
            return;
        };
        let (verbs, sent) = outbox.sent.after(o.passed);
        let now = now_ms();
        for verb in verbs {
            let score = (verb != Verb::Completed).then_some(o);
            outbox.queue.push_back(xapi::defined(
                &random_uuid(),
                &self.ctx,
                verb,
                score,
                duration_ms,
                now,
            ));
        }
        if sent != outbox.sent {
            outbox.sent = sent;
            outbox.state_dirty = true;
        }
    }

    /// Remembers the session code to store at the next flush.
    pub fn save(&mut self, code: String) {
        if let Ok(mut o) = self.outbox.try_borrow_mut()
            && o.code.as_deref() != Some(code.as_str())
        {
            o.code = Some(code);
            o.state_dirty = true;
        }
    }

    /// Sends what is queued, in order, unless a send is under way.
    pub fn flush(&self) {
        pump(
            self.outbox.clone(),
            self.params.endpoint.clone(),
            self.state_url(),
            self.token.clone(),
        );
    }

    fn state_url(&self) -> String {
        with_query(
            &format!("{}activities/state", self.params.endpoint),
            &[
                ("stateId", STATE_ID),
                ("activityId", &self.params.activity_id),
                ("agent", &self.params.actor),
                ("registration", &self.params.registration),
            ],
        )
    }

    /// Sends `terminated` with what is still queued (not what is in flight, which its own
    /// request delivers) in requests that outlive the page.
    pub fn terminate(&mut self, duration_ms: f64) {
        let statement = xapi::defined(
            &random_uuid(),
            &self.ctx,
            Verb::Terminated,
            None,
            duration_ms,
            now_ms(),
        );
        let (singles, batch, state) = match self.outbox.try_borrow_mut() {
            Ok(mut o) if !o.terminated => {
                o.terminated = true;
                o.queue.push_back(statement);
                let single = o.single.min(o.queue.len());
                o.single = 0;
                let singles: Vec<JsValue> = o.queue.drain(..single).collect();
                let batch: Vec<JsValue> = o.queue.drain(..).collect();
                let state = o.state_dirty.then(|| state_doc(o.code.as_deref(), o.sent));
                o.state_dirty = false;
                (singles, batch, state)
            }
            _ => return,
        };
        // Every request starts now, while the page is still there; keepalive lets them
        // finish after it has gone.
        if let Some(doc) = state {
            send_now("PUT", &self.state_url(), &self.token, &doc);
        }
        let url = format!("{}statements", self.params.endpoint);
        for s in singles {
            let body = stringify(&std::iter::once(s).collect::<js_sys::Array>());
            send_now("POST", &url, &self.token, &body.unwrap_or_default());
        }
        let body = stringify(&batch.into_iter().collect::<js_sys::Array>()).unwrap_or_default();
        send_now("POST", &url, &self.token, &body);
    }
}

/// Starts a keepalive request without waiting for it (the page is closing).
fn send_now(method: &str, url: &str, token: &str, body: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(headers) = web_sys::Headers::new() else {
        return;
    };
    let _ = headers.set("Authorization", &format!("Basic {token}"));
    let _ = headers.set("X-Experience-API-Version", "1.0.3");
    let _ = headers.set("Content-Type", "application/json");
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
    // The promise is dropped: nobody is left to act on its answer.
    let _ = window.fetch_with_str_and_init(url, &init);
}

/// The AU's state document: `{"code": "<session code>", "completed": .., "passed": ..,
/// "failed": ..}`.
fn state_doc(code: Option<&str>, sent: Sent) -> String {
    let doc = xapi::obj();
    if let Some(code) = code {
        xapi::set(&doc, "code", code);
    }
    xapi::set(&doc, "completed", sent.completed);
    xapi::set(&doc, "passed", sent.passed);
    xapi::set(&doc, "failed", sent.failed);
    stringify(&doc.into()).unwrap_or_default()
}

/// The verb of a statement, for messages.
fn verb_of(statement: &JsValue) -> String {
    get(&get(statement, "verb"), "id")
        .as_string()
        .and_then(|id| id.rsplit('/').next().map(str::to_owned))
        .unwrap_or_default()
}

/// How an answer to a batch of statements is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Stored (a 2xx, or a 409 for a single statement: the LRS already has that id).
    Stored,
    /// Refused for good: a 4xx for a single statement.
    Refused,
    /// A 4xx for a batch: send its statements one by one to find the one refused.
    Split,
    /// No answer, or a 5xx: send again later.
    Retry,
}

/// What to do about an LRS's answer (`None`: no answer) to a batch of `n` statements.
pub fn answer(status: Option<u16>, n: usize) -> Answer {
    match status {
        Some(200..=299) => Answer::Stored,
        Some(409) if n == 1 => Answer::Stored,
        Some(400..=499) if n > 1 => Answer::Split,
        Some(400..=499) => Answer::Refused,
        _ => Answer::Retry,
    }
}

/// Sends the state document and the queued statements; on failure shows the notice and
/// tries again later with a growing wait.
fn pump(outbox: Rc<RefCell<Outbox>>, endpoint: String, state_url: String, token: String) {
    let (batch, state) = match outbox.try_borrow_mut() {
        Ok(mut o) if !o.sending && !o.terminated && (!o.queue.is_empty() || o.state_dirty) => {
            o.sending = true;
            let n = if o.single > 0 { 1 } else { o.queue.len() };
            let batch: Vec<JsValue> = o.queue.drain(..n).collect();
            let state = o.state_dirty.then(|| state_doc(o.code.as_deref(), o.sent));
            o.state_dirty = false;
            (batch, state)
        }
        _ => return,
    };
    wasm_bindgen_futures::spawn_local(async move {
        let mut required_lost = false;
        let verdict = if batch.is_empty() {
            Answer::Stored
        } else {
            let body = stringify(&batch.iter().collect::<js_sys::Array>()).unwrap_or_default();
            let status = request_with(
                "POST",
                &format!("{endpoint}statements"),
                Some(&token),
                Some(&body),
                body.len() < KEEPALIVE_MAX,
            )
            .await
            .ok()
            .map(|(s, _)| s);
            let verdict = answer(status, batch.len());
            if verdict == Answer::Refused {
                let verb = verb_of(&batch[0]);
                web_sys::console::warn_1(
                    &format!(
                        "Frontline: the LRS refused the {verb} statement (HTTP {})",
                        status.unwrap_or_default()
                    )
                    .into(),
                );
                // A decision's statement is optional data; the cmi5-defined ones are not.
                required_lost = verb != "answered";
            }
            verdict
        };
        // The state document after the statements: a batch in flight is as short as it
        // can be when the page closes.
        let mut state_retry = false;
        if let Some(doc) = &state {
            let status = request_with("PUT", &state_url, Some(&token), Some(doc), true)
                .await
                .ok()
                .map(|(s, _)| s);
            match status {
                Some(200..=299) => {}
                Some(s @ 400..=499) => web_sys::console::warn_1(
                    &format!("Frontline: the LRS refused the saved session (HTTP {s})").into(),
                ),
                _ => state_retry = true,
            }
        }
        let (retry, lost) = match outbox.try_borrow_mut() {
            Ok(mut o) => {
                o.sending = false;
                o.state_dirty |= state_retry;
                let was_single = o.single > 0;
                match verdict {
                    Answer::Stored | Answer::Refused => {
                        if was_single {
                            o.single -= 1;
                        }
                        o.lost |= required_lost;
                    }
                    Answer::Split | Answer::Retry => {
                        if verdict == Answer::Split {
                            o.single = batch.len();
                        }
                        for s in batch.into_iter().rev() {
                            o.queue.push_front(s);
                        }
                    }
                }
                if verdict == Answer::Retry || state_retry {
                    let wait = o.retry_ms;
                    o.retry_ms = (o.retry_ms * 2).min(30_000);
                    (Some(wait), o.lost)
                } else {
                    o.retry_ms = 2_000;
                    (None, o.lost)
                }
            }
            Err(_) => (None, false),
        };
        settle(retry.is_some(), lost);
        match retry {
            // More may have been queued while this batch was in flight.
            None => pump(outbox, endpoint, state_url, token),
            Some(wait) => set_timeout(wait, move || pump(outbox, endpoint, state_url, token)),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_goes_once_per_registration_and_failed_never_after_passed() {
        let none = Sent::default();
        let (verbs, sent) = none.after(false);
        assert_eq!(verbs, [Verb::Completed, Verb::Failed]);
        // A later session passes: passed, and no second completed.
        let (verbs, sent) = sent.after(true);
        assert_eq!(verbs, [Verb::Passed]);
        assert!(sent.after(true).0.is_empty());
        assert!(sent.after(false).0.is_empty(), "no failed after passed");
        let (verbs, sent) = none.after(true);
        assert_eq!(verbs, [Verb::Completed, Verb::Passed]);
        assert_eq!(
            sent,
            Sent {
                completed: true,
                passed: true,
                failed: false
            }
        );
        // Failing twice records one failed.
        assert!(none.after(false).1.after(false).0.is_empty());
    }

    #[test]
    fn a_4xx_is_final_for_one_statement_and_splits_a_batch() {
        assert_eq!(answer(Some(200), 3), Answer::Stored);
        assert_eq!(answer(Some(204), 1), Answer::Stored);
        assert_eq!(answer(Some(409), 1), Answer::Stored);
        assert_eq!(answer(Some(409), 4), Answer::Split);
        assert_eq!(answer(Some(400), 4), Answer::Split);
        assert_eq!(answer(Some(400), 1), Answer::Refused);
        assert_eq!(answer(Some(503), 1), Answer::Retry);
        assert_eq!(answer(None, 2), Answer::Retry);
    }
}
