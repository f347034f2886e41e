//! The safe Markdown subset scene text is written in: paragraphs, *emphasis*, **strong** and
//! lists.
//!
//! Text is parsed with pulldown-cmark and reduced to a small tree of [`Block`]s and
//! [`Inline`]s that the app renders with its own elements. Raw HTML, images and links are
//! never passed through: HTML is kept as the literal text the author typed, and links keep
//! only their words. Headings become strong paragraphs and code becomes plain text.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::limits::MAX_TEXT_DEPTH;

/// A block of text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A list; each item is a run of inline text.
    List {
        /// Numbered (true) or bulleted.
        ordered: bool,
        /// The items.
        items: Vec<Vec<Inline>>,
    },
}

/// Inline text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Emphasised text.
    Emphasis(Vec<Inline>),
    /// Strong text.
    Strong(Vec<Inline>),
}

/// [`Inline`]'s serde form, derived; [`Inline`]'s own `Deserialize` counts the levels, so that
/// damaged compiled bytes cannot nest it without end.
#[derive(Deserialize)]
#[serde(rename = "Inline")]
enum InlineRepr {
    Text(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
}

impl From<InlineRepr> for Inline {
    fn from(r: InlineRepr) -> Inline {
        match r {
            InlineRepr::Text(t) => Inline::Text(t),
            InlineRepr::Emphasis(inner) => Inline::Emphasis(inner),
            InlineRepr::Strong(inner) => Inline::Strong(inner),
        }
    }
}

impl<'de> Deserialize<'de> for Inline {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Inline, D::Error> {
        crate::limits::TreeLevel::deserialize::<InlineRepr, Inline, D>(d)
    }
}

/// Parses scene text into blocks.
pub fn parse(src: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    // Stack of open inline containers; the bottom one is the current block's content.
    let mut stack: Vec<(u8, Vec<Inline>)> = Vec::new();
    let mut list: Option<(bool, Vec<Vec<Inline>>)> = None;
    // How many lists are open: nested lists are flattened into the outermost one.
    let mut list_depth = 0usize;
    const ROOT: u8 = 0;
    const EM: u8 = 1;
    const STRONG: u8 = 2;

    fn push_text(stack: &mut Vec<(u8, Vec<Inline>)>, text: &str) {
        if stack.is_empty() {
            stack.push((ROOT, Vec::new()));
        }
        if let Some((_, items)) = stack.last_mut() {
            match items.last_mut() {
                Some(Inline::Text(t)) => t.push_str(text),
                _ => items.push(Inline::Text(text.to_owned())),
            }
        }
    }

    fn close_inline(stack: &mut Vec<(u8, Vec<Inline>)>) {
        if stack.len() > 1
            && let Some((kind, items)) = stack.pop()
            && let Some((_, parent)) = stack.last_mut()
        {
            parent.push(if kind == EM {
                Inline::Emphasis(items)
            } else {
                Inline::Strong(items)
            });
        }
    }

    fn take_root(stack: &mut Vec<(u8, Vec<Inline>)>) -> Vec<Inline> {
        while stack.len() > 1 {
            close_inline(stack);
        }
        let mut items = stack.pop().map(|(_, items)| items).unwrap_or_default();
        // Trim the whitespace soft breaks leave at the edges.
        if let Some(Inline::Text(t)) = items.first_mut() {
            *t = t.trim_start().to_owned();
        }
        if let Some(Inline::Text(t)) = items.last_mut() {
            *t = t.trim_end().to_owned();
        }
        items.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
        items
    }

    // Emphasis opened past MAX_TEXT_DEPTH levels, kept flat: the loader rejects such text,
    // and the tree (which the app renders recursively) never gets deeper than the limit.
    let mut flattened = 0usize;
    for event in Parser::new(src) {
        match event {
            Event::Start(Tag::Emphasis | Tag::Strong) if stack.len() > MAX_TEXT_DEPTH => {
                flattened += 1;
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong) if flattened > 0 => flattened -= 1,
            Event::Start(tag @ (Tag::Emphasis | Tag::Strong)) => {
                // Emphasis that starts a paragraph needs the paragraph under it, or it would
                // be taken for the paragraph itself and lost.
                if stack.is_empty() {
                    stack.push((ROOT, Vec::new()));
                }
                let kind = if matches!(tag, Tag::Emphasis) {
                    EM
                } else {
                    STRONG
                };
                stack.push((kind, Vec::new()));
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong) => close_inline(&mut stack),
            Event::Start(Tag::Heading { .. }) => {
                stack.push((ROOT, Vec::new()));
                stack.push((STRONG, Vec::new()));
            }
            Event::Start(Tag::List(first)) => {
                list_depth += 1;
                if list_depth == 1 {
                    list = Some((first.is_some(), Vec::new()));
                } else {
                    // The text of the item that holds the nested list becomes an item of
                    // its own, so that it does not run into the first nested item.
                    let item = take_root(&mut stack);
                    if let Some((_, items)) = list.as_mut()
                        && !item.is_empty()
                    {
                        items.push(item);
                    }
                }
            }
            Event::End(TagEnd::Item) => {
                let item = take_root(&mut stack);
                if let Some((_, items)) = list.as_mut()
                    && !item.is_empty()
                {
                    items.push(item);
                }
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0
                    && let Some((ordered, items)) = list.take()
                    && !items.is_empty()
                {
                    blocks.push(Block::List { ordered, items });
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) if list.is_none() => {
                let items = take_root(&mut stack);
                if !items.is_empty() {
                    blocks.push(Block::Paragraph(items));
                }
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                push_text(&mut stack, &t)
            }
            Event::SoftBreak | Event::HardBreak => push_text(&mut stack, " "),
            _ => {}
        }
    }
    let rest = take_root(&mut stack);
    if !rest.is_empty() {
        blocks.push(Block::Paragraph(rest));
    }
    blocks
}

/// Whether emphasis and strong emphasis nest deeper than [`MAX_TEXT_DEPTH`] levels in a text
/// (`***a***` is two levels), which the loader rejects. A text with few `*` and `_` cannot,
/// and is not parsed.
pub fn too_deep(src: &str) -> bool {
    let marks = src.bytes().filter(|b| matches!(b, b'*' | b'_')).count();
    marks > 2 * MAX_TEXT_DEPTH && depth(src) > MAX_TEXT_DEPTH
}

/// How deeply emphasis and strong emphasis nest in a text (`***a***` is 2).
pub fn depth(src: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for event in Parser::new(src) {
        match event {
            Event::Start(Tag::Emphasis | Tag::Strong) => {
                depth += 1;
                max = max.max(depth);
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// The text without any markup, e.g. for screen-reader announcements and plain exports.
pub fn plain(src: &str) -> String {
    plain_blocks(&parse(src))
}

/// Blocks as text without any markup (what [`plain`] gives for their source).
pub fn plain_blocks(blocks: &[Block]) -> String {
    fn flatten(items: &[Inline], out: &mut String) {
        for i in items {
            match i {
                Inline::Text(t) => out.push_str(t),
                Inline::Emphasis(inner) | Inline::Strong(inner) => flatten(inner, out),
            }
        }
    }
    let mut out = String::new();
    for block in blocks {
        if !out.is_empty() {
            out.push('\n');
        }
        match block {
            Block::Paragraph(items) => flatten(items, &mut out),
            Block::List { items, .. } => {
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push('\n');
                    }
                    out.push_str("- ");
                    flatten(item, &mut out);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn paragraphs_emphasis_and_lists() {
        let blocks = parse("Hello *there*, **team**.\nSecond line.\n\n- one\n- two *x*\n\nEnd");
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph(vec![
                    text("Hello "),
                    Inline::Emphasis(vec![text("there")]),
                    text(", "),
                    Inline::Strong(vec![text("team")]),
                    text(". Second line."),
                ]),
                Block::List {
                    ordered: false,
                    items: vec![
                        vec![text("one")],
                        vec![text("two "), Inline::Emphasis(vec![text("x")])]
                    ]
                },
                Block::Paragraph(vec![text("End")]),
            ]
        );
    }

    #[test]
    fn html_is_kept_as_literal_text() {
        let blocks = parse("Hi <script>alert(1)</script> there\n\n<img src=x onerror=alert(1)>");
        let all = format!("{blocks:?}");
        assert!(all.contains("<script>alert(1)</script>"));
        assert!(all.contains("<img src=x onerror=alert(1)>"));
        assert_eq!(plain("[link](http://x) and `code`"), "link and code");
    }

    /// Regression: the end of a nested list closed the outer list, so the outer items after
    /// it were lost, and the outer item's own text ran into the first nested item.
    #[test]
    fn nested_lists_flatten_without_losing_items() {
        let blocks = parse("- one\n  - one a\n  - one b\n- two\n\nEnd");
        assert_eq!(
            blocks,
            vec![
                Block::List {
                    ordered: false,
                    items: vec![
                        vec![text("one")],
                        vec![text("one a")],
                        vec![text("one b")],
                        vec![text("two")],
                    ]
                },
                Block::Paragraph(vec![text("End")]),
            ]
        );
    }
}
