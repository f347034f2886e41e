//! The leadership ideas scenarios teach, with the tags scenario files use and the people who
//! described them. Scenario choices name these tags in `applies` and `violates`; the loader
//! rejects any other tag, and the debrief shows the name, summary and credit.
//!
//! The summaries are Frontline's own words.

use serde::Serialize;

/// A leadership idea a choice can apply or violate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Principle {
    /// The tag used in scenario files, e.g. `ved`.
    pub tag: &'static str,
    /// A short name for the debrief.
    pub name: &'static str,
    /// One or two sentences on the idea, in Frontline's words.
    pub summary: &'static str,
    /// Who described the idea.
    pub author: &'static str,
    /// Where they described it.
    pub source: &'static str,
}

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
    ($tag:literal, $name:literal, $author:expr, $source:expr, $summary:literal) => {
        Principle {
            tag: $tag,
            name: $name,
            summary: $summary,
            author: $author,
            source: $source,
        }
    };
}

/// Every principle, in the order the debrief lists them.
pub const ALL: &[Principle] = &[
    principle!(
        "lead-not-manage",
        "Lead, don't only manage",
        SMART,
        SMART_SRC,
        "Managing organises the work: plans, rotas, reviews. Leading gives people a reason to do it well. A target or a rule can move this week's numbers; a reason people share keeps moving them."
    ),
    principle!(
        "ved",
        "Vision, Engagement, Delivery (V.E.D.)",
        SMART,
        SMART_SRC,
        "Look ahead and find the opportunity in the obstacle, bring people on board through honest conversation, and follow through until the thing is done."
    ),
    principle!(
        "golden-thread",
        "The golden thread",
        SMART,
        SMART_SRC,
        "Leadership belongs at every level. The person running a service queue needs it as much as the chief executive, only on a smaller stage."
    ),
    principle!(
        "vitals",
        "Know yourself (V.I.T.A.L.S.)",
        LICS,
        LICS_SRC,
        "Values, Interests, Temperament, Around-the-clock habits, Life mission and Strengths: knowing your own patterns, above all how you react under pressure, before you ask others to change theirs."
    ),
    principle!(
        "formal-informal",
        "Formal and informal leaders",
        LICS,
        LICS_SRC,
        "A title gives you resources to organise; it does not give you followers. People follow whoever shares their goals and knows the work. Persuade rather than impose, and treat everyone on the team alike."
    ),
    principle!(
        "excellent-leader",
        "Traits of an excellent leader",
        LICS,
        LICS_SRC,
        "Self-management, strategy, clear communication, accountability, persistent goals, vision, handling complexity, encouraging new ideas, building the team and keeping relationships for the long run."
    ),
    principle!(
        "boss-as-customer",
        "Your boss is a customer too",
        LICS,
        LICS_SRC,
        "Your own manager is an internal customer: keep your promises to them and keep your integrity, in the same way you would for the people who buy from you."
    ),
    principle!(
        "inverted-pyramid",
        "The inverted pyramid",
        LICS,
        LICS_SRC,
        "Put customers at the top, then the front line who serve them, then their leads, and senior leaders at the bottom holding everyone up."
    ),
    principle!(
        "walk-the-talk",
        "Walk the talk",
        LICS,
        LICS_SRC,
        "A team copies what its lead does, not what its lead says. Service values stick when you show them yourself."
    ),
    principle!(
        "excellence-in-others",
        "Bring out excellence in others",
        MARTINS,
        LEGACY_SRC,
        "Products and targets pass; what lasts is the ability you drew out of other people. Lead by inspiration and example rather than by position or force."
    ),
    principle!(
        "neither-rebel-nor-yes-man",
        "Neither rebel nor yes-man",
        MARTINS,
        LEGACY_SRC,
        "A leader does not fight every idea from above, and does not nod every one through either. Push back with reasons, and commit once the call is made."
    ),
    principle!(
        "clarity",
        "Clarity of purpose",
        MYATT,
        NOBLE_SRC,
        "Every decision that touches a customer should be clear about what it is for."
    ),
    principle!(
        "creativity",
        "Creativity in service",
        MYATT,
        NOBLE_SRC,
        "Look for new ways to serve instead of repeating the script."
    ),
    principle!(
        "talent",
        "Talent in service",
        MYATT,
        NOBLE_SRC,
        "Put skill and care into each service action, and put the right people on the right work."
    ),
    principle!(
        "change",
        "Change how service happens",
        MYATT,
        NOBLE_SRC,
        "Be willing to change how customers are served when the old way is failing them."
    ),
    principle!(
        "wisdom",
        "Wisdom: make it simpler",
        MYATT,
        NOBLE_SRC,
        "Make the service simpler, more direct and focused on the result the customer needs."
    ),
    principle!(
        "character",
        "Character",
        MYATT,
        NOBLE_SRC,
        "Make the call that is right for the customer, even when an easier one is available."
    ),
    principle!(
        "purpose",
        "Purpose across touch points",
        MYATT,
        NOBLE_SRC,
        "Join up every contact the customer has with you so the whole experience makes sense."
    ),
    principle!(
        "service",
        "Service",
        ROCKWELL,
        ROCKWELL_SRC,
        "People who set out to add value keep finding chances to do it."
    ),
    principle!(
        "development",
        "Development",
        ROCKWELL,
        ROCKWELL_SRC,
        "Grow yourself and the people around you now, while you serve, not later."
    ),
    principle!(
        "curiosity",
        "Curiosity",
        ROCKWELL,
        ROCKWELL_SRC,
        "Ask why and what else. Better ways are found by people looking for what is not there yet."
    ),
    principle!(
        "optimism",
        "Optimism",
        ROCKWELL,
        ROCKWELL_SRC,
        "Trust that effort, adjusting as you go and sticking with it will pay off."
    ),
    principle!(
        "better",
        "Better over perfect",
        ROCKWELL,
        ROCKWELL_SRC,
        "Waiting for perfect stalls a team; steady improvement frees it."
    ),
    principle!(
        "own-your-state",
        "Own your state",
        MARTINS,
        NOBLE_SRC,
        "Boredom and frustration are not cured by a new desk or blamed on difficult customers. You choose the energy and purpose you bring."
    ),
    principle!(
        "value-employees",
        "Value your people",
        KRAUTZEL,
        KRAUTZEL_SRC,
        "Notice and reward good work often. Set a high bar, then give agents room to decide how to meet it, so they own the result."
    ),
    principle!(
        "others-success",
        "Put others' success first",
        KRAUTZEL,
        KRAUTZEL_SRC,
        "Know what your people achieve and celebrate it ahead of your own wins. Treat them as individuals, never as interchangeable seats."
    ),
    principle!(
        "communicate-purpose",
        "Communicate purpose",
        KRAUTZEL,
        KRAUTZEL_SRC,
        "Show each agent how their work serves the organisation's mission. The front line often shapes the customer's view more than any manager."
    ),
    principle!(
        "customer-first",
        "Customer first",
        KRAUTZEL,
        KRAUTZEL_SRC,
        "The customer decides whether you succeeded. Understand how they think and feel, and give the front line the power to act on it."
    ),
    principle!(
        "lead-from-behind",
        "Lead from behind",
        KRAUTZEL,
        KRAUTZEL_SRC,
        "Support the front line, put customers first, and let an empowered team go the extra mile."
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
            assert!(!p.summary.is_empty() && !p.author.is_empty());
        }
        assert_eq!(lookup("ved").map(|p| p.author), Some("John Smart"));
        assert_eq!(ALL.len(), 29);
    }
}
