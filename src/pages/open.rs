//! Opening a scenario that is not in the library: a file from this computer (chosen or
//! dropped) or a web address (typed here, or given as `?scenario=URL`).
//!
//! The page reads the file, has the loader worker check it ([`crate::platform::loader`]) and
//! then either lists every problem with its line and column, or registers the scenario
//! ([`crate::platform::opened`]) and offers to play it on the normal play page. Nothing the
//! file contains is ever inserted as HTML: names, messages and excerpts are text nodes.

use std::rc::Rc;

use frontline_engine::diag::thousands;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::platform::loader::{self, Checked, Report};
use crate::platform::page::use_title;
use crate::platform::{opened, remote};
use crate::route::Route;

/// A scenario ready to play.
#[derive(Debug, Clone, PartialEq)]
struct Ready {
    id: String,
    title: String,
    summary: String,
    minutes: u32,
    name: String,
    warnings: Vec<Report>,
    /// How many warnings there are in all (`warnings` holds the first few hundred).
    warning_count: usize,
    kept: bool,
}

/// Where opening stands.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Idle,
    /// Reading, downloading or checking; the sentence says which.
    Working(String),
    /// The file could not be read, downloaded or checked at all.
    Failed(String),
    /// The file was checked and has errors.
    Rejected {
        name: String,
        /// The first few hundred problems.
        reports: Rc<Vec<Report>>,
        /// How many errors and warnings there are in all.
        errors: usize,
        warnings: usize,
    },
    Ready(Rc<Ready>),
}

/// Checks bytes and registers the scenario if they are valid.
async fn check(name: String, bytes: js_sys::ArrayBuffer) -> Stage {
    match loader::check(&name, bytes).await {
        Err(message) => Stage::Failed(message),
        Ok(Checked::Rejected {
            reports,
            errors,
            warnings,
        }) => Stage::Rejected {
            name,
            reports: Rc::new(reports),
            errors,
            warnings,
        },
        // A newer file is being checked; this attempt's result is dropped in any case.
        Ok(Checked::Superseded) => Stage::Idle,
        Ok(Checked::Compiled {
            bytes,
            warnings,
            warning_count,
        }) => match opened::register(&bytes) {
            Err(message) => Stage::Failed(message),
            Ok((scenario, kept)) => Stage::Ready(Rc::new(Ready {
                id: scenario.meta.id.clone(),
                title: scenario.meta.title.clone(),
                summary: scenario.meta.summary.clone(),
                minutes: scenario.meta.minutes,
                name,
                warnings,
                warning_count,
                kept,
            })),
        },
    }
}

/// Runs one opening attempt; results of an attempt overtaken by a newer one are dropped.
#[derive(Clone)]
struct Opener {
    stage: UseStateHandle<Stage>,
    attempt: Rc<std::cell::Cell<u32>>,
}

impl Opener {
    fn begin(&self, what: String) -> u32 {
        let n = self.attempt.get() + 1;
        self.attempt.set(n);
        self.stage.set(Stage::Working(what));
        n
    }

    fn finish(&self, n: u32, stage: Stage) {
        if self.attempt.get() == n {
            self.stage.set(stage);
        }
    }

    fn open_file(&self, file: web_sys::File) {
        let name = file.name();
        // Compared as a float because that is what the browser gives; no float is formatted.
        if file.size() > f64::from(remote::MAX_BYTES) {
            let n = self.begin(String::new());
            self.finish(
                n,
                Stage::Failed(format!(
                    "\u{201c}{name}\u{201d} is larger than {} MB, too large for a scenario file. Check that it is the right file.",
                    remote::MAX_MB
                )),
            );
            return;
        }
        // A file replaces any link in the address, so a reload does not reopen the link.
        remote::clear_scenario_param();
        let n = self.begin(format!("Checking \u{201c}{name}\u{201d}\u{2026}"));
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let stage = match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => match buffer.dyn_into::<js_sys::ArrayBuffer>() {
                    Ok(bytes) => check(name, bytes).await,
                    Err(_) => Stage::Failed(unreadable(&name)),
                },
                Err(_) => Stage::Failed(unreadable(&name)),
            };
            this.finish(n, stage);
        });
    }

    fn open_link(&self, link: String) {
        let n = self.begin("Downloading the scenario file\u{2026}".into());
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let stage = match remote::download(&link).await {
                Err(message) => Stage::Failed(message),
                Ok(download) => {
                    remote::set_scenario_param(&link);
                    this.stage.set(Stage::Working(format!(
                        "Checking \u{201c}{}\u{201d}\u{2026}",
                        download.name
                    )));
                    check(download.name, download.bytes).await
                }
            };
            this.finish(n, stage);
        });
    }
}

fn unreadable(name: &str) -> String {
    format!(
        "\u{201c}{name}\u{201d} could not be read. It may have been moved or deleted, or this browser may not allow reading it. Choose the file again."
    )
}

/// The "open a scenario" page.
#[function_component(OpenPage)]
pub fn open_page() -> Html {
    use_title("Open a scenario".to_owned());
    let opener = Opener {
        stage: use_state(|| Stage::Idle),
        attempt: use_mut_ref_cell(),
    };
    let dragging = use_state(|| false);
    let link_input = use_node_ref();
    let result_heading = use_node_ref();
    let initial_link = use_memo((), |_| remote::scenario_param());

    // A `?scenario=` link is opened as soon as the page shows.
    {
        let opener = opener.clone();
        let initial_link = initial_link.clone();
        use_effect_with((), move |_| {
            if let Some(link) = (*initial_link).clone() {
                opener.open_link(link);
            }
        });
    }
    // Each result takes the focus, so keyboard and screen reader users land on it.
    {
        let result_heading = result_heading.clone();
        let settled = !matches!(*opener.stage, Stage::Idle | Stage::Working(_));
        use_effect_with(((*opener.stage).clone(), settled), move |(_, settled)| {
            if *settled && let Some(el) = result_heading.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }

    let on_file = {
        let opener = opener.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            if let Some(file) = input.files().and_then(|files| files.item(0)) {
                opener.open_file(file);
            }
            // Choosing the same file again (after fixing it) must fire `change` again.
            input.set_value("");
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(dt) = e.data_transfer() {
                dt.set_drop_effect("copy");
            }
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            // Moving between the zone's own children is not leaving it.
            let inside = match (e.current_target(), e.related_target()) {
                (Some(zone), Some(to)) => zone
                    .dyn_ref::<web_sys::Node>()
                    .zip(to.dyn_ref::<web_sys::Node>())
                    .is_some_and(|(zone, to)| zone.contains(Some(to))),
                _ => false,
            };
            if !inside {
                dragging.set(false);
            }
        })
    };
    let on_drop = {
        let dragging = dragging.clone();
        let opener = opener.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let file = e
                .data_transfer()
                .and_then(|dt| dt.files())
                .and_then(|files| files.item(0));
            match file {
                Some(file) => opener.open_file(file),
                None => {
                    let n = opener.begin(String::new());
                    opener.finish(
                        n,
                        Stage::Failed(
                            "What was dropped is not a file. Drop a scenario file (.toml) from your computer.".into(),
                        ),
                    );
                }
            }
        })
    };
    let on_link = {
        let opener = opener.clone();
        let link_input = link_input.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = link_input.cast::<web_sys::HtmlInputElement>() else {
                return;
            };
            let link = input.value().trim().to_owned();
            if link.is_empty() {
                let n = opener.begin(String::new());
                opener.finish(
                    n,
                    Stage::Failed("Type or paste the web address of a scenario file first.".into()),
                );
            } else {
                opener.open_link(link);
            }
        })
    };

    let working = matches!(*opener.stage, Stage::Working(_));
    let status = match &*opener.stage {
        Stage::Working(what) => what.clone(),
        _ => String::new(),
    };

    html! {
        <main id="main" class="page narrow open-page" tabindex="-1"
            ondragover={on_drag_over} ondragleave={on_drag_leave} ondrop={on_drop}>
            <p class="open-back">
                <Link<Route> to={Route::Library} classes="back-link">{ "\u{2190} Library" }</Link<Route>>
            </p>
            <h1>{ "Open a scenario" }</h1>
            <p class="open-intro">
                { "Play a scenario that is not in the library: a file on this computer or a file on the web, written in Frontline\u{2019}s scenario format (TOML). It is checked here, in your browser, and is not uploaded anywhere." }
            </p>

            <section class={classes!("open-drop", dragging.then_some("open-drop-active"))} aria-labelledby="open-file-heading">
                <h2 id="open-file-heading">{ "From this computer" }</h2>
                <p class="open-drop-hint" aria-hidden="true">{ "Drop a scenario file anywhere on this page, or choose one." }</p>
                <label class="open-label" for="open-file">{ "Scenario file (.toml)" }</label>
                <input id="open-file" class="open-file" type="file"
                    accept=".toml,application/toml,text/plain" onchange={on_file} />
            </section>

            <section class="open-link" aria-labelledby="open-link-heading">
                <h2 id="open-link-heading">{ "From a web address" }</h2>
                <form class="open-link-form" onsubmit={on_link} novalidate=true>
                    <label class="open-label" for="open-link">{ "Address of the scenario file" }</label>
                    <div class="open-link-row">
                        <input id="open-link" class="open-link-input" type="url" ref={link_input}
                            inputmode="url" autocomplete="url" spellcheck="false"
                            value={(*initial_link).clone().unwrap_or_default()}
                            aria-describedby="open-link-help" />
                        <button type="submit" class="button" disabled={working}>{ "Open" }</button>
                    </div>
                    <p id="open-link-help" class="open-help">
                        { "An https:// address of a .toml file, for example https://example.org/scenarios/escalation.toml. The site has to allow other sites to read the file (CORS)." }
                    </p>
                </form>
            </section>

            <p class="open-status" role="status" aria-live="polite">{ status }</p>
            { result_view(&opener.stage, &result_heading) }
        </main>
    }
}

/// A `Cell` kept across renders (a `use_mut_ref` that hands out `Rc<Cell>`).
#[hook]
fn use_mut_ref_cell() -> Rc<std::cell::Cell<u32>> {
    (*use_memo((), |_| Rc::new(std::cell::Cell::new(0)))).clone()
}

fn result_view(stage: &Stage, heading: &NodeRef) -> Html {
    match stage {
        Stage::Idle | Stage::Working(_) => html! {},
        Stage::Failed(message) => html! {
            <section class="open-result" aria-labelledby="open-result-heading">
                <h2 id="open-result-heading" tabindex="-1" ref={heading.clone()}>
                    { "The scenario could not be opened" }
                </h2>
                <p class="error">{ message }</p>
            </section>
        },
        Stage::Rejected {
            name,
            reports,
            errors,
            warnings,
        } => {
            let (errors, warnings) = (*errors, *warnings);
            let mut title = format!(
                "{} {} in \u{201c}{name}\u{201d}",
                thousands(errors),
                if errors == 1 { "error" } else { "errors" }
            );
            if warnings > 0 {
                title.push_str(&format!(
                    " (and {} {})",
                    thousands(warnings),
                    if warnings == 1 { "warning" } else { "warnings" }
                ));
            }
            html! {
                <section class="open-result open-rejected" aria-labelledby="open-result-heading">
                    <h2 id="open-result-heading" tabindex="-1" ref={heading.clone()}>{ title }</h2>
                    <p>{ "This file cannot be played yet. Fix these problems in the file, then open it again." }</p>
                    { reports_view(reports, errors + warnings) }
                </section>
            }
        }
        Stage::Ready(ready) => {
            let n = ready.warning_count;
            html! {
                <section class="open-result open-ready" aria-labelledby="open-result-heading">
                    <h2 id="open-result-heading" tabindex="-1" ref={heading.clone()}>{ "Ready to play" }</h2>
                    <article class="open-card" aria-labelledby="open-card-title">
                        <h3 id="open-card-title">{ &ready.title }</h3>
                        <p class="card-summary">{ &ready.summary }</p>
                        <p class="card-meta">
                            <span>{ format!("About {} minutes", ready.minutes) }</span>
                            <span>{ format!("From \u{201c}{}\u{201d}", ready.name) }</span>
                        </p>
                        <Link<Route> to={Route::Play { id: ready.id.clone() }} classes="button">
                            { "Play" }<span class="visually-hidden">{ format!(" {}", ready.title) }</span>
                        </Link<Route>>
                    </article>
                    if !ready.kept {
                        <p class="open-note">{ "This browser is not letting Frontline keep a copy of the file, so after a reload you will need to open it again." }</p>
                    }
                    if n > 0 {
                        <h3 class="open-warnings-heading">{ format!("{} {} for the author", thousands(n), if n == 1 { "warning" } else { "warnings" }) }</h3>
                        <p>{ "The scenario plays, but these are probably mistakes:" }</p>
                        { reports_view(&ready.warnings, n) }
                    }
                </section>
            }
        }
    }
}

/// The most problems listed: a file can have tens of thousands, and listing them all would
/// block the page for seconds. The worker sends no more than this either.
const MAX_LISTED: usize = 300;

/// The first [`MAX_LISTED`] reports, and how many more there are of `total`.
fn reports_view(reports: &[Report], total: usize) -> Html {
    let listed = reports.len().min(MAX_LISTED);
    let more = total.saturating_sub(listed);
    html! {
        <>
            <ol class="open-diagnostics">
                { for reports.iter().take(MAX_LISTED).map(report_view) }
            </ol>
            if more > 0 {
                <p class="open-more">
                    { format!("And {} more not listed. Fix the ones above first, then open the file again.", thousands(more)) }
                </p>
            }
        </>
    }
}

/// Splits an excerpt around the column a report points at: text before, the marked part (to
/// the next space, or one blank past the end of the line) and the rest.
fn mark(excerpt: &str, col: u32) -> (String, String, String) {
    let chars: Vec<char> = excerpt
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let start = (col.max(1) as usize - 1).min(chars.len());
    let end = chars[start..]
        .iter()
        .position(|c| c.is_whitespace())
        .map_or(chars.len(), |i| start + i.max(1));
    let before: String = chars[..start].iter().collect();
    let marked: String = if start == chars.len() {
        " ".into()
    } else {
        chars[start..end].iter().collect()
    };
    let after: String = chars[end..].iter().collect();
    (before, marked, after)
}

fn report_view(r: &Report) -> Html {
    let kind = if r.error { "error" } else { "warning" };
    html! {
        <li class={classes!("open-diagnostic", format!("open-diagnostic-{kind}"))}>
            <p class="open-diagnostic-head">
                <span class="open-diagnostic-where">{ format!("Line {}, column {}", r.line, r.col) }</span>
                <span class="open-diagnostic-kind">{ kind }</span>
            </p>
            <p class="open-diagnostic-message">{ &r.message }</p>
            if !r.excerpt.trim().is_empty() {
                {{
                    let (before, marked, after) = mark(&r.excerpt, r.mark);
                    html! {
                        <pre class="open-excerpt">
                            <span class="open-excerpt-line" aria-hidden="true">{ r.line }</span>
                            <code>{ before }<mark>{ marked }</mark>{ after }</code>
                        </pre>
                    }
                }}
            }
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::mark;

    fn parts(excerpt: &str, col: u32) -> (String, String, String) {
        mark(excerpt, col)
    }

    #[test]
    fn marks_the_word_at_the_column() {
        assert_eq!(
            parts("next = \"aftermath2\"", 8),
            ("next = ".into(), "\"aftermath2\"".into(), String::new())
        );
        assert_eq!(
            parts("titel = \"x\"", 1),
            (String::new(), "titel".into(), " = \"x\"".into())
        );
    }

    #[test]
    fn a_column_past_the_end_marks_a_blank() {
        assert_eq!(
            parts("title = ", 9),
            ("title = ".into(), " ".into(), String::new())
        );
        assert_eq!(parts("", 1), (String::new(), " ".into(), String::new()));
    }

    #[test]
    fn a_column_on_a_space_marks_that_space() {
        assert_eq!(parts("a  b", 2), ("a".into(), " ".into(), " b".into()));
    }
}
