//! Times as the agent reads them: in the time zone of their profile, in the browser's language,
//! with the date only when it is not today.
//!
//! The browser's `Intl.DateTimeFormat` does the work, so no time-zone database ships in the
//! wasm. Formatters are costly to build and few, so each (zone, style) is built once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
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
    /// The day's numbers: compared, never shown.
    DayKey,
    /// The wall clock's numbers, in Latin digits whatever the language: read, never shown.
    WallClock,
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
            Style::WallClock => &[
                ("year", "numeric"),
                ("month", "numeric"),
                ("day", "numeric"),
                ("hour", "numeric"),
                ("minute", "numeric"),
                ("second", "numeric"),
                // "h24" or a 12-hour clock would make midnight read 24 or 12.
                ("hourCycle", "h23"),
                ("numberingSystem", "latn"),
            ],
        }
    }
}

thread_local! {
    /// `None` for a zone this browser refused: asked once, not on every time shown.
    static FORMATTERS: RefCell<HashMap<(String, Style), Option<JsValue>>> = RefCell::new(HashMap::new());
}

/// An `Intl.DateTimeFormat`, or `None` when the browser does not know the zone (it throws,
/// which must not take the app down).
fn build_formatter(zone: &str, style: Style) -> Option<JsValue> {
    let options = Object::new();
    Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    for (name, value) in style.options() {
        Reflect::set(&options, &(*name).into(), &(*value).into()).ok()?;
    }
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: Function = Reflect::get(&intl, &"DateTimeFormat".into()).ok()?.dyn_into().ok()?;
    // The agent's own language: the browser's.
    Reflect::construct(&constructor, &Array::of2(&Array::new(), &options)).ok()
}

fn formatter(zone: &str, style: Style) -> Option<JsValue> {
    FORMATTERS.with_borrow_mut(|cache| {
        cache
            .entry((zone.to_owned(), style))
            .or_insert_with(|| build_formatter(zone, style))
            .clone()
    })
}

/// Calls the formatter's `method` (`format` or `formatToParts`) on `at`.
fn call(zone: &str, style: Style, method: &str, at: DateTime<Utc>) -> Option<JsValue> {
    let formatter = formatter(zone, style)?;
    let function: Function = Reflect::get(&formatter, &method.into()).ok()?.dyn_into().ok()?;
    let date = Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    function.call1(&formatter, &date).ok()
}

fn format_in(zone: &str, style: Style, at: DateTime<Utc>) -> Option<String> {
    call(zone, style, "format", at)?.as_string()
}

/// The values of the formatter's parts `kinds` (`year`, `month`, …) for `at`: the formatted
/// string's order differs between languages (and has changed between versions).
fn parts_in<const N: usize>(zone: &str, style: Style, at: DateTime<Utc>, kinds: [&str; N]) -> Option<[String; N]> {
    let parts: Array = call(zone, style, "formatToParts", at)?.dyn_into().ok()?;
    let part = |kind: &str| {
        parts.iter().find_map(|part| {
            let is_kind = Reflect::get(&part, &"type".into()).ok()?.as_string()? == kind;
            is_kind.then(|| Reflect::get(&part, &"value".into()).ok()?.as_string())?
        })
    };
    let mut values = std::array::from_fn(|_| String::new());
    for (value, kind) in values.iter_mut().zip(kinds) {
        *value = part(kind)?;
    }
    Some(values)
}

/// The calendar day of `at` in `zone`, as (year, month, day).
fn day_in(zone: &str, at: DateTime<Utc>) -> Option<[String; 3]> {
    parts_in(zone, Style::DayKey, at, ["year", "month", "day"])
}

/// What a clock in `zone` reads at `at`.
fn wall_clock(zone: &str, at: DateTime<Utc>) -> Option<NaiveDateTime> {
    let kinds = ["year", "month", "day", "hour", "minute", "second"];
    let [year, month, day, hour, minute, second] = parts_in(zone, Style::WallClock, at, kinds)?;
    let number = |text: String| text.parse::<u32>().ok();
    NaiveDate::from_ymd_opt(year.parse().ok()?, number(month)?, number(day)?)?.and_hms_opt(
        number(hour)?,
        number(minute)?,
        number(second)?,
    )
}

/// The calendar day of `at` in `zone` (in UTC for a zone this browser does not know).
pub fn date_in(zone: &str, at: DateTime<Utc>) -> NaiveDate {
    wall_clock(zone, at).map_or_else(|| at.date_naive(), |clock| clock.date())
}

/// The moment `day` starts in `zone` (its UTC midnight for a zone this browser does not know).
pub fn day_start(zone: &str, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_time(NaiveTime::MIN).and_utc();
    // The zone's offset at a moment is its wall clock then, read as UTC, less the moment. It
    // is asked again at the first guess, which lands right on days the offset changes.
    let offset = |at: DateTime<Utc>| wall_clock(zone, at).map(|clock| clock.and_utc() - at);
    match offset(midnight) {
        Some(first) => {
            let guess = midnight - first;
            offset(guess).map_or(guess, |second| midnight - second)
        }
        None => midnight,
    }
}

/// Formats in `zone`, falling back to UTC for a zone this browser does not know.
fn format(zone: &str, style: Style, at: DateTime<Utc>) -> String {
    format_in(zone, style, at)
        .or_else(|| format_in("UTC", style, at))
        .unwrap_or_else(|| at.to_rfc3339())
}

/// `(same day, same year)` as now, both in `zone`.
fn closeness(zone: &str, at: DateTime<Utc>) -> (bool, bool) {
    let day = day_in(zone, at).or_else(|| day_in("UTC", at));
    let today = day_in(zone, Utc::now()).or_else(|| day_in("UTC", Utc::now()));
    match (day, today) {
        (Some(day), Some(today)) => (day == today, day[0] == today[0]),
        _ => (false, false),
    }
}

/// Formats `at` in the first style that fits: `today`, else `this_year`, else `other`.
fn by_closeness(zone: &str, at: DateTime<Utc>, [today, this_year, other]: [Style; 3]) -> String {
    let style = match closeness(zone, at) {
        (true, _) => today,
        (false, true) => this_year,
        (false, false) => other,
    };
    format(zone, style, at)
}

/// For lists: the time today, else the day (with the year when not this one).
pub fn short(zone: &str, at: DateTime<Utc>) -> String {
    by_closeness(zone, at, [Style::Time, Style::Day, Style::DayYear])
}

/// A day, such as "Nov 26" (with the year when not this one).
pub fn day(zone: &str, at: DateTime<Utc>) -> String {
    by_closeness(zone, at, [Style::Day, Style::Day, Style::DayYear])
}

/// For messages: the time, with the day when not today (and the year when not this one).
pub fn moment(zone: &str, at: DateTime<Utc>) -> String {
    by_closeness(zone, at, [Style::Time, Style::DayTime, Style::DayYearTime])
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

thread_local! {
    /// Ticks every minute, so what "today" means moves on while the app stays open overnight.
    static MINUTE: ArcRwSignal<u32> = {
        let minute = ArcRwSignal::new(0_u32);
        let tick = minute.clone();
        // The interval lasts as long as the page; its handle is never needed.
        let _ = set_interval_with_handle(move || tick.update(|n| *n = n.wrapping_add(1)), Duration::from_secs(60));
        minute
    };
}

/// A `<time>` element for `at`, in the agent's zone, with the full moment as its tooltip.
#[component]
pub fn Moment(
    #[prop(into)] at: Signal<DateTime<Utc>>,
    /// Lists use the shorter form.
    #[prop(optional)]
    short: bool,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let zone = agent_zone();
    let minute = MINUTE.with(Clone::clone);
    let text = move || {
        minute.track();
        let at = at.get();
        zone.with(|zone| if short { self::short(zone, at) } else { moment(zone, at) })
    };
    let title = move || zone.with(|zone| long(zone, at.get()));
    view! {
        <time class=class datetime=move || at.get().to_rfc3339() title=title>
            {text}
        </time>
    }
}
