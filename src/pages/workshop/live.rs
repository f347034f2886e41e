//! Live rooms in workshop mode (a room server served the page): the setup's "run a live
//! room" form with its plan (timer, decisions without discussion) and length estimate, the
//! step that creates the room and hands over to the console, and what the live console and
//! projector share (the connection's state, the join address).
//!
//! The room's rules are the protocol's reducer (`room_protocol::Room`) over the engine's
//! workshop; these pages show the replica `platform::rooms` keeps and send commands. Without
//! a room server none of this is offered and workshop mode stays local.

use std::sync::Arc;

use frontline_engine::Scenario;
use frontline_engine::scenario::SceneIdx;
use frontline_engine::workshop;
use room_protocol::Command;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{Fetched, use_scenario};
use crate::catalog::BUNDLED;
use crate::pages::workshop::app::WorkshopRoute;
use crate::platform::rooms::{self, Join, Link as Connection, RoomHandle, ServerInfo, use_room};

/// Discussion timer lengths offered, in seconds.
pub const TIMER_CHOICES: [u32; 7] = [60, 120, 180, 300, 480, 600, 900];

/// Minutes the estimate allows for reading a decision and voting on it.
const READ_AND_VOTE_MIN: f64 = 1.0;
/// Minutes the estimate allows for the briefing and for the debrief, together.
const BRIEFING_AND_DEBRIEF_MIN: f64 = 15.0;
/// Random playthroughs the estimate averages over.
const WALKS: u64 = 300;

/// How long a typical path is: decisions on it, and how often each decision scene is met.
#[derive(Debug, Clone, PartialEq)]
pub struct PathLength {
    /// Mean number of decisions per playthrough.
    pub decisions: f64,
    /// For each scene (by index), the share of playthroughs that meet it.
    pub met: Vec<f64>,
}

/// Plays the scenario `WALKS` times with choices picked at random (a fixed generator, so
/// the figures do not move between visits) and averages the paths' lengths.
pub fn path_length(scenario: &Arc<Scenario>) -> PathLength {
    let mut total = 0usize;
    let mut met = vec![0u64; scenario.scenes.len()];
    for walk in 0..WALKS {
        let mut session = frontline_engine::Session::new(scenario.clone(), walk + 1);
        let mut x = walk.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut seen = vec![false; scenario.scenes.len()];
        // Far beyond any bundled scenario's longest path; a cycle cannot run away.
        for _ in 0..200 {
            if session.is_ended() {
                break;
            }
            let idx = session.scene_idx().0;
            if !seen[idx] {
                seen[idx] = true;
                met[idx] += 1;
            }
            let offered: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
            // xorshift64: enough to spread the choices.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let pick = offered[(x % offered.len() as u64) as usize];
            if session.choose_index(pick).is_err() {
                break;
            }
            total += 1;
        }
    }
    PathLength {
        decisions: total as f64 / WALKS as f64,
        met: met.iter().map(|&m| m as f64 / WALKS as f64).collect(),
    }
}

/// The session's estimated minutes: each decision read and voted on, the timer for each
/// discussed one, the briefing and the debrief.
pub fn estimate_minutes(length: &PathLength, quick: &[usize], timer_s: u32) -> u32 {
    let quick_met: f64 = quick.iter().filter_map(|&i| length.met.get(i)).sum::<f64>();
    let discussed = (length.decisions - quick_met).max(0.0);
    let minutes = length.decisions * READ_AND_VOTE_MIN
        + discussed * f64::from(timer_s) / 60.0
        + BRIEFING_AND_DEBRIEF_MIN;
    // Rounded up to five minutes: it is a plan, not a timetable.
    ((minutes / 5.0).ceil() * 5.0) as u32
}

/// What the facilitator chose on the setup page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivePlan {
    /// Scenario id.
    pub scenario: String,
    /// Discussion timer, seconds.
    pub timer_s: u32,
    /// Scene ids of the decisions to play without discussion.
    pub quick: Vec<String>,
}

/// The connection's state as a line for the page (nothing while live).
pub fn link_view(handle: &RoomHandle) -> Html {
    let (class, text) = match &handle.link {
        Connection::Live => return html! {},
        Connection::Connecting => ("notice", "Connecting to the room\u{2026}".to_owned()),
        Connection::Retrying(n) => (
            "notice link-lost",
            format!(
                "The connection to the room server was lost. Reconnecting (attempt {n})\u{2026} Nothing is lost: the room carries on on the server."
            ),
        ),
        Connection::Failed(why) => ("error", why.clone()),
    };
    html! { <p class={classes!(class, "link-state")} role="status">{ text }</p> }
}

/// The address phones open, without the scheme (`192.168.1.20:8080`), and the full address
/// of the room's join page for the QR code.
pub fn join_addresses(info: Option<&ServerInfo>, code: &str) -> (String, String) {
    let origin = info
        .and_then(|i| i.addresses.first().cloned())
        .or_else(|| web_sys::window().and_then(|w| w.location().origin().ok()))
        .unwrap_or_default();
    let origin = origin.trim_end_matches('/').to_owned();
    let shown = origin
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .to_owned();
    (
        format!("{shown}/join"),
        format!("{origin}/room.html#/join/{code}"),
    )
}

/// Asks once whether a room server served this page.
#[hook]
pub fn use_server_info() -> Option<ServerInfo> {
    let info = use_state(|| None::<ServerInfo>);
    {
        let info = info.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(i) = rooms::server_info().await {
                    info.set(Some(i));
                }
            });
        });
    }
    (*info).clone()
}

/// Props for [`LiveSetup`].
#[derive(Properties, PartialEq)]
pub struct LiveSetupProps {
    /// The room server's description.
    pub info: ServerInfo,
}

/// The setup page's live-room section: a room in progress, or the plan for a new one.
#[function_component(LiveSetup)]
pub fn live_setup(_props: &LiveSetupProps) -> Html {
    let scenario_id = use_state(|| BUNDLED.first().map(|s| s.id.to_owned()));
    let timer_s = use_state(|| 180u32);
    let quick = use_state(Vec::<String>::new);
    let starting = use_state(|| None::<LivePlan>);
    let fetched = use_scenario((*scenario_id).clone());
    let scenario = match &fetched {
        Fetched::Ready(s) if Some(&s.meta.id) == scenario_id.as_ref() => Some(s.clone()),
        _ => None,
    };
    let length = use_memo(scenario.as_ref().map(|s| s.meta.id.clone()), move |_| {
        scenario.as_ref().map(path_length)
    });
    let scenario = match &fetched {
        Fetched::Ready(s) if Some(&s.meta.id) == scenario_id.as_ref() => Some(s.clone()),
        _ => None,
    };
    let last = rooms::last_facilitated();

    if let Some(plan) = &*starting {
        return html! { <LiveStart plan={plan.clone()} /> };
    }

    let on_scenario = {
        let scenario_id = scenario_id.clone();
        let quick = quick.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            scenario_id.set(Some(select.value()));
            quick.set(Vec::new());
        })
    };
    let on_timer = {
        let timer_s = timer_s.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(s) = select.value().parse() {
                timer_s.set(s);
            }
        })
    };
    let on_start = {
        let starting = starting.clone();
        let scenario_id = scenario_id.clone();
        let timer_s = timer_s.clone();
        let quick = quick.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(id) = (*scenario_id).clone() {
                starting.set(Some(LivePlan {
                    scenario: id,
                    timer_s: *timer_s,
                    quick: (*quick).clone(),
                }));
            }
        })
    };

    let decisions = scenario.as_ref().map(|s| {
        let rows: Html = s
            .scenes
            .iter()
            .enumerate()
            .filter(|(_, scene)| scene.ending().is_none())
            .map(|(i, scene)| {
                let id = scene.id.clone();
                let checked = quick.contains(&id);
                let onchange = {
                    let quick = quick.clone();
                    let id = id.clone();
                    Callback::from(move |e: Event| {
                        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                        let mut next: Vec<String> =
                            quick.iter().filter(|q| **q != id).cloned().collect();
                        if input.checked() {
                            next.push(id.clone());
                        }
                        quick.set(next);
                    })
                };
                let share = length
                    .as_ref()
                    .as_ref()
                    .and_then(|l| l.met.get(i))
                    .map_or(0, |m| (m * 100.0).round() as u32);
                let input_id = format!("quick-{}", scene.id);
                html! {
                    <li>
                        <input type="checkbox" id={input_id.clone()} checked={checked} onchange={onchange} />
                        <label for={input_id}>
                            { workshop::scene_label(s, SceneIdx(i)) }
                            <span class="muted">{ format!(" \u{b7} met in {share}% of playthroughs") }</span>
                        </label>
                    </li>
                }
            })
            .collect();
        html! {
            <fieldset class="quick-decisions">
                <legend>{ "Decisions to play without discussion" }</legend>
                <p class="muted">{ "Ticked decisions go straight to the vote: no discussion question, no timer. Use it for the easy calls, to keep the time for the hard ones." }</p>
                <ul class="quick-list">{ rows }</ul>
            </fieldset>
        }
    });

    let estimate = (*length).as_ref().map(|l| {
        let quick_idx: Vec<usize> = scenario
            .as_ref()
            .map(|s| {
                quick
                    .iter()
                    .filter_map(|id| s.scene_by_id(id).map(|i| i.0))
                    .collect()
            })
            .unwrap_or_default();
        let minutes = estimate_minutes(l, &quick_idx, *timer_s);
        html! {
            <p class="estimate" role="status">
                <strong>{ format!("About {minutes} minutes") }</strong>
                { format!(
                    " for a typical path of {:.0} decisions: about a minute per decision to read and vote, {} of discussion for each decision not ticked below, and a quarter of an hour for the briefing and the debrief.",
                    l.decisions,
                    crate::platform::clock::format_duration(u64::from(*timer_s) * 1000, false)
                ) }
            </p>
        }
    });

    html! {
        <section class="panel live-setup" aria-labelledby="live-heading">
            <h2 id="live-heading">{ "Run a live room (participants join from their phones)" }</h2>
            <p>{ "This page came from Frontline's room server, so the room can vote from their own phones: they join with a code or the projector's QR code, you see the votes arrive, and the projector shows them when you reveal them." }</p>
            if let Some(code) = last {
                <p class="live-current">
                    { "Live room in progress: " }<strong class="seed-code">{ code.clone() }</strong>{ " " }
                    <Link<WorkshopRoute> to={WorkshopRoute::LiveConsole { code: code.clone() }} classes="button secondary small">{ "Back to its console" }</Link<WorkshopRoute>>
                </p>
            }
            <form onsubmit={on_start}>
                <label for="live-scenario">{ "Scenario" }</label>
                <select id="live-scenario" onchange={on_scenario}>
                    { for BUNDLED.iter().map(|s| html! {
                        <option value={s.id} selected={Some(s.id) == scenario_id.as_deref()}>{ s.title }</option>
                    }) }
                </select>
                <label for="live-timer">{ "Discussion timer" }</label>
                <select id="live-timer" onchange={on_timer}>
                    { for TIMER_CHOICES.iter().map(|&s| html! {
                        <option value={s.to_string()} selected={s == *timer_s}>{ format!("{} min", s / 60) }</option>
                    }) }
                </select>
                { estimate }
                { decisions }
                if let Fetched::Failed(message) = &fetched {
                    <p class="error">{ message }</p>
                }
                <p>
                    <button type="submit" class="button" disabled={scenario_id.is_none()}>{ "Start the live room" }</button>
                </p>
            </form>
        </section>
    }
}

/// Props for [`LiveStart`].
#[derive(Properties, PartialEq)]
pub struct LiveStartProps {
    /// The plan.
    pub plan: LivePlan,
}

/// Creates the room, sends the plan (timer, quick decisions) and starts its clock, then
/// opens the console at `#/live/console/CODE` (which rejoins with the kept secret, as a
/// reload does).
#[function_component(LiveStart)]
fn live_start(props: &LiveStartProps) -> Html {
    let room = use_room(Some(Join::Create {
        scenario: props.plan.scenario.clone(),
    }));
    let navigator = use_navigator();
    let sent = use_mut_ref(|| false);
    let joined = room.live.is_some();
    {
        let room = room.clone();
        let plan = props.plan.clone();
        use_effect_with(joined, move |&joined| {
            if joined && !*sent.borrow() {
                *sent.borrow_mut() = true;
                room.command(Command::SetTimer {
                    seconds: plan.timer_s,
                });
                if !plan.quick.is_empty() {
                    room.command(Command::Plan { quick: plan.quick });
                }
                room.command(Command::StartClock);
            }
        });
    }
    // Once the room has the plan, the console takes over.
    let ready = room.live.as_ref().and_then(|live| {
        let w = &live.room.workshop;
        let planned = props.plan.quick.iter().all(|q| live.room.quick.contains(q));
        (w.started_at.is_some() && planned).then(|| live.code.clone())
    });
    use_effect_with(ready, move |ready| {
        if let (Some(code), Some(nav)) = (ready.clone(), navigator) {
            nav.push(&WorkshopRoute::LiveConsole { code });
        }
    });
    html! {
        <section class="panel live-setup" aria-labelledby="live-heading" aria-busy="true">
            <h2 id="live-heading">{ "Opening the live room\u{2026}" }</h2>
            { link_view(&room) }
            if let Some(e) = &room.error {
                <p class="error" role="alert">{ e }</p>
            }
        </section>
    }
}
