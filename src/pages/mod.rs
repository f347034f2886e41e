//! Pages, one per route.

pub mod library;
pub mod not_found;
pub mod play;
pub mod workshop;
