//! Entry point of workshop mode (workshop.html), a module of its own so that the first play of
//! a scenario does not download it.

fn main() {
    frontline_web::start_workshop();
}
