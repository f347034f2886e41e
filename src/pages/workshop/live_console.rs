//! The facilitator's console for a live room (`#/live/console/CODE`): who has joined (names
//! only here), the tally as ballots arrive, lock and reveal, play the majority or override
//! it (confirmed), rewind (confirmed; the rewound votes stay in the room's log), the
//! discussion timer on the server's clock, what the projector shows, one room or teams, each
//! team's progress and the team comparison. Keys: N plays the majority, R reveals or hides,
//! L locks or unlocks, T starts or pauses the timer.
//!
//! Every button sends a command; the page changes when the room's log says it did, so the
//! console, the projector and every phone show the same room.

use frontline_engine::workshop::{
    self, Branch, Majority, Pick, RoomDecision, letter_among, majority,
};
use frontline_engine::{Scenario, Session};
use room_protocol::{Command, Mode, Panel, Room};
use yew::prelude::*;
use yew_router::prelude::*;

use super::console::pick_text;
use super::debrief;
use super::live::{TIMER_CHOICES, link_view};
use crate::components::meter::session_meters;
use crate::components::rich_text::{self, RichText};
use crate::pages::play::decision_title;
use crate::pages::workshop::app::WorkshopRoute;
use crate::platform::clock::{format_duration, use_now, use_shortcuts};
use crate::platform::files;
use crate::platform::page::use_title;
use crate::platform::rooms::{Join, Live, RoomHandle, use_room};

/// Props for the live pages: the room code from the route.
#[derive(Properties, PartialEq)]
pub struct LiveProps {
    /// Room code.
    pub code: AttrValue,
}

/// An action that waits for the facilitator's yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirm {
    /// Play this choice against the room's majority.
    Override(usize),
    /// Go back to just after this many decisions.
    Rewind(usize),
}

/// The keys of the live console.
fn shortcut(key: &str, room: &Room) -> Option<Command> {
    match key {
        "n" | "N" | "PageDown" | "ArrowRight" => Some(Command::PlayMajority),
        "r" | "R" => Some(Command::Reveal {
            shown: !room.workshop.revealed,
        }),
        "l" | "L" => Some(if room.locked {
            Command::Unlock
        } else {
            Command::Lock
        }),
        "t" | "T" => Some(Command::ToggleTimer),
        _ => None,
    }
}

/// The live console.
#[function_component(LiveConsolePage)]
pub fn live_console_page(props: &LiveProps) -> Html {
    use_title("Live console".to_owned());
    let code = props.code.trim().to_uppercase();
    let room = use_room(Some(Join::Facilitator { code: code.clone() }));
    let confirm = use_state(|| None::<Confirm>);
    let unsent = use_state(|| false);
    let _tick = use_now(500);
    let send = {
        let room = room.clone();
        let unsent = unsent.clone();
        let confirm = confirm.clone();
        Callback::from(move |c: Command| {
            confirm.set(None);
            unsent.set(!room.command(c));
        })
    };
    {
        let send = send.clone();
        let live_room = room.live.as_ref().map(|l| l.room.clone());
        use_shortcuts(Callback::from(move |key: String| {
            if let Some(c) = live_room.as_deref().and_then(|r| shortcut(&key, r)) {
                send.emit(c);
            }
        }));
    }

    let Some(live) = room.live.clone() else {
        return html! {
            <main id="main" class="page narrow" tabindex="-1" aria-busy="true">
                <h1>{ "Live console" }</h1>
                { link_view(&room) }
                <p><Link<WorkshopRoute> to={WorkshopRoute::Setup} classes="button secondary">{ "Go to workshop setup" }</Link<WorkshopRoute>></p>
            </main>
        };
    };
    console_view(&live, &room, &send, &confirm, *unsent)
}

fn console_view(
    live: &Live,
    handle: &RoomHandle,
    send: &Callback<Command>,
    confirm: &UseStateHandle<Option<Confirm>>,
    unsent: bool,
) -> Html {
    let scenario = live.scenario.clone();
    let room = &live.room;
    let w = &room.workshop;
    let session = w
        .session(&scenario)
        .unwrap_or_else(|_| Session::new(scenario.clone(), w.seed));
    let now = live.now_ms();
    let code = live.code.clone();
    let cmd = |c: Command| {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(c.clone()))
    };

    let open_projector = {
        let code = code.clone();
        Callback::from(move |_: MouseEvent| {
            // A blocked pop-up still leaves the address below the button.
            let _ = files::open_window(
                &format!("/live/projector/{code}"),
                "frontline-live-projector",
            );
        })
    };
    let projector_url = files::app_url(&format!("/live/projector/{code}"));
    let clock = w.started_at.map_or_else(
        || "0:00".to_owned(),
        |t| format_duration(now.saturating_sub(t), false),
    );
    let joined = room.participants.len();
    // Connected now (the server's count over every node), which falls when a phone leaves.
    let connected = handle.present.map_or(joined, |n| n as usize);

    let show_button = |panel: Panel, label: &str| {
        html! {
            <button type="button" class={classes!("button", "small", (room.shown != panel).then_some("secondary"))}
                aria-pressed={(room.shown == panel).to_string()} onclick={cmd(Command::Show { panel })}>
                { label.to_owned() }
            </button>
        }
    };
    let mode_button = |mode: Mode, label: &str| {
        html! {
            <button type="button" class={classes!("button", "small", (room.mode != mode).then_some("secondary"))}
                aria-pressed={(room.mode == mode).to_string()} onclick={cmd(Command::Mode { mode })}>
                { label.to_owned() }
            </button>
        }
    };
    let quick = room.quick.contains(&session.scene().id);

    let names: Vec<&str> = room
        .participants
        .iter()
        .filter_map(|p| p.name.as_deref())
        .collect();
    let participants = html! {
        <section class="panel" aria-labelledby="people-heading">
            <h2 id="people-heading">{ "Participants" }</h2>
            <p class="live-count" role="status">
                <strong class="live-connected">{ connected }</strong>{ " connected now" }
                { format!(" \u{b7} {joined} {} joined", if joined == 1 { "has" } else { "have" }) }
            </p>
            if !names.is_empty() {
                <p class="muted">{ "Names are shown only on this console, never on the projector: " }{ names.join(", ") }
                    { if names.len() < joined { format!(", and {} without a name", joined - names.len()) } else { String::new() } }
                </p>
            }
        </section>
    };

    let paths = debrief::finished_room_only(debrief::workshop_paths(w, &scenario));
    let main_panels = match room.mode {
        Mode::Room => room_panels(live, &session, send, confirm, quick, now),
        Mode::Teams => teams_panel(&scenario, room, &paths),
    };
    let comparison =
        (room.mode == Mode::Teams || session.is_ended() || !w.teams.is_empty()).then(|| {
            let send = send.clone();
            let on_remove =
                Callback::from(move |name: String| send.emit(Command::RemoveTeam { name }));
            html! {
                <section class="live-comparison" aria-label="Debrief comparison">
                    { debrief::comparison(&scenario, &paths, Some(on_remove)) }
                </section>
            }
        });

    html! {
        <main id="main" class="workshop console live-console" tabindex="-1">
            <header class="console-bar">
                <div>
                    <p class="console-kicker">{ "Live room \u{b7} facilitator console" }</p>
                    <h1>{ &scenario.meta.title }</h1>
                </div>
                <dl class="console-facts">
                    <div><dt>{ "Room code" }</dt><dd class="seed-code room-code">{ &code }</dd></div>
                    <div><dt>{ "Connected" }</dt><dd class="live-joined">{ connected }</dd></div>
                    <div><dt>{ "Session time" }</dt><dd class="console-clock">{ clock }</dd></div>
                </dl>
                <nav class="console-nav" aria-label="Workshop">
                    <button type="button" class="button secondary small" onclick={open_projector}>{ "Open projector window" }</button>
                    <Link<WorkshopRoute> to={WorkshopRoute::Setup} classes="button secondary small">{ "Setup" }</Link<WorkshopRoute>>
                </nav>
            </header>
            <p class="muted projector-address">{ "Projector window: " }<code class="team-url">{ projector_url }</code></p>
            { link_view(handle) }
            <div aria-live="assertive">
                if let Some(e) = &handle.error {
                    <p class="error console-error">{ e }</p>
                }
                if unsent {
                    <p class="error console-error">{ "That was not sent: the console is reconnecting to the room. Try again in a moment." }</p>
                }
            </div>
            <section class="panel live-show" aria-labelledby="show-heading">
                <h2 id="show-heading">{ "Show on projector" }</h2>
                <div class="actions" role="group" aria-labelledby="show-heading">
                    { show_button(Panel::Scene, "The scene") }
                    { show_button(Panel::Briefing, "Briefing and cast") }
                    { show_button(Panel::Question, "Discussion question") }
                    { show_button(Panel::Debrief, "Debrief") }
                </div>
                <h3 id="mode-heading">{ "How the room plays" }</h3>
                <div class="actions" role="group" aria-labelledby="mode-heading">
                    { mode_button(Mode::Room, "One room, voting together") }
                    { mode_button(Mode::Teams, "Teams, each on its own device") }
                </div>
            </section>
            <div class="console-grid">
                { scene_panel(&session, quick) }
                <div class="console-controls">
                    { main_panels }
                    { participants }
                </div>
            </div>
            { comparison }
            <p class="shortcuts muted">{ "Shortcuts: N plays the majority, R reveals or hides the votes, L locks or unlocks the vote, T starts or pauses the timer." }</p>
        </main>
    }
}

/// The scene with the facilitator's note and the discussion question (or the ending).
fn scene_panel(session: &Session, quick: bool) -> Html {
    let scene = session.scene();
    if let Some(ending) = session.ending() {
        return html! {
            <section class="console-scene" aria-labelledby="console-scene-heading">
                <h2 id="console-scene-heading">{ format!("Ending: {}", ending.title) }</h2>
                <p class="console-score">{ format!("Rating {} \u{b7} score {} / 100", ending.rating.as_str(), session.score()) }</p>
                <div class="scene-text"><RichText text={session.scene_text().to_owned()} /></div>
                <h3>{ "What this ending teaches" }</h3>
                <RichText text={ending.debrief.clone()} />
            </section>
        };
    }
    html! {
        <section class="console-scene" aria-labelledby="console-scene-heading">
            <h2 id="console-scene-heading">{ decision_title(session) }</h2>
            if quick {
                <p class="badge quick-badge">{ "Planned without discussion: straight to the vote" }</p>
            }
            <div class="scene-text"><RichText text={session.scene_text().to_owned()} /></div>
            <div class="console-private">
                <h3>{ "Facilitator note" }</h3>
                { scene.facilitator_note.clone().map_or_else(
                    || html! { <p class="muted">{ "No note for this scene." }</p> },
                    |n| html! { <RichText text={n} /> }) }
                if !quick {
                    <h3>{ "Discussion question" }</h3>
                    { scene.discussion.clone().map_or_else(
                        || html! { <p class="muted">{ "No discussion question for this scene." }</p> },
                        |n| html! { <RichText text={n} /> }) }
                }
            </div>
        </section>
    }
}

/// One room voting: the timer, the tally with lock, reveal, play and override, and the
/// decisions so far with rewind.
fn room_panels(
    live: &Live,
    session: &Session,
    send: &Callback<Command>,
    confirm: &UseStateHandle<Option<Confirm>>,
    quick: bool,
    now: u64,
) -> Html {
    let room = &live.room;
    let w = &room.workshop;
    let scenario = &live.scenario;
    let cmd = |c: Command| {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(c.clone()))
    };
    let ask = |c: Confirm| {
        let confirm = confirm.clone();
        Callback::from(move |_: MouseEvent| confirm.set(Some(c)))
    };
    let cancel = {
        let confirm = confirm.clone();
        Callback::from(move |_: MouseEvent| confirm.set(None))
    };

    let remaining = w.timer.remaining_ms(now);
    let timer_class = classes!(
        "timer-figure",
        (remaining == 0).then_some("timer-done"),
        w.timer.is_running().then_some("timer-running")
    );
    let set_timer = {
        let send = send.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(seconds) = select.value().parse::<u32>() {
                send.emit(Command::SetTimer { seconds });
            }
        })
    };
    let timer = html! {
        <section class="panel timer-panel" aria-labelledby="timer-heading">
            <h2 id="timer-heading">{ "Discussion timer" }</h2>
            if quick && !session.is_ended() {
                <p class="muted">{ "This decision is planned without discussion; the timer is here if the room needs it after all." }</p>
            }
            <p class={timer_class} role="timer" aria-live="off">{ format_duration(remaining, true) }</p>
            <div class="actions timer-actions">
                <button type="button" class="button small" onclick={cmd(Command::ToggleTimer)} aria-keyshortcuts="T">
                    { if w.timer.is_running() { "Pause (T)" } else { "Start (T)" } }
                </button>
                <button type="button" class="button secondary small" onclick={cmd(Command::ResetTimer)}>{ "Reset" }</button>
                <label class="inline-field">
                    { "Length " }
                    <select onchange={set_timer}>
                        { for TIMER_CHOICES.iter().map(|&s| html! {
                            <option value={s.to_string()} selected={s == w.timer.duration_s}>{ format!("{} min", s / 60) }</option>
                        }) }
                    </select>
                </label>
            </div>
        </section>
    };

    let vote = (!session.is_ended()).then(|| {
        let offered: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
        let votes = |i: usize| w.votes.get(i).copied().unwrap_or(0);
        let total: u32 = offered.iter().map(|&i| votes(i)).sum();
        let maj = majority(&w.votes, &offered);
        let scene = session.scene();
        let state = if w.revealed {
            "Revealed on the projector; the vote is closed."
        } else if room.locked {
            "Locked: no more votes. The projector does not show the tally yet."
        } else {
            "Voting is open. The projector does not show the tally until you reveal it."
        };
        let summary = match &maj {
            Majority::None => "No votes yet.".to_owned(),
            Majority::Winner(i) => format!(
                "Majority: {} with {} of {total} votes.",
                letter_among(&offered, *i),
                votes(*i)
            ),
            Majority::Tie(t) => format!(
                "Tied: {}. Play the choice you want to explore.",
                t.iter()
                    .map(|&i| letter_among(&offered, i).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let rows: Html = offered
            .iter()
            .enumerate()
            .map(|(pos, &i)| {
                let n = votes(i);
                let pct = (n * 200 + total).checked_div(total * 2).unwrap_or(0);
                let letter = workshop::letter(pos);
                let is_top = matches!(&maj, Majority::Winner(m) if *m == i);
                let against = matches!(&maj, Majority::Winner(m) if *m != i);
                let play = if against {
                    html! {
                        <button type="button" class="button small secondary" onclick={ask(Confirm::Override(i))}>
                            { format!("Override: play {letter}") }
                        </button>
                    }
                } else {
                    html! {
                        <button type="button" class="button small" onclick={cmd(Command::Play { choice: i })}>
                            { format!("Play {letter}") }
                        </button>
                    }
                };
                html! {
                    <li class={classes!("tally-row", is_top.then_some("vote-top"))}>
                        <span class="choice-letter" aria-hidden="true">{ letter }</span>
                        <div class="tally-body">
                            <div class="vote-choice"><RichText text={scene.choices()[i].text.clone()} /></div>
                            <div class="vote-result">
                                <svg class="vote-bar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">
                                    <rect class="vote-bar-track" width="100" height="4" />
                                    <rect class="vote-bar-fill" width={pct.to_string()} height="4" />
                                </svg>
                                <span class="vote-figure tally-count">{ format!("{letter}: {n} vote{}", if n == 1 { "" } else { "s" }) }</span>
                            </div>
                        </div>
                        { play }
                    </li>
                }
            })
            .collect();
        let confirm_box = match **confirm {
            Some(Confirm::Override(i)) if offered.contains(&i) => {
                let majority_letter = match &maj {
                    Majority::Winner(m) => letter_among(&offered, *m).to_string(),
                    _ => "the majority".to_owned(),
                };
                html! {
                    <div class="confirm" role="group" aria-labelledby="confirm-override">
                        <p id="confirm-override">{ format!(
                            "Override the room? It chose {majority_letter}; you would play {} instead. The projector says the facilitator played it to explore it.",
                            letter_among(&offered, i)) }</p>
                        <button type="button" class="button danger" onclick={cmd(Command::Play { choice: i })}>
                            { format!("Yes, play {}", letter_among(&offered, i)) }
                        </button>
                        <button type="button" class="button secondary" onclick={cancel.clone()}>{ "Keep the room's choice" }</button>
                    </div>
                }
            }
            _ => html! {},
        };
        html! {
            <section class="panel" aria-labelledby="vote-heading">
                <h2 id="vote-heading">{ "Room vote" }</h2>
                <p class="vote-state">{ state }</p>
                <p class="vote-summary" role="status">
                    { summary }{ format!(" {} of {} participants voted.", room.ballots.len(), room.participants.len()) }
                </p>
                <div class="actions">
                    <button type="button" class="button secondary" aria-pressed={room.locked.to_string()} aria-keyshortcuts="L"
                        onclick={cmd(if room.locked { Command::Unlock } else { Command::Lock })} disabled={w.revealed}>
                        { if room.locked { "Unlock the vote (L)" } else { "Lock the vote (L)" } }
                    </button>
                    <button type="button" class="button secondary" aria-pressed={w.revealed.to_string()} aria-keyshortcuts="R"
                        onclick={cmd(Command::Reveal { shown: !w.revealed })}>
                        { if w.revealed { "Hide the votes (R)" } else { "Reveal the votes (R)" } }
                    </button>
                    <button type="button" class="button" onclick={cmd(Command::PlayMajority)} aria-keyshortcuts="N">
                        { "Play the majority (N)" }
                    </button>
                    <button type="button" class="link-button" onclick={cmd(Command::ClearVotes)}>{ "Clear votes" }</button>
                </div>
                { confirm_box }
                <ol class="tally" aria-label="Votes per choice">{ rows }</ol>
            </section>
        }
    });

    // The room's decisions so far, each with the choices on offer then.
    let mut replay = Session::new(scenario.clone(), w.seed);
    let history: Html = w
        .room
        .iter()
        .enumerate()
        .map(|(n, d)| {
            let offered_then: Vec<usize> = replay.available_choices().map(|(i, _)| i).collect();
            let text = rich_text::plain(&replay.scene().choices()[d.choice].text);
            let how = pick_text(d, &offered_then);
            let letter = letter_among(&offered_then, d.choice);
            let _ = replay.choose_index(d.choice);
            html! {
                <li class={classes!(matches!(d.pick, Pick::Override { .. }).then_some("overridden"))}>
                    <p><strong>{ format!("Decision {}: {letter}", n + 1) }</strong>{ format!(" \u{2014} {text}") }</p>
                    <p class="history-how">{ how }</p>
                    <button type="button" class="link-button" onclick={ask(Confirm::Rewind(n))}>
                        { format!("Go back to decision {}\u{2026}", n + 1) }
                    </button>
                </li>
            }
        })
        .collect();
    let rewind_box = match **confirm {
        Some(Confirm::Rewind(n)) if n < w.room.len() => {
            let undone = w.room.len() - n;
            html! {
                <div class="confirm" role="group" aria-labelledby="confirm-rewind">
                    <p id="confirm-rewind">{ format!(
                        "Go back to decision {}? {} decision{} after it {} undone and the room votes again from there. Their votes are not lost: they stay in the room's log and under \u{201c}Branches explored\u{201d}.",
                        n + 1, undone, if undone == 1 { "" } else { "s" }, if undone == 1 { "is" } else { "are" }) }</p>
                    <button type="button" class="button danger" onclick={cmd(Command::Rewind { decisions: n })}>
                        { format!("Yes, go back to decision {}", n + 1) }
                    </button>
                    <button type="button" class="button secondary" onclick={cancel}>{ "Stay here" }</button>
                </div>
            }
        }
        _ => html! {},
    };
    // Each branch with the decisions it dropped, their choices and their votes, so the
    // rewound votes are in sight, as the rewind's confirmation promises.
    let explored: Html = branch_starts(&w.room, &w.explored)
        .iter()
        .zip(&w.explored)
        .map(|(start, b)| {
            let mut replay = Session::new(scenario.clone(), w.seed);
            let fits = start.iter().all(|d| replay.choose_index(d.choice).is_ok());
            let steps: Html = b
                .decisions
                .iter()
                .enumerate()
                .map_while(|(k, d)| {
                    if !fits || replay.is_ended() {
                        return None;
                    }
                    let offered_then: Vec<usize> =
                        replay.available_choices().map(|(i, _)| i).collect();
                    let text = rich_text::plain(&replay.scene().choices().get(d.choice)?.text);
                    let letter = letter_among(&offered_then, d.choice);
                    let votes = offered_then
                        .iter()
                        .map(|&i| format!("{} {}", letter_among(&offered_then, i), d.votes.get(i).copied().unwrap_or(0)))
                        .collect::<Vec<_>>()
                        .join(" \u{b7} ");
                    let how = pick_text(d, &offered_then);
                    replay.choose_index(d.choice).ok()?;
                    Some(html! {
                        <li>
                            <strong>{ format!("Decision {}: {letter}", b.from + k + 1) }</strong>{ format!(" \u{2014} {text}") }
                            <span class="history-how">{ format!("Votes {votes}; {how}.") }</span>
                        </li>
                    })
                })
                .collect();
            html! {
                <li>
                    <p>{ format!("From decision {}: {} decision{} explored, then rewound", b.from + 1, b.decisions.len(), if b.decisions.len() == 1 { "" } else { "s" }) }</p>
                    <ol class="explored-steps">{ steps }</ol>
                </li>
            }
        })
        .collect();

    html! {
        <>
            { timer }
            { vote }
            <section class="panel" aria-labelledby="history-heading">
                <h2 id="history-heading">{ "The room's decisions" }</h2>
                if w.room.is_empty() {
                    <p class="muted">{ "None yet." }</p>
                } else {
                    <ol class="history">{ history }</ol>
                }
                { rewind_box }
                if !w.explored.is_empty() {
                    <h3>{ "Branches explored" }</h3>
                    <ul class="explored">{ explored }</ul>
                }
            </section>
        </>
    }
}

/// The room's path when each explored branch was rewound, up to the branch's first decision.
/// The room's path only grows by plays and shrinks by rewinds, so walking the branches back
/// from the path now finds where each started.
fn branch_starts(room: &[RoomDecision], explored: &[Branch]) -> Vec<Vec<RoomDecision>> {
    let mut path = room.to_vec();
    let mut starts = vec![Vec::new(); explored.len()];
    for (k, b) in explored.iter().enumerate().rev() {
        path.truncate(b.from);
        starts[k].clone_from(&path);
        path.extend(b.decisions.iter().cloned());
    }
    starts
}

/// Teams mode: each team's current scene and meters, live.
/// A team's colour swatch is its colour in the comparison (`paths`, in the order teams
/// finished), so it shows only once the team has finished.
fn teams_panel(
    scenario: &std::sync::Arc<Scenario>,
    room: &Room,
    paths: &[workshop::TeamPath],
) -> Html {
    let rows: Html = room
        .teams
        .iter()
        .enumerate()
        .map(|(t, team)| {
            let session = room.team_session(scenario, t).ok();
            let (where_now, meters) = match &session {
                Some(s) => {
                    let where_now = match s.ending() {
                        Some(e) => format!("Finished: {} ({})", e.title, e.rating.as_str()),
                        None => format!(
                            "Decision {}: {}",
                            s.history().len() + 1,
                            workshop::scene_label(scenario, s.scene_idx())
                        ),
                    };
                    (where_now, session_meters(s, &format!("team-{t}-")))
                }
                None => ("Its path no longer fits the scenario.".to_owned(), html! {}),
            };
            html! {
                <tr>
                    <th scope="row">
                        if let Some(c) = paths.iter().position(|p| p.name == team.name) {
                            <span class={format!("swatch team-{}", c % 6)} aria-hidden="true"></span>
                        }
                        { &team.name }
                    </th>
                    <td>{ where_now }</td>
                    <td class="team-meters"><div class="meters compact-meters">{ meters }</div></td>
                </tr>
            }
        })
        .collect();
    html! {
        <section class="panel" aria-labelledby="teams-live-heading">
            <h2 id="teams-live-heading">{ "Teams playing" }</h2>
            <p class="muted">{ "Each team plays its own path on one phone: one participant starts the team from their phone. A team's result joins the comparison below when it reaches an ending." }</p>
            if room.teams.is_empty() {
                <p class="live-teams-empty">{ "No team has started yet." }</p>
            } else {
                <div class="table-scroll">
                    <table class="teams-live">
                        <thead><tr>
                            <th scope="col">{ "Team" }</th>
                            <th scope="col">{ "Where it is" }</th>
                            <th scope="col">{ "Meters" }</th>
                        </tr></thead>
                        <tbody>{ rows }</tbody>
                    </table>
                </div>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(choice: usize) -> RoomDecision {
        RoomDecision {
            choice,
            votes: vec![1, 2],
            pick: Pick::Majority,
        }
    }

    #[test]
    fn each_branch_starts_from_the_path_it_was_rewound_on() {
        // Played 0, 1, 0; back to after one decision (dropping 1, 0); played 0, 0; back to
        // the start (dropping 0, 0, 0); played 1.
        let explored = vec![
            Branch {
                from: 1,
                decisions: vec![d(1), d(0)],
            },
            Branch {
                from: 0,
                decisions: vec![d(0), d(0), d(0)],
            },
        ];
        let starts = branch_starts(&[d(1)], &explored);
        assert_eq!(starts, vec![vec![d(0)], vec![]]);
        assert!(branch_starts(&[d(0)], &[]).is_empty());
    }
}
