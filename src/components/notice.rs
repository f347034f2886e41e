//! A dismissable notice for things the player should know but that do not stop play (a save
//! that could not be restored, storage that is blocked).

use yew::prelude::*;

/// Props for [`Notice`].
#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    /// The message.
    pub message: AttrValue,
    /// Called when the player dismisses it.
    pub on_dismiss: Callback<()>,
}

/// A notice.
#[function_component(Notice)]
pub fn notice(props: &NoticeProps) -> Html {
    let on_dismiss = props.on_dismiss.clone();
    html! {
        <div class="notice" role="status">
            <p>{ &props.message }</p>
            <button type="button" class="link-button" onclick={move |_| on_dismiss.emit(())}>
                { "Dismiss" }
            </button>
        </div>
    }
}
