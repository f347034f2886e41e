//! A QR code drawn as SVG from the `qrcodegen` crate's modules, so a phone can read a team's
//! result code off the screen. Dark modules on a light square in every colour scheme: scanners
//! expect dark on light.

use qrcodegen::{QrCode, QrCodeEcc};
use yew::prelude::*;

/// Props for [`QrImage`].
#[derive(Properties, PartialEq)]
pub struct QrImageProps {
    /// The text to encode.
    pub text: AttrValue,
    /// What the image is, for screen readers.
    pub label: AttrValue,
}

/// The QR code for `text`, or nothing if the text is too long for a QR code.
#[function_component(QrImage)]
pub fn qr_image(props: &QrImageProps) -> Html {
    let Ok(qr) = QrCode::encode_text(&props.text, QrCodeEcc::Medium) else {
        return html! {};
    };
    let size = qr.size();
    let mut d = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                d.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let full = size + 8;
    html! {
        <svg class="qr" viewBox={format!("0 0 {full} {full}")} role="img" aria-label={props.label.clone()}
            shape-rendering="crispEdges">
            <rect class="qr-light" width={full.to_string()} height={full.to_string()} />
            <path class="qr-dark" d={d} />
        </svg>
    }
}
