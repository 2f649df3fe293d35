//! "Edit view": the current view's criteria in a form, with a live preview of what they show;
//! saved as a new view (shared with the team or personal) or, for a custom view, in place,
//! where every agent who sees it sees the change.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use futures_util::future::join3;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use textdesk_types::conversations::{ConversationStatus, Replier};
use textdesk_types::views::{CreateView, OwnerScope, UpdateView, ViewFilter, ViewSort};
use textdesk_types::{AgentId, GroupId, NumberId};

use super::views::ViewKey;
use crate::api::{self, ApiResult};
use crate::components::{FormAlert, failure};
use crate::inbox_views::InboxViews;
use crate::time;

/// A `<select>`'s value as one of `choices` (value, meaning); the first is "any".
fn chosen<T: Copy>(value: &str, choices: &[(&str, Option<T>)]) -> Option<T> {
    choices
        .iter()
        .find(|(name, _)| *name == value)
        .and_then(|(_, meaning)| *meaning)
}

const STATUS: &[(&str, Option<ConversationStatus>)] = &[
    ("", None),
    ("open", Some(ConversationStatus::Open)),
    ("closed", Some(ConversationStatus::Closed)),
];
const OWNER: &[(&str, Option<OwnerScope>)] = &[
    ("", None),
    ("me", Some(OwnerScope::Me)),
    ("my_groups", Some(OwnerScope::MyGroups)),
    ("nobody", Some(OwnerScope::Nobody)),
];
const REPLIER: &[(&str, Option<Replier>)] = &[
    ("", None),
    ("agent", Some(Replier::Agent)),
    ("contact", Some(Replier::Contact)),
];
/// A criterion that is either, yes or no (opted out, follow-up, waiting).
const YES_OR_NO: &[(&str, Option<bool>)] = &[("", None), ("yes", Some(true)), ("no", Some(false))];
const SORT: &[(&str, Option<ViewSort>)] = &[
    ("last_activity", Some(ViewSort::LastActivity)),
    ("longest_waiting", Some(ViewSort::LongestWaiting)),
    ("created", Some(ViewSort::Created)),
];

fn text(value: String) -> Option<String> {
    let value = value.trim().to_owned();
    (!value.is_empty()).then_some(value)
}

/// Labels typed as "vip, billing": trimmed, without blanks or repeats.
fn labels(value: &str) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for label in value.split(',').map(str::trim).filter(|label| !label.is_empty()) {
        if !labels.iter().any(|kept| kept == label) {
            labels.push(label.to_owned());
        }
    }
    labels
}

/// One box of a list criterion: the id it puts in the filter, and what the agent reads.
type Choice = (String, String);

/// The filter's lists of ids, each shown as a list of boxes.
#[derive(Clone, Copy)]
enum IdList {
    Agents,
    Groups,
    Numbers,
}

impl IdList {
    fn ids(self, filter: &ViewFilter) -> Vec<&str> {
        match self {
            IdList::Agents => filter.owner_agent_ids.iter().map(AgentId::as_str).collect(),
            IdList::Groups => filter.owner_group_ids.iter().map(GroupId::as_str).collect(),
            IdList::Numbers => filter.number_ids.iter().map(NumberId::as_str).collect(),
        }
    }

    fn set(self, filter: &mut ViewFilter, id: &str, on: bool) {
        fn set_in<T: From<String>>(list: &mut Vec<T>, as_str: fn(&T) -> &str, id: &str, on: bool) {
            list.retain(|kept| as_str(kept) != id);
            if on {
                list.push(T::from(id.to_owned()));
            }
        }
        match self {
            IdList::Agents => set_in(&mut filter.owner_agent_ids, AgentId::as_str, id, on),
            IdList::Groups => set_in(&mut filter.owner_group_ids, GroupId::as_str, id, on),
            IdList::Numbers => set_in(&mut filter.number_ids, NumberId::as_str, id, on),
        }
    }

    /// `listed`, with any id the filter names that is not among them (a deleted group), so
    /// no criterion of a saved view is hidden from the agent editing it.
    fn with_chosen(self, filter: &ViewFilter, mut listed: Vec<Choice>) -> Vec<Choice> {
        for id in self.ids(filter) {
            if !listed.iter().any(|(listed_id, _)| listed_id == id) {
                listed.push((id.to_owned(), "(no longer available)".to_owned()));
            }
        }
        listed
    }
}

/// A list criterion as a box per choice.
#[component]
fn Choices(
    legend: &'static str,
    /// Names the list and its boxes: `view-{key}` and `view-{key}-{id}`.
    key: &'static str,
    list: IdList,
    filter: RwSignal<ViewFilter>,
    /// `None` while they load.
    #[prop(into)]
    choices: Signal<Option<Vec<Choice>>>,
) -> impl IntoView {
    let boxes = move || match choices.get() {
        None => view! { <p class="hint">"Loading…"</p> }.into_any(),
        Some(choices) if choices.is_empty() => view! { <p class="hint">"None yet"</p> }.into_any(),
        Some(choices) => choices
            .into_iter()
            .map(|(id, name)| {
                let ticked = id.clone();
                view! {
                    <label class="check">
                        <input
                            type="checkbox"
                            id=format!("view-{key}-{id}")
                            prop:checked=move || filter.with(|f| list.ids(f).contains(&ticked.as_str()))
                            on:change=move |e| filter.update(|f| list.set(f, &id, event_target_checked(&e)))
                        />
                        {name}
                    </label>
                }
            })
            .collect_view()
            .into_any(),
    };
    view! {
        <fieldset class="checks view-choices" id=format!("view-{key}")>
            <legend>{legend}</legend>
            <div class="view-choice-list">{boxes}</div>
        </fieldset>
    }
}

/// The filter's moments, each picked as a day.
#[derive(Clone, Copy)]
enum Bound {
    OpenedFrom,
    OpenedUntil,
    ActiveFrom,
    ActiveUntil,
}

impl Bound {
    fn get(self, filter: &ViewFilter) -> Option<DateTime<Utc>> {
        match self {
            Bound::OpenedFrom => filter.opened_from,
            Bound::OpenedUntil => filter.opened_until,
            Bound::ActiveFrom => filter.active_from,
            Bound::ActiveUntil => filter.active_until,
        }
    }

    fn slot(self, filter: &mut ViewFilter) -> &mut Option<DateTime<Utc>> {
        match self {
            Bound::OpenedFrom => &mut filter.opened_from,
            Bound::OpenedUntil => &mut filter.opened_until,
            Bound::ActiveFrom => &mut filter.active_from,
            Bound::ActiveUntil => &mut filter.active_until,
        }
    }

    /// An end is the first moment it leaves out, and its box shows the last day it takes in:
    /// "to March 5" is before March 6 starts.
    fn is_end(self) -> bool {
        matches!(self, Bound::OpenedUntil | Bound::ActiveUntil)
    }

    /// The `YYYY-MM-DD` a date box shows for `at`, a day in the agent's `zone`.
    fn day(self, zone: &str, at: DateTime<Utc>) -> String {
        let at = if self.is_end() { at - TimeDelta::seconds(1) } else { at };
        let day = time::date_in(zone, at);
        format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
    }

    /// The moment a date box's `YYYY-MM-DD` (the only form a browser gives) stands for:
    /// where the day starts in the agent's `zone`, so a day means the same to them as the
    /// times the app shows them.
    fn moment(self, zone: &str, value: &str) -> Option<DateTime<Utc>> {
        let (year, rest) = value.split_once('-')?;
        let (month, day) = rest.split_once('-')?;
        let day = NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?;
        let day = if self.is_end() { day.succ_opt()? } else { day };
        Some(time::day_start(zone, day))
    }
}

/// A range of days: a box for its first day and one for its last, either left empty.
#[component]
fn DayRange(
    legend: &'static str,
    /// Names the boxes: `view-{key}-from` and `view-{key}-until`.
    key: &'static str,
    from: Bound,
    until: Bound,
    filter: RwSignal<ViewFilter>,
    zone: Signal<String>,
) -> impl IntoView {
    let day_box = move |bound: Bound, end: &'static str, label: &'static str| {
        let id = format!("view-{key}-{end}");
        let shown = move || {
            let at = filter.with(|f| bound.get(f));
            at.map(|at| zone.with(|zone| bound.day(zone, at))).unwrap_or_default()
        };
        let pick = move |event: leptos::ev::Event| {
            let at = zone.with_untracked(|zone| bound.moment(zone, &event_target_value(&event)));
            filter.update(|f| *bound.slot(f) = at);
        };
        view! {
            <div class="view-day">
                <label for=id.clone()>{label}</label>
                <input type="date" id=id prop:value=shown on:change=pick />
            </div>
        }
    };
    view! {
        <fieldset class="view-days">
            <legend>{legend}</legend>
            {day_box(from, "from", "From")}
            {day_box(until, "until", "To")}
        </fieldset>
    }
}

/// "Edit view": a button that opens the form below it. The form is in a part of the wasm of its
/// own, fetched the first time it is opened, and made anew at each opening from the view shown.
#[component]
pub fn EditView(
    current: Memo<ViewKey>,
    /// Notified when the view shown is saved in place, so its list is read again.
    saved: Trigger,
) -> impl IntoView {
    let details = NodeRef::<leptos::html::Details>::new();
    let open = RwSignal::new(false);
    view! {
        <details
            class="edit-view"
            node_ref=details
            on:toggle=move |_| open.set(details.get_untracked().is_some_and(|details| details.open()))
        >
            <summary class="button button-quiet" id="edit-view">"Edit view"</summary>
            <Show when=move || open.get()>
                <Suspense fallback=|| view! { <p class="hint">"Loading…"</p> }>
                    {move || Suspend::new(edit_view_form(current, saved, details))}
                </Suspense>
            </Show>
        </details>
    }
}

#[leptos::lazy]
fn edit_view_form(current: Memo<ViewKey>, saved: Trigger, details: NodeRef<leptos::html::Details>) -> AnyView {
    view! { <EditViewForm current saved details /> }.into_any()
}

/// The form: every criterion, the live preview, and saving in place or as a new view.
#[component]
fn EditViewForm(current: Memo<ViewKey>, saved: Trigger, details: NodeRef<leptos::html::Details>) -> impl IntoView {
    let inbox = expect_context::<InboxViews>();
    let navigate = use_navigate();
    let zone = time::agent_zone();
    let base = move || inbox.find(&current.get().0);
    let start = base();
    let filter = RwSignal::new(start.as_ref().map(|view| view.filter.clone()).unwrap_or_default());
    let name = RwSignal::new(start.map(|view| view.name).unwrap_or_default());
    let shared = RwSignal::new(true);
    // The choices of agents, groups and numbers are read at each opening, not with the inbox.
    let listed = LocalResource::new(move || async move {
        let (agents, groups, numbers) = join3(api::agents::list(), api::agents::groups(), api::numbers::list()).await;
        (
            agents.unwrap_or_default(),
            groups.unwrap_or_default(),
            numbers.unwrap_or_default(),
        )
    });
    // Read after each opening's reset (untracked, so ticking a box does not rebuild the list
    // under the keyboard's focus): the ids the view already names stay listed.
    let agents = Signal::derive(move || {
        let (agents, _, _) = listed.get()?;
        filter.with_untracked(|f| {
            let chosen = IdList::Agents.ids(f);
            let listed = agents
                .into_iter()
                .filter(|agent| !agent.disabled || chosen.contains(&agent.id.as_str()))
                .map(|agent| {
                    let name = match agent.disabled {
                        true => format!("{} (disabled)", agent.display_name()),
                        false => agent.display_name().to_owned(),
                    };
                    (agent.id.into_inner(), name)
                })
                .collect();
            Some(IdList::Agents.with_chosen(f, listed))
        })
    });
    let groups = Signal::derive(move || {
        let (_, groups, _) = listed.get()?;
        let listed = groups
            .into_iter()
            .map(|group| (group.id.into_inner(), group.name))
            .collect();
        Some(filter.with_untracked(|f| IdList::Groups.with_chosen(f, listed)))
    });
    let numbers = Signal::derive(move || {
        let (_, _, numbers) = listed.get()?;
        let listed = numbers
            .into_iter()
            .map(|number| {
                let name = format!("{} ({})", number.label, number.phone_number);
                (number.id.into_inner(), name)
            })
            .collect();
        Some(filter.with_untracked(|f| IdList::Numbers.with_chosen(f, listed)))
    });
    let preview = LocalResource::new(move || {
        let filter = filter.get();
        async move { api::views::preview(filter).await }
    });
    let close = move || {
        if let Some(details) = details.get_untracked() {
            details.set_open(false);
        }
    };
    let save = Action::new_local(move |as_new: &bool| {
        let (as_new, key) = (*as_new, current.get_untracked());
        let request_filter = filter.get_untracked();
        let (name, shared) = (name.get_untracked(), shared.get_untracked());
        let custom = base().filter(|view| view.built_in.is_none());
        let navigate = navigate.clone();
        async move {
            let saved = match custom {
                Some(view) if !as_new => {
                    let changes = UpdateView {
                        name: Some(name),
                        filter: Some(request_filter),
                    };
                    let view = api::views::update(&view.id, &changes).await?;
                    saved.notify();
                    view
                }
                _ => {
                    let view = CreateView {
                        name,
                        shared,
                        filter: request_filter,
                    };
                    api::views::create(&view).await?
                }
            };
            inbox.reload();
            close();
            if saved.id != key.0 {
                navigate(&format!("/{}", ViewKey(saved.id).query()), NavigateOptions::default());
            }
            ApiResult::Ok(())
        }
    });
    let pick = move |event: &leptos::ev::Event| event_target_value(event);
    let is_custom = move || base().is_some_and(|view| view.built_in.is_none());
    view! {
            <form class="edit-view-form" on:submit=move |event| {
                event.prevent_default();
                save.dispatch(true);
            }>
                <div class="edit-view-fields">
                    <label for="view-name">"Name"</label>
                    <input id="view-name" required maxlength="50" prop:value=name on:input=move |e| name.set(pick(&e)) />
                    <label for="view-status">"Status"</label>
                    <select id="view-status" on:change=move |e| filter.update(|f| f.status = chosen(&pick(&e), STATUS))>
                        <option value="">"Any"</option>
                        <option value="open" selected=move || filter.with(|f| f.status == Some(ConversationStatus::Open))>"Open"</option>
                        <option value="closed" selected=move || filter.with(|f| f.status == Some(ConversationStatus::Closed))>"Closed"</option>
                    </select>
                    <label for="view-owner">"Owner"</label>
                    <select id="view-owner" on:change=move |e| filter.update(|f| f.owner = chosen(&pick(&e), OWNER))>
                        <option value="">"Anyone or nobody"</option>
                        <option value="me" selected=move || filter.with(|f| f.owner == Some(OwnerScope::Me))>"Me"</option>
                        <option value="my_groups" selected=move || filter.with(|f| f.owner == Some(OwnerScope::MyGroups))>"My groups"</option>
                        <option value="nobody" selected=move || filter.with(|f| f.owner == Some(OwnerScope::Nobody))>"Nobody"</option>
                    </select>
                    <Choices legend="Owned by these agents" key="agents" list=IdList::Agents filter choices=agents />
                    <Choices legend="Owned by these groups" key="groups" list=IdList::Groups filter choices=groups />
                    <Choices legend="Business numbers" key="numbers" list=IdList::Numbers filter choices=numbers />
                    <label for="view-replier">"Last replied by"</label>
                    <select id="view-replier" on:change=move |e| filter.update(|f| f.last_replied_by = chosen(&pick(&e), REPLIER))>
                        <option value="">"Anyone"</option>
                        <option value="agent" selected=move || filter.with(|f| f.last_replied_by == Some(Replier::Agent))>"An agent"</option>
                        <option value="contact" selected=move || filter.with(|f| f.last_replied_by == Some(Replier::Contact))>"The contact"</option>
                    </select>
                    <label for="view-contact">"Contact name or number"</label>
                    <input id="view-contact" maxlength="100" prop:value=move || filter.with(|f| f.contact.clone().unwrap_or_default())
                        on:change=move |e| filter.update(|f| f.contact = text(pick(&e))) />
                    <label for="view-text">"Message content"</label>
                    <input id="view-text" maxlength="200" prop:value=move || filter.with(|f| f.message_text.clone().unwrap_or_default())
                        on:change=move |e| filter.update(|f| f.message_text = text(pick(&e))) />
                    <label for="view-number">"Conversation #"</label>
                    <input id="view-number" inputmode="numeric" prop:value=move || filter.with(|f| f.conversation_number.map(|n| n.to_string()).unwrap_or_default())
                        on:change=move |e| filter.update(|f| f.conversation_number = pick(&e).trim().trim_start_matches('#').parse().ok()) />
                    <label for="view-labels">"Contact labels"</label>
                    <input id="view-labels" aria-describedby="view-labels-hint" prop:value=move || filter.with(|f| f.labels.join(", "))
                        on:change=move |e| filter.update(|f| f.labels = labels(&pick(&e))) />
                    <p class="hint" id="view-labels-hint">"Any of these, separated by commas"</p>
                    <label for="view-opted-out">"Opted out"</label>
                    <select id="view-opted-out" on:change=move |e| filter.update(|f| f.opted_out = chosen(&pick(&e), YES_OR_NO))>
                        <option value="">"Either"</option>
                        <option value="yes" selected=move || filter.with(|f| f.opted_out == Some(true))>"Opted out"</option>
                        <option value="no" selected=move || filter.with(|f| f.opted_out == Some(false))>"Not opted out"</option>
                    </select>
                    <DayRange legend="Opened" key="opened" from=Bound::OpenedFrom until=Bound::OpenedUntil filter zone />
                    <DayRange legend="Last active" key="active" from=Bound::ActiveFrom until=Bound::ActiveUntil filter zone />
                    <p class="hint">{move || format!("Days in your time zone, {}", zone.get())}</p>
                    <label for="view-filter-follow-up">"Follow-up"</label>
                    <select id="view-filter-follow-up" on:change=move |e| filter.update(|f| f.follow_up = chosen(&pick(&e), YES_OR_NO))>
                        <option value="">"Either"</option>
                        <option value="yes" selected=move || filter.with(|f| f.follow_up == Some(true))>"Flagged for follow-up"</option>
                        <option value="no" selected=move || filter.with(|f| f.follow_up == Some(false))>"Not flagged"</option>
                    </select>
                    <label for="view-filter-waiting">"Waiting for a reply"</label>
                    <select id="view-filter-waiting" on:change=move |e| filter.update(|f| f.waiting = chosen(&pick(&e), YES_OR_NO))>
                        <option value="">"Either"</option>
                        <option value="yes" selected=move || filter.with(|f| f.waiting == Some(true))>"Waiting"</option>
                        <option value="no" selected=move || filter.with(|f| f.waiting == Some(false))>"Not waiting"</option>
                    </select>
                    <label for="view-sort">"Sort by"</label>
                    <select id="view-sort" on:change=move |e| filter.update(|f| f.sort = chosen(&pick(&e), SORT).unwrap_or_default())>
                        <option value="last_activity">"Last activity"</option>
                        <option value="longest_waiting" selected=move || filter.with(|f| f.sort == ViewSort::LongestWaiting)>"Longest waiting"</option>
                        <option value="created" selected=move || filter.with(|f| f.sort == ViewSort::Created)>"Newest conversation"</option>
                    </select>
                    <label class="check">
                        <input type="checkbox" id="view-shared" prop:checked=shared on:change=move |e| shared.set(event_target_checked(&e)) />
                        "Shared with the team"
                    </label>
                </div>
                <div class="edit-view-side">
                    <FormAlert problem=failure(save) />
                    <div class="edit-view-actions">
                        <Show when=is_custom>
                            <button type="button" class="button" id="view-save" disabled=save.pending() on:click=move |_| {
                                save.dispatch(false);
                            }>"Save changes"</button>
                        </Show>
                        <button type="submit" class="button button-primary" id="view-save-new" disabled=save.pending()>"Save as new view"</button>
                        // The form covers the button that opened it.
                        <button type="button" class="button button-quiet" id="view-cancel" on:click=move |_| close()>"Cancel"</button>
                    </div>
                    <section class="view-preview" aria-label="Preview" aria-live="polite">
                        <h3>"Preview"</h3>
                        {move || match preview.get() {
                            None => view! { <p>"…"</p> }.into_any(),
                            Some(Err(problem)) => view! { <p>{problem.message()}</p> }.into_any(),
                            Some(Ok(rows)) if rows.is_empty() => view! { <p id="view-preview-empty">"No conversations match."</p> }.into_any(),
                            Some(Ok(rows)) => view! {
                                <ul id="view-preview">
                                    {rows.into_iter().map(|row| view! { <li>{format!("#{} {}", row.number, row.contact_name)}</li> }).collect_view()}
                                </ul>
                            }.into_any(),
                        }}
                    </section>
                </div>
            </form>
    }
}
