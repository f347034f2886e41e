//! Renders scene text (the engine's safe Markdown subset) as Yew elements. Text is always
//! inserted as text nodes, never as HTML.
//!
//! The app does not parse Markdown itself: the texts come parsed from [`crate::texts`], where
//! compiled scenarios register them when they are read.

use frontline_engine::limits::MAX_TEXT_DEPTH;
use frontline_engine::markdown::{self, Block, Inline};
use yew::prelude::*;

pub use crate::texts::{blocks, plain};

/// Props for [`RichText`].
#[derive(Properties, PartialEq)]
pub struct RichTextProps {
    /// Markdown source.
    pub text: AttrValue,
}

/// Inline text as elements, `depth` levels of emphasis down. The loader rejects text nested
/// deeper than `MAX_TEXT_DEPTH` and the Markdown parser keeps its trees within it, but
/// compiled bytes come from storage too: anything deeper is shown as plain text, so no text
/// can make rendering recurse far.
fn inline(items: &[Inline], depth: usize) -> Html {
    if depth >= MAX_TEXT_DEPTH {
        return html! { { markdown::plain_blocks(&[Block::Paragraph(items.to_vec())]) } };
    }
    items
        .iter()
        .map(|i| match i {
            Inline::Text(t) => html! { {t.clone()} },
            Inline::Emphasis(inner) => html! { <em>{ inline(inner, depth + 1) }</em> },
            Inline::Strong(inner) => html! { <strong>{ inline(inner, depth + 1) }</strong> },
        })
        .collect()
}

/// Paragraphs and lists from Markdown text.
#[function_component(RichText)]
pub fn rich_text(props: &RichTextProps) -> Html {
    blocks(&props.text)
        .iter()
        .map(|b| match b {
            Block::Paragraph(items) => html! { <p>{ inline(items, 0) }</p> },
            Block::List { ordered, items } => {
                let lis: Html = items
                    .iter()
                    .map(|it| html! { <li>{ inline(it, 0) }</li> })
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
