//! Opens a scenario file in the browser: bytes in, compiled scenario bytes (or every problem,
//! with its line and column) out.
//!
//! The TOML parser, the schema check and the validator are big, and a player who only plays
//! the bundled scenarios never needs them. So they live in this crate, built by Trunk as a
//! separate WebAssembly file that `assets/open-worker.js` runs in a Web Worker when someone
//! opens a file. The app never links the loader: it gets back the same compiled bytes
//! (`frontline_engine::compiled`) it already reads for bundled scenarios.
//!
//! [`open`] is plain Rust (tested natively); [`wasm::open_scenario`] turns its result into a
//! JavaScript object for the worker to post back.

use frontline_engine::diag::{self, Diagnostic, LineIndex};
use frontline_engine::{Severity, compiled, load};

/// The largest file the loader reads. Hand-written scenarios are tens of kilobytes; a file
/// this big is almost certainly something else, and parsing it would only freeze the worker.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// How much of a source line a report quotes: a window around the column.
const EXCERPT_CHARS: usize = 160;

/// The most reports sent back for one file; the rest are only counted. The page lists what
/// it gets, and a list of tens of thousands would block it for seconds.
pub const MAX_REPORTS: usize = 300;

/// One problem (or warning) to show, positioned for the author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Error or warning.
    pub severity: Severity,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// What is wrong, lower-case without a trailing period (the engine's style).
    pub message: String,
    /// Part of the source line the report points at, at most [`EXCERPT_CHARS`] characters
    /// around the column (with an ellipsis where it was cut), without its line break ("" if
    /// none).
    pub excerpt: String,
    /// The column's place in `excerpt` (1-based, in characters).
    pub mark: usize,
}

/// What opening a file came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The scenario is valid: its compiled bytes, and any warnings.
    Compiled {
        /// `frontline_engine::compiled` bytes.
        bytes: Vec<u8>,
        /// The first [`MAX_REPORTS`] warnings (the scenario plays, but something is probably
        /// a mistake).
        warnings: Vec<Report>,
        /// How many warnings there are in all.
        warning_count: usize,
    },
    /// The scenario cannot be played.
    Rejected {
        /// The first [`MAX_REPORTS`] problems, in file order.
        reports: Vec<Report>,
        /// How many errors there are in all.
        errors: usize,
        /// How many warnings there are in all.
        warnings: usize,
    },
}

/// Checks and compiles a scenario file. `file` is the name shown in messages.
pub fn open(file: &str, bytes: &[u8]) -> Outcome {
    if bytes.len() > MAX_BYTES {
        return rejected(
            "",
            &[Diagnostic {
                severity: Severity::Error,
                file: file.to_owned(),
                line: 1,
                col: 1,
                span: 0..0,
                message: format!(
                    "the file is {} KB, more than the {} KB a scenario file may have",
                    bytes.len().div_ceil(1024),
                    MAX_BYTES / 1024
                ),
            }],
        );
    }
    let src = match load::source_text(file, bytes) {
        Ok(src) => src,
        Err(diag) => {
            // Everything before the bad byte is text, so its line can be quoted.
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            let valid = match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
            };
            return rejected(valid, &[diag]);
        }
    };
    match load(file, src) {
        Ok(loaded) => Outcome::Compiled {
            bytes: compiled::compile(&loaded.scenario),
            warnings: reports(src, &loaded.warnings),
            warning_count: loaded.warnings.len(),
        },
        Err(diagnostics) => rejected(src, &diagnostics),
    }
}

fn rejected(src: &str, diagnostics: &[Diagnostic]) -> Outcome {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    Outcome::Rejected {
        reports: reports(src, diagnostics),
        errors,
        warnings: diagnostics.len() - errors,
    }
}

/// The first [`MAX_REPORTS`] diagnostics as reports, quoting `src` through one line index.
fn reports(src: &str, diagnostics: &[Diagnostic]) -> Vec<Report> {
    let index = LineIndex::new(src);
    diagnostics
        .iter()
        .take(MAX_REPORTS)
        .map(|d| {
            let (excerpt, mark) = diag::excerpt(index.line_text(d.line), d.col, EXCERPT_CHARS);
            Report {
                severity: d.severity,
                line: d.line,
                col: d.col,
                message: d.message.clone(),
                excerpt,
                mark,
            }
        })
        .collect()
}

/// The worker's entry point.
#[cfg(target_arch = "wasm32")]
pub mod wasm {
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use wasm_bindgen::prelude::*;

    use super::{Outcome, Report, open};
    use frontline_engine::Severity;

    fn set(obj: &Object, key: &str, value: &JsValue) {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(obj, &JsValue::from_str(key), value);
    }

    fn reports(list: &[Report]) -> Array {
        list.iter()
            .map(|r| {
                let obj = Object::new();
                let severity = match r.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                set(&obj, "severity", &JsValue::from_str(severity));
                set(&obj, "line", &JsValue::from_f64(r.line as f64));
                set(&obj, "col", &JsValue::from_f64(r.col as f64));
                set(&obj, "message", &JsValue::from_str(&r.message));
                set(&obj, "excerpt", &JsValue::from_str(&r.excerpt));
                set(&obj, "mark", &JsValue::from_f64(r.mark as f64));
                JsValue::from(obj)
            })
            .collect()
    }

    /// Checks and compiles a scenario file. Returns `{ compiled: Uint8Array, warnings: [...],
    /// warningCount }` or `{ diagnostics: [...], errorCount, warningCount }`, each report
    /// `{ severity, line, col, message, excerpt, mark }`; the lists hold at most
    /// [`super::MAX_REPORTS`] reports, the counts count all.
    #[wasm_bindgen]
    pub fn open_scenario(file: &str, bytes: &[u8]) -> JsValue {
        let obj = Object::new();
        let count = |n: usize| JsValue::from_f64(n as f64);
        match open(file, bytes) {
            Outcome::Compiled {
                bytes,
                warnings,
                warning_count,
            } => {
                set(&obj, "compiled", &Uint8Array::from(bytes.as_slice()));
                set(&obj, "warnings", &reports(&warnings));
                set(&obj, "warningCount", &count(warning_count));
            }
            Outcome::Rejected {
                reports: list,
                errors,
                warnings,
            } => {
                set(&obj, "diagnostics", &reports(&list));
                set(&obj, "errorCount", &count(errors));
                set(&obj, "warningCount", &count(warnings));
            }
        }
        obj.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = include_str!("../../../scenarios/stretch-target.toml");

    fn rejected(outcome: Outcome) -> Vec<Report> {
        match outcome {
            Outcome::Rejected { reports, .. } => reports,
            Outcome::Compiled { .. } => panic!("expected the file to be rejected"),
        }
    }

    #[test]
    fn a_bundled_scenario_compiles_to_what_the_app_reads() {
        let Outcome::Compiled {
            bytes, warnings, ..
        } = open("stretch-target.toml", GOOD.as_bytes())
        else {
            panic!("the bundled scenario is valid");
        };
        assert!(warnings.is_empty());
        let scenario = compiled::read(&bytes).expect("compiled bytes read back");
        assert_eq!(scenario.meta.id, "stretch-target");
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), GOOD.as_bytes()].concat();
        assert!(matches!(
            open("bom.toml", &with_bom),
            Outcome::Compiled { .. }
        ));
    }

    #[test]
    fn every_problem_is_reported_with_its_line_and_excerpt() {
        // Two unknown fields in two places: both must be reported, in file order.
        let src = GOOD
            .replacen("title = ", "titel = \"x\"\ntitle = ", 1)
            .replacen("[[credits]]", "[[credits]]\nautor = \"x\"", 1);
        let list = rejected(open("broken.toml", src.as_bytes()));
        assert!(list.len() >= 2, "{list:?}");
        assert!(list.iter().all(|r| r.severity == Severity::Error));
        assert!(list.windows(2).all(|w| w[0].line <= w[1].line));
        let titel = list
            .iter()
            .find(|r| r.message.contains("titel"))
            .expect("the misspelt field is named");
        assert_eq!(titel.excerpt, "titel = \"x\"");
        assert_eq!(titel.col, 1);
        let line_of = |needle: &str| src.lines().position(|l| l.contains(needle)).unwrap() + 1;
        assert_eq!(titel.line, line_of("titel"));
        assert!(list.iter().any(|r| r.line == line_of("autor")));
    }

    #[test]
    fn text_that_is_not_utf8_is_located() {
        let list = rejected(open("latin1.toml", b"title = \"ok\"\nname = \"caf\xE9\"\n"));
        assert_eq!(list.len(), 1);
        assert_eq!((list[0].line, list[0].col), (2, 12));
        assert!(list[0].message.contains("not UTF-8"));
    }

    #[test]
    fn binary_files_are_named_as_such() {
        let list = rejected(open("image.gif", b"GIF89a\x01\0\x01\0"));
        assert_eq!(list.len(), 1);
        assert!(list[0].message.contains("binary"), "{list:?}");
    }

    #[test]
    fn oversized_files_are_refused_before_parsing() {
        let big = vec![b'#'; MAX_BYTES + 1];
        let list = rejected(open("big.toml", &big));
        assert!(list[0].message.contains("more than"), "{list:?}");
    }

    #[test]
    fn long_lines_are_shortened_in_excerpts() {
        let src = format!("title = \"{}\n", "x".repeat(400));
        let list = rejected(open("long.toml", src.as_bytes()));
        assert!(list[0].excerpt.chars().count() <= EXCERPT_CHARS + 1);
        assert!(list[0].excerpt.contains('\u{2026}'));
    }

    #[test]
    fn a_column_far_along_a_long_line_is_inside_its_excerpt() {
        let src = format!("title = \"{}\" x\n", "y".repeat(5_000));
        let list = rejected(open("long.toml", src.as_bytes()));
        let r = &list[0];
        assert!(r.col > 5_000, "{r:?}");
        assert!(r.excerpt.chars().count() <= EXCERPT_CHARS + 2);
        assert!(r.excerpt.starts_with('\u{2026}'));
        assert_eq!(r.excerpt.chars().nth(r.mark - 1), Some('x'), "{r:?}");
    }

    #[test]
    fn only_the_first_reports_are_sent_but_all_are_counted() {
        let mut src = String::from(GOOD);
        for i in 0..1_000 {
            src.push_str(&format!(
                "\n[[scenes]]\nid = \"bad id {i}\"\ntext = \"t\"\n"
            ));
        }
        let Outcome::Rejected {
            reports, errors, ..
        } = open("many.toml", src.as_bytes())
        else {
            panic!("rejected");
        };
        assert_eq!(reports.len(), MAX_REPORTS);
        assert!(errors >= 2_000, "{errors}");
    }
}
