//! Browser services, in one place: saved sessions, fresh seeds, focus and learning platforms. Nothing here panics:
//! every failure comes back as a value the UI can show as a notice.

pub mod fetch;
pub mod lms;
pub mod page;
pub mod saves;
pub mod seed;
