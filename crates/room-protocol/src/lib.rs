//! Frontline's live rooms, without I/O: the frames a room server and its clients exchange,
//! and the room as an ordered log of entries applied by a pure reducer.
//!
//! - [`RoomCode`] — six characters from an alphabet with no 0, O, 1, I or L.
//! - [`ClientFrame`] / [`ServerFrame`] — the versioned JSON frames ([`PROTOCOL_VERSION`]);
//!   see `docs/rooms.md` for the exchange.
//! - [`Room`] — the room's state: the engine's [`Workshop`], the participants, their ballots
//!   for the open vote, whether the vote is locked. [`Room::apply`] applies one [`LogEntry`];
//!   [`Room::admit`] turns a request from a participant or the facilitator into the entry to
//!   append (or refuses it). The engine's [`Workshop::apply`] stays the single source of
//!   truth for the scenario: a participant's ballot is tallied into the workshop's vote with
//!   [`Action::Vote`], and every facilitator command is a workshop action.
//!
//! Nothing here reads a clock, a socket, a file or a random number generator: the server
//! stamps each entry with its position and time, and every replica that applies the same
//! entries in the same order reaches the same [`Room`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use frontline_engine::workshop::{Action, MAX_TEAM_NAME, TeamResult, Workshop, WorkshopError};
use frontline_engine::{Scenario, Session};
use serde::{Deserialize, Serialize};

/// The protocol version that every session-opening frame carries (`v`).
pub const PROTOCOL_VERSION: u32 = 1;

/// The longest display name, in characters.
pub const MAX_NAME: usize = 40;

/// The shortest and longest participant token, in characters.
pub const TOKEN_LEN: std::ops::RangeInclusive<usize> = 16..=64;

/// The characters of a room code: digits and capitals without 0, O, 1, I and L, which are
/// easy to misread on a projector or mistype on a phone.
pub const CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// The length of a room code.
pub const CODE_LEN: usize = 6;

/// A room's six-character code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoomCode(String);

impl RoomCode {
    /// The code for a random number (the server's source of randomness; the same number
    /// always gives the same code).
    pub fn from_random(mut random: u64) -> RoomCode {
        let n = CODE_ALPHABET.len() as u64;
        let mut code = String::with_capacity(CODE_LEN);
        for _ in 0..CODE_LEN {
            code.push(char::from(CODE_ALPHABET[(random % n) as usize]));
            random /= n;
        }
        RoomCode(code)
    }

    /// Reads a code as typed: surrounding spaces and lower case are forgiven; any character
    /// outside the alphabet is refused (a code never contains 0, O, 1, I or L, so a typed one
    /// is a mistake, not a near miss to guess at).
    pub fn parse(text: &str) -> Result<RoomCode, ProtocolError> {
        let code: String = text.trim().to_ascii_uppercase();
        if code.chars().count() != CODE_LEN
            || !code
                .bytes()
                .all(|b| CODE_ALPHABET.contains(&b) && b.is_ascii())
        {
            return Err(ProtocolError::BadCode);
        }
        Ok(RoomCode(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RoomCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RoomCode {
    type Error = ProtocolError;
    fn try_from(text: String) -> Result<RoomCode, ProtocolError> {
        RoomCode::parse(&text)
    }
}

impl From<RoomCode> for String {
    fn from(code: RoomCode) -> String {
        code.0
    }
}

/// Checks a participant token's form: 16 to 64 characters of `A-Z a-z 0-9 _ -`.
pub fn valid_token(token: &str) -> bool {
    TOKEN_LEN.contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A display name as kept: trimmed, control characters refused, at most [`MAX_NAME`]
/// characters; an empty name is no name.
pub fn display_name(name: Option<&str>) -> Result<Option<String>, ProtocolError> {
    let Some(name) = name.map(str::trim) else {
        return Ok(None);
    };
    if name.is_empty() {
        return Ok(None);
    }
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(ProtocolError::BadName);
    }
    Ok(Some(name.to_owned()))
}

/// Compares two secrets in time that depends only on their lengths.
pub fn secrets_match(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A facilitator command. Each one that changes the scenario's course is a workshop action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Stop accepting ballots for the open vote.
    Lock,
    /// Accept ballots again (while the vote is not revealed).
    Unlock,
    /// Show or hide the tally on the projector; a shown tally also closes the vote.
    Reveal {
        /// Shown or hidden.
        shown: bool,
    },
    /// Play the majority's choice.
    PlayMajority,
    /// Play this choice (an override when it is not the majority's).
    Play {
        /// Choice index in the scene.
        choice: usize,
    },
    /// Go back to just after this many decisions (the dropped decisions and their votes
    /// stay in the workshop's explored branches and in the log).
    Rewind {
        /// Decisions kept.
        decisions: usize,
    },
    /// Discard the open vote's ballots and open a new round.
    ClearVotes,
    /// Start the session's running clock (at the entry's time).
    StartClock,
    /// Set the discussion timer's length, stopping it.
    SetTimer {
        /// Seconds (the workshop clamps it to 10 s..1 h).
        seconds: u32,
    },
    /// Start or pause the discussion timer (at the entry's time).
    ToggleTimer,
    /// Reset the discussion timer.
    ResetTimer,
    /// Add a team's result (replacing a team of the same name).
    AddTeam {
        /// Team name.
        name: String,
        /// The team's session code.
        code: String,
    },
    /// Remove a team's result.
    RemoveTeam {
        /// Team name.
        name: String,
    },
    /// Choose what the projector shows.
    Show {
        /// The panel.
        panel: Panel,
    },
    /// Play as one room or in teams, each team on its own device.
    Mode {
        /// The mode.
        mode: Mode,
    },
    /// The session plan: the decisions (scene ids) to play without discussion.
    Plan {
        /// Scene ids, at most one per scene of the scenario.
        quick: Vec<String>,
    },
}

/// What the projector shows besides the scene, chosen on the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Panel {
    /// The current scene, its choices and (once revealed) the tally.
    #[default]
    Scene,
    /// The scenario's briefing and cast.
    Briefing,
    /// The current decision's discussion question.
    Question,
    /// The debrief: the room's path and the team comparison.
    Debrief,
}

/// How the room plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Everyone votes on one shared path.
    #[default]
    Room,
    /// Each team plays its own path on its own device.
    Teams,
}

/// A team playing its own path in the room, on one participant's device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveTeam {
    /// The team's name (unique in the room, compared without case).
    pub name: String,
    /// The participant whose device plays for the team.
    pub participant: u32,
    /// The team's choices so far, as indexes into each scene's choices.
    pub choices: Vec<usize>,
}

/// What the log records: one fact about the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    /// A participant joined (a new number, the next one) or changed their display name.
    Joined {
        /// The participant's number in the room.
        participant: u32,
        /// The optional display name.
        name: Option<String>,
    },
    /// A participant's ballot in a round: their one vote, replacing any earlier one.
    Ballot {
        /// The participant's number.
        participant: u32,
        /// The vote round ([`Room::round`]).
        round: u64,
        /// Choice index in the scene.
        choice: usize,
    },
    /// The facilitator's command.
    Command(Command),
    /// A participant's device started playing for a team.
    TeamStarted {
        /// The participant's number.
        participant: u32,
        /// The team's name.
        name: String,
    },
    /// A team's decision on its own path.
    TeamChose {
        /// The participant playing for the team.
        participant: u32,
        /// Choice index in the team's current scene.
        choice: usize,
    },
}

impl Entry {
    /// The entry as connections other than the facilitator's receive it: without display
    /// names, so nobody but the facilitator can tie a participant's number (and so a
    /// ballot) to a name.
    pub fn redacted(&self) -> Entry {
        match self {
            Entry::Joined { participant, .. } => Entry::Joined {
                participant: *participant,
                name: None,
            },
            other => other.clone(),
        }
    }

    /// Whether [`Entry::redacted`] changes it.
    pub fn names_someone(&self) -> bool {
        matches!(self, Entry::Joined { name: Some(_), .. })
    }
}

/// An entry in its place in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Position in the room's log, from 0.
    pub seq: u64,
    /// When the server appended it (ms since the Unix epoch); timer commands use it.
    pub at_ms: u64,
    /// The fact.
    pub entry: Entry,
}

/// A participant as the room knows them: a number and an optional display name. Their
/// token stays with the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// Optional display name.
    pub name: Option<String>,
}

/// Who sent a request, as the server established it when the connection joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Joined with the room's facilitator secret.
    Facilitator,
    /// Joined with the room code (and a participant token).
    Participant,
    /// Joined with the room code to watch (the projector): it receives the room and sends
    /// nothing; it is not a participant.
    Viewer,
}

/// The sender of a request to [`Room::admit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The facilitator.
    Facilitator,
    /// Participant number n.
    Participant(u32),
    /// A read-only connection (the projector): it sends no requests.
    Viewer,
}

/// A request to change the room, before it becomes an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A ballot.
    Vote {
        /// The round it is for.
        round: u64,
        /// Choice index.
        choice: usize,
    },
    /// A facilitator command.
    Command(Command),
    /// Start playing for a team on this device (teams mode).
    StartTeam {
        /// The team's name.
        name: String,
    },
    /// The team's choice in its current scene.
    TeamChoose {
        /// Choice index.
        choice: usize,
    },
}

/// A live room: the workshop and what the room adds to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Room {
    /// The engine's workshop; its `votes` are the tally of [`Room::ballots`].
    pub workshop: Workshop,
    /// Participants by number.
    pub participants: Vec<Participant>,
    /// The open vote's ballots: participant number → choice index (in JSON a list of
    /// `[participant, choice]` pairs, since frames are read through serde's buffered tags,
    /// which cannot read numbers from map keys).
    #[serde(with = "pairs")]
    pub ballots: BTreeMap<u32, usize>,
    /// The open vote's round; it advances whenever a new vote opens (after a play, a rewind
    /// or cleared votes), so a ballot for an earlier vote can never count in a later one.
    pub round: u64,
    /// Whether the facilitator locked the vote.
    pub locked: bool,
    /// How many entries have been applied: the position of the next entry.
    pub position: u64,
    /// What the projector shows.
    #[serde(default)]
    pub shown: Panel,
    /// One room or teams.
    #[serde(default)]
    pub mode: Mode,
    /// Decisions (scene ids) to play without discussion.
    #[serde(default)]
    pub quick: Vec<String>,
    /// Teams playing their own paths, in the order they started.
    #[serde(default)]
    pub teams: Vec<LiveTeam>,
}

/// Why a frame, a request or an entry was refused. Each variant has a stable code for
/// clients ([`ProtocolError::code`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// Not a frame of this protocol (the parser's reason).
    BadFrame(String),
    /// A frame longer than the server accepts.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A protocol version this build does not speak.
    UnsupportedVersion(u32),
    /// A room code that is not six characters of the alphabet.
    BadCode,
    /// No room has this code.
    NoSuchRoom,
    /// A participant token of the wrong form.
    BadToken,
    /// A display name too long or with control characters.
    BadName,
    /// A vote or command before joining a room, or a second join.
    NotJoined,
    /// Already in a room on this connection.
    AlreadyJoined,
    /// A facilitator command from a participant, or a wrong facilitator secret.
    NotFacilitator,
    /// The facilitator cannot vote.
    NotParticipant,
    /// A ballot for a vote that is locked, revealed, decided or not the open one.
    VoteClosed,
    /// The workshop refused the action.
    Refused(WorkshopError),
    /// An entry out of order, or for an unknown participant (a corrupt log).
    BadEntry(String),
    /// Too many frames or join attempts; try again later.
    RateLimited,
    /// The server knows no scenario with this id.
    UnknownScenario(String),
    /// The server cannot take more rooms or connections now.
    Full,
    /// The room expired or the server is stopping.
    Gone,
    /// A failure on the server's side (storage); the request had no effect.
    Internal,
    /// A team request that cannot be played (the reason, for people).
    Team(String),
    /// A plan naming a scene the scenario does not have.
    BadPlan(String),
}

impl ProtocolError {
    /// A stable, machine-readable code for the error frame.
    pub fn code(&self) -> &'static str {
        match self {
            ProtocolError::BadFrame(_) => "bad_frame",
            ProtocolError::TooLarge { .. } => "too_large",
            ProtocolError::UnsupportedVersion(_) => "unsupported_version",
            ProtocolError::BadCode => "bad_code",
            ProtocolError::NoSuchRoom => "no_such_room",
            ProtocolError::BadToken => "bad_token",
            ProtocolError::BadName => "bad_name",
            ProtocolError::NotJoined => "not_joined",
            ProtocolError::AlreadyJoined => "already_joined",
            ProtocolError::NotFacilitator => "not_facilitator",
            ProtocolError::NotParticipant => "not_participant",
            ProtocolError::VoteClosed => "vote_closed",
            ProtocolError::Refused(_) => "refused",
            ProtocolError::BadEntry(_) => "bad_entry",
            ProtocolError::RateLimited => "rate_limited",
            ProtocolError::UnknownScenario(_) => "unknown_scenario",
            ProtocolError::Full => "full",
            ProtocolError::Gone => "gone",
            ProtocolError::Internal => "internal",
            ProtocolError::Team(_) => "team_refused",
            ProtocolError::BadPlan(_) => "bad_plan",
        }
    }

    /// The error as a frame.
    pub fn frame(&self) -> ServerFrame {
        ServerFrame::Error {
            code: self.code().to_owned(),
            message: self.to_string(),
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::BadFrame(why) => write!(f, "not a room frame: {why}"),
            ProtocolError::TooLarge { limit } => {
                write!(f, "the frame is longer than {limit} bytes")
            }
            ProtocolError::UnsupportedVersion(v) => write!(
                f,
                "protocol version {v} is not supported; this server speaks version {PROTOCOL_VERSION}"
            ),
            ProtocolError::BadCode => f.write_str(
                "a room code is six letters and digits (there is no 0, O, 1, I or L in one)",
            ),
            ProtocolError::NoSuchRoom => f.write_str("there is no room with this code"),
            ProtocolError::BadToken => {
                f.write_str("a participant token is 16 to 64 letters, digits, '_' or '-'")
            }
            ProtocolError::BadName => write!(
                f,
                "a display name is at most {MAX_NAME} characters, without control characters"
            ),
            ProtocolError::NotJoined => f.write_str("join a room first"),
            ProtocolError::AlreadyJoined => f.write_str("this connection is already in a room"),
            ProtocolError::NotFacilitator => f.write_str("only the room's facilitator can do this"),
            ProtocolError::NotParticipant => {
                f.write_str("only participants vote or play for a team")
            }
            ProtocolError::VoteClosed => f.write_str("this vote is closed"),
            ProtocolError::Refused(e) => write!(f, "{e}"),
            ProtocolError::BadEntry(why) => write!(f, "the room's log does not fit: {why}"),
            ProtocolError::RateLimited => f.write_str("too many requests; wait a moment"),
            ProtocolError::UnknownScenario(id) => {
                write!(f, "this server has no scenario '{id}'")
            }
            ProtocolError::Full => f.write_str("the server is full; try again later"),
            ProtocolError::Gone => f.write_str("the room has closed"),
            ProtocolError::Internal => {
                f.write_str("the server could not save this; nothing changed")
            }
            ProtocolError::Team(why) => f.write_str(why),
            ProtocolError::BadPlan(id) => write!(f, "the scenario has no decision '{id}'"),
        }
    }
}

impl std::error::Error for ProtocolError {}

impl Room {
    /// A new room for a scenario played with `seed`, before any entry.
    pub fn new(scenario: &Scenario, seed: u64) -> Room {
        Room {
            workshop: Workshop::new(scenario, seed),
            participants: Vec::new(),
            ballots: BTreeMap::new(),
            round: 0,
            locked: false,
            position: 0,
            shown: Panel::Scene,
            mode: Mode::Room,
            quick: Vec::new(),
            teams: Vec::new(),
        }
    }

    /// The room as connections other than the facilitator's receive it (see
    /// [`Entry::redacted`]).
    pub fn redacted(&self) -> Room {
        let mut room = self.clone();
        for p in &mut room.participants {
            p.name = None;
        }
        room
    }

    /// The team this participant's device plays for.
    pub fn team_of(&self, participant: u32) -> Option<usize> {
        self.teams.iter().position(|t| t.participant == participant)
    }

    /// A team's session, replayed from the workshop's seed.
    pub fn team_session(
        &self,
        scenario: &Arc<Scenario>,
        team: usize,
    ) -> Result<Session, ProtocolError> {
        let team = self
            .teams
            .get(team)
            .ok_or_else(|| ProtocolError::BadEntry(format!("there is no team {team}")))?;
        Session::replay_indexes(scenario.clone(), self.workshop.seed, &team.choices)
            .map_err(|(n, e)| ProtocolError::BadEntry(format!("team decision {n}: {e}")))
    }

    /// The room after `entries`, applied in order from a new room.
    pub fn replay<'a>(
        scenario: &Arc<Scenario>,
        seed: u64,
        entries: impl IntoIterator<Item = &'a LogEntry>,
    ) -> Result<Room, ProtocolError> {
        let mut room = Room::new(scenario, seed);
        for entry in entries {
            room = room.apply(scenario, entry)?;
        }
        Ok(room)
    }

    /// Whether a ballot is accepted now.
    pub fn vote_open(&self) -> bool {
        !self.locked && !self.workshop.revealed
    }

    /// Turns a request into the entry to append, or refuses it. `Ok(None)` means the
    /// request changes nothing (a ballot resent after a reconnect) and nothing is appended.
    pub fn admit(
        &self,
        scenario: &Arc<Scenario>,
        sender: Sender,
        request: Request,
    ) -> Result<Option<Entry>, ProtocolError> {
        let entry = match (sender, request) {
            (Sender::Participant(p), Request::Vote { round, choice }) => {
                if self.ballots.get(&p) == Some(&choice) && round == self.round {
                    return Ok(None);
                }
                Entry::Ballot {
                    participant: p,
                    round,
                    choice,
                }
            }
            (Sender::Participant(p), Request::StartTeam { name }) => {
                let name = name.trim();
                if let Some(t) = self.team_of(p) {
                    if self.teams[t].name == name {
                        return Ok(None);
                    }
                    return Err(ProtocolError::Team(format!(
                        "this device already plays for team {}",
                        self.teams[t].name
                    )));
                }
                Entry::TeamStarted {
                    participant: p,
                    name: name.to_owned(),
                }
            }
            (Sender::Participant(p), Request::TeamChoose { choice }) => Entry::TeamChose {
                participant: p,
                choice,
            },
            (Sender::Facilitator | Sender::Viewer, Request::Vote { .. })
            | (
                Sender::Facilitator | Sender::Viewer,
                Request::StartTeam { .. } | Request::TeamChoose { .. },
            ) => {
                return Err(ProtocolError::NotParticipant);
            }
            (Sender::Participant(_) | Sender::Viewer, Request::Command(_)) => {
                return Err(ProtocolError::NotFacilitator);
            }
            (Sender::Facilitator, Request::Command(command)) => Entry::Command(command),
        };
        // Checked by applying it, so admission and replay can never disagree.
        let probe = LogEntry {
            seq: self.position,
            at_ms: 0,
            entry,
        };
        self.apply(scenario, &probe)?;
        Ok(Some(probe.entry))
    }

    /// Applies one entry. On error nothing changes; a replica that meets an error while
    /// applying the server's log has a log that is not this room's.
    pub fn apply(&self, scenario: &Arc<Scenario>, log: &LogEntry) -> Result<Room, ProtocolError> {
        if log.seq != self.position {
            return Err(ProtocolError::BadEntry(format!(
                "entry {} arrived where entry {} was expected",
                log.seq, self.position
            )));
        }
        let mut next = self.clone();
        match &log.entry {
            Entry::Joined { participant, name } => {
                let n = *participant as usize;
                if n == next.participants.len() {
                    next.participants.push(Participant { name: name.clone() });
                } else if let Some(known) = next.participants.get_mut(n) {
                    known.name.clone_from(name);
                } else {
                    return Err(ProtocolError::BadEntry(format!(
                        "participant {participant} joined out of turn"
                    )));
                }
            }
            Entry::Ballot {
                participant,
                round,
                choice,
            } => {
                if *participant as usize >= next.participants.len() {
                    return Err(ProtocolError::BadEntry(format!(
                        "participant {participant} has not joined"
                    )));
                }
                if *round != self.round || !self.vote_open() {
                    return Err(ProtocolError::VoteClosed);
                }
                let previous = next.ballots.insert(*participant, *choice);
                if let Some(old) = previous.filter(|old| old != choice) {
                    next.workshop = next.tally(scenario, old)?;
                }
                next.workshop = next.tally(scenario, *choice)?;
            }
            Entry::Command(command) => next.command(scenario, command, log.at_ms)?,
            Entry::TeamStarted { participant, name } => {
                next.start_team(*participant, name)?;
            }
            Entry::TeamChose {
                participant,
                choice,
            } => next.team_choose(scenario, *participant, *choice)?,
        }
        next.position = self.position + 1;
        Ok(next)
    }

    fn start_team(&mut self, participant: u32, name: &str) -> Result<(), ProtocolError> {
        if participant as usize >= self.participants.len() {
            return Err(ProtocolError::BadEntry(format!(
                "participant {participant} has not joined"
            )));
        }
        if self.mode != Mode::Teams {
            return Err(ProtocolError::Team(
                "the room is not playing in teams; wait for the facilitator".into(),
            ));
        }
        if self.team_of(participant).is_some() {
            return Err(ProtocolError::Team(
                "this device already plays for a team".into(),
            ));
        }
        let count = name.chars().count();
        if count == 0 || count > MAX_TEAM_NAME || name.chars().any(char::is_control) {
            return Err(ProtocolError::Team(format!(
                "a team name is 1 to {MAX_TEAM_NAME} characters"
            )));
        }
        if name.trim() != name {
            return Err(ProtocolError::Team(
                "a team name does not start or end with a space".into(),
            ));
        }
        let taken = self
            .teams
            .iter()
            .map(|t| t.name.as_str())
            .chain(self.workshop.teams.iter().map(|t| t.name.as_str()))
            .any(|n| n.to_lowercase() == name.to_lowercase());
        if taken {
            return Err(ProtocolError::Team(format!(
                "there is already a team called {name}; pick another name"
            )));
        }
        self.teams.push(LiveTeam {
            name: name.to_owned(),
            participant,
            choices: Vec::new(),
        });
        Ok(())
    }

    /// A team's decision; the team's finished path becomes its result in the workshop (so
    /// the debrief compares it), as a typed result code would.
    fn team_choose(
        &mut self,
        scenario: &Arc<Scenario>,
        participant: u32,
        choice: usize,
    ) -> Result<(), ProtocolError> {
        let t = self.team_of(participant).ok_or_else(|| {
            ProtocolError::Team("start a team on this device before choosing".into())
        })?;
        let mut session = self.team_session(scenario, t)?;
        session
            .choose_index(choice)
            .map_err(|e| ProtocolError::Team(format!("{e}")))?;
        self.teams[t].choices.push(choice);
        if session.is_ended() {
            let result = TeamResult {
                name: self.teams[t].name.clone(),
                code: frontline_engine::code::encode(&session),
            };
            self.workshop = self
                .workshop
                .apply(scenario, Action::AddTeam(result))
                .map_err(ProtocolError::Refused)?;
        }
        Ok(())
    }

    /// The workshop with `choice`'s count set to its number of ballots.
    fn tally(&self, scenario: &Arc<Scenario>, choice: usize) -> Result<Workshop, ProtocolError> {
        let count = self.ballots.values().filter(|&&c| c == choice).count() as u32;
        self.workshop
            .apply(scenario, Action::Vote { choice, count })
            .map_err(ProtocolError::Refused)
    }

    fn command(
        &mut self,
        scenario: &Arc<Scenario>,
        command: &Command,
        at_ms: u64,
    ) -> Result<(), ProtocolError> {
        let action = match command {
            Command::Show { panel } => {
                self.shown = *panel;
                return Ok(());
            }
            Command::Mode { mode } => {
                self.mode = *mode;
                return Ok(());
            }
            Command::Plan { quick } => {
                let mut plan: Vec<String> = Vec::new();
                for id in quick {
                    if !scenario.scenes.iter().any(|s| &s.id == id) {
                        return Err(ProtocolError::BadPlan(id.chars().take(64).collect()));
                    }
                    if !plan.contains(id) {
                        plan.push(id.clone());
                    }
                }
                self.quick = plan;
                return Ok(());
            }
            Command::Lock => {
                self.locked = true;
                return Ok(());
            }
            Command::Unlock => {
                self.locked = false;
                return Ok(());
            }
            Command::Reveal { shown } => Action::Reveal(*shown),
            Command::PlayMajority => Action::PlayMajority,
            Command::Play { choice } => Action::Play(*choice),
            Command::Rewind { decisions } => Action::Rewind(*decisions),
            Command::ClearVotes => Action::ClearVotes,
            Command::StartClock => Action::StartClock(at_ms),
            Command::SetTimer { seconds } => Action::SetTimer(*seconds),
            Command::ToggleTimer => Action::ToggleTimer(at_ms),
            Command::ResetTimer => Action::ResetTimer,
            Command::AddTeam { name, code } => Action::AddTeam(TeamResult {
                name: name.clone(),
                code: code.clone(),
            }),
            Command::RemoveTeam { name } => Action::RemoveTeam(name.clone()),
        };
        let opens_vote = matches!(
            command,
            Command::PlayMajority
                | Command::Play { .. }
                | Command::Rewind { .. }
                | Command::ClearVotes
        );
        self.workshop = self
            .workshop
            .apply(scenario, action)
            .map_err(ProtocolError::Refused)?;
        if opens_vote {
            self.ballots.clear();
            self.locked = false;
            self.round += 1;
            if self.shown != Panel::Debrief {
                self.shown = Panel::Scene;
            }
        }
        Ok(())
    }
}

/// A frame from a client. Every frame is a JSON object with the protocol version `v` and a
/// `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Open a room for a scenario; the connection becomes its facilitator.
    Create {
        /// The scenario's id (one the server serves).
        scenario: String,
    },
    /// Join a room: as a participant with an optional token and name, or as its
    /// facilitator with the secret.
    Join {
        /// The room code.
        code: String,
        /// Optional display name (participants).
        #[serde(default)]
        name: Option<String>,
        /// The participant's token from an earlier join; without it the server issues one.
        #[serde(default)]
        token: Option<String>,
        /// The facilitator secret; with it the connection is the facilitator's.
        #[serde(default)]
        secret: Option<String>,
        /// Join to watch (the projector): no participant number, nothing to send.
        #[serde(default)]
        view: bool,
    },
    /// A participant's ballot for the open round (changeable until lock or reveal).
    Vote {
        /// The round ([`Room::round`]).
        round: u64,
        /// Choice index in the scene.
        choice: usize,
    },
    /// A facilitator command.
    Command(Command),
    /// Start playing for a team on this device (teams mode).
    StartTeam {
        /// The team's name.
        name: String,
    },
    /// The team's choice in its current scene.
    TeamChoose {
        /// Choice index.
        choice: usize,
    },
}

/// A frame from the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Sent once after a join or create: the room's state at `room.position`; entries from
    /// that position on follow as [`ServerFrame::Entry`] frames.
    Welcome {
        /// The room code.
        code: RoomCode,
        /// The connection's role.
        role: Role,
        /// The participant's number (participants).
        participant: Option<u32>,
        /// The participant's token to keep for rejoining (participants).
        token: Option<String>,
        /// The facilitator secret (only to the connection that created the room).
        secret: Option<String>,
        /// The room's state (boxed: it is far larger than the other frames).
        room: Box<Room>,
        /// The server's time when it sent the welcome (ms since the Unix epoch), so a
        /// device can show the running timer by the server's clock before any entry comes.
        #[serde(default)]
        now_ms: u64,
        /// Participants connected to the room now (see [`ServerFrame::Presence`]).
        #[serde(default)]
        present: u32,
    },
    /// How many participants are connected to the room now (on any node): sent to every
    /// connection in the room when it changes. Not part of the log: who is connected is not
    /// a fact of the room's history.
    Presence {
        /// Participants with at least one open connection.
        participants: u32,
    },
    /// An entry appended to the room's log.
    Entry(LogEntry),
    /// A request was refused; nothing changed.
    Error {
        /// Stable code ([`ProtocolError::code`]).
        code: String,
        /// What went wrong, for people.
        message: String,
    },
}

#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    v: u32,
    #[serde(flatten)]
    frame: T,
}

/// Reads a client frame from JSON text (with its version checked).
pub fn decode_client(text: &str) -> Result<ClientFrame, ProtocolError> {
    #[derive(Deserialize)]
    struct Head {
        v: u32,
    }
    let head: Head =
        serde_json::from_str(text).map_err(|e| ProtocolError::BadFrame(e.to_string()))?;
    if head.v != PROTOCOL_VERSION {
        return Err(ProtocolError::UnsupportedVersion(head.v));
    }
    let envelope: Envelope<ClientFrame> =
        serde_json::from_str(text).map_err(|e| ProtocolError::BadFrame(e.to_string()))?;
    Ok(envelope.frame)
}

/// A client frame as JSON text.
pub fn encode_client(frame: &ClientFrame) -> String {
    encode(frame)
}

/// A server frame as JSON text.
pub fn encode_server(frame: &ServerFrame) -> String {
    encode(frame)
}

/// Reads a server frame from JSON text (with its version checked).
pub fn decode_server(text: &str) -> Result<ServerFrame, ProtocolError> {
    let envelope: Envelope<ServerFrame> =
        serde_json::from_str(text).map_err(|e| ProtocolError::BadFrame(e.to_string()))?;
    if envelope.v != PROTOCOL_VERSION {
        return Err(ProtocolError::UnsupportedVersion(envelope.v));
    }
    Ok(envelope.frame)
}

fn encode<T: Serialize>(frame: &T) -> String {
    // Every frame type serialises: string keys only, no non-finite floats.
    serde_json::to_string(&Envelope {
        v: PROTOCOL_VERSION,
        frame,
    })
    .unwrap_or_default()
}

mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(map: &BTreeMap<u32, usize>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<u32, usize>, D::Error> {
        Ok(Vec::<(u32, usize)>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests;
