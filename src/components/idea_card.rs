//! A leadership idea's card as a disclosure: a button ("More about this idea", named with the
//! idea for screen readers) with `aria-expanded`, and the panel it controls: what the
//! idea says, the source article and a question to reflect on. The card's text is fetched
//! the first time any card is opened (`platform::ideas`); the one-line explanation beside
//! the button is in the app already, so it shows at once.

use frontline_engine::principles;
use yew::prelude::*;

use crate::platform::ideas::{self, IdeaCard as Card};

/// Props for [`IdeaCard`].
#[derive(Properties, PartialEq)]
pub struct IdeaCardProps {
    /// The idea's tag.
    pub tag: AttrValue,
    /// A prefix that makes the panel's element id unique on the page (e.g. "feedback").
    pub id_prefix: AttrValue,
}

/// What the panel shows.
#[derive(Clone, PartialEq)]
enum Loaded {
    Waiting,
    Ready(Card),
    Failed(String),
}

/// The card of one idea. Nothing is shown for an unknown tag (the loader refuses those).
#[function_component(IdeaCard)]
pub fn idea_card(props: &IdeaCardProps) -> Html {
    let open = use_state_eq(|| false);
    let loaded = use_state_eq({
        let tag = props.tag.clone();
        move || ideas::cached(&tag).map_or(Loaded::Waiting, Loaded::Ready)
    });
    let fetch = {
        let loaded = loaded.clone();
        let tag = props.tag.clone();
        Callback::from(move |()| {
            let loaded = loaded.clone();
            let tag = tag.clone();
            loaded.set(Loaded::Waiting);
            wasm_bindgen_futures::spawn_local(async move {
                loaded.set(match ideas::card(&tag).await {
                    Ok(card) => Loaded::Ready(card),
                    Err(message) => Loaded::Failed(message),
                });
            });
        })
    };
    let Some(idea) = principles::lookup(&props.tag) else {
        return html! {};
    };
    let on_toggle = {
        let open = open.clone();
        let loaded = loaded.clone();
        let fetch = fetch.clone();
        Callback::from(move |_: MouseEvent| {
            let opening = !*open;
            open.set(opening);
            if opening && !matches!(*loaded, Loaded::Ready(_)) {
                fetch.emit(());
            }
        })
    };
    let panel_id = format!("{}-idea-{}", props.id_prefix, props.tag);
    let body = match &*loaded {
        Loaded::Ready(card) => html! {
            <>
                <p class="idea-says">{ &card.says }</p>
                <p class="idea-source">
                    <span class="idea-label">{ "Source: " }</span>
                    { format!("{}, {}.", idea.author, card.source) }
                </p>
                <p class="idea-question">
                    <span class="idea-label">{ "To reflect on: " }</span>
                    { &card.question }
                </p>
            </>
        },
        Loaded::Waiting => {
            html! { <p class="loading" role="status">{ "Loading the explanation\u{2026}" }</p> }
        }
        Loaded::Failed(message) => html! {
            <>
                <p class="error" role="alert">{ message }</p>
                <button type="button" class="button small secondary"
                    onclick={Callback::from(move |_: MouseEvent| fetch.emit(()))}>{ "Try again" }</button>
            </>
        },
    };
    html! {
        <div class="idea-card">
            <button type="button" class="idea-toggle" aria-expanded={open.to_string()}
                aria-controls={panel_id.clone()} onclick={on_toggle}
                aria-label={format!("More about this idea: {}", idea.name)}>
                { "More about this idea" }
            </button>
            <div id={panel_id} class="idea-card-body" hidden={!*open}>
                if *open { { body } }
            </div>
        </div>
    }
}

/// One idea in a list: its name, author and one-line explanation. `verdict` says how a
/// choice related to it ("Applied", "Went against"), if shown.
pub fn idea_line(tag: &str, verdict: Option<&str>) -> Html {
    let Some(idea) = principles::lookup(tag) else {
        return html! {};
    };
    html! {
        <>
            <p class="idea-line">
                if let Some(verdict) = verdict {
                    <span class="idea-verdict">{ format!("{verdict}: ") }</span>
                }
                <strong class="idea-name">{ idea.name }</strong>
                <span class="idea-author">{ format!(" \u{b7} {}", idea.author) }</span>
                { format!(" \u{2014} {}", idea.line) }
            </p>
        </>
    }
}
