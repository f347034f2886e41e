//! Reusable UI pieces.

pub mod choices;
pub mod meter;
pub mod notice;
pub mod qr;
pub mod rich_text;
