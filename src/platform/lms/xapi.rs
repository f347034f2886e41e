//! xAPI 1.0.3 statements for cmi5, as JSON values: the cmi5-defined ones (initialized,
//! completed, passed, failed, terminated: with the cmi5 category, and the moveOn category on
//! completed, passed and failed) and a cmi5-allowed `answered` statement per decision (no
//! cmi5 category, as the spec requires). Every statement carries the LMS's context template,
//! the registration and a timestamp. Pure, so it is tested natively; `cmi5.rs` sends them.

use serde_json::{Map, Value, json};

use super::report::{self, Interaction, Outcome};

/// cmi5's category activity, on every cmi5-defined statement.
pub const CATEGORY_CMI5: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
/// cmi5's moveOn category, on completed, passed and failed.
pub const CATEGORY_MOVEON: &str = "https://w3id.org/xapi/cmi5/context/categories/moveon";
/// The context extension carrying the LMS's mastery score on passed and failed.
pub const EXT_MASTERY: &str = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
/// Frontline's own extensions: the leadership ideas a choice applies or goes against, and
/// the meter changes it caused. (`.invalid` is reserved: these IRIs name, they do not
/// resolve.)
pub const EXT_PRINCIPLES: &str = "https://frontline.invalid/xapi/extensions/principles";
pub const EXT_METERS: &str = "https://frontline.invalid/xapi/extensions/meter-changes";

/// What every statement of a launch shares.
#[derive(Debug, Clone)]
pub struct Context {
    /// The learner (xAPI Agent) from the launch URL.
    pub actor: Value,
    /// The AU's activity id.
    pub activity_id: String,
    /// The registration.
    pub registration: String,
    /// `contextTemplate` from LMS.LaunchData.
    pub template: Value,
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
    fn iri_and_name(self) -> (&'static str, &'static str) {
        match self {
            Verb::Initialized => ("http://adlnet.gov/expapi/verbs/initialized", "initialized"),
            Verb::Completed => ("http://adlnet.gov/expapi/verbs/completed", "completed"),
            Verb::Passed => ("http://adlnet.gov/expapi/verbs/passed", "passed"),
            Verb::Failed => ("http://adlnet.gov/expapi/verbs/failed", "failed"),
            Verb::Terminated => ("http://adlnet.gov/expapi/verbs/terminated", "terminated"),
        }
    }
}

fn verb(iri: &str, name: &str) -> Value {
    json!({ "id": iri, "display": { "en-US": name } })
}

/// The template's context with the registration and, for cmi5-defined statements, the
/// categories added to `contextActivities.category`.
fn context(ctx: &Context, categories: &[&str]) -> Map<String, Value> {
    let mut c = ctx.template.as_object().cloned().unwrap_or_default();
    c.insert(
        "registration".into(),
        Value::String(ctx.registration.clone()),
    );
    if !categories.is_empty() {
        let activities = c.entry("contextActivities").or_insert_with(|| json!({}));
        if !activities.is_object() {
            *activities = json!({});
        }
        if let Some(activities) = activities.as_object_mut() {
            let list = activities.entry("category").or_insert_with(|| json!([]));
            if !list.is_array() {
                *list = json!([]);
            }
            if let Some(list) = list.as_array_mut() {
                for cat in categories {
                    list.push(json!({ "id": cat, "objectType": "Activity" }));
                }
            }
        }
    }
    c
}

fn base(id: &str, ctx: &Context, verb: Value, object: Value, at_ms: f64) -> Map<String, Value> {
    let mut s = Map::new();
    s.insert("id".into(), Value::String(id.to_owned()));
    s.insert("actor".into(), ctx.actor.clone());
    s.insert("verb".into(), verb);
    s.insert("object".into(), object);
    s.insert("timestamp".into(), Value::String(report::timestamp(at_ms)));
    s
}

fn au_object(ctx: &Context) -> Value {
    json!({ "id": ctx.activity_id, "objectType": "Activity" })
}

/// A cmi5-defined statement. `outcome` is needed for passed and failed (score and success);
/// `duration_ms` is sent on completed, passed, failed and terminated.
pub fn defined(
    id: &str,
    ctx: &Context,
    kind: Verb,
    outcome: Option<&Outcome>,
    duration_ms: f64,
    at_ms: f64,
) -> Value {
    let (iri, name) = kind.iri_and_name();
    let mut s = base(id, ctx, verb(iri, name), au_object(ctx), at_ms);
    let moveon = matches!(kind, Verb::Completed | Verb::Passed | Verb::Failed);
    let mut c = context(
        ctx,
        if moveon {
            &[CATEGORY_CMI5, CATEGORY_MOVEON]
        } else {
            &[CATEGORY_CMI5]
        },
    );
    let mut result = Map::new();
    match kind {
        Verb::Initialized => {}
        Verb::Completed => {
            result.insert("completion".into(), Value::Bool(true));
        }
        Verb::Passed | Verb::Failed => {
            if let Some(o) = outcome {
                result.insert(
                    "score".into(),
                    json!({ "scaled": f64::from(o.score) / 100.0, "raw": o.score, "min": 0, "max": 100 }),
                );
            }
            result.insert("success".into(), Value::Bool(kind == Verb::Passed));
            if let Some(m) = ctx.mastery {
                let ext = c.entry("extensions").or_insert_with(|| json!({}));
                if let Some(ext) = ext.as_object_mut() {
                    ext.insert(EXT_MASTERY.into(), json!(m));
                }
            }
        }
        Verb::Terminated => {}
    }
    if kind != Verb::Initialized {
        result.insert(
            "duration".into(),
            Value::String(report::duration_iso(duration_ms)),
        );
    }
    if !result.is_empty() {
        s.insert("result".into(), Value::Object(result));
    }
    s.insert("context".into(), Value::Object(c));
    Value::Object(s)
}

/// A cmi5-allowed `answered` statement for one decision: the scene as a choice interaction,
/// the choice as the response, the principle tags as a context extension and the meter
/// changes as a result extension.
pub fn answered(id: &str, ctx: &Context, it: &Interaction, latency_ms: f64, at_ms: f64) -> Value {
    let object = json!({
        "id": format!("{}/scenes/{}", ctx.activity_id.trim_end_matches('/'), it.id),
        "objectType": "Activity",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "name": { "en-US": it.scene_id },
            "description": { "en-US": it.description },
            "interactionType": "choice",
            "choices": it.choices.iter().map(|(id, text)| json!({
                "id": id,
                "description": { "en-US": text },
            })).collect::<Vec<_>>(),
        },
    });
    let mut s = base(
        id,
        ctx,
        verb("http://adlnet.gov/expapi/verbs/answered", "answered"),
        object,
        at_ms,
    );
    let meters: Map<String, Value> = it
        .changes
        .iter()
        .map(|(m, before, after)| {
            (
                m.clone(),
                json!({ "before": before, "after": after, "change": after - before }),
            )
        })
        .collect();
    let mut result = Map::new();
    result.insert("response".into(), Value::String(it.response.clone()));
    if it.result != "neutral" {
        result.insert("success".into(), Value::Bool(it.result == "correct"));
    }
    result.insert(
        "duration".into(),
        Value::String(report::duration_iso(latency_ms)),
    );
    result.insert("extensions".into(), json!({ EXT_METERS: meters }));
    s.insert("result".into(), Value::Object(result));
    let mut c = context(ctx, &[]);
    let ext = c.entry("extensions").or_insert_with(|| json!({}));
    if let Some(ext) = ext.as_object_mut() {
        ext.insert(
            EXT_PRINCIPLES.into(),
            json!({ "applies": it.applies, "violates": it.violates }),
        );
    }
    s.insert("context".into(), Value::Object(c));
    Value::Object(s)
}

/// A version 4 UUID from 16 random bytes.
pub fn uuid(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context {
            actor: json!({ "objectType": "Agent", "account": { "homePage": "https://lms.test", "name": "ada" } }),
            activity_id: "https://example.test/au/1".into(),
            registration: "c3b1d1b2-8d1a-4a57-9a3e-0b6c1c1c0a01".into(),
            template: json!({
                "contextActivities": { "grouping": [{ "id": "https://example.test/course" }] },
                "extensions": { "https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s1" }
            }),
            mastery: Some(0.6),
        }
    }

    fn categories(s: &Value) -> Vec<&str> {
        s["context"]["contextActivities"]["category"]
            .as_array()
            .map(|a| a.iter().filter_map(|c| c["id"].as_str()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn defined_statements_carry_the_cmi5_categories_and_template() {
        let o = Outcome {
            score: 72,
            passed: true,
            ending: "e".into(),
        };
        let s = defined("id", &ctx(), Verb::Passed, Some(&o), 61_500.0, 0.0);
        assert_eq!(s["verb"]["id"], "http://adlnet.gov/expapi/verbs/passed");
        assert_eq!(categories(&s), [CATEGORY_CMI5, CATEGORY_MOVEON]);
        assert_eq!(s["result"]["score"]["scaled"], 0.72);
        assert_eq!(s["result"]["success"], true);
        assert_eq!(s["result"]["duration"], "PT1M1.50S");
        assert_eq!(s["context"]["extensions"][EXT_MASTERY], 0.6);
        assert_eq!(
            s["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"],
            "s1"
        );
        assert_eq!(s["context"]["registration"], ctx().registration);
        assert_eq!(
            s["context"]["contextActivities"]["grouping"][0]["id"],
            "https://example.test/course"
        );
        assert_eq!(s["timestamp"], "1970-01-01T00:00:00.00Z");
        let i = defined("id", &ctx(), Verb::Initialized, None, 0.0, 0.0);
        assert_eq!(categories(&i), [CATEGORY_CMI5]);
        assert!(i.get("result").is_none());
        let c = defined("id", &ctx(), Verb::Completed, None, 1000.0, 0.0);
        assert_eq!(c["result"]["completion"], true);
        assert!(c["result"].get("success").is_none());
    }

    #[test]
    fn answered_statements_have_no_cmi5_category() {
        let it = Interaction {
            index: 0,
            id: "first_day".into(),
            scene_id: "first-day".into(),
            choice_id: "listen".into(),
            response: "listen".into(),
            letter: 'a',
            choices: vec![
                ("listen".into(), "Listen".into()),
                ("tell".into(), "Tell".into()),
            ],
            result: "correct",
            description: "A scene".into(),
            choice_text: "Listen".into(),
            applies: vec!["listening".into()],
            violates: vec![],
            changes: vec![("morale".into(), 50, 58)],
        };
        let s = answered("id", &ctx(), &it, 4_000.0, 0.0);
        assert!(categories(&s).is_empty());
        assert_eq!(
            s["object"]["id"],
            "https://example.test/au/1/scenes/first_day"
        );
        assert_eq!(s["object"]["definition"]["choices"][1]["id"], "tell");
        assert_eq!(s["result"]["response"], "listen");
        assert_eq!(s["result"]["success"], true);
        assert_eq!(s["result"]["extensions"][EXT_METERS]["morale"]["change"], 8);
        assert_eq!(
            s["context"]["extensions"][EXT_PRINCIPLES]["applies"][0],
            "listening"
        );
    }

    #[test]
    fn uuids_are_version_4() {
        let u = uuid([0xff; 16]);
        assert_eq!(u, "ffffffff-ffff-4fff-bfff-ffffffffffff");
    }
}
