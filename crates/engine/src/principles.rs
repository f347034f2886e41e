//! The leadership ideas scenarios teach, with the tags scenario files use and the people who
//! described them. Scenario choices name these tags in `applies` and `violates`; the loader
//! rejects any other tag.
//!
//! Each idea comes in two parts. [`ALL`] holds what a screen needs at once (tag, name,
//! author and a one-line explanation, shown after a choice); [`CARDS`] holds each idea's card
//! (what it says, the source article and a question to reflect on), which the web app
//! fetches only when a card is opened: the build writes them to a small text file
//! ([`cards_file`], read back with [`parse_cards`]), so the card texts stay out of the app's
//! first download. All the texts are Frontline's own words.

use serde::Serialize;

/// A leadership idea a choice can apply or violate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Principle {
    /// The tag used in scenario files, e.g. `ved`.
    pub tag: &'static str,
    /// A short name for the debrief.
    pub name: &'static str,
    /// Who described the idea.
    pub author: &'static str,
    /// The idea in one line, shown beside a choice that applied or went against it.
    pub line: &'static str,
}

/// An idea's card: the longer explanation a learner opens from the one-line one. `S` is
/// `&'static str` in [`CARDS`] and `String` when read back from the cards file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Card<S> {
    /// The idea's tag.
    pub tag: S,
    /// What the idea says, in two or three sentences.
    pub says: S,
    /// The article the idea comes from.
    pub source: S,
    /// A question for the learner (or a facilitator) to reflect on.
    pub question: S,
}

/// The name of the cards file in the web bundle.
pub const CARDS_FILE: &str = "ideas.txt";

const SMART: &str = "John Smart";
const SMART_SRC: &str =
    "\"Why We Need Customer Service Leadership\", guest post on Shep Hyken's blog";
const LICS: &str = "Customer service training module";
const LICS_SRC: &str = "\"Leadership in Customer Service\"";
const MARTINS: &str = "Flavio Martins";
const LEGACY_SRC: &str = "\"Your Legacy of Customer Service Leadership\"";
const MYATT: &str = "Flavio Martins, adapting Mike Myatt";
const NOBLE_SRC: &str =
    "\"7 Noble Pursuits of Great Customer Service Leaders\", after Myatt's \"Hacking Leadership\"";
const ROCKWELL: &str = "Dan Rockwell (Leadership Freak)";
const ROCKWELL_SRC: &str =
    "quoted in Flavio Martins' \"7 Noble Pursuits of Great Customer Service Leaders\"";
const KRAUTZEL: &str = "John Krautzel";
const KRAUTZEL_SRC: &str = "\"Brilliant Leadership Is a CS Requirement\"";

macro_rules! principle {
    ($tag:literal, $name:literal, $author:expr, $line:literal) => {
        Principle {
            tag: $tag,
            name: $name,
            author: $author,
            line: $line,
        }
    };
}

macro_rules! card {
    ($tag:literal, $source:expr, $says:literal, $question:literal) => {
        Card {
            tag: $tag,
            says: $says,
            source: $source,
            question: $question,
        }
    };
}

/// Every principle, in the order the debrief lists them.
pub const ALL: &[Principle] = &[
    principle!(
        "lead-not-manage",
        "Lead, don't only manage",
        SMART,
        "Managing runs the process; leading gives people a reason to care about the result."
    ),
    principle!(
        "ved",
        "Vision, Engagement, Delivery (V.E.D.)",
        SMART,
        "See the chance inside the problem, win people over by talking it through, then see it done."
    ),
    principle!(
        "golden-thread",
        "The golden thread",
        SMART,
        "Leadership is needed at every level, the front-line lead included, not only at the top."
    ),
    principle!(
        "vitals",
        "Know yourself (V.I.T.A.L.S.)",
        LICS,
        "Know your own values, habits and temper, above all under pressure, before asking others to change."
    ),
    principle!(
        "formal-informal",
        "Formal and informal leaders",
        LICS,
        "A title lets you organise; people follow whoever shares their goals and knows the work."
    ),
    principle!(
        "excellent-leader",
        "Traits of an excellent leader",
        LICS,
        "Manage yourself, think ahead, speak plainly, own results and build a team that lasts."
    ),
    principle!(
        "boss-as-customer",
        "Your boss is a customer too",
        LICS,
        "Serve your own manager as an internal customer: keep your promises and your integrity."
    ),
    principle!(
        "inverted-pyramid",
        "The inverted pyramid",
        LICS,
        "Customers on top, the front line next; leaders sit underneath and hold everyone up."
    ),
    principle!(
        "walk-the-talk",
        "Walk the talk",
        LICS,
        "Teams copy what their lead does, not what their lead says."
    ),
    principle!(
        "excellence-in-others",
        "Bring out excellence in others",
        MARTINS,
        "What lasts is the ability you drew out of others, by example rather than by rank."
    ),
    principle!(
        "neither-rebel-nor-yes-man",
        "Neither rebel nor yes-man",
        MARTINS,
        "Don't fight every idea from above or nod each one through: argue with reasons, then commit."
    ),
    principle!(
        "clarity",
        "Clarity of purpose",
        MYATT,
        "Know what each decision that touches a customer is meant to achieve."
    ),
    principle!(
        "creativity",
        "Creativity in service",
        MYATT,
        "Look for fresh ways to serve instead of repeating the script."
    ),
    principle!(
        "talent",
        "Talent in service",
        MYATT,
        "Bring skill and care to each action, and match people to the work that suits them."
    ),
    principle!(
        "change",
        "Change how service happens",
        MYATT,
        "When the old way is failing customers, change how the service works."
    ),
    principle!(
        "wisdom",
        "Wisdom: make it simpler",
        MYATT,
        "Make service simpler and more direct, aimed at the result the customer needs."
    ),
    principle!(
        "character",
        "Character",
        MYATT,
        "Make the right call for the customer even when an easier one is on offer."
    ),
    principle!(
        "purpose",
        "Purpose across touch points",
        MYATT,
        "Join up every contact a customer has with you so the whole makes sense."
    ),
    principle!(
        "service",
        "Service",
        ROCKWELL,
        "Set out to add value and the chances to do it keep appearing."
    ),
    principle!(
        "development",
        "Development",
        ROCKWELL,
        "Grow yourself and your people now, in the middle of the work, not someday."
    ),
    principle!(
        "curiosity",
        "Curiosity",
        ROCKWELL,
        "Keep asking why and what else; better ways turn up for those who look."
    ),
    principle!(
        "optimism",
        "Optimism",
        ROCKWELL,
        "Trust that effort, adjusting as you go and persistence will pay off."
    ),
    principle!(
        "better",
        "Better over perfect",
        ROCKWELL,
        "Steady improvement beats waiting for perfect."
    ),
    principle!(
        "own-your-state",
        "Own your state",
        MARTINS,
        "You choose the energy you bring; a new desk or hard customers are neither cause nor cure."
    ),
    principle!(
        "value-employees",
        "Value your people",
        KRAUTZEL,
        "Notice good work often; set a high bar and let agents choose how to reach it."
    ),
    principle!(
        "others-success",
        "Put others' success first",
        KRAUTZEL,
        "Celebrate your people's wins before your own and treat each one as a person."
    ),
    principle!(
        "communicate-purpose",
        "Communicate purpose",
        KRAUTZEL,
        "Show each agent how their work serves the mission; customers judge you by them."
    ),
    principle!(
        "customer-first",
        "Customer first",
        KRAUTZEL,
        "The customer decides whether you succeeded; give the front line power to act for them."
    ),
    principle!(
        "lead-from-behind",
        "Lead from behind",
        KRAUTZEL,
        "Back the front line from behind and let an empowered team go the extra mile."
    ),
];

/// Every idea's card, in the order of [`ALL`].
pub const CARDS: &[Card<&str>] = &[
    card!(
        "lead-not-manage",
        SMART_SRC,
        "Managing organises the work: plans, rotas, reviews. Leading gives people a reason to do it well. A target or a rule can move this week's numbers; a reason people share keeps moving them.",
        "In your last hard week, which of your moves organised the work and which gave someone a reason to do it well?"
    ),
    card!(
        "ved",
        SMART_SRC,
        "Look ahead and find the opportunity in the obstacle, bring people on board through honest conversation, and follow through until the thing is done. The same goal lands very differently as a bare number than as an aim the team can share.",
        "Think of a target you passed on recently: did the team hear why it mattered, or only what it was?"
    ),
    card!(
        "golden-thread",
        SMART_SRC,
        "Leadership belongs at every level. The person running a service queue needs it as much as the chief executive, only on a smaller stage.",
        "Who on your team already leads without a title, and what do you do to back them?"
    ),
    card!(
        "vitals",
        LICS_SRC,
        "Values, Interests, Temperament, Around-the-clock habits, Life mission and Strengths: knowing your own patterns, above all how you react under pressure, before you ask others to change theirs.",
        "What do you do in the first minute when a shift goes wrong, and what does your team read from it?"
    ),
    card!(
        "formal-informal",
        LICS_SRC,
        "A title gives you resources to organise; it does not give you followers. People follow whoever shares their goals and knows the work. Persuade rather than impose, and treat everyone on the team alike.",
        "Who does your team turn to when they are stuck, and what would it take for that to be you as well?"
    ),
    card!(
        "excellent-leader",
        LICS_SRC,
        "Self-management, strategy, clear communication, accountability, persistent goals, vision, handling complexity, encouraging new ideas, building the team and keeping relationships for the long run.",
        "Which of these traits did this scenario test in you, and which would your team say you are still building?"
    ),
    card!(
        "boss-as-customer",
        LICS_SRC,
        "Your own manager is an internal customer: keep your promises to them and keep your integrity, in the same way you would for the people who buy from you.",
        "What did you last promise your manager, and did they hear from you before it slipped?"
    ),
    card!(
        "inverted-pyramid",
        LICS_SRC,
        "Put customers at the top, then the front line who serve them, then their leads, and senior leaders at the bottom holding everyone up.",
        "What did you do this week that made an agent's next customer conversation easier?"
    ),
    card!(
        "walk-the-talk",
        LICS_SRC,
        "A team copies what its lead does, not what its lead says. Service values stick when you show them yourself.",
        "Which of your own habits would you not want the team to copy?"
    ),
    card!(
        "excellence-in-others",
        LEGACY_SRC,
        "Products and targets pass; what lasts is the ability you drew out of other people. Lead by inspiration and example rather than by position or force.",
        "Whose skill on your team has grown because of something you did, and what was it?"
    ),
    card!(
        "neither-rebel-nor-yes-man",
        LEGACY_SRC,
        "A leader does not fight every idea from above, and does not nod every one through either. Push back with reasons, and commit once the call is made.",
        "When you last disagreed with a decision from above, did you say why, and did you commit afterwards?"
    ),
    card!(
        "clarity",
        NOBLE_SRC,
        "Every decision that touches a customer should be clear about what it is for. A rule nobody can explain tends to serve itself rather than the customer.",
        "Pick one rule your team follows: what is it for, and could every agent tell you?"
    ),
    card!(
        "creativity",
        NOBLE_SRC,
        "Look for new ways to serve instead of repeating the script. The way things have always been done is a starting point, not a limit.",
        "Which part of your script would a customer change if they could?"
    ),
    card!(
        "talent",
        NOBLE_SRC,
        "Put skill and care into each service action, and put the right people on the right work.",
        "Is each person on your team doing the work they are best at? If not, what stands in the way?"
    ),
    card!(
        "change",
        NOBLE_SRC,
        "Be willing to change how customers are served when the old way is failing them, even when the old way is familiar and safe for the team.",
        "Which process does your team work around most often, and what does that tell you?"
    ),
    card!(
        "wisdom",
        NOBLE_SRC,
        "Make the service simpler, more direct and focused on the result the customer needs. Every extra step is one more place for a customer to give up.",
        "Which step could you remove from a customer's journey without anyone missing it?"
    ),
    card!(
        "character",
        NOBLE_SRC,
        "Make the call that is right for the customer, even when an easier one is available and nobody would notice the difference today.",
        "When did you last take the harder option because it was right for the customer, and what did it cost you?"
    ),
    card!(
        "purpose",
        NOBLE_SRC,
        "Join up every contact the customer has with you so the whole experience makes sense. Customers do not see your departments, only whether the answers agree.",
        "If one customer spoke to three of your agents this week, would they get one answer or three?"
    ),
    card!(
        "service",
        ROCKWELL_SRC,
        "People who set out to add value keep finding chances to do it. Service is a habit of looking, not a job title.",
        "What did you do today that added value for someone rather than only closing a task?"
    ),
    card!(
        "development",
        ROCKWELL_SRC,
        "Grow yourself and the people around you now, while you serve, not later. The busy weeks are where most of the learning is.",
        "What did someone on your team learn this week because of you?"
    ),
    card!(
        "curiosity",
        ROCKWELL_SRC,
        "Ask why and what else. Better ways are found by people looking for what is not there yet.",
        "What question did you not ask in this scenario that might have changed how it went?"
    ),
    card!(
        "optimism",
        ROCKWELL_SRC,
        "Trust that effort, adjusting as you go and sticking with it will pay off. A team takes its cue from whether its lead still believes the plan can work.",
        "When a plan stalls, what do you say to the team the next morning?"
    ),
    card!(
        "better",
        ROCKWELL_SRC,
        "Waiting for perfect stalls a team; steady improvement frees it. A small fix this week beats a flawless one next quarter.",
        "What are you holding back until it is perfect that could help the team now?"
    ),
    card!(
        "own-your-state",
        NOBLE_SRC,
        "Boredom and frustration are not cured by a new desk or blamed on difficult customers. You choose the energy and purpose you bring.",
        "What drains your energy at work, and which part of it is yours to change?"
    ),
    card!(
        "value-employees",
        KRAUTZEL_SRC,
        "Notice and reward good work often. Set a high bar, then give agents room to decide how to meet it, so they own the result.",
        "When did you last thank someone for a specific piece of work, and did they hear exactly what they did well?"
    ),
    card!(
        "others-success",
        KRAUTZEL_SRC,
        "Know what your people achieve and celebrate it ahead of your own wins. Treat them as individuals, never as interchangeable seats.",
        "Who on your team has a success you have not yet recognised?"
    ),
    card!(
        "communicate-purpose",
        KRAUTZEL_SRC,
        "Show each agent how their work serves the organisation's mission. The front line often shapes the customer's view more than any manager.",
        "Could each agent say how today's contacts helped what the organisation is for?"
    ),
    card!(
        "customer-first",
        KRAUTZEL_SRC,
        "The customer decides whether you succeeded. Understand how they think and feel, and give the front line the power to act on it.",
        "What can an agent on your team decide for a customer without asking you, and should that list be longer?"
    ),
    card!(
        "lead-from-behind",
        KRAUTZEL_SRC,
        "Support the front line, put customers first, and let an empowered team go the extra mile. The lead's work is to clear the way, not to stand in front.",
        "What would your team do differently tomorrow if they knew you had their back?"
    ),
];

/// The principle with this tag.
pub fn lookup(tag: &str) -> Option<&'static Principle> {
    ALL.iter().find(|p| p.tag == tag)
}

/// Every tag, in catalogue order.
pub fn tags() -> impl Iterator<Item = &'static str> {
    ALL.iter().map(|p| p.tag)
}

/// The card of the idea with this tag.
pub fn card(tag: &str) -> Option<&'static Card<&'static str>> {
    CARDS.iter().find(|c| c.tag == tag)
}

/// The cards file: one line per idea, its tag, what it says, its source and its question
/// separated by tabs (no text contains a tab or a line break; a test checks).
pub fn cards_file() -> String {
    let mut out = String::new();
    for c in CARDS {
        for (i, field) in [c.tag, c.says, c.source, c.question].iter().enumerate() {
            if i > 0 {
                out.push('\t');
            }
            out.push_str(field);
        }
        out.push('\n');
    }
    out
}

/// Reads the cards file back. A line without exactly four fields, or with an empty one, is an
/// error that names the line; blank lines are skipped.
pub fn parse_cards(text: &str) -> Result<Vec<Card<String>>, String> {
    let mut cards = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [tag, says, source, question] = fields[..] else {
            return Err(format!(
                "line {}: expected 4 fields separated by tabs, found {}",
                n + 1,
                fields.len()
            ));
        };
        if [tag, says, source, question]
            .iter()
            .any(|f| f.trim().is_empty())
        {
            return Err(format!("line {}: a field is empty", n + 1));
        }
        cards.push(Card {
            tag: tag.to_owned(),
            says: says.to_owned(),
            source: source.to_owned(),
            question: question.to_owned(),
        });
    }
    Ok(cards)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_unique_and_well_formed() {
        for (i, p) in ALL.iter().enumerate() {
            assert!(
                p.tag.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                p.tag
            );
            assert!(
                ALL[..i].iter().all(|q| q.tag != p.tag),
                "duplicate {}",
                p.tag
            );
            assert!(!p.line.is_empty() && !p.author.is_empty());
        }
        assert_eq!(lookup("ved").map(|p| p.author), Some("John Smart"));
        assert_eq!(ALL.len(), 29);
    }

    #[test]
    fn every_idea_has_one_card_and_a_short_line() {
        assert_eq!(CARDS.len(), ALL.len());
        for (p, c) in ALL.iter().zip(CARDS) {
            assert_eq!(p.tag, c.tag, "cards are in catalogue order");
            // One line on a phone's feedback panel: a sentence, not a paragraph.
            assert!(
                p.line.len() <= 100,
                "{}: {} characters",
                p.tag,
                p.line.len()
            );
            assert!(p.line.ends_with('.'), "{}", p.tag);
            assert!(c.question.ends_with('?'), "{}", p.tag);
            assert!(c.says.len() > p.line.len(), "{}: the card says more", p.tag);
            for text in [c.says, c.source, c.question, p.line, p.name] {
                assert!(!text.contains(['\t', '\n']), "{}: {text}", p.tag);
            }
        }
    }

    #[test]
    fn the_cards_file_reads_back_and_bad_lines_are_named() {
        let cards = parse_cards(&cards_file()).expect("the cards file reads back");
        assert_eq!(cards.len(), CARDS.len());
        for (read, card) in cards.iter().zip(CARDS) {
            assert_eq!(read.tag, card.tag);
            assert_eq!(read.says, card.says);
            assert_eq!(read.source, card.source);
            assert_eq!(read.question, card.question);
        }
        assert_eq!(
            parse_cards("ved\tsays\tsource\n").unwrap_err(),
            "line 1: expected 4 fields separated by tabs, found 3"
        );
        assert_eq!(
            parse_cards("\nved\tsays\t \tquestion?\n").unwrap_err(),
            "line 2: a field is empty"
        );
        assert_eq!(
            parse_cards("<!doctype html>").unwrap_err(),
            "line 1: expected 4 fields separated by tabs, found 1"
        );
    }
}
