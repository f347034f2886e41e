//! The participant's pages of a live room (room.html, the phone module `frontline-room`):
//! joining by the room's code, then following the room as the facilitator runs it (the
//! briefing, each decision with its vote, the room's choice and what it did, the debrief),
//! or playing a team's own path in teams mode.
//!
//! The room itself is `platform::rooms` (one socket, a replica kept by the protocol's
//! reducer, reconnects); these pages only show it and send votes and team choices. They
//! never show the open vote's tally: a phone receives every ballot (every replica needs them),
//! but the room sees the votes only when the facilitator reveals them.
//!
//! Addresses (hash routes, read by [`read_hash`]): `#K7QD3M` and `#/join/K7QD3M` fill in the
//! join form (the projector's QR code opens the second); `#/room/K7QD3M` is a joined room,
//! which a reload joins again with the token this browser kept.

mod join;
mod live;
mod team;

use room_protocol::RoomCode;
use yew::prelude::*;

use crate::app::skip_to_main;
use crate::platform::page::use_title;
use crate::platform::rooms::{Join, Link, RoomHandle, use_room};

/// What the address asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hash {
    /// The join form, with the code to fill in (a well-formed code, upper-cased).
    Join(Option<String>),
    /// The room with this code, joined before in this browser.
    Room(String),
}

/// Reads room.html's address hash (with or without its `#`). Codes are forgiven case and
/// surrounding spaces (also as `%20`); anything that is not a room code fills in nothing.
pub fn read_hash(hash: &str) -> Hash {
    let path = hash.strip_prefix('#').unwrap_or(hash);
    let path = path.strip_prefix('/').unwrap_or(path);
    let code = |text: &str| {
        RoomCode::parse(&text.replace("%20", " "))
            .ok()
            .map(|c| c.to_string())
    };
    if let Some(rest) = path.strip_prefix("room/") {
        return code(rest).map_or(Hash::Join(None), Hash::Room);
    }
    Hash::Join(code(path.strip_prefix("join/").unwrap_or(path)))
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Puts `#/room/CODE` or `#/join/CODE` in the address without a history entry or a reload.
fn set_hash(hash: &str) {
    if let Some(window) = web_sys::window()
        && current_hash() != hash
        && let Ok(history) = window.history()
    {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
    }
}

fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// The handle as a prop: a new render of the app is a new state of the room.
#[derive(Clone)]
pub struct HandleProp(pub RoomHandle);

impl PartialEq for HandleProp {
    fn eq(&self, _: &HandleProp) -> bool {
        false
    }
}

/// The connection's state in words, or nothing while all is well (for a polite live region).
pub fn link_sentence(link: &Link, vote_pending: bool, online: bool) -> Option<String> {
    match link {
        Link::Live => None,
        Link::Connecting => Some("Connecting to the room\u{2026}".into()),
        Link::Retrying(_) if !online && vote_pending => {
            Some("Offline: your vote will be sent when you reconnect.".into())
        }
        Link::Retrying(_) if !online => {
            Some("Offline: this page reconnects when the network is back.".into())
        }
        Link::Retrying(_) if vote_pending => {
            Some("Reconnecting\u{2026} Your vote will be sent when the room is back.".into())
        }
        Link::Retrying(_) => Some("Reconnecting\u{2026}".into()),
        Link::Failed(why) => Some(why.clone()),
    }
}

/// room.html: the join form until this device is in a room, then the room.
#[function_component(RoomApp)]
pub fn room_app() -> Html {
    let start = use_memo((), |_| read_hash(&current_hash()));
    let join = use_state(|| match &*start {
        Hash::Room(code) => Some(Join::Participant {
            code: code.clone(),
            name: None,
        }),
        Hash::Join(_) => None,
    });
    // The code last tried (so a failed join keeps it in the field to correct), else the
    // address's.
    let tried = use_state(|| None::<String>);
    let prefill = (*tried).clone().or_else(|| match &*start {
        Hash::Join(code) => code.clone(),
        Hash::Room(code) => Some(code.clone()),
    });
    let failure = use_state(|| None::<String>);
    let handle = use_room((*join).clone());

    // A join that failed before reaching the room returns to the form with its reason (and
    // leaves the client, so that trying the same code again starts afresh).
    let failed = match (&handle.link, &handle.live) {
        (Link::Failed(why), None) => Some(why.clone()),
        _ => None,
    };
    {
        let (join, failure) = (join.clone(), failure.clone());
        use_effect_with(failed, move |failed| {
            if let Some(why) = failed {
                failure.set(Some(why.clone()));
                join.set(None);
            }
        });
    }
    // In the room: its address, so a reload joins it again.
    let code = handle.live.as_ref().map(|l| l.code.clone());
    use_effect_with(code, |code| {
        if let Some(code) = code {
            set_hash(&format!("#/room/{code}"));
        }
    });

    let on_join = {
        let (join, failure, tried) = (join.clone(), failure.clone(), tried.clone());
        Callback::from(move |(code, name): (String, Option<String>)| {
            failure.set(None);
            tried.set(Some(code.clone()));
            set_hash(&format!("#/join/{code}"));
            join.set(Some(Join::Participant { code, name }));
        })
    };
    let on_leave = {
        let join = join.clone();
        Callback::from(move |_: MouseEvent| {
            set_hash("#/");
            join.set(None);
        })
    };

    let page = match (&*join, &handle.live) {
        (None, _) => html! {
            <join::JoinPage prefill={prefill} failure={(*failure).clone()} on_join={on_join} />
        },
        (Some(join), None) => {
            let code = match join {
                Join::Participant { code, .. } => code.clone(),
                _ => String::new(),
            };
            html! { <Joining code={code} link={handle.link.clone()} error={handle.error.clone()} on_cancel={on_leave} /> }
        }
        (Some(_), Some(_)) => {
            html! { <live::InRoom handle={HandleProp(handle.clone())} on_leave={on_leave} /> }
        }
    };
    html! {
        <>
            <a class="skip-link" href="#main" onclick={skip_to_main}>{ "Skip to content" }</a>
            { page }
        </>
    }
}

/// Props for [`Joining`].
#[derive(Properties, PartialEq)]
struct JoiningProps {
    code: AttrValue,
    link: Link,
    error: Option<String>,
    on_cancel: Callback<MouseEvent>,
}

/// Between the Join button and the room: connecting, or waiting to try again.
#[function_component(Joining)]
fn joining(props: &JoiningProps) -> Html {
    use_title("Joining a room".to_owned());
    let status = match props.link {
        Link::Retrying(n) if n >= 2 => format!(
            "Cannot reach the room yet; trying again (attempt {n})\u{2026} Check that this device is on the room's network."
        ),
        _ => format!("Joining room {}\u{2026}", props.code),
    };
    html! {
        <main id="main" class="page narrow room-page" tabindex="-1" aria-busy="true">
            <h1>{ "Joining a live workshop" }</h1>
            <p class="loading" role="status">{ status }</p>
            if let Some(error) = &props.error {
                <p class="error" role="alert">{ error }</p>
            }
            <p><button type="button" class="button secondary" onclick={props.on_cancel.clone()}>{ "Cancel" }</button></p>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_fills_in_the_code_or_rejoins_the_room() {
        let join = |c: &str| Hash::Join(Some(c.to_owned()));
        assert_eq!(read_hash("#K7QD3M"), join("K7QD3M"));
        assert_eq!(read_hash("#/join/K7QD3M"), join("K7QD3M"));
        assert_eq!(read_hash("#/join/k7qd3m"), join("K7QD3M"));
        assert_eq!(read_hash("#/join/%20k7qd3m%20"), join("K7QD3M"));
        assert_eq!(read_hash("K7QD3M"), join("K7QD3M"));
        assert_eq!(read_hash("#/room/K7QD3M"), Hash::Room("K7QD3M".into()));
        // Nothing to fill in: no code, a code with a letter rooms never use, the skip link.
        for hash in [
            "",
            "#",
            "#/",
            "#/join/",
            "#/join/K7QD3O",
            "#main",
            "#/join/K7QD3MM",
        ] {
            assert_eq!(read_hash(hash), Hash::Join(None), "{hash:?}");
        }
        assert_eq!(read_hash("#/room/nope"), Hash::Join(None));
    }

    #[test]
    fn the_connection_is_told_in_words() {
        assert_eq!(link_sentence(&Link::Live, true, true), None);
        assert_eq!(
            link_sentence(&Link::Retrying(1), true, false).as_deref(),
            Some("Offline: your vote will be sent when you reconnect.")
        );
        assert_eq!(
            link_sentence(&Link::Retrying(3), false, true).as_deref(),
            Some("Reconnecting\u{2026}")
        );
        assert_eq!(
            link_sentence(&Link::Failed("The room has closed.".into()), false, true).as_deref(),
            Some("The room has closed.")
        );
    }
}
