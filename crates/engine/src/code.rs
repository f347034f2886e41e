//! Session codes: a compact, versioned, URL-safe text that reproduces a session exactly.
//!
//! A code is `<scenario id>.<payload>`, the payload being unpadded URL-safe base64 of:
//!
//! | bytes  | meaning                                                   |
//! |--------|-----------------------------------------------------------|
//! | 1      | code format, currently 1                                  |
//! | varint | scenario version                                          |
//! | 8      | seed, little-endian                                       |
//! | varint | number of decisions                                       |
//! | varint | index of each choice in its scene, in order               |
//! | 4      | CRC-32 of the scenario id followed by all the bytes above |
//!
//! Chance outcomes are not stored: replaying the choices with the seed draws them again. A
//! 30-decision session takes about 60 characters plus the id, far inside SCORM 1.2's
//! 4,096-character `suspend_data`. Decoding checks everything and replays the session, so a
//! code that decodes always gives a valid session.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};

use crate::scenario::Scenario;
use crate::session::Session;

/// The current code format.
const FORMAT: u8 = 1;

/// Decodes what is left of a code cut off inside a base64 group: the whole bytes that remain,
/// ignoring the stray bits of a partial one.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// Why a code was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    /// Not shaped like a session code at all.
    Malformed,
    /// Shaped like a code but cut short.
    Truncated,
    /// The checksum does not match: characters were changed or lost.
    Damaged,
    /// Made by a newer Frontline with a code format this one cannot read.
    UnknownFormat(u8),
    /// A code for another scenario.
    WrongScenario {
        /// The scenario the code was made for.
        code: String,
        /// The scenario it was opened with.
        expected: String,
    },
    /// A code made with another version of the scenario.
    WrongVersion {
        /// The version in the code.
        code: u32,
        /// The scenario's current version.
        current: u32,
    },
    /// The choices in the code do not fit the scenario.
    Replay {
        /// Which decision failed (0-based).
        decision: usize,
        /// Why.
        reason: String,
    },
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::Malformed => f.write_str("this is not a Frontline session code"),
            CodeError::Truncated => {
                f.write_str("the session code is incomplete; it may have been cut off when copied")
            }
            CodeError::Damaged => {
                f.write_str("the session code has been altered or damaged and cannot be trusted")
            }
            CodeError::UnknownFormat(v) => write!(
                f,
                "the session code uses format {v}, which this version of Frontline cannot read"
            ),
            CodeError::WrongScenario { code, expected } => write!(
                f,
                "the session code is for scenario '{code}', not '{expected}'"
            ),
            CodeError::WrongVersion { code, current } => write!(
                f,
                "the session code was made with version {code} of this scenario; it is now version {current}"
            ),
            CodeError::Replay { decision, reason } => write!(
                f,
                "decision {} in the session code does not fit this scenario: {reason}",
                decision + 1
            ),
        }
    }
}

impl std::error::Error for CodeError {}

/// Encodes a session.
pub fn encode(session: &Session) -> String {
    let scenario = session.scenario();
    let mut bytes = Vec::with_capacity(16 + session.history().len());
    bytes.push(FORMAT);
    put_varint(&mut bytes, u64::from(scenario.meta.version));
    bytes.extend_from_slice(&session.seed().to_le_bytes());
    put_varint(&mut bytes, session.history().len() as u64);
    for d in session.history() {
        put_varint(&mut bytes, d.choice as u64);
    }
    let crc = checksum(&scenario.meta.id, &bytes);
    bytes.extend_from_slice(&crc.to_le_bytes());
    format!("{}.{}", scenario.meta.id, URL_SAFE_NO_PAD.encode(bytes))
}

/// The scenario id a code names, without checking the rest.
pub fn scenario_id(code: &str) -> Result<&str, CodeError> {
    let (id, _) = code.trim().rsplit_once('.').ok_or(CodeError::Malformed)?;
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(CodeError::Malformed);
    }
    Ok(id)
}

/// The parts of a code, checked but not replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// Scenario id.
    pub scenario: String,
    /// Scenario version.
    pub version: u32,
    /// Seed.
    pub seed: u64,
    /// Choice indexes, in order.
    pub choices: Vec<usize>,
}

/// Reads a code's parts, checking shape and checksum.
pub fn parts(code: &str) -> Result<Parts, CodeError> {
    let code = code.trim();
    let id = scenario_id(code)?;
    let payload = &code[id.len() + 1..];
    let bytes = match URL_SAFE_NO_PAD.decode(payload) {
        Ok(bytes) => bytes,
        // Made of code characters but not a whole encoding: most likely cut off while being
        // copied. Read the whole bytes that remain and let the checks below tell a cut from
        // other damage, rather than calling it "not a session code".
        Err(_) if payload.bytes().all(is_code_char) => {
            let whole = payload.len() - usize::from(payload.len() % 4 == 1);
            LENIENT
                .decode(&payload[..whole])
                .map_err(|_| CodeError::Malformed)?
        }
        Err(_) => return Err(CodeError::Malformed),
    };
    if bytes.len() < 4 {
        return Err(CodeError::Truncated);
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    let crc = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
    let mut r = Reader {
        bytes: body,
        pos: 0,
    };
    let format = r.byte()?;
    if checksum(id, body) != crc {
        // A checksum mismatch in a code that is merely short is reported as truncation.
        return Err(if format == FORMAT && r.would_truncate() {
            CodeError::Truncated
        } else {
            CodeError::Damaged
        });
    }
    if format != FORMAT {
        return Err(CodeError::UnknownFormat(format));
    }
    let version = u32::try_from(r.varint()?).map_err(|_| CodeError::Damaged)?;
    let seed = u64::from_le_bytes(r.array8()?);
    let n = r.varint()?;
    if n > body.len() as u64 {
        return Err(CodeError::Damaged);
    }
    let mut choices = Vec::with_capacity(n as usize);
    for _ in 0..n {
        choices.push(usize::try_from(r.varint()?).map_err(|_| CodeError::Damaged)?);
    }
    if r.pos != body.len() {
        return Err(CodeError::Damaged);
    }
    Ok(Parts {
        scenario: id.to_owned(),
        version,
        seed,
        choices,
    })
}

/// Decodes a code for `scenario`, replaying it into a session.
pub fn decode(code: &str, scenario: Arc<Scenario>) -> Result<Session, CodeError> {
    let p = parts(code)?;
    if p.scenario != scenario.meta.id {
        return Err(CodeError::WrongScenario {
            code: p.scenario,
            expected: scenario.meta.id.clone(),
        });
    }
    if p.version != scenario.meta.version {
        return Err(CodeError::WrongVersion {
            code: p.version,
            current: scenario.meta.version,
        });
    }
    Session::replay_indexes(scenario, p.seed, &p.choices).map_err(|(decision, e)| {
        CodeError::Replay {
            decision,
            reason: e.to_string(),
        }
    })
}

/// Whether a byte belongs to the URL-safe base64 alphabet.
fn is_code_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn checksum(id: &str, body: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(id.as_bytes());
    h.update(body);
    h.finalize()
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, CodeError> {
        let b = *self.bytes.get(self.pos).ok_or(CodeError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    fn array8(&mut self) -> Result<[u8; 8], CodeError> {
        let slice = self
            .bytes
            .get(self.pos..self.pos + 8)
            .ok_or(CodeError::Truncated)?;
        self.pos += 8;
        let mut out = [0u8; 8];
        out.copy_from_slice(slice);
        Ok(out)
    }

    fn varint(&mut self) -> Result<u64, CodeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(CodeError::Damaged)
    }

    /// Whether the body, read as a code, runs out before its declared decisions end.
    fn would_truncate(&self) -> bool {
        let mut probe = Reader {
            bytes: self.bytes,
            pos: self.pos,
        };
        let declared = (|| {
            probe.varint()?;
            probe.array8()?;
            let n = probe.varint()?;
            for _ in 0..n {
                probe.varint()?;
            }
            Ok::<(), CodeError>(())
        })();
        declared == Err(CodeError::Truncated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for v in [0u64, 1, 127, 128, 300, 1 << 40, u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            let mut r = Reader {
                bytes: &out,
                pos: 0,
            };
            assert_eq!(r.varint(), Ok(v));
            assert_eq!(r.pos, out.len());
        }
    }

    #[test]
    fn malformed_codes() {
        assert_eq!(parts("hello"), Err(CodeError::Malformed));
        assert_eq!(parts("Bad Id.AAAA"), Err(CodeError::Malformed));
        assert_eq!(parts("x.!!!"), Err(CodeError::Malformed));
        assert_eq!(parts("x.AAA"), Err(CodeError::Truncated));
    }
}
