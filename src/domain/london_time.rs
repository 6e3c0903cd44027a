//! Times are stored in UTC and shown in Europe/London. The UK rule (since
//! 1996, EU-aligned): British Summer Time runs from 01:00 UTC on the last
//! Sunday of March to 01:00 UTC on the last Sunday of October.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday,
};

fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last = first_next.pred_opt()?;
    let back = last.weekday().num_days_from_sunday();
    Some(last - Duration::days(i64::from(back)))
}

fn one_am_utc(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_time(NaiveTime::from_hms_opt(1, 0, 0).unwrap_or_default()))
}

/// True when `at` falls inside British Summer Time.
pub fn is_bst(at: DateTime<Utc>) -> bool {
    let year = at.year();
    match (last_sunday(year, 3), last_sunday(year, 10)) {
        (Some(start), Some(end)) => at >= one_am_utc(start) && at < one_am_utc(end),
        _ => false,
    }
}

/// The wall-clock time in London.
pub fn to_london(at: DateTime<Utc>) -> NaiveDateTime {
    let offset = if is_bst(at) { 1 } else { 0 };
    at.checked_add_signed(Duration::hours(offset))
        .unwrap_or(at)
        .naive_utc()
}

/// The UTC instant of a London wall-clock time. In the repeated autumn hour
/// the earlier (BST) instant is taken; a time in the skipped spring hour is
/// read as GMT.
pub fn from_london(local: NaiveDateTime) -> DateTime<Utc> {
    let an_hour_earlier = local
        .checked_sub_signed(Duration::hours(1))
        .unwrap_or(local);
    let as_bst = Utc.from_utc_datetime(&an_hour_earlier);
    if is_bst(as_bst) {
        as_bst
    } else {
        Utc.from_utc_datetime(&local)
    }
}

/// The London calendar date of an instant (what "today" means to a user).
pub fn london_date(at: DateTime<Utc>) -> NaiveDate {
    to_london(at).date()
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as people read it: "7 July 2008".
pub fn format_date(date: NaiveDate) -> String {
    let month = MONTHS
        .get(date.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {} {}", date.day(), month, date.year())
}

/// An instant in London time: "7 July 2008, 14:05".
pub fn format_datetime(at: DateTime<Utc>) -> String {
    let local = to_london(at);
    format!("{}, {}", format_date(local.date()), local.format("%H:%M"))
}

/// The London clock time of an instant: "14:05".
pub fn format_time(at: DateTime<Utc>) -> String {
    to_london(at).format("%H:%M").to_string()
}

/// Weekday check used by working-day rules.
pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .unwrap()
    }

    #[test]
    fn summer_time_starts_and_ends_at_one_utc_on_the_last_sundays() {
        // 2026: 29 March and 25 October.
        assert!(!is_bst(utc("2026-03-29T00:59:59Z")));
        assert!(is_bst(utc("2026-03-29T01:00:00Z")));
        assert!(is_bst(utc("2026-10-25T00:59:59Z")));
        assert!(!is_bst(utc("2026-10-25T01:00:00Z")));
    }

    #[test]
    fn london_shows_an_hour_ahead_in_summer_only() {
        assert_eq!(
            format_datetime(utc("2008-07-07T13:05:00Z")),
            "7 July 2008, 14:05"
        );
        assert_eq!(
            format_datetime(utc("2008-12-07T13:05:00Z")),
            "7 December 2008, 13:05"
        );
    }

    #[test]
    fn london_wall_clock_converts_back_to_utc() {
        let local = NaiveDate::from_ymd_opt(2026, 7, 1)
            .unwrap()
            .and_hms_opt(23, 30, 0)
            .unwrap();
        assert_eq!(from_london(local), utc("2026-07-01T22:30:00Z"));
        let winter = NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 15, 0)
            .unwrap();
        assert_eq!(from_london(winter), utc("2026-01-01T00:15:00Z"));
    }

    #[test]
    fn late_evening_in_summer_is_already_tomorrow_in_london() {
        assert_eq!(
            london_date(utc("2026-06-30T23:30:00Z")),
            NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()
        );
    }
}
