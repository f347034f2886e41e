//! Pages, one per route.

pub mod library;
pub mod not_found;
pub mod open;
pub mod play;
