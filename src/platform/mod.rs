//! Browser services, in one place: saved sessions, fresh seeds, focus and learning platforms. Nothing here panics:
//! every failure comes back as a value the UI can show as a notice.

pub mod clock;
pub mod fetch;
pub mod files;
pub mod ideas;
pub mod lms;
pub mod loader;
pub mod opened;
pub mod page;
pub mod remote;
pub mod results;
pub mod saves;
pub mod seed;
pub mod settings;
pub mod share;
pub mod storage;
pub mod what_ifs;
pub mod workshop;
