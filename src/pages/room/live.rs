//! A participant in the room: the briefing, then each decision with this device's vote and
//! the vote's state, the discussion question and timer when the facilitator shows them, what
//! the room's choice did, and the debrief with how the room chose at each decision.

use std::sync::Arc;

use frontline_engine::workshop::{Pick, RoomDecision, Timer, letter_among};
use frontline_engine::{Scenario, Session};
use room_protocol::{Mode, Panel, Room};
use yew::prelude::*;

use super::{HandleProp, link_sentence, online, team};
use crate::components::choices::{ChoiceItem, ChoiceList};
use crate::components::meter::session_meters;
use crate::components::notice::Notice;
use crate::components::rich_text::{self, RichText};
use crate::pages::debrief::{rating_label, verdict_phrase};
use crate::pages::intro::briefing_sections;
use crate::pages::play::{Chooser, decision_title, feedback_view};
use crate::pages::workshop::projector::last_decision;
use crate::platform::clock::{format_duration, use_now};
use crate::platform::page::use_title;
use crate::platform::rooms::Live;
use crate::platform::settings::FeedbackTiming;

/// Props for [`InRoom`].
#[derive(Properties, PartialEq)]
pub struct InRoomProps {
    /// The room.
    pub handle: HandleProp,
    /// Leaves the room (back to the join form).
    pub on_leave: Callback<MouseEvent>,
}

/// What the phone shows, which decides where the focus goes when it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum View {
    Briefing,
    Decision(usize),
    Debrief,
    Team,
}

/// The room, as a participant sees it.
#[function_component(InRoom)]
pub fn in_room(props: &InRoomProps) -> Html {
    let handle = &props.handle.0;
    let live = handle.live.clone();
    let live = live.as_ref();
    let room = live.map(|l| l.room.clone());
    let decisions = room.as_ref().map_or(0, |r| r.workshop.room.len());
    let shown = room.as_ref().map(|r| r.shown).unwrap_or_default();
    // The briefing comes first, before the first decision, and whenever the facilitator
    // shows it on the projector; a participant can open it at any time.
    let briefing = use_state(|| decisions == 0);
    {
        let briefing = briefing.clone();
        use_effect_with((shown, decisions), move |&(shown, decisions)| {
            if shown == Panel::Briefing {
                briefing.set(true);
            } else if decisions > 0 || shown != Panel::Scene {
                briefing.set(false);
            }
        });
    }
    let title = live
        .map(|l| l.scenario.meta.title.clone())
        .unwrap_or_default();
    use_title(format!("Live workshop: {title}"));
    let heading = use_node_ref();

    let session = use_memo(
        room.as_ref()
            .map(|r| (r.position, live.map(|l| l.code.clone()))),
        {
            let live = live.cloned();
            move |_| live.and_then(|l| l.room.workshop.session(&l.scenario).ok())
        },
    );
    let view = match (&room, &*session) {
        (Some(r), _) if r.mode == Mode::Teams => View::Team,
        _ if *briefing => View::Briefing,
        (Some(r), Some(s)) if s.is_ended() || r.shown == Panel::Debrief => View::Debrief,
        _ => View::Decision(decisions),
    };
    // A new view (a decision played, the debrief, the briefing) takes the focus, so keyboard
    // and screen reader users start reading there: after a decision, what the room's choice
    // did (above the next scene, which would otherwise scroll it out of sight); else the
    // view's heading.
    let last_ref = use_node_ref();
    {
        let (heading, last_ref) = (heading.clone(), last_ref.clone());
        use_effect_with(view.clone(), move |_| {
            let target = last_ref
                .cast::<web_sys::HtmlElement>()
                .or_else(|| heading.cast::<web_sys::HtmlElement>());
            if let Some(el) = target {
                let _ = el.focus();
            }
        });
    }
    let (Some(live), Some(room)) = (live, room) else {
        return html! {};
    };

    let status = link_sentence(&handle.link, handle.vote_pending, online());
    let failed = matches!(handle.link, crate::platform::rooms::Link::Failed(_));
    let on_dismiss = {
        let handle = handle.clone();
        Callback::from(move |()| handle.dismiss())
    };
    let toggle_briefing = {
        let briefing = briefing.clone();
        Callback::from(move |_: MouseEvent| briefing.set(!*briefing))
    };

    let body = match (&view, &*session) {
        (View::Team, _) => {
            html! { <team::TeamRoom handle={props.handle.clone()} heading={heading.clone()} /> }
        }
        (View::Briefing, _) => html! {
            <article class="room-briefing" aria-labelledby="room-view-heading">
                <h2 id="room-view-heading" class="scene-heading" tabindex="-1" ref={heading.clone()}>{ "Briefing" }</h2>
                <p class="intro-summary">{ &live.scenario.meta.summary }</p>
                { briefing_sections(&live.scenario) }
                <p class="actions">
                    <button type="button" class="button" onclick={toggle_briefing.clone()}>
                        { if decisions == 0 { "On to the first decision" } else { "Back to the decision" } }
                    </button>
                </p>
            </article>
        },
        (View::Debrief, Some(s)) => debrief_view(s, &room, &heading),
        (View::Decision(_), Some(s)) => decision_view(handle, live, s, &heading, &last_ref),
        _ => {
            html! { <p class="error" role="alert">{ "This room's decisions do not fit this version of the scenario." }</p> }
        }
    };

    html! {
        <main id="main" class="room" tabindex="-1">
            <header class="room-bar">
                <div class="room-bar-title">
                    <p class="room-kicker">{ "Live workshop \u{b7} room " }<span class="seed-code">{ &live.code }</span></p>
                    <h1 class="play-title">{ &title }</h1>
                </div>
                if view != View::Team {
                    <button type="button" class="button secondary small" aria-pressed={if *briefing { "true" } else { "false" }}
                        onclick={toggle_briefing}>{ "Briefing" }</button>
                }
            </header>
            <div class={classes!("room-status", status.is_some().then_some("room-status-shown"))} aria-live="polite" aria-atomic="true">
                if let Some(status) = status {
                    <p>{ status }</p>
                }
            </div>
            if failed {
                <p><button type="button" class="button secondary" onclick={props.on_leave.clone()}>{ "Join another room" }</button></p>
            }
            if let Some(notice) = &handle.notice {
                <Notice message={notice.clone()} on_dismiss={on_dismiss} />
            }
            if let Some(error) = &handle.error {
                <p class="error" role="alert">{ error }</p>
            }
            { body }
        </main>
    }
}

/// The votes per offered choice, lettered: "A 3 · B 5 · C 0".
fn tally(votes: &[u32], offered: &[usize]) -> String {
    offered
        .iter()
        .map(|&i| {
            format!(
                "{} {}",
                letter_among(offered, i),
                votes.get(i).copied().unwrap_or(0)
            )
        })
        .collect::<Vec<_>>()
        .join(" \u{b7} ")
}

/// Where the vote stands for this device, in a sentence.
fn vote_sentence(room: &Room, offered: &[usize], mine: Option<usize>, sent: bool) -> String {
    let yours = mine.map(|c| letter_among(offered, c));
    let w = &room.workshop;
    if w.revealed {
        let yours = yours.map_or_else(
            || "You did not vote.".to_owned(),
            |l| format!("Your vote: {l}."),
        );
        format!(
            "The vote is closed. The room voted {}. {yours}",
            tally(&w.votes, offered)
        )
    } else if room.locked {
        match yours {
            Some(l) => format!("The facilitator has locked the vote. Your vote: {l}."),
            None => "The facilitator has locked the vote; you did not vote this time.".into(),
        }
    } else {
        match (yours, sent) {
            (Some(l), true) => format!(
                "Your vote: {l} \u{2014} you can change it until the facilitator locks the vote."
            ),
            (Some(l), false) => format!(
                "Your vote: {l} \u{2014} not sent yet; it goes as soon as this device is back in the room."
            ),
            (None, _) => "Tap a choice to vote. Your vote is anonymous.".into(),
        }
    }
}

/// The current decision: what the room's last choice did, the discussion question when the
/// facilitator shows it, the timer, then the scene and its choices as the vote.
fn decision_view(
    handle: &crate::platform::rooms::RoomHandle,
    live: &Live,
    session: &Session,
    heading: &NodeRef,
    last_ref: &NodeRef,
) -> Html {
    let room = &live.room;
    let offered: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
    let confirmed = live.my_ballot();
    let mine = handle.pending_choice.or(confirmed);
    let sent = handle.pending_choice.is_none() || handle.pending_choice == confirmed;
    let choices: Vec<ChoiceItem> = session
        .available_choices()
        .map(|(index, c)| ChoiceItem {
            index,
            text: c.text.clone().into(),
        })
        .collect();
    let on_choose = {
        let handle = handle.clone();
        Callback::from(move |i: usize| handle.vote(i))
    };
    let scene = session.scene();
    let question = (room.shown == Panel::Question)
        .then(|| scene.discussion.clone())
        .flatten();
    let quick = room.quick.contains(&scene.id);
    let last = room.workshop.room.last().and_then(|d| {
        last_decision(session).map(|last| {
            html! {
                <div class="room-last" tabindex="-1" ref={last_ref.clone()}>
                    { feedback_view(&last, FeedbackTiming::AtOnce, Chooser::Room) }
                    if matches!(d.pick, Pick::Override { .. }) {
                        <p class="muted">{ "The facilitator played this option to explore it." }</p>
                    }
                </div>
            }
        })
    });
    html! {
        <>
            <section class="meters" aria-label="Meters">{ session_meters(session, "") }</section>
            { last }
            <article class="scene room-scene" aria-labelledby="room-view-heading">
                <h2 id="room-view-heading" class="scene-heading" tabindex="-1" ref={heading.clone()}>
                    { decision_title(session) }
                </h2>
                <RoomTimer timer={room.workshop.timer.clone()} offset={live.clock_offset_ms} />
                if let Some(question) = question {
                    <section class="panel room-question" aria-labelledby="room-question-heading">
                        <h3 id="room-question-heading">{ "Discuss" }</h3>
                        <RichText text={question} />
                    </section>
                }
                <div class="scene-text"><RichText text={session.scene_text().to_owned()} /></div>
                <h3 id="choose-heading" class="choose-heading">{ "What should the room do?" }</h3>
                if quick {
                    <p class="muted">{ "The facilitator plays this decision without a discussion." }</p>
                }
                <ChoiceList choices={choices} on_choose={on_choose} labelled_by="choose-heading"
                    toggles=true selected={mine} disabled={!room.vote_open()} />
                <p class="room-vote" aria-live="polite">{ vote_sentence(room, &offered, mine, sent) }</p>
            </article>
        </>
    }
}

/// Props for [`RoomTimer`].
#[derive(Properties, PartialEq)]
struct RoomTimerProps {
    timer: Timer,
    /// Server time minus this device's clock, in ms.
    offset: i64,
}

/// The discussion timer, counting on the phone as on the projector (by the server's clock).
#[function_component(RoomTimer)]
fn room_timer(props: &RoomTimerProps) -> Html {
    let now = use_now(500);
    let now = (now as i64 + props.offset).max(0) as u64;
    let timer = &props.timer;
    let remaining = timer.remaining_ms(now);
    if !timer.is_running() && remaining >= u64::from(timer.duration_s) * 1000 {
        return html! {};
    }
    html! {
        <p class={classes!("room-timer", (remaining == 0).then_some("timer-done"), (!timer.is_running()).then_some("timer-paused"))} role="timer">
            <span class="room-timer-label">{ if timer.is_running() { "Discussion time left " } else { "Timer paused at " } }</span>
            <strong>{ format_duration(remaining, true) }</strong>
        </p>
    }
}

/// How a decision was picked, in words.
fn pick_phrase(d: &RoomDecision, offered: &[usize]) -> String {
    match &d.pick {
        Pick::Majority => "the room's majority".into(),
        Pick::Tie { .. } => "a tie, broken by the facilitator".into(),
        Pick::Override { majority } => format!(
            "the facilitator's choice (the majority voted {})",
            letter_among(offered, *majority)
        ),
        Pick::Unvoted => "the facilitator's choice, without a vote".into(),
    }
}

/// The room's path, decision by decision: the choice played, the vote and how it was picked.
fn path_view(scenario: &Arc<Scenario>, room: &Room, session: &Session) -> Html {
    html! {
        <ol class="room-path">
            { for session.history().iter().zip(&room.workshop.room).enumerate().map(|(n, (step, d))| {
                let before = session.rewound(n);
                let offered: Vec<usize> = before.available_choices().map(|(i, _)| i).collect();
                let scene = scenario.scene(step.scene);
                let choice = &scene.choices()[step.choice];
                html! {
                    <li>
                        <p class="room-path-scene">{ decision_title(&before) }</p>
                        <p>
                            <span class="choice-letter" aria-hidden="true">{ letter_among(&offered, step.choice) }</span>
                            <span class="visually-hidden">{ format!("{}: ", letter_among(&offered, step.choice)) }</span>
                            { rich_text::plain(&choice.text) }
                        </p>
                        <p class="muted">{ format!("Votes: {}. Played: {}.", tally(&d.votes, &offered), pick_phrase(d, &offered)) }</p>
                    </li>
                }
            }) }
        </ol>
    }
}

/// The debrief: the ending and its verdict, then how the room chose at each decision.
fn debrief_view(session: &Session, room: &Room, heading: &NodeRef) -> Html {
    let scenario = session.scenario();
    let ending = session.ending().zip(session.verdict());
    html! {
        <article class="ending room-debrief" aria-labelledby="room-view-heading">
            if let Some((ending, verdict)) = ending {
                <p class={classes!("rating", format!("rating-{}", ending.rating.as_str()))}>{ rating_label(ending.rating) }</p>
                <h2 id="room-view-heading" class="scene-heading" tabindex="-1" ref={heading.clone()}>{ &ending.title }</h2>
                <div class="scene-text"><RichText text={session.scene_text().to_owned()} /></div>
                <p class={classes!("score", if verdict.passed { "passed" } else { "failed" })}>
                    <strong>{ format!("Score {} / 100", verdict.score) }</strong>
                    { format!(" \u{2014} {}", verdict_phrase(&verdict, scenario.scoring.pass)) }
                </p>
                <section class="meters" aria-label="Meters at the end">{ session_meters(session, "") }</section>
                <h3>{ "What this ending teaches" }</h3>
                <RichText text={ending.debrief.clone()} />
            } else {
                <h2 id="room-view-heading" class="scene-heading" tabindex="-1" ref={heading.clone()}>{ "Debrief" }</h2>
                <p>{ "The room has not reached an ending yet; here is its path so far." }</p>
            }
            <h3>{ "How the room chose" }</h3>
            if session.history().is_empty() {
                <p class="muted">{ "No decision yet." }</p>
            } else {
                { path_view(scenario, room, session) }
            }
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_letters_the_offered_choices() {
        assert_eq!(tally(&[3, 0, 5], &[0, 2]), "A 3 \u{b7} B 5");
        assert_eq!(tally(&[], &[0, 1]), "A 0 \u{b7} B 0");
    }
}
