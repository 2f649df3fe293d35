//! How many conversations hold messages the signed-in agent has not read: the number in the
//! tab's title and beside "Inbox", kept current by the change feed.

use leptos::prelude::*;
use textdesk_types::Page;
use textdesk_types::conversations::Conversation;
use textdesk_types::events::ChangeKind;

use crate::api::conversations::ListFilter;
use crate::api::{self, ApiResult};
use crate::live::{LiveFeed, coalesced};

/// Counted up to this many; beyond, the count reads "100+".
const COUNTED: u32 = 100;


/// Changes that can make a conversation unread or read.
const KINDS: &[ChangeKind] = &[
    ChangeKind::MessageAdded,
    ChangeKind::ConversationChanged,
    ChangeKind::ReadStateChanged,
];

#[derive(Clone, Copy)]
pub struct UnreadConversations {
    /// How many, and whether there are more than were counted.
    count: RwSignal<(usize, bool)>,
}

impl UnreadConversations {
    /// The first count, read with the rest of the first screen.
    pub async fn first_count() -> ApiResult<Page<Conversation>> {
        api::conversations::list(ListFilter { unread: Some(true), ..ListFilter::default() }, COUNTED, None).await
    }

    /// Starts from `first` and counts again whenever the feed says something changed.
    pub fn follow(feed: LiveFeed, first: &Page<Conversation>) -> Self {
        let unread = Self {
            count: RwSignal::new(Self::count_of(first)),
        };
        let recount = coalesced(move || async move {
            if let Ok(page) = Self::first_count().await {
                unread.count.try_set(Self::count_of(&page));
            }
        });
        let on_resync = recount.clone();
        feed.subscribe(KINDS, move |_| recount(), on_resync);
        unread
    }

    fn count_of(page: &Page<Conversation>) -> (usize, bool) {
        (page.items.len(), page.next_cursor.is_some())
    }

    /// "3", "100+", or `None` when nothing is unread.
    pub fn label(self) -> Option<String> {
        match self.count.get() {
            (0, _) => None,
            (count, false) => Some(count.to_string()),
            (count, true) => Some(format!("{count}+")),
        }
    }
}
