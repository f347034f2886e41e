//! A scenario's briefing before play: the player's role, the team and the customers with a
//! line on each, what every meter means, and when to show feedback on choices.

use frontline_engine::Scenario;
use frontline_engine::scenario::GoodDirection;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::catalog;
use crate::components::fetch_status::fetch_status_view;
use crate::hooks::use_scenario::{ScenarioFetch, use_scenario};
use crate::platform::page::use_title;
use crate::platform::settings::{self, FeedbackTiming};
use crate::platform::{fetch, saves};
use crate::route::Route;

/// Props for [`IntroPage`].
#[derive(Properties, PartialEq)]
pub struct IntroPageProps {
    /// Scenario id from the route.
    pub id: AttrValue,
}

/// Whether a cast member is a customer rather than someone at work.
fn is_customer(role: &str) -> bool {
    role.to_ascii_lowercase().starts_with("customer")
}

/// The briefing page.
#[function_component(IntroPage)]
pub fn intro_page(props: &IntroPageProps) -> Html {
    let id = props.id.to_string();
    let summary = catalog::find(&id);
    let known_title = summary
        .map(|s| s.title.to_owned())
        .or_else(|| fetch::cached(&id).map(|s| s.meta.title.clone()));
    use_title(known_title.as_ref().map_or_else(
        || "Scenario not found".to_owned(),
        |t| format!("Briefing: {t}"),
    ));
    let fetched = use_scenario(&id);
    let feedback = use_state(settings::feedback);
    let setting_note = use_state(|| None::<&'static str>);
    let title = known_title.unwrap_or_else(|| "Scenario not found".to_owned());
    if let Some(status) = fetch_status_view(&title, &id, &fetched.state, fetched.retry) {
        return status;
    }
    let ScenarioFetch::Ready(scenario) = fetched.state else {
        return html! {};
    };
    let resumable = saves::resumable(&id, scenario.meta.version);
    let on_feedback = |timing: FeedbackTiming| {
        let feedback = feedback.clone();
        let setting_note = setting_note.clone();
        Callback::from(move |_: Event| {
            let stored = settings::set_feedback(timing);
            feedback.set(timing);
            setting_note.set((!stored).then_some(
                "This browser is not letting Frontline keep settings, so this one lasts until you close the page.",
            ));
        })
    };
    html! {
        <main id="main" class="page narrow intro" tabindex="-1">
            <p class="back"><Link<Route> to={Route::Library} classes="back-link">{ "\u{2190} Library" }</Link<Route>></p>
            <h1>{ &scenario.meta.title }</h1>
            <p class="intro-summary">{ &scenario.meta.summary }</p>
            <p class="card-meta"><span>{ format!("About {} minutes", scenario.meta.minutes) }</span></p>
            { briefing_sections(&scenario) }
            <section aria-labelledby="settings-heading">
                <h2 id="settings-heading">{ "Feedback on your choices" }</h2>
                <fieldset class="setting">
                    <legend>{ "When should Frontline comment on each choice?" }</legend>
                    <label>
                        <input type="radio" name="feedback" checked={*feedback == FeedbackTiming::AtOnce}
                            onchange={on_feedback(FeedbackTiming::AtOnce)} />
                        { " Straight after each decision" }
                    </label>
                    <label>
                        <input type="radio" name="feedback" checked={*feedback == FeedbackTiming::AtDebrief}
                            onchange={on_feedback(FeedbackTiming::AtDebrief)} />
                        { " Save it all for the debrief at the end" }
                    </label>
                </fieldset>
                if let Some(note) = *setting_note {
                    <p class="setting-note" role="status">{ note }</p>
                }
            </section>
            <div class="actions">
                <Link<Route> to={Route::Play { id: id.clone() }} classes="button">
                    { if resumable { "Resume where you left off" } else { "Begin" } }
                </Link<Route>>
                <Link<Route> to={Route::Library} classes="button secondary">{ "Back to the library" }</Link<Route>>
            </div>
        </main>
    }
}

/// The briefing's sections: the player's role, the team and the customers with a line on
/// each, and what every meter means. Shared with the live room's phones (`pages::room`),
/// which show the same briefing before the first decision.
pub fn briefing_sections(scenario: &Scenario) -> Html {
    let person = |c: &frontline_engine::scenario::CastMember| {
        html! {
            <li>
                <strong>{ &c.name }</strong><span class="cast-role">{ format!(", {}", c.role) }</span>
                <p class="cast-about">{ &c.about }</p>
            </li>
        }
    };
    let team: Vec<_> = scenario
        .cast
        .iter()
        .filter(|c| !is_customer(&c.role))
        .collect();
    let customers: Vec<_> = scenario
        .cast
        .iter()
        .filter(|c| is_customer(&c.role))
        .collect();
    html! {
        <>
            <section aria-labelledby="role-heading">
                <h2 id="role-heading">{ "Your role" }</h2>
                <p>{ &scenario.meta.role }</p>
            </section>
            <section aria-labelledby="team-heading">
                <h2 id="team-heading">{ "Your team and the people around it" }</h2>
                <p>{ &scenario.meta.team }</p>
                if !team.is_empty() {
                    <ul class="cast">{ for team.into_iter().map(person) }</ul>
                }
            </section>
            if !customers.is_empty() {
                <section aria-labelledby="customers-heading">
                    <h2 id="customers-heading">{ "The customers" }</h2>
                    <ul class="cast">{ for customers.into_iter().map(person) }</ul>
                </section>
            }
            <section aria-labelledby="meters-heading">
                <h2 id="meters-heading">{ "What the meters mean" }</h2>
                <dl class="meter-guide">
                    { for scenario.meters.iter().map(|m| html! {
                        <div class="meter-guide-item">
                            <dt>{ &m.label }</dt>
                            <dd>
                                if let Some(d) = &m.description { <p>{ d }</p> }
                                <p class="meter-guide-scale">{ format!(
                                    "Starts at {} out of 100. {} is better.",
                                    m.start,
                                    if m.good == GoodDirection::Low { "Lower" } else { "Higher" }
                                ) }</p>
                            </dd>
                        </div>
                    }) }
                </dl>
            </section>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_are_told_apart_from_colleagues() {
        assert!(is_customer("Customer"));
        assert!(is_customer("customer, business account"));
        assert!(!is_customer("Senior agent"));
        assert!(!is_customer("Head of Customer Care, your manager"));
    }
}
