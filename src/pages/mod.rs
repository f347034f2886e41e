//! Pages, one per route.

pub mod debrief;
pub mod intro;
pub mod library;
pub mod not_found;
pub mod play;
pub mod shared;
