use std::sync::Arc;

use frontline_engine::workshop::WorkshopError;
use frontline_engine::{Scenario, Session};
use proptest::prelude::*;

use super::*;

fn scenario() -> Arc<Scenario> {
    let src = include_str!("../../../scenarios/stretch-target.toml");
    Arc::new(
        frontline_engine::load("stretch-target.toml", src)
            .expect("the bundled scenario loads")
            .scenario,
    )
}

/// A log and the room it leads to, built by admitting requests as a server would.
struct Host {
    scenario: Arc<Scenario>,
    room: Room,
    log: Vec<LogEntry>,
}

impl Host {
    fn new() -> Host {
        let scenario = scenario();
        let room = Room::new(&scenario, 42);
        Host {
            scenario,
            room,
            log: Vec::new(),
        }
    }

    fn append(&mut self, entry: Entry) {
        let log = LogEntry {
            seq: self.room.position,
            at_ms: 1_000 * (self.room.position + 1),
            entry,
        };
        self.room = self
            .room
            .apply(&self.scenario, &log)
            .expect("entry applies");
        self.log.push(log);
    }

    fn join(&mut self) -> u32 {
        let participant = self.room.participants.len() as u32;
        // Every other participant gives a name, so redaction has something to remove.
        let name = participant
            .is_multiple_of(2)
            .then(|| format!("P{participant}"));
        self.append(Entry::Joined { participant, name });
        participant
    }

    /// Admits a request and appends what it becomes; returns whether anything was appended.
    fn send(&mut self, sender: Sender, request: Request) -> Result<bool, ProtocolError> {
        match self.room.admit(&self.scenario, sender, request)? {
            Some(entry) => {
                self.append(entry);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn vote(&mut self, participant: u32, choice: usize) -> Result<bool, ProtocolError> {
        let round = self.room.round;
        self.send(
            Sender::Participant(participant),
            Request::Vote { round, choice },
        )
    }

    fn command(&mut self, command: Command) -> Result<bool, ProtocolError> {
        self.send(Sender::Facilitator, Request::Command(command))
    }

    fn offered(&self) -> Vec<usize> {
        let session = self.room.workshop.session(&self.scenario).expect("replays");
        session.available_choices().map(|(i, _)| i).collect()
    }

    fn session(&self) -> Session {
        self.room.workshop.session(&self.scenario).expect("replays")
    }
}

#[test]
fn room_codes_use_the_unambiguous_alphabet_and_parse_as_typed() {
    for bad in ["0", "O", "1", "I", "L"] {
        assert!(!CODE_ALPHABET.contains(&bad.as_bytes()[0]), "{bad}");
    }
    let mut seen = std::collections::HashSet::new();
    let mut x = 0x9E37_79B9_7F4A_7C15_u64;
    for _ in 0..1000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let code = RoomCode::from_random(x);
        assert_eq!(code.as_str().len(), CODE_LEN);
        assert_eq!(RoomCode::parse(code.as_str()), Ok(code.clone()));
        assert_eq!(
            RoomCode::parse(&format!("  {}\n", code.as_str().to_lowercase())),
            Ok(code.clone())
        );
        seen.insert(code);
    }
    assert!(seen.len() > 990, "codes spread: {}", seen.len());
    for bad in [
        "", "ABCDE", "ABCDEFG", "ABCDE0", "ABCDEO", "ABCDE1", "ABCDEI", "ABCDEL", "ABCDÉ2",
    ] {
        assert_eq!(RoomCode::parse(bad), Err(ProtocolError::BadCode), "{bad}");
    }
    assert_eq!(RoomCode::from_random(0).as_str(), "222222");
}

#[test]
fn tokens_names_and_secrets_are_checked() {
    assert!(valid_token("abcdefghijklmnop"));
    assert!(valid_token(&"a-_9".repeat(16)));
    assert!(!valid_token("short"));
    assert!(!valid_token(&"a".repeat(65)));
    assert!(!valid_token("abcdefghijklmno!"));
    assert_eq!(display_name(None), Ok(None));
    assert_eq!(display_name(Some("   ")), Ok(None));
    assert_eq!(display_name(Some(" Ana ")), Ok(Some("Ana".into())));
    assert_eq!(display_name(Some("a\u{7}b")), Err(ProtocolError::BadName));
    assert_eq!(
        display_name(Some(&"é".repeat(41))),
        Err(ProtocolError::BadName)
    );
    assert!(display_name(Some(&"é".repeat(40))).is_ok());
    assert!(secrets_match("s3cret", "s3cret"));
    assert!(!secrets_match("s3cret", "s3creT"));
    assert!(!secrets_match("s3cret", "s3cre"));
}

#[test]
fn one_ballot_per_participant_changeable_and_counted_once() {
    let mut host = Host::new();
    let offered = host.offered();
    let (a, b) = (offered[0], offered[1]);
    let ana = host.join();
    let ben = host.join();

    assert_eq!(host.vote(ana, a), Ok(true));
    // Resent after a reconnect: nothing appended, still one vote.
    assert_eq!(host.vote(ana, a), Ok(false));
    assert_eq!(host.room.workshop.votes[a], 1);

    // Changed: the old choice loses the vote.
    assert_eq!(host.vote(ana, b), Ok(true));
    assert_eq!(host.room.workshop.votes[a], 0);
    assert_eq!(host.room.workshop.votes[b], 1);

    assert_eq!(host.vote(ben, b), Ok(true));
    assert_eq!(host.room.workshop.votes[b], 2);
    assert_eq!(host.room.ballots.len(), 2);

    // The workshop's majority is the participants' ballots.
    assert_eq!(host.command(Command::PlayMajority), Ok(true));
    let decision = &host.room.workshop.room[0];
    assert_eq!(decision.choice, b);
    assert_eq!(decision.votes[b], 2);
    assert!(host.room.ballots.is_empty());
    assert_eq!(host.room.round, 1);
}

#[test]
fn participants_cannot_command_and_the_facilitator_cannot_vote() {
    let mut host = Host::new();
    let ana = host.join();
    let before = host.room.clone();
    for command in [
        Command::Lock,
        Command::Reveal { shown: true },
        Command::Play { choice: 0 },
        Command::Rewind { decisions: 0 },
        Command::ToggleTimer,
    ] {
        assert_eq!(
            host.send(Sender::Participant(ana), Request::Command(command)),
            Err(ProtocolError::NotFacilitator)
        );
    }
    assert_eq!(
        host.send(
            Sender::Facilitator,
            Request::Vote {
                round: 0,
                choice: 0
            }
        ),
        Err(ProtocolError::NotParticipant)
    );
    assert_eq!(host.room, before);
}

#[test]
fn ballots_for_closed_votes_are_refused() {
    let mut host = Host::new();
    let offered = host.offered();
    let ana = host.join();
    let ben = host.join();
    host.vote(ana, offered[0]).unwrap();

    host.command(Command::Lock).unwrap();
    assert_eq!(host.vote(ben, offered[0]), Err(ProtocolError::VoteClosed));
    assert_eq!(host.vote(ana, offered[1]), Err(ProtocolError::VoteClosed));
    host.command(Command::Unlock).unwrap();
    assert_eq!(host.vote(ben, offered[0]), Ok(true));

    host.command(Command::Reveal { shown: true }).unwrap();
    assert_eq!(host.vote(ana, offered[1]), Err(ProtocolError::VoteClosed));

    // A ballot for the previous round, after the decision, never counts in the next vote.
    let old_round = host.room.round;
    host.command(Command::PlayMajority).unwrap();
    assert_eq!(
        host.send(
            Sender::Participant(ana),
            Request::Vote {
                round: old_round,
                choice: host.offered()[0]
            }
        ),
        Err(ProtocolError::VoteClosed)
    );
    // A choice that is not on offer is the workshop's refusal.
    assert_eq!(
        host.vote(ana, 99),
        Err(ProtocolError::Refused(WorkshopError::NoSuchChoice(99)))
    );
    // An unknown participant's entry is a corrupt log, not a vote.
    let stray = LogEntry {
        seq: host.room.position,
        at_ms: 0,
        entry: Entry::Ballot {
            participant: 7,
            round: host.room.round,
            choice: host.offered()[0],
        },
    };
    assert!(matches!(
        host.room.apply(&host.scenario, &stray),
        Err(ProtocolError::BadEntry(_))
    ));
}

#[test]
fn rewinding_keeps_the_rewound_votes_and_opens_a_new_round() {
    let mut host = Host::new();
    let ana = host.join();
    let first = host.offered()[0];
    host.vote(ana, first).unwrap();
    host.command(Command::PlayMajority).unwrap();
    assert_eq!(host.room.workshop.room.len(), 1);
    let round = host.room.round;
    host.command(Command::Rewind { decisions: 0 }).unwrap();
    assert!(host.room.workshop.room.is_empty());
    assert_eq!(host.room.workshop.explored[0].decisions[0].votes[first], 1);
    assert_eq!(host.room.round, round + 1);
    assert_eq!(
        host.command(Command::Rewind { decisions: 3 }),
        Err(ProtocolError::Refused(WorkshopError::NoSuchDecision(4)))
    );
}

#[test]
fn timer_commands_take_the_entry_time() {
    let mut host = Host::new();
    host.command(Command::SetTimer { seconds: 60 }).unwrap();
    host.command(Command::ToggleTimer).unwrap();
    let started = host.log.last().unwrap().at_ms;
    assert_eq!(host.room.workshop.timer.running_since, Some(started));
    assert_eq!(
        host.room.workshop.timer.remaining_ms(started + 10_000),
        50_000
    );
}

#[test]
fn entries_out_of_order_are_refused() {
    let host = Host::new();
    let late = LogEntry {
        seq: 3,
        at_ms: 0,
        entry: Entry::Command(Command::Lock),
    };
    assert!(matches!(
        host.room.apply(&host.scenario, &late),
        Err(ProtocolError::BadEntry(_))
    ));
}

/// A random walk of requests from the facilitator and participants, as a server admits
/// them; errors are refusals that append nothing.
fn walk(host: &mut Host, steps: &[(u8, u8, u8)]) {
    for &(who, what, arg) in steps {
        let offered = if host.session().is_ended() {
            vec![0]
        } else {
            host.offered()
        };
        let choice = offered[arg as usize % offered.len()];
        let n = host.room.participants.len() as u32;
        let _ = match what % 16 {
            0..=4 => {
                if n == 0 || who % 5 == 0 {
                    host.join();
                    Ok(true)
                } else {
                    host.vote(u32::from(who) % n, choice)
                }
            }
            5 => host.command(Command::Lock),
            6 => host.command(Command::Unlock),
            7 => host.command(Command::Reveal {
                shown: arg % 2 == 0,
            }),
            8 => host.command(Command::PlayMajority),
            9 => host.command(Command::Play { choice }),
            10 => host.command(Command::Rewind {
                decisions: usize::from(arg % 4),
            }),
            11 => host.command(Command::ToggleTimer),
            12 => host.command(Command::Mode {
                mode: if arg.is_multiple_of(2) {
                    Mode::Teams
                } else {
                    Mode::Room
                },
            }),
            13 if n > 0 => host.send(
                Sender::Participant(u32::from(who) % n),
                Request::StartTeam {
                    name: format!("Team {}", arg % 4),
                },
            ),
            14 if n > 0 => host.send(
                Sender::Participant(u32::from(who) % n),
                Request::TeamChoose {
                    choice: usize::from(arg % 4),
                },
            ),
            15 => host.command(Command::Show {
                panel: [
                    Panel::Scene,
                    Panel::Briefing,
                    Panel::Question,
                    Panel::Debrief,
                ][usize::from(arg % 4)],
            }),
            _ => Ok(false),
        };
        // The tally is always the ballots.
        for (i, &count) in host.room.workshop.votes.iter().enumerate() {
            let ballots = host.room.ballots.values().filter(|&&c| c == i).count() as u32;
            assert_eq!(count, ballots, "choice {i}");
        }
    }
}

fn replica_agrees(host: &Host) {
    // The log as it travels (JSON frames), applied by another replica.
    let frames: Vec<String> = host
        .log
        .iter()
        .map(|e| encode_server(&ServerFrame::Entry(e.clone())))
        .collect();
    let received: Vec<LogEntry> = frames
        .iter()
        .map(|f| match decode_server(f) {
            Ok(ServerFrame::Entry(e)) => e,
            other => panic!("not an entry: {other:?}"),
        })
        .collect();
    let replica = Room::replay(&host.scenario, 42, &received).expect("the log replays");
    assert_eq!(replica, host.room);
    // Participants and the projector receive the log without names; their replica is the
    // room without names, and nothing else differs.
    let redacted: Vec<LogEntry> = host
        .log
        .iter()
        .map(|e| LogEntry {
            entry: e.entry.redacted(),
            ..e.clone()
        })
        .collect();
    let anonymous = Room::replay(&host.scenario, 42, &redacted).expect("the redacted log replays");
    assert_eq!(anonymous, host.room.redacted());
    assert!(anonymous.participants.iter().all(|p| p.name.is_none()));
    for team in &anonymous.teams {
        let t = anonymous
            .team_of(team.participant)
            .expect("a team's device");
        anonymous
            .team_session(&host.scenario, t)
            .expect("a team's path replays");
    }
    // A replica that joined late: a welcome snapshot, then the rest of the log.
    let half = host.log.len() / 2;
    let snapshot = Room::replay(&host.scenario, 42, &host.log[..half]).unwrap();
    let welcome = encode_server(&ServerFrame::Welcome {
        code: RoomCode::from_random(1),
        role: Role::Participant,
        participant: None,
        token: None,
        secret: None,
        room: Box::new(snapshot),
        now_ms: 5,
        present: 3,
    });
    let Ok(ServerFrame::Welcome { room, .. }) = decode_server(&welcome) else {
        panic!("not a welcome")
    };
    let late = host.log[half..]
        .iter()
        .try_fold(*room, |room, e| room.apply(&host.scenario, e))
        .expect("the rest applies");
    assert_eq!(late, host.room);
}

#[test]
fn seeded_walks_replay_to_the_same_room() {
    let mut x = 7_u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..16 {
        let steps: Vec<(u8, u8, u8)> = (0..120)
            .map(|_| {
                let r = next();
                (r as u8, (r >> 8) as u8, (r >> 16) as u8)
            })
            .collect();
        let mut host = Host::new();
        walk(&mut host, &steps);
        assert!(!host.log.is_empty());
        replica_agrees(&host);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_admitted_log_replays_to_the_same_room(
        steps in proptest::collection::vec(any::<(u8, u8, u8)>(), 1..80)
    ) {
        let mut host = Host::new();
        walk(&mut host, &steps);
        replica_agrees(&host);
    }
}

#[test]
fn teams_start_once_with_unique_names_and_their_results_join_the_workshop() {
    let mut host = Host::new();
    let (a, b) = (host.join(), host.join());
    let start = |name: &str| Request::StartTeam { name: name.into() };
    assert!(matches!(
        host.send(Sender::Participant(a), start("Blue")),
        Err(ProtocolError::Team(_))
    ));
    host.command(Command::Mode { mode: Mode::Teams }).unwrap();
    assert_eq!(host.send(Sender::Participant(a), start("Blue")), Ok(true));
    assert_eq!(host.send(Sender::Participant(a), start("Blue")), Ok(false));
    for bad in ["blue", " Red ", "", "\u{7}x", &"n".repeat(41)] {
        let who = if bad == " Red " { a } else { b };
        assert!(
            matches!(
                host.send(Sender::Participant(who), start(bad)),
                Err(ProtocolError::Team(_))
            ),
            "{bad:?}"
        );
    }
    assert_eq!(
        host.send(Sender::Facilitator, start("Green")),
        Err(ProtocolError::NotParticipant)
    );
    assert_eq!(
        host.send(Sender::Viewer, Request::Command(Command::Lock)),
        Err(ProtocolError::NotFacilitator)
    );
    assert!(matches!(
        host.send(Sender::Participant(b), Request::TeamChoose { choice: 0 }),
        Err(ProtocolError::Team(_))
    ));
    assert!(matches!(
        host.send(Sender::Participant(a), Request::TeamChoose { choice: 99 }),
        Err(ProtocolError::Team(_))
    ));
    let mut steps = 0;
    loop {
        let session = host.room.team_session(&host.scenario, 0).unwrap();
        if session.is_ended() {
            break;
        }
        let choice = session.available_choices().last().unwrap().0;
        assert_eq!(
            host.send(Sender::Participant(a), Request::TeamChoose { choice }),
            Ok(true)
        );
        steps += 1;
        assert!(steps < 50);
    }
    // The finished path is the team's result, as a typed result code would be.
    let result = &host.room.workshop.teams[0];
    assert_eq!(result.name, "Blue");
    let session =
        frontline_engine::workshop::decode_team(&result.code, &host.scenario, 42).unwrap();
    assert_eq!(session.history().len(), steps);
    assert!(matches!(
        host.send(Sender::Participant(a), Request::TeamChoose { choice: 0 }),
        Err(ProtocolError::Team(_))
    ));
    replica_agrees(&host);
}

#[test]
fn the_plan_names_real_decisions_and_the_projector_panel_follows_plays() {
    let mut host = Host::new();
    let first = host.scenario.scenes[0].id.clone();
    assert_eq!(
        host.command(Command::Plan {
            quick: vec![first.clone(), first.clone()]
        }),
        Ok(true)
    );
    assert_eq!(host.room.quick, vec![first]);
    assert_eq!(
        host.command(Command::Plan {
            quick: vec!["nowhere".into()]
        }),
        Err(ProtocolError::BadPlan("nowhere".into()))
    );
    host.command(Command::Show {
        panel: Panel::Question,
    })
    .unwrap();
    assert_eq!(host.room.shown, Panel::Question);
    let choice = host.offered()[0];
    host.command(Command::Play { choice }).unwrap();
    assert_eq!(
        host.room.shown,
        Panel::Scene,
        "a new decision shows its scene"
    );
    host.command(Command::Show {
        panel: Panel::Debrief,
    })
    .unwrap();
    host.command(Command::Rewind { decisions: 0 }).unwrap();
    assert_eq!(host.room.shown, Panel::Debrief);
}

#[test]
fn frames_carry_the_version_and_read_back() {
    let frames = [
        ClientFrame::Create {
            scenario: "stretch-target".into(),
        },
        ClientFrame::Join {
            code: "ABC234".into(),
            name: Some("Ana".into()),
            token: Some("abcdefghijklmnop".into()),
            secret: None,
            view: false,
        },
        ClientFrame::Vote {
            round: 2,
            choice: 1,
        },
        ClientFrame::Command(Command::Reveal { shown: true }),
        ClientFrame::Command(Command::AddTeam {
            name: "Blue".into(),
            code: "x".into(),
        }),
    ];
    for frame in frames {
        let text = encode_client(&frame);
        assert!(text.starts_with("{\"v\":1,"), "{text}");
        assert_eq!(decode_client(&text), Ok(frame));
    }
    assert_eq!(
        encode_client(&ClientFrame::Vote {
            round: 0,
            choice: 2
        }),
        r#"{"v":1,"type":"vote","round":0,"choice":2}"#
    );
    assert_eq!(
        encode_client(&ClientFrame::Command(Command::Lock)),
        r#"{"v":1,"type":"command","command":"lock"}"#
    );
    assert_eq!(
        decode_client(r#"{"v":1,"type":"join","code":"abc234"}"#),
        Ok(ClientFrame::Join {
            code: "abc234".into(),
            name: None,
            token: None,
            secret: None,
            view: false,
        })
    );
    assert_eq!(
        encode_server(&ServerFrame::Presence { participants: 4 }),
        r#"{"v":1,"type":"presence","participants":4}"#
    );
    let error = ProtocolError::VoteClosed.frame();
    assert_eq!(
        encode_server(&error),
        r#"{"v":1,"type":"error","code":"vote_closed","message":"this vote is closed"}"#
    );
}

#[test]
fn malformed_frames_are_errors_with_reasons() {
    assert_eq!(
        decode_client(r#"{"v":2,"type":"vote","round":0,"choice":0}"#),
        Err(ProtocolError::UnsupportedVersion(2))
    );
    for bad in [
        "",
        "null",
        "[1,2]",
        r#"{"type":"vote"}"#,
        r#"{"v":1}"#,
        r#"{"v":1,"type":"shout"}"#,
        r#"{"v":1,"type":"vote","round":-1,"choice":0}"#,
        r#"{"v":1,"type":"command","command":"explode"}"#,
        r#"{"v":1,"type":"vote","round":0,"choice":0"#,
    ] {
        let err = decode_client(bad).expect_err(bad);
        assert_eq!(err.code(), "bad_frame", "{bad}: {err}");
    }
}
