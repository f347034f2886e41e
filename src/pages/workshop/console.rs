//! The facilitator's console: the scene with its facilitator note and discussion question,
//! what each choice leads to, vote entry, reveal and advance, the discussion timer, a running
//! clock, the room's decisions with rewind, and keyboard shortcuts (N advance, R reveal,
//! T timer).

use frontline_engine::scenario::{Next, SceneIdx};
use frontline_engine::workshop::{
    self, Action, Majority, Pick, RoomDecision, letter_among, majority,
};
use frontline_engine::{Scenario, Session, principles};

use crate::components::rich_text;
use crate::pages::play::decision_title;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{ViewProps, shortcut, use_act};
use crate::components::rich_text::RichText;
use crate::pages::workshop::app::WorkshopRoute;
use crate::platform::clock::{format_duration, now_ms, use_now, use_shortcuts};
use crate::platform::files;

const TIMER_CHOICES: [u32; 7] = [60, 120, 180, 300, 480, 600, 900];

/// Where a scene leads, in a few words for the facilitator.
fn destination(scenario: &Scenario, idx: SceneIdx) -> String {
    match scenario.scene(idx).ending() {
        Some(e) => format!("ending \u{201c}{}\u{201d} ({})", e.title, e.rating.as_str()),
        None => workshop::scene_label(scenario, idx),
    }
}

/// What a choice leads to, with chance odds as percentages.
fn leads_to(session: &Session, next: &Next) -> String {
    let scenario = session.scenario();
    match next {
        Next::Scene(idx) => destination(scenario, *idx),
        Next::Chance(outcomes) => {
            let weights: Vec<u32> = outcomes
                .iter()
                .map(|o| o.weight_for(session.meters(), session.flags()))
                .collect();
            let total: u32 = weights.iter().sum::<u32>().max(1);
            outcomes
                .iter()
                .zip(&weights)
                .map(|(o, w)| format!("{}% {}", w * 100 / total, destination(scenario, o.goto)))
                .collect::<Vec<_>>()
                .join("; or ")
        }
    }
}

fn principle_names(tags: &[String]) -> String {
    tags.iter()
        .filter_map(|t| principles::lookup(t).map(|p| p.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A sentence on how a room decision was made.
pub fn pick_text(d: &RoomDecision, offered_then: &[usize]) -> String {
    let total: u32 = d.votes.iter().sum();
    let votes = |i: usize| d.votes.get(i).copied().unwrap_or(0);
    match &d.pick {
        Pick::Majority => format!("room majority, {} of {total} votes", votes(d.choice)),
        Pick::Tie { .. } => format!(
            "tie broken by the facilitator, {} of {total} votes",
            votes(d.choice)
        ),
        Pick::Override { majority } => format!(
            "facilitator override: the room chose {} ({} of {total} votes)",
            letter_among(offered_then, *majority),
            votes(*majority)
        ),
        Pick::Unvoted => "played without a vote".to_owned(),
    }
}

/// The console.
#[function_component(Console)]
pub fn console(props: &ViewProps) -> Html {
    let scenario = props.scenario.0.clone();
    let w = props.workshop.clone();
    let (act, error) = use_act(props);
    let now = use_now(500);
    // The page above checked that the workshop replays; a fresh session is only a fallback.
    let session = w
        .session(&scenario)
        .unwrap_or_else(|_| Session::new(scenario.clone(), w.seed));

    {
        let act = act.clone();
        let unstarted = w.started_at.is_none();
        use_effect_with((), move |_| {
            if unstarted {
                act.emit(Action::StartClock(now_ms()));
            }
        });
    }
    let ended = session.is_ended();
    let offered: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
    let on_key = {
        let act = act.clone();
        let revealed = w.revealed;
        Callback::from(move |key: String| {
            if let Some(action) = shortcut(&key, revealed) {
                act.emit(action);
            }
        })
    };
    use_shortcuts(on_key);

    let total: u32 = offered
        .iter()
        .map(|&i| w.votes.get(i).copied().unwrap_or(0))
        .sum();
    let maj = majority(&w.votes, &offered);
    let scene = session.scene();

    let clock = w.started_at.map_or_else(
        || "0:00".to_owned(),
        |t| format_duration(now.saturating_sub(t), false),
    );
    let remaining = w.timer.remaining_ms(now);
    let timer_class = classes!(
        "timer-figure",
        (remaining == 0).then_some("timer-done"),
        w.timer.is_running().then_some("timer-running")
    );

    let open_projector = {
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            if !files::open_window("/workshop/projector", "frontline-projector") {
                error.set(Some("The browser blocked the new window. Allow pop-ups for this page, or open the projector view from the workshop setup in another window.".into()));
            }
        })
    };

    let vote_rows: Html = offered
        .iter()
        .enumerate()
        .map(|(pos, &i)| {
            let choice = &scene.choices()[i];
            let votes = w.votes.get(i).copied().unwrap_or(0);
            let input_id = format!("vote-{pos}");
            let letter = workshop::letter(pos);
            let oninput = {
                let act = act.clone();
                Callback::from(move |e: InputEvent| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    let count = input.value().trim().parse::<u32>().unwrap_or(0).min(999);
                    act.emit(Action::Vote { choice: i, count });
                })
            };
            let play = {
                let act = act.clone();
                Callback::from(move |_: MouseEvent| act.emit(Action::Play(i)))
            };
            let is_top = matches!(&maj, Majority::Winner(m) if *m == i)
                || matches!(&maj, Majority::Tie(t) if t.contains(&i));
            let override_play = matches!(&maj, Majority::Winner(m) if *m != i)
                || matches!(&maj, Majority::Tie(t) if !t.contains(&i));
            let applies = principle_names(&choice.applies);
            let violates = principle_names(&choice.violates);
            html! {
                <tr class={classes!(is_top.then_some("vote-top"))}>
                    <th scope="row" class="vote-letter">{ letter }</th>
                    <td>
                        <div class="vote-choice"><RichText text={choice.text.clone()} /></div>
                        <p class="vote-leads">{ "Leads to: " }{ leads_to(&session, &choice.next) }</p>
                        if !applies.is_empty() {
                            <p class="vote-tags applied">{ format!("Applies: {applies}") }</p>
                        }
                        if !violates.is_empty() {
                            <p class="vote-tags violated">{ format!("Goes against: {violates}") }</p>
                        }
                    </td>
                    <td class="vote-count">
                        <label for={input_id.clone()} class="visually-hidden">{ format!("Votes for {letter}") }</label>
                        <input id={input_id} type="number" min="0" max="999" inputmode="numeric"
                            value={votes.to_string()} oninput={oninput} />
                    </td>
                    <td>
                        <button type="button" class={classes!("button", "small", override_play.then_some("secondary"))} onclick={play}>
                            { if override_play { format!("Override: play {letter}") } else { format!("Play {letter}") } }
                        </button>
                    </td>
                </tr>
            }
        })
        .collect();

    let majority_text = match &maj {
        Majority::None => "No votes entered yet.".to_owned(),
        Majority::Winner(i) => {
            let v = w.votes.get(*i).copied().unwrap_or(0);
            format!(
                "Majority: {} with {v} of {total} votes.",
                letter_among(&offered, *i)
            )
        }
        Majority::Tie(t) => format!(
            "Tied: {}. Pick the choice to play.",
            t.iter()
                .map(|&i| letter_among(&offered, i).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };

    // The room's decisions so far, each with the choices that were on offer then.
    let history: Html = {
        let mut replay = Session::new(scenario.clone(), w.seed);
        w.room
            .iter()
            .enumerate()
            .map(|(n, d)| {
                let offered_then: Vec<usize> = replay.available_choices().map(|(i, _)| i).collect();
                let text = rich_text::plain(&replay.scene().choices()[d.choice].text);
                let how = pick_text(d, &offered_then);
                let letter = letter_among(&offered_then, d.choice);
                let _ = replay.choose_index(d.choice);
                let rewind = {
                    let act = act.clone();
                    Callback::from(move |_: MouseEvent| act.emit(Action::Rewind(n)))
                };
                html! {
                    <li class={classes!(matches!(d.pick, Pick::Override { .. }).then_some("overridden"))}>
                        <p><strong>{ format!("Decision {}: {letter}", n + 1) }</strong>{ format!(" \u{2014} {text}") }</p>
                        <p class="history-how">{ how }</p>
                        <button type="button" class="link-button" onclick={rewind}>
                            { format!("Go back to decision {}", n + 1) }
                        </button>
                    </li>
                }
            })
            .collect()
    };
    let explored: Html = w
        .explored
        .iter()
        .map(|b| {
            html! {
                <li>{ format!("From decision {}: {} decision{} explored, then rewound", b.from + 1, b.decisions.len(), if b.decisions.len() == 1 { "" } else { "s" }) }</li>
            }
        })
        .collect();

    let set_timer = {
        let act = act.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(secs) = select.value().parse::<u32>() {
                act.emit(Action::SetTimer(secs));
            }
        })
    };
    let toggle_timer = {
        let act = act.clone();
        Callback::from(move |_: MouseEvent| act.emit(Action::ToggleTimer(now_ms())))
    };
    let reset_timer = {
        let act = act.clone();
        Callback::from(move |_: MouseEvent| act.emit(Action::ResetTimer))
    };
    let reveal = {
        let act = act.clone();
        let shown = w.revealed;
        Callback::from(move |_: MouseEvent| act.emit(Action::Reveal(!shown)))
    };
    let clear = {
        let act = act.clone();
        Callback::from(move |_: MouseEvent| act.emit(Action::ClearVotes))
    };
    let advance = {
        let act = act.clone();
        Callback::from(move |_: MouseEvent| act.emit(Action::PlayMajority))
    };

    let scene_panel = if let Some(ending) = session.ending() {
        html! {
            <section class="console-scene" aria-labelledby="console-scene-heading">
                <h2 id="console-scene-heading">{ format!("Ending: {}", ending.title) }</h2>
                <p class="console-score">{ format!("Rating {} \u{b7} score {} / 100", ending.rating.as_str(), session.score()) }</p>
                <div class="scene-text"><RichText text={session.scene_text().to_owned()} /></div>
                <h3>{ "What this ending teaches" }</h3>
                <RichText text={ending.debrief.clone()} />
                <p>
                    <Link<WorkshopRoute> to={WorkshopRoute::Debrief} classes="button">{ "Open the debrief" }</Link<WorkshopRoute>>
                </p>
            </section>
        }
    } else {
        html! {
            <section class="console-scene" aria-labelledby="console-scene-heading">
                <h2 id="console-scene-heading">
                    { decision_title(&session) }
                </h2>
                <div class="scene-text"><RichText text={session.scene_text().to_owned()} /></div>
                <div class="console-private">
                    <h3>{ "Facilitator note" }</h3>
                    { scene.facilitator_note.clone().map_or_else(
                        || html! { <p class="muted">{ "No note for this scene." }</p> },
                        |n| html! { <RichText text={n} /> }) }
                    <h3>{ "Discussion question" }</h3>
                    { scene.discussion.clone().map_or_else(
                        || html! { <p class="muted">{ "No discussion question for this scene." }</p> },
                        |n| html! { <RichText text={n} /> }) }
                </div>
            </section>
        }
    };

    html! {
        <main id="main" class="workshop console" tabindex="-1">
            <header class="console-bar">
                <div>
                    <p class="console-kicker">{ "Facilitator console" }</p>
                    <h1>{ &scenario.meta.title }</h1>
                </div>
                <dl class="console-facts">
                    <div><dt>{ "Session time" }</dt><dd class="console-clock">{ clock }</dd></div>
                    <div><dt>{ "Team code" }</dt><dd class="seed-code">{ workshop::seed_code(w.seed) }</dd></div>
                    <div><dt>{ "Teams in" }</dt><dd>{ w.teams.len() }</dd></div>
                </dl>
                <nav class="console-nav" aria-label="Workshop">
                    <button type="button" class="button secondary small" onclick={open_projector}>{ "Open projector window" }</button>
                    <Link<WorkshopRoute> to={WorkshopRoute::Debrief} classes="button secondary small">{ "Debrief" }</Link<WorkshopRoute>>
                    <Link<WorkshopRoute> to={WorkshopRoute::Setup} classes="button secondary small">{ "Setup" }</Link<WorkshopRoute>>
                </nav>
            </header>
            <div class="visually-hidden" aria-live="assertive" aria-atomic="true">
                { (*error).clone().unwrap_or_default() }
            </div>
            if let Some(message) = &*error {
                <p class="error console-error">{ message }</p>
            }
            <div class="console-grid">
                { scene_panel }
                <div class="console-controls">
                    <section class="panel timer-panel" aria-labelledby="timer-heading">
                        <h2 id="timer-heading">{ "Discussion timer" }</h2>
                        <p class={timer_class} role="timer" aria-live="off">{ format_duration(remaining, true) }</p>
                        <div class="actions timer-actions">
                            <button type="button" class="button small" onclick={toggle_timer} aria-keyshortcuts="T">
                                { if w.timer.is_running() { "Pause (T)" } else { "Start (T)" } }
                            </button>
                            <button type="button" class="button secondary small" onclick={reset_timer}>{ "Reset" }</button>
                            <label class="inline-field">
                                { "Length " }
                                <select onchange={set_timer}>
                                    { for TIMER_CHOICES.iter().map(|&s| html! {
                                        <option value={s.to_string()} selected={s == w.timer.duration_s}>
                                            { format!("{} min", s / 60) }
                                        </option>
                                    }) }
                                </select>
                            </label>
                        </div>
                    </section>
                    if !ended {
                        <section class="panel" aria-labelledby="vote-heading">
                            <h2 id="vote-heading">{ "Room vote" }</h2>
                            <p class="vote-summary" role="status">{ majority_text }</p>
                            <div class="actions">
                                <button type="button" class="button secondary" onclick={reveal} aria-pressed={w.revealed.to_string()} aria-keyshortcuts="R">
                                    { if w.revealed { "Hide votes (R)" } else { "Reveal votes (R)" } }
                                </button>
                                <button type="button" class="button" onclick={advance} aria-keyshortcuts="N">
                                    { "Play majority and advance (N)" }
                                </button>
                                <button type="button" class="link-button" onclick={clear}>{ "Clear votes" }</button>
                            </div>
                            <table class="vote-table">
                                <caption class="visually-hidden">{ "Choices, where they lead, and the room's votes" }</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{ "Choice" }</th>
                                        <th scope="col">{ "Text and consequence" }</th>
                                        <th scope="col">{ "Votes" }</th>
                                        <th scope="col">{ "Play" }</th>
                                    </tr>
                                </thead>
                                <tbody>{ vote_rows }</tbody>
                            </table>
                        </section>
                    }
                    <section class="panel" aria-labelledby="history-heading">
                        <h2 id="history-heading">{ "The room's decisions" }</h2>
                        if w.room.is_empty() {
                            <p class="muted">{ "None yet." }</p>
                        } else {
                            <ol class="history">{ history }</ol>
                        }
                        if !w.explored.is_empty() {
                            <h3>{ "Branches explored" }</h3>
                            <ul class="explored">{ explored }</ul>
                        }
                    </section>
                    <p class="shortcuts muted">{ "Shortcuts: N plays the majority and advances, R reveals or hides the votes, T starts or pauses the timer." }</p>
                </div>
            </div>
        </main>
    }
}
