//! Browser services, in one place: saved sessions, fresh seeds and focus. Nothing here panics:
//! every failure comes back as a value the UI can show as a notice.

pub mod clock;
pub mod fetch;
pub mod files;
pub mod page;
pub mod saves;
pub mod seed;
pub mod workshop;
