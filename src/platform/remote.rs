//! Scenario links: `?scenario=URL` in the app's address opens that scenario file.
//!
//! A link is fetched only if it is `https:` or on the app's own site (the Content-Security-
//! Policy's `connect-src` allows exactly that), and every way it can fail gets its own
//! sentence: not a web address, a scheme we do not fetch, a site that cannot be reached, a
//! site that does not allow other sites to read the file (CORS), an HTTP error, a web page or
//! an image instead of a scenario file, a file too large. Whether the file is a valid scenario
//! is the loader's business (see [`crate::platform::loader`]).

use gloo_net::http::Request;
use js_sys::ArrayBuffer;
use web_sys::{RequestCredentials, RequestMode};

/// The query parameter that names a scenario file.
pub const PARAM: &str = "scenario";
/// The largest file fetched, in MB (the loader's own limit is the same).
pub const MAX_MB: u32 = 2;
/// [`MAX_MB`] in bytes.
pub const MAX_BYTES: u32 = MAX_MB * 1024 * 1024;

/// A downloaded scenario file.
pub struct Download {
    /// A file name for the loader's reports (the link's last path segment).
    pub name: String,
    /// The file's bytes.
    pub bytes: ArrayBuffer,
}

/// The `?scenario=` link in the page's address, if any.
pub fn scenario_param() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    // A bundled scenario's id is an LMS package's launch (`?scenario=ID`), not a link.
    params
        .get(PARAM)
        .filter(|s| !s.trim().is_empty() && crate::catalog::find(s.trim()).is_none())
}

/// At start-up: an address with a scenario link and no route opens the "open" page, which
/// fetches it. (With a route, e.g. after a reload while playing, the route wins.)
pub fn route_scenario_link() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let hash = window.location().hash().unwrap_or_default();
    if (hash.is_empty() || hash == "#")
        && scenario_param().is_some()
        && let Ok(history) = window.history()
    {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("#/open"));
    }
}

/// Puts a link into the address (`?scenario=URL#/open`) without reloading, so the address can
/// be copied and shared.
pub fn set_scenario_param(link: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str("") else {
        return;
    };
    params.set(PARAM, link);
    let query: String = params.to_string().into();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("?{query}#/open")),
        );
    }
}

/// Takes the link out of the address (when a file is opened instead).
pub fn clear_scenario_param() {
    if scenario_param().is_none() {
        return;
    }
    if let Some(window) = web_sys::window()
        && let Ok(history) = window.history()
    {
        let path = window.location().pathname().unwrap_or_default();
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}#/open")),
        );
    }
}

/// Why a link is refused before it is fetched, if it is.
fn scheme_problem(protocol: &str, same_origin: bool) -> Option<&'static str> {
    match protocol {
        _ if same_origin => None,
        "https:" => None,
        "http:" => Some(
            "Frontline opens links to other sites only over a secure connection: use the https:// address of the file.",
        ),
        _ => Some(
            "Frontline can only open https:// links. To open a file on this computer, use \u{201c}Choose a file\u{201d} instead.",
        ),
    }
}

/// The sentence for an HTTP error status.
fn status_problem(status: u16, status_text: &str) -> String {
    let what = match status {
        401 | 403 => "the site does not allow this file to be read without signing in".to_owned(),
        404 | 410 => "there is no file at this address".to_owned(),
        s if s >= 500 => "the site had a problem sending the file; try again later".to_owned(),
        _ => "the site refused to send the file".to_owned(),
    };
    let status_text = status_text.trim();
    if status_text.is_empty() {
        format!("The scenario file could not be downloaded: {what} (the site answered {status}).")
    } else {
        format!(
            "The scenario file could not be downloaded: {what} (the site answered {status} {status_text})."
        )
    }
}

/// Why a response's content type cannot be a scenario file, if it cannot.
fn content_problem(content_type: &str) -> Option<String> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "text/html" || essence == "application/xhtml+xml" {
        return Some("This address leads to a web page, not to a scenario file. Link to the .toml file itself (on a code-hosting site, use the link to the file\u{2019}s raw text).".into());
    }
    let kind = essence.split('/').next().unwrap_or_default();
    if matches!(kind, "image" | "audio" | "video" | "font")
        || matches!(
            essence.as_str(),
            "application/pdf" | "application/zip" | "application/wasm" | "application/javascript"
        )
    {
        return Some(format!(
            "This address leads to a file of type {essence}, not to a scenario file (a TOML text file)."
        ));
    }
    None
}

/// The file name for reports: the last segment of the link's path, else its host.
fn file_name(pathname: &str, host: &str) -> String {
    let last = pathname.rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
    let decoded = js_decode(last);
    if decoded.is_empty() {
        host.to_owned()
    } else {
        decoded
    }
}

#[cfg(target_arch = "wasm32")]
fn js_decode(s: &str) -> String {
    js_sys::decode_uri_component(s).map_or_else(|_| s.to_owned(), String::from)
}

#[cfg(not(target_arch = "wasm32"))]
fn js_decode(s: &str) -> String {
    s.to_owned()
}

/// Downloads the scenario file a link points at. Errors are sentences for the player.
pub async fn download(link: &str) -> Result<Download, String> {
    let link = link.trim();
    let window = web_sys::window().ok_or("This page has no window to download from.")?;
    let page = window.location().href().unwrap_or_default();
    let url = web_sys::Url::new_with_base(link, &page).map_err(|_| {
        format!("\u{201c}{link}\u{201d} is not a web address. A scenario link looks like https://example.org/scenarios/escalation.toml.")
    })?;
    let page_origin = window.location().origin().unwrap_or_default();
    let same_origin = url.origin() == page_origin;
    if let Some(problem) = scheme_problem(&url.protocol(), same_origin) {
        return Err(problem.into());
    }
    let host = url.host();
    let href = url.href();
    let response = match Request::get(&href)
        .mode(RequestMode::Cors)
        .credentials(RequestCredentials::SameOrigin)
        .send()
        .await
    {
        Ok(response) => response,
        Err(_) => return Err(unreachable_reason(&window, &href, &host, same_origin).await),
    };
    if !response.ok() {
        return Err(status_problem(response.status(), &response.status_text()));
    }
    let headers = response.headers();
    if let Some(problem) = headers
        .get("content-type")
        .and_then(|t| content_problem(&t))
    {
        return Err(problem);
    }
    let too_big = || {
        format!(
            "The file at this address is larger than {MAX_MB} MB, too large for a scenario file."
        )
    };
    if let Some(length) = headers
        .get("content-length")
        .and_then(|l| l.trim().parse::<u64>().ok())
        && length > u64::from(MAX_BYTES)
    {
        return Err(too_big());
    }
    let interrupted =
        || "The download was interrupted. Check your connection and try again.".to_owned();
    let body = response.binary().await.map_err(|_| interrupted())?;
    if body.len() > MAX_BYTES as usize {
        return Err(too_big());
    }
    // The loader hands the bytes to its worker as an ArrayBuffer.
    let bytes = js_sys::Uint8Array::from(body.as_slice()).buffer();
    Ok(Download {
        name: file_name(&url.pathname(), &host),
        bytes,
    })
}

/// Tells apart, after a failed fetch, being offline, a site that cannot be reached and a site
/// that answers but does not let other sites read the file (which browsers report the same
/// way). A second request in `no-cors` mode reaches the site without reading the answer: if
/// it succeeds, the site is there and the first failure was CORS.
async fn unreachable_reason(
    window: &web_sys::Window,
    href: &str,
    host: &str,
    same_origin: bool,
) -> String {
    if !window.navigator().on_line() {
        return "This browser is offline, so the scenario link cannot be downloaded. Connect to the internet and try again.".into();
    }
    if !same_origin
        && Request::get(href)
            .mode(RequestMode::NoCors)
            .credentials(RequestCredentials::Omit)
            .send()
            .await
            .is_ok()
    {
        return format!(
            "The site {host} does not allow other sites to read this file (its answer has no CORS header that allows it). Ask the site\u{2019}s owner to allow it, or download the file and open it here with \u{201c}Choose a file\u{201d}."
        );
    }
    format!(
        "The site {host} could not be reached. Check the address and your connection, and try again."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_the_apps_own_site_is_fetched() {
        assert_eq!(scheme_problem("https:", false), None);
        assert_eq!(scheme_problem("http:", true), None);
        assert!(scheme_problem("http:", false).is_some_and(|m| m.contains("https://")));
        for scheme in ["file:", "data:", "javascript:", "ftp:", "blob:"] {
            assert!(
                scheme_problem(scheme, false).is_some_and(|m| m.contains("Choose a file")),
                "{scheme}"
            );
        }
    }

    #[test]
    fn statuses_are_explained() {
        assert_eq!(
            status_problem(404, "Not Found"),
            "The scenario file could not be downloaded: there is no file at this address (the site answered 404 Not Found)."
        );
        assert!(status_problem(403, "").contains("signing in"));
        assert!(status_problem(503, "Service Unavailable").contains("try again later"));
        assert!(status_problem(418, "").ends_with("(the site answered 418)."));
    }

    #[test]
    fn web_pages_and_binaries_are_not_scenarios() {
        assert!(
            content_problem("text/html; charset=utf-8").is_some_and(|m| m.contains("web page"))
        );
        assert!(content_problem("image/png").is_some_and(|m| m.contains("image/png")));
        assert!(content_problem("application/pdf").is_some());
        for ok in [
            "text/plain; charset=utf-8",
            "application/toml",
            "application/octet-stream",
            "",
        ] {
            assert_eq!(content_problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn file_names_come_from_the_path() {
        assert_eq!(
            file_name("/scenarios/escalation.toml", "example.org"),
            "escalation.toml"
        );
        assert_eq!(file_name("/a/b/", "example.org"), "b");
        assert_eq!(file_name("/", "example.org"), "example.org");
    }
}
