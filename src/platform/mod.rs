//! Browser services, in one place: saved sessions, fresh seeds, focus and learning platforms. Nothing here panics:
//! every failure comes back as a value the UI can show as a notice.

pub mod camera;
pub mod clock;
pub mod fetch;
pub mod files;
pub mod ideas;
/// Learning platforms and host pages, only in the module that boot.js loads for embedded
/// launches (the `lms` feature; see `no_lms.rs` for the first-play build's stand-in).
#[cfg(feature = "lms")]
pub mod lms;
#[cfg(not(feature = "lms"))]
#[path = "no_lms.rs"]
pub mod lms;
pub mod loader;
pub mod opened;
pub mod page;
pub mod remote;
pub mod results;
pub mod rooms;
pub mod saves;
pub mod seed;
pub mod settings;
pub mod share;
pub mod storage;
pub mod what_ifs;
pub mod workshop;
