//! Workshop mode's pure core: a facilitator playing one scenario with a room, and teams
//! playing the same scenario (same seed) on their own devices.
//!
//! - [`Workshop`] is the whole workshop as plain, serialisable data (scenario, seed, the
//!   room's decisions with their votes, the current vote, the timer, the team results, the
//!   branches explored by rewinding). [`Workshop::apply`] is its reducer: it checks every
//!   action against the scenario by replaying the room's choices, and returns an error and
//!   changes nothing when an action does not fit.
//! - Team result codes ([`encode_result`], [`decode_result`]) wrap an engine session code
//!   (see [`crate::code`]) with the team's name under a checksum of its own.
//! - The debrief ([`TeamPath`], [`distributions`], [`first_split`], [`csv`]) compares paths.
//!
//! Time comes in as milliseconds from the caller; nothing here reads a clock, storage or the
//! network.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::code::{self, CodeError};
use crate::format::Rating;
use crate::scenario::SceneIdx;
use crate::{Scenario, Session, markdown};

/// The version of the workshop file format ([`Workshop::format`]).
pub const FILE_FORMAT: u32 = 1;

/// The longest team name a result code carries, in characters.
pub const MAX_TEAM_NAME: usize = 40;

/// How a room decision was picked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Pick {
    /// The room's majority.
    Majority,
    /// The facilitator broke a tie between these choices.
    Tie {
        /// The tied choices (indexes in the scene).
        tied: Vec<usize>,
    },
    /// The facilitator played another choice than the majority's.
    Override {
        /// The majority's choice that was passed over.
        majority: usize,
    },
    /// No votes were entered; the facilitator chose.
    Unvoted,
}

/// One decision the room made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomDecision {
    /// Index of the choice in its scene.
    pub choice: usize,
    /// The votes per choice index when it was played.
    pub votes: Vec<u32>,
    /// How it was picked.
    pub pick: Pick,
}

/// Decisions dropped by a rewind, kept so the facilitator can see what was explored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branch {
    /// How many decisions were kept (the branch starts after them).
    pub from: usize,
    /// The decisions dropped.
    pub decisions: Vec<RoomDecision>,
}

/// The discussion timer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timer {
    /// Length in seconds.
    pub duration_s: u32,
    /// When it was last started (ms), if it is running.
    pub running_since: Option<u64>,
    /// Time used before the last start, in ms.
    pub used_ms: u64,
}

impl Timer {
    /// A stopped timer of `duration_s` seconds.
    pub fn new(duration_s: u32) -> Timer {
        Timer {
            duration_s,
            running_since: None,
            used_ms: 0,
        }
    }

    /// Milliseconds left at `now` (never below zero).
    pub fn remaining_ms(&self, now: u64) -> u64 {
        let running = self.running_since.map_or(0, |t| now.saturating_sub(t));
        (u64::from(self.duration_s) * 1000)
            .saturating_sub(self.used_ms)
            .saturating_sub(running)
    }

    /// Whether it is counting down.
    pub fn is_running(&self) -> bool {
        self.running_since.is_some()
    }
}

/// A team's result, as entered from its result code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamResult {
    /// The team's name.
    pub name: String,
    /// The engine session code of the team's playthrough.
    pub code: String,
}

/// A workshop: one scenario, one seed, a room and teams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workshop {
    /// File format, [`FILE_FORMAT`].
    pub format: u32,
    /// Scenario id.
    pub scenario: String,
    /// Scenario version.
    pub version: u32,
    /// The seed every device plays with.
    pub seed: u64,
    /// The room's decisions, in order.
    pub room: Vec<RoomDecision>,
    /// Votes for the current scene, by choice index.
    pub votes: Vec<u32>,
    /// Whether the vote is shown on the projector.
    pub revealed: bool,
    /// The discussion timer.
    pub timer: Timer,
    /// When the session was started (ms), for the running clock.
    pub started_at: Option<u64>,
    /// Team results.
    pub teams: Vec<TeamResult>,
    /// Branches explored and rewound.
    pub explored: Vec<Branch>,
    /// Counts changes, so a window can ignore an older copy.
    pub revision: u64,
}

/// Something the facilitator does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Set the number of votes for a choice in the current scene.
    Vote {
        /// Choice index.
        choice: usize,
        /// Show of hands.
        count: u32,
    },
    /// Reset the current vote.
    ClearVotes,
    /// Show or hide the vote on the projector.
    Reveal(bool),
    /// Play the majority's choice.
    PlayMajority,
    /// Play this choice (an override when it is not the majority's).
    Play(usize),
    /// Go back to just after this many decisions.
    Rewind(usize),
    /// Start the running clock.
    StartClock(u64),
    /// Set the timer's length, stopping it.
    SetTimer(u32),
    /// Start or pause the timer at this time.
    ToggleTimer(u64),
    /// Reset the timer to its full length.
    ResetTimer,
    /// Add a team result (replacing a team of the same name).
    AddTeam(TeamResult),
    /// Remove the team with this name.
    RemoveTeam(String),
}

/// Why an action or a file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkshopError {
    /// The workshop was made for another scenario.
    WrongScenario {
        /// The workshop's scenario.
        workshop: String,
        /// The scenario given.
        scenario: String,
    },
    /// The workshop was made with another version of the scenario.
    WrongVersion {
        /// The version in the workshop.
        workshop: u32,
        /// The scenario's version.
        current: u32,
    },
    /// A workshop file of a format this build cannot read.
    UnknownFormat(u32),
    /// The recorded decisions do not fit the scenario.
    Replay(String),
    /// The scenario has ended; there is nothing to vote on or play.
    Ended,
    /// No such choice, or it is not available now.
    NoSuchChoice(usize),
    /// Play the majority with no votes entered.
    NoVotes,
    /// Play the majority when the vote is tied (the tied choices' letters).
    Tied(Vec<char>),
    /// A rewind past the decisions made.
    NoSuchDecision(usize),
    /// Not a workshop file.
    File(String),
}

impl fmt::Display for WorkshopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkshopError::WrongScenario { workshop, scenario } => write!(
                f,
                "the workshop is for scenario '{workshop}', not '{scenario}'"
            ),
            WorkshopError::WrongVersion { workshop, current } => write!(
                f,
                "the workshop was run with version {workshop} of the scenario; it is now version {current}"
            ),
            WorkshopError::UnknownFormat(v) => write!(
                f,
                "the workshop file uses format {v}, which this version of Frontline cannot read"
            ),
            WorkshopError::Replay(why) => {
                write!(f, "the room's decisions do not fit the scenario: {why}")
            }
            WorkshopError::Ended => f.write_str("the scenario has ended"),
            WorkshopError::NoSuchChoice(i) => {
                write!(f, "choice #{} is not on offer here", i + 1)
            }
            WorkshopError::NoVotes => {
                f.write_str("enter the room's votes first, or pick a choice to play")
            }
            WorkshopError::Tied(tied) => write!(
                f,
                "the vote is tied between {}: pick the choice to play",
                join_letters(tied)
            ),
            WorkshopError::NoSuchDecision(n) => write!(f, "there is no decision {n} to go back to"),
            WorkshopError::File(why) => write!(f, "this is not a Frontline workshop file ({why})"),
        }
    }
}

impl std::error::Error for WorkshopError {}

/// The letter for a choice position: 0 is A.
pub fn letter(n: usize) -> char {
    char::from(b'A' + (n % 26) as u8)
}

/// The letter shown for choice `index` when `offered` are on offer (A for the first offered).
pub fn letter_among(offered: &[usize], index: usize) -> char {
    letter(offered.iter().position(|&i| i == index).unwrap_or(index))
}

fn join_letters(list: &[char]) -> String {
    let letters: Vec<String> = list.iter().map(char::to_string).collect();
    match letters.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The result of a vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Majority {
    /// No votes entered.
    None,
    /// One choice has the most votes.
    Winner(usize),
    /// Several choices share the most votes.
    Tie(Vec<usize>),
}

/// The majority among `votes` (indexed by choice), counting only `offered` choices.
pub fn majority(votes: &[u32], offered: &[usize]) -> Majority {
    let top = offered
        .iter()
        .map(|&i| votes.get(i).copied().unwrap_or(0))
        .max()
        .unwrap_or(0);
    if top == 0 {
        return Majority::None;
    }
    let best: Vec<usize> = offered
        .iter()
        .copied()
        .filter(|&i| votes.get(i).copied().unwrap_or(0) == top)
        .collect();
    match best.as_slice() {
        [one] => Majority::Winner(*one),
        _ => Majority::Tie(best),
    }
}

impl Workshop {
    /// A new workshop for a scenario.
    pub fn new(scenario: &Scenario, seed: u64) -> Workshop {
        Workshop {
            format: FILE_FORMAT,
            scenario: scenario.meta.id.clone(),
            version: scenario.meta.version,
            seed,
            room: Vec::new(),
            votes: Vec::new(),
            revealed: false,
            timer: Timer::new(180),
            started_at: None,
            teams: Vec::new(),
            explored: Vec::new(),
            revision: 0,
        }
    }

    /// Reads a workshop file (JSON) and checks it against its scenario.
    pub fn from_json(text: &str) -> Result<Workshop, WorkshopError> {
        #[derive(Deserialize)]
        struct Head {
            format: u32,
        }
        let head: Head =
            serde_json::from_str(text).map_err(|e| WorkshopError::File(e.to_string()))?;
        if head.format != FILE_FORMAT {
            return Err(WorkshopError::UnknownFormat(head.format));
        }
        serde_json::from_str(text).map_err(|e| WorkshopError::File(e.to_string()))
    }

    /// The workshop as a file (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks that the workshop fits `scenario`: same id, same version, and every team code
    /// and room decision replays.
    pub fn check(&self, scenario: &Arc<Scenario>) -> Result<(), WorkshopError> {
        self.session(scenario)?;
        for team in &self.teams {
            decode_team(&team.code, scenario, self.seed)
                .map_err(|e| WorkshopError::Replay(format!("team {}: {e}", team.name)))?;
        }
        Ok(())
    }

    /// The room's session: the room's choices replayed with the workshop's seed.
    pub fn session(&self, scenario: &Arc<Scenario>) -> Result<Session, WorkshopError> {
        if scenario.meta.id != self.scenario {
            return Err(WorkshopError::WrongScenario {
                workshop: self.scenario.clone(),
                scenario: scenario.meta.id.clone(),
            });
        }
        if scenario.meta.version != self.version {
            return Err(WorkshopError::WrongVersion {
                workshop: self.version,
                current: scenario.meta.version,
            });
        }
        let picks: Vec<usize> = self.room.iter().map(|d| d.choice).collect();
        Session::replay_indexes(scenario.clone(), self.seed, &picks)
            .map_err(|(n, e)| WorkshopError::Replay(format!("decision {}: {e}", n + 1)))
    }

    /// Applies an action. On error nothing changes.
    pub fn apply(
        &self,
        scenario: &Arc<Scenario>,
        action: Action,
    ) -> Result<Workshop, WorkshopError> {
        let session = self.session(scenario)?;
        let offered: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
        let mut next = self.clone();
        match action {
            Action::Vote { choice, count } => {
                if session.is_ended() {
                    return Err(WorkshopError::Ended);
                }
                if !offered.contains(&choice) {
                    return Err(WorkshopError::NoSuchChoice(choice));
                }
                if next.votes.len() <= choice {
                    next.votes.resize(choice + 1, 0);
                }
                next.votes[choice] = count;
            }
            Action::ClearVotes => {
                next.votes.clear();
                next.revealed = false;
            }
            Action::Reveal(shown) => next.revealed = shown,
            Action::PlayMajority => match majority(&self.votes, &offered) {
                Majority::None => return Err(WorkshopError::NoVotes),
                Majority::Tie(tied) => {
                    let letters = tied.iter().map(|&i| letter_among(&offered, i)).collect();
                    return Err(WorkshopError::Tied(letters));
                }
                Majority::Winner(choice) => next.play(session, choice, Pick::Majority)?,
            },
            Action::Play(choice) => {
                let pick = match majority(&self.votes, &offered) {
                    Majority::None => Pick::Unvoted,
                    Majority::Winner(m) if m == choice => Pick::Majority,
                    Majority::Winner(m) => Pick::Override { majority: m },
                    Majority::Tie(tied) if tied.contains(&choice) => Pick::Tie { tied },
                    // A choice outside a tie: the tied choices are passed over; record the first.
                    Majority::Tie(tied) => Pick::Override { majority: tied[0] },
                };
                next.play(session, choice, pick)?;
            }
            Action::Rewind(n) => {
                if n >= self.room.len() {
                    return Err(WorkshopError::NoSuchDecision(n + 1));
                }
                let dropped = next.room.split_off(n);
                next.explored.push(Branch {
                    from: n,
                    decisions: dropped,
                });
                next.votes.clear();
                next.revealed = false;
                next.timer = Timer::new(self.timer.duration_s);
            }
            Action::StartClock(now) => {
                if next.started_at.is_none() {
                    next.started_at = Some(now);
                }
            }
            Action::SetTimer(secs) => next.timer = Timer::new(secs.clamp(10, 60 * 60)),
            Action::ToggleTimer(now) => {
                if let Some(since) = next.timer.running_since.take() {
                    next.timer.used_ms += now.saturating_sub(since);
                } else if next.timer.remaining_ms(now) > 0 {
                    next.timer.running_since = Some(now);
                } else {
                    next.timer = Timer::new(self.timer.duration_s);
                    next.timer.running_since = Some(now);
                }
            }
            Action::ResetTimer => next.timer = Timer::new(self.timer.duration_s),
            Action::AddTeam(team) => {
                decode_team(&team.code, scenario, self.seed)
                    .map_err(|e| WorkshopError::Replay(e.to_string()))?;
                if let Some(existing) = next.teams.iter_mut().find(|t| t.name == team.name) {
                    *existing = team;
                } else {
                    next.teams.push(team);
                }
            }
            Action::RemoveTeam(name) => next.teams.retain(|t| t.name != name),
        }
        next.revision = self.revision + 1;
        Ok(next)
    }

    fn play(
        &mut self,
        mut session: Session,
        choice: usize,
        pick: Pick,
    ) -> Result<(), WorkshopError> {
        if session.is_ended() {
            return Err(WorkshopError::Ended);
        }
        session
            .choose_index(choice)
            .map_err(|_| WorkshopError::NoSuchChoice(choice))?;
        self.room.push(RoomDecision {
            choice,
            votes: std::mem::take(&mut self.votes),
            pick,
        });
        self.revealed = false;
        self.timer = Timer::new(self.timer.duration_s);
        Ok(())
    }
}

/// A six-character code for a seed, easy to read out and type (Crockford's base 32 alphabet,
/// which leaves out I, L, O and U). Workshop seeds are below 2^30 so they fit.
pub fn seed_code(seed: u64) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    (0..6)
        .rev()
        .map(|i| char::from(ALPHABET[((seed >> (i * 5)) & 31) as usize]))
        .collect()
}

/// Reads a seed code, forgiving case and the letters people confuse with digits.
pub fn parse_seed_code(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.chars().count() != 6 {
        return None;
    }
    text.chars().try_fold(0u64, |acc, c| {
        let c = c.to_ascii_uppercase();
        let c = match c {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        };
        let v = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".find(c)? as u64;
        Some(acc << 5 | v)
    })
}

/// A workshop seed from any 64-bit random number: the 30 bits a seed code holds.
pub fn workshop_seed(random: u64) -> u64 {
    random & ((1 << 30) - 1)
}

/// Why a team result code was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultError {
    /// Not shaped like a result code.
    Malformed,
    /// The team name part was altered or cut.
    Damaged,
    /// The session part is unusable.
    Session(CodeError),
    /// A short code whose check does not fit this workshop: a mistyped letter, or another
    /// workshop's code.
    ShortMismatch,
    /// A short code without the team's name before it.
    MissingName,
    /// Played with another seed: another workshop's code.
    OtherSeed {
        /// The seed code in the result.
        code: String,
        /// This workshop's seed code.
        expected: String,
    },
}

impl fmt::Display for ResultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResultError::Malformed => f.write_str("this is not a Frontline team result code"),
            ResultError::Damaged => f.write_str(
                "the result code has been altered or cut off; ask the team to read it again",
            ),
            ResultError::Session(e) => write!(f, "{e}"),
            ResultError::ShortMismatch => f.write_str(
                "the code does not fit this workshop: a letter may be mistyped (check it with the team), or it comes from another session",
            ),
            ResultError::MissingName => {
                f.write_str("type the team's name, then a space, then its code")
            }
            ResultError::OtherSeed { code, expected } => write!(
                f,
                "the result code comes from session {code}, not this workshop's session {expected}"
            ),
        }
    }
}

impl std::error::Error for ResultError {}

/// A team's result code: `<engine session code>~<base64url(team name, CRC-32)>`.
pub fn encode_result(team: &str, session: &Session) -> String {
    let name: String = team.trim().chars().take(MAX_TEAM_NAME).collect();
    let mut bytes = name.into_bytes();
    let crc = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&crc.to_le_bytes());
    format!(
        "{}~{}",
        code::encode(session),
        URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The characters of a short code's check: no 0, O, 1, I or L, as in room codes.
const CHECK_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a short code's check (31^4, about 920,000 values).
const CHECK_LEN: usize = 4;

/// A team's short result code, for typing: the team's name, then the letter the team chose
/// at each decision (as the choices were lettered on its screen) and a four-character check,
/// e.g. `Blue team ACBBA-7KQD`.
///
/// The scenario, its version and the seed are the workshop's own, so they are left out and
/// only covered by the check (a code from another workshop or a mistyped letter fails it).
/// The name is not covered: the facilitator types it. `None` when a decision offered more
/// than 26 choices (then only [`encode_result`] can carry it).
pub fn short_result(team: &str, session: &Session) -> Option<String> {
    let name: String = team
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_TEAM_NAME)
        .collect();
    let mut replay = Session::new(session.scenario().clone(), session.seed());
    let mut letters = String::new();
    for d in session.history() {
        let offered: Vec<usize> = replay.available_choices().map(|(i, _)| i).collect();
        let pos = offered.iter().position(|&i| i == d.choice)?;
        if pos >= 26 {
            return None;
        }
        letters.push(letter(pos));
        replay.choose_index(d.choice).ok()?;
    }
    let check = short_check(session.scenario(), session.seed(), &letters);
    Some(format!("{name} {letters}-{check}"))
}

/// The check over what a short code leaves out (scenario id, version, seed) and its letters.
fn short_check(scenario: &Scenario, seed: u64, letters: &str) -> String {
    let mut bytes = b"frontline-team-1\0".to_vec();
    bytes.extend_from_slice(scenario.meta.id.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(&scenario.meta.version.to_le_bytes());
    bytes.extend_from_slice(&seed.to_le_bytes());
    bytes.extend_from_slice(letters.as_bytes());
    let mut n = crc32fast::hash(&bytes);
    (0..CHECK_LEN)
        .map(|_| {
            let c = CHECK_ALPHABET[(n % 31) as usize] as char;
            n /= 31;
            c
        })
        .collect()
}

/// Reads a short result code (`NAME LETTERS-CHECK`, letters in any case) for a workshop.
/// `Ok(None)` when the text is not shaped like one.
fn decode_short(
    text: &str,
    scenario: &Arc<Scenario>,
    seed: u64,
) -> Result<Option<(TeamResult, Session)>, ResultError> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some((last, name)) = words.split_last() else {
        return Ok(None);
    };
    let Some((letters, check)) = last.split_once('-') else {
        return Ok(None);
    };
    let (letters, check) = (letters.to_uppercase(), check.to_uppercase());
    let shaped = letters.chars().all(|c| c.is_ascii_uppercase())
        && check.len() == CHECK_LEN
        && check.bytes().all(|b| CHECK_ALPHABET.contains(&b));
    if !shaped {
        return Ok(None);
    }
    if name.is_empty() {
        return Err(ResultError::MissingName);
    }
    if short_check(scenario, seed, &letters) != check {
        return Err(ResultError::ShortMismatch);
    }
    let mut session = Session::new(scenario.clone(), seed);
    for c in letters.chars() {
        let pos = (c as u8 - b'A') as usize;
        let offered: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
        let &choice = offered.get(pos).ok_or(ResultError::ShortMismatch)?;
        session
            .choose_index(choice)
            .map_err(|_| ResultError::ShortMismatch)?;
    }
    let name: String = name.join(" ").chars().take(MAX_TEAM_NAME).collect();
    let team = TeamResult {
        name,
        code: code::encode(&session),
    };
    Ok(Some((team, session)))
}

/// Splits a result code into the team's name and its session code, checking the name.
pub fn result_parts(text: &str) -> Result<TeamResult, ResultError> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (session, name) = text.rsplit_once('~').ok_or(ResultError::Malformed)?;
    code::scenario_id(session).map_err(|_| ResultError::Malformed)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(name)
        .map_err(|_| ResultError::Damaged)?;
    if bytes.len() < 5 {
        return Err(ResultError::Damaged);
    }
    let (name, crc) = bytes.split_at(bytes.len() - 4);
    if crc32fast::hash(name).to_le_bytes() != crc {
        return Err(ResultError::Damaged);
    }
    let name = String::from_utf8(name.to_vec()).map_err(|_| ResultError::Damaged)?;
    Ok(TeamResult {
        name,
        code: session.to_owned(),
    })
}

/// Decodes a team's session code for this workshop's scenario and seed.
pub fn decode_team(
    code: &str,
    scenario: &Arc<Scenario>,
    seed: u64,
) -> Result<Session, ResultError> {
    let session = code::decode(code, scenario.clone()).map_err(ResultError::Session)?;
    if session.seed() != seed {
        return Err(ResultError::OtherSeed {
            code: seed_code(session.seed()),
            expected: seed_code(seed),
        });
    }
    Ok(session)
}

/// Decodes a result code for a workshop, short ([`short_result`]) or full
/// ([`encode_result`]): the team and its replayed session.
pub fn decode_result(
    text: &str,
    scenario: &Arc<Scenario>,
    seed: u64,
) -> Result<(TeamResult, Session), ResultError> {
    if !text.contains('~')
        && let Some(found) = decode_short(text, scenario, seed)?
    {
        return Ok(found);
    }
    let team = result_parts(text)?;
    let session = decode_team(&team.code, scenario, seed)?;
    Ok((team, session))
}

/// A team's (or the room's) path, for the debrief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamPath {
    /// Team name.
    pub name: String,
    /// (scene, choice index) per decision.
    pub steps: Vec<(SceneIdx, usize)>,
    /// Meter values at the start and after each decision.
    pub meters: Vec<Vec<i32>>,
    /// The ending's title and rating, if the team finished.
    pub ending: Option<(String, Rating)>,
    /// The score for the final meters.
    pub score: i32,
    /// Principle tags applied, each once, in order of first use.
    pub applied: Vec<String>,
    /// Principle tags gone against, each once.
    pub violated: Vec<String>,
}

impl TeamPath {
    /// The path of a session.
    pub fn new(name: &str, session: &Session) -> TeamPath {
        let scenario = session.scenario();
        let mut meters = vec![scenario.start_meters()];
        let mut applied = Vec::new();
        let mut violated = Vec::new();
        for d in session.history() {
            meters.push(d.meters_after.clone());
            let choice = &scenario.scene(d.scene).choices()[d.choice];
            for (list, out) in [
                (&choice.applies, &mut applied),
                (&choice.violates, &mut violated),
            ] {
                for tag in list {
                    if !out.contains(tag) {
                        out.push(tag.clone());
                    }
                }
            }
        }
        TeamPath {
            name: name.to_owned(),
            steps: session
                .history()
                .iter()
                .map(|d| (d.scene, d.choice))
                .collect(),
            meters,
            ending: session.ending().map(|e| (e.title.clone(), e.rating)),
            score: session.score(),
            applied,
            violated,
        }
    }
}

/// Which teams chose what at one scene.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SceneDistribution {
    /// The scene.
    pub scene: SceneIdx,
    /// The earliest decision number (1-based) at which a team met it.
    pub step: usize,
    /// Per choice index in the scene: the indexes (into the paths) of the teams that chose it.
    pub choices: Vec<Vec<usize>>,
}

impl SceneDistribution {
    /// Whether teams who met this scene chose differently: a point where paths diverged.
    pub fn diverged(&self) -> bool {
        self.choices.iter().filter(|t| !t.is_empty()).count() > 1
    }

    /// How many teams met this scene.
    pub fn teams(&self) -> usize {
        self.choices.iter().map(Vec::len).sum()
    }
}

/// For every scene any team met, in order of first meeting, who chose what.
pub fn distributions(scenario: &Scenario, paths: &[TeamPath]) -> Vec<SceneDistribution> {
    let mut out: Vec<SceneDistribution> = Vec::new();
    for (team, path) in paths.iter().enumerate() {
        for (n, &(scene, choice)) in path.steps.iter().enumerate() {
            let pos = match out.iter().position(|d| d.scene == scene) {
                Some(pos) => pos,
                None => {
                    out.push(SceneDistribution {
                        scene,
                        step: n + 1,
                        choices: vec![Vec::new(); scenario.scene(scene).choices().len()],
                    });
                    out.len() - 1
                }
            };
            let d = &mut out[pos];
            d.step = d.step.min(n + 1);
            if let Some(teams) = d.choices.get_mut(choice)
                && !teams.contains(&team)
            {
                teams.push(team);
            }
        }
    }
    out.sort_by_key(|d| d.step);
    out
}

/// The first decision (1-based) at which the paths stop being the same, if they do.
pub fn first_split(paths: &[TeamPath]) -> Option<usize> {
    let longest = paths.iter().map(|p| p.steps.len()).max()?;
    (0..longest).find_map(|n| {
        let first = paths[0].steps.get(n);
        paths
            .iter()
            .any(|p| p.steps.get(n) != first)
            .then_some(n + 1)
    })
}

/// A short label for a scene: its speaker and the start of its text.
pub fn scene_label(scenario: &Scenario, scene: SceneIdx) -> String {
    let s = scenario.scene(scene);
    let text = markdown::plain(&s.text);
    let mut short: String = text.chars().take(90).collect();
    if text.chars().count() > 90 {
        short = format!("{}\u{2026}", short.trim_end());
    }
    match &s.speaker {
        Some(speaker) => format!("{speaker}: {short}"),
        None => short,
    }
}

/// The debrief as CSV (RFC 4180): one row per team and decision.
pub fn csv(scenario: &Scenario, paths: &[TeamPath]) -> String {
    fn field(s: &str) -> String {
        // Cells starting with these would be formulas in a spreadsheet.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_owned()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut header = vec![
        "team".to_owned(),
        "decision".into(),
        "scene".into(),
        "choice".into(),
        "choice text".into(),
    ];
    header.extend(scenario.meters.iter().map(|m| m.label.clone()));
    header.extend([
        "applied".into(),
        "went against".into(),
        "ending".into(),
        "score".into(),
    ]);
    let mut out = header
        .iter()
        .map(|h| field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for path in paths {
        for (n, &(scene, choice)) in path.steps.iter().enumerate() {
            let s = scenario.scene(scene);
            let c = &s.choices()[choice];
            let mut row = vec![
                path.name.clone(),
                (n + 1).to_string(),
                s.id.clone(),
                c.id.clone(),
                markdown::plain(&c.text),
            ];
            row.extend(path.meters[n + 1].iter().map(i32::to_string));
            row.push(c.applies.join(" "));
            row.push(c.violates.join(" "));
            let last = n + 1 == path.steps.len();
            row.push(if last {
                path.ending
                    .as_ref()
                    .map(|e| e.0.clone())
                    .unwrap_or_default()
            } else {
                String::new()
            });
            row.push(if last {
                path.score.to_string()
            } else {
                String::new()
            });
            out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Arc<Scenario> {
        let src = include_str!("../../../scenarios/stretch-target.toml");
        Arc::new(
            crate::load("stretch-target.toml", src)
                .expect("loads")
                .scenario,
        )
    }

    /// `w` with these show-of-hands counts entered, each of which must be accepted.
    fn with_votes(w: Workshop, s: &Arc<Scenario>, votes: &[(usize, u32)]) -> Workshop {
        votes.iter().fold(w, |w, &(choice, count)| {
            w.apply(s, Action::Vote { choice, count }).expect("votes")
        })
    }

    fn offered(w: &Workshop, s: &Arc<Scenario>) -> Vec<usize> {
        let session = w.session(s).expect("replays");
        session.available_choices().map(|(i, _)| i).collect()
    }

    #[test]
    fn majority_wins_and_is_recorded() {
        let s = scenario();
        let w = Workshop::new(&s, 77);
        let o = offered(&w, &s);
        let w = with_votes(w, &s, &[(o[0], 3), (o[1], 9)])
            .apply(&s, Action::Reveal(true))
            .expect("reveals");
        assert!(w.revealed);
        let w = w.apply(&s, Action::PlayMajority).expect("plays");
        assert_eq!(w.room.len(), 1);
        assert_eq!(w.room[0].choice, o[1]);
        assert_eq!(w.room[0].pick, Pick::Majority);
        assert_eq!(w.room[0].votes[o[1]], 9);
        assert!(
            w.votes.is_empty() && !w.revealed,
            "the next scene starts a fresh vote"
        );
        assert_eq!(w.revision, 4);
    }

    #[test]
    fn override_records_the_majority_passed_over() {
        let s = scenario();
        let w = Workshop::new(&s, 77);
        let o = offered(&w, &s);
        let w = with_votes(w, &s, &[(o[0], 5)])
            .apply(&s, Action::Play(o[1]))
            .expect("plays");
        assert_eq!(w.room[0].pick, Pick::Override { majority: o[0] });
        let w2 = Workshop::new(&s, 77)
            .apply(&s, Action::Play(o[0]))
            .expect("plays");
        assert_eq!(w2.room[0].pick, Pick::Unvoted);
    }

    #[test]
    fn ties_and_empty_votes_need_the_facilitator() {
        let s = scenario();
        let w = Workshop::new(&s, 77);
        let o = offered(&w, &s);
        assert_eq!(
            w.apply(&s, Action::PlayMajority),
            Err(WorkshopError::NoVotes)
        );
        let tied = with_votes(w, &s, &[(o[0], 4), (o[1], 4)]);
        let err = tied.apply(&s, Action::PlayMajority).unwrap_err();
        assert_eq!(err, WorkshopError::Tied(vec!['A', 'B']));
        assert!(err.to_string().contains("tied between A and B"));
        let played = tied.apply(&s, Action::Play(o[1])).expect("plays");
        assert_eq!(
            played.room[0].pick,
            Pick::Tie {
                tied: vec![o[0], o[1]]
            }
        );
    }

    #[test]
    fn bad_actions_change_nothing() {
        let s = scenario();
        let w = Workshop::new(&s, 77);
        assert_eq!(
            w.apply(
                &s,
                Action::Vote {
                    choice: 40,
                    count: 1
                }
            ),
            Err(WorkshopError::NoSuchChoice(40))
        );
        assert_eq!(
            w.apply(&s, Action::Play(40)),
            Err(WorkshopError::NoSuchChoice(40))
        );
        assert_eq!(
            w.apply(&s, Action::Rewind(0)),
            Err(WorkshopError::NoSuchDecision(1))
        );
        let mut other = (*s).clone();
        other.meta.version += 1;
        assert!(matches!(
            w.apply(&Arc::new(other), Action::Reveal(true)),
            Err(WorkshopError::WrongVersion { .. })
        ));
    }

    fn play_to_end(s: &Arc<Scenario>, w: Workshop, pick_last: bool) -> Workshop {
        let mut w = w;
        for _ in 0..60 {
            let session = w.session(s).expect("replays");
            if session.is_ended() {
                return w;
            }
            let o = offered(&w, s);
            let c = if pick_last { o[o.len() - 1] } else { o[0] };
            w = w.apply(s, Action::Play(c)).expect("plays");
        }
        panic!("no ending");
    }

    #[test]
    fn rewind_keeps_the_explored_branch() {
        let s = scenario();
        let w = play_to_end(&s, Workshop::new(&s, 5), false);
        let n = w.room.len();
        assert!(n >= 2);
        assert_eq!(w.apply(&s, Action::Play(0)), Err(WorkshopError::Ended));
        let back = w.apply(&s, Action::Rewind(1)).expect("rewinds");
        assert_eq!(back.room.len(), 1);
        assert_eq!(back.explored.len(), 1);
        assert_eq!(back.explored[0].from, 1);
        assert_eq!(back.explored[0].decisions.len(), n - 1);
        assert!(!back.session(&s).expect("replays").is_ended());
    }

    #[test]
    fn timer_counts_down_pauses_and_restarts() {
        let s = scenario();
        let w = Workshop::new(&s, 1)
            .apply(&s, Action::SetTimer(60))
            .expect("sets");
        assert_eq!(w.timer.remaining_ms(0), 60_000);
        let w = w.apply(&s, Action::ToggleTimer(1_000)).expect("starts");
        assert!(w.timer.is_running());
        assert_eq!(w.timer.remaining_ms(11_000), 50_000);
        let w = w.apply(&s, Action::ToggleTimer(11_000)).expect("pauses");
        assert!(!w.timer.is_running());
        assert_eq!(w.timer.remaining_ms(99_000), 50_000);
        let w = w.apply(&s, Action::ToggleTimer(100_000)).expect("resumes");
        assert_eq!(w.timer.remaining_ms(200_000), 0);
        // Starting a finished timer starts it again from the full length.
        let w = w
            .apply(&s, Action::ToggleTimer(200_000))
            .and_then(|w| w.apply(&s, Action::ToggleTimer(200_000)))
            .expect("restarts");
        assert_eq!(w.timer.remaining_ms(210_000), 50_000);
        let w = w.apply(&s, Action::ResetTimer).expect("resets");
        assert_eq!(w.timer.remaining_ms(500_000), 60_000);
    }

    #[test]
    fn seed_codes_round_trip_and_forgive() {
        for seed in [0u64, 1, 31, 32, 123_456, (1 << 30) - 1] {
            let code = seed_code(seed);
            assert_eq!(code.len(), 6);
            assert_eq!(parse_seed_code(&code), Some(seed));
            assert_eq!(parse_seed_code(&code.to_lowercase()), Some(seed));
        }
        assert_eq!(parse_seed_code("00000O"), Some(0));
        assert_eq!(parse_seed_code("0000IL"), Some(33));
        assert_eq!(parse_seed_code("ABC"), None);
        assert_eq!(parse_seed_code("ABCDEU"), None);
        assert!(workshop_seed(u64::MAX) < 1 << 30);
    }

    #[test]
    fn result_codes_round_trip_and_reject_damage() {
        let s = scenario();
        let w = play_to_end(&s, Workshop::new(&s, 4242), true);
        let session = w.session(&s).expect("replays");
        let code = encode_result("Blue team, table 3", &session);
        assert!(code.len() < 100, "{code} is {} characters", code.len());
        let (team, back) = decode_result(&code, &s, 4242).expect("decodes");
        assert_eq!(team.name, "Blue team, table 3");
        assert_eq!(back.history(), session.history());
        // Spaces and line breaks from copying are ignored.
        let spaced = format!(" {} \n", code.replace('~', " ~ "));
        assert!(decode_result(&spaced, &s, 4242).is_ok());

        assert_eq!(
            decode_result("hello", &s, 4242).unwrap_err(),
            ResultError::Malformed
        );
        let mut chars: Vec<char> = code.chars().collect();
        let last = chars.len() - 1;
        chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
        let damaged_name: String = chars.into_iter().collect();
        assert_eq!(
            decode_result(&damaged_name, &s, 4242).unwrap_err(),
            ResultError::Damaged
        );
        let dot = code.find('.').expect("dot") + 3;
        let mut damaged_session = code.clone();
        let c = if &code[dot..=dot] == "A" { "B" } else { "A" };
        damaged_session.replace_range(dot..=dot, c);
        assert!(matches!(
            decode_result(&damaged_session, &s, 4242),
            Err(ResultError::Session(_))
        ));
        let other = decode_result(&code, &s, 4243).unwrap_err();
        assert!(other.to_string().contains("not this workshop's session"));
        let foreign = code.replacen("stretch-target", "burnout", 1);
        assert!(matches!(
            decode_result(&foreign, &s, 4242),
            Err(ResultError::Session(_))
        ));
    }

    #[test]
    fn short_result_codes_round_trip_and_reject_mistakes() {
        let s = scenario();
        let w = play_to_end(&s, Workshop::new(&s, 4242), true);
        let session = w.session(&s).expect("replays");
        let long = encode_result("Blue team", &session);
        let short = short_result("Blue  team", &session).expect("short");
        let (letters, check) = short
            .strip_prefix("Blue team ")
            .and_then(|c| c.split_once('-'))
            .expect("name, letters, check");
        assert_eq!(letters.len(), session.history().len());
        assert_eq!(check.len(), CHECK_LEN);
        // Before and after, for the record: the typed code shrinks to the letters and check.
        println!(
            "result code: {} characters ({long}); short: {} characters ({short})",
            long.len(),
            short.len()
        );
        assert!(short.len() * 2 < long.len(), "{short} vs {long}");

        let (team, back) = decode_result(&short, &s, 4242).expect("decodes");
        assert_eq!(team.name, "Blue team");
        assert_eq!(back.history(), session.history());
        assert_eq!(team.code, code::encode(&session));
        // Typed in lower case, with extra spaces: the same result.
        let typed = format!(
            "  Blue team   {}\n",
            short.rsplit(' ').next().expect("code").to_lowercase()
        );
        assert_eq!(decode_result(&typed, &s, 4242).expect("typed").0, team);
        // The old, long codes still read.
        assert_eq!(
            decode_result(&long, &s, 4242).expect("long").0.name,
            "Blue team"
        );

        // A mistyped letter, another workshop's seed, no name.
        let code = short.rsplit(' ').next().expect("code").to_owned();
        let first = code.chars().next().expect("a letter");
        let wrong = format!(
            "Blue {}{}",
            if first == 'A' { 'B' } else { 'A' },
            &code[1..]
        );
        assert_eq!(
            decode_result(&wrong, &s, 4242).unwrap_err(),
            ResultError::ShortMismatch
        );
        assert_eq!(
            decode_result(&short, &s, 4243).unwrap_err(),
            ResultError::ShortMismatch
        );
        assert_eq!(
            decode_result(&code, &s, 4242).unwrap_err(),
            ResultError::MissingName
        );
        assert_eq!(
            decode_result("Blue hello", &s, 4242).unwrap_err(),
            ResultError::Malformed
        );
    }

    #[test]
    fn debrief_shows_where_teams_diverged() {
        let s = scenario();
        let first = play_to_end(&s, Workshop::new(&s, 9), false);
        let last = play_to_end(&s, Workshop::new(&s, 9), true);
        let a = TeamPath::new("A", &first.session(&s).expect("a"));
        let b = TeamPath::new("B", &first.session(&s).expect("b"));
        let c = TeamPath::new("C", &last.session(&s).expect("c"));
        assert_eq!(a.meters.len(), a.steps.len() + 1);
        assert!(a.ending.is_some());
        let paths = vec![a.clone(), b, c];
        assert_eq!(first_split(&paths[..2]), None);
        assert_eq!(first_split(&paths), Some(1));
        let dist = distributions(&s, &paths);
        assert_eq!(dist[0].step, 1);
        assert!(dist[0].diverged());
        assert_eq!(dist[0].teams(), 3);
        let chose_first: Vec<usize> = dist[0].choices[a.steps[0].1].clone();
        assert_eq!(chose_first, vec![0, 1]);

        let table = csv(&s, &paths);
        let rows: Vec<&str> = table.split("\r\n").filter(|r| !r.is_empty()).collect();
        let total: usize = paths.iter().map(|p| p.steps.len()).sum();
        assert_eq!(rows.len(), total + 1);
        assert!(rows[0].starts_with("team,decision,scene,choice,choice text,"));
    }

    #[test]
    fn workshop_files_round_trip_and_reject_others() {
        let s = scenario();
        let w = play_to_end(&s, Workshop::new(&s, 9), false)
            .apply(&s, Action::Rewind(1))
            .expect("rewinds");
        let back = Workshop::from_json(&w.to_json()).expect("reads");
        assert_eq!(back, w);
        assert!(back.check(&s).is_ok());
        assert!(matches!(
            Workshop::from_json("{}"),
            Err(WorkshopError::File(_))
        ));
        assert!(matches!(
            Workshop::from_json("not json"),
            Err(WorkshopError::File(_))
        ));
        let future = w.to_json().replacen("\"format\": 1", "\"format\": 9", 1);
        assert_eq!(
            Workshop::from_json(&future),
            Err(WorkshopError::UnknownFormat(9))
        );
    }

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        let s = scenario();
        let w = play_to_end(&s, Workshop::new(&s, 9), false);
        let path = TeamPath::new("=HYPERLINK(\"x\"), team", &w.session(&s).expect("s"));
        let table = csv(&s, &[path]);
        assert!(table.contains("\"'=HYPERLINK(\"\"x\"\"), team\""));
    }
}
