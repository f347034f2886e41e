//! Time: the current time, a hook that re-renders a component at an interval so a countdown
//! or a running clock moves, and one-off timers (after a delay, or after the next frame).

use gloo_events::EventListener;
use gloo_timers::callback::{Interval, Timeout};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Runs `f` once after `ms` milliseconds.
pub fn set_timeout(ms: i32, f: impl FnOnce() + 'static) {
    Timeout::new(ms.max(0) as u32, f).forget();
}

/// Runs `f` once the next frame has been produced: work that must not delay showing what a
/// render changed (moving focus, which forces a layout; the debrief's what-ifs) goes here.
/// A requestAnimationFrame callback runs just before that frame; a timer set from it runs
/// after. In a hidden tab frames wait until the tab is shown again, and so does `f`.
///
/// Not gloo-render: its `AnimationFrame` cancels the frame when the handle is dropped and
/// has no `forget`, so a fire-and-forget frame would have to leak the handle on every call;
/// `Closure::once_into_js` frees itself once it has run.
pub fn after_paint(f: impl FnOnce() + 'static) {
    if let Some(window) = web_sys::window() {
        let frame = Closure::once_into_js(move || set_timeout(0, f));
        let _ = window.request_animation_frame(frame.unchecked_ref());
    }
}

/// Runs `f` between two User Timing marks and records the time it took as the performance
/// measure `name`, which DevTools traces and the benchmarks (`performance.getEntriesByName`)
/// can read. Without a window `f` just runs.
pub fn timed<R>(name: &str, f: impl FnOnce() -> R) -> R {
    let performance = web_sys::window().and_then(|w| w.performance());
    let start = format!("{name}:start");
    if let Some(p) = &performance {
        let _ = p.mark(&start);
    }
    let out = f();
    if let Some(p) = &performance {
        let _ = p.measure_with_start_mark(name, &start);
        p.clear_marks_with_mark_name(&start);
    }
    out
}

/// The current time in ms, updated every `every_ms` while the component is shown.
#[hook]
pub fn use_now(every_ms: i32) -> u64 {
    let now = use_state(now_ms);
    {
        let now = now.clone();
        use_effect_with(every_ms, move |&every| {
            let interval = Interval::new(every.max(1) as u32, move || now.set(now_ms()));
            move || drop(interval)
        });
    }
    *now
}

/// `m:ss` (or `h:mm:ss`) for a duration in ms, rounded up to the second for countdowns.
pub fn format_duration(ms: u64, round_up: bool) -> String {
    let secs = if round_up {
        ms.div_ceil(1000)
    } else {
        ms / 1000
    };
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Calls `on_key` for key presses anywhere on the page, except while typing in a field or
/// with Ctrl, Alt or Meta held (so browser shortcuts keep working).
#[hook]
pub fn use_shortcuts(on_key: Callback<String>) {
    use_effect_with(on_key, move |on_key| {
        let on_key = on_key.clone();
        let listener = web_sys::window()
            .and_then(|w| w.document())
            .map(|document| {
                EventListener::new(&document, "keydown", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    if e.ctrl_key() || e.alt_key() || e.meta_key() || e.repeat() {
                        return;
                    }
                    let typing = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|el| {
                            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        });
                    if !typing {
                        on_key.emit(e.key());
                    }
                })
            });
        move || drop(listener)
    });
}
