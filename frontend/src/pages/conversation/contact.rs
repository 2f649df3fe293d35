//! The Contact tab of an open conversation: the contact's card (`pages::contacts::card`), with
//! the contact's conversations, this one marked. A saved name reaches every list and tab
//! through the change feed.

use leptos::prelude::*;

use super::Thread;
use crate::pages::contacts::card::{ContactConversations, ContactDetails, Texting};

/// Which of an open conversation's two tabs shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    Messages,
    Contact,
    /// The Contact tab, opened by "Add contact" to name the number: the first name has the focus.
    AddContact,
}

impl Panel {
    pub fn shows_contact(self) -> bool {
        matches!(self, Panel::Contact | Panel::AddContact)
    }
}

#[component]
pub fn ContactPanel(thread: Thread) -> impl IntoView {
    let contact = thread.contact;
    let naming = Signal::derive(move || thread.panel.get() == Panel::AddContact);
    // Read again when this conversation closes or a new one opens.
    let changed = Signal::derive(move || thread.conversation.track());
    view! {
        <section class="contact-panel" id="contact-panel" role="tabpanel" aria-labelledby="tab-contact">
            <ContactDetails contact naming />
            <Texting contact />
            <ContactConversations contact current=thread.id() changed />
        </section>
    }
}
