//! Share links: the address of a finished playthrough's debrief, and copying it.
//!
//! A link is this page's address with the hash route `#/shared/CODE`, where CODE is the
//! engine's session code (scenario id, version, seed and choices, CRC-checked), so opening it
//! anywhere replays the same playthrough. Nothing is sent anywhere.

use wasm_bindgen_futures::JsFuture;

/// The share link for a session code, relative to the page the app was loaded from.
pub fn link(code: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    link_from(&base, code)
}

/// The share link for a code, given the page's current address.
pub fn link_from(href: &str, code: &str) -> String {
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}#/shared/{code}")
}

/// Copies text to the clipboard. `false` when the browser refused (no permission, an
/// insecure origin, or no clipboard at all): the caller then leaves the link selectable.
pub async fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = window.navigator().clipboard();
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_replace_the_current_route() {
        assert_eq!(
            link_from(
                "http://127.0.0.1:8080/index.html#/ending/escalation",
                "escalation.AbC"
            ),
            "http://127.0.0.1:8080/index.html#/shared/escalation.AbC"
        );
        assert_eq!(
            link_from("https://lms.example/pkg/", "x.y"),
            "https://lms.example/pkg/#/shared/x.y"
        );
    }
}
