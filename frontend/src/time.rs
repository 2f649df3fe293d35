//! Times as the agent reads them: in the time zone of their profile, in the browser's language,
//! with the date only when it is not today.
//!
//! The browser's `Intl.DateTimeFormat` does the work, so no time-zone database ships in the
//! wasm. Formatters are costly to build and few, so each (zone, style) is built once.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::{self, Array, Date, Function, Object, Reflect};

use crate::pages::frame::CurrentAgent;

/// How much of a moment to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Style {
    Time,
    Day,
    DayYear,
    DayTime,
    DayYearTime,
    /// The full moment with the zone's name, for tooltips.
    Long,
    /// `2026-11-26`: compared, never shown.
    DayKey,
}

impl Style {
    fn options(self) -> &'static [(&'static str, &'static str)] {
        const TIME: [(&str, &str); 2] = [("hour", "numeric"), ("minute", "2-digit")];
        match self {
            Style::Time => &TIME,
            Style::Day => &[("month", "short"), ("day", "numeric")],
            Style::DayYear => &[("month", "short"), ("day", "numeric"), ("year", "numeric")],
            Style::DayTime => &[
                ("month", "short"),
                ("day", "numeric"),
                ("hour", "numeric"),
                ("minute", "2-digit"),
            ],
            Style::DayYearTime => &[
                ("month", "short"),
                ("day", "numeric"),
                ("year", "numeric"),
                ("hour", "numeric"),
                ("minute", "2-digit"),
            ],
            Style::Long => &[("dateStyle", "full"), ("timeStyle", "long")],
            Style::DayKey => &[("year", "numeric"), ("month", "2-digit"), ("day", "2-digit")],
        }
    }
}

thread_local! {
    static FORMATTERS: RefCell<HashMap<(String, Style), Function>> = RefCell::new(HashMap::new());
}

/// The `format` function of an `Intl.DateTimeFormat`, or `None` when the browser does not know
/// the zone (it throws, which must not take the app down).
fn build_formatter(zone: &str, style: Style) -> Option<Function> {
    let options = Object::new();
    Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    for (name, value) in style.options() {
        Reflect::set(&options, &(*name).into(), &(*value).into()).ok()?;
    }
    // A fixed, sortable form for comparing days; the agent's own language for the rest.
    let locales = match style {
        Style::DayKey => Array::of1(&"en-CA".into()),
        _ => Array::new(),
    };
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: Function = Reflect::get(&intl, &"DateTimeFormat".into()).ok()?.dyn_into().ok()?;
    let formatter = Reflect::construct(&constructor, &Array::of2(&locales, &options)).ok()?;
    Reflect::get(&formatter, &"format".into()).ok()?.dyn_into().ok()
}

fn format_in(zone: &str, style: Style, at: DateTime<Utc>) -> Option<String> {
    let key = (zone.to_owned(), style);
    let format = FORMATTERS.with_borrow_mut(|cache| {
        if let Some(found) = cache.get(&key) {
            return Some(found.clone());
        }
        let built = build_formatter(zone, style)?;
        cache.insert(key, built.clone());
        Some(built)
    })?;
    let date = Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    format.call1(&JsValue::NULL, &date).ok()?.as_string()
}

/// Formats in `zone`, falling back to UTC for a zone this browser does not know.
fn format(zone: &str, style: Style, at: DateTime<Utc>) -> String {
    format_in(zone, style, at)
        .or_else(|| format_in("UTC", style, at))
        .unwrap_or_else(|| at.to_rfc3339())
}

/// `(same day, same year)` as now, both in `zone`.
fn closeness(zone: &str, at: DateTime<Utc>) -> (bool, bool) {
    let day = format(zone, Style::DayKey, at);
    let today = format(zone, Style::DayKey, Utc::now());
    (day == today, day.get(..4) == today.get(..4))
}

/// For lists: the time today, else the day (with the year when not this one).
pub fn short(zone: &str, at: DateTime<Utc>) -> String {
    let style = match closeness(zone, at) {
        (true, _) => Style::Time,
        (false, true) => Style::Day,
        (false, false) => Style::DayYear,
    };
    format(zone, style, at)
}

/// A day, such as "Nov 26" (with the year when not this one).
pub fn day(zone: &str, at: DateTime<Utc>) -> String {
    let style = match closeness(zone, at) {
        (_, true) => Style::Day,
        (_, false) => Style::DayYear,
    };
    format(zone, style, at)
}

/// For messages: the time, with the day when not today (and the year when not this one).
pub fn moment(zone: &str, at: DateTime<Utc>) -> String {
    let style = match closeness(zone, at) {
        (true, _) => Style::Time,
        (false, true) => Style::DayTime,
        (false, false) => Style::DayYearTime,
    };
    format(zone, style, at)
}

/// The whole moment with the zone's name, for a tooltip.
pub fn long(zone: &str, at: DateTime<Utc>) -> String {
    format(zone, Style::Long, at)
}

/// The signed-in agent's time zone, following their profile.
pub fn agent_zone() -> Signal<String> {
    match use_context::<CurrentAgent>() {
        Some(CurrentAgent(me)) => Signal::derive(move || me.with(|agent| agent.time_zone.clone())),
        None => Signal::stored("UTC".to_owned()),
    }
}

/// A `<time>` element for `at`, in the agent's zone, with the full moment as its tooltip.
#[component]
pub fn Moment(
    at: DateTime<Utc>,
    /// Lists use the shorter form.
    #[prop(optional)]
    short: bool,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let zone = agent_zone();
    let text = move || zone.with(|zone| if short { self::short(zone, at) } else { moment(zone, at) });
    let title = move || zone.with(|zone| long(zone, at));
    view! {
        <time class=class datetime=at.to_rfc3339() title=title>
            {text}
        </time>
    }
}
