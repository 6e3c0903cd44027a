//! Men who should not share a cohort.
//!
//! Source: `shared/domain/programme-and-attendance.md` ("Men with a
//! non-association (e.g. arrested together) should not be placed in the
//! same cohort: warn."). The specification gives no record of
//! non-associations, so Kerbside infers the one it names from the arrests
//! it holds: two men were **arrested together** when their arrests share the
//! force's occurrence reference, or were made within
//! [`ARRESTED_TOGETHER_MINUTES`] of each other at the same location
//! (compared without case or surrounding spaces). It warns; a person decides.

use chrono::{DateTime, Utc};

/// How close in time two arrests at one place must be to count as together.
pub const ARRESTED_TOGETHER_MINUTES: i64 = 60;

/// What the rule reads of one arrest.
#[derive(Clone, Copy, Debug)]
pub struct ArrestFacts<'a> {
    pub at: DateTime<Utc>,
    pub location: &'a str,
    pub occurrence_reference: Option<&'a str>,
}

/// Were these two arrests made together?
pub fn arrested_together(a: ArrestFacts<'_>, b: ArrestFacts<'_>) -> bool {
    let same_reference = matches!(
        (a.occurrence_reference.map(str::trim), b.occurrence_reference.map(str::trim)),
        (Some(x), Some(y)) if !x.is_empty() && x.eq_ignore_ascii_case(y)
    );
    let close = (a.at - b.at).num_minutes().abs() <= ARRESTED_TOGETHER_MINUTES;
    let same_place = a.location.trim().to_lowercase() == b.location.trim().to_lowercase();
    same_reference || (close && same_place)
}

/// Were any of one man's arrests made together with any of another's?
pub fn any_together(one: &[ArrestFacts<'_>], other: &[ArrestFacts<'_>]) -> bool {
    one.iter()
        .any(|a| other.iter().any(|b| arrested_together(*a, *b)))
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
    fn arrests_at_one_place_within_the_hour_or_under_one_reference_are_together() {
        let a = ArrestFacts {
            at: at("2026-11-20T23:00:00Z"),
            location: "London Road",
            occurrence_reference: None,
        };
        let near = ArrestFacts {
            at: at("2026-11-20T23:40:00Z"),
            location: " london road ",
            occurrence_reference: None,
        };
        let later = ArrestFacts {
            at: at("2026-11-21T01:00:00Z"),
            ..near
        };
        let elsewhere = ArrestFacts {
            location: "Portman Road",
            ..near
        };
        let same_ref = ArrestFacts {
            at: at("2026-11-25T10:00:00Z"),
            location: "Station",
            occurrence_reference: Some("OP-7"),
        };
        let with_ref = ArrestFacts {
            occurrence_reference: Some("op-7 "),
            ..a
        };
        assert!(arrested_together(a, near));
        assert!(!arrested_together(a, later));
        assert!(!arrested_together(a, elsewhere));
        assert!(arrested_together(with_ref, same_ref));
        assert!(any_together(&[later, a], &[elsewhere, near]));
    }
}
