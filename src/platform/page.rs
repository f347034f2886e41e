//! The document around the app: its title, so browser tabs, history and screen readers name
//! the page the player is on.

use yew::prelude::*;

/// Sets the document title to `"{title} · Frontline"` while the calling component is shown.
#[hook]
pub fn use_title(title: String) {
    use_effect_with(title, |title| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&format!("{title} \u{b7} Frontline"));
        }
    });
}
