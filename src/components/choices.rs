//! The player's options as large buttons, lettered A, B, C so a room can vote on them too.

use yew::prelude::*;

use crate::components::rich_text::RichText;

/// One option.
#[derive(Clone, PartialEq)]
pub struct ChoiceItem {
    /// Index of the choice in the scene (what the engine expects back).
    pub index: usize,
    /// Button text (Markdown).
    pub text: AttrValue,
}

/// Props for [`ChoiceList`].
#[derive(Properties, PartialEq)]
pub struct ChoiceListProps {
    /// The options offered now.
    pub choices: Vec<ChoiceItem>,
    /// Called with the chosen index.
    pub on_choose: Callback<usize>,
    /// Id of the element labelling the list (the question).
    pub labelled_by: AttrValue,
}

/// A letter for a position: 0 -> A.
pub fn letter(n: usize) -> char {
    char::from(b'A' + (n % 26) as u8)
}

/// The choices.
#[function_component(ChoiceList)]
pub fn choice_list(props: &ChoiceListProps) -> Html {
    html! {
        <ol class="choices" aria-labelledby={props.labelled_by.clone()}>
            { for props.choices.iter().enumerate().map(|(n, c)| {
                let on_choose = props.on_choose.clone();
                let index = c.index;
                let onclick = Callback::from(move |_: MouseEvent| on_choose.emit(index));
                html! {
                    <li key={c.index}>
                        <button type="button" class="choice" {onclick}>
                            <span class="choice-letter" aria-hidden="true">{ letter(n) }</span>
                            <span class="choice-text"><RichText text={c.text.clone()} /></span>
                        </button>
                    </li>
                }
            }) }
        </ol>
    }
}
