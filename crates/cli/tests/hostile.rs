//! `frontline check` on hostile files (issue 14): its output stays short and safe for a
//! terminal whatever the file holds, and no file crashes it. Files are generated here.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

const HEAD: &str = "[scenario]\nid = \"hostile\"\ntitle = \"Hostile\"\nsummary = \"S\"\nrole = \"R\"\nteam = \"T\"\nminutes = 2\nlanguage = \"en\"\nversion = 1\nauthors = [\"tests\"]\n\n[meters.morale]\nlabel = \"M\"\nstart = 50\n\n[meters.satisfaction]\nlabel = \"S\"\nstart = 50\n";

/// Writes `bytes` to `hostile.toml`, named after the scenario id in [`HEAD`], in a folder of
/// its own per test (`name`), and runs `frontline check` on it. The file name matching the id
/// keeps the checker's file-name warning out of the reports under test.
fn check(name: &str, bytes: &[u8]) -> Output {
    let dir = std::env::temp_dir()
        .join(format!("frontline-hostile-{}", std::process::id()))
        .join(name);
    fs::create_dir_all(&dir).expect("temp dir");
    let file = "hostile.toml";
    let path: PathBuf = dir.join(file);
    fs::write(&path, bytes).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_frontline"))
        .arg("check")
        .arg(&path)
        .current_dir(&dir)
        .output()
        .expect("frontline runs");
    let _ = fs::remove_file(&path);
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn two_thousand_bad_ids_on_one_long_line_print_a_short_report() {
    // Top-level keys come before the first table header.
    let mut src = "scenes = [".to_owned();
    for i in 0..2_000 {
        let _ = write!(
            src,
            "{{ id = \"bad id {i}\", text = \"t\", ending = {{ title = \"t\", rating = \"solid\", debrief = \"d\" }} }}, "
        );
    }
    src.push_str("]\n");
    src.push_str(HEAD);
    assert!(src.len() > 140_000);
    let out = check("long-line.toml", src.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.len() < 40_000, "{} bytes of output", text.len());
    assert!(
        text.contains("error: scene id 'bad id 0' must be non-empty"),
        "{text}"
    );
    assert!(
        text.contains(
            "and 1,950 more not shown (1,950 errors, 0 warnings); fix the ones above first"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("checked 1 file: 2000 errors, 0 warnings\n"),
        "{text}"
    );
}

#[test]
fn a_file_with_cr_line_endings_prints_a_short_report() {
    let src = format!("{HEAD}{}", "[[scenes]]\rid = \"x\"\r".repeat(2_500)).replace('\n', "\r");
    assert!(src.len() > 50_000);
    let out = check("cr.toml", src.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.len() < 30_000, "{} bytes of output", text.len());
}

#[test]
fn terminal_sequences_and_bidi_overrides_in_a_file_are_escaped() {
    let src = format!(
        "{HEAD}\n[[scenes]]\nid = \"\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}evil\"\ntext = \"t\"\n"
    );
    let out = check("escape.toml", src.as_bytes());
    let text = stderr(&out);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(!text.contains('\u{7}'), "{text:?}");
    assert!(!text.contains('\u{202e}'), "{text:?}");
    assert!(
        text.contains("\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\u{202e}evil"),
        "{text}"
    );
}

#[test]
fn a_file_that_is_not_utf8_is_located() {
    let out = check("latin1.toml", b"title = \"ok\"\nname = \"caf\xE9\"\n");
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(
        text.contains("hostile.toml:2:12: error: the file is not UTF-8 text"),
        "{text}"
    );
}

#[test]
fn a_condition_nested_ten_thousand_deep_is_an_error_not_a_crash() {
    for cond in [
        format!("{}morale > 1", "(".repeat(10_000)),
        format!("{}x", "not ".repeat(10_000)),
        "(".repeat(10_000),
    ] {
        let src = format!(
            "{HEAD}\n[[scenes]]\nid = \"s\"\ntext = \"t\"\n\n[[scenes.choices]]\nid = \"a\"\ntext = \"A\"\nwhen = \"{cond}\"\ngoto = \"e\"\n\n[[scenes]]\nid = \"e\"\ntext = \"t\"\nending = {{ title = \"t\", rating = \"solid\", debrief = \"d\" }}\n"
        );
        let out = check("deep.toml", src.as_bytes());
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let text = stderr(&out);
        assert!(text.contains("more than the 1000 allowed"), "{text}");
        assert!(text.len() < 2_000, "{text}");
    }
}
