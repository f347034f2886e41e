//! Entry point of a live room's participant pages (room.html), a module of its own so that a
//! phone joining a room downloads only what a participant needs.

fn main() {
    frontline_web::start_room();
}
