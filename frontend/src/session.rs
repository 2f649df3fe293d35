//! The signed-in session: the token pair in localStorage, a reactive "signed in" flag for the
//! views, and a timer that refreshes the access token about a minute before it expires.
//!
//! localStorage, not memory, is the source of truth: every tab of the app shares it, and a
//! refresh token works only once, so each use reads the newest pair another tab may have saved.

use std::cell::RefCell;

use gloo_timers::callback::Timeout;
use leptos::ev;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use textdesk_types::auth::TokenResponse;
use web_sys::js_sys;

const STORAGE_KEY: &str = "textdesk.session";
/// How long before the access token expires the timer refreshes it.
const REFRESH_LEAD_MS: i64 = 60_000;
/// Tabs of one browser hold the same tokens and would all refresh at the same instant; a random
/// delay of up to this much lets the first tab's new tokens reach the others first.
const REFRESH_SPREAD_MS: f64 = 15_000.0;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    /// When the access token expires, in milliseconds since the Unix epoch.
    pub expires_at_ms: i64,
}

thread_local! {
    static SIGNED_IN: ArcRwSignal<bool> = ArcRwSignal::new(current().is_some());
    /// Dropping a `Timeout` cancels it, so replacing this cancels the previous timer.
    static REFRESH_TIMER: RefCell<Option<Timeout>> = const { RefCell::new(None) };
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The stored session, if any.
pub fn current() -> Option<Session> {
    let raw = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    serde_json::from_str(&raw).ok()
}

/// Stores a fresh token pair (from sign-in, setup, refresh or a password change).
pub fn save(tokens: &TokenResponse) {
    let lifetime_ms = i64::try_from(tokens.expires_in.saturating_mul(1000)).unwrap_or(i64::MAX);
    let session = Session {
        access_token: tokens.access_token.clone(),
        refresh_token: tokens.refresh_token.clone(),
        expires_at_ms: now_ms().saturating_add(lifetime_ms),
    };
    if let (Some(storage), Ok(raw)) = (storage(), serde_json::to_string(&session)) {
        // Private browsing can refuse to store; the session then lasts as long as the page.
        if storage.set_item(STORAGE_KEY, &raw).is_err() {
            leptos::logging::warn!("could not keep the session in localStorage");
        }
    }
    schedule_refresh(&session);
    set_signed_in(true);
}

/// Forgets the session: after signing out, or when the server no longer accepts it.
pub fn clear() {
    if let Some(storage) = storage() {
        // Removing a key cannot fail short of a broken storage; there is nothing left to undo.
        let _ = storage.remove_item(STORAGE_KEY);
    }
    REFRESH_TIMER.with_borrow_mut(|timer| *timer = None);
    set_signed_in(false);
}

/// Whether a session is stored; reactive, so views re-render when it changes.
pub fn is_signed_in() -> bool {
    SIGNED_IN.with(|signed_in| signed_in.get())
}

/// Starts looking after the session: the one an earlier visit stored, and those other tabs of
/// the app sign in, refresh and sign out.
pub fn start() {
    if let Some(session) = current() {
        schedule_refresh(&session);
    }
    // The listener lives as long as the page, so its handle is never needed.
    let _ = window_event_listener(ev::storage, |event| {
        // No key means another tab cleared all of localStorage.
        if event.key().is_none_or(|key| key == STORAGE_KEY) {
            follow_other_tab();
        }
    });
}

fn follow_other_tab() {
    match current() {
        Some(session) => {
            schedule_refresh(&session);
            set_signed_in(true);
        }
        None => clear(),
    }
}

fn set_signed_in(value: bool) {
    // Only a real change may notify: a routine refresh must not re-render the whole app.
    SIGNED_IN.with(|signed_in| {
        if signed_in.get_untracked() != value {
            signed_in.set(value);
        }
    });
}

fn schedule_refresh(session: &Session) {
    let spread = (js_sys::Math::random() * REFRESH_SPREAD_MS) as i64;
    let delay = session.expires_at_ms - REFRESH_LEAD_MS - spread - now_ms();
    // setTimeout takes a signed 32-bit delay; longer ones would fire at once.
    let delay = u32::try_from(delay.clamp(0, i64::from(i32::MAX))).unwrap_or(0);
    let seen = session.access_token.clone();
    let timer = Timeout::new(delay, move || leptos::task::spawn_local(refresh_due(seen)));
    REFRESH_TIMER.with_borrow_mut(|slot| *slot = Some(timer));
}

/// Runs when the timer of the session whose access token was `seen` fires.
async fn refresh_due(seen: String) {
    match current() {
        // Another tab refreshed first: wait for the new pair's turn instead.
        Some(session) if session.access_token != seen => schedule_refresh(&session),
        Some(_) => {
            // A refused refresh ends the session inside `refresh_session`; after a network
            // failure the next call's 401 tries again.
            if let Err(problem) = crate::api::refresh_session(&seen).await {
                leptos::logging::warn!("session refresh failed: {}", problem.message());
            }
        }
        None => {}
    }
}
