//! Output formatting: diagnostics with a source excerpt, and the analysis table.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use frontline_engine::analysis::{Analysis, Basis, Gate, Method};
use frontline_engine::diag::{self, LineIndex, thousands};
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
            let (shown, caret, width) = escape_marked(&excerpt, col, marker_width(src, d));
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

/// How many characters the problem spans, for the `^` under it: one per character (not per
/// byte: '≥' and curly quotes take three), at least one. The excerpt stops them at the end
/// of what it shows.
fn marker_width(src: &str, d: &Diagnostic) -> usize {
    src.get(d.span.clone())
        .map_or(d.span.len(), |s| s.chars().count())
        .max(1)
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
    let basis = match &a.method {
        Method::Exhaustive { .. } => "every path",
        Method::MonteCarlo { .. } => "the sampled playthroughs",
    };
    let _ = writeln!(
        out,
        "\nendings under random play (each available choice equally likely, chance by weight)"
    );
    let w = a
        .endings
        .iter()
        .map(|e| e.id.len())
        .max()
        .unwrap_or(6)
        .max(9);
    let _ = writeln!(
        out,
        "  {:<w$}  {:<9}  {:>7}  {:>18}  title",
        "ending", "rating", "chance", "score min-mean-max"
    );
    for e in &a.endings {
        let _ = writeln!(
            out,
            "  {:<w$}  {:<9}  {:>6.1}%  {:>18}  {}",
            e.id,
            e.rating.as_str(),
            e.probability * 100.0,
            score_range(e.score.as_ref()),
            e.title
        );
    }
    let _ = writeln!(out, "\nby rating (score min-mean-max under random play)");
    for r in &a.ratings {
        let _ = writeln!(
            out,
            "  {:<9}  {:>6.1}%  {:>15}",
            r.rating.as_str(),
            r.probability * 100.0,
            score_range(r.score.as_ref()),
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
        "\nscore: mean {:.1}; passes {:.1}% of random play (pass: {} or better, a score of {} or more)",
        a.mean_score,
        a.pass_probability * 100.0,
        a.pass_rating.as_str(),
        a.pass_mark,
    );
    let lb = &a.length_bias;
    let _ = writeln!(
        out,
        "\nlength bias: the longest choice is the best-scoring one in {} of {} decision scenes ({:.0}%)",
        lb.biased.len(),
        lb.decision_scenes,
        lb.share * 100.0
    );
    let _ = writeln!(
        out,
        "  (decision scene: random play takes 2+ of its choices; best-scoring: the highest mean\n   \
         final score over {basis} taking it; longest: the most characters, a tie is none)"
    );
    for d in lb.scenes.iter().filter(|d| d.biased()) {
        let c = d
            .choices
            .iter()
            .find(|c| Some(&c.choice) == d.longest.as_ref());
        if let Some(c) = c {
            let _ = writeln!(
                out,
                "  {}: '{}' ({} characters, mean score {:.1})",
                d.scene, c.choice, c.chars, c.mean_score
            );
        }
    }
    let basis = match (a.paths_basis, a.states) {
        (Basis::Exact, Some(n)) => format!("exact, over all {n} reachable states"),
        (Basis::Exact, None) => "exact, over every path".to_owned(),
        (Basis::Sampled, _) => "sampled: too many states to search them all".to_owned(),
    };
    for (label, path) in [("best", &a.best), ("worst", &a.worst)] {
        if let Some(p) = path {
            let _ = writeln!(
                out,
                "\n{label} path ({basis}; rating first, then score): score {} -> {} ({})",
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
    gates(&mut out, a);
    arrivals(&mut out, a);
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
    quoted_figures(&mut out, a);
    out
}

/// Figures the texts quote for a meter, and whether the meter can be far from them.
fn quoted_figures(out: &mut String, a: &Analysis) {
    let Some(figures) = &a.quoted_figures else {
        let _ = writeln!(
            out,
            "
figures quoted for a meter: not checked (too many states to know each meter's range)"
        );
        return;
    };
    let far = figures.iter().filter(|f| f.far).count();
    let _ = writeln!(
        out,
        "
figures quoted for a meter in scene texts: {} ({far} more than {} points from the meter there)",
        figures.len(),
        frontline_engine::analysis::FIGURE_TOLERANCE
    );
    for f in figures {
        let text = match f.variant {
            Some(v) => format!("variant {} of scene '{}'", v + 1, f.scene),
            None => format!("scene '{}'", f.scene),
        };
        let _ = writeln!(
            out,
            "  {}{text}: {}% for '{}', which is {}-{} there: \"{}\"",
            if f.far { "FAR: " } else { "" },
            f.figure,
            f.meter,
            f.min,
            f.max,
            f.sentence
        );
    }
}

/// `min-mean-max`, or a dash for nothing reached.
fn score_range(r: Option<&frontline_engine::analysis::ScoreRange>) -> String {
    match r {
        Some(r) => format!("{}-{:.0}-{}", r.min, r.mean, r.max),
        None => "-".to_owned(),
    }
}

/// Where a gate is: `odds of outcome 'x' in choice 'y' of scene 'z'` or `choice 'y' of scene 'z'`.
fn gate_place(g: &Gate) -> String {
    let choices = g
        .choices
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let plural = if g.choices.len() > 1 { "s" } else { "" };
    match &g.outcome {
        Some(o) => format!(
            "odds of outcome '{o}' in choice{plural} {choices} of scene '{}'",
            g.scene
        ),
        None => format!("when of choice {choices} of scene '{}'", g.scene),
    }
}

/// Per ending, the gates on the ways into it.
fn gates(out: &mut String, a: &Analysis) {
    let over = match a.gates_basis {
        Basis::Exact => "every path",
        Basis::Sampled => "the sampled playthroughs",
    };
    let _ = writeln!(
        out,
        "\ngates: what must hold on the ways into each ending, over {over}\n  \
         (a gate is a choice's `when`, or the odds that can make a chance outcome impossible;\n   \
         an attempt is random play reaching where it is evaluated: the scene for a `when`, the\n   \
         choice for odds; \"via\" is the share of the ending's playthroughs that pass it)"
    );
    for e in &a.ending_gates {
        let reached = if e.probability > 0.0 {
            format!(
                "is reached in {:.1}% of playthroughs",
                e.probability * 100.0
            )
        } else {
            "is never reached".to_owned()
        };
        let none = if e.gates.is_empty() {
            if e.probability > 0.0 {
                "; no gate on the ways into it"
            } else {
                "; no gate leads straight to it"
            }
        } else if e.probability > 0.0 {
            ""
        } else {
            "; the gates that lead straight to it:"
        };
        let _ = writeln!(
            out,
            "  {} ({}) {reached}{none}",
            e.ending,
            e.rating.as_str()
        );
        for u in &e.gates {
            let g = &a.gates[u.gate];
            let attempts = if g.attempts > 0.0 {
                format!(
                    "fails in {:.1}% of the attempts ({:.2} per playthrough)",
                    g.fails * 100.0,
                    g.attempts
                )
            } else {
                "is never attempted".to_owned()
            };
            let via = if e.probability > 0.0 {
                format!("; via {:.0}%", u.via * 100.0)
            } else {
                String::new()
            };
            wrap(
                out,
                &format!("    '{}' ({}) {attempts}{via}", g.condition, gate_place(g)),
            );
        }
    }
}

/// Per ending, the flags on arrival and the texts that can show.
fn arrivals(out: &mut String, a: &Analysis) {
    let over = match (a.paths_basis, a.states) {
        (Basis::Exact, Some(_)) => "every reachable arrival state",
        (Basis::Exact, None) => "every path's arrival",
        (Basis::Sampled, _) => "the sampled playthroughs' arrivals",
    };
    let _ = writeln!(out, "\nflags on arrival at each ending, over {over}");
    let quoted = |v: &[String]| {
        v.iter()
            .map(|f| format!("'{f}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for r in &a.arrivals {
        let mut parts = Vec::new();
        if !r.varying.is_empty() {
            parts.push(format!("{} may be raised or lowered", quoted(&r.varying)));
        }
        if !r.always.is_empty() {
            parts.push(format!("{} always raised", quoted(&r.always)));
        }
        if parts.is_empty() {
            parts.push("no flag is raised".to_owned());
        }
        let states = match (a.paths_basis, a.states) {
            (Basis::Exact, Some(_)) => format!("{} arrival states", r.states),
            _ => format!("{} arrivals", r.states),
        };
        wrap(
            out,
            &format!(
                "  {} ({states}): on arrival, {}",
                r.ending,
                parts.join("; ")
            ),
        );
        // Worth saying only where the author already writes variants.
        if !r.unnamed.is_empty() && !r.variants_shown.is_empty() {
            wrap(
                out,
                &format!("    no text variant names {}", quoted(&r.unnamed)),
            );
        }
        let never: Vec<String> = r
            .variants_shown
            .iter()
            .enumerate()
            .filter(|(_, shown)| !**shown)
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if !never.is_empty() {
            let _ = writeln!(out, "    variant {} never shows", never.join(", "));
        }
        if !r.text_shown && !r.variants_shown.is_empty() {
            let _ = writeln!(
                out,
                "    the scene's own text never shows (a variant always holds)"
            );
        }
    }
}

/// Writes a line, wrapped at spaces to 100 columns; continuation lines are indented by the
/// line's own indent plus two spaces.
fn wrap(out: &mut String, line: &str) {
    const WIDTH: usize = 100;
    let indent = line.len() - line.trim_start().len() + 2;
    let mut current = String::new();
    for word in line.trim_start().split(' ') {
        let start = if current.is_empty() {
            line.len() - line.trim_start().len()
        } else {
            0
        };
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > WIDTH {
            let _ = writeln!(out, "{current}");
            current = " ".repeat(indent);
        } else if !current.is_empty() {
            current.push(' ');
        } else {
            current = " ".repeat(start);
        }
        current.push_str(word);
    }
    let _ = writeln!(out, "{current}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_count_characters_not_bytes() {
        let src = "when = \"morale ≥ 40\"\n";
        let at = src.find('≥').expect("in the source");
        let d = Diagnostic {
            severity: Severity::Error,
            file: "t.toml".into(),
            line: 1,
            col: 16,
            span: at..at + '≥'.len_utf8(),
            message: "'≥' should be written '>='".into(),
        };
        assert_eq!(marker_width(src, &d), 1);
        // An empty span still gets one marker.
        let empty = Diagnostic {
            span: at..at,
            ..d.clone()
        };
        assert_eq!(marker_width(src, &empty), 1);
        // Under the excerpt, the one character takes one marker.
        let line = LineIndex::new(src).line_text(1);
        let (excerpt, col) = diag::excerpt(line, d.col, EXCERPT_CHARS);
        let (_, _, width) = escape_marked(&excerpt, col, marker_width(src, &d));
        assert_eq!(width, 1);
    }

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
}
