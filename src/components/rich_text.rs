//! Renders scene text (the engine's safe Markdown subset) as Yew elements. Text is always
//! inserted as text nodes, never as HTML.
//!
//! The app does not parse Markdown itself: the texts come parsed from [`crate::texts`], where
//! compiled scenarios register them when they are read.

use frontline_engine::markdown::{Block, Inline};
use yew::prelude::*;

pub use crate::texts::{blocks, plain};

/// Props for [`RichText`].
#[derive(Properties, PartialEq)]
pub struct RichTextProps {
    /// Markdown source.
    pub text: AttrValue,
}

fn inline(items: &[Inline]) -> Html {
    items
        .iter()
        .map(|i| match i {
            Inline::Text(t) => html! { {t.clone()} },
            Inline::Emphasis(inner) => html! { <em>{ inline(inner) }</em> },
            Inline::Strong(inner) => html! { <strong>{ inline(inner) }</strong> },
        })
        .collect()
}

/// Paragraphs and lists from Markdown text.
#[function_component(RichText)]
pub fn rich_text(props: &RichTextProps) -> Html {
    blocks(&props.text)
        .iter()
        .map(|b| match b {
            Block::Paragraph(items) => html! { <p>{ inline(items) }</p> },
            Block::List { ordered, items } => {
                let lis: Html = items
                    .iter()
                    .map(|it| html! { <li>{ inline(it) }</li> })
                    .collect();
                if *ordered {
                    html! { <ol>{ lis }</ol> }
                } else {
                    html! { <ul>{ lis }</ul> }
                }
            }
        })
        .collect()
}
