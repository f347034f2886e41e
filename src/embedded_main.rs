//! Entry point of the embedded module (`embedded/` in the bundle): the same app built with the
//! `lms` feature, which boot.js loads when a learning platform or a host page may have
//! launched the page, so that the first play of a plain visit does not download the LMS code.

fn main() {
    frontline_web::start();
}
