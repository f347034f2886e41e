//! Session codes: round trips, size, and every way a code can be wrong.

mod common;

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::fixture;
use frontline_engine::code::{self, CodeError};
use frontline_engine::{Scenario, Session};

/// Asserts that two sessions are the same in every observable part.
fn assert_same(a: &Session, b: &Session) {
    assert_eq!(a.scenario().meta.id, b.scenario().meta.id);
    assert_eq!(a.seed(), b.seed());
    assert_eq!(a.scene_idx(), b.scene_idx());
    assert_eq!(a.meters(), b.meters());
    assert_eq!(a.flags(), b.flags());
    assert_eq!(a.fired(), b.fired());
    assert_eq!(a.history(), b.history());
    assert_eq!(a.draws(), b.draws());
    assert_eq!(a.choice_ids(), b.choice_ids());
    assert_eq!(a.scene_text(), b.scene_text());
}

/// A session on the looping fixture with `n` decisions: work until morale is low, then rest,
/// so it never ends and draws often.
fn long_session(loop_: &Arc<Scenario>, n: usize, seed: u64) -> Session {
    let mut s = Session::new(loop_.clone(), seed);
    for _ in 0..n {
        let pick = if s.meters()[0] < 30 { "rest" } else { "work" };
        s.choose(pick).expect("work and rest are always offered");
    }
    assert!(!s.is_ended());
    assert_eq!(s.history().len(), n);
    s
}

/// A code with a valid checksum over arbitrary bytes, to reach the checks behind it.
fn forge(id: &str, body: &[u8]) -> String {
    let mut h = crc32fast::Hasher::new();
    h.update(id.as_bytes());
    h.update(body);
    let mut bytes = body.to_vec();
    bytes.extend_from_slice(&h.finalize().to_le_bytes());
    format!("{id}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[test]
fn round_trip_reproduces_the_session_exactly() {
    let sample = fixture("sample");
    for seed in [0, 1, 2, 99, u64::MAX] {
        for path in [
            &["huddle", "pilot", "celebrate"][..],
            &["wait", "escalate"],
            &["overtime", "push", "thank"],
            &[],
        ] {
            let s = Session::replay(sample.clone(), seed, path).expect("valid path");
            let code = code::encode(&s);
            let back = code::decode(&code, sample.clone()).expect("decodes");
            assert_same(&s, &back);
            // Encoding is deterministic, so the decoded session gives the same code.
            assert_eq!(code::encode(&back), code);
        }
    }
}

#[test]
fn decoded_session_continues_like_the_original() {
    let loop_ = fixture("loop");
    let original = long_session(&loop_, 12, 5);
    let mut a = original.clone();
    let mut b = code::decode(&code::encode(&original), loop_).expect("decodes");
    for _ in 0..10 {
        let ea = a.choose("work").expect("offered");
        let eb = b.choose("work").expect("offered");
        assert_eq!(ea, eb, "the random stream continues where it left off");
    }
    assert_same(&a, &b);
}

#[test]
fn thirty_decisions_fit_in_under_a_thousand_characters() {
    let loop_ = fixture("loop");
    let s = long_session(&loop_, 30, 7);
    assert!(
        s.draws() > 10,
        "the session should exercise chance outcomes"
    );
    let code = code::encode(&s);
    println!(
        "30-decision session code: {} characters: {code}",
        code.len()
    );
    assert!(code.len() < 1000, "{} characters", code.len());
    assert!(
        code.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
        "not URL-safe: {code}"
    );
    let back = code::decode(&code, loop_.clone()).expect("decodes");
    assert_same(&s, &back);
}

#[test]
fn changing_one_character_is_always_detected() {
    let loop_ = fixture("loop");
    let s = long_session(&loop_, 30, 3);
    let code = code::encode(&s);
    let dot = code.find('.').expect("has a dot");
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for i in 0..code.len() {
        for &c in alphabet.iter().step_by(7) {
            if code.as_bytes()[i] == c {
                continue;
            }
            let mut bytes = code.clone().into_bytes();
            bytes[i] = c;
            let tampered = String::from_utf8(bytes).expect("ascii");
            let err = code::decode(&tampered, loop_.clone())
                .expect_err("a changed character must never decode");
            // Payload characters 3..=12 hold only the seed: a change there leaves the code's
            // shape intact, so it can only be reported as damage.
            let in_seed = (dot + 1 + 3..=dot + 1 + 12).contains(&i);
            if in_seed {
                assert_eq!(err, CodeError::Damaged, "{tampered}");
            } else {
                // A changed decision count looks like a cut-off code, a changed id like a
                // code for another scenario or none.
                assert!(
                    matches!(
                        err,
                        CodeError::Damaged | CodeError::Truncated | CodeError::Malformed
                    ),
                    "{tampered}: {err:?}"
                );
            }
        }
    }
}

/// Regression: a code cut off in the middle of a base64 group (a quarter of all cuts) used to
/// be reported as `Malformed`, telling the learner it was not a session code at all.
#[test]
fn every_cut_of_the_payload_is_reported_as_truncated() {
    let loop_ = fixture("loop");
    let s = long_session(&loop_, 30, 9);
    let code = code::encode(&s);
    let dot = code.find('.').expect("has a dot");
    for end in dot + 1..code.len() {
        let cut = &code[..end];
        assert_eq!(
            code::decode(cut, loop_.clone()).err(),
            Some(CodeError::Truncated),
            "cut to {} of {} characters: {cut}",
            end,
            code.len()
        );
    }
    // Cutting into the scenario id leaves no payload at all.
    assert_eq!(
        code::decode(&code[..dot], loop_).err(),
        Some(CodeError::Malformed)
    );
}

#[test]
fn a_code_for_another_scenario_is_refused() {
    let s = Session::replay(fixture("sample"), 1, &["huddle"]).expect("valid");
    let err = code::decode(&code::encode(&s), fixture("loop")).expect_err("wrong scenario");
    assert_eq!(
        err,
        CodeError::WrongScenario {
            code: "sample".into(),
            expected: "loop".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "the session code is for scenario 'sample', not 'loop'"
    );
}

#[test]
fn a_code_for_another_version_is_refused() {
    let sample = fixture("sample");
    let s = Session::replay(sample.clone(), 1, &["huddle", "pilot"]).expect("valid");
    let code = code::encode(&s);
    let mut newer: Scenario = (*sample).clone();
    newer.meta.version += 1;
    let err = code::decode(&code, Arc::new(newer)).expect_err("wrong version");
    assert_eq!(
        err,
        CodeError::WrongVersion {
            code: 3,
            current: 4
        }
    );
}

#[test]
fn a_code_from_a_newer_format_is_refused() {
    let body = [2u8, 3, 1, 2, 3, 4, 5, 6, 7, 8, 0];
    let err = code::decode(&forge("sample", &body), fixture("sample")).expect_err("format 2");
    assert_eq!(err, CodeError::UnknownFormat(2));
}

#[test]
fn a_code_whose_choices_do_not_fit_is_refused() {
    // Format 1, version 3, seed 0, two decisions: choice 0 (huddle), then choice 9.
    let mut body = vec![1u8, 3];
    body.extend_from_slice(&0u64.to_le_bytes());
    body.extend_from_slice(&[2, 0, 9]);
    let err = code::decode(&forge("sample", &body), fixture("sample")).expect_err("no choice 10");
    assert_eq!(
        err,
        CodeError::Replay {
            decision: 1,
            reason: "there is no choice '#10' here".into()
        }
    );
    // A choice that exists but is not offered: 'pilot' without the huddle.
    let mut body = vec![1u8, 3];
    body.extend_from_slice(&0u64.to_le_bytes());
    body.extend_from_slice(&[2, 1, 0]);
    let err = code::decode(&forge("sample", &body), fixture("sample")).expect_err("unavailable");
    assert_eq!(
        err,
        CodeError::Replay {
            decision: 1,
            reason: "choice 'pilot' is not available now".into()
        }
    );
}

#[test]
fn garbage_is_refused_without_panicking() {
    let sample = fixture("sample");
    let cases: &[(&str, CodeError)] = &[
        ("", CodeError::Malformed),
        ("   ", CodeError::Malformed),
        ("hello", CodeError::Malformed),
        (".AAAA", CodeError::Malformed),
        ("Sample.AAAA", CodeError::Malformed),
        ("sample.!!!!", CodeError::Malformed),
        ("sample.AAAA AAAA", CodeError::Malformed),
        ("🦀.🦀", CodeError::Malformed),
        ("sample.", CodeError::Truncated),
        ("sample.AA", CodeError::Truncated),
        ("sample.AAAAAAAAAAAAAAAAAAAAAAAA", CodeError::Damaged),
        // A long run of continuation bytes where the decision count should be.
        (
            "sample.AQP__________________________________________w",
            CodeError::Damaged,
        ),
    ];
    for (code, want) in cases {
        let got = code::decode(code, sample.clone()).expect_err(code);
        assert_eq!(&got, want, "{code:?}");
        assert!(!got.to_string().is_empty());
    }
    // Valid checksums over nonsense bodies reach the deeper checks.
    for body in [
        &[1u8][..],
        &[1, 3],
        &[1, 3, 0, 0, 0],
        &[
            1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,
        ],
        &[1, 3, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xff, 0xff, 0xff, 0x0f],
        &[1, 3, 1, 2, 3, 4, 5, 6, 7, 8, 1, 0, 0],
    ] {
        let err = code::decode(&forge("sample", body), sample.clone()).expect_err("nonsense");
        assert!(
            matches!(err, CodeError::Damaged | CodeError::Truncated),
            "{body:?}: {err:?}"
        );
    }
}
