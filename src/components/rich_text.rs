//! Renders scene text (the engine's safe Markdown subset) as Yew elements. Text is always
//! inserted as text nodes, never as HTML.
//!
//! The app does not parse Markdown itself: compiled scenarios carry every text already parsed
//! (`frontline_engine::compiled::RichTexts`), registered here when a scenario is read, so the
//! Markdown parser stays out of the web bundle. A text that was never registered is shown as
//! plain paragraphs split at blank lines.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use frontline_engine::compiled::RichTexts;
use frontline_engine::limits::MAX_TEXT_DEPTH;
use frontline_engine::markdown::{self, Block, Inline};
use yew::prelude::*;

thread_local! {
    static TEXTS: RefCell<HashMap<String, Rc<Vec<Block>>>> = RefCell::new(HashMap::new());
}

/// Makes a scenario's parsed texts available to [`RichText`] and [`plain`].
pub fn register(texts: RichTexts) {
    TEXTS.with(|t| {
        let mut t = t.borrow_mut();
        for (text, blocks) in texts {
            t.insert(text, Rc::new(blocks));
        }
    });
}

/// The blocks of a text: registered ones, or plain paragraphs.
pub fn blocks(text: &str) -> Rc<Vec<Block>> {
    TEXTS
        .with(|t| t.borrow().get(text).cloned())
        .unwrap_or_else(|| Rc::new(fallback(text)))
}

/// A text without markup, e.g. a choice quoted in a sentence.
pub fn plain(text: &str) -> String {
    markdown::plain_blocks(&blocks(text))
}

/// Paragraphs split at blank lines, taken literally.
fn fallback(text: &str) -> Vec<Block> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(|p| Block::Paragraph(vec![Inline::Text(p)]))
        .collect()
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_texts_render_parsed_and_others_literally() {
        let src = "Hello *there*.\n\n- one\n- two";
        assert_eq!(*blocks(src), fallback(src));
        register(vec![(src.to_owned(), markdown::parse(src))]);
        assert_eq!(*blocks(src), markdown::parse(src));
        assert_eq!(plain(src), "Hello there.\n- one\n- two");
        assert_eq!(
            fallback("a\nb\n\n\n c "),
            vec![
                Block::Paragraph(vec![Inline::Text("a b".into())]),
                Block::Paragraph(vec![Inline::Text("c".into())])
            ]
        );
    }
}
