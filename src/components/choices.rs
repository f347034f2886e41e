//! The player's options as large buttons, lettered A, B, C so a room can vote on them too;
//! on the play page the letter keys choose them ([`choice_for_key`]).

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
    /// Whether the page picks a choice by its letter key: each button then names its key
    /// (`aria-keyshortcuts`).
    #[prop_or_default]
    pub keys: bool,
    /// Whether the buttons are a vote (a live room's phones): each is then a toggle button,
    /// and `selected`'s is pressed.
    #[prop_or_default]
    pub toggles: bool,
    /// The choice this device voted for.
    #[prop_or_default]
    pub selected: Option<usize>,
    /// Whether the buttons take no choice now (a locked vote).
    #[prop_or_default]
    pub disabled: bool,
}

/// A letter for a position: 0 -> A.
pub fn letter(n: usize) -> char {
    char::from(b'A' + (n % 26) as u8)
}

/// The position a letter key picks: A or a for the first choice. Only a single letter is a
/// choice key ("Enter", "F5" and the like are not).
pub fn choice_for_key(key: &str) -> Option<usize> {
    let mut chars = key.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => {
            Some(usize::from(c.to_ascii_uppercase() as u8 - b'A'))
        }
        _ => None,
    }
}

/// The visible hint for `n` choices: "Press A, B or C to choose." (at most the letters
/// shown).
pub fn keys_hint(n: usize) -> String {
    let letters: Vec<String> = (0..n.min(26)).map(|i| letter(i).to_string()).collect();
    match letters.as_slice() {
        [] => String::new(),
        [one] => format!("Press {one} to choose."),
        [init @ .., last] => format!("Press {} or {last} to choose.", init.join(", ")),
    }
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
                let shortcut = props.keys.then(|| letter(n).to_string());
                // A vote marks its choice as a pressed toggle; plain play has no such state.
                let chosen = props.selected == Some(index);
                let pressed = props.toggles.then_some(if chosen { "true" } else { "false" });
                html! {
                    <li key={c.index}>
                        <button type="button" class={classes!("choice", chosen.then_some("chosen"))}
                            aria-keyshortcuts={shortcut} aria-pressed={pressed} disabled={props.disabled} {onclick}>
                            <span class="choice-letter" aria-hidden="true">{ letter(n) }</span>
                            <span class="choice-text"><RichText text={c.text.clone()} /></span>
                        </button>
                    </li>
                }
            }) }
        </ol>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 16): the letters suggested shortcuts that did not exist.
    #[test]
    fn letter_keys_pick_choices_and_the_hint_names_them() {
        assert_eq!(choice_for_key("a"), Some(0));
        assert_eq!(choice_for_key("A"), Some(0));
        assert_eq!(choice_for_key("d"), Some(3));
        for key in ["Enter", "F5", " ", "1", "", "\u{e9}", "ArrowDown"] {
            assert_eq!(choice_for_key(key), None, "{key:?}");
        }
        for n in 0..26 {
            assert_eq!(choice_for_key(&letter(n).to_string()), Some(n));
        }
        assert_eq!(keys_hint(1), "Press A to choose.");
        assert_eq!(keys_hint(2), "Press A or B to choose.");
        assert_eq!(keys_hint(4), "Press A, B, C or D to choose.");
        assert_eq!(keys_hint(0), "");
    }
}
