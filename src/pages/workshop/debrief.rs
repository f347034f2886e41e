//! The workshop debrief: team results entered from result codes, every path side by side,
//! meters over time per team, where the teams diverged, the choices made at each decision,
//! the leadership ideas each team applied; CSV download, a printable report, and the whole
//! workshop as a file.

use std::sync::Arc;

use frontline_engine::workshop::{
    self, Action, SceneDistribution, TeamPath, Workshop, decode_result, decode_team, distributions,
    first_split,
};
use frontline_engine::{Scenario, principles};

use crate::components::rich_text;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{ViewProps, use_act};
use crate::pages::workshop::app::WorkshopRoute;
use crate::platform::{camera, files};

/// What the room is called among the teams.
pub const ROOM: &str = "The room (projector)";

/// The room's path (if it made decisions) and every team's path.
fn paths(props: &ViewProps) -> Vec<TeamPath> {
    workshop_paths(&props.workshop, &props.scenario.0)
}

/// The room's path (if it made decisions) and every team's path in a workshop, for the
/// comparison (the local debrief, and a live room's console and projector, which keep the
/// room's path only once it has ended: see [`finished_room_only`]).
pub fn workshop_paths(w: &Workshop, scenario: &Arc<Scenario>) -> Vec<TeamPath> {
    let mut out = Vec::new();
    if let Ok(room) = w.session(scenario)
        && !room.history().is_empty()
    {
        out.push(TeamPath::new(ROOM, &room));
    }
    for team in &w.teams {
        if let Ok(session) = decode_team(&team.code, scenario, w.seed) {
            out.push(TeamPath::new(&team.name, &session));
        }
    }
    out
}

/// Paths without the room's while the room is still playing: in a live room the teams'
/// comparison fills in as teams finish, and half a room path would read as a split.
pub fn finished_room_only(paths: Vec<TeamPath>) -> Vec<TeamPath> {
    paths
        .into_iter()
        .filter(|p| p.name != ROOM || p.ending.is_some())
        .collect()
}

fn principle_list(tags: &[String]) -> String {
    let names: Vec<&str> = tags
        .iter()
        .filter_map(|t| principles::lookup(t).map(|p| p.name))
        .collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

fn choice_text(
    scenario: &Scenario,
    scene: frontline_engine::scenario::SceneIdx,
    choice: usize,
) -> String {
    rich_text::plain(&scenario.scene(scene).choices()[choice].text)
}

/// A line chart of one meter for every path: an SVG with a line per team, described in text.
fn meter_chart(scenario: &Scenario, paths: &[TeamPath], meter: usize) -> Html {
    let label = &scenario.meters[meter].label;
    let longest = paths
        .iter()
        .map(|p| p.meters.len())
        .max()
        .unwrap_or(1)
        .max(2);
    // Whole units: the chart needs no finer grid, and integers keep float formatting out of
    // the module.
    let (w, h) = (320usize, 120i32);
    let x = |n: usize| 20 + (w - 30) * n / (longest - 1);
    let y = |v: i32| 10 + (h - 20) * (100 - v.clamp(0, 100)) / 100;
    let description = paths
        .iter()
        .map(|p| {
            let values: Vec<String> = p.meters.iter().map(|m| m[meter].to_string()).collect();
            format!("{}: {}", p.name, values.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        <figure class="meter-chart">
            <figcaption>{ label }</figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label={format!("{label} after each decision. {description}")}>
                <line class="chart-axis" x1="20" y1={y(50).to_string()} x2={(w - 10).to_string()} y2={y(50).to_string()} />
                <text class="chart-tick" x="2" y={(y(100) + 4).to_string()}>{ "100" }</text>
                <text class="chart-tick" x="8" y={(y(50) + 4).to_string()}>{ "50" }</text>
                <text class="chart-tick" x="14" y={(y(0) + 4).to_string()}>{ "0" }</text>
                { for paths.iter().enumerate().map(|(t, p)| {
                    let points: Vec<String> = p.meters.iter().enumerate()
                        .map(|(n, m)| format!("{},{}", x(n), y(m[meter]))).collect();
                    html! { <polyline class={format!("chart-line team-{}", t % 6)} points={points.join(" ")} /> }
                }) }
            </svg>
        </figure>
    }
}

fn distribution_view(scenario: &Scenario, paths: &[TeamPath], d: &SceneDistribution) -> Html {
    let scene = scenario.scene(d.scene);
    let total = d.teams().max(1);
    html! {
        <li class={classes!("distribution", d.diverged().then_some("diverged"))}>
            <p class="distribution-scene">
                <strong>{ format!("Decision {}", d.step) }</strong>
                { format!(" \u{2014} {}", workshop::scene_label(scenario, d.scene)) }
                if d.diverged() {
                    <span class="badge">{ "Teams diverged here" }</span>
                }
            </p>
            <ul class="distribution-choices">
                { for d.choices.iter().enumerate().filter(|(_, t)| !t.is_empty()).map(|(i, teams)| {
                    let names: Vec<&str> = teams.iter().map(|&t| paths[t].name.as_str()).collect();
                    html! {
                        <li>
                            <span class="distribution-count">{ format!("{} of {}", teams.len(), total) }</span>
                            <span class="distribution-choice">{ rich_text::plain(&scene.choices()[i].text) }</span>
                            <span class="distribution-teams">{ names.join(", ") }</span>
                        </li>
                    }
                }) }
            </ul>
        </li>
    }
}

/// "2, 5 and 7".
fn join_numbers(list: &[usize]) -> String {
    let words: Vec<String> = list.iter().map(usize::to_string).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The comparison of the room's and the teams' paths: the teams table, where they
/// diverged, the paths side by side, meters over time and the choices at each decision.
/// `on_remove` (a team's name) offers a Remove button per team.
pub fn comparison(
    scenario: &Scenario,
    paths: &[TeamPath],
    on_remove: Option<Callback<String>>,
) -> Html {
    let split = first_split(paths);
    let dist = distributions(scenario, paths);
    let diverged: Vec<&SceneDistribution> = dist.iter().filter(|d| d.diverged()).collect();
    let team_rows: Html = paths
        .iter()
        .enumerate()
        .map(|(t, p)| {
            let remove = on_remove.as_ref().filter(|_| p.name != ROOM).map(|on_remove| {
                let on_remove = on_remove.clone();
                let name = p.name.clone();
                let onclick = Callback::from(move |_: MouseEvent| on_remove.emit(name.clone()));
                html! {
                    <button type="button" class="link-button no-print" onclick={onclick}>
                        { "Remove" }<span class="visually-hidden">{ format!(" {}", p.name) }</span>
                    </button>
                }
            });
            html! {
                <tr>
                    <th scope="row"><span class={format!("swatch team-{}", t % 6)} aria-hidden="true"></span>{ &p.name }</th>
                    <td>{ p.steps.len() }</td>
                    <td>{ p.ending.as_ref().map_or_else(|| "not finished".to_owned(), |(title, rating)| format!("{title} ({})", rating.as_str())) }</td>
                    <td>{ p.score }</td>
                    <td>{ principle_list(&p.applied) }</td>
                    <td>{ principle_list(&p.violated) }</td>
                    if on_remove.is_some() {
                        <td>{ remove }</td>
                    }
                </tr>
            }
        })
        .collect();

    let longest = paths.iter().map(|p| p.steps.len()).max().unwrap_or(0);
    let side_by_side: Html = (0..longest)
        .map(|n| {
            let first = paths.first().and_then(|p| p.steps.get(n));
            html! {
                <tr>
                    <th scope="row">{ n + 1 }</th>
                    { for paths.iter().map(|p| match p.steps.get(n) {
                        Some(&(scene, choice)) => {
                            let differs = Some(&(scene, choice)) != first;
                            html! { <td class={classes!(differs.then_some("differs"))}>{ choice_text(scenario, scene, choice) }</td> }
                        }
                        None => html! { <td class="muted">{ "\u{2014}" }</td> },
                    }) }
                </tr>
            }
        })
        .collect();

    let split_text = match (paths.len(), split) {
        (0 | 1, _) => "Add at least two teams' result codes to compare their paths.".to_owned(),
        (_, None) => "Every team took the same path.".to_owned(),
        (_, Some(n)) => format!(
            "The paths first split at decision {n}. Teams chose differently at {} decision{} in all.",
            diverged.len(),
            if diverged.len() == 1 { "" } else { "s" }
        ),
    };

    html! {
        <>
        <section aria-labelledby="teams-heading">
            <h2 id="teams-heading">{ "Teams" }</h2>
            if paths.is_empty() {
                <p class="muted">{ "No results yet: add the teams' result codes above, or play with the room." }</p>
            } else {
                <div class="table-scroll">
                    <table class="teams-table">
                        <thead><tr>
                            <th scope="col">{ "Team" }</th><th scope="col">{ "Decisions" }</th>
                            <th scope="col">{ "Ending" }</th><th scope="col">{ "Score" }</th>
                            <th scope="col">{ "Ideas applied" }</th><th scope="col">{ "Ideas gone against" }</th>
                            // The projector has no Remove buttons, so no empty column.
                            if on_remove.is_some() {
                                <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th>
                            }
                        </tr></thead>
                        <tbody>{ team_rows }</tbody>
                    </table>
                </div>
            }
        </section>
        <section aria-labelledby="diverge-heading">
            <h2 id="diverge-heading">{ "Where the teams diverged" }</h2>
            <p class="split-summary">{ split_text }</p>
            if let Some(first) = diverged.first() {
                <ol class="distributions">{ distribution_view(scenario, paths, first) }</ol>
                if diverged.len() > 1 {
                    <p>{ format!("They also chose differently at decision{} {}; see the choices at each decision below.",
                        if diverged.len() == 2 { "" } else { "s" },
                        join_numbers(&diverged[1..].iter().map(|d| d.step).collect::<Vec<_>>())) }</p>
                }
            }
        </section>
        if !paths.is_empty() {
            <section aria-labelledby="paths-heading">
                <h2 id="paths-heading">{ "Paths side by side" }</h2>
                <div class="table-scroll">
                    <table class="paths-table">
                        <caption class="visually-hidden">{ "The choice each team made at each decision; choices that differ from the first column are marked" }</caption>
                        <thead><tr>
                            <th scope="col">{ "Decision" }</th>
                            { for paths.iter().map(|p| html! { <th scope="col">{ &p.name }</th> }) }
                        </tr></thead>
                        <tbody>{ side_by_side }</tbody>
                    </table>
                </div>
            </section>
            <section aria-labelledby="meters-heading">
                <h2 id="meters-heading">{ "Meters over time" }</h2>
                <ul class="chart-legend">
                    { for paths.iter().enumerate().map(|(t, p)| html! {
                        <li><span class={format!("swatch team-{}", t % 6)} aria-hidden="true"></span>{ &p.name }</li>
                    }) }
                </ul>
                <div class="charts">
                    { for (0..scenario.meters.len()).map(|m| meter_chart(scenario, paths, m)) }
                </div>
            </section>
            <section aria-labelledby="dist-heading">
                <h2 id="dist-heading">{ "Choices at each decision" }</h2>
                <ol class="distributions">
                    { for dist.iter().map(|d| distribution_view(scenario, paths, d)) }
                </ol>
            </section>
        }
        </>
    }
}

/// Props for [`ScanCode`].
#[derive(Properties, PartialEq)]
pub struct ScanCodeProps {
    /// Called with the text of the QR code read.
    pub on_code: Callback<String>,
}

/// "Scan a team's code": reads a team's QR code with the camera where the browser can, and
/// says plainly what to do where it cannot.
#[function_component(ScanCode)]
pub fn scan_code(props: &ScanCodeProps) -> Html {
    let video = use_node_ref();
    let scanning = use_state(|| false);
    let message = use_state(|| None::<String>);
    // Bumped to stop a running scan (a new scan, Stop, or leaving the page).
    let run = use_mut_ref(|| 0u32);
    {
        let run = run.clone();
        use_effect_with((), move |_| move || *run.borrow_mut() += 1);
    }
    let on_scan = {
        let video = video.clone();
        let scanning = scanning.clone();
        let message = message.clone();
        let run = run.clone();
        let on_code = props.on_code.clone();
        Callback::from(move |_: MouseEvent| {
            if !camera::can_scan() {
                message.set(Some(NO_SCANNER.to_owned()));
                return;
            }
            *run.borrow_mut() += 1;
            let mine = *run.borrow();
            scanning.set(true);
            message.set(Some(
                "Point the camera at the team's QR code\u{2026}".to_owned(),
            ));
            let (video, scanning, message, run, on_code) = (
                video.clone(),
                scanning.clone(),
                message.clone(),
                run.clone(),
                on_code.clone(),
            );
            // The video element is drawn on the next render.
            crate::platform::clock::set_timeout(0, move || {
                wasm_bindgen_futures::spawn_local(async move {
                    let Some(v) = video.cast::<web_sys::HtmlVideoElement>() else {
                        scanning.set(false);
                        return;
                    };
                    let scanner = match camera::Scanner::start(&v).await {
                        Ok(s) => s,
                        Err(e) => {
                            scanning.set(false);
                            message.set(Some(e));
                            return;
                        }
                    };
                    // Two minutes of looking at most.
                    for _ in 0..480 {
                        if *run.borrow() != mine {
                            return;
                        }
                        if let Some(text) = scanner.detect(&v).await {
                            scanner.stop();
                            scanning.set(false);
                            message.set(None);
                            on_code.emit(text);
                            return;
                        }
                        gloo_timers::future::TimeoutFuture::new(250).await;
                    }
                    scanning.set(false);
                    message.set(Some(
                        "No QR code was found. Try again, or type the code.".to_owned(),
                    ));
                });
            });
        })
    };
    let on_stop = {
        let scanning = scanning.clone();
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            *run.borrow_mut() += 1;
            scanning.set(false);
            message.set(None);
        })
    };
    html! {
        <div class="scan-code">
            if *scanning {
                <video ref={video} class="scan-video" aria-label="The camera's picture" />
                <button type="button" class="button secondary" onclick={on_stop}>{ "Stop scanning" }</button>
            } else {
                <button type="button" class="button secondary" onclick={on_scan}>{ "Scan a team's code" }</button>
            }
            <p class="muted scan-message" role="status">{ (*message).clone().unwrap_or_default() }</p>
        </div>
    }
}

/// Why there is no scanning here, and what to do instead.
const NO_SCANNER: &str = "This browser cannot read QR codes with the camera (it needs the BarcodeDetector found in Chrome and Edge on Android, ChromeOS and macOS). Type the team's name and short code below, or paste the full code.";

/// The debrief.
#[function_component(Debrief)]
pub fn debrief(props: &ViewProps) -> Html {
    let scenario = props.scenario.0.clone();
    let w = props.workshop.clone();
    let (act, error) = use_act(props);
    let code_input = use_node_ref();
    let entry_error = use_state(|| None::<String>);
    let added = use_state(|| None::<String>);

    let add_text = {
        let entry_error = entry_error.clone();
        let added = added.clone();
        let act = act.clone();
        let scenario = scenario.clone();
        let seed = w.seed;
        Callback::from(move |text: String| -> bool {
            match decode_result(&text, &scenario, seed) {
                Ok((team, _)) => {
                    added.set(Some(format!("Added {}.", team.name)));
                    entry_error.set(None);
                    act.emit(Action::AddTeam(team));
                    true
                }
                Err(e) => {
                    added.set(None);
                    entry_error.set(Some(format!(
                        "That result code was not added: {}. Nothing else has changed.",
                        e
                    )));
                    false
                }
            }
        })
    };
    let on_add = {
        let code_input = code_input.clone();
        let add_text = add_text.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = code_input.cast::<web_sys::HtmlTextAreaElement>() else {
                return;
            };
            // A code that was added leaves the field; a refused one stays to be corrected.
            if add_text.emit(input.value()) {
                input.set_value("");
            }
        })
    };
    let on_scanned = {
        let add_text = add_text.clone();
        Callback::from(move |text: String| {
            add_text.emit(text);
        })
    };
    let paths = paths(props);

    let on_csv = {
        let scenario = scenario.clone();
        let paths = paths.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            let text = workshop::csv(&scenario, &paths);
            if let Err(e) = files::download(
                &format!("{}-workshop.csv", scenario.meta.id),
                "text/csv",
                &text,
            ) {
                error.set(Some(e));
            }
        })
    };
    let on_export = {
        let w = w.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            if let Err(e) = files::download(
                &format!("{}-workshop.json", w.scenario),
                "application/json",
                &w.to_json(),
            ) {
                error.set(Some(e));
            }
        })
    };

    let on_remove = {
        let act = act.clone();
        Callback::from(move |name: String| act.emit(Action::RemoveTeam(name)))
    };
    html! {
        <main id="main" class="workshop debrief-page page" tabindex="-1">
            <header class="debrief-head">
                <p class="console-kicker">{ "Workshop debrief" }</p>
                <h1>{ &scenario.meta.title }</h1>
                <p class="muted">{ format!("Session {} \u{b7} {} team{}", workshop::seed_code(w.seed), w.teams.len(), if w.teams.len() == 1 { "" } else { "s" }) }</p>
                <nav class="actions no-print" aria-label="Workshop">
                    <Link<WorkshopRoute> to={WorkshopRoute::Console} classes="button secondary small">{ "Console" }</Link<WorkshopRoute>>
                    <button type="button" class="button secondary small" onclick={on_csv}>{ "Download CSV" }</button>
                    <button type="button" class="button secondary small" onclick={Callback::from(|_: MouseEvent| files::print())}>{ "Print report" }</button>
                    <button type="button" class="button secondary small" onclick={on_export}>{ "Export workshop file" }</button>
                </nav>
            </header>
            if let Some(message) = &*error {
                <p class="error" role="alert">{ message }</p>
            }
            <section class="panel no-print" aria-labelledby="add-heading">
                <h2 id="add-heading">{ "Add a team's result" }</h2>
                <form class="add-team" onsubmit={on_add}>
                    <ScanCode on_code={on_scanned} />
                    <label for="result-code">{ "Result code (as shown on the team's screen at the end)" }</label>
                    <textarea id="result-code" ref={code_input} rows="2" spellcheck="false" autocomplete="off"
                        aria-describedby="result-code-help" />
                    <p id="result-code-help" class="muted">{ "Type the team's name, a space and its short code (e.g. Blue team ACBBA-7KQD), or paste the full code; capitals, spaces and line breaks do not matter." }</p>
                    <button type="submit" class="button">{ "Add team" }</button>
                </form>
                <div aria-live="polite">
                    if let Some(message) = &*entry_error {
                        <p class="error">{ message }</p>
                    }
                    if let Some(message) = &*added {
                        <p class="success">{ message }</p>
                    }
                </div>
            </section>
            { comparison(&scenario, &paths, Some(on_remove)) }
            if !scenario.credits.is_empty() {
                <section aria-labelledby="credits-heading">
                    <h2 id="credits-heading">{ "Ideas in this scenario" }</h2>
                    <ul class="credits">
                        { for scenario.credits.iter().map(|c| html! {
                            <li><strong>{ &c.model }</strong>{ format!(" \u{2014} {}", c.author) }</li>
                        }) }
                    </ul>
                </section>
            }
            <p class="muted">{ "Everything on this page stays in this browser; nothing is sent anywhere." }</p>
        </main>
    }
}
