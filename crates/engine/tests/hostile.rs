//! Hostile input (issue 14): files that nest deeply, grow checks quadratically, overflow sums
//! or never end. Each case is generated here, not stored, and is checked for its exact
//! diagnostics. Loads that could recurse run on a 1 MiB stack, the size of a WebAssembly
//! module's stack, so unbounded recursion fails here rather than in a browser tab.

use std::fmt::Write as _;
use std::sync::Arc;

use frontline_engine::limits::*;
use frontline_engine::markdown::{self, Block, Inline};
use frontline_engine::{Session, compiled, load};

/// `[scenario]` and the two meters; scenes follow.
const HEAD: &str = r#"[scenario]
id = "hostile"
title = "Hostile"
summary = "Generated."
role = "Team lead"
team = "Four agents"
minutes = 2
language = "en"
version = 1
authors = ["tests"]

[meters.morale]
label = "Team morale"
start = 50

[meters.satisfaction]
label = "Customer satisfaction"
start = 50
"#;

/// The line HEAD ends on; scenes start on the next one.
fn head_lines() -> usize {
    HEAD.lines().count()
}

/// Runs `f` on a thread with a 1 MiB stack.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .expect("thread starts")
        .join()
        .expect("no stack overflow or panic")
}

/// Runs `f` on a thread with a stack large enough to build deep trees on purpose.
fn big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(f)
        .expect("thread starts")
        .join()
        .expect("no panic")
}

/// Every diagnostic of a load, as `file:line:col: severity: message`, except the house-rule
/// warnings for a scene without workshop notes: generated scenes carry none, and those
/// warnings have their own case (`broken/warn-workshop-notes.toml`).
fn diagnostics(src: String) -> Vec<String> {
    small_stack(move || match load("hostile.toml", &src) {
        Ok(loaded) => loaded.warnings,
        Err(diags) => diags,
    })
    .iter()
    .map(ToString::to_string)
    .filter(|d| !d.contains("has no facilitator_note") && !d.contains("has no discussion question"))
    .collect()
}

/// A scene `start` with one choice whose `when` is `cond`, an unconditional one, and an ending.
fn with_condition(cond: &str) -> String {
    format!(
        "{HEAD}\n[[scenes]]\nid = \"start\"\ntext = \"Go\"\n\n[[scenes.choices]]\nid = \"a\"\ntext = \"A\"\nwhen = \"{cond}\"\neffects = {{ morale = 5 }}\nset = [\"x\"]\ngoto = \"end\"\n\n[[scenes.choices]]\nid = \"b\"\ntext = \"B\"\neffects = {{ satisfaction = 5 }}\nset = [\"x\"]\ngoto = \"end\"\n\n[[scenes]]\nid = \"end\"\ntext = \"End\"\nending = {{ title = \"E\", rating = \"solid\", debrief = \"D\" }}\n"
    )
}

/// The line of `when` in [`with_condition`].
fn when_line() -> usize {
    head_lines() + 9
}

#[test]
fn conditions_nested_ten_thousand_deep_are_errors_not_crashes() {
    let line = when_line();
    let deep = [
        format!("{}morale > 1{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("{}x", "not ".repeat(10_000)),
        format!("{}x", "!".repeat(10_000)),
        "(".repeat(10_000),
    ];
    for cond in deep {
        let n = cond.chars().count();
        assert_eq!(
            diagnostics(with_condition(&cond)),
            [format!(
                "hostile.toml:{line}:9: error: this condition is {n} characters long, more than the 1000 allowed"
            )]
        );
    }
    // Short enough, but too deep: reported at the first level past the limit.
    for (cond, col) in [
        (format!("{}x", "(".repeat(400)), 9 + 64),
        (format!("{}x", "!".repeat(400)), 9 + 64),
        (format!("{}x", "not ".repeat(200)), 9 + 4 * 64),
    ] {
        assert_eq!(
            diagnostics(with_condition(&cond)),
            [format!(
                "hostile.toml:{line}:{col}: error: this condition nests deeper than 64 levels (each '(' and 'not' is a level)"
            )]
        );
    }
    // At the limit it loads.
    let ok = format!(
        "{}morale > 1 or x{}",
        "(".repeat(MAX_CONDITION_DEPTH),
        ")".repeat(MAX_CONDITION_DEPTH)
    );
    assert_eq!(diagnostics(with_condition(&ok)), Vec::<String>::new());
}

/// Emphasis nested `n` deep: `*a _a *a ... word ... a* a_ a*`.
fn nested_emphasis(n: usize, word: &str) -> String {
    let mark = |i: usize| if i.is_multiple_of(2) { '*' } else { '_' };
    let mut out = String::new();
    for i in 0..n {
        let _ = write!(out, "{}a ", mark(i));
    }
    out.push_str(word);
    for i in (0..n).rev() {
        let _ = write!(out, " a{}", mark(i));
    }
    out
}

fn tree_depth(items: &[Inline]) -> usize {
    items
        .iter()
        .map(|i| match i {
            Inline::Text(_) => 0,
            Inline::Emphasis(inner) | Inline::Strong(inner) => 1 + tree_depth(inner),
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn emphasis_nested_thousands_deep_is_rejected_and_parsed_flat() {
    let text = nested_emphasis(3_000, "deep");
    let src = format!(
        "{HEAD}\n[[scenes]]\nid = \"start\"\ntext = \"{text}\"\n\n[[scenes.choices]]\nid = \"a\"\ntext = \"A\"\neffects = {{ morale = 5 }}\ngoto = \"end\"\n\n[[scenes.choices]]\nid = \"b\"\ntext = \"B\"\neffects = {{ satisfaction = 5 }}\ngoto = \"end\"\n\n[[scenes]]\nid = \"end\"\ntext = \"End\"\nending = {{ title = \"E\", rating = \"solid\", debrief = \"D\" }}\n"
    );
    assert_eq!(
        diagnostics(src),
        [format!(
            "hostile.toml:{}:8: error: this text nests emphasis deeper than 16 levels ('*' and '_' inside each other)",
            head_lines() + 4
        )]
    );
    assert_eq!(markdown::depth(&nested_emphasis(17, "x")), 17);
    // The parser itself keeps the tree within the limit, whatever it is given.
    let text = nested_emphasis(5_000, "deep");
    let depth = small_stack(move || {
        let blocks = markdown::parse(&text);
        let plain = markdown::plain_blocks(&blocks);
        assert!(plain.contains("deep"));
        blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(items) => tree_depth(items),
                Block::List { items, .. } => items.iter().map(|i| tree_depth(i)).max().unwrap_or(0),
            })
            .max()
            .unwrap_or(0)
    });
    assert_eq!(depth, MAX_TEXT_DEPTH);
}

/// Compiled bytes with a text or condition nested far past any limit (forged, since the
/// loader never makes them) are rejected when read, not followed down.
#[test]
fn forged_compiled_bytes_cannot_nest_without_end() {
    let sample = include_str!("fixtures/sample.toml");
    let scenario = load("sample.toml", sample).expect("sample loads").scenario;
    // A text 10,000 levels deep.
    let (deep_text, deep_cond) = big_stack(move || {
        let mut inline = vec![Inline::Text("x".into())];
        for _ in 0..10_000 {
            inline = vec![Inline::Emphasis(inline)];
        }
        let texts = vec![("x".to_owned(), vec![Block::Paragraph(inline)])];
        // The real header (magic and format byte), then a forged body.
        let mut bytes = compiled::compile(&scenario)[..4].to_vec();
        bytes.extend(postcard::to_allocvec(&(&scenario, &texts)).expect("serialises"));
        // A condition 10,000 levels deep on a trigger.
        let mut scenario = scenario;
        let mut cond = scenario.triggers[0].when.clone();
        for _ in 0..10_000 {
            cond = frontline_engine::condition::Cond::Not(Box::new(cond));
        }
        scenario.triggers[0].when = cond;
        let cond_bytes = compiled::compile(&scenario);
        std::mem::forget(scenario);
        std::mem::forget(texts);
        (bytes, cond_bytes)
    });
    for bytes in [deep_text, deep_cond] {
        let result = small_stack(move || compiled::read_with_texts(&bytes).map(|_| ()));
        let err = result.expect_err("forged bytes are rejected");
        assert!(matches!(err, compiled::CompiledError::Corrupt(_)), "{err}");
    }
}

/// A scenario whose scene `start` has `n` choices to `end`.
fn many_choices(n: usize) -> String {
    let mut src = format!("{HEAD}\n[[scenes]]\nid = \"start\"\ntext = \"Go\"\n");
    for i in 0..n {
        let _ = write!(
            src,
            "\n[[scenes.choices]]\nid = \"c{i}\"\ntext = \"C\"\neffects = {{ morale = 1, satisfaction = 1 }}\ngoto = \"end\"\n"
        );
    }
    src.push_str("\n[[scenes]]\nid = \"end\"\ntext = \"End\"\nending = { title = \"E\", rating = \"solid\", debrief = \"D\" }\n");
    src
}

#[test]
fn a_hundred_thousand_choices_in_one_scene_are_checked_in_linear_time() {
    let n = 100_000;
    let src = many_choices(n);
    // Choice 100 (0-based) starts after the scene's 4 lines and 100 choices of 6 lines.
    let line = head_lines() + 4 + 6 * MAX_CHOICES + 3;
    assert_eq!(
        diagnostics(src),
        [format!(
            "hostile.toml:{line}:6: error: scene 'start' has {n} choices, more than the 100 allowed"
        )]
    );
    // At the limit it loads.
    assert_eq!(diagnostics(many_choices(MAX_CHOICES)), Vec::<String>::new());
}

/// `n` scenes in a chain; `goto` names each next scene through `target`.
fn chain(n: usize, id: impl Fn(usize) -> String, target: impl Fn(usize) -> String) -> String {
    let mut src = HEAD.to_owned();
    for i in 0..n {
        let _ = write!(
            src,
            "\n[[scenes]]\nid = \"{}\"\ntext = \"S\"\n\n[[scenes.choices]]\nid = \"a\"\ntext = \"A\"\neffects = {{ morale = 1 }}\ngoto = \"{}\"\n\n[[scenes.choices]]\nid = \"b\"\ntext = \"B\"\neffects = {{ satisfaction = 1 }}\ngoto = \"end\"\n",
            id(i),
            target(i)
        );
    }
    src.push_str("\n[[scenes]]\nid = \"end\"\ntext = \"End\"\nending = { title = \"E\", rating = \"solid\", debrief = \"D\" }\n");
    src
}

/// Lines per scene in [`chain`].
const CHAIN_LINES: usize = 16;

#[test]
fn twenty_five_thousand_misspelt_gotos_are_each_reported() {
    let n = 25_000;
    let diags = diagnostics(chain(n, |i| format!("s{i}"), |i| format!("s{}x", i + 1)));
    let first_goto = head_lines() + 10;
    assert_eq!(diags.len(), n + 1, "{:?}", &diags[..3]);
    assert_eq!(
        diags[0],
        format!(
            "hostile.toml:{first_goto}:8: error: choice 'a' goes to unknown scene 's1x' (did you mean 's1'?)"
        )
    );
    // The limit on scenes is reported at the first scene past it.
    let limit = diags
        .iter()
        .find(|d| d.contains("scenes, more than"))
        .expect("the scene limit is reported");
    assert_eq!(
        *limit,
        format!(
            "hostile.toml:{}:6: error: the scenario has 25001 scenes, more than the 10000 allowed",
            head_lines() + 3 + CHAIN_LINES * MAX_SCENES
        )
    );
    // Every unknown scene is reported, suggestion or not (suggestions stop after a fixed
    // amount of work).
    assert!(
        diags
            .iter()
            .filter(|d| d.contains("goes to unknown scene"))
            .count()
            == n
    );
}

#[test]
fn twenty_five_thousand_duplicate_scene_ids_are_each_reported() {
    let n = 25_000;
    let diags = diagnostics(chain(n, |_| "s".to_owned(), |_| "s".to_owned()));
    // "First used" names the line of the scene's header; the error points at its id.
    let first = head_lines() + 2;
    let dups: Vec<&String> = diags.iter().filter(|d| d.contains("duplicate")).collect();
    assert_eq!(dups.len(), n - 1);
    assert_eq!(
        *dups[0],
        format!(
            "hostile.toml:{}:6: error: duplicate scene id 's' (first used on line {first})",
            first + 1 + CHAIN_LINES
        )
    );
}

#[test]
fn a_thirty_thousand_character_id_with_a_typo_is_reported_briefly() {
    let long = "a".repeat(30_000);
    let typo = format!("{}b", "a".repeat(29_999));
    let src = chain(1, move |_| long.clone(), move |_| typo.clone());
    let diags = diagnostics(src);
    let a20 = "a".repeat(20);
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert_eq!(
        diags[0],
        format!(
            "hostile.toml:{}:6: error: scene id '{a20}\u{2026}' is 30000 characters long, more than the 100 allowed",
            head_lines() + 3
        )
    );
    assert_eq!(
        diags[1],
        format!(
            "hostile.toml:{}:8: error: choice 'a' goes to '{a20}\u{2026}', which is not a scene id (it is 30000 characters long; ids have at most 100)",
            head_lines() + 10
        )
    );
    // Whatever it quotes, no message is long.
    assert!(diags.iter().all(|d| d.len() < 500), "{diags:?}");
}

#[test]
fn outcome_weights_cannot_overflow() {
    let n = 4_295;
    let mut src = format!(
        "{HEAD}\n[[scenes]]\nid = \"start\"\ntext = \"Go\"\n\n[[scenes.choices]]\nid = \"a\"\ntext = \"A\"\ngoto = \"end\"\n\n[[scenes.choices]]\nid = \"gamble\"\ntext = \"G\"\neffects = {{ morale = 1, satisfaction = 1 }}\n"
    );
    for i in 0..n {
        let _ = write!(
            src,
            "\n[[scenes.choices.outcomes]]\nid = \"o{i}\"\nweight = 1000000\ntext = \"O\"\ngoto = \"end\"\n"
        );
    }
    src.push_str("\n[[scenes]]\nid = \"end\"\ntext = \"End\"\nending = { title = \"E\", rating = \"solid\", debrief = \"D\" }\n");
    // Outcome 100 starts after the scene (4 lines), choice a (5), choice gamble (5) and 100
    // outcomes of 6 lines.
    let line = head_lines() + 4 + 5 + 5 + 6 * MAX_OUTCOMES + 3;
    assert_eq!(
        diagnostics(src),
        [format!(
            "hostile.toml:{line}:6: error: choice 'gamble' has {n} chance outcomes, more than the 100 allowed"
        )]
    );
}

#[test]
fn a_choice_index_of_u64_max_is_an_error() {
    let sample = include_str!("fixtures/sample.toml");
    let scenario = Arc::new(load("sample.toml", sample).expect("loads").scenario);
    let mut session = Session::new(scenario.clone(), 1);
    assert!(session.choose_index(usize::MAX).is_err());
    assert!(Session::replay_indexes(scenario, 1, &[usize::MAX]).is_err());
}

#[test]
fn deeply_nested_toml_values_are_errors_not_crashes() {
    let arrays = format!(
        "{HEAD}\nextra = {}1{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let tables = format!(
        "{HEAD}\nextra = {}1{}\n",
        "{a=".repeat(10_000),
        "}".repeat(10_000)
    );
    let headers = format!("{HEAD}\n[{}]\n", vec!["a"; 10_000].join("."));
    for src in [arrays, tables, headers] {
        let diags = diagnostics(src);
        assert!(!diags.is_empty());
        assert!(diags.iter().all(|d| d.len() < 500), "{diags:?}");
    }
}

/// The bound on the state search's steps leaves room for every bundled scenario: each is
/// explored completely, so its "never reached" warnings are still given.
#[test]
fn the_state_search_still_covers_every_bundled_scenario() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    for entry in std::fs::read_dir(dir).expect("scenarios") {
        let path = entry.expect("entry").path();
        let src = std::fs::read_to_string(&path).expect("readable");
        let scenario = load("s.toml", &src)
            .expect("bundled scenario loads")
            .scenario;
        assert!(
            frontline_engine::analysis::explore(&scenario, 50_000).is_some(),
            "{}",
            path.display()
        );
    }
}
