//! Checks across a library of scenarios: names that belong to one scenario turning up in
//! another as someone or something else.
//!
//! Two rules, each a warning on the later of two files (in the order given):
//!
//! - **People.** A cast name is split into a first name and a surname after any title (Mr,
//!   Mrs, Ms, Miss, Mx, Dr): "Mrs Okafor" has only a surname, "Kofi" only a first name. Two
//!   cast entries of different scenarios are the same recurring character when their names
//!   and roles are equal (ignoring case); otherwise a shared full name, first name or surname
//!   is a warning, because a learner who plays both meets one name as two people.
//! - **Organisations.** A run of two or more capitalised words whose first word is a proper
//!   name (it never appears in lower case in any text of the library, is not a title and does
//!   not start a cast name or a credited author or model, and is not a day or a month), such
//!   as "Wayfarer Trips", is
//!   taken for an organisation's name. The same first word continued differently in two
//!   scenarios ("Wayfarer Holidays") is a warning: one organisation spelled two ways, or two
//!   organisations too alike to tell apart.

use std::collections::{HashMap, HashSet};

use crate::diag::{Diagnostic, Sink};
use crate::scenario::Scenario;

/// One scenario of the library, with its file name and source text (for positions).
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The file name, as in diagnostics.
    pub file: &'a str,
    /// The file's text.
    pub src: &'a str,
    /// The loaded scenario.
    pub scenario: &'a Scenario,
}

const TITLES: [&str; 6] = ["mr", "mrs", "ms", "miss", "mx", "dr"];

/// Days and months: proper names that start runs ("Wednesday Kasia") but name no organisation.
const CALENDAR: [&str; 19] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "christmas",
];

/// A cast name's parts, lower-cased: (full name without title, first name, surname).
fn name_parts(name: &str) -> (String, Option<String>, Option<String>) {
    let words: Vec<String> = name
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let titled = words.first().is_some_and(|w| TITLES.contains(&w.as_str()));
    let rest = if titled { &words[1..] } else { &words[..] };
    let full = rest.join(" ");
    match rest {
        [] => (full, None, None),
        [one] if titled => (full, None, Some(one.clone())),
        [one] => (full, Some(one.clone()), None),
        [first, .., last] => (full, Some(first.clone()), Some(last.clone())),
    }
}

/// Every piece of prose in a scenario, for the organisation rule.
fn prose(s: &Scenario) -> Vec<&str> {
    let mut texts = crate::compiled::text_keys(s);
    let m = &s.meta;
    texts.extend([m.title.as_str(), &m.summary, &m.role, &m.team]);
    for c in &s.cast {
        texts.extend([c.role.as_str(), &c.about]);
    }
    for scene in &s.scenes {
        if let Some(e) = scene.ending() {
            texts.push(&e.title);
        }
    }
    texts
}

/// Runs of two or more capitalised words: (start byte, the run).
fn capitalised_runs(text: &str) -> Vec<(usize, &str)> {
    let mut runs = Vec::new();
    let words: Vec<(usize, &str)> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
        .collect();
    let capital = |w: &str| {
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)
    };
    let mut i = 0;
    while i < words.len() {
        let mut j = i;
        // Consecutive capitalised words separated by one space only.
        while j + 1 < words.len()
            && capital(words[j].1)
            && capital(words[j + 1].1)
            && text[words[j].0 + words[j].1.len()..words[j + 1].0] == *" "
        {
            j += 1;
        }
        if j > i {
            let start = words[i].0;
            runs.push((start, &text[start..words[j].0 + words[j].1.len()]));
            i = j + 1;
        } else {
            i += 1;
        }
    }
    runs
}

/// The library-wide warnings, one list per entry, in the entries' order.
pub fn library_warnings(entries: &[Entry]) -> Vec<Vec<Diagnostic>> {
    let mut sinks: Vec<Sink> = entries.iter().map(|e| Sink::new(e.file, e.src)).collect();
    cast_warnings(entries, &mut sinks);
    organisation_warnings(entries, &mut sinks);
    sinks.into_iter().map(Sink::finish).collect()
}

/// Where a text first appears in a file, for the warning's position.
fn span_of(src: &str, needle: &str) -> std::ops::Range<usize> {
    let at = src.find(needle).unwrap_or(0);
    at..at
        + if at == 0 && !src.starts_with(needle) {
            0
        } else {
            needle.len()
        }
}

fn cast_warnings(entries: &[Entry], sinks: &mut [Sink]) {
    for (b, later) in entries.iter().enumerate() {
        for member in &later.scenario.cast {
            let (full, first, surname) = name_parts(&member.name);
            let found = entries[..b].iter().find_map(|earlier| {
                earlier.scenario.cast.iter().find_map(|other| {
                    let (o_full, o_first, o_surname) = name_parts(&other.name);
                    let same_person = o_full == full
                        && other.role.trim().eq_ignore_ascii_case(member.role.trim());
                    if same_person {
                        return None;
                    }
                    let what = if o_full == full && !full.is_empty() {
                        format!(
                            "the name '{}' is also in the cast of {} with another role ('{}', here '{}')",
                            member.name, earlier.file, other.role, member.role
                        )
                    } else if first.is_some() && o_first == first {
                        format!(
                            "the first name of '{}' is also in the cast of {}: '{}' ({})",
                            member.name, earlier.file, other.name, other.role
                        )
                    } else if surname.is_some() && o_surname == surname {
                        format!(
                            "the surname of '{}' is also in the cast of {}: '{}' ({})",
                            member.name, earlier.file, other.name, other.role
                        )
                    } else {
                        return None;
                    };
                    Some(what)
                })
            });
            if let Some(what) = found {
                let span = span_of(later.src, &format!("\"{}\"", member.name));
                sinks[b].warning(
                    span,
                    format!("{what}; a learner who plays both meets one name as two people, so give each scenario its own names"),
                );
            }
        }
    }
}

fn organisation_warnings(entries: &[Entry], sinks: &mut [Sink]) {
    let texts: Vec<Vec<&str>> = entries.iter().map(|e| prose(e.scenario)).collect();
    let mut lower: HashSet<String> = HashSet::new();
    for text in texts.iter().flatten() {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if word.chars().next().is_some_and(char::is_lowercase) {
                lower.insert(word.to_owned());
            }
        }
    }
    let mut not_organisations: HashSet<String> = TITLES
        .iter()
        .chain(&CALENDAR)
        .map(|t| (*t).to_owned())
        .collect();
    for e in entries {
        let s = e.scenario;
        let people = s.cast.iter().map(|c| c.name.as_str());
        let credited = s
            .credits
            .iter()
            .flat_map(|c| [c.author.as_str(), c.model.as_str()]);
        for name in people.chain(credited) {
            if let Some(first) = name.split_whitespace().next() {
                not_organisations.insert(first.to_lowercase());
            }
        }
    }
    // First word -> (entry, the run) for the first run met with that first word.
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    for (i, list) in texts.iter().enumerate() {
        let mut warned: HashSet<String> = HashSet::new();
        for text in list {
            for (_, run) in capitalised_runs(text) {
                // Ordinary words that begin a sentence ("Then Wayfarer Trips") are not part
                // of the name.
                let mut run = run;
                while let Some((head, rest)) = run.split_once(' ') {
                    if !lower.contains(&head.to_lowercase()) {
                        break;
                    }
                    run = rest;
                }
                let Some((head, _)) = run.split_once(' ') else {
                    continue;
                };
                let key = head.to_lowercase();
                if lower.contains(&key) || not_organisations.contains(&key) {
                    continue;
                }
                match seen.get(&key) {
                    None => {
                        seen.insert(key, (i, run.to_owned()));
                    }
                    Some((j, other))
                        if *j != i && other != run && warned.insert(run.to_owned()) =>
                    {
                        let span = span_of(entries[i].src, run);
                        sinks[i].warning(
                            span,
                            format!(
                                "'{run}' looks like '{other}' in {}: one organisation spelled two ways, or two too alike to tell apart; use one name, or a distinct one",
                                entries[*j].file
                            ),
                        );
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small scenario with this cast (name, role) and this scene text.
    fn scenario_src(id: &str, cast: &[(&str, &str)], text: &str) -> String {
        let mut src = format!(
            "[scenario]\nid = \"{id}\"\ntitle = \"T\"\nsummary = \"s\"\nrole = \"r\"\nteam = \"t\"\n\
             minutes = 1\nlanguage = \"en\"\nversion = 1\nauthors = [\"a\"]\n"
        );
        for (name, role) in cast {
            src += &format!("[[cast]]\nname = \"{name}\"\nrole = \"{role}\"\nabout = \"x\"\n");
        }
        src += &format!(
            "[meters.morale]\nlabel = \"M\"\nstart = 50\n[meters.satisfaction]\nlabel = \"S\"\nstart = 50\n\
             [[scenes]]\nid = \"s\"\ntext = \"{text}\"\nfacilitator_note = \"f\"\ndiscussion = \"d\"\n\
             [[scenes.choices]]\nid = \"a\"\ntext = \"a\"\neffects = {{ morale = 1, satisfaction = 1 }}\nfeedback = \"f\"\ngoto = \"e1\"\n\
             [[scenes.choices]]\nid = \"b\"\ntext = \"b\"\nfeedback = \"f\"\ngoto = \"e2\"\n\
             [[scenes]]\nid = \"e1\"\ntext = \"e\"\nending = {{ title = \"E1\", rating = \"exemplary\", debrief = \"d\" }}\n\
             [[scenes]]\nid = \"e2\"\ntext = \"e\"\nending = {{ title = \"E2\", rating = \"failing\", debrief = \"d\" }}\n"
        );
        src
    }

    /// The library warnings for these scenarios: (file, line, message) per warning.
    fn warnings(files: &[(&str, String)]) -> Vec<(String, usize, String)> {
        let loaded: Vec<Scenario> = files
            .iter()
            .map(|(file, src)| match crate::load(file, src) {
                Ok(l) if l.warnings.is_empty() => l.scenario,
                Ok(l) => panic!("{:?}", l.warnings),
                Err(e) => panic!("{e:?}"),
            })
            .collect();
        let entries: Vec<Entry> = files
            .iter()
            .zip(&loaded)
            .map(|((file, src), scenario)| Entry {
                file,
                src,
                scenario,
            })
            .collect();
        library_warnings(&entries)
            .into_iter()
            .flatten()
            .map(|d| (d.file, d.line, d.message))
            .collect()
    }

    #[test]
    fn one_name_two_people_is_a_warning_on_the_later_file() {
        let found = warnings(&[
            (
                "a.toml",
                scenario_src("a", &[("Priya Nair", "Senior agent")], "Hello."),
            ),
            (
                "b.toml",
                scenario_src(
                    "b",
                    &[("Ben Hall", "Agent"), ("Priya Nair", "Customer")],
                    "Hi.",
                ),
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        let (file, line, message) = &found[0];
        assert_eq!((file.as_str(), *line), ("b.toml", 16));
        assert!(
            message.starts_with("the name 'Priya Nair' is also in the cast of a.toml with another role ('Senior agent', here 'Customer')"),
            "{message}"
        );
    }

    #[test]
    fn a_recurring_character_with_the_same_role_is_not_a_warning() {
        let found = warnings(&[
            (
                "a.toml",
                scenario_src("a", &[("Priya Nair", "Senior agent")], "Hello."),
            ),
            (
                "b.toml",
                scenario_src("b", &[("Priya Nair", "senior agent")], "Hi."),
            ),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn shared_first_names_and_surnames_are_warnings() {
        let found = warnings(&[
            (
                "a.toml",
                scenario_src(
                    "a",
                    &[
                        ("Priya Nair", "Senior agent"),
                        ("Daniel Okafor", "Customer"),
                    ],
                    "Hello.",
                ),
            ),
            (
                "b.toml",
                scenario_src(
                    "b",
                    &[
                        ("Priya", "Agent"),
                        ("Mrs Okafor", "Customer"),
                        ("Leo Marsh", "Agent"),
                    ],
                    "Hi.",
                ),
            ),
        ]);
        let messages: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].starts_with(
            "the first name of 'Priya' is also in the cast of a.toml: 'Priya Nair' (Senior agent)"
        ));
        assert!(messages[1].starts_with(
            "the surname of 'Mrs Okafor' is also in the cast of a.toml: 'Daniel Okafor' (Customer)"
        ));
    }

    #[test]
    fn one_organisation_in_two_spellings_is_a_warning() {
        let found = warnings(&[
            (
                "a.toml",
                scenario_src("a", &[], "She booked with Wayfarer Holidays, then flew."),
            ),
            (
                "b.toml",
                scenario_src("b", &[], "Then Wayfarer Trips cancelled. Mr Hale rang."),
            ),
            (
                "c.toml",
                scenario_src("c", &[], "Mr Osei rang Lumen Energy."),
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        let (file, _, message) = &found[0];
        assert_eq!(file, "b.toml");
        assert!(
            message.starts_with("'Wayfarer Trips' looks like 'Wayfarer Holidays' in a.toml"),
            "{message}"
        );
    }

    #[test]
    fn name_parts_strip_titles() {
        assert_eq!(
            name_parts("Mrs Grace Okafor"),
            (
                "grace okafor".into(),
                Some("grace".into()),
                Some("okafor".into())
            )
        );
        assert_eq!(name_parts("Mrs Okafor").2.as_deref(), Some("okafor"));
        assert_eq!(name_parts("Mrs Okafor").1, None);
        assert_eq!(name_parts("Kofi").1.as_deref(), Some("kofi"));
        assert_eq!(name_parts("Kofi").2, None);
    }

    #[test]
    fn runs_of_capitalised_words() {
        let runs: Vec<&str> =
            capitalised_runs("Booked with Wayfarer Trips. Then Ana Silva, CSAT Desk")
                .into_iter()
                .map(|(_, r)| r)
                .collect();
        assert_eq!(runs, ["Wayfarer Trips", "Then Ana Silva"]);
    }
}
