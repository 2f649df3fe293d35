//! Idle alerts: after the agent's idle-alert time with the page hidden or untouched, a new text
//! from a customer or a new note in an open conversation makes the tab's title and the Message
//! Center's heading flash and plays a short sound, until the agent comes back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use textdesk_types::conversations::ConversationStatus;
use textdesk_types::events::{Change, ChangeKind};
use textdesk_types::messages::Direction;

use crate::api::{self, conversations::Window};
use crate::live::LiveFeed;

/// Whether the alert is on, and which half of its blink it is in.
#[derive(Clone, Copy)]
pub struct IdleAlert {
    pub on: RwSignal<bool>,
    pub blink: RwSignal<bool>,
}

/// The time now, in milliseconds.
fn now_ms() -> f64 {
    web_sys::js_sys::Date::now()
}

/// A short two-tone chime, made by the browser (no sound file to download).
fn chime() {
    let Ok(audio) = web_sys::AudioContext::new() else {
        return;
    };
    for (index, frequency) in [880.0_f32, 660.0].into_iter().enumerate() {
        let (Ok(tone), Ok(volume)) = (audio.create_oscillator(), audio.create_gain()) else {
            return;
        };
        tone.frequency().set_value(frequency);
        volume.gain().set_value(0.15);
        let start = audio.current_time() + 0.18 * index as f64;
        let _ = tone.connect_with_audio_node(&volume);
        let _ = volume.connect_with_audio_node(&audio.destination());
        let _ = tone.start_with_when(start);
        let _ = tone.stop_with_when(start + 0.15);
    }
}

impl IdleAlert {
    /// Watches the agent's activity and the feed; `idle_seconds` is the agent's setting.
    pub fn watch(feed: LiveFeed, idle_seconds: Signal<u32>) -> Self {
        let alert = Self {
            on: RwSignal::new(false),
            blink: RwSignal::new(false),
        };
        let last_active = StoredValue::new(now_ms());
        let back = move |_| {
            last_active.set_value(now_ms());
            if alert.on.get_untracked() && !document().hidden() {
                alert.on.set(false);
            }
        };
        for event in ["pointerdown", "keydown", "mousemove", "visibilitychange", "focus"] {
            let listener = window_event_listener_untyped(event, back);
            on_cleanup(move || listener.remove());
        }
        let idle = move || {
            let quiet = now_ms() - last_active.get_value() >= f64::from(idle_seconds.get_untracked()) * 1000.0;
            document().hidden() || quiet
        };
        feed.subscribe(
            &[ChangeKind::MessageAdded],
            move |events| {
                if !idle() || alert.on.get_untracked() {
                    return;
                }
                for event in events {
                    if let Change::MessageAdded(added) = event.change {
                        spawn_local(async move {
                            let Ok(detail) = api::conversations::get(added.conversation_id, Window::Newest).await
                            else {
                                return;
                            };
                            let alerting = detail.conversation.status == ConversationStatus::Open
                                && detail.messages.iter().any(|message| {
                                    message.id == added.message_id
                                        && matches!(message.direction, Direction::Inbound | Direction::Note)
                                });
                            if alerting && !alert.on.get_untracked() {
                                alert.on.set(true);
                                chime();
                            }
                        });
                    }
                }
            },
            || {},
        );
        spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(800).await;
                let Some(on) = alert.on.try_get_untracked() else {
                    break;
                };
                let blink = alert.blink.get_untracked();
                if on || blink {
                    alert.blink.set(on && !blink);
                }
            }
        });
        alert
    }
}
