//! A small text-mode player for authors.

use std::io::BufRead;
use std::sync::Arc;

use anyhow::Result;
use frontline_engine::{Event, Scenario, Session, markdown};

/// A seed from the clock, for a different playthrough each time.
pub fn fresh_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
}

pub fn run(scenario: Scenario, seed: u64, input: &mut dyn BufRead) -> Result<()> {
    let scenario = Arc::new(scenario);
    let mut session = Session::new(scenario.clone(), seed);
    println!(
        "{}\n{}\n(seed {seed})\n",
        scenario.meta.title, scenario.meta.summary
    );
    loop {
        let scene = session.scene();
        if let Some(speaker) = &scene.speaker {
            println!("[{speaker}]");
        }
        println!("{}\n", markdown::plain(session.scene_text()));
        if let Some(ending) = session.ending() {
            println!("== {} ({}) ==", ending.title, ending.rating.as_str());
            println!("{}\n", markdown::plain(&ending.debrief));
            println!(
                "score {} (pass mark {}: {})\nsession code: {}",
                session.score(),
                scenario.scoring.pass_mark(),
                if session.verdict().is_some_and(|v| v.passed) {
                    "passed"
                } else {
                    "not passed"
                },
                frontline_engine::code::encode(&session)
            );
            return Ok(());
        }
        let choices: Vec<(usize, String)> = session
            .available_choices()
            .map(|(i, c)| (i, c.text.clone()))
            .collect();
        for (n, (_, text)) in choices.iter().enumerate() {
            println!("  {}. {}", n + 1, markdown::plain(text));
        }
        let pick = loop {
            println!("choose 1-{}:", choices.len());
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                println!("(input ended)");
                return Ok(());
            }
            match line.trim().parse::<usize>() {
                Ok(n) if (1..=choices.len()).contains(&n) => break choices[n - 1].0,
                _ => println!("please type a number from 1 to {}", choices.len()),
            }
        };
        let events = session.choose_index(pick)?;
        let choice = &scenario
            .scene(session.history()[session.history().len() - 1].scene)
            .choices()[pick];
        for e in &events {
            match e {
                Event::ChanceDrawn {
                    outcome,
                    weight,
                    total,
                    ..
                } => {
                    if let frontline_engine::scenario::Next::Chance(os) = &choice.next {
                        println!(
                            "(chance: {} of {} — {})",
                            weight,
                            total,
                            markdown::plain(&os[*outcome].text)
                        );
                    }
                }
                Event::MeterChanged {
                    meter,
                    before,
                    after,
                } => {
                    println!("  {} {before} -> {after}", scenario.meters[meter.0].label)
                }
                Event::TriggerFired { trigger } => {
                    println!("! {}", markdown::plain(&scenario.triggers[trigger.0].text))
                }
                _ => {}
            }
        }
        if let Some(feedback) = &choice.feedback {
            println!("\n{}\n", markdown::plain(feedback));
        }
    }
}
