//! The scene graph as Mermaid or Graphviz DOT.

use std::fmt::Write as _;

use frontline_engine::Scenario;
use frontline_engine::scenario::Next;

/// Edges as (from, to, label).
fn edges(scenario: &Scenario) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for (i, scene) in scenario.scenes.iter().enumerate() {
        for choice in scene.choices() {
            match &choice.next {
                Next::Scene(t) => out.push((i, t.0, choice.id.clone())),
                Next::Chance(os) => {
                    for o in os {
                        out.push((i, o.goto.0, format!("{} ({})", choice.id, o.id)));
                    }
                }
            }
        }
    }
    out
}

fn quote(s: &str) -> String {
    s.replace('"', "'")
}

pub fn mermaid(scenario: &Scenario) -> String {
    let mut out = String::from("flowchart TD\n");
    for (i, scene) in scenario.scenes.iter().enumerate() {
        let label = match scene.ending() {
            Some(e) => format!("{}: {} ({})", scene.id, e.title, e.rating.as_str()),
            None => scene.id.clone(),
        };
        let (open, close) = if scene.ending().is_some() {
            ("([", "])")
        } else {
            ("[", "]")
        };
        let _ = writeln!(out, "  s{i}{open}\"{}\"{close}", quote(&label));
    }
    for (from, to, label) in edges(scenario) {
        let _ = writeln!(out, "  s{from} -->|\"{}\"| s{to}", quote(&label));
    }
    let _ = writeln!(out, "  style s{} stroke-width:3px", scenario.start.0);
    out
}

pub fn dot(scenario: &Scenario) -> String {
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=TB;\n",
        quote(&scenario.meta.id)
    );
    for (i, scene) in scenario.scenes.iter().enumerate() {
        let (label, shape) = match scene.ending() {
            Some(e) => (
                format!("{}\\n{} ({})", scene.id, e.title, e.rating.as_str()),
                "doubleoctagon",
            ),
            None => (scene.id.clone(), "box"),
        };
        let _ = writeln!(out, "  s{i} [label=\"{}\", shape={shape}];", quote(&label));
    }
    for (from, to, label) in edges(scenario) {
        let _ = writeln!(out, "  s{from} -> s{to} [label=\"{}\"];", quote(&label));
    }
    out.push_str("}\n");
    out
}
