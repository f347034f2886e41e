//! The projector view: large type for a room, nothing private. The scene, the choices lettered
//! A, B, C, the meters, the vote distribution once the facilitator reveals it, the discussion
//! timer, what the room's last decision did, and at the end the ending and its lessons.
//! Presentation clickers (Page Down) and the console's shortcuts work here too.

use std::rc::Rc;

use frontline_engine::Session;
use frontline_engine::workshop::{self, Majority, Workshop, letter_among, majority};
use yew::Reducible;
use yew::prelude::*;

use super::{ViewProps, shortcut, use_act};
use crate::components::meter::session_meters;
use crate::components::rich_text::RichText;
use crate::pages::play::decision_title;
use crate::platform::clock::{format_duration, use_now, use_shortcuts};
use crate::platform::files;
use crate::state::{LastDecision, PlayAction, PlayState};

/// What the room's last decision did, from the same reducer the player uses (also what a
/// live room's phones show after each decision).
pub fn last_decision(session: &Session) -> Option<LastDecision> {
    let n = session.history().len();
    let choice = session.history().last()?.choice;
    let before = Rc::new(PlayState::new(session.rewound(n - 1)));
    before.reduce(PlayAction::Choose(choice)).last.clone()
}

/// The discussion timer, once it has been started.
pub fn timer_view(w: &Workshop, now: u64) -> Option<Html> {
    let remaining = w.timer.remaining_ms(now);
    let show_timer = w.timer.is_running() || (remaining < u64::from(w.timer.duration_s) * 1000);
    show_timer.then(|| {
        html! {
            <p class={classes!("projector-timer", (remaining == 0).then_some("timer-done"))} role="timer">
                <span class="visually-hidden">{ "Discussion time left: " }</span>
                { format_duration(remaining, true) }
            </p>
        }
    })
}

/// The meters and what the room's last decision did.
pub fn side_view(w: &Workshop, session: &Session) -> Html {
    let meters = session_meters(session, "projector-");
    let last = last_decision(session).map(|last| {
        let d = w.room.last();
        let override_note = d.and_then(|d| match d.pick {
            workshop::Pick::Override { .. } => Some("The facilitator played this option to explore it."),
            _ => None,
        });
        html! {
            <aside class="projector-last" aria-label="What the room's last decision did">
                <p class="projector-last-choice"><span class="feedback-kicker">{ "The room chose: " }</span>{ &last.choice }</p>
                if let Some(note) = override_note {
                    <p class="projector-override">{ note }</p>
                }
                if let Some(chance) = &last.chance {
                    <RichText text={chance.clone()} />
                }
                if let Some(feedback) = &last.feedback {
                    <RichText text={feedback.clone()} />
                }
                { for last.consequences.iter().map(|c| html! {
                    <div class="feedback-consequence"><span class="feedback-kicker">{ "Meanwhile: " }</span><RichText text={c.text.clone()} /></div>
                }) }
            </aside>
        }
    });

    html! {
        <div class="projector-side">
            <section class="meters projector-meters" aria-label="Meters">{ meters }</section>
            { last }
        </div>
    }
}

/// The scene, its choices and (once revealed, never before) the votes; or the ending.
pub fn scene_body(w: &Workshop, session: &Session) -> Html {
    let offered: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
    let total: u32 = offered
        .iter()
        .map(|&i| w.votes.get(i).copied().unwrap_or(0))
        .sum();
    let maj = majority(&w.votes, &offered);
    let scene = session.scene();

    if let Some(ending) = session.ending() {
        html! {
            <article class="projector-scene" aria-labelledby="projector-heading">
                <p class={classes!("rating", format!("rating-{}", ending.rating.as_str()))}>{ ending.rating.as_str() }</p>
                <h2 id="projector-heading">{ &ending.title }</h2>
                <div class="projector-text"><RichText text={session.scene_text().to_owned()} /></div>
                <p class="projector-score">{ format!("Score {} / 100", session.score()) }</p>
                <div class="projector-debrief"><RichText text={ending.debrief.clone()} /></div>
            </article>
        }
    } else {
        let choices: Html = offered
            .iter()
            .enumerate()
            .map(|(pos, &i)| {
                let votes = w.votes.get(i).copied().unwrap_or(0);
                // Rounded to the nearest per cent.
                let pct = (votes * 200 + total).checked_div(total * 2).unwrap_or(0);
                let top = matches!(&maj, Majority::Winner(m) if *m == i);
                html! {
                    <li class={classes!("projector-choice", (w.revealed && top).then_some("vote-top"))}>
                        <span class="choice-letter" aria-hidden="true">{ workshop::letter(pos) }</span>
                        <span class="visually-hidden">{ format!("{}: ", workshop::letter(pos)) }</span>
                        <div class="projector-choice-body">
                            <RichText text={scene.choices()[i].text.clone()} />
                            if w.revealed {
                                <div class="vote-result">
                                    <svg class="vote-bar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">
                                        <rect class="vote-bar-track" width="100" height="4" />
                                        <rect class="vote-bar-fill" width={pct.to_string()} height="4" />
                                    </svg>
                                    <span class="vote-figure">{ format!("{votes} vote{} \u{b7} {pct}%", if votes == 1 { "" } else { "s" }) }</span>
                                </div>
                            }
                        </div>
                    </li>
                }
            })
            .collect();
        let summary = match (&maj, w.revealed) {
            (_, false) => None,
            (Majority::None, true) => Some("No votes yet.".to_owned()),
            (Majority::Winner(i), true) => Some(format!(
                "The room's choice: {} ({total} votes in all)",
                letter_among(&offered, *i)
            )),
            (Majority::Tie(t), true) => Some(format!(
                "A tie between {} ({total} votes in all)",
                t.iter()
                    .map(|&i| letter_among(&offered, i).to_string())
                    .collect::<Vec<_>>()
                    .join(" and ")
            )),
        };
        html! {
            <article class="projector-scene" aria-labelledby="projector-heading">
                <h2 id="projector-heading">
                    { decision_title(session) }
                </h2>
                <div class="projector-text"><RichText text={session.scene_text().to_owned()} /></div>
                <h3 id="projector-choose">{ "What do you do?" }</h3>
                <ol class="projector-choices" aria-labelledby="projector-choose">{ choices }</ol>
                if let Some(summary) = summary {
                    <p class="projector-vote-summary">{ summary }</p>
                }
            </article>
        }
    }
}

/// The projector view.
#[function_component(Projector)]
pub fn projector(props: &ViewProps) -> Html {
    let scenario = props.scenario.0.clone();
    let w = props.workshop.clone();
    let (act, error) = use_act(props);
    let now = use_now(500);
    {
        let act = act.clone();
        let revealed = w.revealed;
        use_shortcuts(Callback::from(move |key: String| {
            if let Some(action) = shortcut(&key, revealed) {
                act.emit(action);
            }
        }));
    }
    let session = w
        .session(&scenario)
        .unwrap_or_else(|_| Session::new(scenario.clone(), w.seed));
    let timer = timer_view(&w, now);
    let body = scene_body(&w, &session);
    let side = side_view(&w, &session);

    html! {
        <main id="main" class="workshop projector" tabindex="-1">
            <header class="projector-bar">
                <h1>{ &scenario.meta.title }</h1>
                { timer }
                <p class="projector-join">
                    { "Teams join at " }<strong class="team-url">{ files::app_url("/team") }</strong>{ " with code " }
                    <strong class="seed-code">{ workshop::seed_code(w.seed) }</strong>
                </p>
            </header>
            if let Some(message) = &*error {
                <p class="error projector-error" role="alert">{ message }</p>
            }
            <div class="projector-body">{ body }</div>
            { side }
        </main>
    }
}
