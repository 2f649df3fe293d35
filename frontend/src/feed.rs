//! Following the change feed while a page is shown: ask, hand the batch to the page, ask again
//! from where it stopped; start again from now when the feed no longer keeps the cursor.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use textdesk_types::events::Event;

use crate::api;

/// How long to wait before asking the feed again after it failed (the server restarting, say).
const RETRY_MS: u32 = 3_000;

/// Follows the feed from `cursor` while `wanted` says so and the calling component lives.
/// `apply` gets each non-empty batch in order; `reload` runs when changes may have been missed
/// (the cursor had expired) and the page should read its state afresh.
pub fn follow<Wanted, Apply, Applied, Reload, Reloaded>(
    mut cursor: String,
    wanted: Wanted,
    apply: Apply,
    reload: Reload,
) where
    Wanted: Fn() -> bool + 'static,
    Apply: Fn(Vec<Event>) -> Applied + 'static,
    Applied: Future<Output = ()>,
    Reload: Fn() -> Reloaded + 'static,
    Reloaded: Future<Output = ()>,
{
    let alive = Arc::new(AtomicBool::new(true));
    let on_leave = Arc::clone(&alive);
    on_cleanup(move || on_leave.store(false, Ordering::Relaxed));
    let still_wanted = move || alive.load(Ordering::Relaxed) && wanted();
    spawn_local(async move {
        while still_wanted() {
            match api::events(cursor.clone()).await {
                Ok(batch) if still_wanted() => {
                    cursor = batch.cursor;
                    if !batch.events.is_empty() {
                        apply(batch.events).await;
                    }
                }
                Ok(_) => return,
                // Signed out: the shell is on its way to the sign-in page.
                Err(problem) if problem.status == 401 => return,
                Err(problem) if problem.status == 410 => match api::feed_cursor().await {
                    Ok(fresh) => {
                        cursor = fresh;
                        reload().await;
                    }
                    Err(_) => TimeoutFuture::new(RETRY_MS).await,
                },
                Err(_) => TimeoutFuture::new(RETRY_MS).await,
            }
        }
    });
}
