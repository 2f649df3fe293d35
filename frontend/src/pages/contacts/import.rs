//! Importing contacts from a CSV file (seed 003 "Upload Mobile Users"), for owners and admins:
//! the columns read and a sample file; the file checked, its first rows and every problem
//! shown before anything is imported; then the import's progress, live, and its report.
//! The import shown is in the address (`?id=`), so a reload or a shared link finds it again.

use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use textdesk_types::ContactImportId;
use textdesk_types::contact_imports::{
    ContactImport, ExistingContacts, ImportColumn, ImportField, ImportIssue, ImportRow, ImportStatus, IssueOutcome,
};
use textdesk_types::events::{Change, ChangeKind};

use crate::api::{self, ApiResult, Problem};
use crate::components::{FormAlert, LoadError, Loading, PageTitle, failure, field_error};
use crate::live::LiveFeed;
use crate::time::Moment;

#[component]
pub fn ImportContacts() -> impl IntoView {
    let query = use_query_map();
    let shown = Memo::new(move |_| query.with(|q| q.get("id").filter(|id| !id.is_empty()).map(ContactImportId::new)));
    view! {
        <PageTitle text="Import contacts" />
        <header class="page-header">
            <a class="back-link-always" href="/contacts">"← Contacts"</a>
            <h1>"Import contacts"</h1>
            <p class="lead">"Add or update contacts from a spreadsheet saved as a CSV file."</p>
        </header>
        {move || match shown.get() {
            None => view! { <ChooseFile /> }.into_any(),
            Some(id) => view! { <ImportShown id /> }.into_any(),
        }}
        <RecentImports />
    }
}

/// A count with thousands separated: "100,000".
fn count(n: u32) -> String {
    let digits = n.to_string();
    let mut text = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

/// "1 row", "2 rows".
fn rows(n: u32, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

fn field_name(column: &ImportColumn) -> String {
    match (column.field, &column.custom_field) {
        (Some(ImportField::Number), _) => "Number".to_owned(),
        (Some(ImportField::FirstName), _) => "First name".to_owned(),
        (Some(ImportField::LastName), _) => "Last name".to_owned(),
        (Some(ImportField::Company), _) => "Company".to_owned(),
        (Some(ImportField::Email), _) => "Email".to_owned(),
        (Some(ImportField::Labels), _) => "Labels".to_owned(),
        (Some(ImportField::OptedOut), _) => "Opted out".to_owned(),
        (Some(ImportField::CustomField), Some(custom)) => format!("Custom field “{}”", custom.name),
        _ => "Ignored".to_owned(),
    }
}

/// The columns read, the sample file, and the form that sends a file to be checked.
#[component]
fn ChooseFile() -> impl IntoView {
    let navigate = use_navigate();
    let fields = LocalResource::new(api::contacts::custom_fields);
    let input = NodeRef::<Input>::new();
    let add_country_code = RwSignal::new(false);
    let no_file = RwSignal::new(false);
    let check = Action::new_local(move |(file, us): &(web_sys::File, bool)| {
        let (file, us) = (file.clone(), *us);
        async move { api::contact_imports::check(file, us).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(checked)) = check.value().get() {
            navigate(
                &format!("/contacts/import?id={}", checked.id),
                NavigateOptions::default(),
            );
        }
    });
    let problem = failure(check);
    let file_error = field_error(problem, "file");
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let file = input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        no_file.set(file.is_none());
        if let Some(file) = file {
            check.dispatch((file, add_country_code.get_untracked()));
        }
    };
    let custom_names = move || {
        fields
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|field| field.name)
            .collect::<Vec<_>>()
    };
    view! {
        <section class="card import-step" aria-labelledby="import-prepare-heading">
            <h2 class="card-title" id="import-prepare-heading">"1. Prepare the file"</h2>
            <p>"The first row names the columns. A " <strong>"number"</strong> " column is required; these columns are read:"</p>
            <ul class="import-columns-read">
                <li><code>"number"</code> " — any format; everything but digits is dropped, so include the country code, or tick the box below for U.S. numbers"</li>
                <li><code>"first_name"</code> ", " <code>"last_name"</code> ", " <code>"company"</code> ", " <code>"email"</code></li>
                <li><code>"labels"</code> " — several separated by semicolons, such as " <code>"vip; newsletter"</code></li>
                <li><code>"opted_out"</code> " — " <code>"yes"</code> " opts the contact out; " <code>"no"</code> " opts them back in, unless they opted out by texting STOP"</li>
                <li>
                    "Your custom fields, by name"
                    {move || {
                        let names = custom_names();
                        if names.is_empty() { ": none defined yet".to_owned() } else { format!(": {}", names.join(", ")) }
                    }}
                </li>
            </ul>
            <p class="muted">"Other columns are ignored. Save the file as “CSV UTF-8”. A number that appears twice is imported from its first row."</p>
            <DownloadButton id="import-sample" label="Download a sample file" file=ServerFile::Sample />
        </section>
        <section class="card import-step" aria-labelledby="import-check-heading">
            <h2 class="card-title" id="import-check-heading">"2. Check the file"</h2>
            <p class="muted">"Nothing is imported yet: you see the first rows and every problem first."</p>
            <form class="import-form" on:submit=submit>
                <label for="import-file">"CSV file"</label>
                <input
                    type="file"
                    id="import-file"
                    accept=".csv,text/csv"
                    node_ref=input
                    aria-describedby="import-file-error"
                    aria-invalid=move || (no_file.get() || file_error.get().is_some()).to_string()
                />
                <p class="field-error" id="import-file-error" role="alert">
                    {move || {
                        if no_file.get() { Some("Choose a CSV file first.".to_owned()) } else { file_error.get() }
                    }}
                </p>
                <label class="check">
                    <input type="checkbox" id="import-us" bind:checked=add_country_code />
                    "Add the U.S. country code (1) to 10-digit numbers"
                </label>
                <button type="submit" class="button button-primary" id="import-check" disabled=check.pending()>
                    {move || if check.pending().get() { "Checking…" } else { "Check the file" }}
                </button>
            </form>
            {move || {
                problem
                    .get()
                    .filter(|problem| problem.errors.iter().all(|error| error.field != "file"))
                    .map(|problem| view! { <FormAlert problem=Signal::stored(Some(problem)) /> })
            }}
        </section>
    }
}

/// A file the server makes for the import page.
#[derive(Clone)]
enum ServerFile {
    /// The sample, with the organization's custom fields as columns.
    Sample,
    /// An import's whole report.
    Report(ContactImportId),
}

/// A button that saves a file the server makes, with what happened beside it.
#[component]
fn DownloadButton(id: &'static str, label: &'static str, file: ServerFile) -> impl IntoView {
    let run = Action::new_local(move |(): &()| {
        let file = file.clone();
        async move {
            match file {
                ServerFile::Sample => api::contact_imports::download_sample().await,
                ServerFile::Report(id) => api::contact_imports::download_report(id).await,
            }
        }
    });
    let status_id = format!("{id}-status");
    view! {
        <button
            type="button"
            class="button button-quiet"
            id=id
            aria-describedby=status_id.clone()
            disabled=run.pending()
            on:click=move |_| {
                run.dispatch(());
            }
        >
            {label}
        </button>
        <span class="export-status" id=status_id role="status">
            {move || match run.value().get() {
                Some(Ok(())) => "Downloaded.".to_owned(),
                Some(Err(problem)) => problem.message(),
                None => String::new(),
            }}
        </span>
    }
}

/// One import, kept current by the change feed: checked (confirm it), running, or done.
#[component]
fn ImportShown(id: ContactImportId) -> impl IntoView {
    let state = RwSignal::new(None::<ApiResult<ContactImport>>);
    let load = {
        let id = id.clone();
        move || {
            let id = id.clone();
            spawn_local(async move {
                let loaded = api::contact_imports::get(id).await;
                state.try_set(Some(loaded));
            });
        }
    };
    load();
    let ours = id.clone();
    let reload = load.clone();
    LiveFeed::expect().subscribe(
        &[ChangeKind::ContactsImported],
        move |events| {
            let about_ours = events
                .iter()
                .any(|event| matches!(&event.change, Change::ContactsImported(change) if change.import_id == ours));
            if about_ours {
                reload();
            }
        },
        load,
    );
    move || match state.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(problem)) => view! { <LoadError problem=*problem /> }.into_any(),
        Some(Ok(import)) => match import.status {
            ImportStatus::Checked => view! { <Checked import state /> }.into_any(),
            ImportStatus::Queued | ImportStatus::Running => view! { <Running import /> }.into_any(),
            ImportStatus::Done | ImportStatus::Failed => view! { <Finished import /> }.into_any(),
        },
    }
}

/// The file as checked: what will be imported, every problem, and the importer's choice.
#[component]
fn Checked(import: ContactImport, state: RwSignal<Option<ApiResult<ContactImport>>>) -> impl IntoView {
    let existing = RwSignal::new(ExistingContacts::Update);
    let id = import.id.clone();
    let start = Action::new_local(move |choice: &ExistingContacts| {
        let (id, choice) = (id.clone(), *choice);
        async move {
            let started = api::contact_imports::start(id, choice).await?;
            state.set(Some(Ok(started)));
            ApiResult::Ok(())
        }
    });
    let problem: Signal<Option<Problem>> = failure(start);
    let failed = import.rows_total - import.rows_valid;
    let summary = format!(
        "{}: {}. {} can be imported{}.",
        import.file_name,
        rows(import.rows_total, "row", "rows"),
        count(import.rows_valid),
        if import.rows_existing > 0 {
            format!(
                " ({} already {} a contact)",
                rows(import.rows_existing, "number", "numbers"),
                if import.rows_existing == 1 { "has" } else { "have" }
            )
        } else {
            String::new()
        }
    );
    let has_existing = import.rows_existing > 0;
    let can_import = import.rows_valid > 0;
    let button = if can_import {
        format!("Import {}", rows(import.rows_valid, "contact", "contacts"))
    } else {
        "Nothing to import".to_owned()
    };
    view! {
        <section class="card import-step" aria-labelledby="import-checked-heading">
            <h2 class="card-title" id="import-checked-heading">"3. Review and import"</h2>
            <p id="import-summary">{summary}</p>
            {(failed > 0)
                .then(|| {
                    let next = if can_import {
                        "Correct them and check the file again, or import the rest now."
                    } else {
                        "Correct them and check the file again."
                    };
                    view! {
                        <p class="alert alert-warning" id="import-failed-warning">
                            {format!(
                                "{} cannot be imported: they are listed below with why. {next}",
                                rows(failed, "row", "rows"),
                            )}
                        </p>
                    }
                })}
            <ColumnsRead columns=import.columns.clone() />
            <Preview rows=import.preview.clone() columns=import.columns.clone() />
            <IssueList id=import.id.clone() total=import.issues />
            <div class="import-confirm">
                <Show when=move || has_existing>
                    <fieldset class="import-existing">
                        <legend>"Numbers that already have a contact"</legend>
                        <label class="check">
                            <input
                                type="radio"
                                name="import-existing"
                                id="import-existing-update"
                                checked=true
                                on:change=move |_| existing.set(ExistingContacts::Update)
                            />
                            "Update them with the file's values (blank cells leave a value as it is; labels are added)"
                        </label>
                        <label class="check">
                            <input
                                type="radio"
                                name="import-existing"
                                id="import-existing-skip"
                                on:change=move |_| existing.set(ExistingContacts::Skip)
                            />
                            "Skip them: leave those contacts as they are"
                        </label>
                    </fieldset>
                </Show>
                <button
                    type="button"
                    class="button button-primary"
                    id="import-start"
                    disabled=move || !can_import || start.pending().get()
                    on:click=move |_| {
                        start.dispatch(existing.get_untracked());
                    }
                >
                    {button}
                </button>
                <a class="button button-quiet" href="/contacts/import" id="import-another">"Choose another file"</a>
            </div>
            <FormAlert problem />
        </section>
    }
}

#[component]
fn ColumnsRead(columns: Vec<ImportColumn>) -> impl IntoView {
    let items = columns
        .into_iter()
        .map(|column| {
            let ignored = column.field.is_none();
            let what = field_name(&column);
            view! {
                <li class:ignored=ignored>
                    <span class="import-heading">{column.heading.clone()}</span>
                    " → "
                    <span class=if ignored { "badge badge-disabled" } else { "badge" }>{what}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <h3 class="import-subheading">"Columns"</h3>
        <ul class="import-columns" id="import-columns">{items}</ul>
    }
}

/// The first rows as they will be imported.
#[component]
fn Preview(rows: Vec<ImportRow>, columns: Vec<ImportColumn>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted" id="import-preview-none">"No row can be imported."</p> }.into_any();
    }
    let custom: Vec<String> = columns
        .iter()
        .filter_map(|column| column.custom_field.as_ref().map(|field| field.name.clone()))
        .collect();
    let headings = custom
        .iter()
        .map(|name| view! { <th scope="col">{name.clone()}</th> })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|row| {
            let name = [row.first_name.clone(), row.last_name.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let opted_out = match row.opted_out {
                Some(true) => "Yes",
                Some(false) => "No",
                None => "",
            };
            let cells = custom
                .iter()
                .map(|name| {
                    view! { <td data-label=name.clone()>{row.custom_fields.get(name).cloned().unwrap_or_default()}</td> }
                })
                .collect_view();
            view! {
                <tr>
                    <td data-label="Row">{row.row}</td>
                    <td data-label="Number" class="import-number">
                        <span>
                            {row.phone_number.clone()}
                            {row.existing.then(|| view! { <span class="badge">"Has a contact"</span> })}
                        </span>
                    </td>
                    <td data-label="Name">{name}</td>
                    <td data-label="Company">{row.company.clone().unwrap_or_default()}</td>
                    <td data-label="Email">{row.email.clone().unwrap_or_default()}</td>
                    <td data-label="Labels">{row.labels.join(", ")}</td>
                    <td data-label="Opted out">{opted_out}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3 class="import-subheading">"First rows, as they will be imported"</h3>
        <div class="table-scroll" tabindex="0" role="region" aria-label="First rows">
            <table class="data-table" id="import-preview">
                <thead>
                    <tr>
                        <th scope="col">"Row"</th>
                        <th scope="col">"Number"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Company"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Labels"</th>
                        <th scope="col">"Opted out"</th>
                        {headings}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn outcome_name(outcome: IssueOutcome) -> &'static str {
    match outcome {
        IssueOutcome::Failed => "Not imported",
        IssueOutcome::Skipped => "Skipped",
        IssueOutcome::Kept => "Imported, except this",
    }
}

/// Every row the report lists, a page at a time.
#[component]
fn IssueList(id: ContactImportId, total: u32) -> impl IntoView {
    let shown = RwSignal::new(Vec::<ImportIssue>::new());
    let next = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<Problem>);
    let loading = RwSignal::new(false);
    let load = {
        let id = id.clone();
        move |cursor: Option<String>| {
            let id = id.clone();
            loading.set(true);
            spawn_local(async move {
                let page = api::contact_imports::issues(id, cursor).await;
                loading.try_set(false);
                match page {
                    Ok(page) => {
                        shown.try_update(|shown| shown.extend(page.items));
                        next.try_set(page.next_cursor);
                    }
                    Err(error) => {
                        problem.try_set(Some(error));
                    }
                }
            });
        }
    };
    if total == 0 {
        return view! { <p class="muted" id="import-issues-none">"No problems found."</p> }.into_any();
    }
    load(None);
    let more = load.clone();
    view! {
        <h3 class="import-subheading" id="import-issues-heading">
            {format!("Problems ({})", count(total))}
        </h3>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="import-issues-heading">
            <table class="data-table" id="import-issues">
                <thead>
                    <tr>
                        <th scope="col">"Row"</th>
                        <th scope="col">"Number"</th>
                        <th scope="col">"Column"</th>
                        <th scope="col">"What happened"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || shown.get().into_iter().enumerate() key=|(index, _)| *index let:((_, issue))>
                        <tr>
                            <td data-label="Row">{issue.row}</td>
                            <td data-label="Number" class="import-number">{issue.number.clone()}</td>
                            <td data-label="Column">{issue.column.clone().unwrap_or_default()}</td>
                            <td data-label="What happened">
                                <span>
                                    <span class=if issue.outcome == IssueOutcome::Failed { "badge badge-error" } else { "badge" }>
                                        {outcome_name(issue.outcome)}
                                    </span>
                                    " "
                                    {issue.message.clone()}
                                </span>
                            </td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </div>
        {move || problem.get().map(|problem| view! { <LoadError problem=*problem /> })}
        <div class="import-issue-actions">
            <Show when=move || next.with(Option::is_some)>
                <button
                    type="button"
                    class="button button-quiet"
                    id="import-issues-more"
                    disabled=loading
                    on:click={
                        let more = more.clone();
                        move |_| more(next.get_untracked())
                    }
                >
                    "Show more problems"
                </button>
            </Show>
            <DownloadButton id="import-report" label="Download all as CSV" file=ServerFile::Report(id.clone()) />
        </div>
    }
    .into_any()
}

/// The import on its way, live.
#[component]
fn Running(import: ContactImport) -> impl IntoView {
    let text = if import.status == ImportStatus::Queued {
        "Waiting to start…".to_owned()
    } else {
        format!(
            "Imported {} of {} rows…",
            count(import.rows_done),
            count(import.rows_total)
        )
    };
    view! {
        <section class="card import-step" aria-labelledby="import-running-heading">
            <h2 class="card-title" id="import-running-heading">{format!("Importing {}", import.file_name)}</h2>
            <progress
                id="import-progress"
                max=import.rows_total.max(1)
                value=import.rows_done
                aria-labelledby="import-running-heading"
            ></progress>
            <p role="status" id="import-progress-text">{text}</p>
            <p class="muted">"You can leave this page: the import goes on, and you can come back to its report."</p>
        </section>
    }
}

/// The import's outcome and its report.
#[component]
fn Finished(import: ContactImport) -> impl IntoView {
    let failed = import.status == ImportStatus::Failed;
    let mut parts = vec![
        rows(import.created, "contact added", "contacts added"),
        format!("{} updated", count(import.updated)),
    ];
    if import.skipped > 0 {
        parts.push(format!("{} skipped", count(import.skipped)));
    }
    parts.push(format!("{} not imported", rows(import.failed, "row", "rows")));
    let summary = parts.join(", ");
    view! {
        <section class="card import-step" aria-labelledby="import-done-heading">
            <h2 class="card-title" id="import-done-heading">
                {if failed { "The import stopped" } else { "Import done" }}
            </h2>
            {import
                .error
                .clone()
                .map(|error| {
                    view! {
                        <p class="alert alert-error" role="alert">
                            {format!("It stopped after {} rows: {error}", count(import.rows_done))}
                        </p>
                    }
                })}
            <p id="import-result" role="status">{format!("{}: {summary}.", import.file_name)}</p>
            <IssueList id=import.id.clone() total=import.issues />
            <div class="import-confirm">
                <a class="button button-primary" href="/contacts" id="import-see-contacts">"See your contacts"</a>
                <a class="button button-quiet" href="/contacts/import">"Import another file"</a>
            </div>
        </section>
    }
}

fn status_name(status: ImportStatus) -> &'static str {
    match status {
        ImportStatus::Checked => "Checked, not imported",
        ImportStatus::Queued => "Waiting",
        ImportStatus::Running => "Importing",
        ImportStatus::Done => "Done",
        ImportStatus::Failed => "Stopped",
    }
}

/// The organization's latest imports, each a link to its report.
#[component]
fn RecentImports() -> impl IntoView {
    let latest = LocalResource::new(api::contact_imports::latest);
    LiveFeed::expect().subscribe(
        &[ChangeKind::ContactsImported],
        move |_| latest.refetch(),
        move || latest.refetch(),
    );
    move || {
        let imports = latest.get().and_then(Result::ok).unwrap_or_default();
        (!imports.is_empty()).then(|| {
            let items = imports
                .into_iter()
                .map(|import| {
                    let href = format!("/contacts/import?id={}", import.id);
                    let counts = if import.status.is_finished() {
                        format!(" · {} added, {} updated", count(import.created), count(import.updated))
                    } else {
                        String::new()
                    };
                    view! {
                        <li>
                            <a href=href>{import.file_name.clone()}</a>
                            " · "
                            <Moment at=Signal::stored(import.created_at) short=true />
                            " · "
                            {status_name(import.status)}
                            {counts}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="card" aria-labelledby="import-recent-heading">
                    <h2 class="card-title" id="import-recent-heading">"Recent imports"</h2>
                    <ul class="import-recent" id="import-recent">{items}</ul>
                </section>
            }
        })
    }
}
