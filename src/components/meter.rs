//! A meter such as team morale: label, value, a bar, and the last change with its size.
//!
//! The bar's width is set through the CSSOM (a custom property) rather than a `style`
//! attribute, so the strict Content-Security-Policy needs no `'unsafe-inline'` for styles.

use frontline_engine::Session;
use frontline_engine::scenario::GoodDirection;
use yew::prelude::*;

/// A bar for each of a session's meters with the last decision's change; element ids are
/// the meter ids after `id_prefix`.
pub fn session_meters(session: &Session, id_prefix: &str) -> Html {
    let last = session.history().last();
    let step = session.history().len();
    session
        .scenario()
        .meters
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let delta = last.map(|d| d.meters_after[i] - d.meters_before[i]);
            html! {
                <MeterBar key={m.id.clone()} id={format!("{id_prefix}{}", m.id)} label={m.label.clone()}
                    value={session.meters()[i]} delta={delta} step={step}
                    low_is_good={m.good == GoodDirection::Low} />
            }
        })
        .collect()
}

/// Props for [`MeterBar`].
#[derive(Properties, PartialEq, Clone)]
pub struct MeterBarProps {
    /// Meter id, used for element ids.
    pub id: AttrValue,
    /// Label, e.g. "Team morale".
    pub label: AttrValue,
    /// Current value, 0-100.
    pub value: i32,
    /// The change from the last decision, if any.
    #[prop_or_default]
    pub delta: Option<i32>,
    /// Whether lower is better (e.g. a backlog).
    #[prop_or_default]
    pub low_is_good: bool,
    /// How many decisions have been made: a new step replays the change animation even when
    /// the change is the same size as the last one.
    #[prop_or_default]
    pub step: usize,
}

/// One meter.
#[function_component(MeterBar)]
pub fn meter_bar(props: &MeterBarProps) -> Html {
    let fill = use_node_ref();
    let change = use_node_ref();
    {
        let fill = fill.clone();
        let change = change.clone();
        let before = props.value - props.delta.unwrap_or(0);
        use_effect_with((props.value, before), move |&(value, before)| {
            let pct = |v: i32| format!("{}%", v.clamp(0, 100));
            if let Some(el) = fill.cast::<web_sys::HtmlElement>() {
                let _ = el.style().set_property("--value", &pct(value));
            }
            // The stretch of the track that the last decision gained or lost.
            if let Some(el) = change.cast::<web_sys::HtmlElement>() {
                let style = el.style();
                let _ = style.set_property("--from", &pct(value.min(before)));
                let _ = style.set_property("--to", &pct(value.max(before)));
            }
        });
    }
    let label_id = format!("meter-{}-label", props.id);
    let delta = props.delta.filter(|d| *d != 0).map(|d| {
        let good = (d > 0) != props.low_is_good;
        let class = classes!("meter-delta", if good { "good" } else { "bad" });
        let text = if d > 0 {
            format!("+{d}")
        } else {
            format!("\u{2212}{}", d.abs())
        };
        html! { <span key={props.step} class={class} aria-hidden="true">{ text }</span> }
    });
    let change_class = match props.delta {
        Some(d) if d != 0 => {
            let good = (d > 0) != props.low_is_good;
            classes!("meter-change", if good { "good" } else { "bad" })
        }
        _ => classes!("meter-change", "none"),
    };
    let level = match props.value {
        v if v < 30 => "low",
        v if v < 60 => "mid",
        _ => "high",
    };
    let level = if props.low_is_good {
        match level {
            "low" => "high",
            "high" => "low",
            other => other,
        }
    } else {
        level
    };
    html! {
        <div class={classes!("meter", format!("meter-{level}"))}>
            <div class="meter-head">
                <span class="meter-label" id={label_id.clone()}>{ &props.label }</span>
                <span class="meter-figures">
                    <span class="meter-delta-slot">{ delta }</span>
                    <span class="meter-value">{ props.value }</span>
                </span>
            </div>
            <div class="meter-track" role="meter" aria-labelledby={label_id}
                aria-valuemin="0" aria-valuemax="100" aria-valuenow={props.value.to_string()}>
                <div key="fill" class="meter-fill" ref={fill}></div>
                <div key={props.step} class={change_class} ref={change}></div>
            </div>
        </div>
    }
}
