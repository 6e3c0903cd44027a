//! An iCalendar (RFC 5545) file of a cohort's sessions, for facilitators'
//! calendars. It holds the programme, venue and times only: never a man's
//! name.
//!
//! Rules applied: lines end CRLF and are folded at 75 octets (a folded line
//! continues after CRLF and one space, never inside a UTF-8 character);
//! text escapes backslash, semicolon, comma and newlines; times are UTC
//! (`...Z`); each session's UID is stable, so a re-import updates the
//! calendar instead of duplicating it; a cancelled session is kept with
//! `STATUS:CANCELLED` so it disappears from calendars that had it.

use chrono::{DateTime, Duration, Utc};

/// The longest line, in octets, before folding.
pub const MAX_LINE_OCTETS: usize = 75;

/// One event.
#[derive(Clone, Debug)]
pub struct Event {
    pub uid: String,
    pub starts_at: DateTime<Utc>,
    pub minutes: i32,
    pub summary: String,
    pub location: String,
    pub cancelled: bool,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn fold(line: &str, out: &mut String) {
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The calendar file for `events`, named `name`, made at `now`.
pub fn calendar(name: &str, events: &[Event], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kerbside//Programme sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        fold(line, &mut out);
    }
    fold(&format!("X-WR-CALNAME:{}", escape(name)), &mut out);
    for e in events {
        fold("BEGIN:VEVENT", &mut out);
        fold(&format!("UID:{}", e.uid), &mut out);
        fold(&format!("DTSTAMP:{}", stamp(now)), &mut out);
        fold(&format!("DTSTART:{}", stamp(e.starts_at)), &mut out);
        fold(
            &format!(
                "DTEND:{}",
                stamp(e.starts_at + Duration::minutes(i64::from(e.minutes)))
            ),
            &mut out,
        );
        fold(&format!("SUMMARY:{}", escape(&e.summary)), &mut out);
        fold(&format!("LOCATION:{}", escape(&e.location)), &mut out);
        fold(
            if e.cancelled {
                "STATUS:CANCELLED"
            } else {
                "STATUS:CONFIRMED"
            },
            &mut out,
        );
        fold("END:VEVENT", &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn events_are_utc_escaped_and_folded_at_75_octets() {
        let e = Event {
            uid: "session-7@kerbside".into(),
            starts_at: at("2027-01-12T19:00:00Z"),
            minutes: 120,
            summary: "EVE-A session 1: Consequences, harm; and \"next\" steps".into(),
            location: format!("St Mary's church hall, {}", "Großer Saal ".repeat(8)),
            cancelled: true,
        };
        let ics = calendar("EVE-A", &[e], at("2027-01-01T00:00:00Z"));
        assert!(ics.contains("DTSTART:20270112T190000Z\r\nDTEND:20270112T210000Z\r\n"));
        assert!(ics.contains("SUMMARY:EVE-A session 1: Consequences\\, harm\\; and"));
        assert!(ics.contains("STATUS:CANCELLED"));
        for line in ics.split("\r\n") {
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "{line:?} is {} octets",
                line.len()
            );
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains(&"Großer Saal ".repeat(8)),
            "folding keeps every character"
        );
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }
}
