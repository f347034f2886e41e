//! Workshop setup: start a workshop with one scenario, continue or end the one in progress,
//! open the console and the projector window, and export or import the whole workshop as a
//! file.

use frontline_engine::workshop::{Workshop, seed_code, workshop_seed};
use yew::prelude::*;
use yew_router::prelude::*;

use super::team_route;
use crate::catalog::{self, BUNDLED};
use crate::pages::workshop::app::WorkshopRoute;
use crate::platform::page::use_title;
use crate::platform::workshop::use_workshop;
use crate::platform::{fetch, files, seed};

fn route_path(route: &WorkshopRoute) -> String {
    use yew_router::Routable;
    route.to_path()
}

/// The setup page.
#[function_component(Setup)]
pub fn setup() -> Html {
    use_title("Workshop mode".to_owned());
    let handle = use_workshop();
    let navigator = use_navigator();
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirm_end = use_state(|| false);
    let select = use_node_ref();
    let file = use_node_ref();

    let on_start = {
        let handle = handle.clone();
        let select = select.clone();
        let message = message.clone();
        let busy = busy.clone();
        let navigator = navigator.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(select) = select.cast::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let id = select.value();
            let (handle, message, busy, navigator) = (
                handle.clone(),
                message.clone(),
                busy.clone(),
                navigator.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match fetch::scenario(&id).await {
                    Ok(scenario) => {
                        let seed = workshop_seed(seed::fresh_seed());
                        handle.commit(Workshop::new(&scenario, seed));
                        if let Some(nav) = navigator {
                            nav.push(&WorkshopRoute::Console);
                        }
                    }
                    Err(e) => message.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let on_import = {
        let handle = handle.clone();
        let file = file.clone();
        let message = message.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = file.cast::<web_sys::HtmlInputElement>() else {
                return;
            };
            let (handle, message) = (handle.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    let text = files::read_chosen(&input).await?;
                    let w = Workshop::from_json(&text)
                        .map_err(|e| format!("The file was not imported: {e}."))?;
                    if catalog::find(&w.scenario).is_none() {
                        return Err(format!(
                            "The file was not imported: it is for scenario \u{201c}{}\u{201d}, which is not in this library.",
                            w.scenario
                        ));
                    }
                    let scenario = fetch::scenario(&w.scenario).await?;
                    w.check(&scenario)
                        .map_err(|e| format!("The file was not imported: {e}."))?;
                    Ok(w)
                }
                .await;
                match result {
                    Ok(w) => {
                        handle.commit(w);
                        input.set_value("");
                        message.set(Some("The workshop was imported.".into()));
                    }
                    Err(e) => message.set(Some(e)),
                }
            });
        })
    };
    let open_projector = {
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            if !files::open_window("/workshop/projector", "frontline-projector") {
                message.set(Some("The browser blocked the new window. Allow pop-ups for this page, or open this address in a new window: ".to_owned() + &files::app_url("/workshop/projector")));
            }
        })
    };

    let server = super::live::use_server_info();
    let live = server.map(|info| html! { <super::live::LiveSetup info={info} /> });

    let current = match &handle.current {
        Ok(Some(w)) => {
            let title = catalog::find(&w.scenario).map_or(w.scenario.as_str(), |s| s.title);
            let export = {
                let w = w.clone();
                let message = message.clone();
                Callback::from(move |_: MouseEvent| {
                    if let Err(e) = files::download(
                        &format!("{}-workshop.json", w.scenario),
                        "application/json",
                        &w.to_json(),
                    ) {
                        message.set(Some(e));
                    }
                })
            };
            let ask_end = {
                let confirm_end = confirm_end.clone();
                Callback::from(move |_: MouseEvent| confirm_end.set(true))
            };
            let keep = {
                let confirm_end = confirm_end.clone();
                Callback::from(move |_: MouseEvent| confirm_end.set(false))
            };
            let end = {
                let handle = handle.clone();
                let confirm_end = confirm_end.clone();
                Callback::from(move |_: MouseEvent| {
                    handle.end();
                    confirm_end.set(false);
                })
            };
            let team_url = files::app_url(&route_path(&team_route(&w.scenario, w.seed)));
            html! {
                <section class="panel" aria-labelledby="current-heading">
                    <h2 id="current-heading">{ "Workshop in progress" }</h2>
                    <p><strong>{ title }</strong>{ format!(" \u{b7} {} room decision{} \u{b7} {} team result{}",
                        w.room.len(), if w.room.len() == 1 { "" } else { "s" },
                        w.teams.len(), if w.teams.len() == 1 { "" } else { "s" }) }</p>
                    <p>{ "Team session code: " }<strong class="seed-code">{ seed_code(w.seed) }</strong></p>
                    <p class="muted">{ "Teams playing on their own devices open " }<code class="team-url">{ team_url }</code></p>
                    <div class="actions">
                        <Link<WorkshopRoute> to={WorkshopRoute::Console} classes="button">{ "Open the console" }</Link<WorkshopRoute>>
                        <button type="button" class="button secondary" onclick={open_projector}>{ "Open projector window" }</button>
                        <Link<WorkshopRoute> to={WorkshopRoute::Debrief} classes="button secondary">{ "Debrief" }</Link<WorkshopRoute>>
                        <button type="button" class="button secondary" onclick={export}>{ "Export workshop file" }</button>
                    </div>
                    if *confirm_end {
                        <div class="confirm" role="group" aria-labelledby="confirm-end">
                            <p id="confirm-end">{ "End this workshop? Its votes and team results are removed from this browser. Export it first to keep them." }</p>
                            <button type="button" class="button danger" onclick={end}>{ "Yes, end the workshop" }</button>
                            <button type="button" class="button secondary" onclick={keep}>{ "Keep it" }</button>
                        </div>
                    } else {
                        <p><button type="button" class="link-button" onclick={ask_end}>{ "End this workshop\u{2026}" }</button></p>
                    }
                </section>
            }
        }
        Ok(None) => html! {},
        Err(e) => html! {
            <p class="error" role="alert">{ format!("{e} Start a new workshop or import a workshop file to replace it.") }</p>
        },
    };
    let can_start = !matches!(handle.current, Ok(Some(_)));

    html! {
        <main id="main" class="page workshop-setup" tabindex="-1">
            <p><a href={super::app::LIBRARY_HREF} class="back-link">{ "\u{2190} Library" }</a></p>
            <h1>{ "Workshop mode" }</h1>
            <p class="tagline">{ "Run a scenario with a room: a console for you, a projector view for everyone, votes by show of hands, and a debrief that compares teams. Everything stays on this computer." }</p>
            if let Some(p) = &handle.problem {
                <p class="notice">{ p }</p>
            }
            <div aria-live="polite">
                if let Some(m) = &*message {
                    <p class="notice">{ m }</p>
                }
            </div>
            { current }
            { live }
            if can_start {
                <section class="panel" aria-labelledby="new-heading">
                    <h2 id="new-heading">{ "Start a workshop" }</h2>
                    <form onsubmit={on_start}>
                        <label for="workshop-scenario">{ "Scenario" }</label>
                        <select id="workshop-scenario" ref={select}>
                            { for BUNDLED.iter().map(|s| html! {
                                <option value={s.id}>{ format!("{} (about {} minutes)", s.title, s.minutes) }</option>
                            }) }
                        </select>
                        <p>
                            <button type="submit" class="button" disabled={*busy}>{ "Start the workshop" }</button>
                        </p>
                    </form>
                </section>
            }
            <section class="panel" aria-labelledby="import-heading">
                <h2 id="import-heading">{ "Import a workshop file" }</h2>
                <form onsubmit={on_import}>
                    <label for="workshop-file">{ "Workshop file (.json, exported from Frontline)" }</label>
                    <input id="workshop-file" type="file" accept=".json,application/json" ref={file} />
                    <p class="muted">{ "Importing replaces the workshop in progress." }</p>
                    <p><button type="submit" class="button secondary">{ "Import" }</button></p>
                </form>
            </section>
            <section aria-labelledby="how-heading">
                <h2 id="how-heading">{ "How a session runs" }</h2>
                <ol class="steps">
                    <li>{ "Start the workshop here, then open the projector window and drag it to the projector. Keep the console on your screen." }</li>
                    <li>{ "For each decision, let the room discuss (T starts the timer), count hands per choice and type the counts, reveal them (R), then play the majority (N) or override it to explore another option. You can go back to any earlier decision." }</li>
                    <li>{ "Teams can also play on their own devices with the team session code. At the end each team reads out its result code or shows its QR code; add the codes in the debrief to compare the teams." }</li>
                </ol>
            </section>
        </main>
    }
}
