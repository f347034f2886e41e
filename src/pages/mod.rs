//! Pages, one per route.

pub mod debrief;
pub mod intro;
pub mod library;
pub mod not_found;
pub mod open;
pub mod play;
pub mod room;
pub mod shared;
pub mod workshop;
