//! Files in and out of the browser, without a server: downloads made from text (CSV, the
//! workshop file), reading a file the user picked, printing, and opening a second window.

use gloo_file::{Blob, File, ObjectUrl};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Offers `text` as a download called `filename`.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let failed = || format!("The browser did not allow saving {filename}.");
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(failed)?;
    // The object URL is revoked when `url` is dropped, after the click has started the
    // download.
    let url = ObjectUrl::from(Blob::new_with_options(text, Some(mime)));
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| failed())?
        .dyn_into()
        .map_err(|_| failed())?;
    link.set_href(&url);
    link.set_download(filename);
    link.click();
    Ok(())
}

/// The text of the first file chosen in a file input.
pub async fn read_chosen(input: &web_sys::HtmlInputElement) -> Result<String, String> {
    let file = input
        .files()
        .and_then(|f| f.get(0))
        .map(File::from)
        .ok_or_else(|| "Choose a file first.".to_owned())?;
    gloo_file::futures::read_as_text(&file)
        .await
        .map_err(|_| "The file could not be read as text.".to_owned())
}

/// Opens the browser's print dialog.
pub fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// Opens a route of this app in another window (or tab) named `target`. False if blocked.
pub fn open_window(hash_route: &str, target: &str) -> bool {
    web_sys::window()
        .and_then(|w| {
            w.open_with_url_and_target(&format!("#{hash_route}"), target)
                .ok()
        })
        .flatten()
        .is_some()
}

/// The full address of a route of this app, for showing to people who will type it.
pub fn app_url(hash_route: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|href| href.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    format!("{base}#{hash_route}")
}

/// Copies text to the clipboard; false if the browser refused.
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    JsFuture::from(window.navigator().clipboard().write_text(text))
        .await
        .is_ok()
}
