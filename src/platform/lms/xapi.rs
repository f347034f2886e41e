//! xAPI 1.0.3 statements for cmi5: the cmi5-defined ones (initialized, completed, passed,
//! failed, terminated: with the cmi5 category, and the moveOn category on completed, passed
//! and failed) and a cmi5-allowed `answered` statement per decision (no cmi5 category, as the
//! spec requires). Every statement carries the LMS's context template, the registration and
//! a timestamp.
//!
//! Statements are built as JavaScript objects and serialised with the browser's `JSON`, which
//! keeps a JSON library (and float formatting) out of the first-play wasm. The end-to-end
//! test validates every statement the app sends with the xapi-validation package.

use js_sys::{Array, JSON, Object, Reflect};
use wasm_bindgen::JsValue;

use super::report::{self, Interaction, Outcome};

/// cmi5's category activity, on every cmi5-defined statement.
pub const CATEGORY_CMI5: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
/// cmi5's moveOn category, on completed, passed and failed.
pub const CATEGORY_MOVEON: &str = "https://w3id.org/xapi/cmi5/context/categories/moveon";
/// The context extension carrying the LMS's mastery score on passed and failed.
pub const EXT_MASTERY: &str = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
/// Frontline's extension: the leadership ideas a choice applies or goes against.
/// (`.invalid` is reserved: these IRIs name, they do not resolve.)
pub const EXT_PRINCIPLES: &str = "https://frontline.invalid/xapi/extensions/principles";
/// Frontline's extension: the meter changes a decision caused.
pub const EXT_METERS: &str = "https://frontline.invalid/xapi/extensions/meter-changes";

/// An empty object.
pub fn obj() -> Object {
    Object::new()
}

/// Sets a property (on a plain object this cannot fail).
pub fn set(o: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(o, &key.into(), &value.into());
}

/// A property, or `undefined`.
pub fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Parses JSON text; `None` if it is not JSON.
pub fn parse(text: &str) -> Option<JsValue> {
    JSON::parse(text).ok()
}

/// JSON text for a value.
pub fn stringify(value: &JsValue) -> Option<String> {
    JSON::stringify(value).ok().and_then(|s| s.as_string())
}

/// A deep copy of a JSON value (for the context template, reused by every statement).
fn copy(value: &JsValue) -> Object {
    stringify(value)
        .and_then(|s| parse(&s))
        .filter(JsValue::is_object)
        .map_or_else(obj, Object::from)
}

fn lang(text: &str) -> Object {
    let o = obj();
    set(&o, "en-US", text);
    o
}

/// What every statement of a launch shares.
#[derive(Clone)]
pub struct Context {
    /// The learner (xAPI Agent) from the launch URL.
    pub actor: JsValue,
    /// The AU's activity id.
    pub activity_id: String,
    /// The registration.
    pub registration: String,
    /// `contextTemplate` from LMS.LaunchData.
    pub template: JsValue,
    /// The LMS's mastery score (0 to 1), if any.
    pub mastery: Option<f64>,
}

/// The kinds of cmi5-defined statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// The AU is ready.
    Initialized,
    /// The learner finished the scenario.
    Completed,
    /// The score reached the pass mark.
    Passed,
    /// It did not.
    Failed,
    /// The AU is closing.
    Terminated,
}

impl Verb {
    fn name(self) -> &'static str {
        match self {
            Verb::Initialized => "initialized",
            Verb::Completed => "completed",
            Verb::Passed => "passed",
            Verb::Failed => "failed",
            Verb::Terminated => "terminated",
        }
    }
}

fn verb(name: &str) -> Object {
    let v = obj();
    set(&v, "id", format!("http://adlnet.gov/expapi/verbs/{name}"));
    set(&v, "display", lang(name));
    v
}

fn activity(id: &str) -> Object {
    let a = obj();
    set(&a, "id", id);
    set(&a, "objectType", "Activity");
    a
}

/// An object property of `o`, created if missing or not an object.
fn child(o: &Object, key: &str) -> Object {
    let v = get(o, key);
    if v.is_object() && !Array::is_array(&v) {
        Object::from(v)
    } else {
        let c = obj();
        set(o, key, &c);
        c
    }
}

/// The template's context with the registration and the given categories added to
/// `contextActivities.category`.
fn context(ctx: &Context, categories: &[&str]) -> Object {
    let c = copy(&ctx.template);
    set(&c, "registration", ctx.registration.as_str());
    if !categories.is_empty() {
        let activities = child(&c, "contextActivities");
        let existing = get(&activities, "category");
        let list = if Array::is_array(&existing) {
            Array::from(&existing)
        } else {
            Array::new()
        };
        for cat in categories {
            list.push(&activity(cat));
        }
        set(&activities, "category", list);
    }
    c
}

fn base(id: &str, ctx: &Context, verb: Object, object: Object, at_ms: f64) -> Object {
    let s = obj();
    set(&s, "id", id);
    set(&s, "actor", ctx.actor.clone());
    set(&s, "verb", verb);
    set(&s, "object", object);
    set(&s, "timestamp", report::timestamp(at_ms));
    s
}

/// A cmi5-defined statement. `outcome` gives passed and failed their score; `duration_ms` is
/// sent on completed, passed, failed and terminated.
pub fn defined(
    id: &str,
    ctx: &Context,
    kind: Verb,
    outcome: Option<&Outcome>,
    duration_ms: f64,
    at_ms: f64,
) -> JsValue {
    let s = base(
        id,
        ctx,
        verb(kind.name()),
        activity(&ctx.activity_id),
        at_ms,
    );
    let moveon = matches!(kind, Verb::Completed | Verb::Passed | Verb::Failed);
    let cats: &[&str] = if moveon {
        &[CATEGORY_CMI5, CATEGORY_MOVEON]
    } else {
        &[CATEGORY_CMI5]
    };
    let c = context(ctx, cats);
    let result = obj();
    match kind {
        Verb::Completed => set(&result, "completion", true),
        Verb::Passed | Verb::Failed => {
            if let Some(o) = outcome {
                let score = obj();
                set(&score, "scaled", f64::from(o.score) / 100.0);
                set(&score, "raw", o.score);
                set(&score, "min", 0);
                set(&score, "max", 100);
                set(&result, "score", score);
            }
            set(&result, "success", kind == Verb::Passed);
            if let Some(m) = ctx.mastery {
                set(&child(&c, "extensions"), EXT_MASTERY, m);
            }
        }
        Verb::Initialized | Verb::Terminated => {}
    }
    if kind != Verb::Initialized {
        set(&result, "duration", report::duration_iso(duration_ms));
        set(&s, "result", result);
    }
    set(&s, "context", c);
    s.into()
}

/// A cmi5-allowed `answered` statement for one decision: the scene as a choice interaction,
/// the choice as the response, the principle tags as a context extension and the meter
/// changes as a result extension.
pub fn answered(id: &str, ctx: &Context, it: &Interaction, latency_ms: f64, at_ms: f64) -> JsValue {
    let object = activity(&format!(
        "{}/scenes/{}",
        ctx.activity_id.trim_end_matches('/'),
        it.id
    ));
    let def = obj();
    set(
        &def,
        "type",
        "http://adlnet.gov/expapi/activities/cmi.interaction",
    );
    set(&def, "name", lang(&it.scene_id));
    set(&def, "description", lang(&it.description));
    set(&def, "interactionType", "choice");
    let choices = Array::new();
    for (cid, text) in &it.choices {
        let c = obj();
        set(&c, "id", cid.as_str());
        set(&c, "description", lang(text));
        choices.push(&c);
    }
    set(&def, "choices", choices);
    set(&object, "definition", def);
    let s = base(id, ctx, verb("answered"), object, at_ms);

    let result = obj();
    set(&result, "response", it.response.as_str());
    if it.result != "neutral" {
        set(&result, "success", it.result == "correct");
    }
    set(&result, "duration", report::duration_iso(latency_ms));
    let meters = obj();
    for (m, before, after) in &it.changes {
        let change = obj();
        set(&change, "before", *before);
        set(&change, "after", *after);
        set(&change, "change", after - before);
        set(&meters, m, change);
    }
    set(&child(&result, "extensions"), EXT_METERS, meters);
    set(&s, "result", result);

    let c = context(ctx, &[]);
    let tags = obj();
    let list = |v: &[String]| v.iter().map(|t| JsValue::from_str(t)).collect::<Array>();
    set(&tags, "applies", list(&it.applies));
    set(&tags, "violates", list(&it.violates));
    set(&child(&c, "extensions"), EXT_PRINCIPLES, tags);
    set(&s, "context", c);
    s.into()
}

/// A version 4 UUID from 16 random bytes.
pub fn uuid(mut b: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, x) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[usize::from(x >> 4)] as char);
        out.push(HEX[usize::from(x & 15)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4() {
        assert_eq!(uuid([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid([0; 16]), "00000000-0000-4000-8000-000000000000");
    }
}
