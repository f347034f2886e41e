//! Reading a QR code with the device's camera: `getUserMedia` for the picture and the
//! browser's `BarcodeDetector` to read it, where the browser has one (Chrome and Edge on
//! Android, ChromeOS and macOS; not Firefox, not Safari on most versions). web-sys has no
//! binding for `BarcodeDetector`, so it is found and called through `js_sys::Reflect`.
//!
//! Nothing here panics; every failure is a sentence for the page.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Whether this browser can read QR codes from the camera.
pub fn can_scan() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let detector = Reflect::get(&window, &"BarcodeDetector".into())
        .ok()
        .is_some_and(|d| d.is_function());
    detector && window.navigator().media_devices().is_ok()
}

/// A running camera with a QR code detector.
pub struct Scanner {
    stream: web_sys::MediaStream,
    detector: JsValue,
}

impl Scanner {
    /// Asks for the camera (the back one on a phone), shows it in `video` and makes a QR
    /// code detector.
    pub async fn start(video: &web_sys::HtmlVideoElement) -> Result<Scanner, String> {
        let window = web_sys::window().ok_or("There is no browser window.")?;
        let ctor: Function = Reflect::get(&window, &"BarcodeDetector".into())
            .ok()
            .and_then(|c| c.dyn_into().ok())
            .ok_or("This browser cannot read QR codes.")?;
        let options = Object::new();
        let _ = Reflect::set(&options, &"formats".into(), &Array::of1(&"qr_code".into()));
        let detector = Reflect::construct(&ctor, &Array::of1(&options))
            .map_err(|_| "This browser cannot read QR codes.".to_owned())?;

        let devices = window
            .navigator()
            .media_devices()
            .map_err(|_| "This browser gives the page no camera.".to_owned())?;
        let video_wanted = Object::new();
        let _ = Reflect::set(&video_wanted, &"facingMode".into(), &"environment".into());
        let constraints = Object::new();
        let _ = Reflect::set(&constraints, &"video".into(), &video_wanted);
        let asked = devices
            .get_user_media_with_constraints(constraints.unchecked_ref())
            .map_err(|_| "The camera could not be opened.".to_owned())?;
        let stream: web_sys::MediaStream = JsFuture::from(asked)
            .await
            .map_err(|_| {
                "The camera was not allowed or is in use. Allow the camera for this page, or type the code."
                    .to_owned()
            })?
            .unchecked_into();
        video.set_src_object(Some(&stream));
        video.set_muted(true);
        let _ = video.set_attribute("playsinline", "");
        if let Ok(playing) = video.play() {
            let _ = JsFuture::from(playing).await;
        }
        Ok(Scanner { stream, detector })
    }

    /// The text of a QR code in the video's current picture, if there is one.
    pub async fn detect(&self, video: &web_sys::HtmlVideoElement) -> Option<String> {
        let detect: Function = Reflect::get(&self.detector, &"detect".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let found: Promise = detect.call1(&self.detector, video).ok()?.dyn_into().ok()?;
        let codes: Array = JsFuture::from(found).await.ok()?.dyn_into().ok()?;
        codes
            .iter()
            .find_map(|code| Reflect::get(&code, &"rawValue".into()).ok()?.as_string())
    }

    /// Turns the camera off.
    pub fn stop(&self) {
        for track in self.stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
    }
}

impl Drop for Scanner {
    fn drop(&mut self) {
        self.stop();
    }
}
