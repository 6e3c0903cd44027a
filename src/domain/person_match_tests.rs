use chrono::NaiveDate;

use super::*;

fn man<'a>(surname: &'a str, forenames: &'a str) -> Recorded<'a> {
    Recorded {
        surname,
        forenames,
        date_of_birth: NaiveDate::from_ymd_opt(1980, 4, 1).unwrap_or_default(),
        pnc_id: None,
        in_vehicle: false,
    }
}

fn by_name(surname: &str, forenames: &str) -> Wanted {
    Wanted {
        surname: Some(surname.into()),
        forenames: Some(forenames.into()),
        ..Wanted::default()
    }
}

/// The typed name ranks `right` above every one of `others`.
fn ranks_first(typed: (&str, &str), right: (&str, &str), others: &[(&str, &str)]) {
    let w = by_name(typed.0, typed.1);
    let (best, reasons) = score(&w, &man(right.0, right.1));
    for o in others {
        let (s, _) = score(&w, &man(o.0, o.1));
        assert!(best > s, "{typed:?}: {right:?} {best} <= {o:?} {s}");
    }
    assert!(best >= SHOW_FROM, "{typed:?}: {best} {reasons:?}");
}

const TOWN: &[(&str, &str)] = &[
    ("Smith", "Jane"),
    ("Smithers", "John"),
    ("Schmidt", "Johann"),
    ("Santos", "John"),
    ("Kowalska", "Anna"),
    ("Kowalczyk", "Piotr"),
    ("Nowak", "Piotr"),
    ("Khan", "Imran"),
    ("Wisniewski", "Pawel"),
    ("Popa", "Ion"),
    ("Davidson", "Mark"),
];

#[test]
fn a_wrong_first_letter_in_either_name_still_ranks_him_first() {
    ranks_first(("Cowalski", "Piotr"), ("Kowalski", "Piotr"), TOWN);
    ranks_first(("Kowalski", "Biotr"), ("Kowalski", "Piotr"), TOWN);
    ranks_first(("Smith", "Wiktor"), ("Smith", "Viktor"), TOWN);
}

#[test]
fn a_transposition_in_either_name_still_ranks_him_first() {
    ranks_first(("Smtih", "John"), ("Smith", "John"), TOWN);
    ranks_first(("Smith", "Jonh"), ("Smith", "John"), TOWN);
}

#[test]
fn a_missing_diacritic_in_either_name_is_no_mistake() {
    let w = by_name("Wisniewski", "Lukasz");
    let (s, reasons) = score(&w, &man("Wiśniewski", "Łukasz"));
    assert!((s - 1.0).abs() < 1e-9, "{s}");
    assert_eq!(reasons, vec!["same surname", "same forename"]);
}

#[test]
fn a_spelling_variant_in_either_name_still_ranks_him_first() {
    ranks_first(("Khan", "Muhammad"), ("Khan", "Mohammed"), TOWN);
    ranks_first(("Davis", "Mark"), ("Davies", "Mark"), TOWN);
    ranks_first(("Hussein", "Imran"), ("Hussain", "Imran"), TOWN);
    ranks_first(("Smith", "Bill"), ("Smith", "William"), TOWN);
}

#[test]
fn one_wrong_letter_is_closer_than_a_resemblance() {
    // "John Smitq" once ranked five Santoses above John Smith
    ranks_first(("Smitq", "John"), ("Smith", "John"), TOWN);
    let (s, reasons) = score(&by_name("Smitq", "John"), &man("Smith", "John"));
    assert!(s > 0.9, "{s}");
    assert_eq!(
        reasons,
        vec!["surname one letter different", "same forename"]
    );
}

#[test]
fn the_middle_name_typed_breaks_a_tie_on_the_rest() {
    let w = by_name("Smitq", "John Paul");
    let (right, _) = score(&w, &man("Smith", "John Paul"));
    let (other, _) = score(&w, &man("Smith", "John Henry"));
    let (no_middle, _) = score(&w, &man("Smith", "John"));
    assert!(right > other && right > no_middle);
}

#[test]
fn names_the_other_way_round_and_parts_of_a_surname_are_found() {
    let (s, reasons) = score(&by_name("John", "Smith"), &man("Smith", "John"));
    assert!(s > 0.9, "{s}");
    assert!(reasons.contains(&"names typed the other way round"));
    let (s, _) = score(&by_name("Silva", "Joao"), &man("da Silva", "João"));
    assert!(s > 0.9, "{s}");
}

#[test]
fn a_sound_alike_surname_scores_under_a_one_letter_slip() {
    assert_eq!(WordMatch::of("nite", "knight"), WordMatch::SoundsAlike);
    assert_eq!(WordMatch::of("smythe", "smith"), WordMatch::TwoLetters);
    assert!(
        WordMatch::SoundsAlike.score("nite", "knight")
            < WordMatch::OneLetter.score("smyth", "smith")
    );
    assert_eq!(WordMatch::of("smyth", "smith"), WordMatch::OneLetter);
    assert_eq!(WordMatch::of("j", "john"), WordMatch::Initial);
}

#[test]
fn date_of_birth_pnc_and_vehicle_are_strong_evidence() {
    let d = NaiveDate::from_ymd_opt(1980, 4, 1);
    let w = Wanted {
        date_of_birth: d,
        ..by_name("Smyth", "Jon")
    };
    let (with_dob, reasons) = score(&w, &man("Smith", "John"));
    let other = Recorded {
        date_of_birth: NaiveDate::from_ymd_opt(1981, 4, 1).unwrap_or_default(),
        ..man("Smith", "John")
    };
    let (without, other_reasons) = score(&w, &other);
    assert!(with_dob > without + 0.3);
    assert!(reasons.contains(&"same date of birth"));
    assert!(other_reasons.contains(&"different date of birth"));
    let pnc = Wanted {
        pnc_id: Some("08/123456A".into()),
        ..Wanted::default()
    };
    let holder = Recorded {
        pnc_id: Some("08/123456A"),
        ..man("Smith", "John")
    };
    assert_eq!(score(&pnc, &holder), (1.0, vec!["same PNC ID"]));
    assert_eq!(score(&Wanted::default(), &holder).0, 0.0);
}
