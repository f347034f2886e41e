//! Component tests in a real browser (headless Chromium through chromedriver):
//! `cargo test --target wasm32-unknown-unknown --test components`.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use frontline_web::components::choices::{ChoiceItem, ChoiceList, ChoiceListProps};
use frontline_web::components::meter::{MeterBar, MeterBarProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element attached to the page for one component.
fn mount_point() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

#[wasm_bindgen_test]
async fn meter_shows_value_change_and_bar_width() {
    let root = mount_point();
    yew::Renderer::<MeterBar>::with_root_and_props(
        root.clone(),
        MeterBarProps {
            id: "morale".into(),
            label: "Team morale".into(),
            value: 54,
            delta: Some(-8),
            low_is_good: false,
            step: 1,
        },
    )
    .render();
    settle().await;

    let label = root.query_selector(".meter-label").unwrap().unwrap();
    assert_eq!(label.text_content().unwrap(), "Team morale");
    let value = root.query_selector(".meter-value").unwrap().unwrap();
    assert_eq!(value.text_content().unwrap(), "54");
    let delta = root.query_selector(".meter-delta").unwrap().unwrap();
    assert_eq!(delta.text_content().unwrap(), "\u{2212}8");
    assert!(delta.class_name().split_whitespace().any(|c| c == "bad"));
    let track = root.query_selector("[role=meter]").unwrap().unwrap();
    assert_eq!(track.get_attribute("aria-valuenow").as_deref(), Some("54"));
    assert_eq!(
        track.get_attribute("aria-labelledby").as_deref(),
        Some(label.id().as_str())
    );
    let fill: web_sys::HtmlElement = root
        .query_selector(".meter-fill")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(fill.style().get_property_value("--value").unwrap(), "54%");
    // The stretch of the track the decision lost is marked from the new value to the old.
    let change: web_sys::HtmlElement = root
        .query_selector(".meter-change.bad")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(change.style().get_property_value("--from").unwrap(), "54%");
    assert_eq!(change.style().get_property_value("--to").unwrap(), "62%");
}

#[wasm_bindgen_test]
async fn a_rise_in_a_low_is_good_meter_is_shown_as_bad() {
    let root = mount_point();
    yew::Renderer::<MeterBar>::with_root_and_props(
        root.clone(),
        MeterBarProps {
            id: "backlog".into(),
            label: "Backlog".into(),
            value: 70,
            delta: Some(5),
            low_is_good: true,
            step: 1,
        },
    )
    .render();
    settle().await;
    let delta = root.query_selector(".meter-delta").unwrap().unwrap();
    assert_eq!(delta.text_content().unwrap(), "+5");
    assert!(delta.class_name().split_whitespace().any(|c| c == "bad"));
}

#[wasm_bindgen_test]
async fn no_delta_is_shown_without_a_change() {
    let root = mount_point();
    yew::Renderer::<MeterBar>::with_root_and_props(
        root.clone(),
        MeterBarProps {
            id: "satisfaction".into(),
            label: "Customer satisfaction".into(),
            value: 60,
            delta: Some(0),
            low_is_good: false,
            step: 1,
        },
    )
    .render();
    settle().await;
    assert!(root.query_selector(".meter-delta").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn choices_are_lettered_buttons_that_report_their_index() {
    let root = mount_point();
    let picked = Rc::new(RefCell::new(Vec::new()));
    let on_choose = {
        let picked = picked.clone();
        Callback::from(move |i: usize| picked.borrow_mut().push(i))
    };
    // Scenario texts arrive parsed with the compiled scenario and are registered on fetch.
    let marked = "Announce the *target*";
    frontline_web::texts::register(vec![(
        marked.to_owned(),
        frontline_engine::markdown::parse(marked),
    )]);
    yew::Renderer::<ChoiceList>::with_root_and_props(
        root.clone(),
        ChoiceListProps {
            // Indexes need not be contiguous: unavailable choices are left out.
            choices: vec![
                ChoiceItem {
                    index: 0,
                    text: "Announce the *target*".into(),
                },
                ChoiceItem {
                    index: 2,
                    text: "Ask the team first".into(),
                },
            ],
            on_choose,
            labelled_by: "q".into(),
            keys: true,
            toggles: false,
            selected: None,
            disabled: false,
        },
    )
    .render();
    settle().await;

    let buttons = root.query_selector_all("button.choice").unwrap();
    assert_eq!(buttons.length(), 2);
    let second: web_sys::HtmlElement = buttons.item(1).unwrap().dyn_into().unwrap();
    assert!(second.text_content().unwrap().starts_with('B'));
    // Each button names the letter key that picks it, by its place in the list.
    assert_eq!(
        second.get_attribute("aria-keyshortcuts").as_deref(),
        Some("B")
    );
    assert!(root.query_selector("button.choice em").unwrap().is_some());
    assert_eq!(second.get_attribute("aria-pressed"), None);
    second.click();
    settle().await;
    assert_eq!(*picked.borrow(), vec![2]);
    let list = root.query_selector("ol.choices").unwrap().unwrap();
    assert_eq!(list.get_attribute("aria-labelledby").as_deref(), Some("q"));
}

/// A live room's vote (room.html): toggle buttons, this device's vote pressed; a locked vote
/// takes no tap. Plain play has no pressed state at all (checked above by its absence).
#[wasm_bindgen_test]
async fn choices_as_a_vote_mark_the_vote_and_lock() {
    let picked = Rc::new(RefCell::new(Vec::new()));
    let on_choose = {
        let picked = picked.clone();
        Callback::from(move |i: usize| picked.borrow_mut().push(i))
    };
    let props = |selected: Option<usize>, disabled: bool| ChoiceListProps {
        choices: vec![
            ChoiceItem {
                index: 0,
                text: "Reply at once".into(),
            },
            ChoiceItem {
                index: 1,
                text: "Call Miriam".into(),
            },
        ],
        on_choose: on_choose.clone(),
        labelled_by: "q".into(),
        keys: false,
        toggles: true,
        selected,
        disabled,
    };
    let pressed = |root: &web_sys::Element| -> Vec<Option<String>> {
        let buttons = root.query_selector_all("button.choice").unwrap();
        (0..buttons.length())
            .map(|i| {
                let b: web_sys::Element = buttons.item(i).unwrap().dyn_into().unwrap();
                b.get_attribute("aria-pressed")
            })
            .collect()
    };

    let open = mount_point();
    yew::Renderer::<ChoiceList>::with_root_and_props(open.clone(), props(Some(1), false)).render();
    settle().await;
    assert_eq!(
        pressed(&open),
        vec![Some("false".to_owned()), Some("true".to_owned())]
    );
    let first: web_sys::HtmlElement = open
        .query_selector("button.choice")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    first.click();
    settle().await;
    assert_eq!(*picked.borrow(), vec![0]);

    let locked = mount_point();
    yew::Renderer::<ChoiceList>::with_root_and_props(locked.clone(), props(None, true)).render();
    settle().await;
    assert_eq!(
        pressed(&locked),
        vec![Some("false".to_owned()), Some("false".to_owned())]
    );
    let first: web_sys::HtmlElement = locked
        .query_selector("button.choice")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    first.click();
    settle().await;
    assert_eq!(*picked.borrow(), vec![0], "a locked vote takes no tap");
}

/// A finished playthrough of a bundled scenario, always taking the last choice offered.
fn finished(name: &str, seed: u64) -> frontline_engine::Session {
    let src = match name {
        "escalation" => include_str!("../scenarios/escalation.toml"),
        _ => include_str!("../scenarios/stretch-target.toml"),
    };
    let scenario = std::sync::Arc::new(frontline_engine::load(name, src).unwrap().scenario);
    let mut s = frontline_engine::Session::new(scenario, seed);
    while !s.is_ended() {
        let (i, _) = s.available_choices().last().unwrap();
        s.choose_index(i).unwrap();
    }
    s
}

/// The debrief inside a router, as the app shows it (its links need one).
#[derive(yew::Properties, PartialEq)]
struct RoutedDebriefProps {
    session: frontline_web::pages::debrief::SessionRef,
    verdict: frontline_engine::scenario::Verdict,
}

#[yew::function_component(RoutedDebrief)]
fn routed_debrief(props: &RoutedDebriefProps) -> yew::Html {
    use frontline_web::pages::debrief::Debrief;
    let heading = yew::use_node_ref();
    yew::html! {
        <yew_router::HashRouter>
            <Debrief session={props.session.clone()} verdict={props.verdict} heading={heading} shared=false />
        </yew_router::HashRouter>
    }
}

#[wasm_bindgen_test]
async fn the_debrief_and_past_results_name_the_platforms_pass_mark() {
    let session = finished("escalation", 5);
    let own = session.verdict().unwrap();
    // A learning platform's mark just above the score: the verdict every part shows.
    let verdict = own.with_mastery(Some(own.score + 1));
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let root = mount_point();
    yew::Renderer::<RoutedDebrief>::with_root_and_props(
        root.clone(),
        RoutedDebriefProps {
            session: frontline_web::pages::debrief::SessionRef(session.clone()),
            verdict,
        },
    )
    .render();
    settle().await;
    let score = root.query_selector(".ending .score").unwrap().unwrap();
    assert_eq!(
        score.text_content().unwrap(),
        format!(
            "Score {} / 100 \u{2014} not passed (pass mark {}, set by your learning platform)",
            own.score,
            own.score + 1
        )
    );
    assert!(score.class_name().split_whitespace().any(|c| c == "failed"));
    // The rest of the debrief arrives after a frame or two; the past results record the same
    // verdict.
    let mut past = None;
    for _ in 0..50 {
        past = root.query_selector(".past-results li").unwrap();
        if past.is_some() {
            break;
        }
        settle().await;
    }
    let past = past
        .expect("the past results are shown")
        .text_content()
        .unwrap();
    assert!(
        past.contains(&format!(
            "score {}, not passed (pass mark {}, set by your learning platform)",
            own.score,
            own.score + 1
        )),
        "{past}"
    );
    let records = frontline_web::platform::results::list("escalation");
    assert_eq!(records.len(), 1);
    assert!(!records[0].passed);
    assert_eq!(records[0].score, own.score);
}

#[wasm_bindgen_test]
async fn what_ifs_fall_back_to_the_page_when_the_worker_cannot_help() {
    use frontline_web::platform::what_ifs;
    let session = finished("stretch-target", 3);
    let expected = frontline_engine::debrief::what_ifs(&session);
    // No compiled bytes kept for the scenario: the page searches at once.
    assert_eq!(what_ifs::search(&session).await, expected);
    // The test page serves no what-if-worker.js, so the worker fails to start: the request
    // waiting for it is released and the page searches instead, with the same result.
    let bytes = frontline_engine::compiled::compile(session.scenario());
    what_ifs::keep(&session.scenario().meta.id, &bytes);
    assert_eq!(what_ifs::search(&session).await, expected);
    // And again, with a fresh worker that fails the same way.
    assert_eq!(what_ifs::search(&session).await, expected);
}
