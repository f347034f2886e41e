//! Describes the bundled scenarios to the app at build time.
//!
//! Every file in `scenarios/` is loaded and validated here, natively, by the engine; a
//! scenario with errors stops the build with its diagnostics. The app gets a short summary of
//! each (for the library). The scenarios themselves are compiled into `scenarios/ID.flc` in
//! the web bundle by `frontline compile` (a Trunk hook) and fetched only when played, so the
//! first visit downloads none of their text.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from(
        "/// Summaries of the bundled scenarios, in file-name order.\npub const BUNDLED: &[Summary] = &[\n",
    );
    let mut failed = Vec::new();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let src = fs::read_to_string(path).expect("scenario files are readable UTF-8");
        match frontline_engine::load(&format!("scenarios/{name}"), &src) {
            Ok(loaded) => {
                let s = &loaded.scenario;
                let _ = writeln!(
                    out,
                    "    Summary {{ id: {:?}, title: {:?}, summary: {:?}, minutes: {}, version: {}, tags: &{:?} }},",
                    s.meta.id,
                    s.meta.title,
                    s.meta.summary,
                    s.meta.minutes,
                    s.meta.version,
                    s.tags()
                );
            }
            Err(diags) => failed.extend(diags.iter().map(ToString::to_string)),
        }
    }
    if !failed.is_empty() {
        panic!("bundled scenarios have errors:\n{}", failed.join("\n"));
    }
    out.push_str("];\n");
    fs::write(Path::new(&out_dir).join("bundled.rs"), out).expect("OUT_DIR is writable");
}
