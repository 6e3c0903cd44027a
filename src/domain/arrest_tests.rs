//! Tests for the arrest rules in `arrest.rs`.
use super::*;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn good() -> ArrestInput {
    ArrestInput {
        arrested_at: Some(now() - chrono::Duration::hours(3)),
        location: "London Road".into(),
        area: "Central".into(),
        vehicle_registration: "ab12 cde".into(),
        offence: "soliciting_s51a_soa2003".into(),
        disposal: "conditional_caution".into(),
        course_deadline: NaiveDate::from_ymd_opt(2027, 1, 31),
        collar_number: "pc 1234".into(),
        occurrence_reference: "37/123456/26".into(),
        ..Default::default()
    }
}

fn dob() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1975, 5, 5)
}

#[test]
fn a_conditional_caution_is_due_on_its_course_deadline() {
    let a = validate_arrest(
        &good(),
        DateErrors::default(),
        dob(),
        now(),
        &["Central".into()],
    )
    .unwrap();
    assert_eq!(a.referral_due(), NaiveDate::from_ymd_opt(2027, 1, 31));
    assert_eq!(a.vehicle_registration.as_deref(), Some("AB12CDE"));
    assert!(a.disposal.creates_referral());
}

#[test]
fn only_a_caution_with_the_course_condition_is_referred() {
    let mut i = good();
    i.course_condition = Some(true);
    i.course_deadline = None;
    assert!(
        validate_arrest(&i, DateErrors::default(), dob(), now(), &[])
            .unwrap_err()
            .get("course_deadline")
            .is_some()
    );
    i.course_condition = Some(false);
    let a = validate_arrest(&i, DateErrors::default(), dob(), now(), &[]).unwrap();
    assert_eq!(a.referral_due(), None, "no course condition: no referral");
    i.course_condition = None;
    assert_eq!(
        validate_arrest(&i, DateErrors::default(), dob(), now(), &[])
            .unwrap()
            .referral_due(),
        None,
        "an import without a deadline has no course condition"
    );
}

#[test]
fn conditional_fields_follow_the_disposal() {
    let mut i = good();
    i.course_deadline = None;
    i.course_condition = Some(true);
    let e = validate_arrest(&i, DateErrors::default(), dob(), now(), &[]).unwrap_err();
    assert!(e.get("course_deadline").is_some());
    i.disposal = "charged".into();
    let e = validate_arrest(&i, DateErrors::default(), dob(), now(), &[]).unwrap_err();
    assert!(e.get("court").is_some() && e.get("first_hearing_date").is_some());
    i.court = "Ipswich Magistrates' Court".into();
    i.first_hearing_date = NaiveDate::from_ymd_opt(2026, 12, 14);
    let a = validate_arrest(&i, DateErrors::default(), dob(), now(), &[]).unwrap();
    assert_eq!(a.referral_due(), NaiveDate::from_ymd_opt(2026, 12, 14));
    // a court given with any other disposal is refused, never dropped unsaid
    for other in ["simple_caution", "conditional_caution", "no_further_action"] {
        i.disposal = other.into();
        i.course_deadline = None;
        assert!(
            validate_arrest(&i, DateErrors::default(), dob(), now(), &[])
                .unwrap_err()
                .get("court")
                .is_some(),
            "{other}"
        );
    }
}

#[test]
fn an_arrest_cannot_be_in_the_future_or_of_a_child_under_ten() {
    let mut i = good();
    i.arrested_at = Some(now() + chrono::Duration::minutes(5));
    assert!(
        validate_arrest(&i, DateErrors::default(), dob(), now(), &[])
            .unwrap_err()
            .get("arrested_at")
            .is_some()
    );
    let e = validate_arrest(
        &good(),
        DateErrors::default(),
        NaiveDate::from_ymd_opt(2017, 1, 1),
        now(),
        &[],
    )
    .unwrap_err();
    assert!(
        e.get("arrested_at")
            .is_some_and(|m| m.contains("at least 10"))
    );
}

#[test]
fn the_area_must_come_from_the_list() {
    let e = validate_arrest(
        &good(),
        DateErrors::default(),
        dob(),
        now(),
        &["North".into()],
    )
    .unwrap_err();
    assert!(e.get("area").is_some());
}
