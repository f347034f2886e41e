//! Frontline's scenario engine: the format, the loader and validator, the deterministic
//! simulation, session codes and analysis.
//!
//! This crate does no I/O and knows nothing of browsers or LMSs: it takes scenario text and
//! choices, and returns scenarios, diagnostics, events and reports. It builds for
//! `wasm32-unknown-unknown` as well as natively.
//!
//! ```
//! use std::sync::Arc;
//! use frontline_engine::{load, Session};
//!
//! let src = include_str!("../../../scenarios/stretch-target.toml");
//! let loaded = load("stretch-target.toml", src).expect("the bundled scenario loads");
//! let mut session = Session::new(Arc::new(loaded.scenario), 7);
//! let first = session.available_choices().next().map(|(i, _)| i).unwrap();
//! let events = session.choose_index(first).unwrap();
//! assert!(!events.is_empty());
//! ```

pub mod analysis;
pub mod code;
pub mod compiled;
pub mod condition;
pub mod debrief;
pub mod diag;
pub mod format;
pub mod library;
pub mod limits;
pub mod load;
pub mod markdown;
pub mod principles;
pub mod scenario;
pub mod session;
mod tree;
pub mod workshop;

pub use diag::{Diagnostic, Severity};
pub use load::{Loaded, load};
pub use scenario::Scenario;
pub use session::{ChooseError, Event, Session};
