//! The debrief at an ending: the rating and score, what the ending teaches, the path as a
//! timeline (with the odds of every chance outcome, the principles each choice applied or went
//! against, credited, and the best alternative at each point), the meters across the
//! decisions, the principle profile, reflection questions, past results, and the ways on:
//! play again, replay from a decision, share, print.
//!
//! The what-ifs are searched by the engine (`frontline_engine::debrief::what_ifs`) after the
//! debrief is on screen, in a Web Worker when it can (`platform::what_ifs`), so the ending
//! appears at once and the page stays responsive even for long scenarios.

use std::rc::Rc;
use std::sync::Arc;

use frontline_engine::debrief::{self, Mattered, Outcome, Step, WhatIf};
use frontline_engine::scenario::{Choice, PassSource, Rating, Verdict};
use frontline_engine::session::MeterMove;
use frontline_engine::{Scenario, Session, code, principles};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::idea_card::{IdeaCard, idea_line};
use crate::components::line_chart::{LineChart, Series};
use crate::components::profile_chart::{ProfileChart, ProfileRow};
use crate::components::rich_text::{self, RichText};
use crate::platform::clock::after_paint;
use crate::platform::what_ifs::search as search_what_ifs;
use crate::platform::{opened, results, share};
use crate::route::Route;

/// A session compared by its playthrough, for props.
#[derive(Clone)]
pub struct SessionRef(pub Session);

impl PartialEq for SessionRef {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(self.0.scenario(), other.0.scenario())
            && self.0.seed() == other.0.seed()
            && self.0.history() == other.0.history()
    }
}

/// Props for [`Debrief`].
#[derive(Properties, PartialEq)]
pub struct DebriefProps {
    /// The finished session.
    pub session: SessionRef,
    /// Its verdict, with a learning platform's pass mark when one applies (`lms::verdict`):
    /// the same value the results history and the LMS record get.
    pub verdict: Verdict,
    /// The ending heading, focused when the debrief appears.
    pub heading: NodeRef,
    /// Whether this is someone's shared playthrough rather than the player's own.
    #[prop_or_default]
    pub shared: bool,
    /// Starts a new playthrough (own debrief only).
    #[prop_or_default]
    pub on_play_again: Option<Callback<MouseEvent>>,
    /// Goes back to just before decision `n` (own debrief only).
    #[prop_or_default]
    pub on_replay_from: Option<Callback<usize>>,
}

/// A rating's name.
pub fn rating_label(rating: Rating) -> &'static str {
    match rating {
        Rating::Exemplary => "Exemplary",
        Rating::Solid => "Solid",
        Rating::Costly => "Costly",
        Rating::Failing => "Failing",
    }
}

fn rating_class(rating: Rating) -> String {
    format!("rating-{}", rating_label(rating).to_ascii_lowercase())
}

/// Which pass mark applied: "pass mark 95, set by your learning platform" or, for the
/// scenario's own, the rating it stands for ("pass mark 65: a solid ending or better").
pub fn pass_mark_phrase(pass_mark: i32, source: PassSource, pass_rating: Rating) -> String {
    match (source, pass_rating) {
        (PassSource::Platform, _) => {
            format!("pass mark {pass_mark}, set by your learning platform")
        }
        (PassSource::Scenario, Rating::Exemplary) => {
            format!("pass mark {pass_mark}: an exemplary ending")
        }
        (PassSource::Scenario, Rating::Failing) => format!("pass mark {pass_mark}: any ending"),
        (PassSource::Scenario, r) => format!(
            "pass mark {pass_mark}: a {} ending or better",
            rating_label(r).to_ascii_lowercase()
        ),
    }
}

/// What follows the score: passed or not, and which pass mark applied
/// ("not passed (pass mark 95, set by your learning platform)").
pub fn verdict_phrase(verdict: &Verdict, pass_rating: Rating) -> String {
    format!(
        "{} ({})",
        if verdict.passed {
            "passed"
        } else {
            "not passed"
        },
        pass_mark_phrase(verdict.pass_mark, verdict.pass_source, pass_rating)
    )
}

/// The debrief.
#[function_component(Debrief)]
pub fn debrief_view(props: &DebriefProps) -> Html {
    let session = &props.session.0;
    // The debrief arrives in three steps so that the click that ends the scenario paints at
    // once: first the ending (rating, title, text, score, lesson); after that frame the
    // rest (path, charts, questions, sharing, past results, actions); after the next, the
    // what-ifs, whose search can take a tenth of a second (in a worker, see below).
    // Each step is stamped with the session it was made for, so that a step scheduled for an
    // earlier session (a replay within one frame) is never shown with this one.
    let complete = use_state_eq(|| None::<SessionRef>);
    let what_ifs = use_state(|| None::<(SessionRef, Rc<Vec<WhatIf>>)>);
    {
        let (complete, what_ifs) = (complete.clone(), what_ifs.clone());
        use_effect_with(props.session.clone(), move |session| {
            // Only a replay within this debrief has steps to clear: setting them on the first
            // showing would render the whole debrief a second time before its first frame.
            if complete.is_some() {
                complete.set(None);
            }
            if what_ifs.is_some() {
                what_ifs.set(None);
            }
            let session = session.clone();
            after_paint(move || complete.set(Some(session)));
        });
    }
    // The what-ifs are searched in a worker (the page's own thread if it cannot help); only
    // the reply for the latest request is kept.
    let requested = use_mut_ref(|| None::<SessionRef>);
    {
        let what_ifs = what_ifs.clone();
        use_effect_with((*complete).clone(), move |complete| {
            if let Some(session) = complete.clone() {
                *requested.borrow_mut() = Some(session.clone());
                after_paint(move || {
                    wasm_bindgen_futures::spawn_local(async move {
                        let found = Rc::new(search_what_ifs(&session.0).await);
                        if requested.borrow().as_ref() == Some(&session) {
                            what_ifs.set(Some((session, found)));
                        }
                    });
                });
            }
        });
    }
    let Some(ending) = session.ending() else {
        return html! {};
    };
    let verdict = props.verdict;
    let (score, passed) = (verdict.score, verdict.passed);
    let (print_header, rest) = if complete.as_ref() == Some(&props.session) {
        let found = (*what_ifs)
            .as_ref()
            .filter(|(made_for, _)| *made_for == props.session)
            .map(|(_, found)| found.clone());
        (print_header(session, &verdict), debrief_rest(props, found))
    } else {
        (Html::default(), Html::default())
    };

    html! {
        <article class="ending debrief-page" aria-labelledby="scene-heading">
            { print_header }
            <p class={classes!("rating", rating_class(ending.rating))}>{ rating_label(ending.rating) }</p>
            <h2 id="scene-heading" class="scene-heading" tabindex="-1" ref={props.heading.clone()}>{ &ending.title }</h2>
            if props.shared {
                <p class="shared-note">{ "This is a shared playthrough: someone else's decisions, replayed exactly in your browser." }</p>
            }
            <div class="scene-text"><RichText text={session.scene_text().to_owned()} /></div>
            <p class={classes!("score", if passed { "passed" } else { "failed" })}>
                <strong>{ format!("Score {score} / 100") }</strong>
                { format!(" \u{2014} {}", verdict_phrase(&verdict, session.scenario().scoring.pass)) }
            </p>
            <section aria-labelledby="teaches-heading">
                <h3 id="teaches-heading">{ "What this ending teaches" }</h3>
                <div class="debrief"><RichText text={ending.debrief.clone()} /></div>
            </section>
            { rest }
        </article>
    }
}

/// The printed debrief's first lines (hidden on screen, where the page's header says it):
/// the scenario's title, the date and the verdict.
fn print_header(session: &Session, verdict: &Verdict) -> Html {
    let pass_rating = session.scenario().scoring.pass;
    html! {
        <header class="print-header">
            <p class="print-title">{ format!("Frontline debrief: {}", session.scenario().meta.title) }</p>
            <p class="print-meta">
                { format!("{} \u{b7} Score {} / 100, {}", format_date(js_sys::Date::now()), verdict.score, verdict_phrase(verdict, pass_rating)) }
            </p>
        </header>
    }
}

/// The debrief below the ending's lesson: the path with its what-ifs (once worked out), the
/// charts, the questions, the credits, sharing, past results and the actions.
fn debrief_rest(props: &DebriefProps, what_ifs: Option<Rc<Vec<WhatIf>>>) -> Html {
    let session = &props.session.0;
    let scenario = session.scenario().clone();
    let steps = debrief::timeline(session);
    let timeline: Html = steps
        .iter()
        .enumerate()
        .map(|(n, step)| {
            let what_if = what_ifs.as_ref().and_then(|w| w.get(n).cloned());
            step_view(&scenario, n, step, what_if, props.on_replay_from.clone())
        })
        .collect();
    let series: Vec<Series> = scenario
        .meters
        .iter()
        .zip(debrief::meter_series(session))
        .map(|(m, values)| Series {
            label: m.label.clone(),
            values,
        })
        .collect();
    let profile: Vec<ProfileRow> = debrief::principle_profile(session)
        .into_iter()
        .filter_map(|p| {
            let idea = principles::lookup(&p.tag)?;
            Some(ProfileRow {
                name: idea.name.to_owned(),
                author: idea.author.to_owned(),
                applied: p.applied,
                violated: p.violated,
            })
        })
        .collect();
    let mut questions: Vec<&str> = session
        .history()
        .iter()
        .filter_map(|d| scenario.scene(d.scene).discussion.as_deref())
        .collect();
    questions.dedup();
    let code = code::encode(session);
    html! {
        <>
            <section aria-labelledby="path-heading">
                <h3 id="path-heading">{ "Your path" }</h3>
                if what_ifs.is_none() {
                    <p class="loading" role="status">{ "Working out the alternatives at each decision\u{2026}" }</p>
                }
                <ol class="timeline">{ timeline }</ol>
            </section>
            <section aria-labelledby="chart-heading">
                <h3 id="chart-heading">{ "The meters across your decisions" }</h3>
                <LineChart id="meter-chart" title="Meters at the start and after each decision" series={series} />
            </section>
            if !profile.is_empty() {
                <section aria-labelledby="profile-heading">
                    <h3 id="profile-heading">{ "Your leadership profile" }</h3>
                    <ProfileChart id="profile-chart" rows={profile} />
                </section>
            }
            { ideas_section(&scenario, &steps) }
            if !questions.is_empty() {
                <section aria-labelledby="reflect-heading">
                    <h3 id="reflect-heading">{ "Questions to reflect on" }</h3>
                    <ul class="questions">
                        { for questions.iter().map(|q| html! { <li><RichText text={(*q).to_owned()} /></li> }) }
                    </ul>
                </section>
            }
            if !scenario.credits.is_empty() {
                <section aria-labelledby="credits-heading">
                    <h3 id="credits-heading">{ "Credits" }</h3>
                    <ul class="credits">
                        { for scenario.credits.iter().map(|c| html! {
                            <li>
                                <strong>{ &c.model }</strong>{ format!(" \u{2014} {}", c.author) }
                                if let Some(source) = &c.source {
                                    <span class="credit-source">{ format!(", {source}") }</span>
                                }
                            </li>
                        }) }
                    </ul>
                </section>
            }
            <ShareBox code={code.clone()} />
            if !props.shared {
                <PastResults session={props.session.clone()} verdict={props.verdict} />
            }
            <div class="actions">
                if let Some(on_play_again) = &props.on_play_again {
                    <button type="button" class="button" onclick={on_play_again.clone()}>{ "Play again" }</button>
                } else {
                    <Link<Route> to={Route::Intro { id: scenario.meta.id.clone() }} classes="button">{ "Play this scenario yourself" }</Link<Route>>
                }
                <button type="button" class="button secondary" onclick={Callback::from(|_: MouseEvent| print())}>{ "Print the debrief" }</button>
                <Link<Route> to={Route::Library} classes="button secondary">{ "Back to the library" }</Link<Route>>
            </div>
        </>
    }
}

/// Decision numbers in words: "decision 2", "decisions 1 and 3", "decisions 1, 2 and 4".
fn decisions_phrase(ns: &[usize]) -> String {
    let ns: Vec<String> = ns.iter().map(|n| (n + 1).to_string()).collect();
    match ns.as_slice() {
        [] => String::new(),
        [one] => format!("decision {one}"),
        [init @ .., last] => format!("decisions {} and {last}", init.join(", ")),
    }
}

/// How the player's choices related to an idea: "You applied it in decision 2 and went
/// against it in decisions 3 and 5."
pub fn relation_sentence(applied: &[usize], violated: &[usize]) -> String {
    match (applied.is_empty(), violated.is_empty()) {
        (false, true) => format!("You applied it in {}.", decisions_phrase(applied)),
        (true, false) => format!("You went against it in {}.", decisions_phrase(violated)),
        _ => format!(
            "You applied it in {} and went against it in {}.",
            decisions_phrase(applied),
            decisions_phrase(violated)
        ),
    }
}

/// Every idea the player's choices applied or went against, in the order they were first
/// met, with the decisions (0-based) that applied it and those that went against it.
pub fn ideas_met(scenario: &Scenario, steps: &[Step]) -> Vec<(String, Vec<usize>, Vec<usize>)> {
    let mut met: Vec<(String, Vec<usize>, Vec<usize>)> = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        let choice = &scenario.scene(step.scene).choices()[step.choice];
        let tags = choice
            .applies
            .iter()
            .map(|t| (t, true))
            .chain(choice.violates.iter().map(|t| (t, false)));
        for (tag, applied) in tags {
            let at = match met.iter().position(|(t, _, _)| t == tag) {
                Some(i) => i,
                None => {
                    met.push((tag.clone(), Vec::new(), Vec::new()));
                    met.len() - 1
                }
            };
            if applied {
                met[at].1.push(n);
            } else {
                met[at].2.push(n);
            }
        }
    }
    met
}

/// "Leadership ideas in this scenario": each idea the player's choices met, what it means in
/// a line, how the choices related to it, and its card.
fn ideas_section(scenario: &Scenario, steps: &[Step]) -> Html {
    let met = ideas_met(scenario, steps);
    if met.is_empty() {
        return html! {};
    }
    html! {
        <section class="ideas-met" aria-labelledby="ideas-heading">
            <h3 id="ideas-heading">{ "Leadership ideas in this scenario" }</h3>
            <ul class="ideas">
                { for met.iter().map(|(tag, applied, violated)| html! {
                    <li key={tag.clone()} class="idea">
                        { idea_line(tag, None) }
                        <p class="idea-relation">{ relation_sentence(applied, violated) }</p>
                        <IdeaCard tag={tag.clone()} id_prefix="debrief" />
                    </li>
                }) }
            </ul>
        </section>
    }
}

fn print() {
    if let Some(w) = web_sys::window() {
        // A browser that refuses to print (some embedded views) leaves the page as it is.
        let _ = w.print();
    }
}

fn tag_names(tags: &[String]) -> Vec<String> {
    tags.iter()
        .filter_map(|t| principles::lookup(t))
        .map(|p| format!("{} ({})", p.name, p.author))
        .collect()
}

/// A choice's text to quote inside a sentence: without its closing full stop.
fn quotable(text: &str) -> String {
    text.trim_end().trim_end_matches('.').to_owned()
}

fn ending_title(scenario: &Scenario, o: &Outcome) -> String {
    let title = scenario
        .scene(o.ending)
        .ending()
        .map_or("an ending", |e| e.title.as_str());
    format!("\u{201c}{title}\u{201d}")
}

/// An ending with its rating and score: "The rule holds" (costly, score 52).
fn outcome_phrase(scenario: &Scenario, o: &Outcome) -> String {
    format!(
        "{} ({}, score {})",
        ending_title(scenario, o),
        rating_label(o.rating).to_ascii_lowercase(),
        o.score
    )
}

/// The what-if sentence for one decision (after "What if: ") and whether it is a lesson (a
/// different choice would have ended better), worded by what the decision meant for where the
/// story could end ([`WhatIf::mattered`]). Endings are compared with the best play after each
/// choice, with the player's own dice. A worse ending is never called the strongest one.
pub fn what_if_sentence(
    scenario: &Scenario,
    scene_choices: &[Choice],
    w: &WhatIf,
) -> (String, bool) {
    let chosen = &w.chosen_at_best;
    let alt = w
        .alternative
        .and_then(|i| scene_choices.get(i))
        .map(|c| format!("\u{201c}{}\u{201d}", quotable(&rich_text::plain(&c.text))));
    let no_other = || ("there was no other choice on offer here.".to_owned(), false);
    let (Some(alt), Some(leads)) = (alt, w.alternative_leads_to) else {
        return no_other();
    };
    match w.mattered() {
        Mattered::NoAlternative => no_other(),
        Mattered::SameEnding => {
            let scores = if leads.score == chosen.score {
                format!("and to the same score, {}", chosen.score)
            } else {
                format!(
                    "though your choice at best scores {} there and the best alternative, {alt}, {}",
                    chosen.score, leads.score
                )
            };
            (
                format!(
                    "any choice here led to the same ending, {} ({}), with good decisions after it, {scores}.",
                    ending_title(scenario, chosen),
                    rating_label(chosen.rating).to_ascii_lowercase()
                ),
                false,
            )
        }
        Mattered::AlternativeBetter if leads.ending == chosen.ending => (
            format!(
                "a different choice here, {alt}, would have reached the same ending, {}, with a better score: {} against {} for yours, with good decisions after each.",
                ending_title(scenario, chosen),
                leads.score,
                chosen.score
            ),
            true,
        ),
        Mattered::AlternativeBetter => (
            format!(
                "a different choice here would have led to {}: {alt}, with good decisions after it. Your choice at best leads to {}.",
                outcome_phrase(scenario, &leads),
                outcome_phrase(scenario, chosen)
            ),
            true,
        ),
        Mattered::ChoiceWasBest => {
            let others = if leads.ending == chosen.ending {
                format!(
                    "The next best choice, {alt}, reaches the same ending with a score of {}.",
                    leads.score
                )
            } else if chosen.beats(&leads) {
                format!(
                    "The best of the other choices, {alt}, at best leads to {}.",
                    outcome_phrase(scenario, &leads)
                )
            } else {
                format!(
                    "{alt} would have done as well, leading to {}.",
                    outcome_phrase(scenario, &leads)
                )
            };
            (
                format!(
                    "your choice kept the best ending in reach: with good decisions after it, it leads to {}. {others}",
                    outcome_phrase(scenario, chosen)
                ),
                false,
            )
        }
    }
}

fn step_view(
    scenario: &Scenario,
    n: usize,
    step: &Step,
    what_if: Option<WhatIf>,
    on_replay_from: Option<Callback<usize>>,
) -> Html {
    let scene = scenario.scene(step.scene);
    let choice = &scene.choices()[step.choice];
    let applied = tag_names(&choice.applies);
    let violated = tag_names(&choice.violates);
    let changes = |moves: &[MeterMove]| -> String {
        moves
            .iter()
            .map(|m| {
                let d = m.after - m.before;
                let sign = if d > 0 { "+" } else { "\u{2212}" };
                format!(
                    "{} {sign}{} to {}",
                    scenario.meters[m.meter.0].label,
                    d.abs(),
                    m.after
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let own = changes(&step.effects.own);
    let chance = step.chance.as_ref().and_then(|c| {
        let outcomes = match &choice.next {
            frontline_engine::scenario::Next::Chance(o) => o,
            frontline_engine::scenario::Next::Scene(_) => return None,
        };
        let text = rich_text::plain(&outcomes.get(c.outcome)?.text);
        let odds = if c.could_have_gone_otherwise() {
            format!(
                "Chance: this had {}, so it could have gone another way.",
                c.odds_phrase()
            )
        } else {
            "Chance: with things as they stood, this was certain.".to_owned()
        };
        Some((text, odds))
    });
    let what_if_view = match what_if {
        Some(w) => {
            let (sentence, lesson) = what_if_sentence(scenario, scene.choices(), &w);
            html! {
                <p class={classes!("what-if", lesson.then_some("better"))}>
                    <span class="feedback-kicker">{ "What if: " }</span>
                    { sentence }
                </p>
            }
        }
        None => html! {},
    };
    html! {
        <li class="timeline-step">
            <h4 class="timeline-heading">
                { format!("Decision {}", n + 1) }
                if let Some(speaker) = &scene.speaker {
                    <span class="scene-speaker">{ format!(" \u{2014} {speaker}") }</span>
                }
            </h4>
            <p class="decision-choice"><span class="feedback-kicker">{ "You chose: " }</span>{ rich_text::plain(&choice.text) }</p>
            if let Some((text, odds)) = chance {
                <p class="timeline-chance">{ text }<span class="chance-odds">{ format!(" {odds}") }</span></p>
            }
            if !own.is_empty() {
                <p class="timeline-changes">{ own }</p>
            }
            { for step.effects.triggers.iter().map(|(t, moves)| html! {
                <div class="timeline-consequence">
                    <span class="feedback-kicker">{ "Later: " }</span><RichText text={scenario.triggers[t.0].text.clone()} />
                    if !moves.is_empty() {
                        <p class="timeline-changes">{ changes(moves) }</p>
                    }
                </div>
            }) }
            if let Some(feedback) = &choice.feedback {
                <div class="timeline-feedback"><RichText text={feedback.clone()} /></div>
            }
            if !applied.is_empty() {
                <p class="decision-tags applied">{ format!("Applied: {}", applied.join("; ")) }</p>
            }
            if !violated.is_empty() {
                <p class="decision-tags violated">{ format!("Went against: {}", violated.join("; ")) }</p>
            }
            { what_if_view }
            if let Some(on_replay_from) = on_replay_from {
                <button type="button" class="button small secondary"
                    onclick={Callback::from(move |_: MouseEvent| on_replay_from.emit(n))}>
                    { format!("Replay from decision {}", n + 1) }
                </button>
            }
        </li>
    }
}

/// Props for [`ShareBox`].
#[derive(Properties, PartialEq)]
struct ShareBoxProps {
    code: String,
}

/// The share link with a copy button; the link stays selectable when copying is refused.
#[function_component(ShareBox)]
fn share_box(props: &ShareBoxProps) -> Html {
    let status = use_state(|| None::<&'static str>);
    let link = share::link(&props.code);
    let on_copy = {
        let status = status.clone();
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            let status = status.clone();
            let link = link.clone();
            wasm_bindgen_futures::spawn_local(async move {
                status.set(Some(if share::copy(&link).await {
                    "Link copied."
                } else {
                    "This browser did not allow copying: select the link and copy it yourself."
                }));
            });
        })
    };
    html! {
        <section class="share" aria-labelledby="share-heading">
            <h3 id="share-heading">{ "Share this playthrough" }</h3>
            <p>{ "Anyone who opens this link sees this same debrief, replayed from your decisions. Nothing is uploaded: the link itself carries them." }</p>
            if opened::is_opened(code::scenario_id(&props.code).unwrap_or_default()) {
                <p class="setting-note">{ "This scenario was opened from your own file, so the link works only in a browser that has opened the same file." }</p>
            }
            <div class="share-row">
                <label class="visually-hidden" for="share-link">{ "Share link" }</label>
                <input id="share-link" class="share-link" type="text" readonly=true value={link} />
                <button type="button" class="button secondary" onclick={on_copy}>{ "Copy link" }</button>
            </div>
            <p class="share-status" role="status">{ status.unwrap_or_default() }</p>
        </section>
    }
}

/// Props for [`PastResults`].
#[derive(Properties, PartialEq)]
struct PastResultsProps {
    /// The player's own finished session, recorded here.
    session: SessionRef,
    /// Its verdict, recorded with it.
    verdict: Verdict,
}

thread_local! {
    /// One date formatter for the visit: `Date.toLocaleDateString` builds a new one on every
    /// call, a few milliseconds each (measured: 45 ms over five debriefs of past results).
    static DATES: js_sys::Intl::DateTimeFormat = js_sys::Intl::DateTimeFormat::new(
        &js_sys::Array::of1(&"en-GB".into()),
        &js_sys::Object::new(),
    );
}

fn format_date(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    DATES
        .with(|f| f.format().call1(&wasm_bindgen::JsValue::UNDEFINED, &date))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// A past result's score and verdict, as the debrief showed it ("score 88, not passed (pass
/// mark 95, set by your learning platform)"); a result from before score bands says that its
/// score is not comparable rather than passing judgement again.
pub fn result_phrase(r: &results::Record, pass_rating: Rating) -> String {
    match r.mark {
        Some(mark) => {
            let mark_phrase = match mark.source {
                // The scenario's own mark: its rating is today's, which the number may not
                // be if the scenario has changed since, so only the number is given.
                PassSource::Scenario => format!("pass mark {}", mark.pass_mark),
                PassSource::Platform => pass_mark_phrase(mark.pass_mark, mark.source, pass_rating),
            };
            format!(
                "score {}, {} ({mark_phrase})",
                r.score,
                if r.passed { "passed" } else { "not passed" }
            )
        }
        None => format!(
            "score {} under the earlier scoring, not comparable with later scores",
            r.score
        ),
    }
}

/// The player's endings in this scenario, this one included (it is recorded here, once), with
/// a way to clear them.
#[function_component(PastResults)]
fn past_results(props: &PastResultsProps) -> Html {
    let id = props.session.0.scenario().meta.id.clone();
    let current = code::encode(&props.session.0);
    let pass_rating = props.session.0.scenario().scoring.pass;
    let refused = use_state(|| false);
    let records = use_state(Vec::new);
    {
        let records = records.clone();
        let refused = refused.clone();
        let id = id.clone();
        use_effect_with(
            (props.session.clone(), props.verdict),
            move |(session, verdict)| {
                refused.set(!results::record(&session.0, verdict));
                records.set(results::list(&id));
            },
        );
    }
    let on_clear = {
        let records = records.clone();
        Callback::from(move |_: MouseEvent| {
            results::clear(&id);
            records.set(results::list(&id));
        })
    };
    if *refused {
        return html! {
            <p class="setting-note" role="status">{ "This browser is not letting Frontline keep your results, so this one will not appear in your history." }</p>
        };
    }
    if records.is_empty() {
        return html! {};
    }
    html! {
        <section class="past-results" aria-labelledby="past-heading">
            <h3 id="past-heading">{ "Your results in this scenario" }</h3>
            <ol class="results-list" reversed=true>
                { for records.iter().rev().map(|r| html! {
                    <li>
                        <span class={classes!("rating-chip", rating_class(r.rating))}>{ rating_label(r.rating) }</span>
                        { format!(" {} \u{2014} {}", r.ending, result_phrase(r, pass_rating)) }
                        <span class="result-date">{ format!(", {}", format_date(r.at)) }</span>
                        if r.code == current {
                            <span class="result-current">{ " (this playthrough)" }</span>
                        } else {
                            { " " }
                            <Link<Route> to={Route::Shared { code: r.code.clone() }}>{ "View debrief" }</Link<Route>>
                        }
                    </li>
                }) }
            </ol>
            <button type="button" class="button small secondary" onclick={on_clear}>{ "Clear my results for this scenario" }</button>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use frontline_engine::scenario::{PassSource, SceneIdx};

    use super::*;
    use crate::platform::results::{Mark, Record};

    fn scenario(name: &str) -> Arc<Scenario> {
        let path = format!("{}/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
        let src = std::fs::read_to_string(&path).expect("bundled scenario");
        Arc::new(frontline_engine::load(&path, &src).expect("loads").scenario)
    }

    fn verdict(score: i32, passed: bool, pass_mark: i32, pass_source: PassSource) -> Verdict {
        Verdict {
            rating: Rating::Solid,
            score,
            passed,
            pass_mark,
            pass_source,
        }
    }

    #[test]
    fn the_score_line_says_which_pass_mark_applied() {
        assert_eq!(
            verdict_phrase(&verdict(88, false, 95, PassSource::Platform), Rating::Solid),
            "not passed (pass mark 95, set by your learning platform)"
        );
        assert_eq!(
            verdict_phrase(&verdict(70, true, 65, PassSource::Scenario), Rating::Solid),
            "passed (pass mark 65: a solid ending or better)"
        );
        assert_eq!(
            verdict_phrase(
                &verdict(70, false, 85, PassSource::Scenario),
                Rating::Exemplary
            ),
            "not passed (pass mark 85: an exemplary ending)"
        );
        assert_eq!(
            verdict_phrase(&verdict(20, true, 0, PassSource::Scenario), Rating::Failing),
            "passed (pass mark 0: any ending)"
        );
        assert_eq!(
            verdict_phrase(&verdict(50, true, 40, PassSource::Scenario), Rating::Costly),
            "passed (pass mark 40: a costly ending or better)"
        );
    }

    #[test]
    fn past_results_say_what_the_debrief_said_and_mark_earlier_scores() {
        let record = |passed, mark| Record {
            code: "c".into(),
            ending: "E".into(),
            rating: Rating::Solid,
            score: 88,
            passed,
            mark,
            at: 0.0,
        };
        let platform = Some(Mark {
            pass_mark: 95,
            source: PassSource::Platform,
        });
        let own = Some(Mark {
            pass_mark: 65,
            source: PassSource::Scenario,
        });
        assert_eq!(
            result_phrase(&record(false, platform), Rating::Solid),
            "score 88, not passed (pass mark 95, set by your learning platform)"
        );
        assert_eq!(
            result_phrase(&record(true, own), Rating::Solid),
            "score 88, passed (pass mark 65)"
        );
        let earlier = result_phrase(&record(true, None), Rating::Solid);
        assert!(earlier.contains("not comparable"), "{earlier}");
        assert!(!earlier.contains("passed"), "{earlier}");
    }

    fn ending(scenario: &Scenario, id: &str, score: i32) -> Outcome {
        let (i, scene) = scenario
            .scenes
            .iter()
            .enumerate()
            .find(|(_, s)| s.id == id)
            .expect("the ending exists");
        Outcome {
            ending: SceneIdx(i),
            rating: scene.ending().expect("an ending").rating,
            score,
        }
    }

    #[test]
    fn what_ifs_are_worded_by_whether_the_decision_mattered() {
        let s = scenario("policy");
        let choices = s.scene(SceneIdx(0)).choices();
        assert!(choices.len() >= 2);
        let alt = quotable(&rich_text::plain(&choices[1].text));
        let best = ending(&s, "end-team-changed-it", 96);
        let holds = ending(&s, "end-rule-holds", 52);
        let blame = ending(&s, "end-audit-blame", 10);
        let what_if = |chosen, leads: Option<Outcome>, same_ending| WhatIf {
            decision: 0,
            alternative: leads.map(|_| 1),
            alternative_leads_to: leads,
            chosen_at_best: chosen,
            same_ending,
            exhaustive: true,
        };

        // A better ending was in reach: named, with the alternative.
        let (text, lesson) = what_if_sentence(&s, choices, &what_if(holds, Some(best), false));
        assert!(lesson);
        assert!(
            text.starts_with("a different choice here would have led to \u{201c}The team changed the rule\u{201d} (exemplary, score 96)"),
            "{text}"
        );
        assert!(text.contains(&alt), "{text}");
        assert!(
            text.contains("\u{201c}The rule holds\u{201d} (costly, score 52)"),
            "{text}"
        );

        // Every choice led to the same ending: said so, with the score difference.
        let (text, lesson) = what_if_sentence(
            &s,
            choices,
            &what_if(holds, Some(Outcome { score: 55, ..holds }), true),
        );
        assert!(!lesson);
        assert!(
            text.starts_with(
                "any choice here led to the same ending, \u{201c}The rule holds\u{201d}"
            ),
            "{text}"
        );
        assert!(text.contains("52") && text.contains("55"), "{text}");
        let (text, _) = what_if_sentence(&s, choices, &what_if(holds, Some(holds), true));
        assert!(text.ends_with("and to the same score, 52."), "{text}");

        // The player's choice was the best: the others' worse ending is named, never as the
        // strongest.
        let (text, lesson) = what_if_sentence(&s, choices, &what_if(best, Some(blame), false));
        assert!(!lesson);
        assert!(
            text.starts_with("your choice kept the best ending in reach"),
            "{text}"
        );
        assert!(
            text.contains("\u{201c}Found in the sample\u{201d} (failing, score 10)"),
            "{text}"
        );
        assert!(!text.contains("strongest"), "{text}");

        // The same ending with a better score elsewhere is not "a different ending".
        let (text, lesson) = what_if_sentence(
            &s,
            choices,
            &what_if(holds, Some(Outcome { score: 60, ..holds }), false),
        );
        assert!(lesson);
        assert!(
            text.contains("would have reached the same ending"),
            "{text}"
        );

        // Nothing else on offer.
        let (text, lesson) = what_if_sentence(&s, choices, &what_if(holds, None, true));
        assert!(!lesson);
        assert_eq!(text, "there was no other choice on offer here.");
    }

    /// Over real playthroughs of some bundled scenarios: a lesson only where another choice
    /// ends better, and the ending named as better really is better.
    #[test]
    fn real_what_ifs_never_call_a_worse_ending_better() {
        for name in ["escalation", "boss-demand", "broken-process"] {
            let s = scenario(name);
            for seed in 1..=4 {
                let mut session = Session::new(s.clone(), seed);
                while !session.is_ended() {
                    let options: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
                    let i = options[(seed as usize + session.history().len()) % options.len()];
                    session.choose_index(i).expect("available");
                }
                for w in debrief::what_ifs(&session) {
                    let scene = s.scene(session.history()[w.decision].scene);
                    let (text, lesson) = what_if_sentence(&s, scene.choices(), &w);
                    assert_eq!(
                        lesson,
                        w.mattered() == Mattered::AlternativeBetter,
                        "{text}"
                    );
                    assert!(!text.contains("strongest"), "{text}");
                    if w.mattered() == Mattered::SameEnding {
                        assert!(text.starts_with("any choice here led to the same ending"));
                    }
                }
            }
        }
    }
}
