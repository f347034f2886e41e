//! Entry point of the browser app: everything lives in the library crate so that components
//! can be tested in the browser with wasm-bindgen-test.

fn main() {
    frontline_web::start();
}
