//! A button that downloads an export of messages, showing how much has arrived.

use leptos::prelude::*;

use crate::api::exports::{ExportQuery, download};

/// Bytes in words: "12 KB", "3.4 MB".
fn amount(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{} KB", bytes.div_ceil(1000))
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    }
}

#[component]
pub fn ExportButton(
    id: &'static str,
    label: &'static str,
    /// What to export, read when the button is pressed.
    #[prop(into)]
    query: Signal<ExportQuery>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let received = RwSignal::new(None::<u64>);
    let run = Action::new_local(move |query: &ExportQuery| {
        let query = query.clone();
        received.set(Some(0));
        async move {
            let done = download(query, move |bytes| {
                received.try_set(Some(bytes));
            })
            .await;
            received.try_set(None);
            done
        }
    });
    let status_id = format!("{id}-status");
    view! {
        <button
            type="button"
            class="button button-quiet"
            id=id
            aria-describedby=status_id.clone()
            disabled=move || disabled.get() || run.pending().get()
            on:click=move |_| {
                run.dispatch(query.get_untracked());
            }
        >
            {label}
        </button>
        <span class="export-status" id=status_id role="status">
            {move || match (received.get(), run.value().get()) {
                (Some(0), _) => "Preparing the export…".to_owned(),
                (Some(bytes), _) => format!("Downloading… {}", amount(bytes)),
                (None, Some(Ok(()))) => "Downloaded.".to_owned(),
                (None, Some(Err(problem))) => problem.message(),
                (None, None) => String::new(),
            }}
        </span>
    }
}
