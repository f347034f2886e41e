//! `frontline check` on several files compares them: one name as two people, or one
//! organisation spelled two ways, is a warning on the later file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios")
}

fn check(files: &[PathBuf]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_frontline"))
        .arg("check")
        .arg("--deny-warnings")
        .args(files)
        .output()
        .expect("frontline runs")
}

#[test]
fn the_bundled_library_shares_no_names() {
    let mut files: Vec<PathBuf> = fs::read_dir(scenarios())
        .expect("scenarios")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 8);
    let out = check(&files);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains(": 0 errors, 0 warnings"), "{err}");
}

#[test]
fn a_name_reused_as_someone_else_and_an_organisation_respelled_are_reported() {
    let dir = std::env::temp_dir().join(format!("frontline-library-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    let bad_day = dir.join("bad-day.toml");
    fs::copy(scenarios().join("bad-day.toml"), &bad_day).expect("copy");
    // Escalation's manager takes the name of bad-day's manager, and its travel agency the
    // first word of bad-day's.
    let src = fs::read_to_string(scenarios().join("escalation.toml")).expect("read");
    assert!(src.contains("Corinne Park") && src.contains("Sunward Trips"));
    let escalation = dir.join("escalation.toml");
    fs::write(
        &escalation,
        src.replace("Corinne Park", "Gregor Novak")
            .replace("Sunward", "Wayfarer"),
    )
    .expect("write");
    let out = check(&[bad_day, escalation.clone()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("warning: the name 'Gregor Novak' is also in the cast of"),
        "{err}"
    );
    assert!(
        err.contains("warning: 'Wayfarer Trips' looks like 'Wayfarer Holidays' in"),
        "{err}"
    );
    assert!(err.contains(": 0 errors, 2 warnings"), "{err}");
    // Each file alone is clean: the warnings come from comparing them.
    assert!(check(std::slice::from_ref(&escalation)).status.success());
    let _ = fs::remove_dir_all(&dir);
}
