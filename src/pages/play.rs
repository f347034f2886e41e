//! Playing a scenario, and its ending.
//!
//! The page restores the scenario's save (or starts a new session), saves after every
//! decision, keeps the route in step with the session (`/play/ID` while playing,
//! `/ending/ID` once finished) and moves keyboard focus to the new scene after each choice.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use frontline_engine::debrief::Chance;
use frontline_engine::{Scenario, Session};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::catalog;
use crate::components::choices::{ChoiceItem, ChoiceList, choice_for_key, keys_hint};
use crate::components::fetch_status::fetch_status_view;
use crate::components::idea_card::{IdeaCard, idea_line};
use crate::components::meter::session_meters;
use crate::components::notice::Notice;
use crate::components::rich_text::{self, RichText};
use crate::hooks::use_scenario::{ScenarioFetch, use_scenario};
use crate::pages::debrief::{Debrief, SessionRef};
use crate::platform::clock::{after_paint, use_shortcuts};
use crate::platform::page::use_title;
use crate::platform::settings::{self, FeedbackTiming};
use crate::platform::{lms, opened, saves, seed, what_ifs};
use crate::route::Route;
use crate::state::{LastDecision, MeterChange, PlayAction, PlayState, Tone};

/// Props for [`PlayPage`].
#[derive(Properties, PartialEq)]
pub struct PlayPageProps {
    /// Scenario id from the route.
    pub id: AttrValue,
    /// Whether the route is the ending route.
    #[prop_or_default]
    pub ending: bool,
}

/// The play page: finds and fetches the scenario, then hands over to [`Player`].
#[function_component(PlayPage)]
pub fn play_page(props: &PlayPageProps) -> Html {
    let id = props.id.to_string();
    let fetched = use_scenario(&id);
    // A bundled scenario, or one opened from a file or link (`opened-ID`, see #/open).
    let title = catalog::find(&id)
        .map(|s| s.title.to_owned())
        .or_else(|| opened::scenario(&id).map(|s| s.meta.title.clone()))
        .unwrap_or_else(|| "Scenario not found".to_owned());
    use_title(title.clone());
    if let Some(status) = fetch_status_view(&title, &id, &fetched.state, fetched.retry) {
        return status;
    }
    match fetched.state {
        ScenarioFetch::Ready(scenario) => html! {
            <Player key={id} scenario={ScenarioRef(scenario)} ending_route={props.ending} />
        },
        _ => html! {},
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

/// Restores the save or starts fresh; returns the session and a notice for the player. A
/// finished save is shown again on the ending route (a reload of the debrief) but not on the
/// play route, where the player asked to play: that starts a new session.
fn initial_session(scenario: &Arc<Scenario>, ending_route: bool) -> (Session, Option<String>) {
    // LMS: an LMS that records this scenario supplies the save (its suspend data).
    if let Some(from_lms) = lms::initial_session(scenario, seed::fresh_seed()) {
        return from_lms;
    }
    match saves::restore(scenario) {
        Ok(Some(session)) if !session.is_ended() || ending_route => (session, None),
        Ok(Some(_)) => {
            saves::clear(&scenario.meta.id);
            (Session::new(scenario.clone(), seed::fresh_seed()), None)
        }
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
        let ending_route = props.ending_route;
        move |_| initial_session(&scenario, ending_route)
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
    // The verdict, once: the debrief, the results history and the LMS record all get this
    // value, so they never disagree about the score, passing or the pass mark.
    let verdict = lms::verdict(&state.session);

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
            lms::report(&state.session, verdict.as_ref());
            let lms_saves = lms::owns(&state.session.scenario().meta.id);
            if decisions > 0 && !lms_saves {
                if let Err(problem) = saves::save(&state.session) {
                    notice.set(Some(problem.message()));
                }
            } else if decisions == 0 && was_mounted && !lms_saves {
                // Replayed from the first decision: nothing is left to resume.
                saves::clear(&state.session.scenario().meta.id);
            }
            // The debrief's what-if worker starts while the player reads on.
            if decisions > 0 {
                after_paint(what_ifs::warm_up);
            }
            // In the same task as the render, not after the frame: focusing forces a layout,
            // but the frame then reuses it, while focusing after the frame would scroll and
            // repaint the whole page a second time (measured: the click's next frame p95 was
            // 21-26 ms this way against 37-43 ms deferred, at 1x).
            if (decisions > 0 || was_mounted)
                && let Some(el) = heading.cast::<web_sys::HtmlElement>()
            {
                let _ = el.focus();
            }
        });
    }
    // Keep the address in step with the session, once the frame that shows the change is
    // out: changing the address renders the page again (the router's new route), which
    // would otherwise delay that frame (a CPU profile of 40 clicks at 1x spent 7.8 ms in the
    // router's replace at its three or four endings).
    // A change is dropped if the state changes again or the player leaves the page first.
    {
        let navigator = navigator.clone();
        let id = scenario.meta.id.clone();
        use_effect_with((ended, props.ending_route), move |&(ended, on_ending)| {
            let target = if ended && !on_ending {
                Some(Route::Ending { id })
            } else if !ended && on_ending {
                Some(Route::Play { id })
            } else {
                None
            };
            let dropped = Rc::new(Cell::new(false));
            if let (Some(nav), Some(target)) = (navigator, target) {
                let dropped = dropped.clone();
                after_paint(move || {
                    if !dropped.get() {
                        nav.replace(&target);
                    }
                });
            }
            move || dropped.set(true)
        });
    }

    let on_choose = {
        let state = state.clone();
        Callback::from(move |idx: usize| state.dispatch(PlayAction::Choose(idx)))
    };
    // Keys A, B, C... pick the choice with that letter (not while typing in a field, not with
    // Ctrl, Alt or Meta held); the scene shows the hint. An attempt the LMS opened for review
    // takes no decision, by key or otherwise.
    let read_only = lms::read_only();
    let offered: Vec<usize> = if ended || read_only {
        Vec::new()
    } else {
        state.session.available_choices().map(|(i, _)| i).collect()
    };
    let on_key = {
        let dispatcher = state.dispatcher();
        use_callback(offered, move |key: String, offered| {
            if let Some(&idx) = choice_for_key(&key).and_then(|n| offered.get(n)) {
                dispatcher.dispatch(PlayAction::Choose(idx));
            }
        })
    };
    use_shortcuts(on_key);
    let on_restart = {
        let state = state.clone();
        let id = scenario.meta.id.clone();
        Callback::from(move |_: MouseEvent| {
            saves::clear(&id);
            state.dispatch(PlayAction::Restart(seed::fresh_seed()));
        })
    };
    let on_replay_from = {
        let state = state.clone();
        Callback::from(move |n: usize| state.dispatch(PlayAction::Rewind(n)))
    };
    let on_dismiss = {
        let notice = notice.clone();
        Callback::from(move |()| notice.set(None))
    };

    let meters = session_meters(&state.session, "");
    let announcement = state
        .last
        .as_ref()
        .map(LastDecision::announcement)
        .unwrap_or_default();

    let feedback_timing = settings::feedback();
    let body = if let Some(verdict) = verdict {
        html! {
            <Debrief session={SessionRef(state.session.clone())} verdict={verdict} heading={heading.clone()}
                on_play_again={on_restart} on_replay_from={on_replay_from} />
        }
    } else {
        scene_view(
            &state.session,
            &heading,
            "What do you do?",
            on_choose,
            !read_only,
        )
    };

    html! {
        <main id="main" class="play" tabindex="-1">
            <header class="play-bar">
                <Link<Route> to={Route::Library} classes="back-link">{ "\u{2190} Library" }</Link<Route>>
                <h1 class="play-title">{ &scenario.meta.title }</h1>
                <Link<Route> to={Route::Intro { id: scenario.meta.id.clone() }} classes="back-link briefing-link">{ "Briefing" }</Link<Route>>
                // LMS: the exit control (nothing when no LMS records this launch).
                <lms::notice::LmsExit />
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
                    { last_decision_view(last, feedback_timing) }
                }
                { body }
                if !ended && decisions > 0 {
                    { history_view(&state.session) }
                }
            </div>
        </main>
    }
}

/// Says honestly how likely a chance outcome was.
fn odds_sentence(odds: &Chance) -> String {
    if odds.could_have_gone_otherwise() {
        format!(
            "This was a matter of chance: it had {}, and it could have gone the other way.",
            odds.odds_phrase()
        )
    } else {
        "Given how things stood, this outcome was certain.".to_owned()
    }
}

/// The meters a choice or a consequence moved, each with its signed change and whether it is
/// good or bad news in words as well as colour ("Team morale +4, better").
pub fn changes_view(changes: &[MeterChange]) -> Html {
    if changes.is_empty() {
        return html! {};
    }
    html! {
        <ul class="changes">
            { for changes.iter().map(|c| {
                let (class, word) = if c.is_good() { ("good", "better") } else { ("bad", "worse") };
                html! {
                    <li class={classes!("change", class)}>{ format!("{} {}, {word}", c.label, c.signed()) }</li>
                }
            }) }
        </ul>
    }
}

/// What the last decision did: the choice, the chance outcome and its odds, what the choice
/// itself moved, the author's feedback and the leadership ideas it applied or went against
/// (or that they are saved for the debrief), then each delayed consequence that fired, with
/// what it moved, apart from the choice.
pub fn last_decision_view(last: &LastDecision, timing: FeedbackTiming) -> Html {
    feedback_view(last, timing, Chooser::Player)
}

/// Who made the decision a feedback panel explains: its words differ, nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chooser {
    /// The player (the play page, a team playing without a server).
    Player,
    /// A live room, by its vote.
    Room,
    /// A team in a live room.
    Team,
}

impl Chooser {
    /// (who chose, what the choice moved, the panel's name)
    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Chooser::Player => (
                "You chose: ",
                "Your choice moved:",
                "What your last decision did",
            ),
            Chooser::Room => (
                "The room chose: ",
                "The room's choice moved:",
                "What the room's last decision did",
            ),
            Chooser::Team => (
                "Your team chose: ",
                "Your team's choice moved:",
                "What your team's last decision did",
            ),
        }
    }
}

/// [`last_decision_view`] in the words for whoever chose (a live room's phones).
pub fn feedback_view(last: &LastDecision, timing: FeedbackTiming, who: Chooser) -> Html {
    let (kicker, moved, label) = who.words();
    let at_once = timing == FeedbackTiming::AtOnce;
    let ideas = last
        .applied
        .iter()
        .map(|t| (t, "Applied"))
        .chain(last.violated.iter().map(|t| (t, "Went against")));
    html! {
        <aside class="feedback" aria-label={label}>
            <p class="feedback-choice"><span class="feedback-kicker">{ kicker }</span>{ &last.choice }</p>
            if let Some(chance) = &last.chance {
                <div class="feedback-chance"><RichText text={chance.clone()} /></div>
            }
            if let Some(odds) = &last.odds {
                <p class="feedback-odds">{ odds_sentence(odds) }</p>
            }
            if !last.changes.is_empty() {
                <div class="feedback-own">
                    <p class="feedback-kicker">{ moved }</p>
                    { changes_view(&last.changes) }
                </div>
            }
            if let Some(feedback) = &last.feedback {
                if at_once {
                    <div class="feedback-text"><RichText text={feedback.clone()} /></div>
                } else {
                    <p class="feedback-saved">{ "Feedback on this choice is saved for the debrief." }</p>
                }
            }
            if at_once && (!last.applied.is_empty() || !last.violated.is_empty()) {
                <div class="feedback-ideas">
                    <p class="feedback-kicker">{ "Leadership ideas in this choice" }</p>
                    <ul class="ideas">
                        { for ideas.map(|(tag, verdict)| html! {
                            <li key={tag.clone()} class={classes!("idea", if verdict == "Applied" { "applied" } else { "violated" })}>
                                { idea_line(tag, Some(verdict)) }
                                <IdeaCard tag={tag.clone()} id_prefix="feedback" />
                            </li>
                        }) }
                    </ul>
                </div>
            }
            { for last.consequences.iter().map(|c| {
                let (tone, news) = match Tone::of(&c.changes) {
                    Tone::Good => ("good", " (good news)"),
                    Tone::Bad => ("bad", " (bad news)"),
                    Tone::Mixed => ("mixed", ""),
                };
                html! {
                    <div class={classes!("feedback-consequence", tone)}>
                        <p class="feedback-kicker">{ format!("Meanwhile{news}:") }</p>
                        <RichText text={c.text.clone()} />
                        { changes_view(&c.changes) }
                    </div>
                }
            }) }
        </aside>
    }
}

/// The decisions so far, for a player who wants to look back during play.
fn history_view(session: &Session) -> Html {
    let scenario = session.scenario();
    html! {
        <details class="history">
            <summary>{ format!("Your decisions so far ({})", session.history().len()) }</summary>
            <ol class="history-list">
                { for session.history().iter().map(|d| {
                    let scene = scenario.scene(d.scene);
                    let choice = &scene.choices()[d.choice];
                    html! {
                        <li>
                            if let Some(speaker) = &scene.speaker {
                                <span class="history-speaker">{ format!("{speaker}: ") }</span>
                            }
                            { rich_text::plain(&choice.text) }
                            if d.outcome.is_some() {
                                <span class="history-chance">{ " (chance played a part)" }</span>
                            }
                        </li>
                    }
                }) }
            </ol>
        </details>
    }
}

/// The current scene's title: "Decision N", and who speaks ("Decision 3 — Priya Nair").
/// Shared by the play page, the team player, and the workshop's console and projector.
pub fn decision_title(session: &Session) -> Html {
    let step = session.history().len() + 1;
    html! {
        <>
            { format!("Decision {step}") }
            if let Some(speaker) = &session.scene().speaker {
                <span class="scene-speaker">{ format!(" \u{2014} {speaker}") }</span>
            }
        </>
    }
}

/// The current scene with its choices; `question` heads the choices ("What do you do?").
/// With `keys`, the page picks a choice by its letter key (see [`choice_for_key`]) and the
/// scene says so.
pub fn scene_view(
    session: &Session,
    heading: &NodeRef,
    question: &str,
    on_choose: Callback<usize>,
    keys: bool,
) -> Html {
    let choices: Vec<ChoiceItem> = session
        .available_choices()
        .map(|(index, c)| ChoiceItem {
            index,
            text: c.text.clone().into(),
        })
        .collect();
    let n_choices = choices.len();
    html! {
        <article class="scene" aria-labelledby="scene-heading">
            <h2 id="scene-heading" class="scene-heading" tabindex="-1" ref={heading.clone()}>
                { decision_title(session) }
            </h2>
            <div class="scene-text"><RichText text={session.scene_text().to_owned()} /></div>
            <h3 id="choose-heading" class="choose-heading">{ question }</h3>
            if keys {
                <p class="choice-keys">{ keys_hint(n_choices) }</p>
            }
            <ChoiceList choices={choices} on_choose={on_choose} labelled_by="choose-heading" keys={keys} />
        </article>
    }
}
