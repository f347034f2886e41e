//! Golden tests for diagnostics: every `tests/broken/NAME.toml` is loaded and all of its
//! diagnostics, in their `file:line:col: severity: message` form, are compared with
//! `tests/broken/NAME.expected`.
//!
//! Run with `UPDATE_EXPECT=1` to write the `.expected` files from the current output, then
//! read the diff: every message is part of the author-facing interface.

use std::fs;
use std::path::{Path, PathBuf};

use frontline_engine::{Severity, load};

fn broken_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken")
}

/// The `.toml` files in `tests/broken`, sorted by name.
fn cases() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(broken_dir())
        .expect("tests/broken exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// Loads one case and renders its diagnostics, one per line. Also checks that the result is
/// an error exactly when some diagnostic is an error.
fn render(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("utf-8 name");
    let src = fs::read_to_string(path).expect("readable case");
    let diags = match load(&format!("broken/{name}"), &src) {
        Ok(loaded) => {
            assert!(
                loaded
                    .warnings
                    .iter()
                    .all(|d| d.severity == Severity::Warning),
                "{name}: loaded, yet reported an error"
            );
            loaded.warnings
        }
        Err(diags) => {
            assert!(
                diags.iter().any(|d| d.severity == Severity::Error),
                "{name}: failed to load without any error"
            );
            diags
        }
    };
    let mut out = String::new();
    for d in &diags {
        assert!(
            d.span.start <= d.span.end && d.span.end <= src.len(),
            "{name}: span {:?} outside the file",
            d.span
        );
        out.push_str(&d.to_string());
        out.push('\n');
    }
    out
}

#[test]
fn broken_files_report_exactly_the_expected_diagnostics() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let cases = cases();
    assert!(cases.len() >= 15, "only {} broken cases", cases.len());
    let mut failures = Vec::new();
    for path in &cases {
        let name = path
            .file_stem()
            .and_then(|n| n.to_str())
            .expect("utf-8 name");
        let actual = render(path);
        if actual.is_empty() {
            failures.push(format!(
                "{name}: no diagnostics at all; the case is not broken"
            ));
            continue;
        }
        let expected_path = path.with_extension("expected");
        if update {
            fs::write(&expected_path, &actual).expect("writable .expected file");
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{name}: diagnostics differ\n--- expected\n{expected}+++ actual\n{actual}"
            )),
            Err(_) => failures.push(format!(
                "{name}: {} is missing (run with UPDATE_EXPECT=1)",
                expected_path.display()
            )),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_expected_file_has_a_case() {
    for entry in fs::read_dir(broken_dir()).expect("tests/broken exists") {
        let path = entry.expect("readable directory entry").path();
        if path.extension().is_some_and(|e| e == "expected") {
            assert!(
                path.with_extension("toml").exists(),
                "{} has no .toml beside it",
                path.display()
            );
        }
    }
}

#[test]
fn every_message_follows_the_house_style() {
    for path in cases() {
        let src = fs::read_to_string(&path).expect("readable case");
        let diags = match load("case.toml", &src) {
            Ok(loaded) => loaded.warnings,
            Err(diags) => diags,
        };
        for d in diags {
            let first = d.message.chars().next().expect("non-empty message");
            assert!(
                !first.is_uppercase(),
                "{}: message starts upper-case: {}",
                path.display(),
                d.message
            );
            assert!(
                !d.message.ends_with('.'),
                "{}: message ends with a period: {}",
                path.display(),
                d.message
            );
            assert!(
                !d.message.contains('\n'),
                "multi-line message: {}",
                d.message
            );
        }
    }
}

/// Warnings are reported alongside errors, so fixing the errors does not uncover a second
/// round of surprises.
#[test]
fn warning_cases_load_and_error_cases_do_not() {
    for path in cases() {
        let name = path
            .file_stem()
            .and_then(|n| n.to_str())
            .expect("utf-8 name");
        let src = fs::read_to_string(&path).expect("readable case");
        let loaded = load(name, &src);
        assert_eq!(
            loaded.is_ok(),
            name.starts_with("warn-"),
            "{name}: only the warn-* cases should load"
        );
    }
}
