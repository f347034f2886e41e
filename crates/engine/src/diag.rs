//! Diagnostics: problems found in a scenario file, each with a position an author can jump to.
//!
//! Positions are kept as byte ranges into the source and turned into 1-based line and column
//! numbers (counted in characters) when the diagnostic is made, so a diagnostic can be shown
//! without the source at hand. Messages are lower-case without a trailing period, in the manner
//! of rustc and ripgrep.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The scenario cannot be played.
    Error,
    /// The scenario plays, but something is probably a mistake.
    Warning,
}

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file name as given to the loader.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// Byte range in the source the diagnostic points at.
    pub span: Range<usize>,
    /// What is wrong, in words an author understands.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: error: message`, the form editors and terminals link to.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.col, kind, self.message
        )
    }
}

/// Bytes per block of [`LineIndex`]'s character counts.
const BLOCK: usize = 1024;

/// Maps byte offsets to line and column numbers.
///
/// Building it is linear in the source, and each lookup costs a binary search plus at most two
/// blocks of [`BLOCK`] bytes, however long the line: a file that is one long line with many
/// diagnostics on it costs no more per diagnostic than any other.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    src: &'a str,
    line_starts: Vec<usize>,
    /// Characters in `src[..k * BLOCK]` (counted in bytes that start a character, so the
    /// block edges need not be character boundaries).
    block_chars: Vec<usize>,
}

/// Whether a byte starts a UTF-8 character.
fn starts_char(b: &u8) -> bool {
    (*b as i8) >= -0x40
}

impl<'a> LineIndex<'a> {
    /// Indexes `src`.
    pub fn new(src: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        let mut block_chars = Vec::with_capacity(src.len() / BLOCK + 1);
        let mut n = 0;
        block_chars.push(0);
        for block in src.as_bytes().chunks(BLOCK) {
            n += block.iter().filter(|b| starts_char(b)).count();
            block_chars.push(n);
        }
        LineIndex {
            src,
            line_starts,
            block_chars,
        }
    }

    /// Characters in `src[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let k = offset / BLOCK;
        self.block_chars[k]
            + self.src.as_bytes()[k * BLOCK..offset]
                .iter()
                .filter(|b| starts_char(b))
                .count()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self.chars_before(offset) - self.chars_before(start);
        (line + 1, col + 1)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map_or(self.src.len(), |&next| next);
        self.src
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

/// Collects diagnostics for one file.
#[derive(Debug)]
pub(crate) struct Sink<'a> {
    file: String,
    src: &'a str,
    /// Built with the first diagnostic: indexing a large file costs more than a clean load
    /// spends on anything else of its kind.
    index: std::cell::OnceCell<LineIndex<'a>>,
    pub(crate) items: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(file: &str, src: &'a str) -> Self {
        Sink {
            file: file.to_owned(),
            src,
            index: std::cell::OnceCell::new(),
            items: Vec::new(),
        }
    }

    /// The file's line index, built on first use.
    fn index(&self) -> &LineIndex<'a> {
        let src = self.src;
        self.index.get_or_init(|| LineIndex::new(src))
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.index().line_col(offset).0
    }

    pub(crate) fn push(&mut self, severity: Severity, span: Range<usize>, message: String) {
        let (line, col) = self.index().line_col(span.start);
        let message = shorten_message(message);
        self.items.push(Diagnostic {
            severity,
            file: self.file.clone(),
            line,
            col,
            span,
            message,
        });
    }

    pub(crate) fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.push(Severity::Error, span, message.into());
    }

    pub(crate) fn warning(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.push(Severity::Warning, span, message.into());
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Diagnostics in file order, errors before warnings at the same place.
    pub(crate) fn finish(mut self) -> Vec<Diagnostic> {
        self.items.sort_by_key(|d| (d.span.start, d.severity));
        self.items.dedup();
        self.items
    }
}

/// The longest message a diagnostic keeps, in bytes. Messages quote what the author wrote;
/// the limits keep ids and conditions short, and this keeps any other quoted value (an
/// unknown field's name, a misspelt rating) from making one message megabytes long.
const MAX_MESSAGE: usize = 400;

/// A message cut in the middle past [`MAX_MESSAGE`] bytes, so that its start (what is wrong)
/// and end (a suggestion) both stay.
fn shorten_message(message: String) -> String {
    if message.len() <= MAX_MESSAGE {
        return message;
    }
    let mut head = MAX_MESSAGE * 2 / 3;
    while !message.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = message.len() - MAX_MESSAGE / 3;
    while !message.is_char_boundary(tail) {
        tail += 1;
    }
    format!("{}\u{2026}{}", &message[..head], &message[tail..])
}

/// Names longer than this (in characters) get no "did you mean": no id may be longer.
const SUGGEST_CHARS: usize = crate::limits::MAX_ID_CHARS;

/// The work (character pairs compared) "did you mean" may do per loaded file. A file with a
/// few mistakes uses a tiny part of it; one with tens of thousands of misspelt references
/// gets suggestions for the first ones only, instead of taking minutes.
const SUGGEST_BUDGET: usize = 20_000_000;

std::thread_local! {
    static SUGGEST_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(SUGGEST_BUDGET) };
}

/// Gives "did you mean" its full budget again (at the start of each load).
pub(crate) fn reset_suggestions() {
    SUGGEST_LEFT.with(|b| b.set(SUGGEST_BUDGET));
}

/// The closest of `candidates` to `name`, if one is close enough to be a likely typo.
///
/// Bounded: names and candidates longer than [`SUGGEST_CHARS`] are skipped, candidates whose
/// length alone rules them out are not compared, and the comparisons of one load share a
/// budget.
pub fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let len = name.chars().take(SUGGEST_CHARS + 1).count();
    if len > SUGGEST_CHARS {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let clen = c.chars().take(SUGGEST_CHARS + 1).count();
        // The edit distance is at least the difference in length; a similarity of 0.6 allows
        // at most 0.4 of the longer length.
        let longest = len.max(clen);
        if clen > SUGGEST_CHARS || 5 * len.abs_diff(clen) > 2 * longest {
            continue;
        }
        let cost = (len + 1) * (clen + 1);
        let affordable = SUGGEST_LEFT.with(|b| {
            let left = b.get();
            b.set(left.saturating_sub(cost));
            left >= cost
        });
        if !affordable {
            break;
        }
        let score = strsim::normalized_damerau_levenshtein(name, c);
        // Ties go to the shorter, then the earlier candidate, so the answer does not depend
        // on the order of a hash map.
        if score >= 0.6
            && best.is_none_or(|(b, prev)| score > b || (score == b && c.len() < prev.len()))
        {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `" (did you mean 'x'?)"` or nothing. When the name has a character that is not ASCII
/// (such as a Cyrillic 'о' that looks like a Latin 'o'), the suggestion says which, since
/// the two would otherwise look the same.
pub(crate) fn hint<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    did_you_mean(name, candidates)
        .map(|c| match lookalike(name, c) {
            Some(ch) => format!(
                " (did you mean '{c}'? '{name}' has '{ch}' (U+{:04X}), which is not an ASCII letter)",
                u32::from(ch)
            ),
            None => format!(" (did you mean '{c}'?)"),
        })
        .unwrap_or_default()
}

/// The first character of `name` that is not ASCII, when `suggestion` has none.
fn lookalike(name: &str, suggestion: &str) -> Option<char> {
    if !suggestion.is_ascii() {
        return None;
    }
    name.chars().find(|c| !c.is_ascii())
}

/// What a character is called in a message: itself, or its code point when it is not ASCII.
pub(crate) fn describe_char(ch: char) -> String {
    if ch.is_ascii() {
        format!("'{ch}'")
    } else {
        format!("'{ch}' (U+{:04X})", u32::from(ch))
    }
}

/// A count with thousands separators, for messages: `1834` as `1,834`.
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

/// A window of at most `width` characters of `line` around the 1-based column `col`, with
/// an ellipsis where it was cut, and the column's place in the window (1-based). Diagnostics
/// quote their line this way, so a file that is one long line never prints it whole.
pub fn excerpt(line: &str, col: usize, width: usize) -> (String, usize) {
    let width = width.max(8);
    let total = line.chars().count();
    if total <= width {
        return (line.to_owned(), col);
    }
    // Keep a quarter of the window before the column.
    let first = col
        .saturating_sub(1)
        .saturating_sub(width / 4)
        .min(total.saturating_sub(width));
    let mut out = String::new();
    if first > 0 {
        out.push('\u{2026}');
    }
    out.extend(line.chars().skip(first).take(width));
    if first + width < total {
        out.push('\u{2026}');
    }
    let shift = usize::from(first > 0);
    (out, col.saturating_sub(first) + shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1834), "1,834");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn line_col_counts_characters_from_one() {
        let idx = LineIndex::new("ab\ncé d\n");
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(3), (2, 1));
        // 'd' is after "cé " which is 4 bytes but 3 characters.
        assert_eq!(idx.line_col(7), (2, 4));
        assert_eq!(idx.line_text(2), "cé d");
        assert_eq!(idx.line_text(9), "");
    }

    #[test]
    fn suggestions_only_for_near_names() {
        assert_eq!(did_you_mean("gotp", ["goto", "text"]), Some("goto"));
        assert_eq!(did_you_mean("zzz", ["goto", "text"]), None);
    }
}
