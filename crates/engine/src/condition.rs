//! Conditions: the small language authors use in `when` fields.
//!
//! ```text
//! morale < 30
//! satisfaction >= 60 and not promised_overtime
//! (morale > 70 or coached_sam) and trust >= 40
//! ```
//!
//! A bare name is a flag; a meter name must be compared with a whole number. Parsing is split
//! from resolution so that the loader can report unknown names with the position of the name
//! inside the string. This module also decides whether a condition can ever hold, by expanding
//! it into a bounded disjunctive normal form and checking each meter's interval.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::limits::{MAX_CONDITION_CHARS, MAX_CONDITION_DEPTH};
use crate::scenario::{FlagIdx, MeterIdx};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==` (or `=`)
    Eq,
    /// `!=`
    Ne,
}

impl Cmp {
    fn holds(self, left: i32, right: i32) -> bool {
        match self {
            Cmp::Lt => left < right,
            Cmp::Le => left <= right,
            Cmp::Gt => left > right,
            Cmp::Ge => left >= right,
            Cmp::Eq => left == right,
            Cmp::Ne => left != right,
        }
    }

    fn negate(self) -> Cmp {
        match self {
            Cmp::Lt => Cmp::Ge,
            Cmp::Le => Cmp::Gt,
            Cmp::Gt => Cmp::Le,
            Cmp::Ge => Cmp::Lt,
            Cmp::Eq => Cmp::Ne,
            Cmp::Ne => Cmp::Eq,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
        }
    }
}

/// A resolved condition, evaluated against meter values and flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Cond {
    /// A meter compared with a number.
    Meter {
        /// Which meter.
        meter: MeterIdx,
        /// How to compare.
        cmp: Cmp,
        /// The number on the right.
        value: i32,
    },
    /// A flag is raised.
    Flag(FlagIdx),
    /// The inner condition does not hold.
    Not(Box<Cond>),
    /// All hold.
    And(Vec<Cond>),
    /// At least one holds.
    Or(Vec<Cond>),
}

/// [`Cond`]'s serde form, derived; [`Cond`]'s own `Deserialize` counts the levels, so that
/// damaged compiled bytes cannot nest it without end.
#[derive(Deserialize)]
#[serde(rename = "Cond")]
enum CondRepr {
    Meter {
        meter: MeterIdx,
        cmp: Cmp,
        value: i32,
    },
    Flag(FlagIdx),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

impl From<CondRepr> for Cond {
    fn from(r: CondRepr) -> Cond {
        match r {
            CondRepr::Meter { meter, cmp, value } => Cond::Meter { meter, cmp, value },
            CondRepr::Flag(f) => Cond::Flag(f),
            CondRepr::Not(inner) => Cond::Not(inner),
            CondRepr::And(all) => Cond::And(all),
            CondRepr::Or(any) => Cond::Or(any),
        }
    }
}

impl<'de> Deserialize<'de> for Cond {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cond, D::Error> {
        crate::limits::TreeLevel::deserialize::<CondRepr, Cond, D>(d)
    }
}

impl Cond {
    /// Whether the condition holds for these meters and flags.
    pub fn eval(&self, meters: &[i32], flags: &[bool]) -> bool {
        match self {
            Cond::Meter { meter, cmp, value } => {
                cmp.holds(meters.get(meter.0).copied().unwrap_or(0), *value)
            }
            Cond::Flag(flag) => flags.get(flag.0).copied().unwrap_or(false),
            Cond::Not(inner) => !inner.eval(meters, flags),
            Cond::And(all) => all.iter().all(|c| c.eval(meters, flags)),
            Cond::Or(any) => any.iter().any(|c| c.eval(meters, flags)),
        }
    }

    /// Calls `read` with every meter comparison and flag in the condition, in order.
    pub(crate) fn for_each_read(&self, read: &mut impl FnMut(&Cond)) {
        match self {
            Cond::Meter { .. } | Cond::Flag(_) => read(self),
            Cond::Not(inner) => inner.for_each_read(read),
            Cond::And(parts) | Cond::Or(parts) => {
                for p in parts {
                    p.for_each_read(read);
                }
            }
        }
    }

    /// Whether some meter values in 0..=100 and some flags make this hold. Flags that nothing
    /// ever raises are passed in `never_set` and count as always down. Very large conditions
    /// are assumed satisfiable.
    pub fn satisfiable(&self, n_meters: usize, never_set: &[bool]) -> bool {
        const MAX_TERMS: usize = 256;
        let Some(terms) = dnf(self, false, MAX_TERMS) else {
            return true;
        };
        terms.iter().any(|term| {
            let mut lo = vec![0i32; n_meters];
            let mut hi = vec![100i32; n_meters];
            let mut excluded: Vec<(usize, i32)> = Vec::new();
            let mut flags: Vec<(usize, bool)> = Vec::new();
            for lit in term {
                match *lit {
                    Lit::Meter(m, cmp, v) => {
                        let (l, h) = (&mut lo[m], &mut hi[m]);
                        match cmp {
                            Cmp::Lt => *h = (*h).min(v.saturating_sub(1)),
                            Cmp::Le => *h = (*h).min(v),
                            Cmp::Gt => *l = (*l).max(v.saturating_add(1)),
                            Cmp::Ge => *l = (*l).max(v),
                            Cmp::Eq => {
                                *l = (*l).max(v);
                                *h = (*h).min(v);
                            }
                            Cmp::Ne => excluded.push((m, v)),
                        }
                    }
                    Lit::Flag(f, want) => flags.push((f, want)),
                }
            }
            let meters_ok = (0..n_meters).all(|m| {
                lo[m] <= hi[m] && {
                    // A range is emptied by exclusions only if every value in it is excluded.
                    let width = (hi[m] - lo[m] + 1) as usize;
                    let mut gone: Vec<i32> = excluded
                        .iter()
                        .filter(|(em, v)| *em == m && (lo[m]..=hi[m]).contains(v))
                        .map(|(_, v)| *v)
                        .collect();
                    gone.sort_unstable();
                    gone.dedup();
                    gone.len() < width
                }
            });
            let flags_ok = flags.iter().all(|&(f, want)| {
                let never = never_set.get(f).copied().unwrap_or(false);
                (!want || !never) && !flags.contains(&(f, !want))
            });
            meters_ok && flags_ok
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Lit {
    Meter(usize, Cmp, i32),
    Flag(usize, bool),
}

/// Disjunctive normal form, with negations pushed to the leaves; `None` past `cap` terms.
fn dnf(cond: &Cond, negated: bool, cap: usize) -> Option<Vec<Vec<Lit>>> {
    Some(match (cond, negated) {
        (Cond::Meter { meter, cmp, value }, n) => {
            let cmp = if n { cmp.negate() } else { *cmp };
            vec![vec![Lit::Meter(meter.0, cmp, *value)]]
        }
        (Cond::Flag(f), n) => vec![vec![Lit::Flag(f.0, !n)]],
        (Cond::Not(inner), n) => dnf(inner, !n, cap)?,
        (Cond::Or(parts), false) | (Cond::And(parts), true) => {
            let mut out = Vec::new();
            for p in parts {
                out.extend(dnf(p, negated, cap)?);
                if out.len() > cap {
                    return None;
                }
            }
            out
        }
        (Cond::And(parts), false) | (Cond::Or(parts), true) => {
            let mut out: Vec<Vec<Lit>> = vec![Vec::new()];
            for p in parts {
                let terms = dnf(p, negated, cap)?;
                // Checked before the product is built, which could be cap * cap terms.
                if out.len().saturating_mul(terms.len()) > cap {
                    return None;
                }
                let mut next = Vec::with_capacity(out.len() * terms.len());
                for a in &out {
                    for b in &terms {
                        let mut t = a.clone();
                        t.extend_from_slice(b);
                        next.push(t);
                    }
                }
                if next.len() > cap {
                    return None;
                }
                out = next;
            }
            out
        }
    })
}

/// A condition as written, before names are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    Compare {
        name: String,
        at: Range<usize>,
        cmp: Cmp,
        value: i64,
    },
    Name {
        name: String,
        at: Range<usize>,
    },
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

impl Expr {
    /// Resolves names to meters and flags. `resolve` maps a name (and whether it is compared)
    /// to a result; the first error stops resolution of that branch.
    pub(crate) fn resolve<E>(
        &self,
        resolve: &mut impl FnMut(&str, &Range<usize>, Option<(Cmp, i64)>) -> Result<Cond, E>,
    ) -> Result<Cond, Vec<E>> {
        match self {
            Expr::Compare {
                name,
                at,
                cmp,
                value,
            } => resolve(name, at, Some((*cmp, *value))).map_err(|e| vec![e]),
            Expr::Name { name, at } => resolve(name, at, None).map_err(|e| vec![e]),
            Expr::Not(inner) => Ok(Cond::Not(Box::new(inner.resolve(resolve)?))),
            Expr::And(parts) | Expr::Or(parts) => {
                let mut out = Vec::new();
                let mut errors = Vec::new();
                for p in parts {
                    match p.resolve(resolve) {
                        Ok(c) => out.push(c),
                        Err(e) => errors.extend(e),
                    }
                }
                if !errors.is_empty() {
                    return Err(errors);
                }
                Ok(if matches!(self, Expr::And(_)) {
                    Cond::And(out)
                } else {
                    Cond::Or(out)
                })
            }
        }
    }
}

/// A syntax error in a condition, with the byte range inside the condition string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) at: Range<usize>,
    pub(crate) message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Num(i64),
    Op(Cmp),
    And,
    Or,
    Not,
    Open,
    Close,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Ident(s) => write!(f, "'{s}'"),
            Tok::Num(n) => write!(f, "'{n}'"),
            Tok::Op(c) => write!(f, "'{}'", c.as_str()),
            Tok::And => f.write_str("'and'"),
            Tok::Or => f.write_str("'or'"),
            Tok::Not => f.write_str("'not'"),
            Tok::Open => f.write_str("'('"),
            Tok::Close => f.write_str("')'"),
        }
    }
}

fn lex(src: &str) -> Result<Vec<(Tok, Range<usize>)>, SyntaxError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => {
                i += 1;
                Tok::Open
            }
            b')' => {
                i += 1;
                Tok::Close
            }
            b'<' | b'>' | b'=' | b'!' => {
                if let Some(message) = misspelt_operator(c, bytes.get(i + 1).copied()) {
                    return Err(SyntaxError {
                        at: start..start + 2,
                        message,
                    });
                }
                let two = bytes.get(i + 1) == Some(&b'=');
                i += if two { 2 } else { 1 };
                match (c, two) {
                    (b'<', false) => Tok::Op(Cmp::Lt),
                    (b'<', true) => Tok::Op(Cmp::Le),
                    (b'>', false) => Tok::Op(Cmp::Gt),
                    (b'>', true) => Tok::Op(Cmp::Ge),
                    (b'=', _) => Tok::Op(Cmp::Eq),
                    (b'!', true) => Tok::Op(Cmp::Ne),
                    _ => Tok::Not,
                }
            }
            b'&' | b'|' => {
                if bytes.get(i + 1) != Some(&c) {
                    return Err(SyntaxError {
                        at: start..start + 1,
                        message: format!("'{}' should be written 'and' or 'or'", c as char),
                    });
                }
                i += 2;
                if c == b'&' { Tok::And } else { Tok::Or }
            }
            b'-' | b'0'..=b'9' => {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let text = &src[start..i];
                match text.parse::<i64>() {
                    Ok(n) => Tok::Num(n),
                    Err(_) => {
                        return Err(SyntaxError {
                            at: start..i,
                            message: format!("'{text}' is not a whole number"),
                        });
                    }
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
                {
                    i += 1;
                }
                match &src[start..i] {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    word => Tok::Ident(word.to_owned()),
                }
            }
            _ => {
                let ch = src[start..].chars().next().unwrap_or('?');
                return Err(SyntaxError {
                    at: start..start + ch.len_utf8(),
                    message: unexpected_character(ch),
                });
            }
        };
        out.push((tok, start..i));
    }
    Ok(out)
}

/// The message for an operator typed the wrong way round (`=>`, `=<`) or in another
/// language's spelling (`<>`), starting with the bytes `c` and `next`.
fn misspelt_operator(c: u8, next: Option<u8>) -> Option<String> {
    let (typed, meant) = match (c, next?) {
        (b'=', b'>') => ("=>", ">="),
        (b'=', b'<') => ("=<", "<="),
        (b'<', b'>') => ("<>", "!="),
        _ => return None,
    };
    Some(format!(
        "'{typed}' is not a comparison (did you mean '{meant}'?)"
    ))
}

/// The message for a character that cannot start a token. Word processors turn `>=` into
/// `≥` and straight quotes into curly ones, so those get a message of their own.
fn unexpected_character(ch: char) -> String {
    match ch {
        '≥' => "'≥' should be written '>='".into(),
        '≤' => "'≤' should be written '<='".into(),
        '≠' => "'≠' should be written '!='".into(),
        '“' | '”' | '‘' | '’' => format!(
            "curly quote '{ch}' in condition; a condition names meters and flags without quotes"
        ),
        _ => format!(
            "unexpected character {} in condition",
            crate::diag::describe_char(ch)
        ),
    }
}

/// Parses a condition string.
pub(crate) fn parse(src: &str) -> Result<Expr, SyntaxError> {
    // A cap on the length keeps every message that quotes the condition short.
    let chars = src.chars().count();
    if chars > MAX_CONDITION_CHARS {
        return Err(SyntaxError {
            at: 0..0,
            message: format!(
                "this condition is {chars} characters long, more than the {MAX_CONDITION_CHARS} allowed"
            ),
        });
    }
    let toks = lex(src)?;
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        end: src.len(),
        depth: 0,
    };
    if toks.is_empty() {
        return Err(SyntaxError {
            at: 0..src.len(),
            message: "the condition is empty".into(),
        });
    }
    let e = p.or()?;
    if let Some((t, at)) = toks.get(p.pos) {
        return Err(SyntaxError {
            at: at.clone(),
            message: format!("unexpected {t} in condition (missing 'and' or 'or'?)"),
        });
    }
    Ok(e)
}

struct Parser<'t> {
    toks: &'t [(Tok, Range<usize>)],
    pos: usize,
    end: usize,
    /// Open `(` and `not` around the current token. The parser recurses once per level, and
    /// so does everything that walks the tree it builds, so the depth is capped.
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn here(&self) -> Range<usize> {
        self.toks
            .get(self.pos)
            .map_or(self.end..self.end, |(_, at)| at.clone())
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut parts = vec![self.unary()?];
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    /// Enters one level of nesting at the current token.
    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_CONDITION_DEPTH {
            return Err(SyntaxError {
                at: self.here(),
                message: format!(
                    "this condition nests deeper than {MAX_CONDITION_DEPTH} levels (each '(' and 'not' is a level)"
                ),
            });
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        if self.peek() == Some(&Tok::Not) {
            self.enter()?;
            self.pos += 1;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, SyntaxError> {
        let at = self.here();
        match self.toks.get(self.pos).map(|(t, _)| t.clone()) {
            Some(Tok::Open) => {
                self.enter()?;
                self.pos += 1;
                let e = self.or()?;
                self.depth -= 1;
                if self.peek() != Some(&Tok::Close) {
                    return Err(SyntaxError {
                        at: self.here(),
                        message: "missing ')' in condition".into(),
                    });
                }
                self.pos += 1;
                Ok(e)
            }
            Some(Tok::Ident(name)) => {
                self.pos += 1;
                if let Some(Tok::Op(cmp)) = self.peek().cloned() {
                    self.pos += 1;
                    match self.toks.get(self.pos).map(|(t, _)| t.clone()) {
                        Some(Tok::Num(value)) => {
                            self.pos += 1;
                            Ok(Expr::Compare {
                                name,
                                at,
                                cmp,
                                value,
                            })
                        }
                        _ => Err(SyntaxError {
                            at: self.here(),
                            message: format!(
                                "'{}' must be followed by a whole number",
                                cmp.as_str()
                            ),
                        }),
                    }
                } else {
                    Ok(Expr::Name { name, at })
                }
            }
            Some(t) => Err(SyntaxError {
                at,
                message: format!("expected a meter or flag name, found {t}"),
            }),
            None => Err(SyntaxError {
                at,
                message: "the condition ends too early".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(src: &str) -> Cond {
        let expr = parse(src).expect("parses");
        expr.resolve(
            &mut |name: &str, _at: &Range<usize>, cmp: Option<(Cmp, i64)>| {
                Ok::<_, ()>(match (name, cmp) {
                    ("morale", Some((cmp, v))) => Cond::Meter {
                        meter: MeterIdx(0),
                        cmp,
                        value: v as i32,
                    },
                    ("trust", Some((cmp, v))) => Cond::Meter {
                        meter: MeterIdx(1),
                        cmp,
                        value: v as i32,
                    },
                    (_, _) => Cond::Flag(FlagIdx(if name == "a" { 0 } else { 1 })),
                })
            },
        )
        .expect("resolves")
    }

    #[test]
    fn precedence_and_evaluation() {
        let c = resolve("morale < 30 or a and not b");
        assert!(c.eval(&[20, 0], &[false, false]));
        assert!(c.eval(&[50, 0], &[true, false]));
        assert!(!c.eval(&[50, 0], &[true, true]));
        let c = resolve("(morale < 30 || a) && !b");
        assert!(!c.eval(&[20, 0], &[false, true]));
    }

    #[test]
    fn syntax_errors_point_inside_the_string() {
        let e = parse("morale < ").unwrap_err();
        assert_eq!(e.message, "'<' must be followed by a whole number");
        let e = parse("morale < 30 trust").unwrap_err();
        assert_eq!(e.at, 12..17);
        let e = parse("morale & a").unwrap_err();
        assert_eq!(e.at, 7..8);
        assert!(parse("   ").is_err());
        assert!(parse("(a or b").is_err());
        assert!(parse("a $ b").is_err());
    }

    /// Operators typed the wrong way round, and the characters word processors put in, are
    /// named with the fix, at their place in the string.
    #[test]
    fn misspelt_operators_and_typographic_characters() {
        let cases = [
            (
                "morale => 55",
                7..9,
                "'=>' is not a comparison (did you mean '>='?)",
            ),
            (
                "morale =< 55",
                7..9,
                "'=<' is not a comparison (did you mean '<='?)",
            ),
            (
                "morale <> 55",
                7..9,
                "'<>' is not a comparison (did you mean '!='?)",
            ),
            ("morale ≥ 55", 7..10, "'≥' should be written '>='"),
            ("morale ≤ 55", 7..10, "'≤' should be written '<='"),
            ("a and morale ≠ 55", 13..16, "'≠' should be written '!='"),
            (
                "“promised” or a",
                0..3,
                "curly quote '“' in condition; a condition names meters and flags without quotes",
            ),
            (
                "not ‘promised’",
                4..7,
                "curly quote '‘' in condition; a condition names meters and flags without quotes",
            ),
        ];
        for (src, at, message) in cases {
            let e = parse(src).unwrap_err();
            assert_eq!((e.at, e.message.as_str()), (at, message), "{src}");
        }
        // The correct spellings still parse, with or without spaces.
        for src in [
            "morale >= 55",
            "morale<=55",
            "morale == 5",
            "morale = 5",
            "morale != 5",
        ] {
            assert!(parse(src).is_ok(), "{src}");
        }
        // '=' followed by '=' or a space is still equality; '!' still negates.
        assert!(parse("!a and morale=5").is_ok());
    }

    #[test]
    fn satisfiability() {
        let never = [false, false];
        assert!(resolve("morale < 30").satisfiable(2, &never));
        assert!(!resolve("morale < 0").satisfiable(2, &never));
        assert!(!resolve("morale > 100").satisfiable(2, &never));
        assert!(!resolve("morale > 60 and morale < 40").satisfiable(2, &never));
        assert!(resolve("morale > 60 or morale < 40").satisfiable(2, &never));
        assert!(!resolve("a and not a").satisfiable(2, &never));
        assert!(!resolve("not (morale >= 0)").satisfiable(2, &never));
        assert!(resolve("morale == 50 and morale != 51").satisfiable(2, &never));
        assert!(!resolve("a").satisfiable(2, &[true, false]));
        assert!(resolve("not a").satisfiable(2, &[true, false]));
    }
}
