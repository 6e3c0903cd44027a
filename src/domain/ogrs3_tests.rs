//! Unit tests of `domain::ogrs3` (kept apart so the rules read on their own).
use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-9,
        "{actual} differs from {expected} by more than 1e-9"
    );
}

fn case_a() -> Ogrs3Input {
    Ogrs3Input {
        sex: Some("male".into()),
        date_of_birth: Some(d("1965-12-07")),
        conviction_date: Some(d("2025-05-13")),
        follow_up_start_date: Some(d("2026-12-06")),
        age_at_first_sanction: Some(47),
        first_sanction_date: None,
        total_sanctions: Some(2),
        offence_category: Some("soliciting_or_prostitution".into()),
        current_sanction: Some("conviction".into()),
    }
}

fn case_b() -> Ogrs3Input {
    Ogrs3Input {
        sex: Some("male".into()),
        date_of_birth: Some(d("1997-02-01")),
        conviction_date: Some(d("2017-02-01")),
        follow_up_start_date: Some(d("2017-02-01")),
        age_at_first_sanction: None,
        first_sanction_date: Some(d("2017-02-01")),
        total_sanctions: Some(1),
        offence_category: Some("violence".into()),
        current_sanction: Some("conviction".into()),
    }
}

fn case_c() -> Ogrs3Input {
    Ogrs3Input {
        sex: Some("female".into()),
        date_of_birth: Some(d("1972-09-09")),
        conviction_date: Some(d("2009-09-09")),
        follow_up_start_date: Some(d("2015-09-15")),
        age_at_first_sanction: None,
        first_sanction_date: Some(d("1986-09-09")),
        total_sanctions: Some(6),
        offence_category: Some("criminal_damage".into()),
        current_sanction: Some("conviction".into()),
    }
}

fn refused(input: &Ogrs3Input, field: &str, words: &str) {
    let errors = calculate(input).expect_err("input should be refused");
    let message = errors
        .get(field)
        .unwrap_or_else(|| panic!("no message for {field}: {errors:?}"));
    assert!(
        message.to_lowercase().contains(words),
        "message for {field} ({message}) does not name it ({words})"
    );
}

#[test]
fn label_names_the_2009_calibration() {
    assert_eq!(LABEL, "OGRS3 (2009 calibration)");
    assert_eq!(calculate(&case_a()).unwrap().label, LABEL);
}

#[test]
fn public_check_value_a() {
    let r = calculate(&case_a()).unwrap();
    assert_eq!(
        (
            r.age_at_conviction,
            r.age_at_follow_up_start,
            r.age_at_first_sanction
        ),
        (59, 60, 47)
    );
    close(r.copas_rate, -2.397895273);
    close(r.linear_score, -3.801655246);
    close(r.one_year_probability, 0.083241896);
    close(r.two_year_probability, 0.157102147);
    assert_eq!((r.one_year_percent, r.two_year_percent), (8, 16));
    assert_eq!(r.band, Band::Low);
    assert_eq!(r.band.label(), "Low");
    assert!(!r.sanctions_capped);
    assert!(!r.indicative);
    assert!(r.notes.is_empty());
}

#[test]
fn public_check_value_b() {
    let r = calculate(&case_b()).unwrap();
    assert_eq!(
        (
            r.age_at_conviction,
            r.age_at_follow_up_start,
            r.age_at_first_sanction
        ),
        (20, 20, 20)
    );
    close(r.one_year_probability, 0.121615535);
    close(r.two_year_probability, 0.221305211);
    assert_eq!((r.one_year_percent, r.two_year_percent), (12, 22));
    assert_eq!(r.band, Band::Low);
}

#[test]
fn public_check_value_c() {
    let r = calculate(&case_c()).unwrap();
    assert_eq!(
        (
            r.age_at_conviction,
            r.age_at_follow_up_start,
            r.age_at_first_sanction
        ),
        (37, 43, 14)
    );
    close(r.one_year_probability, 0.169817869);
    close(r.two_year_probability, 0.295717423);
    assert_eq!((r.one_year_percent, r.two_year_percent), (17, 30));
    assert_eq!(r.band, Band::Low);
}

#[test]
fn api_example_round_trips_with_contract_field_names() {
    let json = r#"{"sex": "male", "date_of_birth": "1965-12-07",
        "conviction_date": "2025-05-13",
        "follow_up_start_date": "2026-12-06", "age_at_first_sanction": 47,
        "first_sanction_date": null, "total_sanctions": 2,
        "offence_category": "soliciting_or_prostitution", "current_sanction": "conviction"}"#;
    let input: Ogrs3Input = serde_json::from_str(json).unwrap();
    assert_eq!(input, case_a());
    let out = serde_json::to_value(calculate(&input).unwrap()).unwrap();
    for key in [
        "copas_rate",
        "linear_score",
        "one_year_probability",
        "two_year_probability",
        "one_year_percent",
        "two_year_percent",
        "band",
        "sanctions_capped",
        "indicative",
    ] {
        assert!(out.get(key).is_some(), "answer lacks {key}");
    }
    assert_eq!(out["band"], "low");
    assert_eq!(out["one_year_percent"], 8);
    assert_eq!(out["two_year_percent"], 16);
    assert_eq!(out["sanctions_capped"], false);
    assert_eq!(out["indicative"], false);
    let back: Ogrs3Result = serde_json::from_value(out).unwrap();
    assert_eq!(back.band, Band::Low);
    let echoed = serde_json::to_value(&input).unwrap();
    assert_eq!(echoed["age_at_first_sanction"], 47);
    assert_eq!(echoed["first_sanction_date"], serde_json::Value::Null);
}

#[test]
fn missing_json_fields_are_refused_by_validation_not_parsing() {
    let input: Ogrs3Input = serde_json::from_str("{}").unwrap();
    let errors = calculate(&input).unwrap_err();
    for field in [
        "sex",
        "date_of_birth",
        "conviction_date",
        "follow_up_start_date",
        "age_at_first_sanction",
        "first_sanction_date",
        "total_sanctions",
        "offence_category",
        "current_sanction",
    ] {
        assert!(errors.get(field).is_some(), "no message for {field}");
    }
    refused(&input, "sex", "sex");
    refused(&input, "date_of_birth", "date of birth");
    refused(&input, "conviction_date", "conviction date");
    refused(&input, "follow_up_start_date", "follow-up start date");
    refused(&input, "age_at_first_sanction", "age at first sanction");
    refused(&input, "total_sanctions", "total sanctions");
    refused(&input, "offence_category", "offence category");
    refused(&input, "current_sanction", "current sanction");
}

#[test]
fn sex_other_than_male_or_female_is_not_scored() {
    for value in ["other", "", "unknown", "x"] {
        let input = Ogrs3Input {
            sex: Some(value.into()),
            ..case_a()
        };
        refused(&input, "sex", "sex must be male or female");
    }
    let input = Ogrs3Input {
        sex: Some(" Female ".into()),
        ..case_a()
    };
    assert!(calculate(&input).is_ok());
}

#[test]
fn conviction_before_age_ten_is_refused() {
    let input = Ogrs3Input {
        date_of_birth: Some(d("2015-05-14")),
        ..case_a()
    };
    refused(&input, "conviction_date", "conviction date");
    // Tenth birthday on the conviction date: scored.
    let input = Ogrs3Input {
        date_of_birth: Some(d("2015-05-13")),
        age_at_first_sanction: Some(10),
        ..case_a()
    };
    assert_eq!(calculate(&input).unwrap().age_at_conviction, 10);
}

#[test]
fn conviction_before_birth_is_refused() {
    let input = Ogrs3Input {
        date_of_birth: Some(d("2030-01-01")),
        ..case_a()
    };
    refused(
        &input,
        "conviction_date",
        "conviction date must be after the date of birth",
    );
}

#[test]
fn age_at_first_sanction_below_ten_is_refused() {
    for age in [9, 0, -3] {
        let input = Ogrs3Input {
            age_at_first_sanction: Some(age),
            ..case_a()
        };
        refused(&input, "age_at_first_sanction", "age at first sanction");
    }
}

#[test]
fn first_sanction_age_after_conviction_is_refused() {
    let input = Ogrs3Input {
        age_at_first_sanction: Some(60),
        ..case_a()
    };
    refused(
        &input,
        "age_at_first_sanction",
        "age at first sanction (60)",
    );
    let same = Ogrs3Input {
        age_at_first_sanction: Some(59),
        ..case_a()
    };
    assert!(calculate(&same).is_ok());
}

#[test]
fn first_sanction_date_rules() {
    let after = Ogrs3Input {
        first_sanction_date: Some(d("2017-02-02")),
        ..case_b()
    };
    refused(&after, "first_sanction_date", "first sanction date");
    let under_ten = Ogrs3Input {
        first_sanction_date: Some(d("2007-01-31")),
        ..case_b()
    };
    refused(&under_ten, "first_sanction_date", "first sanction date");
    let before_birth = Ogrs3Input {
        first_sanction_date: Some(d("1990-01-01")),
        ..case_b()
    };
    refused(
        &before_birth,
        "first_sanction_date",
        "first sanction date must be after the date of birth",
    );
    let tenth_birthday = Ogrs3Input {
        first_sanction_date: Some(d("2007-02-01")),
        ..case_b()
    };
    assert_eq!(
        calculate(&tenth_birthday).unwrap().age_at_first_sanction,
        10
    );
}

#[test]
fn exactly_one_first_sanction_input() {
    let both = Ogrs3Input {
        first_sanction_date: Some(d("2013-01-01")),
        ..case_a()
    };
    refused(&both, "age_at_first_sanction", "age at first sanction");
    refused(&both, "first_sanction_date", "first sanction date");
    let neither = Ogrs3Input {
        age_at_first_sanction: None,
        ..case_a()
    };
    refused(&neither, "age_at_first_sanction", "age at first sanction");
    refused(&neither, "first_sanction_date", "first sanction date");
}

#[test]
fn total_sanctions_must_be_a_whole_number_of_at_least_one() {
    for s in [0, -1] {
        let input = Ogrs3Input {
            total_sanctions: Some(s),
            ..case_a()
        };
        refused(
            &input,
            "total_sanctions",
            "total sanctions must be at least 1",
        );
    }
    let json = r#"{"sex":"male","date_of_birth":"1965-12-07","conviction_date":"2025-05-13",
        "follow_up_start_date":"2026-12-06","age_at_first_sanction":47.5,
        "total_sanctions":2.5,"offence_category":"violence","current_sanction":"conviction"}"#;
    let input: Ogrs3Input = serde_json::from_str(json).unwrap();
    refused(
        &input,
        "total_sanctions",
        "total sanctions must be a whole number",
    );
    refused(&input, "age_at_first_sanction", "age at first sanction");
    // A whole number written as 2.0 is accepted.
    let json = json.replace("2.5", "2.0").replace("47.5", "47");
    let input: Ogrs3Input = serde_json::from_str(&json).unwrap();
    assert_eq!(input.total_sanctions, Some(2));
    assert!(calculate(&input).is_ok());
}

#[test]
fn follow_up_start_before_conviction_is_refused() {
    let input = Ogrs3Input {
        follow_up_start_date: Some(d("2025-05-12")),
        ..case_a()
    };
    refused(&input, "follow_up_start_date", "follow-up start date");
    let same_day = Ogrs3Input {
        follow_up_start_date: Some(d("2025-05-13")),
        ..case_a()
    };
    assert!(calculate(&same_day).is_ok());
}

#[test]
fn unknown_offence_category_and_sanction_are_refused() {
    let input = Ogrs3Input {
        offence_category: Some("kerb_crawling".into()),
        current_sanction: Some("fine".into()),
        ..case_a()
    };
    refused(&input, "offence_category", "offence category");
    refused(&input, "current_sanction", "current sanction");
}

#[test]
fn caution_gives_an_indicative_result() {
    let input = Ogrs3Input {
        current_sanction: Some("caution".into()),
        ..case_a()
    };
    let r = calculate(&input).unwrap();
    assert!(r.indicative);
    assert_eq!(r.notes, vec![INDICATIVE_NOTE.to_string()]);
    close(r.two_year_probability, 0.157102147);
}

#[test]
fn copas_numerator_is_capped_at_51() {
    let with = |s: i64| {
        calculate(&Ogrs3Input {
            total_sanctions: Some(s),
            age_at_first_sanction: Some(12),
            ..case_a()
        })
        .unwrap()
    };
    let at_cap = with(51);
    let over = with(52);
    let far_over = with(200);
    assert!(!at_cap.sanctions_capped);
    assert!(over.sanctions_capped && far_over.sanctions_capped);
    assert!(over.notes.contains(&CAP_NOTE.to_string()));
    close(at_cap.copas_rate, (51.0_f64 / 57.0).ln());
    close(over.copas_rate, at_cap.copas_rate);
    close(far_over.two_year_probability, at_cap.two_year_probability);
    assert!(with(50).copas_rate < at_cap.copas_rate);
}

#[test]
fn first_sanction_uses_its_own_h_coefficient() {
    assert_eq!(sanction_coefficient(1), FIRST_SANCTION_COEFFICIENT);
    assert_eq!(sanction_coefficient(2), REPEAT_SANCTION_COEFFICIENT);
    assert_eq!(sanction_coefficient(51), REPEAT_SANCTION_COEFFICIENT);
}

#[test]
fn age_on_counts_completed_years() {
    assert_eq!(age_on(d("1965-12-07"), d("2025-12-06")), Some(59));
    assert_eq!(age_on(d("1965-12-07"), d("2025-12-07")), Some(60));
    assert_eq!(age_on(d("1965-12-07"), d("1965-12-07")), Some(0));
    assert_eq!(age_on(d("1965-12-07"), d("1965-12-06")), None);
}

#[test]
fn born_29_february_is_older_on_1_march_in_common_years() {
    let dob = d("2000-02-29");
    assert_eq!(age_on(dob, d("2021-02-28")), Some(20));
    assert_eq!(age_on(dob, d("2021-03-01")), Some(21));
    assert_eq!(age_on(dob, d("2024-02-28")), Some(23));
    assert_eq!(age_on(dob, d("2024-02-29")), Some(24));
    // The follow-up age decides G: 20 (18-20 row) on 28 February, 21 on 1 March.
    let input = |follow_up: &str| Ogrs3Input {
        sex: Some("male".into()),
        date_of_birth: Some(dob),
        conviction_date: Some(d("2021-01-10")),
        follow_up_start_date: Some(d(follow_up)),
        age_at_first_sanction: Some(18),
        first_sanction_date: None,
        total_sanctions: Some(3),
        offence_category: Some("violence".into()),
        current_sanction: Some("conviction".into()),
    };
    let before = calculate(&input("2021-02-28")).unwrap();
    let after = calculate(&input("2021-03-01")).unwrap();
    assert_eq!(before.age_at_follow_up_start, 20);
    assert_eq!(after.age_at_follow_up_start, 21);
    close(
        before.linear_score - after.linear_score,
        -0.625103618 - -1.051515067,
    );
}

#[test]
fn display_percent_rounds_half_up_and_clamps() {
    assert_eq!(display_percent(0.125), 13);
    assert_eq!(display_percent(0.285), 29);
    assert_eq!(display_percent(0.124999), 12);
    assert_eq!(display_percent(0.0), 1);
    assert_eq!(display_percent(0.004), 1);
    assert_eq!(display_percent(0.005), 1);
    assert_eq!(display_percent(0.015), 2);
    assert_eq!(display_percent(0.994), 99);
    assert_eq!(display_percent(0.996), 99);
    assert_eq!(display_percent(1.0), 99);
    assert_eq!(display_percent(f64::NAN), 1);
}

#[test]
fn percent_is_never_below_one() {
    // Woman of 99 with two sanctions, the first at 10 (by date), drug import: p2 < 0.5 %.
    let input = Ogrs3Input {
        sex: Some("female".into()),
        date_of_birth: Some(d("1920-01-01")),
        conviction_date: Some(d("2019-06-01")),
        follow_up_start_date: Some(d("2019-06-01")),
        age_at_first_sanction: None,
        first_sanction_date: Some(d("1930-01-01")),
        total_sanctions: Some(2),
        offence_category: Some("drug_import_export_production".into()),
        current_sanction: Some("conviction".into()),
    };
    let r = calculate(&input).unwrap();
    assert!(r.two_year_probability < 0.005, "{}", r.two_year_probability);
    assert_eq!((r.one_year_percent, r.two_year_percent), (1, 1));
    assert_eq!(r.band, Band::Low);
}

#[test]
fn percent_is_never_above_99() {
    // Boy of 12, 51 sanctions since 12, soliciting: p2 > 99.5 %.
    let input = Ogrs3Input {
        sex: Some("male".into()),
        date_of_birth: Some(d("2010-01-01")),
        conviction_date: Some(d("2022-06-01")),
        follow_up_start_date: Some(d("2022-06-01")),
        age_at_first_sanction: Some(12),
        first_sanction_date: None,
        total_sanctions: Some(60),
        offence_category: Some("soliciting_or_prostitution".into()),
        current_sanction: Some("conviction".into()),
    };
    let r = calculate(&input).unwrap();
    assert!(r.two_year_probability > 0.995, "{}", r.two_year_probability);
    assert_eq!(r.two_year_percent, 99);
    assert!(r.one_year_percent <= 99);
    assert_eq!(r.band, Band::VeryHigh);
    assert_eq!(r.band.label(), "Very high");
}

#[test]
fn bands_follow_the_two_year_percent() {
    assert_eq!(Band::from_percent(1), Band::Low);
    assert_eq!(Band::from_percent(49), Band::Low);
    assert_eq!(Band::from_percent(50), Band::Medium);
    assert_eq!(Band::from_percent(74), Band::Medium);
    assert_eq!(Band::from_percent(75), Band::High);
    assert_eq!(Band::from_percent(89), Band::High);
    assert_eq!(Band::from_percent(90), Band::VeryHigh);
    assert_eq!(Band::from_percent(99), Band::VeryHigh);
    let labels: Vec<_> = [Band::Low, Band::Medium, Band::High, Band::VeryHigh]
        .iter()
        .map(|b| (b.label(), serde_json::to_value(b).unwrap()))
        .collect();
    assert_eq!(
        labels,
        vec![
            ("Low", "low".into()),
            ("Medium", "medium".into()),
            ("High", "high".into()),
            ("Very high", "very_high".into())
        ]
    );
}

#[test]
fn all_twenty_categories_parse_and_serialise_as_their_api_values() {
    assert_eq!(OffenceCategory::ALL.len(), 20);
    for c in OffenceCategory::ALL {
        assert_eq!(OffenceCategory::parse(c.as_str()), Some(*c));
        assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        assert!(!c.label().is_empty());
    }
    let largest = OffenceCategory::ALL
        .iter()
        .copied()
        .max_by(|a, b| a.coefficient().total_cmp(&b.coefficient()));
    assert_eq!(largest, Some(OffenceCategory::SolicitingOrProstitution));
    assert_eq!(OffenceCategory::DrinkDriving.coefficient(), -0.121439408);
}

#[test]
fn age_sex_table_boundaries() {
    assert_eq!(age_sex_coefficient(Sex::Male, 10), Some(0.0));
    assert_eq!(age_sex_coefficient(Sex::Female, 11), Some(-0.785038489));
    assert_eq!(age_sex_coefficient(Sex::Male, 20), Some(-0.625103618));
    assert_eq!(age_sex_coefficient(Sex::Male, 21), Some(-1.051515067));
    assert_eq!(age_sex_coefficient(Sex::Female, 39), Some(-1.42187494));
    assert_eq!(age_sex_coefficient(Sex::Female, 49), Some(-1.524652221));
    assert_eq!(age_sex_coefficient(Sex::Male, 50), Some(-2.025261458));
    assert_eq!(age_sex_coefficient(Sex::Female, 90), Some(-2.44983716));
}

// Independent cases for every offence category and every age band. The
// expected values were worked out from the formula and coefficient tables in
// ../shared/domain/ogrs3.md by a separate implementation (a few lines of
// Python with its own age arithmetic and logistic function), not by this
// module, so a coefficient mistyped here and in the table would be caught.

/// (category, p1, p2, percent 1y, percent 2y, band): a man born 1980-06-15,
/// convicted 2025-03-10 (aged 44), follow-up from 2025-04-01, first sanction
/// at 30, three sanctions.
const CATEGORY_CASES: [(&str, f64, f64, u32, u32, &str); 20] = [
    ("violence", 0.096589591, 0.179968242, 10, 18, "low"),
    ("robbery", 0.053631174, 0.104204337, 5, 10, "low"),
    ("public_order", 0.113670186, 0.208392116, 11, 21, "low"),
    (
        "sexual_not_against_child",
        0.096875862,
        0.180452268,
        10,
        18,
        "low",
    ),
    (
        "sexual_against_child",
        0.052693028,
        0.102477333,
        5,
        10,
        "low",
    ),
    (
        "soliciting_or_prostitution",
        0.186169115,
        0.319525382,
        19,
        32,
        "low",
    ),
    ("burglary_domestic", 0.086301830, 0.162396197, 9, 16, "low"),
    ("burglary_other", 0.119718190, 0.218239006, 12, 22, "low"),
    ("theft_non_motor", 0.171581280, 0.298318404, 17, 30, "low"),
    (
        "handling_stolen_goods",
        0.131948541,
        0.237815100,
        13,
        24,
        "low",
    ),
    ("fraud_and_forgery", 0.111471698, 0.204784901, 11, 20, "low"),
    (
        "absconding_or_bail",
        0.182078674,
        0.313634069,
        18,
        31,
        "low",
    ),
    (
        "taking_and_driving_away",
        0.135211292,
        0.242962949,
        14,
        24,
        "low",
    ),
    (
        "theft_from_vehicles",
        0.140821890,
        0.251743136,
        14,
        25,
        "low",
    ),
    ("other_motoring", 0.122015856, 0.221950763, 12, 22, "low"),
    ("drink_driving", 0.086499494, 0.162737104, 9, 16, "low"),
    ("criminal_damage", 0.116012448, 0.212218863, 12, 21, "low"),
    (
        "drug_import_export_production",
        0.046033361,
        0.090124228,
        5,
        9,
        "low",
    ),
    (
        "drug_possession_supply",
        0.103535876,
        0.191638775,
        10,
        19,
        "low",
    ),
    ("other_offence", 0.091423753, 0.171188112, 9, 17, "low"),
];

#[test]
fn every_offence_category_matches_an_independent_calculation() {
    for (category, p1, p2, pc1, pc2, band) in CATEGORY_CASES {
        let input = Ogrs3Input {
            sex: Some("male".into()),
            date_of_birth: Some(d("1980-06-15")),
            conviction_date: Some(d("2025-03-10")),
            follow_up_start_date: Some(d("2025-04-01")),
            age_at_first_sanction: Some(30),
            first_sanction_date: None,
            total_sanctions: Some(3),
            offence_category: Some(category.into()),
            current_sanction: Some("conviction".into()),
        };
        let r = calculate(&input).unwrap_or_else(|e| panic!("{category}: {e:?}"));
        close(r.one_year_probability, p1);
        close(r.two_year_probability, p2);
        assert_eq!(
            (r.one_year_percent, r.two_year_percent),
            (pc1, pc2),
            "{category}"
        );
        assert_eq!(r.band.as_str(), band, "{category}");
    }
}

/// (sex, age at follow-up, p1, p2, percent 1y, percent 2y, band): born on
/// 1 January, convicted and followed up on 2025-06-01 at that age, first
/// sanction at 10, two sanctions, violence. The lowest and highest age of each
/// band, so a band edge in the wrong place is caught.
const AGE_CASES: [(&str, u32, f64, f64, u32, u32, &str); 44] = [
    ("male", 10, 0.463071873, 0.639031102, 46, 64, "medium"),
    ("female", 10, 0.282312331, 0.446733603, 28, 45, "low"),
    ("male", 12, 0.427473671, 0.605151637, 43, 61, "medium"),
    ("female", 12, 0.270923730, 0.432711268, 27, 43, "low"),
    ("male", 14, 0.379145940, 0.556252950, 38, 56, "medium"),
    ("female", 14, 0.224702077, 0.373009230, 22, 37, "low"),
    ("male", 16, 0.310537165, 0.480393580, 31, 48, "low"),
    ("female", 16, 0.155093916, 0.273675986, 16, 27, "low"),
    ("male", 18, 0.181164187, 0.312311139, 18, 31, "low"),
    ("female", 18, 0.144197322, 0.256982065, 14, 26, "low"),
    ("male", 21, 0.106428496, 0.196453435, 11, 20, "low"),
    ("female", 21, 0.108638289, 0.200113827, 11, 20, "low"),
    ("male", 25, 0.078633867, 0.149070274, 8, 15, "low"),
    ("female", 25, 0.087292291, 0.164103122, 9, 16, "low"),
    ("male", 30, 0.054761016, 0.106279949, 5, 11, "low"),
    ("female", 30, 0.065889808, 0.126477734, 7, 13, "low"),
    ("male", 35, 0.043797612, 0.085939987, 4, 9, "low"),
    ("female", 35, 0.041597837, 0.081804655, 4, 8, "low"),
    ("male", 40, 0.032859601, 0.065194924, 3, 7, "low"),
    ("female", 40, 0.032075519, 0.063690082, 3, 6, "low"),
    ("male", 50, 0.014966658, 0.030245155, 1, 3, "low"),
    ("female", 50, 0.009839850, 0.019990933, 1, 2, "low"),
    ("male", 11, 0.433588021, 0.611094785, 43, 61, "medium"),
    ("female", 11, 0.258790328, 0.417481172, 26, 42, "low"),
    ("male", 13, 0.403161479, 0.580988811, 40, 58, "medium"),
    ("female", 13, 0.251602386, 0.408313637, 25, 41, "low"),
    ("male", 15, 0.359049143, 0.534855815, 36, 53, "medium"),
    ("female", 15, 0.210022364, 0.353052741, 21, 35, "low"),
    ("male", 17, 0.294535242, 0.461497659, 29, 46, "low"),
    ("female", 17, 0.145412597, 0.258860360, 15, 26, "low"),
    ("male", 20, 0.162424384, 0.284722473, 16, 28, "low"),
    ("female", 20, 0.128680482, 0.232627656, 13, 23, "low"),
    ("male", 24, 0.091553093, 0.171409008, 9, 17, "low"),
    ("female", 24, 0.093486339, 0.174704218, 9, 17, "low"),
    ("male", 29, 0.066189795, 0.127016061, 7, 13, "low"),
    ("female", 29, 0.073587432, 0.140191285, 7, 14, "low"),
    ("male", 34, 0.047198076, 0.092296580, 5, 9, "low"),
    ("female", 34, 0.056882384, 0.110164490, 6, 11, "low"),
    ("male", 39, 0.038465121, 0.075883725, 4, 8, "low"),
    ("female", 39, 0.036522945, 0.072194070, 4, 7, "low"),
    ("male", 49, 0.025680584, 0.051326346, 3, 5, "low"),
    ("female", 49, 0.025063366, 0.050124456, 3, 5, "low"),
    ("male", 70, 0.009875055, 0.020061723, 1, 2, "low"),
    ("female", 70, 0.006480893, 0.013213018, 1, 1, "low"),
];

#[test]
fn every_age_band_for_both_sexes_matches_an_independent_calculation() {
    for (sex, age, p1, p2, pc1, pc2, band) in AGE_CASES {
        let born = d(&format!("{}-01-01", 2025 - age as i32));
        let input = Ogrs3Input {
            sex: Some(sex.into()),
            date_of_birth: Some(born),
            conviction_date: Some(d("2025-06-01")),
            follow_up_start_date: Some(d("2025-06-01")),
            age_at_first_sanction: Some(10),
            first_sanction_date: None,
            total_sanctions: Some(2),
            offence_category: Some("violence".into()),
            current_sanction: Some("conviction".into()),
        };
        let r = calculate(&input).unwrap_or_else(|e| panic!("{sex} {age}: {e:?}"));
        assert_eq!(r.age_at_follow_up_start, age);
        close(r.one_year_probability, p1);
        close(r.two_year_probability, p2);
        assert_eq!(
            (r.one_year_percent, r.two_year_percent),
            (pc1, pc2),
            "{sex} {age}"
        );
        assert_eq!(r.band.as_str(), band, "{sex} {age}");
    }
}
