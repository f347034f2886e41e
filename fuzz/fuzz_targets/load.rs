//! Fuzzes the loader with arbitrary text and, when a scenario loads, plays it and round-trips
//! its session code. Any panic is a bug: the loader must turn every input into either a
//! scenario or diagnostics.

#![no_main]

use std::sync::Arc;

use frontline_engine::{Session, code, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = match load("fuzz.toml", src) {
        Ok(loaded) => loaded,
        Err(diags) => {
            assert!(!diags.is_empty(), "a failed load must say why");
            for d in &diags {
                assert!(d.span.start <= d.span.end && d.span.end <= src.len());
            }
            return;
        }
    };
    let scenario = Arc::new(loaded.scenario);
    // The input's own bytes pick the seed and the choices, so the fuzzer can steer play.
    let seed = data
        .iter()
        .fold(0u64, |h, &b| h.rotate_left(5) ^ u64::from(b));
    let mut session = Session::new(scenario.clone(), seed);
    for (step, &b) in data.iter().rev().take(64).enumerate() {
        if session.is_ended() {
            break;
        }
        let offered: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
        assert!(
            !offered.is_empty(),
            "a scene that is not an ending offers a choice"
        );
        let pick = offered[usize::from(b) % offered.len()];
        session
            .choose_index(pick)
            .unwrap_or_else(|e| panic!("decision {step}: an offered choice was refused: {e}"));
        assert!(session.meters().iter().all(|v| (0..=100).contains(v)));
    }
    let encoded = code::encode(&session);
    let decoded = code::decode(&encoded, scenario).expect("a fresh code decodes");
    assert_eq!(decoded.history(), session.history());
    assert_eq!(decoded.meters(), session.meters());
    assert_eq!(decoded.flags(), session.flags());
});
