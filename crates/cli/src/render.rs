//! Output formatting: diagnostics with a source excerpt, and the analysis table.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use frontline_engine::analysis::{Analysis, Method};
use frontline_engine::diag::{self, LineIndex};
use frontline_engine::{Diagnostic, Scenario, Severity};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const DIM: Style = AnsiColor::Blue.on_default().bold();

pub fn error_label() -> String {
    format!("{ERROR}error{ERROR:#}")
}

/// At most this many diagnostics are printed per file; the rest are counted. A file with
/// thousands of mistakes has one cause to fix first, and printing them all would flood the
/// terminal.
pub const MAX_SHOWN: usize = 50;

/// Characters of a source line quoted under a diagnostic: a window around the column, so a
/// file that is one long line (or uses CR alone for line breaks) is never printed whole.
const EXCERPT_CHARS: usize = 120;

/// Prints diagnostics to stderr the way compilers do: `file:line:col: error: message`, then
/// the line with a caret under the place. Colour only on a terminal (anstream strips it).
/// What the file says is escaped: control characters (such as ESC, which starts terminal
/// sequences) and bidirectional overrides are printed as `\u{..}`.
pub fn diagnostics(src: &str, diags: &[Diagnostic]) {
    let index = LineIndex::new(src);
    for d in diags.iter().take(MAX_SHOWN) {
        let (style, kind) = match d.severity {
            Severity::Error => (ERROR, "error"),
            Severity::Warning => (WARNING, "warning"),
        };
        anstream::eprintln!(
            "{}:{}:{}: {style}{kind}{style:#}: {}",
            escape(&d.file),
            d.line,
            d.col,
            escape(&d.message)
        );
        let line = index.line_text(d.line);
        if !line.is_empty() {
            let (excerpt, col) = diag::excerpt(line, d.col, EXCERPT_CHARS);
            let (shown, caret, width) = escape_marked(&excerpt, col, d.span.len().max(1));
            anstream::eprintln!("{DIM}{:>5} |{DIM:#} {shown}", d.line);
            anstream::eprintln!(
                "{DIM}      |{DIM:#} {}{style}{}{style:#}",
                " ".repeat(caret),
                "^".repeat(width)
            );
        }
    }
    if let Some(file) = diags.get(MAX_SHOWN).map(|d| &d.file) {
        let rest = &diags[MAX_SHOWN..];
        let errors = rest
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = rest.len() - errors;
        anstream::eprintln!(
            "{}: and {} more not shown ({} error{}, {} warning{}); fix the ones above first",
            escape(file),
            thousands(rest.len()),
            thousands(errors),
            if errors == 1 { "" } else { "s" },
            thousands(warnings),
            if warnings == 1 { "" } else { "s" },
        );
    }
}

/// `1834` as `1,834`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Whether a character must not reach a terminal as it is: control characters (ESC starts
/// colour, cursor and title sequences) and the invisible marks that reorder text (a
/// right-to-left override can make a line read differently from what it is).
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text from a file, safe to print.
pub fn escape(text: &str) -> String {
    text.chars().map(escape_char).collect()
}

fn escape_char(c: char) -> String {
    if c == '\t' {
        " ".into()
    } else if unsafe_char(c) {
        format!("\\u{{{:x}}}", u32::from(c))
    } else {
        c.to_string()
    }
}

/// An excerpt escaped for printing, with where the caret goes under it (in printed
/// characters) and how wide it is: `col` (1-based) and `width` are in characters of
/// `excerpt`.
fn escape_marked(excerpt: &str, col: usize, width: usize) -> (String, usize, usize) {
    let start = col.saturating_sub(1);
    let mut out = String::new();
    let (mut printed, mut caret, mut marked) = (0, None, 0);
    for (i, c) in excerpt.chars().enumerate() {
        if i == start {
            caret = Some(printed);
        }
        let piece = escape_char(c);
        let n = piece.chars().count();
        if i >= start && i < start + width {
            marked += n;
        }
        printed += n;
        out.push_str(&piece);
    }
    (out, caret.unwrap_or(printed), marked.max(1))
}

/// The analysis as a readable report.
pub fn analysis_table(scenario: &Scenario, a: &Analysis) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} (version {})",
        scenario.meta.title, scenario.meta.version
    );
    let _ = match &a.method {
        Method::Exhaustive { paths } => writeln!(out, "every path enumerated: {paths} paths"),
        Method::MonteCarlo { runs, seed } => {
            writeln!(out, "random play: {runs} playthroughs from seed {seed}")
        }
    };
    let _ = writeln!(out, "\nendings under random play");
    let w = a
        .endings
        .iter()
        .map(|e| e.id.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = writeln!(
        out,
        "  {:<w$}  {:<9}  {:>7}  title",
        "ending", "rating", "chance"
    );
    for e in &a.endings {
        let _ = writeln!(
            out,
            "  {:<w$}  {:<9}  {:>6.1}%  {}",
            e.id,
            e.rating.as_str(),
            e.probability * 100.0,
            e.title
        );
    }
    let _ = writeln!(out, "\nmeters at the end");
    let _ = writeln!(
        out,
        "  {:<14}  {:>4}  {:>6}  {:>4}",
        "meter", "min", "mean", "max"
    );
    for m in &a.meters {
        let _ = writeln!(
            out,
            "  {:<14}  {:>4}  {:>6.1}  {:>4}",
            m.id, m.min, m.mean, m.max
        );
    }
    let _ = writeln!(
        out,
        "\nscore: mean {:.1}, pass mark {}, passes {:.1}% of random play",
        a.mean_score,
        scenario.scoring.pass,
        a.pass_probability * 100.0
    );
    for (label, path) in [("best", &a.best), ("worst", &a.worst)] {
        if let Some(p) = path {
            let _ = writeln!(
                out,
                "\n{label} path: score {} -> {} ({})",
                p.score,
                p.ending,
                p.rating.as_str()
            );
            for (n, s) in p.steps.iter().enumerate() {
                let outcome = s
                    .outcome
                    .as_ref()
                    .map(|o| format!(" [{o}]"))
                    .unwrap_or_default();
                let _ = writeln!(out, "  {:>2}. {} -> {}{outcome}", n + 1, s.scene, s.choice);
            }
        }
    }
    if a.never_taken.is_empty() {
        let _ = writeln!(out, "\nevery choice is taken on some path");
    } else {
        let _ = writeln!(out, "\nchoices never taken: {}", a.never_taken.join(", "));
    }
    if a.unfinished > 0 {
        let _ = writeln!(out, "playthroughs cut off in a loop: {}", a.unfinished);
    }
    let endings: Vec<String> = a
        .greedy
        .endings
        .iter()
        .map(|(id, p)| format!("{id} {:.1}%", p * 100.0))
        .collect();
    let _ = writeln!(
        out,
        "\ngreedy player (always the best-looking immediate effects): {}",
        endings.join(", ")
    );
    let _ = writeln!(
        out,
        "greedy player reaches a best-rated ending: {}",
        if a.greedy.best_ending_probability > 0.0 {
            format!(
                "yes, {:.1}% of the time",
                a.greedy.best_ending_probability * 100.0
            )
        } else {
            "no".to_owned()
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_sequences_and_bidi_overrides_are_escaped() {
        assert_eq!(
            escape("a\u{1b}]0;owned\u{7}b\u{202e}c\rd"),
            "a\\u{1b}]0;owned\\u{7}b\\u{202e}c\\u{d}d"
        );
        // The caret stays under the marked character after escapes before it.
        let (shown, caret, width) = escape_marked("\u{1b}x = 1", 2, 1);
        assert_eq!(shown, "\\u{1b}x = 1");
        assert_eq!((caret, width), (6, 1));
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1834), "1,834");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
