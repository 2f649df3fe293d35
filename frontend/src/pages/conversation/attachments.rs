//! MMS in the composer: pictures and videos attached to a reply, checked against what an MMS
//! can carry before they are uploaded (the server checks their bytes again), previewed, and
//! removable until the reply is sent.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use textdesk_types::MediaId;
use textdesk_types::media::{MAX_MMS_BYTES, OUTBOUND_TYPES, OUTBOUND_TYPES_REFUSAL, TOO_LARGE_REFUSAL, media_warning};
use textdesk_types::messages::MediaAttachment;

use super::composer::refusal;
use crate::api;

/// A file uploaded for the reply, with the object URL that previews it from the agent's disk.
#[derive(Clone, Debug, PartialEq)]
struct Attached {
    media: MediaAttachment,
    name: String,
    preview: String,
}

/// The reply's attachments, in the order they were picked.
#[derive(Clone, Copy)]
pub struct Attachments {
    list: RwSignal<Vec<Attached>>,
    /// Files still on their way to the server.
    uploading: RwSignal<usize>,
    problem: RwSignal<Option<String>>,
}

impl Attachments {
    pub fn new() -> Self {
        let attachments = Self {
            list: RwSignal::new(Vec::new()),
            uploading: RwSignal::new(0),
            problem: RwSignal::new(None),
        };
        // Only the object URLs need letting go: the signals go with the composer, and changing
        // them now would wake views that are being taken down.
        on_cleanup(move || {
            attachments.list.try_with_untracked(|list| {
                for attached in list {
                    let _ = web_sys::Url::revoke_object_url(&attached.preview);
                }
            });
        });
        attachments
    }

    pub fn ids(&self) -> Vec<MediaId> {
        self.list
            .with_untracked(|list| list.iter().map(|attached| attached.media.id.clone()).collect())
    }

    pub fn any(&self) -> bool {
        self.list.with(|list| !list.is_empty())
    }

    pub fn busy(&self) -> bool {
        self.uploading.get() > 0
    }

    /// Forgets the attachments sent with a reply (`sent`), or all of them.
    pub fn clear_sent(&self, sent: &[MediaId]) {
        self.list.try_update(|list| {
            list.retain(|attached| {
                let gone = sent.contains(&attached.media.id);
                if gone {
                    let _ = web_sys::Url::revoke_object_url(&attached.preview);
                }
                !gone
            });
        });
    }

    fn total_bytes(&self) -> u64 {
        self.list
            .with(|list| list.iter().map(|attached| attached.media.size_bytes).sum())
    }

    /// Checks a picked file as the server will, then uploads it.
    fn add(&self, file: web_sys::File) {
        let size = file.size() as u64;
        let total = untrack(|| self.total_bytes()) + size;
        let refused = if !OUTBOUND_TYPES.contains(&file.type_().as_str()) {
            Some(format!("{}: {OUTBOUND_TYPES_REFUSAL}.", file.name()))
        } else if total > MAX_MMS_BYTES as u64 {
            Some(format!("{}: {TOO_LARGE_REFUSAL} in all.", file.name()))
        } else {
            None
        };
        if let Some(refused) = refused {
            self.problem.set(Some(refused));
            return;
        }
        let Ok(preview) = web_sys::Url::create_object_url_with_blob(&file) else {
            self.problem.set(Some(format!("{} could not be read.", file.name())));
            return;
        };
        self.problem.set(None);
        self.uploading.update(|count| *count += 1);
        let this = *self;
        spawn_local(async move {
            let name = file.name();
            let uploaded = api::media::upload(file).await;
            this.uploading.try_update(|count| *count = count.saturating_sub(1));
            match uploaded {
                Ok(media) => {
                    this.list
                        .try_update(|list| list.push(Attached { media, name, preview }));
                }
                Err(problem) => {
                    let _ = web_sys::Url::revoke_object_url(&preview);
                    this.problem.try_set(Some(format!("{name}: {}", refusal(&problem))));
                }
            }
        });
    }

    fn remove(&self, id: &MediaId) {
        self.clear_sent(std::slice::from_ref(id));
    }
}

/// The camera button, which opens the file picker.
#[component]
pub fn AttachButton(attachments: Attachments, #[prop(into)] disabled: Signal<bool>) -> impl IntoView {
    let input = NodeRef::<Input>::new();
    let picked = move |_| {
        let Some(input) = input.get_untracked() else {
            return;
        };
        if let Some(files) = input.files() {
            for index in 0..files.length() {
                if let Some(file) = files.get(index) {
                    attachments.add(file);
                }
            }
        }
        // The same file may be picked again after being removed.
        input.set_value("");
    };
    view! {
        <input
            type="file"
            id="composer-file"
            hidden
            multiple
            accept=OUTBOUND_TYPES.join(",")
            node_ref=input
            on:change=picked
        />
        <button
            type="button"
            class="button button-quiet"
            id="attach-media"
            title="Attach a picture or video (MMS)"
            aria-label="Attach a picture or video"
            disabled=disabled
            on:click=move |_| {
                if let Some(input) = input.get_untracked() {
                    input.click();
                }
            }
        >
            <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                <path
                    d="M9 4h6l1.5 2H20a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h3.5z"
                    fill="none"
                    stroke="currentColor"
                    stroke-width="2"
                    stroke-linejoin="round"
                />
                <circle cx="12" cy="13" r="4" fill="none" stroke="currentColor" stroke-width="2" />
            </svg>
        </button>
    }
}

/// The attachments' previews with their remove buttons, the upload under way, the warning for
/// large media and the reason a file was refused.
#[component]
pub fn AttachmentList(attachments: Attachments) -> impl IntoView {
    let items = move || {
        attachments
            .list
            .get()
            .into_iter()
            .map(|attached| {
                let id = attached.media.id.clone();
                let label = format!("Remove {}", attached.name);
                let preview = if attached.media.content_type.starts_with("video/") {
                    view! { <video class="attachment-preview" src=attached.preview.clone() muted=true preload="metadata"></video> }
                        .into_any()
                } else {
                    view! { <img class="attachment-preview" src=attached.preview.clone() alt=attached.name.clone() /> }.into_any()
                };
                let size = format!("{:.1} MB", attached.media.size_bytes as f64 / 1_000_000.0);
                view! {
                    <li class="attachment">
                        {preview}
                        <span class="attachment-name">{attached.name.clone()}</span>
                        <span class="muted">{size}</span>
                        <button
                            type="button"
                            class="chip-remove"
                            aria-label=label
                            on:click=move |_| attachments.remove(&id)
                        >
                            "×"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <ul class="attachments" id="composer-attachments" hidden=move || !attachments.any()>
            {items}
        </ul>
        <p class="hint" id="composer-uploading" role="status">
            {move || attachments.busy().then_some("Uploading…")}
        </p>
        <p class="hint composer-media-warning" id="composer-media-warning">
            {move || media_warning(attachments.total_bytes())}
        </p>
        <p class="composer-problem" id="composer-media-problem" role="alert">
            {move || attachments.problem.get()}
        </p>
    }
}
