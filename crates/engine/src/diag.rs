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

/// Maps byte offsets to line and column numbers.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    src: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `src`.
    pub fn new(src: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { src, line_starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self
            .src
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
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

    pub(crate) fn push(&mut self, severity: Severity, span: Range<usize>, message: String) {
        let src = self.src;
        let (line, col) = self
            .index
            .get_or_init(|| LineIndex::new(src))
            .line_col(span.start);
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

/// The closest of `candidates` to `name`, if one is close enough to be a likely typo.
pub fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(name, c), c))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `" (did you mean 'x'?)"` or nothing.
pub(crate) fn hint<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    did_you_mean(name, candidates)
        .map(|c| format!(" (did you mean '{c}'?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

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
