//! The projector for a live room (`#/live/projector/CODE`): it joins as a viewer, so the
//! server sends it the room without names and it can change nothing. It shows how to join
//! (the address, the room code in large type, a QR code), how many have joined, and what the
//! console chose to show: the briefing and cast, the scene and its choices (the tally only
//! once revealed), the discussion question with the timer, or the debrief with the team
//! comparison. It never has the facilitator's secret to show.

use frontline_engine::Session;
use room_protocol::{Mode, Panel, Room};
use yew::prelude::*;

use super::debrief;
use super::live::{join_addresses, link_view, use_server_info};
use super::live_console::LiveProps;
use super::projector::{scene_body, side_view, timer_view};
use crate::components::qr::QrImage;
use crate::components::rich_text::RichText;
use crate::pages::play::decision_title;
use crate::platform::clock::use_now;
use crate::platform::page::use_title;
use crate::platform::rooms::{Join, Live, use_room};

/// The live projector.
#[function_component(LiveProjectorPage)]
pub fn live_projector_page(props: &LiveProps) -> Html {
    use_title("Projector".to_owned());
    let code = props.code.trim().to_uppercase();
    let room = use_room(Some(Join::Viewer { code: code.clone() }));
    let info = use_server_info();
    let _tick = use_now(500);
    let (address, url) = join_addresses(info.as_ref(), &code);

    let Some(live) = room.live.clone() else {
        return html! {
            <main id="main" class="workshop projector live-projector" tabindex="-1" aria-busy="true">
                <header class="projector-bar"><h1>{ "Projector" }</h1></header>
                { link_view(&room) }
            </main>
        };
    };
    let r = &live.room;
    let joined = r.participants.len();
    let join = html! {
        <section class="projector-join-card" aria-labelledby="join-heading">
            <h2 id="join-heading">{ "Join on your phone" }</h2>
            <QrImage text={url.clone()} label={format!("QR code to join room {code}")} />
            <p class="join-address">{ "Open " }<strong class="team-url">{ address }</strong></p>
            <p class="join-code-line">{ "and enter the code" }</p>
            <p class="join-code seed-code" aria-label={format!("Room code {}", spaced(&code))}>{ &code }</p>
            <p class="join-count" role="status">{ format!("{joined} joined") }</p>
        </section>
    };
    let body = panel_body(&live);
    let side = match r.shown {
        Panel::Scene if r.mode == Mode::Room => {
            let session = session_of(&live);
            side_view(&r.workshop, &session)
        }
        _ => html! {},
    };
    // The debrief takes the whole width; nobody needs to join by then.
    let wide = r.shown == Panel::Debrief;
    html! {
        <main id="main" class={classes!("workshop", "projector", "live-projector", wide.then_some("wide"))} tabindex="-1">
            <header class="projector-bar">
                <h1>{ &live.scenario.meta.title }</h1>
                { timer_view(&r.workshop, live.now_ms()) }
            </header>
            <div class="projector-error">{ link_view(&room) }</div>
            <div class="projector-body">{ body }</div>
            if !wide {
                <div class="projector-side live-side">
                    { join }
                    { side }
                </div>
            }
        </main>
    }
}

/// "K 7 Q D 3 M", so a screen reader spells the code out.
fn spaced(code: &str) -> String {
    code.chars().map(String::from).collect::<Vec<_>>().join(" ")
}

fn session_of(live: &Live) -> Session {
    let w = &live.room.workshop;
    w.session(&live.scenario)
        .unwrap_or_else(|_| Session::new(live.scenario.clone(), w.seed))
}

/// What the console chose to show.
fn panel_body(live: &Live) -> Html {
    let r: &Room = &live.room;
    let scenario = &live.scenario;
    match r.shown {
        Panel::Briefing => {
            let person = |c: &frontline_engine::scenario::CastMember| {
                html! {
                    <li>
                        <strong>{ &c.name }</strong><span class="cast-role">{ format!(", {}", c.role) }</span>
                        <p class="cast-about">{ &c.about }</p>
                    </li>
                }
            };
            html! {
                <article class="projector-scene projector-briefing" aria-labelledby="projector-heading">
                    <h2 id="projector-heading">{ "The briefing" }</h2>
                    <p class="projector-text">{ &scenario.meta.summary }</p>
                    <h3>{ "Your role" }</h3>
                    <p>{ &scenario.meta.role }</p>
                    <h3>{ "Your team and the people around it" }</h3>
                    <p>{ &scenario.meta.team }</p>
                    <ul class="cast projector-cast">{ for scenario.cast.iter().map(person) }</ul>
                </article>
            }
        }
        Panel::Question => {
            let session = session_of(live);
            let question = session.scene().discussion.clone();
            html! {
                <article class="projector-scene projector-question" aria-labelledby="projector-heading">
                    <h2 id="projector-heading">{ "Discuss" }</h2>
                    <p class="muted">{ decision_title(&session) }</p>
                    <div class="projector-question-text">
                        { question.map_or_else(
                            || html! { <p>{ "What would you do here, and why? What would each choice cost, and whom?" }</p> },
                            |q| html! { <RichText text={q} /> }) }
                    </div>
                    { timer_view(&r.workshop, live.now_ms()) }
                </article>
            }
        }
        Panel::Debrief => {
            let paths = debrief::finished_room_only(debrief::workshop_paths(&r.workshop, scenario));
            let session = session_of(live);
            html! {
                <article class="projector-scene projector-debrief-panel" aria-labelledby="projector-heading">
                    <h2 id="projector-heading">{ "Debrief" }</h2>
                    if let Some(ending) = session.ending() {
                        <p class="projector-text">
                            { format!("The room reached \u{201c}{}\u{201d} ({}), score {} / 100.", ending.title, ending.rating.as_str(), session.score()) }
                        </p>
                        <div class="projector-debrief"><RichText text={ending.debrief.clone()} /></div>
                    }
                    { debrief::comparison(scenario, &paths, None) }
                </article>
            }
        }
        Panel::Scene if r.mode == Mode::Teams => html! {
            <article class="projector-scene" aria-labelledby="projector-heading">
                <h2 id="projector-heading">{ "Teams are playing" }</h2>
                <p class="projector-text">{ "Each team plays its own path on one phone. The debrief compares the teams when they have finished." }</p>
                <ul class="projector-teams">
                    { for r.teams.iter().enumerate().map(|(t, team)| {
                        let state = match r.team_session(scenario, t) {
                            Ok(s) if s.is_ended() => "finished".to_owned(),
                            Ok(s) => format!("decision {}", s.history().len() + 1),
                            Err(_) => String::new(),
                        };
                        html! { <li><strong>{ &team.name }</strong>{ format!(" \u{2014} {state}") }</li> }
                    }) }
                </ul>
            </article>
        },
        Panel::Scene => scene_body(&r.workshop, &session_of(live)),
    }
}
