//! Quiet hours: automated and bulk messages go out only while it is daytime where the contact
//! is, so a drip or a broadcast never wakes anyone.

use std::cmp::Ordering;

use chrono::{DateTime, Days, LocalResult, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::{Africa, America, Asia, Atlantic, Europe, Pacific, Tz};
use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;

use crate::Invalid;

const MINUTES_PER_DAY: u16 = 24 * 60;

/// The local times of day when automated messages may go out: from `start` (inclusive) to
/// `end` (exclusive), both minutes after midnight.
///
/// A window whose start is after its end wraps midnight (22:00–06:00 allows late evening and
/// early morning). A window whose start equals its end is always open: an organization that
/// wants no quiet hours says so by making the window the whole day, since an empty window would
/// never let a message out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SendWindow {
    start: u16,
    end: u16,
}

impl SendWindow {
    /// 08:00–21:00, the TCPA's calling hours (a few states allow fewer).
    pub const DEFAULT: SendWindow = SendWindow {
        start: 8 * 60,
        end: 21 * 60,
    };

    pub fn new(start_minute: u16, end_minute: u16) -> Result<Self, Invalid> {
        if start_minute >= MINUTES_PER_DAY || end_minute >= MINUTES_PER_DAY {
            return Err(Invalid::new(
                "out_of_range",
                "start and end must be minutes after midnight, between 0 and 1439",
            ));
        }
        Ok(Self {
            start: start_minute,
            end: end_minute,
        })
    }

    pub fn start_minute(&self) -> u16 {
        self.start
    }

    pub fn end_minute(&self) -> u16 {
        self.end
    }

    pub fn is_always_open(&self) -> bool {
        self.start == self.end
    }

    /// Whether a local time of day falls inside the window.
    pub fn contains(&self, time: NaiveTime) -> bool {
        // Whole minutes suffice: the bounds are whole minutes, so 20:59:59 is in and 21:00:00 out.
        let minute = time.hour() * 60 + time.minute();
        let (start, end) = (u32::from(self.start), u32::from(self.end));
        match start.cmp(&end) {
            Ordering::Equal => true,
            Ordering::Less => (start..end).contains(&minute),
            Ordering::Greater => minute >= start || minute < end,
        }
    }
}

impl Default for SendWindow {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// When an automated message due at `now_utc` may go out to a contact in `zone`: `now_utc`
/// itself inside the window, otherwise the instant the window next opens there.
///
/// Daylight-saving changes are resolved the way a person would: if the opening time is
/// skipped (08:00 on a spring-forward day in a zone that jumps at 08:00), the window opens at
/// the first instant after the gap; if it happens twice (fall back), at the first of the two
/// that is still to come.
pub fn next_allowed(now_utc: DateTime<Utc>, zone: Tz, window: &SendWindow) -> DateTime<Utc> {
    // A skipped opening can land outside the window (the gap ends after the window closes, or a
    // whole day is skipped, as in Samoa in 2011); then the next day's opening is the answer,
    // so look again from the instant found. Three looks cover every real time zone.
    let mut at = now_utc;
    for _ in 0..3 {
        // None only at the ends of chrono's calendar, where no later opening can be named.
        let Some(local) = local_time(at, zone) else {
            return at;
        };
        if window.contains(local.time()) {
            return at;
        }
        match next_opening(at, local, zone, window) {
            Some(opening) => at = opening,
            None => return at,
        }
    }
    at
}

/// `at` on the clocks of `zone`, or `None` past the ends of chrono's calendar (where
/// `DateTime::with_timezone` would panic).
fn local_time(at: DateTime<Utc>, zone: Tz) -> Option<NaiveDateTime> {
    let offset = zone.offset_from_utc_datetime(&at.naive_utc()).fix();
    at.naive_utc().checked_add_offset(offset)
}

/// The first instant after `at` (which is `local` in `zone`) when the window opens.
fn next_opening(at: DateTime<Utc>, local: NaiveDateTime, zone: Tz, window: &SendWindow) -> Option<DateTime<Utc>> {
    let start = NaiveTime::default() + TimeDelta::minutes(i64::from(window.start));
    let mut opening = local.date().and_time(start);
    if opening <= local {
        opening = opening.checked_add_days(Days::new(1))?;
    }
    match zone.from_local_datetime(&opening) {
        LocalResult::Single(instant) => Some(instant.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, later) => {
            let earlier = earlier.with_timezone(&Utc);
            Some(if earlier > at {
                earlier
            } else {
                later.with_timezone(&Utc)
            })
        }
        LocalResult::None => end_of_gap(zone, opening),
    }
}

/// The first instant whose local time in `zone` is at or after `local`, a time that `zone`
/// skips: the instant the clocks jumped.
fn end_of_gap(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    // No zone's offset has ever reached 26 hours, so local time is before `local` at `low` and
    // after it at `high`, and it only moves forward between them (a gap is not an overlap).
    let span = TimeDelta::hours(26);
    let mut low = local.checked_sub_signed(span)?.and_utc().timestamp();
    let mut high = local.checked_add_signed(span)?.and_utc().timestamp();
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if local_time(DateTime::from_timestamp(middle, 0)?, zone)? >= local {
            high = middle;
        } else {
            low = middle;
        }
    }
    DateTime::from_timestamp(high, 0)
}

/// The time zone a phone number (E.164, such as `+12125550143`) most likely rings in, or `None`
/// when the number does not tell, so the caller falls back to the organization's zone.
///
/// North American numbers are placed by area code; an area code that spans zones gets the zone
/// where most of its people live. Other numbers are placed by country, for countries with one
/// main zone; countries with several (Mexico, Brazil, Australia, Russia...) give `None`.
pub fn zone_for_phone(e164: &str) -> Option<Tz> {
    let digits = e164.strip_prefix('+')?;
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(national) = digits.strip_prefix('1') {
        if national.len() != 10 {
            return None;
        }
        return national.get(..3)?.parse().ok().and_then(area_code_zone);
    }
    let parsed = phonenumber::parse(None, e164).ok()?;
    // A number in a range the metadata cannot place (such as the UK's +44 7700 900 drama range)
    // belongs to its calling code's main country.
    let country = parsed.country().id().or_else(|| {
        let regions = DATABASE.region(&parsed.country().code())?;
        regions.first()?.parse().ok()
    })?;
    country_zone(country)
}

/// Current geographic NANP area codes. 867 (Yukon, Northwest Territories, Nunavut) is left out:
/// no one zone holds most of its people.
fn area_code_zone(area_code: u16) -> Option<Tz> {
    Some(match area_code {
        201 | 202 | 203 | 207 | 212 | 215 | 216 | 220 | 223 | 227 | 229 | 234 | 239 | 240 | 252 | 267 | 272 | 276
        | 283 | 301 | 302 | 304 | 305 | 315 | 321 | 324 | 326 | 329 | 330 | 332 | 336 | 339 | 347 | 351 | 352 | 363
        | 380 | 386 | 401 | 404 | 407 | 410 | 412 | 413 | 419 | 423 | 434 | 436 | 440 | 443 | 445 | 470 | 472 | 475
        | 478 | 484 | 508 | 513 | 516 | 518 | 540 | 551 | 561 | 567 | 570 | 571 | 582 | 585 | 603 | 606 | 607 | 609
        | 610 | 614 | 617 | 624 | 631 | 640 | 645 | 646 | 656 | 667 | 678 | 680 | 681 | 686 | 689 | 703 | 704 | 706
        | 716 | 717 | 718 | 724 | 727 | 728 | 732 | 740 | 743 | 754 | 757 | 762 | 770 | 771 | 772 | 774 | 781 | 786
        | 802 | 803 | 804 | 813 | 814 | 821 | 826 | 828 | 835 | 838 | 839 | 843 | 845 | 848 | 854 | 856 | 857 | 859
        | 860 | 862 | 863 | 864 | 865 | 878 | 904 | 908 | 910 | 912 | 914 | 917 | 919 | 929 | 934 | 937 | 941 | 943
        | 948 | 954 | 959 | 973 | 978 | 980 | 984 => America::New_York,
        231 | 248 | 269 | 313 | 517 | 586 | 616 | 679 | 734 | 810 | 906 | 947 | 989 => America::Detroit,
        260 | 317 | 463 | 574 | 765 | 812 | 930 => America::Indiana::Indianapolis,
        502 => America::Kentucky::Louisville,
        205 | 210 | 214 | 217 | 218 | 219 | 224 | 225 | 228 | 251 | 254 | 256 | 262 | 270 | 274 | 281 | 308 | 309
        | 312 | 314 | 316 | 318 | 319 | 320 | 325 | 327 | 331 | 334 | 337 | 346 | 353 | 361 | 364 | 402 | 405 | 409
        | 414 | 417 | 430 | 432 | 447 | 448 | 464 | 469 | 479 | 501 | 504 | 507 | 512 | 515 | 531 | 534 | 539 | 557
        | 563 | 572 | 573 | 580 | 601 | 605 | 608 | 612 | 615 | 618 | 620 | 629 | 630 | 636 | 641 | 651 | 659 | 660
        | 662 | 682 | 701 | 708 | 712 | 713 | 715 | 726 | 730 | 731 | 737 | 763 | 769 | 773 | 779 | 785 | 806 | 815
        | 816 | 817 | 830 | 832 | 847 | 850 | 861 | 870 | 872 | 901 | 903 | 913 | 918 | 920 | 924 | 931 | 936 | 938
        | 940 | 945 | 952 | 956 | 972 | 975 | 979 | 985 => America::Chicago,
        303 | 307 | 385 | 406 | 435 | 505 | 575 | 719 | 720 | 801 | 915 | 970 | 983 => America::Denver,
        208 | 986 => America::Boise,
        480 | 520 | 602 | 623 | 928 => America::Phoenix,
        206 | 209 | 213 | 253 | 279 | 310 | 323 | 341 | 350 | 357 | 360 | 369 | 408 | 415 | 424 | 425 | 442 | 458
        | 503 | 509 | 510 | 530 | 541 | 559 | 562 | 564 | 619 | 626 | 628 | 650 | 657 | 661 | 669 | 702 | 707 | 714
        | 725 | 738 | 747 | 760 | 775 | 805 | 818 | 820 | 831 | 840 | 858 | 909 | 916 | 925 | 949 | 951 | 971 => {
            America::Los_Angeles
        }
        907 => America::Anchorage,
        808 => Pacific::Honolulu,
        226 | 249 | 263 | 289 | 343 | 354 | 365 | 367 | 382 | 416 | 418 | 437 | 438 | 450 | 468 | 514 | 519 | 548
        | 579 | 581 | 613 | 647 | 683 | 705 | 742 | 753 | 807 | 819 | 873 | 905 | 942 => America::Toronto,
        204 | 431 | 584 => America::Winnipeg,
        306 | 474 | 639 => America::Regina,
        368 | 403 | 587 | 780 | 825 => America::Edmonton,
        236 | 250 | 257 | 604 | 672 | 778 => America::Vancouver,
        782 | 902 => America::Halifax,
        428 | 506 => America::Moncton,
        709 | 879 => America::St_Johns,
        787 | 939 => America::Puerto_Rico,
        340 => America::St_Thomas,
        671 => Pacific::Guam,
        670 => Pacific::Saipan,
        684 => Pacific::Pago_Pago,
        242 => America::Nassau,
        246 => America::Barbados,
        264 => America::Anguilla,
        268 => America::Antigua,
        284 => America::Tortola,
        345 => America::Cayman,
        441 => Atlantic::Bermuda,
        473 => America::Grenada,
        649 => America::Grand_Turk,
        658 | 876 => America::Jamaica,
        664 => America::Montserrat,
        721 => America::Lower_Princes,
        758 => America::St_Lucia,
        767 => America::Dominica,
        784 => America::St_Vincent,
        809 | 829 | 849 => America::Santo_Domingo,
        868 => America::Port_of_Spain,
        869 => America::St_Kitts,
        _ => return None,
    })
}

fn country_zone(country: Id) -> Option<Tz> {
    use Id::*;
    Some(match country {
        GB => Europe::London,
        GG => Europe::Guernsey,
        JE => Europe::Jersey,
        IM => Europe::Isle_of_Man,
        IE => Europe::Dublin,
        PT => Europe::Lisbon,
        ES => Europe::Madrid,
        FR => Europe::Paris,
        BE => Europe::Brussels,
        NL => Europe::Amsterdam,
        LU => Europe::Luxembourg,
        DE => Europe::Berlin,
        CH => Europe::Zurich,
        AT => Europe::Vienna,
        IT => Europe::Rome,
        MT => Europe::Malta,
        DK => Europe::Copenhagen,
        NO => Europe::Oslo,
        SE => Europe::Stockholm,
        FI => Europe::Helsinki,
        IS => Atlantic::Reykjavik,
        PL => Europe::Warsaw,
        CZ => Europe::Prague,
        SK => Europe::Bratislava,
        HU => Europe::Budapest,
        SI => Europe::Ljubljana,
        HR => Europe::Zagreb,
        RS => Europe::Belgrade,
        RO => Europe::Bucharest,
        BG => Europe::Sofia,
        GR => Europe::Athens,
        CY => Asia::Nicosia,
        EE => Europe::Tallinn,
        LV => Europe::Riga,
        LT => Europe::Vilnius,
        UA => Europe::Kyiv,
        TR => Europe::Istanbul,
        IL => Asia::Jerusalem,
        AE => Asia::Dubai,
        SA => Asia::Riyadh,
        QA => Asia::Qatar,
        EG => Africa::Cairo,
        MA => Africa::Casablanca,
        NG => Africa::Lagos,
        GH => Africa::Accra,
        KE => Africa::Nairobi,
        ZA => Africa::Johannesburg,
        PK => Asia::Karachi,
        IN => Asia::Kolkata,
        BD => Asia::Dhaka,
        LK => Asia::Colombo,
        NP => Asia::Kathmandu,
        TH => Asia::Bangkok,
        VN => Asia::Ho_Chi_Minh,
        MY => Asia::Kuala_Lumpur,
        SG => Asia::Singapore,
        PH => Asia::Manila,
        CN => Asia::Shanghai,
        HK => Asia::Hong_Kong,
        TW => Asia::Taipei,
        KR => Asia::Seoul,
        JP => Asia::Tokyo,
        NZ => Pacific::Auckland,
        GT => America::Guatemala,
        SV => America::El_Salvador,
        HN => America::Tegucigalpa,
        NI => America::Managua,
        CR => America::Costa_Rica,
        PA => America::Panama,
        CU => America::Havana,
        CO => America::Bogota,
        VE => America::Caracas,
        EC => America::Guayaquil,
        PE => America::Lima,
        BO => America::La_Paz,
        CL => America::Santiago,
        AR => America::Argentina::Buenos_Aires,
        UY => America::Montevideo,
        PY => America::Asuncion,
        _ => return None,
    })
}

/// A contact's time zone as given: an IANA name such as `America/Chicago`; empty removes it.
pub fn parse_time_zone(raw: &str) -> Result<Option<String>, Invalid> {
    let name = raw.trim();
    if name.is_empty() {
        return Ok(None);
    }
    name.parse::<Tz>()
        .map(|zone| Some(zone.name().to_owned()))
        .map_err(|_| Invalid::new("unknown_time_zone", "must be an IANA time zone such as America/Chicago"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
            .and_utc()
    }

    fn local(zone: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        zone.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    const NEW_YORK: Tz = America::New_York;

    #[test]
    fn inside_the_window_sends_now() {
        let window = SendWindow::default();
        for now in [
            local(NEW_YORK, 2025, 6, 2, 8, 0),
            local(NEW_YORK, 2025, 6, 2, 12, 30),
            local(NEW_YORK, 2025, 6, 2, 20, 59) + TimeDelta::seconds(59),
        ] {
            assert_eq!(next_allowed(now, NEW_YORK, &window), now);
        }
    }

    #[test]
    fn before_the_window_waits_for_this_morning() {
        let now = local(NEW_YORK, 2025, 6, 2, 6, 15);
        assert_eq!(
            next_allowed(now, NEW_YORK, &SendWindow::default()),
            local(NEW_YORK, 2025, 6, 2, 8, 0)
        );
        let just_before = local(NEW_YORK, 2025, 6, 2, 7, 59) + TimeDelta::seconds(59);
        assert_eq!(
            next_allowed(just_before, NEW_YORK, &SendWindow::default()),
            local(NEW_YORK, 2025, 6, 2, 8, 0)
        );
    }

    #[test]
    fn after_the_window_waits_for_tomorrow_morning() {
        for (h, min) in [(21, 0), (23, 59)] {
            let now = local(NEW_YORK, 2025, 6, 2, h, min);
            assert_eq!(
                next_allowed(now, NEW_YORK, &SendWindow::default()),
                local(NEW_YORK, 2025, 6, 3, 8, 0)
            );
        }
        // 02:00 UTC on 3 June is still the evening of 2 June in Los Angeles.
        let los_angeles = America::Los_Angeles;
        assert_eq!(
            next_allowed(utc(2025, 6, 3, 5, 0), los_angeles, &SendWindow::default()),
            utc(2025, 6, 3, 15, 0)
        );
    }

    #[test]
    fn spring_forward_in_new_york() {
        let window = SendWindow::default();
        // 8 March 2025 is EST (UTC-5); 9 March opens on EDT (UTC-4), an hour earlier in UTC.
        assert_eq!(
            next_allowed(utc(2025, 3, 9, 3, 0), NEW_YORK, &window),
            utc(2025, 3, 9, 12, 0)
        );
        assert_eq!(
            next_allowed(utc(2025, 3, 9, 7, 30), NEW_YORK, &window),
            utc(2025, 3, 9, 12, 0)
        );
        // 02:30 does not exist that day; the window opens when the clocks reach 03:00.
        let early = SendWindow::new(150, 600).unwrap();
        assert_eq!(
            next_allowed(utc(2025, 3, 9, 6, 0), NEW_YORK, &early),
            utc(2025, 3, 9, 7, 0)
        );
        // A window wholly inside the gap does not open that day.
        let skipped = SendWindow::new(125, 145).unwrap();
        assert_eq!(
            next_allowed(utc(2025, 3, 9, 6, 0), NEW_YORK, &skipped),
            local(NEW_YORK, 2025, 3, 10, 2, 5)
        );
    }

    #[test]
    fn fall_back_opens_at_the_next_of_the_two() {
        // 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST) on 2 November 2025.
        let window = SendWindow::new(90, 600).unwrap();
        assert_eq!(
            next_allowed(utc(2025, 11, 2, 4, 45), NEW_YORK, &window),
            utc(2025, 11, 2, 5, 30)
        );
        // 01:15 EST, after the first 01:30 has gone by.
        assert_eq!(
            next_allowed(utc(2025, 11, 2, 6, 15), NEW_YORK, &window),
            utc(2025, 11, 2, 6, 30)
        );
    }

    #[test]
    fn a_skipped_day_moves_to_the_next() {
        // Samoa skipped 30 December 2011, jumping from the 29th to the 31st.
        let apia = Pacific::Apia;
        let now = apia.with_ymd_and_hms(2011, 12, 29, 22, 0, 0).single().unwrap();
        assert_eq!(
            next_allowed(now.with_timezone(&Utc), apia, &SendWindow::default()),
            local(apia, 2011, 12, 31, 8, 0)
        );
    }

    #[test]
    fn windows_may_wrap_midnight() {
        let night = SendWindow::new(22 * 60, 6 * 60).unwrap();
        for (h, min) in [(22, 0), (23, 30), (0, 0), (5, 59)] {
            let now = local(NEW_YORK, 2025, 6, 2, h, min);
            assert_eq!(next_allowed(now, NEW_YORK, &night), now, "{h}:{min}");
        }
        for (h, min) in [(6, 0), (12, 0), (21, 59)] {
            let now = local(NEW_YORK, 2025, 6, 2, h, min);
            assert_eq!(
                next_allowed(now, NEW_YORK, &night),
                local(NEW_YORK, 2025, 6, 2, 22, 0),
                "{h}:{min}"
            );
        }
    }

    #[test]
    fn equal_bounds_mean_always_open() {
        let always = SendWindow::new(300, 300).unwrap();
        assert!(always.is_always_open());
        let now = local(NEW_YORK, 2025, 6, 2, 3, 0);
        assert_eq!(next_allowed(now, NEW_YORK, &always), now);
        assert!(!SendWindow::default().is_always_open());
    }

    #[test]
    fn window_bounds_are_minutes_of_the_day() {
        assert_eq!(SendWindow::default().start_minute(), 480);
        assert_eq!(SendWindow::default().end_minute(), 1260);
        assert!(SendWindow::new(0, 1439).is_ok());
        assert!(SendWindow::new(1440, 60).is_err());
        assert!(SendWindow::new(60, u16::MAX).is_err());
    }

    #[test]
    fn never_panics_at_the_ends_of_time() {
        let window = SendWindow::default();
        for now in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            for zone in [NEW_YORK, Pacific::Kiritimati, Pacific::Niue] {
                let _ = next_allowed(now, zone, &window);
            }
        }
    }

    #[test]
    fn north_american_numbers_by_area_code() {
        for (number, zone) in [
            ("+12015550143", America::New_York),
            ("+12125550143", America::New_York),
            ("+12135550143", America::Los_Angeles),
            ("+13125550143", America::Chicago),
            ("+13035550143", America::Denver),
            ("+16025550143", America::Phoenix),
            ("+18085550143", Pacific::Honolulu),
            ("+19075550143", America::Anchorage),
            ("+14165550143", America::Toronto),
            ("+16045550143", America::Vancouver),
            ("+14035550143", America::Edmonton),
            ("+19025550143", America::Halifax),
            ("+17095550143", America::St_Johns),
            ("+13065550143", America::Regina),
            ("+17875550143", America::Puerto_Rico),
            ("+13135550143", America::Detroit),
            ("+19155550143", America::Denver),
            ("+18505550143", America::Chicago),
        ] {
            assert_eq!(zone_for_phone(number), Some(zone), "{number}");
        }
    }

    #[test]
    fn other_numbers_by_country() {
        for (number, zone) in [
            ("+442079460958", Europe::London),
            ("+447700900123", Europe::London),
            ("+447400123456", Europe::London),
            ("+447911123456", Europe::Guernsey),
            ("+33142685300", Europe::Paris),
            ("+4930901820", Europe::Berlin),
            ("+34912345678", Europe::Madrid),
            ("+351213456789", Europe::Lisbon),
            ("+919876543210", Asia::Kolkata),
            ("+81312345678", Asia::Tokyo),
            ("+6493020000", Pacific::Auckland),
            ("+27211234567", Africa::Johannesburg),
        ] {
            assert_eq!(zone_for_phone(number), Some(zone), "{number}");
        }
    }

    #[test]
    fn unknown_places_give_none() {
        for number in [
            // Not an area code, a toll-free code, and 867, which spans three territories.
            "+19995550143",
            "+18005550143",
            "+18675550143",
            // Countries with several zones.
            "+5215512345678",
            "+5511912345678",
            "+61212345678",
            "+74951234567",
            // Not E.164.
            "2125550143",
            "+1212555014",
            "+",
            "+1-212-555-0143",
            "+99912345678",
            "",
        ] {
            assert_eq!(zone_for_phone(number), None, "{number}");
        }
    }
}
