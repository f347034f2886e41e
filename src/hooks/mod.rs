//! Hooks shared by pages.

pub mod use_scenario;
