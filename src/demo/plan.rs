//! The demo town, drawn before anything is written: every man, his arrests
//! (as rows of a force export, the import's format), whether he is assessed
//! and what the assessment says, the cohort he is placed in, and what else
//! follows. Drawing it all first, from one generator, keeps the town the
//! same for a seed however the writing is spread over concurrent requests;
//! what is drawn later (attendance, enforcement) comes from a generator of
//! its own per cohort or enrolment (`Lcg::stream`).

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use serde_json::{Value, json};

use super::town::{self, Lcg};
use crate::domain::arrest_import::COLUMNS;
use crate::domain::london_time::from_london;
use crate::domain::names::fold;

/// Days of history.
const HISTORY_DAYS: i64 = 5 * 365;
/// Relative chance of an arrest in each month, January first (more in the
/// long evenings).
const MONTH_WEIGHT: [u64; 12] = [12, 11, 10, 8, 6, 5, 5, 6, 8, 10, 12, 13];
/// Disposals and their shares in a hundred.
const DISPOSALS: &[(&str, u64)] = &[
    ("conditional_caution", 45),
    ("charged", 15),
    ("community_resolution", 14),
    ("simple_caution", 10),
    ("no_further_action", 10),
    ("released_under_investigation", 6),
];
/// Attendance outcomes and their shares in a hundred.
pub const OUTCOMES: &[(&str, u64)] = &[
    ("attended_complied", 80),
    ("attended_failed_to_comply", 4),
    ("sent_home_behaviour", 2),
    ("sent_home_service_issue", 2),
    ("acceptable_absence", 6),
    ("unacceptable_absence", 6),
];
const STREETS: &[&str] = &[
    "Handford Road",
    "Portman Road",
    "London Road",
    "Norwich Road",
    "Grimwade Street",
    "Wherstead Road",
    "Cliff Road",
    "Hadleigh Road",
    "Bramford Road",
    "Fore Street",
];
const AREAS: &[&str] = &["Central", "North", "East", "South", "West", "Docks"];
pub const COURT: &str = "Ipswich Magistrates' Court";
const VENUES: &[&str] = &[
    "St Matthew's Church Hall",
    "Westgate Community Centre",
    "Northgate Probation Office",
];
/// Men referred to probation who are assessed, in a hundred.
const ASSESSED: u64 = 85;
/// Men arrested again months later, in a hundred.
const ARRESTED_AGAIN: u64 = 12;
/// Charged men found suitable who get a court report, in a hundred.
const COURT_REPORTED: u64 = 40;
/// Men found by a later check to have been cautioned again, in a hundred.
const CAUTIONED_AGAIN: u64 = 4;
/// Places in a cohort.
pub const PLACES: usize = 12;
/// A bigger town runs more groups side by side: one more cohort on each
/// start date per this many men, so places (about 400 per group over five
/// years) keep up with the men found suitable.
const MEN_PER_PARALLEL_COHORT: usize = 2_000;
/// Letters a registration may use (no I, Q or Z in the last three).
const REG_LETTERS: &[u8] = b"ABCDEFGHJKLMNOPRSTUVWXY";

/// Cohorts starting together every eight weeks.
fn cohorts_at_once(scale: usize) -> usize {
    (scale / MEN_PER_PARALLEL_COHORT).max(1)
}

/// One cohort of the awareness programme.
pub struct Cohort {
    pub code: String,
    pub venue: &'static str,
    pub first_session_at: DateTime<Utc>,
}

/// One man and what happens to him after his first arrest.
pub struct Man {
    /// His first arrest's occurrence reference.
    pub occurrence: String,
    /// His arrests: his lines of [`Plan::rows`], which follow one another.
    pub arrests: usize,
    /// The assessment's content, when he is assessed (his id and the
    /// referral's are added when it is written).
    pub assessment: Option<Value>,
    /// The cohort he is placed in, and the caution's deadline if any.
    pub place: Option<(usize, Option<NaiveDate>)>,
    /// A court report for the hearing on this date.
    pub court_report: Option<NaiveDate>,
    /// A caution for an offence on this date, found by a later check.
    pub cautioned_again: Option<NaiveDate>,
}

/// The whole town.
pub struct Plan {
    pub cohorts: Vec<Cohort>,
    pub men: Vec<Man>,
    /// Every arrest as a line of the import file, oldest man first.
    pub rows: Vec<String>,
}

/// The import file's header line.
pub fn header() -> String {
    format!("{}\n", COLUMNS.join(","))
}

impl Plan {
    /// The arrests as import files of at most `most_rows` lines each (more
    /// only for a man with more arrests than that), each holding every
    /// arrest of its men: files imported side by side then never both
    /// record the same man as new. With each file, its number of arrests.
    pub fn import_files(&self, most_rows: usize) -> Vec<(String, usize)> {
        let mut files = Vec::new();
        let (mut from, mut to) = (0, 0);
        for man in &self.men {
            if to > from && to - from + man.arrests > most_rows {
                files.push((
                    format!("{}{}", header(), self.rows[from..to].concat()),
                    to - from,
                ));
                from = to;
            }
            to += man.arrests;
        }
        if to > from {
            files.push((
                format!("{}{}", header(), self.rows[from..to].concat()),
                to - from,
            ));
        }
        files
    }
}

pub fn weighted<'a>(r: &mut Lcg, table: &[(&'a str, u64)]) -> &'a str {
    let total: u64 = table.iter().map(|(_, w)| w).sum();
    let mut roll = r.draw() % total.max(1);
    for (value, weight) in table {
        if roll < *weight {
            return value;
        }
        roll -= weight;
    }
    table[0].0
}

/// A day in the last five years before yesterday (an evening's arrest can
/// fall after midnight, and seeding may run just after midnight), likelier
/// in the dark months.
fn arrest_day(r: &mut Lcg, today: NaiveDate) -> NaiveDate {
    loop {
        let day = today - Duration::days(2 + r.below(HISTORY_DAYS as usize) as i64);
        let weight = MONTH_WEIGHT[day.month0() as usize];
        if r.draw() % 13 < weight {
            return day;
        }
    }
}

/// An evening time on `day` (London), as RFC 3339.
fn evening(r: &mut Lcg, day: NaiveDate) -> String {
    let minutes = 19 * 60 + r.below(6 * 60) as u32;
    let time =
        NaiveTime::from_hms_opt((minutes / 60) % 24, minutes % 60, 0).unwrap_or(NaiveTime::MIN);
    let date = if minutes >= 24 * 60 {
        day + Duration::days(1)
    } else {
        day
    };
    from_london(date.and_time(time)).to_rfc3339()
}

fn registration(r: &mut Lcg) -> String {
    let l = |r: &mut Lcg| REG_LETTERS[r.below(REG_LETTERS.len())] as char;
    format!(
        "{}{}{:02} {}{}{}",
        l(r),
        l(r),
        10 + r.below(60),
        l(r),
        l(r),
        l(r)
    )
}

/// A completed assessment's content for a man arrested on `day`.
fn assessment(r: &mut Lcg, born: NaiveDate, day: NaiveDate, caution: bool) -> Value {
    let suitable = r.chance(82);
    let answers: Vec<&str> = (0..24)
        .map(|_| if r.chance(15) { "yes" } else { "no" })
        .collect();
    let age = day.years_since(born).unwrap_or(18);
    json!({
        "rosh": {"public": "low", "known_adult": if r.chance(20) { "medium" } else { "low" }, "children": "low", "staff": "low"},
        "suitability": if suitable { "suitable" } else { "not_suitable" },
        "rationale": if suitable { "Accepts what he did and is willing to take part in the programme." } else { "Denies the offence and would disrupt a group." },
        "ogrs3": {"sex": "male", "date_of_birth": born.to_string(), "conviction_date": day.to_string(),
                  "follow_up_start_date": day.to_string(), "age_at_first_sanction": age.clamp(10, 99),
                  "first_sanction_date": null, "total_sanctions": 1 + r.below(3),
                  "offence_category": "soliciting_or_prostitution",
                  "current_sanction": if caution { "caution" } else { "conviction" }},
        "domestic_abuse": {"known_to_marac": false, "concerns": if r.chance(25) { "Partner reported arguments to police once; no injuries recorded." } else { "" }},
        "dash": {"answers": answers, "professional_judgement": false, "rationale": null,
                 "incidents_in_window": 0, "previous_marac_referral_date": null, "latest_incident_date": null},
        "needs": {"relationships": {"severity": if r.chance(40) { "standard" } else { "no_need" }, "note": "Discussed at interview."}}
    })
}

/// Cohorts every eight weeks (on a Tuesday at 18:30) from five years ago to
/// eight weeks ahead, and the days each starts.
fn cohorts(scale: usize, today: NaiveDate) -> Vec<(NaiveDate, Cohort)> {
    let mut out = Vec::new();
    let mut start = today - Duration::days(HISTORY_DAYS);
    while start <= today + Duration::days(56) {
        let tuesday =
            start + Duration::days((8 - i64::from(start.weekday().number_from_monday())) % 7 + 1);
        let at = from_london(
            tuesday.and_time(NaiveTime::from_hms_opt(18, 30, 0).unwrap_or(NaiveTime::MIN)),
        );
        for group in 0..cohorts_at_once(scale) {
            out.push((
                tuesday,
                Cohort {
                    code: format!("AW-{}-{}", tuesday.format("%Y-%m"), group + 1),
                    venue: VENUES[group % VENUES.len()],
                    first_session_at: at,
                },
            ));
        }
        start += Duration::days(56);
    }
    out
}

/// One line of the import file.
fn row(fields: [&str; COLUMNS.len()]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // writing to memory cannot fail
    let _ = w.write_record(fields);
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Draw the town of `scale` men for `seed`, as it stands on `today`.
pub fn draw(scale: usize, seed: u64, today: NaiveDate) -> Plan {
    let mut r = Lcg(seed);
    let dated = cohorts(scale, today);
    let mut taken = vec![0usize; dated.len()];
    let mut men = Vec::with_capacity(scale);
    let mut rows = Vec::with_capacity(scale + scale / 8);
    // the import knows a man by name and date of birth: each man is new
    let mut known = HashSet::with_capacity(scale);
    for n in 0..scale {
        let (name, born) = loop {
            let name = town::name(&mut r);
            let born = NaiveDate::from_ymd_opt(
                1955 + r.below(45) as i32,
                1 + r.below(12) as u32,
                1 + r.below(28) as u32,
            )
            .unwrap_or(NaiveDate::MIN);
            if known.insert((fold(&name.surname), fold(&name.forenames), born)) {
                break (name, born);
            }
        };
        let postcode = format!(
            "IP{} {}{}{}",
            1 + r.below(9),
            1 + r.below(9),
            REG_LETTERS[r.below(20)] as char,
            REG_LETTERS[r.below(20)] as char
        );
        let day = arrest_day(&mut r, today);
        let disposal = weighted(&mut r, DISPOSALS);
        let caution = disposal == "conditional_caution";
        let charged = disposal == "charged";
        let deadline = day + Duration::days(84);
        let occurrence = format!("DEMO/{:06}", n + 1);
        let (born_text, deadline_text, hearing) = (
            born.to_string(),
            deadline.to_string(),
            day + Duration::days(21),
        );
        let hearing_text = hearing.to_string();
        let (arrested_at, street, area, vehicle) = (
            evening(&mut r, day),
            r.pick(STREETS),
            r.pick(AREAS),
            registration(&mut r),
        );
        let offence = if r.chance(85) {
            "soliciting_s51a_soa2003"
        } else {
            "kerb_crawling_s1_soa1985"
        };
        // a line of the file for one of his arrests: the man's columns, then
        // the arrest's from `vehicle_registration` on
        let his = |occurrence: &str, arrest: [&str; 12]| {
            let mut fields = [""; COLUMNS.len()];
            fields[..8].copy_from_slice(&[
                occurrence,
                &name.surname,
                &name.forenames,
                &born_text,
                "male",
                "",
                &postcode,
                "",
            ]);
            fields[8..].copy_from_slice(&arrest);
            row(fields)
        };
        let arrests_before = rows.len();
        rows.push(his(
            &occurrence,
            [
                &vehicle,
                &arrested_at,
                street,
                area,
                "Operation Nightlight",
                offence,
                disposal,
                if caution { deadline_text.as_str() } else { "" },
                if charged { COURT } else { "" },
                if charged { hearing_text.as_str() } else { "" },
                "",
                "",
            ],
        ));
        // some are arrested again, months later
        if r.chance(ARRESTED_AGAIN) {
            let again = day + Duration::days(60 + r.below(540) as i64);
            if again < today - Duration::days(1) {
                let (at, street) = (evening(&mut r, again), r.pick(STREETS));
                let disposal = if r.chance(50) {
                    "no_further_action"
                } else {
                    "community_resolution"
                };
                rows.push(his(
                    &format!("{occurrence}/2"),
                    [
                        "",
                        &at,
                        street,
                        "Central",
                        "",
                        "soliciting_s51a_soa2003",
                        disposal,
                        "",
                        "",
                        "",
                        "",
                        "",
                    ],
                ));
            }
        }
        let mut man = Man {
            occurrence,
            arrests: rows.len() - arrests_before,
            assessment: None,
            place: None,
            court_report: None,
            cautioned_again: None,
        };
        if (caution || charged) && r.chance(ASSESSED) {
            let content = assessment(&mut r, born, day, caution);
            if content["suitability"] == "suitable" {
                if charged && r.chance(COURT_REPORTED) {
                    man.court_report = Some(hearing);
                }
                // the first cohort starting after the arrest with a place
                man.place = dated
                    .iter()
                    .zip(&mut taken)
                    .enumerate()
                    .find(|(_, ((first, _), taken))| {
                        *first > day + Duration::days(7) && **taken < PLACES
                    })
                    .filter(|(_, ((first, _), _))| !caution || *first <= deadline)
                    .map(|(i, (_, taken))| {
                        *taken += 1;
                        (i, caution.then_some(deadline))
                    });
            }
            man.assessment = Some(content);
        }
        if r.chance(CAUTIONED_AGAIN) {
            man.cautioned_again = Some(today - Duration::days(30 + r.below(300) as i64));
        }
        men.push(man);
    }
    Plan {
        cohorts: dated.into_iter().map(|(_, c)| c).collect(),
        men,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn the_same_seed_draws_the_same_town_and_another_seed_another() {
        let today = day("2026-12-01");
        let (a, b, c) = (
            draw(300, 7, today),
            draw(300, 7, today),
            draw(300, 8, today),
        );
        assert_eq!(a.rows, b.rows);
        assert_ne!(a.rows, c.rows);
        assert_eq!(a.men.len(), 300);
    }

    #[test]
    fn no_cohort_is_given_more_men_than_it_has_places_and_a_caution_starts_by_its_deadline() {
        let plan = draw(3_000, 2026, day("2026-12-01"));
        let mut per = vec![0; plan.cohorts.len()];
        for (cohort, deadline) in plan.men.iter().filter_map(|m| m.place) {
            per[cohort] += 1;
            if let Some(deadline) = deadline {
                assert!(plan.cohorts[cohort].first_session_at.date_naive() <= deadline);
            }
        }
        assert!(per.iter().all(|n| *n <= PLACES));
        // more men are found suitable than one group a start date can take
        assert!(per.iter().filter(|n| **n == PLACES).count() > 25, "{per:?}");
    }

    #[test]
    fn every_arrest_is_before_the_day_of_seeding_even_one_just_after_midnight() {
        let today = day("2026-12-06");
        let midnight = from_london(today.and_time(NaiveTime::MIN));
        let plan = draw(2_000, 3, today);
        let file = format!("{}{}", header(), plan.rows.concat());
        let mut reader = csv::Reader::from_reader(file.as_bytes());
        for record in reader.records().filter_map(Result::ok) {
            let at = DateTime::parse_from_rfc3339(&record[9]).map(|t| t.with_timezone(&Utc));
            assert!(at.is_ok_and(|at| at < midnight), "{:?}", &record[9]);
        }
    }

    #[test]
    fn every_row_has_every_column_and_the_file_reads_back() {
        let plan = draw(200, 1, day("2026-12-01"));
        let file = format!("{}{}", header(), plan.rows.concat());
        let mut reader = csv::Reader::from_reader(file.as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
        assert_eq!(records.len(), plan.rows.len());
        assert!(records.iter().all(|r| r.len() == COLUMNS.len()));
        assert!(plan.rows.len() > 200, "some men are arrested again");
    }

    #[test]
    fn import_files_hold_every_arrest_once_in_order_and_never_split_a_man() {
        let plan = draw(500, 4, day("2026-12-01"));
        let files = plan.import_files(40);
        assert!(files.len() > 12, "{} files", files.len());
        assert!(files.iter().all(|(_, rows)| *rows <= 40));
        let mut occurrences = Vec::new();
        for (file, rows) in &files {
            let mut reader = csv::Reader::from_reader(file.as_bytes());
            let records: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
            assert_eq!(records.len(), *rows);
            // a file never begins with a man's second arrest
            assert!(!records[0][0].ends_with("/2"), "{}", &records[0][0]);
            occurrences.extend(records.iter().map(|r| r[0].to_string()));
        }
        let all = format!("{}{}", header(), plan.rows.concat());
        let mut reader = csv::Reader::from_reader(all.as_bytes());
        let expected: Vec<String> = reader
            .records()
            .filter_map(Result::ok)
            .map(|r| r[0].to_string())
            .collect();
        assert_eq!(occurrences, expected);
        assert_eq!(
            plan.men.iter().map(|m| m.arrests).sum::<usize>(),
            plan.rows.len()
        );
    }
}
