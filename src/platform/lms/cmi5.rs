//! The cmi5 runtime: one POST to the launch's fetch URL for the session token, the
//! `LMS.LaunchData` state (context template, launch mode, moveOn, mastery score), the saved
//! session from the AU's own state document, and statements sent in order to the LRS with
//! `Authorization: Basic <token>` and `X-Experience-API-Version: 1.0.3`.
//!
//! The LMS itself records `launched`; this AU sends initialized, answered (per decision),
//! completed, passed or failed (only in the Normal launch mode, as cmi5 requires) and
//! terminated. Failed requests are retried; nothing here panics or throws.

use rand::TryRng as _;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::launch::Cmi5Params;
use super::report::{Interaction, Outcome};
use super::xapi::{self, Context, Verb, get, parse, stringify};
use super::{PROBLEM_NOTICE, now_ms, set_problem};
use crate::platform::clock::set_timeout;

/// The AU's own state document, holding the session code (the cmi5 counterpart of SCORM's
/// suspend_data, kept within the same 4,096 characters).
const STATE_ID: &str = "frontline.session";

/// What the LMS handed over at the start.
pub struct Start {
    /// The saved session code, when the learner is resuming.
    pub suspend_data: Option<String>,
    /// The LMS's mastery score (0 to 1).
    pub mastery: Option<f64>,
}

/// Statements waiting to be sent, in order, and whether a send is under way.
#[derive(Default)]
struct Outbox {
    queue: VecDeque<JsValue>,
    sending: bool,
    retry_ms: i32,
    code: Option<String>,
}

/// A cmi5 session.
pub struct Cmi5 {
    params: Cmi5Params,
    token: String,
    ctx: Context,
    /// Only the Normal launch mode may send completed, passed and failed.
    normal: bool,
    completed: bool,
    outbox: Rc<RefCell<Outbox>>,
    terminated: bool,
}

/// Sends a request; the status and body text, or a sentence for the notice.
async fn request(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
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

impl Cmi5 {
    /// Starts the session: token, launch data, saved state, then `initialized`.
    pub async fn launch(params: Cmi5Params) -> Result<(Cmi5, Start), String> {
        let fail = |what: &str| {
            format!(
                "Frontline could not connect to your learning platform ({what}). You can play, but your progress is not recorded."
            )
        };
        let actor = parse(&params.actor)
            .filter(JsValue::is_object)
            .ok_or_else(|| fail("the learner is not named"))?;
        let (status, body) = request("POST", &params.fetch, None, None)
            .await
            .map_err(|_| fail("no answer from the fetch URL"))?;
        let token = parse(&body)
            .and_then(|v| get(&v, "auth-token").as_string())
            .filter(|_| status == 200)
            .ok_or_else(|| fail("the launch has expired; please launch the activity again"))?;
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
        let template = get(&launch_data, "contextTemplate");
        let suspend_data = match request("GET", &state_url(STATE_ID), Some(&token), None).await {
            Ok((200, body)) => parse(&body).and_then(|v| get(&v, "code").as_string()),
            _ => None,
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
            completed: false,
            outbox: Rc::new(RefCell::new(Outbox {
                retry_ms: 2_000,
                ..Outbox::default()
            })),
            terminated: false,
        };
        cmi5.push(xapi::defined(
            &random_uuid(),
            &cmi5.ctx,
            Verb::Initialized,
            None,
            0.0,
            now_ms(),
        ));
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

    /// Queues completed and passed or failed (Normal launch mode only).
    pub fn outcome(&mut self, o: &Outcome, duration_ms: f64) {
        if !self.normal || self.completed {
            return;
        }
        self.completed = true;
        let now = now_ms();
        self.push(xapi::defined(
            &random_uuid(),
            &self.ctx,
            Verb::Completed,
            None,
            duration_ms,
            now,
        ));
        let verdict = if o.passed { Verb::Passed } else { Verb::Failed };
        self.push(xapi::defined(
            &random_uuid(),
            &self.ctx,
            verdict,
            Some(o),
            duration_ms,
            now,
        ));
    }

    /// Remembers the session code to store at the next flush.
    pub fn save(&mut self, code: String) {
        if let Ok(mut o) = self.outbox.try_borrow_mut() {
            o.code = Some(code);
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

    /// Sends `terminated` (with what is still queued) in a request that outlives the page.
    pub fn terminate(&mut self, duration_ms: f64) {
        if self.terminated {
            return;
        }
        self.terminated = true;
        let statement = xapi::defined(
            &random_uuid(),
            &self.ctx,
            Verb::Terminated,
            None,
            duration_ms,
            now_ms(),
        );
        let (batch, code) = match self.outbox.try_borrow_mut() {
            Ok(mut o) => {
                o.queue.push_back(statement);
                (o.queue.drain(..).collect::<Vec<_>>(), o.code.take())
            }
            Err(_) => (vec![statement], None),
        };
        let body = stringify(&batch.into_iter().collect::<js_sys::Array>()).unwrap_or_default();
        // Both requests start now, while the page is still there; keepalive lets them finish
        // after it has gone.
        if let Some(code) = code {
            send_now("PUT", &self.state_url(), &self.token, &state_doc(&code));
        }
        send_now(
            "POST",
            &format!("{}statements", self.params.endpoint),
            &self.token,
            &body,
        );
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

/// The AU's state document: `{"code": "<session code>"}`.
fn state_doc(code: &str) -> String {
    let doc = xapi::obj();
    xapi::set(&doc, "code", code);
    stringify(&doc.into()).unwrap_or_default()
}

/// Sends the saved code and the queued statements; on failure shows the notice and tries
/// again later with a growing wait.
fn pump(outbox: Rc<RefCell<Outbox>>, endpoint: String, state_url: String, token: String) {
    let (batch, code) = match outbox.try_borrow_mut() {
        Ok(mut o) if !o.sending && (!o.queue.is_empty() || o.code.is_some()) => {
            o.sending = true;
            (o.queue.iter().cloned().collect::<Vec<_>>(), o.code.clone())
        }
        _ => return,
    };
    wasm_bindgen_futures::spawn_local(async move {
        let mut ok = true;
        if let Some(code) = &code {
            let doc = state_doc(code);
            ok &= matches!(
                request("PUT", &state_url, Some(&token), Some(&doc)).await,
                Ok((204 | 200, _))
            );
        }
        if ok && !batch.is_empty() {
            let body = stringify(&batch.iter().collect::<js_sys::Array>()).unwrap_or_default();
            ok &= matches!(
                request(
                    "POST",
                    &format!("{endpoint}statements"),
                    Some(&token),
                    Some(&body)
                )
                .await,
                Ok((200, _))
            );
        }
        let retry = match outbox.try_borrow_mut() {
            Ok(mut o) => {
                o.sending = false;
                if ok {
                    let sent = batch.len().min(o.queue.len());
                    o.queue.drain(..sent);
                    if o.code == code {
                        o.code = None;
                    }
                    o.retry_ms = 2_000;
                    None
                } else {
                    let wait = o.retry_ms;
                    o.retry_ms = (o.retry_ms * 2).min(30_000);
                    Some(wait)
                }
            }
            Err(_) => None,
        };
        match retry {
            None => {
                set_problem(None);
                // More may have been queued while this batch was in flight.
                pump(outbox, endpoint, state_url, token);
            }
            Some(wait) => {
                set_problem(Some(PROBLEM_NOTICE.into()));
                set_timeout(wait, move || pump(outbox, endpoint, state_url, token));
            }
        }
    });
}
