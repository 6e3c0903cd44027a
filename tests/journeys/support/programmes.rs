//! Builders for programmes: a running cohort and men enrolled on it, made
//! through the JSON API as probation would.

use rocket::http::Status;
use serde_json::{Value, json};

use super::builders::PersonBuilder;
use super::{TestApp, api};

/// A four-session programme (attend 3 to complete) and a cohort of it whose
/// first session began at 08:00 on the test's first day (30 November 2026),
/// then weekly; run by `facilitator`. The cohort as the API answered.
pub async fn running_cohort(app: &TestApp, token: &str, facilitator: &str, capacity: i32) -> Value {
    let programme = json!({
        "name": "Kerb-crawler awareness",
        "max_group_size": 14,
        "sessions": (1..=4).map(|n| json!({"number": n, "title": format!("Session {n}"), "minutes": 120})).collect::<Vec<_>>(),
        "aims": ["Understand the harm done to women in street sex work"],
        "completion_rule": {"min_attended": 3}
    });
    running_cohort_of(app, token, facilitator, capacity, programme).await
}

/// [`running_cohort`] of the programme `programme` (the API's body).
pub async fn running_cohort_of(
    app: &TestApp,
    token: &str,
    facilitator: &str,
    capacity: i32,
    programme: Value,
) -> Value {
    let programme = api(
        app,
        "POST",
        "/api/v1/programmes",
        Some(token),
        Some(programme),
    )
    .await;
    assert_eq!(programme.status, Status::Created, "{}", programme.body);
    let cohort = api(
        app,
        "POST",
        "/api/v1/cohorts",
        Some(token),
        Some(json!({
            "programme_id": programme.json()["id"],
            "code": format!("IPS-{}", programme.json()["id"]),
            "venue": "St Mary's church hall",
            "capacity": capacity,
            "facilitator_usernames": [facilitator],
            "first_session_at": "2026-11-30T08:00:00Z",
            "interval_days": 7
        })),
    )
    .await;
    assert_eq!(cohort.status, Status::Created, "{}", cohort.body);
    cohort.json()
}

/// Surnames for the men a test enrols, in alphabetical order.
pub const SURNAMES: &[&str] = &[
    "Abbott", "Baker", "Carter", "Dixon", "Ellis", "Fisher", "Grant", "Hughes", "Irwin", "Jones",
    "Kemp", "Lloyd", "Morris", "Noble", "Owens", "Price",
];

/// Enrol `n` new men (surnames from [`SURNAMES`]) on `cohort_id` under a community
/// order, with the override reason (none has been assessed). Their
/// enrolment ids, in surname order.
pub async fn enrol_men(
    app: &TestApp,
    police: &str,
    probation: &str,
    cohort_id: &Value,
    n: usize,
) -> Vec<i64> {
    let mut ids = Vec::new();
    for surname in SURNAMES.iter().take(n) {
        let man = PersonBuilder::named(surname, "Test")
            .create(app, police)
            .await;
        let r = api(
            app,
            "POST",
            "/api/v1/enrolments",
            Some(probation),
            Some(json!({
                "person_id": man["id"], "cohort_id": cohort_id,
                "legal_basis": "community_order",
                "override_reason": "Sentenced before the assessment was written up"
            })),
        )
        .await;
        assert_eq!(r.status, Status::Created, "{}", r.body);
        ids.push(r.json()["id"].as_i64().expect("id"));
    }
    ids
}

/// An enrolment as the API answers it to `token`.
pub async fn enrolment(app: &TestApp, token: &str, id: i64) -> Value {
    let r = api(
        app,
        "GET",
        &format!("/api/v1/enrolments/{id}"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(r.status, Status::Ok, "{}", r.body);
    r.json()
}
