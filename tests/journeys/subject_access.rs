//! Subject access: a probation officer (or an administrator) exports
//! everything held about one man; the JSON and the PDF each hold every kind
//! of record, and each export is a disclosure to a named recipient.

use kerbside::domain::roles::Role;
use rocket::http::Status;
use serde_json::{Value, json};

use crate::court_reports::{charged_man, sections};
use crate::retention_and_disposal::cohort;
use crate::support::{TestApp, api, pdf_pages};

/// A line of each kind of record, written so that each can be found again.
const WRITTEN: &[&str] = &[
    "Wiśniewski",
    "Fined £200 at the first hearing",
    "Did not come; phoned later",
    "Spoke to him by phone",
    "Engaged once; still minimises",
    "Court order still running",
    "Keeps to the conditions.",
    "PNC check",
];

#[rocket::async_test]
async fn an_export_holds_every_kind_of_record_in_json_and_in_the_pdf_and_is_a_disclosure() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let mut officer = app.signed_in(&[Role::Probation]).await;
    let (man, charge) = charged_man(&app, &police, &probation).await;
    let id = man["id"].as_i64().expect("id");

    // a court report, submitted
    let report = api(
        &app,
        "POST",
        "/api/v1/court-reports",
        Some(&probation),
        Some(json!({
            "person_id": id, "arrest_id": charge["id"], "court": "Ipswich Magistrates' Court",
            "hearing_date": "2027-01-20", "sections": sections("Keeps to the conditions.")
        })),
    )
    .await;
    assert_eq!(report.status, Status::Created, "{}", report.body);
    let submitted = api(
        &app,
        "POST",
        &format!("/api/v1/court-reports/{}/submit", report.json()["id"]),
        Some(&probation),
        None,
    )
    .await;
    assert_eq!(submitted.status, Status::Ok, "{}", submitted.body);

    // a hearing
    officer
        .get(&app, &format!("/arrests/{}/hearings/new", charge["id"]))
        .await;
    let hearing = officer
        .post(
            &app,
            &format!("/arrests/{}/hearings", charge["id"]),
            &[
                ("hearing_date_day", "25"),
                ("hearing_date_month", "11"),
                ("hearing_date_year", "2026"),
                ("court", "Ipswich Magistrates' Court"),
                ("outcome", "fine"),
                ("notes", "Fined £200 at the first hearing"),
            ],
        )
        .await;
    assert!(hearing.redirects_to("/arrests/"), "{}", hearing.body);

    // a programme place (closing the referral), a mark, a warning, an aim rated
    let cohort = cohort(&app, &probation, "SAR-1", "2026-11-23T10:00:00Z").await;
    let enrolment = api(
        &app,
        "POST",
        "/api/v1/enrolments",
        Some(&probation),
        Some(json!({
            "person_id": id, "cohort_id": cohort["id"], "referral_id": charge["referral_id"],
            "legal_basis": "voluntary", "override_reason": "He asked to attend"
        })),
    )
    .await;
    assert_eq!(enrolment.status, Status::Created, "{}", enrolment.body);
    let enrolment = enrolment.json()["id"].clone();
    let marked = api(&app, "PUT", &format!("/api/v1/sessions/{}/attendance", cohort["sessions"][0]["id"]), Some(&probation), Some(json!({
        "marks": [{"enrolment_id": enrolment, "outcome": "unacceptable_absence", "note": "Did not come; phoned later"}]
    })))
    .await;
    assert_eq!(marked.status, Status::Ok, "{}", marked.body);
    let warned = api(
        &app,
        "POST",
        &format!("/api/v1/enrolments/{enrolment}/enforcement"),
        Some(&probation),
        Some(json!({
            "action": "no_further_action", "date": "2026-11-30", "note": "Spoke to him by phone"
        })),
    )
    .await;
    assert_eq!(warned.status, Status::Created, "{}", warned.body);
    officer.get(&app, &format!("/enrolments/{enrolment}")).await;
    let rated = officer
        .post(
            &app,
            &format!("/enrolments/{enrolment}/aims"),
            &[
                ("a[0].aim", "0"),
                ("a[0].rating", "partially_achieved"),
                ("a[0].comment", "Engaged once; still minimises"),
            ],
        )
        .await;
    assert!(rated.redirects_to("/enrolments/"), "{}", rated.body);

    // a reoffence found by a check, and a retention decision
    let found = api(&app, "POST", "/api/v1/reoffences", Some(&police), Some(json!({
        "person_id": id, "offence_date": "2026-11-26", "outcome": "caution", "outcome_date": "2026-11-27", "source": "PNC check"
    })))
    .await;
    assert_eq!(found.status, Status::Created, "{}", found.body);
    officer.get(&app, &format!("/people/{id}/retention")).await;
    let retained = officer
        .post(
            &app,
            &format!("/people/{id}/retention/retain"),
            &[
                ("rationale", "Court order still running"),
                ("next_review_date_day", "1"),
                ("next_review_date_month", "6"),
                ("next_review_date_year", "2027"),
            ],
        )
        .await;
    assert!(retained.redirects_to("/retention"), "{}", retained.body);

    // the JSON: every kind of record, each with what was written
    let export = api(
        &app,
        "GET",
        &format!("/api/v1/people/{id}/export?recipient=His%20solicitor"),
        Some(&probation),
        None,
    )
    .await;
    assert_eq!(export.status, Status::Ok, "{}", export.body);
    let doc = export.json();
    for (key, _) in kerbside::reports::subject_access::SECTIONS {
        let held = &doc[*key];
        let filled = held.as_array().map_or(held.is_object(), |a| !a.is_empty());
        assert!(filled, "{key} is empty: {held}");
    }
    assert_eq!(doc["recipient"], "His solicitor");
    assert!(
        doc["assessments"][0]["content"].is_object(),
        "the content as JSON, not text"
    );
    for written in WRITTEN {
        assert!(
            export.body.contains(written),
            "JSON lacks {written}: {}",
            doc["court_reports"]
        );
    }
    let (action, record, _, person) = app.last_audit().await;
    assert_eq!(
        (action.as_str(), record.as_deref(), person),
        ("disclose", Some("subject_access"), Some(id as i32))
    );
    let recipient = crate::retention_and_disposal::one_value(
        &app,
        "SELECT recipient AS v FROM audit_log ORDER BY id DESC LIMIT 1",
    )
    .await;
    assert_eq!(recipient.as_deref(), Some("His solicitor"));

    // the PDF from his record's page holds the same
    let page = officer
        .get(&app, &format!("/people/{id}/subject-access"))
        .await;
    assert_eq!(page.status, Status::Ok);
    let pdf = officer
        .post(
            &app,
            &format!("/people/{id}/subject-access"),
            &[("recipient", ""), ("format", "pdf")],
        )
        .await;
    assert_eq!(pdf.status, Status::Ok);
    let disposition = pdf
        .header("Content-Disposition")
        .unwrap_or_default()
        .to_string();
    assert!(
        disposition.contains("subject-access-SAR-") && !disposition.contains("niewski"),
        "{disposition}"
    );
    let text = pdf_pages(&pdf.bytes).join(" ");
    for (_, heading) in kerbside::reports::subject_access::SECTIONS {
        assert!(text.contains(heading), "PDF lacks the section {heading}");
    }
    for written in WRITTEN {
        assert!(text.contains(written), "PDF lacks {written}");
    }
    let recipient = crate::retention_and_disposal::one_value(
        &app,
        "SELECT recipient AS v FROM audit_log ORDER BY id DESC LIMIT 1",
    )
    .await;
    assert_eq!(recipient.as_deref(), Some("the data subject"));

    // a JSON file from the page, and a mistake kept on the form
    let file = officer
        .post(
            &app,
            &format!("/people/{id}/subject-access"),
            &[("recipient", "His solicitor"), ("format", "json")],
        )
        .await;
    let saved: Value = serde_json::from_slice(&file.bytes).expect("a JSON file");
    assert_eq!(saved["person"]["id"], id);
    let long = "x".repeat(201);
    let refused = officer
        .post(
            &app,
            &format!("/people/{id}/subject-access"),
            &[("recipient", long.as_str()), ("format", "json")],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(refused.body.contains(&long), "what was typed stays");
}

#[rocket::async_test]
async fn an_administrator_finds_the_man_by_his_reference_and_police_cannot_export_him() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let man = crate::support::builders::PersonBuilder::named("Nowak", "Jan")
        .create(&app, &police)
        .await;
    let reference = man["reference"].as_str().expect("reference").to_string();
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let wrong_last = if reference.ends_with('X') { 'Y' } else { 'X' };
    let typo = format!("{}{wrong_last}", &reference[..reference.len() - 1]);
    let wrong = admin
        .get(&app, &format!("/subject-access?reference={typo}"))
        .await;
    assert_eq!(wrong.status, Status::UnprocessableEntity);
    assert!(wrong.body.contains("mistyped"), "{}", wrong.body);
    let found = admin
        .get(
            &app,
            &format!("/subject-access?reference={}", reference.to_lowercase()),
        )
        .await;
    assert_eq!(
        found.location.as_deref(),
        Some(format!("/people/{}/subject-access", man["id"]).as_str())
    );
    let page = admin
        .get(&app, &format!("/people/{}/subject-access", man["id"]))
        .await;
    assert_eq!(page.status, Status::Ok);
    assert!(page.body.contains("NOWAK"));
    let export = api(
        &app,
        "GET",
        &format!("/api/v1/people/{}/export", man["id"]),
        Some(&app.token(&[Role::Admin]).await),
        None,
    )
    .await;
    assert_eq!(export.status, Status::Ok, "{}", export.body);
    assert_eq!(export.json()["recipient"], "the data subject");
    let refused = api(
        &app,
        "GET",
        &format!("/api/v1/people/{}/export", man["id"]),
        Some(&police),
        None,
    )
    .await;
    assert_eq!(
        refused.status,
        Status::NotFound,
        "a record route does not confirm he exists"
    );
}
