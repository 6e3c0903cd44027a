//! Reading dates and times as people type them, and ages.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// Completed years on `on` for someone born on `dob` (a year older on the
/// birthday; someone born on 29 February on 1 March in common years).
/// `None` when `on` is before `dob`.
pub fn age_on(dob: NaiveDate, on: NaiveDate) -> Option<u32> {
    if on < dob {
        return None;
    }
    let mut years = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// The earliest year Kerbside accepts in any date (dates of birth included).
pub const EARLIEST_YEAR: i32 = 1900;
/// The latest year Kerbside accepts in any date (deadlines and hearings included).
pub const LATEST_YEAR: i32 = 2100;

/// Refuse a date outside [`EARLIEST_YEAR`]..=[`LATEST_YEAR`]: nothing Kerbside
/// records lies outside them, and far-off years overflow time arithmetic.
pub fn in_supported_range(date: NaiveDate, what: &str) -> Result<NaiveDate, String> {
    if (EARLIEST_YEAR..=LATEST_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(format!(
            "{} must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}",
            capitalise(what)
        ))
    }
}

/// [`in_supported_range`] for an instant.
pub fn instant_in_supported_range(at: DateTime<Utc>, what: &str) -> Result<DateTime<Utc>, String> {
    in_supported_range(at.date_naive(), what).map(|_| at)
}

/// An ISO date `YYYY-MM-DD`.
pub fn parse_iso_date(raw: &str, what: &str) -> Result<NaiveDate, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(format!("Enter {what}"));
    }
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
        format!(
            "{} must be a real date in the form YYYY-MM-DD",
            capitalise(what)
        )
    })?;
    in_supported_range(date, what)
}

/// A date typed as day, month and year boxes (GOV.UK date input).
pub fn parse_date_parts(
    day: &str,
    month: &str,
    year: &str,
    what: &str,
) -> Result<NaiveDate, String> {
    let (d, m, y) = (day.trim(), month.trim(), year.trim());
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return Err(format!("Enter {what}"));
    }
    let missing: Vec<&str> = [("a day", d), ("a month", m), ("a year", y)]
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{} must include {}",
            capitalise(what),
            missing.join(" and ")
        ));
    }
    let parsed = (d.parse::<u32>(), month_number(m), y.parse::<i32>());
    match parsed {
        (Ok(d), Some(m), Ok(y)) if y >= 1000 => NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| format!("{} must be a real date", capitalise(what)))
            .and_then(|date| in_supported_range(date, what)),
        (_, _, Ok(y)) if y < 1000 => Err("Year must include 4 numbers".to_string()),
        _ => Err(format!("{} must be a real date", capitalise(what))),
    }
}

/// [`parse_date_parts`] for a date that may be left out: all three boxes empty
/// is `None`.
pub fn parse_optional_date_parts(
    day: &str,
    month: &str,
    year: &str,
    what: &str,
) -> Result<Option<NaiveDate>, String> {
    if day.trim().is_empty() && month.trim().is_empty() && year.trim().is_empty() {
        return Ok(None);
    }
    parse_date_parts(day, month, year, what).map(Some)
}

fn month_number(m: &str) -> Option<u32> {
    if let Ok(n) = m.parse::<u32>() {
        return (1..=12).contains(&n).then_some(n);
    }
    let l = m.to_lowercase();
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    NAMES
        .iter()
        .position(|n| l.starts_with(n))
        .map(|i| i as u32 + 1)
}

/// The instants a filtered period runs between, each end optional.
pub type Period = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// A period typed into a list's filter, `from` and `to` as `YYYY-MM-DD`
/// London dates, both days included: the instants it runs between (`to` is
/// the start of the day after). The one rule for date filters, used by the
/// pages (a field error) and the API (a 422) alike.
pub fn filter_period(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Period, super::validation::FieldErrors> {
    let mut errors = super::validation::FieldErrors::new();
    let mut day = |field: &str, raw: Option<&str>| {
        let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
        errors.check(field, parse_iso_date(raw, field))
    };
    let start = day("from", from);
    let end = day("to", to);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.add("to", "The end of the period must not be before its start");
    }
    errors.into_result()?;
    let midnight = |d: NaiveDate| super::london_time::from_london(d.and_time(NaiveTime::MIN));
    Ok((
        start.map(midnight),
        end.and_then(|e| e.succ_opt()).map(midnight),
    ))
}

/// A 24-hour time `HH:MM`.
pub fn parse_time(raw: &str, what: &str) -> Result<NaiveTime, String> {
    let t = raw.trim().replace('.', ":");
    if t.is_empty() {
        return Err(format!("Enter {what}"));
    }
    NaiveTime::parse_from_str(&t, "%H:%M")
        .map_err(|_| format!("{} must be a 24-hour time like 23:15", capitalise(what)))
}

/// A London wall-clock date-time from ISO form `YYYY-MM-DDTHH:MM` (or RFC 3339),
/// within the supported years.
pub fn parse_local_datetime(raw: &str) -> Option<NaiveDateTime> {
    let t = raw.trim();
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M"))
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S"))
        .ok()
        .filter(|d| in_supported_range(d.date(), "date").is_ok())
}

/// An RFC 3339 date-time (`2026-11-29T23:15:00Z`) within the supported years.
pub fn parse_rfc3339(raw: &str, what: &str) -> Result<DateTime<Utc>, String> {
    let at = DateTime::parse_from_rfc3339(raw.trim())
        .map_err(|_| {
            format!(
                "{} must be an RFC 3339 date-time, like 2026-11-29T23:15:00Z",
                capitalise(what)
            )
        })?
        .with_timezone(&Utc);
    instant_in_supported_range(at, what)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn ages_turn_over_on_the_birthday_and_leap_day_babies_on_1_march() {
        assert_eq!(age_on(d(1965, 12, 7), d(2025, 12, 6)), Some(59));
        assert_eq!(age_on(d(1965, 12, 7), d(2025, 12, 7)), Some(60));
        assert_eq!(age_on(d(2000, 2, 29), d(2010, 2, 28)), Some(9));
        assert_eq!(age_on(d(2000, 2, 29), d(2010, 3, 1)), Some(10));
        assert_eq!(age_on(d(2000, 2, 29), d(2012, 2, 29)), Some(12));
        assert_eq!(age_on(d(2000, 1, 1), d(1999, 1, 1)), None);
    }

    #[test]
    fn date_boxes_say_what_is_missing_or_wrong() {
        assert_eq!(
            parse_date_parts("7", "7", "2008", "date of birth"),
            Ok(d(2008, 7, 7))
        );
        assert_eq!(
            parse_date_parts("7", "jul", "2008", "date of birth"),
            Ok(d(2008, 7, 7))
        );
        assert_eq!(
            parse_date_parts("", "", "", "date of birth"),
            Err("Enter date of birth".into())
        );
        assert!(
            parse_date_parts("7", "", "2008", "date of birth")
                .unwrap_err()
                .contains("must include a month")
        );
        assert!(
            parse_date_parts("31", "2", "2008", "date of birth")
                .unwrap_err()
                .contains("real date")
        );
        assert!(
            parse_date_parts("1", "2", "08", "date of birth")
                .unwrap_err()
                .contains("4 numbers")
        );
    }

    #[test]
    fn dates_outside_1900_to_2100_are_refused_by_every_reader() {
        assert!(parse_iso_date("-262143-01-01", "the date").is_err());
        assert!(parse_iso_date("1899-12-31", "the date").is_err());
        assert!(parse_iso_date("2101-01-01", "the date").is_err());
        assert!(parse_iso_date("1900-01-01", "the date").is_ok());
        assert!(parse_iso_date("2100-12-31", "the date").is_ok());
        assert!(parse_date_parts("1", "1", "9999", "date of birth").is_err());
        assert!(parse_date_parts("1", "1", "1066", "date of birth").is_err());
        assert!(parse_local_datetime("9999-01-01 10:00").is_none());
        assert!(parse_rfc3339("9999-01-01T10:00:00Z", "arrested_at").is_err());
        assert!(parse_rfc3339("2026-01-01T10:00:00Z", "arrested_at").is_ok());
    }

    #[test]
    fn times_and_iso_forms_parse() {
        assert!(parse_time("23:15", "time").is_ok());
        assert!(parse_time("25:00", "time").is_err());
        assert!(parse_local_datetime("2026-11-29T23:15").is_some());
        assert!(parse_iso_date("2026-02-30", "the date").is_err());
    }
}
