//! The signed-in agent's views with their unread counts, from one call, read again whenever the
//! feed says a conversation or a read state changed. The All view's count is the number in the
//! tab's title and beside "Inbox".

use leptos::prelude::*;
use textdesk_types::events::ChangeKind;
use textdesk_types::views::{View, ViewList};

use crate::api::{self, ApiResult};
use crate::live::{LiveFeed, coalesced};

/// Changes that can move a conversation into or out of a view, or make it read or unread.
const KINDS: &[ChangeKind] = &[
    ChangeKind::MessageAdded,
    ChangeKind::ConversationChanged,
    ChangeKind::ConversationDeleted,
    ChangeKind::ReadStateChanged,
];

/// The least time between two recounts. Counting every view is the dearest read the app makes
/// (seconds on a very large inbox, BENCHMARKS.md): a busy feed must not have every agent's
/// browser counting without pause.
const RECOUNT_EVERY_MS: u32 = 3_000;

/// The view whose count is the inbox's.
const ALL: &str = "all";

#[derive(Clone, Copy)]
pub struct InboxViews {
    views: RwSignal<Vec<View>>,
    recount: StoredValue<Option<std::rc::Rc<dyn Fn()>>, LocalStorage>,
}

impl InboxViews {
    /// The first views, read with the rest of the first screen.
    pub async fn first() -> ApiResult<ViewList> {
        api::views::list().await
    }

    /// Starts from `first` and reads the views again whenever the feed says something changed.
    pub fn follow(feed: LiveFeed, first: ViewList) -> Self {
        let inbox = Self {
            views: RwSignal::new(first.views),
            recount: StoredValue::new_local(None),
        };
        // The pause is part of the reload, so changes during it lead to one recount after it.
        let recount = coalesced(move || async move {
            if let Ok(list) = Self::first().await {
                inbox.views.try_set(list.views);
            }
            gloo_timers::future::TimeoutFuture::new(RECOUNT_EVERY_MS).await;
        });
        inbox.recount.set_value(Some(std::rc::Rc::new(recount.clone())));
        let on_resync = recount.clone();
        feed.subscribe(KINDS, move |_| recount(), on_resync);
        inbox
    }

    /// Reads the views again now (a view was saved).
    pub fn reload(self) {
        if let Some(recount) = self.recount.get_value() {
            recount();
        }
    }

    pub fn views(self) -> Vec<View> {
        self.views.get()
    }

    /// The view with this id, if the agent has it.
    pub fn find(self, id: &str) -> Option<View> {
        self.views
            .with(|views| views.iter().find(|view| view.id == id).cloned())
    }

    /// "3", or `None` when nothing is unread.
    pub fn label(self) -> Option<String> {
        let count = self.find(ALL).map_or(0, |view| view.unread_count);
        (count > 0).then(|| count.to_string())
    }
}
