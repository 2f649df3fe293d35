//! The change feed, followed once for the whole signed-in app.
//!
//! One long-poll serves every page: the frame starts [`LiveFeed`] from the position its first
//! list carried, and each component subscribes to the kinds of change it shows. A subscription
//! ends with the component that made it. Components subscribe before they load what they
//! show, so a change made while they load reaches them (at worst twice, which a refetch
//! absorbs).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::future::{FutureExt, LocalBoxFuture};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use textdesk_types::events::{ChangeKind, Event};

use crate::api;

/// How long to wait before asking the feed again after it failed (the server restarting, say).
const RETRY_MS: u32 = 3_000;

type OnEvents = Rc<dyn Fn(Vec<Event>)>;
type OnResync = Rc<dyn Fn()>;

struct Subscriber {
    id: u64,
    kinds: &'static [ChangeKind],
    on_events: OnEvents,
    on_resync: OnResync,
}

#[derive(Default)]
struct Subscribers {
    next_id: u64,
    list: Vec<Subscriber>,
}

/// The app's one follower of the change feed, provided as a context by the frame.
#[derive(Clone, Copy)]
pub struct LiveFeed {
    subscribers: StoredValue<RefCell<Subscribers>, LocalStorage>,
    started_from: StoredValue<String>,
}

impl LiveFeed {
    /// Follows the feed from `cursor` for as long as the calling component lives.
    pub fn start(cursor: String) -> Self {
        let feed = Self {
            subscribers: StoredValue::new_local(RefCell::new(Subscribers::default())),
            started_from: StoredValue::new(cursor.clone()),
        };
        let alive = Arc::new(AtomicBool::new(true));
        let on_leave = Arc::clone(&alive);
        on_cleanup(move || on_leave.store(false, Ordering::Relaxed));
        spawn_local(feed.follow(cursor, alive));
        feed
    }

    /// The feed of the signed-in frame.
    pub fn expect() -> Self {
        expect_context::<Self>()
    }

    /// Whether the feed was started from `position`: what was read at that position misses
    /// nothing; what was read at another may have missed a change and should be read again.
    pub fn started_from(self, position: Option<&str>) -> bool {
        self.started_from.with_value(|start| Some(start.as_str()) == position)
    }

    /// Calls `on_events` with each batch's changes of the given kinds, in feed order, and
    /// `on_resync` when changes may have been missed (the feed no longer kept the position)
    /// and what is shown should be read afresh; both until the calling component goes.
    pub fn subscribe(
        self,
        kinds: &'static [ChangeKind],
        on_events: impl Fn(Vec<Event>) + 'static,
        on_resync: impl Fn() + 'static,
    ) {
        let id = self.subscribers.try_with_value(|cell| {
            let mut subscribers = cell.borrow_mut();
            let id = subscribers.next_id;
            subscribers.next_id += 1;
            subscribers.list.push(Subscriber {
                id,
                kinds,
                on_events: Rc::new(on_events),
                on_resync: Rc::new(on_resync),
            });
            id
        });
        if let Some(id) = id {
            on_cleanup(move || {
                self.subscribers
                    .try_with_value(|cell| cell.borrow_mut().list.retain(|subscriber| subscriber.id != id));
            });
        }
    }

    async fn follow(self, mut cursor: String, alive: Arc<AtomicBool>) {
        let alive = move || alive.load(Ordering::Relaxed);
        while alive() {
            match api::events::after(cursor.clone()).await {
                Ok(batch) if alive() => {
                    cursor = batch.cursor;
                    self.deliver(batch.events);
                }
                Ok(_) => return,
                // Signed out: the frame is on its way to the sign-in page.
                Err(problem) if problem.status == 401 => return,
                Err(problem) if problem.status == 410 => match api::events::position().await {
                    Ok(fresh) => {
                        cursor = fresh;
                        self.resync();
                    }
                    Err(_) => TimeoutFuture::new(RETRY_MS).await,
                },
                Err(_) => TimeoutFuture::new(RETRY_MS).await,
            }
        }
    }

    /// The handlers are collected first: a handler may subscribe or leave while it runs.
    fn handlers<T>(self, pick: impl Fn(&Subscriber) -> Option<T>) -> Vec<T> {
        self.subscribers
            .try_with_value(|cell| cell.borrow().list.iter().filter_map(&pick).collect())
            .unwrap_or_default()
    }

    fn deliver(self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let handlers = self.handlers(|subscriber| {
            let wanted: Vec<Event> = events
                .iter()
                .filter(|event| subscriber.kinds.contains(&event.change.kind()))
                .cloned()
                .collect();
            (!wanted.is_empty()).then(|| (Rc::clone(&subscriber.on_events), wanted))
        });
        for (on_events, wanted) in handlers {
            on_events(wanted);
        }
    }

    fn resync(self) {
        for on_resync in self.handlers(|subscriber| Some(Rc::clone(&subscriber.on_resync))) {
            on_resync();
        }
    }
}

/// Wraps a reload so that calls made while it runs lead to exactly one more run after it: a
/// burst of changes costs two reads, not one per change. Nothing runs once the calling
/// component is gone: its signals would be disposed.
pub fn coalesced<Reload, Reloaded>(reload: Reload) -> impl Fn() + Clone + 'static
where
    Reload: Fn() -> Reloaded + 'static,
    Reloaded: Future<Output = ()> + 'static,
{
    coalesce_boxed(Rc::new(move || reload().boxed_local()))
}

/// [`coalesced`] for a boxed reload: one copy of this machinery serves every kind of reload.
fn coalesce_boxed(reload: Rc<dyn Fn() -> LocalBoxFuture<'static, ()>>) -> impl Fn() + Clone + 'static {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        Idle,
        Running,
        RunAgain,
    }
    let state = Rc::new(Cell::new(State::Idle));
    let alive = Arc::new(AtomicBool::new(true));
    let on_leave = Arc::clone(&alive);
    on_cleanup(move || on_leave.store(false, Ordering::Relaxed));
    move || match state.get() {
        State::Idle => {
            state.set(State::Running);
            let (state, alive, reload) = (Rc::clone(&state), Arc::clone(&alive), Rc::clone(&reload));
            spawn_local(async move {
                while alive.load(Ordering::Relaxed) {
                    reload().await;
                    if state.get() == State::RunAgain {
                        state.set(State::Running);
                    } else {
                        break;
                    }
                }
                state.set(State::Idle);
            });
        }
        State::Running => state.set(State::RunAgain),
        State::RunAgain => {}
    }
}
