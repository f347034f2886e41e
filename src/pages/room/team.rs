//! Teams mode on a phone: one device plays for a team (named here), its path kept by the
//! room, so the facilitator's console follows every team and the debrief compares them when
//! they finish. Other phones of the team follow along on that device.

use frontline_engine::workshop::MAX_TEAM_NAME;
use yew::prelude::*;

use super::HandleProp;
use crate::components::meter::session_meters;
use crate::components::rich_text::RichText;
use crate::pages::debrief::rating_label;
use crate::pages::play::{Chooser, feedback_view, scene_view};
use crate::pages::workshop::projector::last_decision;
use crate::platform::settings::FeedbackTiming;

/// Props for [`TeamRoom`].
#[derive(Properties, PartialEq)]
pub struct TeamRoomProps {
    /// The room.
    pub handle: HandleProp,
    /// The view's heading, which takes the focus when the view changes.
    pub heading: NodeRef,
}

/// Teams mode: start a team on this device, or play the team's path.
#[function_component(TeamRoom)]
pub fn team_room(props: &TeamRoomProps) -> Html {
    let handle = &props.handle.0;
    let name_input = use_node_ref();
    // The number of decisions when this device last sent a choice: until the room records
    // it, the choices take no second tap (which would play the next scene blind).
    let sent = use_state(|| None::<usize>);
    let offline = use_state(|| false);
    let live = handle.live.clone();
    let team = live
        .as_ref()
        .and_then(|l| l.participant.and_then(|p| l.room.team_of(p)));
    let session = use_memo(
        live.as_ref()
            .map(|l| (l.room.position, l.code.clone(), team)),
        {
            let live = live.clone();
            move |_| {
                let live = live?;
                live.room.team_session(&live.scenario, team?).ok()
            }
        },
    );
    let decisions = session.as_ref().as_ref().map(|s| s.history().len());
    // Focus the team's new scene after each of its decisions.
    {
        let heading = props.heading.clone();
        use_effect_with((team.is_some(), decisions), move |_| {
            if let Some(el) = heading.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let Some(live) = live else {
        return html! {};
    };

    let Some(t) = team else {
        let on_start = {
            let (handle, name_input) = (handle.clone(), name_input.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                if let Some(input) = name_input.cast::<web_sys::HtmlInputElement>() {
                    let name = input.value().trim().to_owned();
                    if !name.is_empty() {
                        handle.start_team(&name);
                    }
                }
            })
        };
        return html! {
            <section class="panel room-teams" aria-labelledby="room-view-heading">
                <h2 id="room-view-heading" class="scene-heading" tabindex="-1" ref={props.heading.clone()}>{ "The room plays in teams" }</h2>
                <p>{ "Each team plays its own path on one device, and the debrief compares the teams." }</p>
                <form onsubmit={on_start}>
                    <label for="team-name">{ "Team name" }</label>
                    <input id="team-name" ref={name_input} type="text" required=true autocomplete="off"
                        maxlength={MAX_TEAM_NAME.to_string()} />
                    <button type="submit" class="button">{ "Play for a team on this device" }</button>
                </form>
                <p class="muted">{ "Your team plays on one device; follow along there." }</p>
            </section>
        };
    };

    let name = live.room.teams[t].name.clone();
    let Some(session) = (*session).clone() else {
        return html! { <p class="error" role="alert">{ "This team's path does not fit this version of the scenario." }</p> };
    };
    let kicker = html! { <p class="room-kicker">{ format!("Playing for team {name}") }</p> };
    if let Some(ending) = session.ending() {
        return html! {
            <article class="ending team-ending" aria-labelledby="room-view-heading">
                { kicker }
                <p class={classes!("rating", format!("rating-{}", ending.rating.as_str()))}>{ rating_label(ending.rating) }</p>
                <h2 id="room-view-heading" class="scene-heading" tabindex="-1" ref={props.heading.clone()}>{ &ending.title }</h2>
                <div class="scene-text"><RichText text={session.scene_text().to_owned()} /></div>
                <p class="score"><strong>{ format!("Score {} / 100", session.score()) }</strong></p>
                <p class="success" role="status">{ "Your result is with the facilitator: the debrief compares it with the other teams'." }</p>
                <section class="meters" aria-label="Meters at the end">{ session_meters(&session, "") }</section>
                <RichText text={ending.debrief.clone()} />
            </article>
        };
    }
    let n = session.history().len();
    let waiting = *sent == Some(n);
    let on_choose = {
        let (handle, sent, offline) = (handle.clone(), sent.clone(), offline.clone());
        Callback::from(move |i: usize| {
            if *sent == Some(n) {
                return;
            }
            let delivered = handle.team_choose(i);
            offline.set(!delivered);
            if delivered {
                sent.set(Some(n));
            }
        })
    };
    let last = last_decision(&session)
        .map(|last| feedback_view(&last, FeedbackTiming::AtOnce, Chooser::Team));
    html! {
        <>
            { kicker }
            <section class="meters" aria-label="Meters">{ session_meters(&session, "") }</section>
            { last }
            <div class={classes!(waiting.then_some("room-waiting"))} aria-busy={waiting.then_some("true")}>
                { scene_view(&session, &props.heading, "What does your team do?", on_choose, false) }
            </div>
            if *offline && !waiting {
                <p class="error" role="alert">{ "Not sent: this device is not in the room right now. Choose again once it has reconnected." }</p>
            }
            if waiting {
                <p class="muted" role="status">{ "Sending your team's choice\u{2026}" }</p>
            }
        </>
    }
}
