//! Scenario texts, parsed: the registry that compiled scenarios fill when they are read
//! (`frontline_engine::compiled::RichTexts`), so that the Markdown parser stays out of the web
//! bundle. Not UI: the platform services register texts here and the LMS reports quote them
//! as plain text, while `components::rich_text` renders them. A text that was never
//! registered is taken as plain paragraphs split at blank lines.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use frontline_engine::compiled::RichTexts;
use frontline_engine::markdown::{self, Block, Inline};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_texts_are_parsed_and_others_literal() {
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
