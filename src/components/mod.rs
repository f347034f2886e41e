//! Reusable UI pieces.

pub mod choices;
pub mod fetch_status;
pub mod idea_card;
pub mod line_chart;
pub mod meter;
pub mod notice;
pub mod profile_chart;
pub mod qr;
pub mod rich_text;
