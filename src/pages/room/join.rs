//! The join form: the room's code (filled in from the address when the projector's QR code
//! opened the page) and an optional display name.

use room_protocol::{MAX_NAME, RoomCode};
use yew::prelude::*;

use crate::platform::page::use_title;
use crate::platform::rooms::{explain, server_info};

/// Whether the page came from a room server (asked once, on opening the form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Server {
    Asking,
    Here,
    Missing,
}

/// Props for [`JoinPage`].
#[derive(Properties, PartialEq)]
pub struct JoinPageProps {
    /// The code to fill in.
    pub prefill: Option<String>,
    /// Why the last join failed.
    pub failure: Option<String>,
    /// Called with the code (checked, upper-cased) and the name (trimmed, if any).
    pub on_join: Callback<(String, Option<String>)>,
}

/// The join form.
#[function_component(JoinPage)]
pub fn join_page(props: &JoinPageProps) -> Html {
    use_title("Join a live workshop".to_owned());
    let code_input = use_node_ref();
    let name_input = use_node_ref();
    let problem = use_state(|| None::<String>);
    let server = use_state(|| Server::Asking);
    {
        let server = server.clone();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                server.set(if server_info().await.is_some() {
                    Server::Here
                } else {
                    Server::Missing
                });
            });
        });
    }
    // The field to fill gets the focus: the code, or the name when the QR code filled the
    // code in (but the code again when it failed).
    {
        let (code_input, name_input) = (code_input.clone(), name_input.clone());
        let filled = props.prefill.is_some() && props.failure.is_none();
        let prefill = props.prefill.clone();
        use_effect_with((), move |()| {
            // Filled in once, not bound to `value`: a render (the server check answering)
            // would otherwise put back the prefill over what the participant typed.
            if let (Some(code), Some(input)) =
                (prefill, code_input.cast::<web_sys::HtmlInputElement>())
            {
                input.set_value(&code);
            }
            let field = if filled { name_input } else { code_input };
            if let Some(el) = field.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let on_submit = {
        let (code_input, name_input, problem) =
            (code_input.clone(), name_input.clone(), problem.clone());
        let on_join = props.on_join.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| {
                r.cast::<web_sys::HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            match RoomCode::parse(&value(&code_input)) {
                Ok(code) => {
                    problem.set(None);
                    let name = value(&name_input).trim().to_owned();
                    on_join.emit((code.to_string(), (!name.is_empty()).then_some(name)));
                }
                Err(e) => {
                    problem.set(Some(explain(&e)));
                    if let Some(el) = code_input.cast::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            }
        })
    };
    let error = (*problem).clone().or_else(|| props.failure.clone());
    let missing = *server == Server::Missing;
    html! {
        <main id="main" class="page narrow room-page room-join" tabindex="-1">
            <h1>{ "Join a live workshop" }</h1>
            if missing {
                <p class="error" role="alert">
                    { "This page needs Frontline's room server; ask your facilitator for the address." }
                </p>
            } else {
                <p>{ "Your facilitator shows a six-character room code on the screen. Enter it here to vote on each decision from this device." }</p>
            }
            <form class="panel room-join-form" onsubmit={on_submit} novalidate=true>
                <label for="room-code">{ "Room code" }</label>
                <input id="room-code" ref={code_input} type="text" class="seed-code room-code-input"
                    autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="16"
                    aria-invalid={error.is_some().then_some("true")}
                    aria-describedby="room-code-error" />
                <label for="room-name">{ "Your name" }<span class="muted">{ " (optional \u{2014} your votes stay anonymous)" }</span></label>
                <input id="room-name" ref={name_input} type="text" autocomplete="nickname"
                    maxlength={MAX_NAME.to_string()} aria-describedby="room-name-note" />
                <p id="room-name-note" class="muted room-note">{ "Only the facilitator sees names. Votes are shown as counts, never with a name." }</p>
                <div id="room-code-error" aria-live="polite">
                    if let Some(error) = error {
                        <p class="error">{ error }</p>
                    }
                </div>
                <button type="submit" class="button" disabled={missing}>{ "Join" }</button>
            </form>
        </main>
    }
}
