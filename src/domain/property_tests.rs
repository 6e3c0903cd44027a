//! Property tests of every parser and validator at the doors: no input makes
//! one panic, a value it accepts reads back unchanged, and the risk scores
//! keep the shape their sources give them.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::arrest_import::read_file;
use super::dash;
use super::dates::{
    parse_date_parts, parse_iso_date, parse_local_datetime, parse_rfc3339, parse_time,
};
use super::identifiers::{
    looks_like_reference, make_reference, parse_phone, parse_pnc_id, parse_postcode,
    parse_vehicle_reg,
};
use super::london_time::{from_london, london_date, to_london};
use super::name_keys::{query_keys, stored_keys};
use super::names::fold;
use super::ogrs3::{self, OffenceCategory, Ogrs3Input};
use super::person_match::{Recorded, Wanted, score};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// Text an officer or a force export might send: anything at all, or
/// something shaped like the real thing.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z0-9 /-]{0,12}",
        "[A-Z]{2}[0-9]{2} ?[A-Z]{3}",
        "[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}",
        "[0-9]{2}/[0-9]{1,7}[A-Z]",
        "(\\+44|0)[0-9 ]{9,12}",
        "KC-[2-9A-Z]{4}-[2-9A-Z]{2,3}",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn identifiers_never_panic_and_what_they_accept_reads_back(raw in text()) {
        if let Ok(p) = parse_postcode(&raw) {
            prop_assert_eq!(parse_postcode(&p), Ok(p.clone()));
        }
        if let Ok(p) = parse_pnc_id(&raw) {
            prop_assert_eq!(parse_pnc_id(&p), Ok(p.clone()));
        }
        if let Ok(v) = parse_vehicle_reg(&raw) {
            let again = parse_vehicle_reg(&v.normalised).map(|x| x.normalised);
            prop_assert_eq!(again, Ok(v.normalised.clone()));
            let shown = parse_vehicle_reg(&v.display).map(|x| x.normalised);
            prop_assert_eq!(shown, Ok(v.normalised.clone()));
        }
        if let Ok(p) = parse_phone(&raw) {
            prop_assert_eq!(parse_phone(&p), Ok(p.clone()));
        }
        if let Some(r) = looks_like_reference(&raw) {
            prop_assert_eq!(looks_like_reference(&r), Some(r.clone()));
        }
    }

    #[test]
    fn every_reference_made_is_recognised(random in proptest::collection::vec(any::<u8>(), 6)) {
        let r = make_reference("KC", &random);
        prop_assert_eq!(looks_like_reference(&r.to_lowercase()), Some(r.clone()));
    }

    #[test]
    fn names_fold_once_and_their_keys_are_bounded(surname in any::<String>(), forenames in any::<String>()) {
        let once = fold(&surname);
        prop_assert_eq!(fold(&once), once.clone());
        // at most: four surname words (whole and three parts) of 21 forms,
        // alone and with each of three forenames, and the same for sounds
        // and forenames: well under a thousand rows for any name
        prop_assert!(stored_keys(&surname, &forenames).len() <= 1_000);
        let q = query_keys(&surname, Some(&forenames));
        prop_assert!(q.pairs.len() + q.surname.len() <= 2_000);
        let wanted = Wanted {
            surname: Some(surname.clone()),
            forenames: Some(forenames.clone()),
            ..Wanted::default()
        };
        let man = Recorded {
            surname: "Kowalski",
            forenames: "Piotr Jan",
            date_of_birth: NaiveDate::from_ymd_opt(1979, 5, 2).unwrap_or_default(),
            pnc_id: None,
            in_vehicle: false,
        };
        let (s, _) = score(&wanted, &man);
        prop_assert!((0.0..=1.0).contains(&s), "{}", s);
    }

    #[test]
    fn a_name_matched_against_itself_scores_highest(surname in "[A-Za-zÀ-ž' -]{1,30}", forenames in "[A-Za-zÀ-ž -]{1,30}") {
        prop_assume!(!fold(&surname).is_empty() && !fold(&forenames).is_empty());
        let wanted = Wanted {
            surname: Some(surname.clone()),
            forenames: Some(forenames.clone()),
            ..Wanted::default()
        };
        let itself = Recorded {
            surname: &surname,
            forenames: &forenames,
            date_of_birth: NaiveDate::from_ymd_opt(1979, 5, 2).unwrap_or_default(),
            pnc_id: None,
            in_vehicle: false,
        };
        let (s, _) = score(&wanted, &itself);
        prop_assert!(s > 0.99, "{} {}: {}", surname, forenames, s);
    }

    #[test]
    fn dates_and_times_never_panic(a in any::<String>(), b in any::<String>(), c in any::<String>()) {
        let _ = parse_iso_date(&a, "Date");
        let _ = parse_date_parts(&a, &b, &c, "the date");
        let _ = parse_time(&a, "Time");
        let _ = parse_local_datetime(&a);
        let _ = parse_rfc3339(&a, "Time");
    }

    #[test]
    fn an_accepted_date_reads_back(days in -40_000i64..60_000) {
        let d = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + Duration::days(days);
        if let Ok(read) = parse_iso_date(&d.format("%Y-%m-%d").to_string(), "Date") {
            prop_assert_eq!(read, d);
            let parts = parse_date_parts(
                &d.format("%-d").to_string(),
                &d.format("%-m").to_string(),
                &d.format("%Y").to_string(),
                "the date",
            );
            prop_assert_eq!(parts, Ok(d));
        }
    }

    #[test]
    fn london_time_reads_back_to_the_instant_or_its_repeated_hour(seconds in 0i64..4_102_444_800) {
        let at: DateTime<Utc> = Utc.timestamp_opt(seconds, 0).single().unwrap_or_default();
        let back = from_london(to_london(at));
        let gap = (back - at).num_seconds();
        prop_assert!(gap == 0 || gap == -3600, "{} -> {} ({}s)", at, back, gap);
        let _ = london_date(at);
    }

    #[test]
    fn an_import_file_of_anything_never_panics(body in any::<String>(), rows in proptest::collection::vec(
        proptest::collection::vec(text(), 0..22), 0..6)) {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).single().unwrap_or_default();
        let areas = vec!["Central".to_string()];
        let _ = read_file(&body, now, &areas);
        let mut file = String::from("occurrence_reference,surname,forenames,date_of_birth,sex,address,postcode,pnc_id,vehicle_registration,arrested_at,location,area,operation,offence,disposal,course_deadline,court,first_hearing_date,officer_collar_number,notes\n");
        for r in &rows {
            let cells: Vec<String> = r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
            file.push_str(&cells.join(","));
            file.push('\n');
        }
        match read_file(&file, now, &areas) {
            Ok(read) => prop_assert!(read.len() <= rows.len()),
            Err(errors) => {
                for e in errors {
                    prop_assert!(e.row <= rows.len() + 1, "row {} of {}", e.row, rows.len());
                }
            }
        }
    }

    #[test]
    fn ogrs3_never_panics_on_any_input(
        sex in proptest::option::of(any::<String>()),
        dob in proptest::option::of(-60_000i64..60_000),
        conv in proptest::option::of(-60_000i64..60_000),
        first_age in proptest::option::of(any::<i64>()),
        total in proptest::option::of(any::<i64>()),
        category in proptest::option::of(any::<String>()),
    ) {
        let day = |d: i64| NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + Duration::days(d);
        let input = Ogrs3Input {
            sex,
            date_of_birth: dob.map(day),
            conviction_date: conv.map(day),
            follow_up_start_date: conv.map(day),
            age_at_first_sanction: first_age,
            first_sanction_date: None,
            total_sanctions: total,
            offence_category: category,
            current_sanction: Some("conviction".into()),
        };
        if let Ok(r) = ogrs3::calculate(&input) {
            prop_assert!(r.one_year_probability > 0.0 && r.one_year_probability < 1.0);
            prop_assert!(r.two_year_probability > 0.0 && r.two_year_probability < 1.0);
        }
    }

    #[test]
    fn ogrs3_rises_with_the_number_of_sanctions(
        male in any::<bool>(),
        age in 18u32..80,
        first_age_offset in 0u32..60,
        sanctions in 1i64..120,
        category in 0usize..20,
        caution in any::<bool>(),
    ) {
        let conviction = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default();
        let dob = conviction - Duration::days(i64::from(age) * 366 + 10);
        let first_age = (10 + first_age_offset).min(age);
        let input = |s: i64| Ogrs3Input {
            sex: Some(if male { "male" } else { "female" }.into()),
            date_of_birth: Some(dob),
            conviction_date: Some(conviction),
            follow_up_start_date: Some(conviction),
            age_at_first_sanction: Some(i64::from(first_age)),
            first_sanction_date: None,
            total_sanctions: Some(s),
            offence_category: Some(OffenceCategory::ALL[category % OffenceCategory::ALL.len()].as_str().into()),
            current_sanction: Some(if caution { "caution" } else { "conviction" }.into()),
        };
        let (Ok(fewer), Ok(more)) = (ogrs3::calculate(&input(sanctions)), ogrs3::calculate(&input(sanctions + 1))) else {
            return Err(TestCaseError::fail("a valid input was refused"));
        };
        for p in [fewer.one_year_probability, fewer.two_year_probability] {
            prop_assert!(p > 0.0 && p < 1.0, "{}", p);
        }
        if sanctions < 51 {
            prop_assert!(more.two_year_probability > fewer.two_year_probability);
        } else {
            prop_assert!(more.two_year_probability >= fewer.two_year_probability);
        }
    }

    #[test]
    fn dash_never_panics_and_scores_at_most_every_question(
        answers in proptest::collection::btree_map(0usize..40, any::<String>(), 0..40),
        dates in proptest::collection::vec(-60_000i64..60_000, 0..10),
        months in any::<u32>(),
    ) {
        let numbered: BTreeMap<usize, String> = answers;
        if let Ok(a) = dash::answers_from_numbered(&numbered) {
            prop_assert!(dash::score(&a) as usize <= a.len());
        }
        let day = |d: i64| NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + Duration::days(d);
        let dates: Vec<NaiveDate> = dates.into_iter().map(day).collect();
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        prop_assert!(dash::incidents_within(&dates, today, months) as usize <= dates.len());
    }
}
