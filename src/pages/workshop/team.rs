//! Team play without a server: a team opens `#/team`, enters the session code the facilitator
//! shows, names itself and plays the workshop's scenario with the workshop's seed on its own
//! device. At the end it shows a result code and its QR code for the facilitator's debrief.
//! Progress survives a reload (see `platform::workshop::team_load`).

use std::sync::Arc;

use frontline_engine::workshop::{
    MAX_TEAM_NAME, decode_team, encode_result, parse_seed_code, seed_code, short_result,
};
use frontline_engine::{Scenario, Session, code};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{Fetched, use_scenario};
use crate::catalog::{self, BUNDLED};
use crate::components::meter::session_meters;
use crate::components::qr::QrImage;
use crate::components::rich_text::RichText;
use crate::pages::play::ScenarioRef;
use crate::pages::play::{last_decision_view, scene_view};
use crate::pages::workshop::app::WorkshopRoute;
use crate::platform::files;
use crate::platform::page::use_title;
use crate::platform::settings::FeedbackTiming;
use crate::platform::workshop::{TeamSave, team_forget, team_load, team_store};
use crate::state::{PlayAction, PlayState};

/// The join form: scenario and session code.
#[function_component(TeamJoin)]
pub fn team_join() -> Html {
    use_title("Join a workshop".to_owned());
    let navigator = use_navigator();
    let select = use_node_ref();
    let input = use_node_ref();
    let error = use_state(|| None::<String>);
    let on_submit = {
        let (select, input, error) = (select.clone(), input.clone(), error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(select), Some(input)) = (
                select.cast::<web_sys::HtmlSelectElement>(),
                input.cast::<web_sys::HtmlInputElement>(),
            ) else {
                return;
            };
            match parse_seed_code(&input.value()) {
                Some(seed) => {
                    if let Some(nav) = &navigator {
                        nav.push(&super::team_route(&select.value(), seed));
                    }
                }
                None => error.set(Some(
                    "A session code has six letters and digits, like 0K7Q2M. Check it with the facilitator.".into(),
                )),
            }
        })
    };
    html! {
        <main id="main" class="page narrow" tabindex="-1">
            <h1>{ "Join a workshop" }</h1>
            <p>{ "Your facilitator shows the scenario and a six-character session code. Every team plays the same situation with the same luck, so the debrief can compare your choices." }</p>
            <form class="panel" onsubmit={on_submit}>
                <label for="join-scenario">{ "Scenario" }</label>
                <select id="join-scenario" ref={select}>
                    { for BUNDLED.iter().map(|s| html! { <option value={s.id}>{ s.title }</option> }) }
                </select>
                <label for="join-code">{ "Session code" }</label>
                <input id="join-code" ref={input} type="text" autocomplete="off" spellcheck="false"
                    maxlength="6" class="seed-code" aria-describedby="join-error" />
                <p id="join-error" class="error" aria-live="polite">{ (*error).clone().unwrap_or_default() }</p>
                <button type="submit" class="button">{ "Join" }</button>
            </form>
        </main>
    }
}

/// Props for [`TeamPage`].
#[derive(Properties, PartialEq)]
pub struct TeamPageProps {
    /// Scenario id.
    pub id: AttrValue,
    /// Session code.
    pub code: AttrValue,
}

/// A team's page: checks the address, fetches the scenario, then hands over to the player.
#[function_component(TeamPage)]
pub fn team_page(props: &TeamPageProps) -> Html {
    let known = catalog::find(&props.id);
    use_title(known.map_or_else(
        || "Join a workshop".to_owned(),
        |s| format!("Team play: {}", s.title),
    ));
    let fetched = use_scenario(known.map(|s| s.id.to_owned()));
    let seed = parse_seed_code(&props.code);
    let problem = |message: String| {
        html! {
            <main id="main" class="page narrow" tabindex="-1">
                <h1>{ "Join a workshop" }</h1>
                <p class="error" role="alert">{ message }</p>
                <p><Link<WorkshopRoute> to={WorkshopRoute::TeamJoin} classes="button">{ "Enter the code again" }</Link<WorkshopRoute>></p>
            </main>
        }
    };
    if known.is_none() {
        return problem(format!(
            "There is no scenario called \u{201c}{}\u{201d} in this library.",
            props.id
        ));
    }
    let Some(seed) = seed else {
        return problem(format!(
            "\u{201c}{}\u{201d} is not a session code: it has six letters and digits.",
            props.code
        ));
    };
    match fetched {
        Fetched::Ready(s) if s.meta.id == props.id.as_str() => html! {
            <TeamPlayer key={format!("{}-{seed}", props.id)} scenario={ScenarioRef(s)} seed={seed} />
        },
        Fetched::Failed(message) => problem(message),
        _ => html! {
            <main id="main" class="page narrow" tabindex="-1" aria-busy="true">
                <h1>{ "Team play" }</h1>
                <p class="loading" role="status">{ "Loading the scenario\u{2026}" }</p>
            </main>
        },
    }
}

/// Props for [`TeamPlayer`].
#[derive(Properties, PartialEq)]
pub struct TeamPlayerProps {
    /// The scenario.
    pub scenario: ScenarioRef,
    /// The workshop's seed.
    pub seed: u64,
}

fn restore(scenario: &Arc<Scenario>, seed: u64) -> (Option<String>, Session) {
    let fresh = || Session::new(scenario.clone(), seed);
    match team_load(&scenario.meta.id, &seed_code(seed)) {
        Some(save) => {
            let session = decode_team(&save.code, scenario, seed).unwrap_or_else(|_| fresh());
            (Some(save.name), session)
        }
        None => (None, fresh()),
    }
}

/// Plays the scenario as a team.
#[function_component(TeamPlayer)]
pub fn team_player(props: &TeamPlayerProps) -> Html {
    let scenario = props.scenario.0.clone();
    let seed = props.seed;
    let code_text = seed_code(seed);
    let initial = use_memo((), {
        let scenario = scenario.clone();
        move |_| restore(&scenario, seed)
    });
    let name = use_state({
        let initial = initial.clone();
        move || initial.0.clone()
    });
    let state = use_reducer({
        let initial = initial.clone();
        move || PlayState::new(initial.1.clone())
    });
    let save_problem = use_state(|| false);
    let name_input = use_node_ref();
    let heading = use_node_ref();

    let decisions = state.session.history().len();
    {
        let (state, name, save_problem, heading) = (
            state.clone(),
            name.clone(),
            save_problem.clone(),
            heading.clone(),
        );
        let (id, code_text) = (scenario.meta.id.clone(), code_text.clone());
        use_effect_with((decisions, (*name).clone()), move |(_, team)| {
            if let Some(team) = team {
                let save = TeamSave {
                    name: team.clone(),
                    code: code::encode(&state.session),
                };
                save_problem.set(!team_store(&id, &code_text, &save));
            }
            let _ = name;
            // In the same task as the render, as on the play page.
            if let Some(el) = heading.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }

    let on_name = {
        let (name, name_input) = (name.clone(), name_input.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(input) = name_input.cast::<web_sys::HtmlInputElement>() {
                let value: String = input.value().trim().chars().take(MAX_TEAM_NAME).collect();
                if !value.is_empty() {
                    name.set(Some(value));
                }
            }
        })
    };
    let on_choose = {
        let state = state.clone();
        Callback::from(move |idx: usize| state.dispatch(PlayAction::Choose(idx)))
    };
    let on_restart = {
        let (state, name) = (state.clone(), name.clone());
        let (id, code_text) = (scenario.meta.id.clone(), code_text.clone());
        Callback::from(move |_: MouseEvent| {
            team_forget(&id, &code_text);
            state.dispatch(PlayAction::Restart(seed));
            name.set(None);
        })
    };

    let header = html! {
        <header class="play-bar">
            <div>
                <p class="team-kicker">{ format!("Team play \u{b7} session {code_text}") }</p>
                <h1 class="play-title">{ &scenario.meta.title }</h1>
            </div>
        </header>
    };
    let Some(team) = (*name).clone() else {
        return html! {
            <main id="main" class="page narrow" tabindex="-1">
                { header }
                <form class="panel" onsubmit={on_name}>
                    <h2 id="team-name-heading" tabindex="-1" ref={heading}>{ "Name your team" }</h2>
                    <label for="team-name">{ "Team name" }</label>
                    <input id="team-name" ref={name_input} type="text" required=true
                        maxlength={MAX_TEAM_NAME.to_string()} autocomplete="off" />
                    <p class="muted">{ "The facilitator sees this name in the debrief." }</p>
                    <button type="submit" class="button">{ "Start playing" }</button>
                </form>
            </main>
        };
    };

    let session = &state.session;
    let meters = session_meters(session, "");
    let announcement = state
        .last
        .as_ref()
        .map(crate::state::LastDecision::announcement)
        .unwrap_or_default();

    let body = if let Some(ending) = session.ending() {
        let result = encode_result(&team, session);
        let short = short_result(&team, session);
        html! {
            <article class="ending team-ending" aria-labelledby="scene-heading">
                <p class={classes!("rating", format!("rating-{}", ending.rating.as_str()))}>{ super::capitalise(ending.rating.as_str()) }</p>
                <h2 id="scene-heading" class="scene-heading" tabindex="-1" ref={heading.clone()}>{ &ending.title }</h2>
                <div class="scene-text"><RichText text={session.scene_text().to_owned()} /></div>
                <p class="score"><strong>{ format!("Score {} / 100", session.score()) }</strong></p>
                <section class="panel result-panel" aria-labelledby="result-heading">
                    <h3 id="result-heading">{ format!("Result code for {team}") }</h3>
                    if let Some(short) = short.clone() {
                        <p>{ "Show your facilitator this QR code, or read them your team's name and this code:" }</p>
                        <p class="result-code short-code"><code>{ short.clone() }</code></p>
                        <CopyButton text={short} />
                    } else {
                        <p>{ "Show your facilitator this QR code, or read them this code:" }</p>
                    }
                    <QrImage text={result.clone()} label={format!("QR code of the result code for {team}")} />
                    <details class="long-code">
                        <summary>{ "The full code (for pasting)" }</summary>
                        <p class="result-code"><code>{ result.clone() }</code></p>
                        <CopyButton text={result} />
                    </details>
                </section>
                <div class="actions">
                    <button type="button" class="button secondary" onclick={on_restart}>{ "Start over as a new team" }</button>
                </div>
            </article>
        }
    } else {
        scene_view(
            session,
            &heading,
            "What does your team do?",
            on_choose,
            false,
        )
    };

    html! {
        <main id="main" class="play team-play" tabindex="-1">
            { header }
            if *save_problem {
                <p class="notice" role="status">{ "This browser is not saving your progress: keep this page open until you have your result code." }</p>
            }
            <section class="meters" aria-label="Meters">{ meters }</section>
            <div class="visually-hidden" aria-live="polite" aria-atomic="true">{ announcement }</div>
            <div class="play-body">
                if let Some(error) = &state.error {
                    <p class="error" role="alert">{ error }</p>
                }
                if let Some(last) = &state.last {
                    // As on the play page, with the feedback shown at once.
                    { last_decision_view(last, FeedbackTiming::AtOnce) }
                }
                { body }
            </div>
        </main>
    }
}

/// Props for [`CopyButton`].
#[derive(Properties, PartialEq)]
struct CopyButtonProps {
    text: AttrValue,
}

/// Copies the result code, so a team can send it to the facilitator in a message.
#[function_component(CopyButton)]
fn copy_button(props: &CopyButtonProps) -> Html {
    let status = use_state(|| None::<&'static str>);
    let onclick = {
        let (text, status) = (props.text.to_string(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let (text, status) = (text.clone(), status.clone());
            wasm_bindgen_futures::spawn_local(async move {
                status.set(Some(if files::copy_text(&text).await {
                    "Copied."
                } else {
                    "This browser did not allow copying; select the code instead."
                }));
            });
        })
    };
    html! {
        <p>
            <button type="button" class="button secondary small" onclick={onclick}>{ "Copy the code" }</button>
            <span class="copy-status" role="status">{ status.unwrap_or_default() }</span>
        </p>
    }
}
