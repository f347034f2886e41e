//! Playing a scenario, and its ending.
//!
//! The page restores the scenario's save (or starts a new session), saves after every
//! decision, keeps the route in step with the session (`/play/ID` while playing,
//! `/ending/ID` once finished) and moves keyboard focus to the new scene after each choice.

use std::sync::Arc;

use frontline_engine::scenario::GoodDirection;
use frontline_engine::{Scenario, Session, principles};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::catalog;
use crate::components::choices::{ChoiceItem, ChoiceList};
use crate::components::meter::MeterBar;
use crate::components::notice::Notice;
use crate::components::rich_text::RichText;
use crate::platform::page::use_title;
use crate::platform::{fetch, lms, saves, seed};
use crate::route::Route;
use crate::state::{LastDecision, PlayAction, PlayState};

/// Props for [`PlayPage`].
#[derive(Properties, PartialEq)]
pub struct PlayPageProps {
    /// Scenario id from the route.
    pub id: AttrValue,
    /// Whether the route is the ending route.
    #[prop_or_default]
    pub ending: bool,
}

/// Where fetching the scenario stands.
#[derive(Clone)]
enum Fetch {
    Loading,
    Ready(Arc<Scenario>),
    Failed(String),
}

/// The play page: finds and fetches the scenario, then hands over to [`Player`].
#[function_component(PlayPage)]
pub fn play_page(props: &PlayPageProps) -> Html {
    let id = props.id.to_string();
    let fetch = use_state({
        let id = id.clone();
        move || fetch::cached(&id).map_or(Fetch::Loading, Fetch::Ready)
    });
    let attempt = use_state(|| 0u32);
    use_title(
        catalog::find(&id).map_or_else(|| "Scenario not found".to_owned(), |s| s.title.to_owned()),
    );
    {
        let fetch = fetch.clone();
        use_effect_with((id.clone(), *attempt), move |(id, _)| {
            if catalog::find(id).is_some()
                && !matches!(*fetch, Fetch::Ready(ref s) if s.meta.id == *id)
            {
                let id = id.clone();
                fetch.set(Fetch::Loading);
                wasm_bindgen_futures::spawn_local(async move {
                    fetch.set(match fetch::scenario(&id).await {
                        Ok(s) => Fetch::Ready(s),
                        Err(message) => Fetch::Failed(message),
                    });
                });
            }
        });
    }
    let Some(summary) = catalog::find(&id) else {
        return html! {
            <main id="main" class="page narrow" tabindex="-1">
                <h1>{ "Scenario not found" }</h1>
                <p>{ format!("There is no scenario called \u{201c}{id}\u{201d} in this library.") }</p>
                <p><Link<Route> to={Route::Library} classes="button">{ "Go to the scenario library" }</Link<Route>></p>
            </main>
        };
    };
    match (*fetch).clone() {
        Fetch::Ready(scenario) if scenario.meta.id == id => html! {
            <Player key={id} scenario={ScenarioRef(scenario)} ending_route={props.ending} />
        },
        Fetch::Failed(message) => {
            let retry = {
                let attempt = attempt.clone();
                Callback::from(move |_: MouseEvent| attempt.set(*attempt + 1))
            };
            html! {
                <main id="main" class="page narrow" tabindex="-1">
                    <h1>{ summary.title }</h1>
                    <p class="error" role="alert">{ message }</p>
                    <div class="actions">
                        <button type="button" class="button" onclick={retry}>{ "Try again" }</button>
                        <Link<Route> to={Route::Library} classes="button secondary">{ "Back to the library" }</Link<Route>>
                    </div>
                </main>
            }
        }
        _ => html! {
            <main id="main" class="page narrow" tabindex="-1" aria-busy="true">
                <h1>{ summary.title }</h1>
                <p class="loading" role="status">{ "Loading the scenario\u{2026}" }</p>
            </main>
        },
    }
}

/// A scenario compared by identity, for props.
#[derive(Clone)]
pub struct ScenarioRef(pub Arc<Scenario>);

impl PartialEq for ScenarioRef {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Props for [`Player`].
#[derive(Properties, PartialEq)]
pub struct PlayerProps {
    /// The scenario.
    pub scenario: ScenarioRef,
    /// Whether the route is the ending route.
    pub ending_route: bool,
}

/// Restores the save or starts fresh; returns the session and a notice for the player.
fn initial_session(scenario: &Arc<Scenario>) -> (Session, Option<String>) {
    // LMS: an LMS that records this scenario supplies the save (its suspend data).
    if let Some(from_lms) = lms::initial_session(scenario, seed::fresh_seed()) {
        return from_lms;
    }
    match saves::restore(scenario) {
        Ok(Some(session)) => (session, None),
        Ok(None) => (Session::new(scenario.clone(), seed::fresh_seed()), None),
        Err(problem) => (
            Session::new(scenario.clone(), seed::fresh_seed()),
            Some(problem.message()),
        ),
    }
}

/// Plays one scenario.
#[function_component(Player)]
pub fn player(props: &PlayerProps) -> Html {
    let scenario = props.scenario.0.clone();
    let initial = use_memo((), {
        let scenario = scenario.clone();
        move |_| initial_session(&scenario)
    });
    let state = use_reducer({
        let initial = initial.clone();
        move || PlayState::new(initial.0.clone())
    });
    let notice = use_state({
        let initial = initial.clone();
        move || initial.1.clone()
    });
    let heading = use_node_ref();
    let navigator = use_navigator();

    let decisions = state.session.history().len();
    let ended = state.session.is_ended();

    // Save after every decision, and move focus to the new scene for keyboard and screen
    // reader users (also after "Play again", whose button disappears with the ending).
    let mounted = use_mut_ref(|| false);
    {
        let state = state.clone();
        let notice = notice.clone();
        let heading = heading.clone();
        use_effect_with(decisions, move |&decisions| {
            let was_mounted = std::mem::replace(&mut *mounted.borrow_mut(), true);
            // LMS: report the start, each decision and the ending; the LMS keeps the save.
            lms::report(&state.session);
            let lms_saves = lms::owns(&state.session.scenario().meta.id);
            if decisions > 0
                && !lms_saves
                && let Err(problem) = saves::save(&state.session)
            {
                notice.set(Some(problem.message()));
            }
            if (decisions > 0 || was_mounted)
                && let Some(el) = heading.cast::<web_sys::HtmlElement>()
            {
                let _ = el.focus();
            }
        });
    }
    // Keep the address in step with the session.
    {
        let navigator = navigator.clone();
        let id = scenario.meta.id.clone();
        use_effect_with((ended, props.ending_route), move |&(ended, on_ending)| {
            if let Some(nav) = navigator {
                if ended && !on_ending {
                    nav.replace(&Route::Ending { id });
                } else if !ended && on_ending {
                    nav.replace(&Route::Play { id });
                }
            }
        });
    }

    let on_choose = {
        let state = state.clone();
        Callback::from(move |idx: usize| state.dispatch(PlayAction::Choose(idx)))
    };
    let on_restart = {
        let state = state.clone();
        let id = scenario.meta.id.clone();
        Callback::from(move |_: MouseEvent| {
            saves::clear(&id);
            state.dispatch(PlayAction::Restart(seed::fresh_seed()));
        })
    };
    let on_dismiss = {
        let notice = notice.clone();
        Callback::from(move |()| notice.set(None))
    };

    let deltas: Vec<Option<i32>> = scenario
        .meters
        .iter()
        .enumerate()
        .map(|(i, _)| {
            state
                .session
                .history()
                .last()
                .map(|d| d.meters_after[i] - d.meters_before[i])
        })
        .collect();
    let meters: Html = scenario
        .meters
        .iter()
        .enumerate()
        .map(|(i, m)| {
            html! {
                <MeterBar key={m.id.clone()} id={m.id.clone()} label={m.label.clone()}
                    value={state.session.meters()[i]} delta={deltas[i]}
                    low_is_good={m.good == GoodDirection::Low} />
            }
        })
        .collect();
    let announcement = state
        .last
        .as_ref()
        .map(LastDecision::announcement)
        .unwrap_or_default();

    let body = if ended {
        ending_view(&state.session, &heading, on_restart)
    } else {
        scene_view(&state.session, &heading, on_choose)
    };

    html! {
        <main id="main" class="play" tabindex="-1">
            <header class="play-bar">
                <Link<Route> to={Route::Library} classes="back-link">{ "\u{2190} Library" }</Link<Route>>
                <h1 class="play-title">{ &scenario.meta.title }</h1>
            </header>
            if let Some(message) = (*notice).clone() {
                <Notice message={message} on_dismiss={on_dismiss} />
            }
            <section class="meters" aria-label="Meters">{ meters }</section>
            <div class="visually-hidden" aria-live="polite" aria-atomic="true">{ announcement }</div>
            <div class="play-body">
                if let Some(error) = &state.error {
                    <p class="error" role="alert">{ error }</p>
                }
                if let Some(last) = &state.last {
                    { last_decision_view(last) }
                }
                { body }
            </div>
        </main>
    }
}

fn last_decision_view(last: &LastDecision) -> Html {
    html! {
        <aside class="feedback" aria-label="What your last decision did">
            <p class="feedback-choice"><span class="feedback-kicker">{ "You chose: " }</span>{ &last.choice }</p>
            if let Some(chance) = &last.chance {
                <div class="feedback-chance"><RichText text={chance.clone()} /></div>
            }
            if let Some(feedback) = &last.feedback {
                <div class="feedback-text"><RichText text={feedback.clone()} /></div>
            }
            { for last.consequences.iter().map(|c| html! {
                <div class="feedback-consequence"><span class="feedback-kicker">{ "Meanwhile: " }</span><RichText text={c.clone()} /></div>
            }) }
        </aside>
    }
}

fn scene_view(session: &Session, heading: &NodeRef, on_choose: Callback<usize>) -> Html {
    let scene = session.scene();
    let step = session.history().len() + 1;
    let choices: Vec<ChoiceItem> = session
        .available_choices()
        .map(|(index, c)| ChoiceItem {
            index,
            text: c.text.clone().into(),
        })
        .collect();
    html! {
        <article class="scene" aria-labelledby="scene-heading">
            <h2 id="scene-heading" class="scene-heading" tabindex="-1" ref={heading.clone()}>
                { format!("Decision {step}") }
                if let Some(speaker) = &scene.speaker {
                    <span class="scene-speaker">{ format!(" \u{2014} {speaker}") }</span>
                }
            </h2>
            <div class="scene-text"><RichText text={session.scene_text().to_owned()} /></div>
            <h3 id="choose-heading" class="choose-heading">{ "What do you do?" }</h3>
            <ChoiceList choices={choices} on_choose={on_choose} labelled_by="choose-heading" />
        </article>
    }
}

fn ending_view(session: &Session, heading: &NodeRef, on_restart: Callback<MouseEvent>) -> Html {
    let scenario = session.scenario();
    let Some(ending) = session.ending() else {
        return html! {};
    };
    let score = session.score();
    let passed = scenario.passes(score);
    let rating = ending.rating.as_str();
    let decisions: Html = session
        .history()
        .iter()
        .map(|d| {
            let scene = scenario.scene(d.scene);
            let choice = &scene.choices()[d.choice];
            let tags = |list: &[String]| -> Vec<String> {
                list.iter()
                    .filter_map(|t| principles::lookup(t))
                    .map(|p| format!("{} ({})", p.name, p.author))
                    .collect()
            };
            let applied = tags(&choice.applies);
            let violated = tags(&choice.violates);
            html! {
                <li>
                    <p class="decision-choice"><RichText text={choice.text.clone()} /></p>
                    if !applied.is_empty() {
                        <p class="decision-tags applied">{ format!("Applied: {}", applied.join("; ")) }</p>
                    }
                    if !violated.is_empty() {
                        <p class="decision-tags violated">{ format!("Went against: {}", violated.join("; ")) }</p>
                    }
                </li>
            }
        })
        .collect();
    html! {
        <article class="ending" aria-labelledby="scene-heading">
            <p class={classes!("rating", format!("rating-{rating}"))}>{ rating_label(rating) }</p>
            <h2 id="scene-heading" class="scene-heading" tabindex="-1" ref={heading.clone()}>{ &ending.title }</h2>
            <div class="scene-text"><RichText text={session.scene_text().to_owned()} /></div>
            <p class={classes!("score", if passed { "passed" } else { "failed" })}>
                <strong>{ format!("Score {score} / 100") }</strong>
                { format!(" \u{2014} {} (pass mark {})", if passed { "passed" } else { "not passed" }, scenario.scoring.pass) }
            </p>
            <h3>{ "What this ending teaches" }</h3>
            <div class="debrief"><RichText text={ending.debrief.clone()} /></div>
            <h3>{ "Your decisions" }</h3>
            <ol class="decisions">{ decisions }</ol>
            if !scenario.credits.is_empty() {
                <h3>{ "Ideas in this scenario" }</h3>
                <ul class="credits">
                    { for scenario.credits.iter().map(|c| html! {
                        <li>
                            <strong>{ &c.model }</strong>{ format!(" \u{2014} {}", c.author) }
                            if let Some(source) = &c.source {
                                <span class="credit-source">{ format!(", {source}") }</span>
                            }
                        </li>
                    }) }
                </ul>
            }
            <div class="actions">
                <button type="button" class="button" onclick={on_restart}>{ "Play again" }</button>
                <Link<Route> to={Route::Library} classes="button secondary">{ "Back to the library" }</Link<Route>>
            </div>
        </article>
    }
}

fn rating_label(rating: &str) -> &'static str {
    match rating {
        "exemplary" => "Exemplary",
        "solid" => "Solid",
        "costly" => "Costly",
        _ => "Failing",
    }
}
