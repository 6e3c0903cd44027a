//! Probation writes a court report: prefilled from the arrest, his other
//! arrests and his assessment (never its DASH answers); drafts saved and printed stamped DRAFT;
//! submitting locks it and freezes what it says; a correction is a new
//! version naming the one it replaces; every download is a disclosure.

use kerbside::domain::roles::Role;
use rocket::http::Status;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::probation_assessments::completed_assessment;
use crate::support::builders::{ArrestBuilder, PersonBuilder};
use crate::support::{TestApp, api, download_pdf};

const COURT: &str = "Ipswich Magistrates' Court";

/// A man with a caution in March and a charge in November, and a completed
/// assessment; his record and the charge.
pub(crate) async fn charged_man(app: &TestApp, police: &str, probation: &str) -> (Value, Value) {
    let man = PersonBuilder::named("Wiśniewski", "Łukasz")
        .create(app, police)
        .await;
    ArrestBuilder::of(&man)
        .at("2026-03-01T22:00:00Z")
        .create(app, police)
        .await;
    let charge = ArrestBuilder::of(&man)
        .at("2026-11-20T23:00:00Z")
        .charged(COURT, "2027-01-20")
        .create(app, police)
        .await;
    completed_assessment(app, probation, &man["id"], &Value::Null).await;
    (man, charge)
}

pub(crate) fn sections(proposal: &str) -> Value {
    json!({
        "offence_analysis": "He accepts he stopped to solicit.\n\nHe first said he was lost.",
        "defendant_assessment": "Lives with his partner; works nights.",
        "risk_commentary": "No current concerns that the court needs to weigh beyond the record.",
        "proposal": proposal,
    })
}

#[rocket::async_test]
async fn a_court_report_is_drafted_from_what_kerbside_holds_submitted_locked_and_corrected() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let colleague = app.token(&[Role::Probation]).await;
    let (man, charge) = charged_man(&app, &police, &probation).await;

    // a caution is not a charge: no court report for it
    let caution = api(
        &app,
        "GET",
        &format!("/api/v1/people/{}", man["id"]),
        Some(&probation),
        None,
    )
    .await
    .json()["arrests"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|x| x["disposal"] == "simple_caution")
                .cloned()
        })
        .unwrap_or_default();
    let refused = api(&app, "POST", "/api/v1/court-reports", Some(&probation), Some(json!({
        "person_id": man["id"], "arrest_id": caution["id"], "court": COURT, "hearing_date": "2027-01-20"
    }))).await;
    assert_eq!(
        refused.status,
        Status::UnprocessableEntity,
        "{}",
        refused.body
    );
    assert!(refused.json()["error"]["fields"]["arrest_id"].is_string());

    // a draft with one section written
    let created = api(&app, "POST", "/api/v1/court-reports", Some(&probation), Some(json!({
        "person_id": man["id"], "arrest_id": charge["id"], "court": COURT, "hearing_date": "2027-01-20",
        "sections": {"offence_analysis": "He accepts he stopped to solicit."}
    }))).await;
    assert_eq!(created.status, Status::Created, "{}", created.body);
    let report = created.json();
    let id = report["id"].clone();
    let reference = report["reference"].as_str().unwrap_or_default().to_string();
    assert!(
        reference.starts_with("CR-") && reference.ends_with("-v1"),
        "{reference}"
    );
    assert_eq!(report["status"], "draft");

    // its PDF is stamped DRAFT on every page, prefilled, and tells nothing of the DASH or notes
    let draft = download_pdf(
        &app,
        &format!("/api/v1/court-reports/{id}/pdf?recipient=Ipswich%20Magistrates%27%20Court"),
        &probation,
    )
    .await;
    assert_eq!(draft.status, Status::Ok);
    assert!(
        draft
            .disposition
            .contains(&format!("court-report-{reference}.pdf"))
            && !draft.disposition.to_lowercase().contains("wi"),
        "{}",
        draft.disposition
    );
    assert!(
        draft
            .pages
            .iter()
            .all(|p| p.contains("DRAFT") && p.contains("OFFICIAL-SENSITIVE"))
    );
    let text = draft.text();
    for expected in [
        "WIŚNIEWSKI, Łukasz",
        COURT,
        "20 January 2027",
        "1. Defendant details",
        "8. Completion details",
        "He accepts he stopped to solicit.",
        "[Not yet written]",
        "1 earlier arrest recorded",
        "Simple caution",
        "OGRS3 (2009 calibration)",
        "Known adult",
        "He is not known to MARAC.",
        "Suitable for the programme",
        "He is not enrolled on a programme.",
        "Concerns recorded in the assessment: CONCERNS-MARKER",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from: {text}");
    }
    // never the DASH answers, the needs notes or the suitability rationale
    for secret in ["dont_know", "NEEDS-MARKER", "PJ-MARKER"] {
        assert!(!text.contains(secret), "{secret} leaked into the report");
    }
    assert_eq!(
        app.count(&format!(
            "audit_log WHERE action = 'disclose' AND record_type = 'court_report' AND record_id = '{id}' AND recipient = 'Ipswich Magistrates'' Court'"
        ))
        .await,
        1
    );

    // submitting needs every section; only the author changes the draft
    let early = api(
        &app,
        "POST",
        &format!("/api/v1/court-reports/{id}/submit"),
        Some(&probation),
        None,
    )
    .await;
    assert_eq!(early.status, Status::UnprocessableEntity);
    let fields = &early.json()["error"]["fields"];
    assert!(
        fields["sections.proposal"].is_string() && fields["sections.offence_analysis"].is_null(),
        "{fields}"
    );
    let body = json!({"court": COURT, "hearing_date": "2027-01-20", "sections": sections("A community order with a rehabilitation activity requirement.")});
    let not_author = api(
        &app,
        "PUT",
        &format!("/api/v1/court-reports/{id}"),
        Some(&colleague),
        Some(body.clone()),
    )
    .await;
    assert_eq!(not_author.status, Status::Forbidden);
    let stale = api(
        &app,
        "PUT",
        &format!("/api/v1/court-reports/{id}"),
        Some(&probation),
        Some(json!({"lock_version": 99, "court": COURT, "hearing_date": "2027-01-20"})),
    )
    .await;
    assert_eq!(stale.status, Status::Conflict);
    let saved = api(
        &app,
        "PUT",
        &format!("/api/v1/court-reports/{id}"),
        Some(&probation),
        Some(body.clone()),
    )
    .await;
    assert_eq!(saved.status, Status::Ok, "{}", saved.body);
    let submitted = api(
        &app,
        "POST",
        &format!("/api/v1/court-reports/{id}/submit"),
        Some(&probation),
        None,
    )
    .await;
    assert_eq!(submitted.status, Status::Ok, "{}", submitted.body);
    assert_eq!(submitted.json()["status"], "submitted");

    // locked: edits refused, and the database itself refuses a change
    let edit = api(
        &app,
        "PUT",
        &format!("/api/v1/court-reports/{id}"),
        Some(&probation),
        Some(body),
    )
    .await;
    assert_eq!(edit.status, Status::Conflict);
    let again = api(
        &app,
        "POST",
        &format!("/api/v1/court-reports/{id}/submit"),
        Some(&probation),
        None,
    )
    .await;
    assert_eq!(again.status, Status::Conflict);
    let tamper = app
        .db()
        .execute_unprepared(&format!(
            "UPDATE court_reports SET court = 'Elsewhere' WHERE id = {id}"
        ))
        .await;
    assert!(
        tamper.is_err(),
        "a submitted report cannot be changed in the database"
    );

    // what it says is frozen: a later arrest does not change the submitted report
    ArrestBuilder::of(&man)
        .at("2026-11-28T23:30:00Z")
        .create(&app, &police)
        .await;
    let final_text = download_pdf(&app, &format!("/api/v1/court-reports/{id}/pdf"), &probation)
        .await
        .text();
    assert!(!final_text.contains("DRAFT"), "{final_text}");
    assert!(
        final_text.contains("1 earlier arrest recorded")
            && final_text.contains("A community order")
    );

    // a correction: a new version naming the one it replaces, which stays in force until submitted
    let correction = api(
        &app,
        "POST",
        &format!("/api/v1/court-reports/{id}/corrections"),
        Some(&colleague),
        None,
    )
    .await;
    assert_eq!(correction.status, Status::Created, "{}", correction.body);
    let v2 = correction.json();
    assert_eq!(v2["supersedes_id"], id);
    assert_eq!(v2["reference"], reference.replace("-v1", "-v2"));
    assert_eq!(
        v2["sections"]["defendant_assessment"],
        "Lives with his partner; works nights."
    );
    let second = api(
        &app,
        "POST",
        &format!("/api/v1/court-reports/{id}/corrections"),
        Some(&probation),
        None,
    )
    .await;
    assert_eq!(second.status, Status::Conflict, "one correction at a time");
    let fixed = api(
        &app,
        "PUT",
        &format!("/api/v1/court-reports/{}", v2["id"]),
        Some(&colleague),
        Some(
            json!({"court": COURT, "hearing_date": "2027-01-27", "sections": sections("A fine.")}),
        ),
    )
    .await;
    assert_eq!(fixed.status, Status::Ok, "{}", fixed.body);
    let v1_now = api(
        &app,
        "GET",
        &format!("/api/v1/court-reports/{id}"),
        Some(&probation),
        None,
    )
    .await;
    assert_eq!(v1_now.json()["status"], "submitted", "still in force");
    let done = api(
        &app,
        "POST",
        &format!("/api/v1/court-reports/{}/submit", v2["id"]),
        Some(&colleague),
        None,
    )
    .await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    let v1_after = api(
        &app,
        "GET",
        &format!("/api/v1/court-reports/{id}"),
        Some(&probation),
        None,
    )
    .await;
    assert_eq!(v1_after.json()["status"], "superseded");
    let old = download_pdf(&app, &format!("/api/v1/court-reports/{id}/pdf"), &probation).await;
    assert!(old.pages.iter().all(|p| p.contains("SUPERSEDED")));
    assert!(old.text().contains(&format!(
        "replaced by {}",
        v2["reference"].as_str().unwrap_or("?")
    )));
    let new = download_pdf(
        &app,
        &format!("/api/v1/court-reports/{}/pdf", v2["id"]),
        &probation,
    )
    .await
    .text();
    assert!(
        new.contains(&format!("corrects and replaces {reference}")),
        "{new}"
    );
    assert!(
        new.contains("27 January 2027")
            && new.contains("Arrested again since this offence: 1 time"),
        "{new}"
    );
    let old_correction = api(
        &app,
        "POST",
        &format!("/api/v1/court-reports/{id}/corrections"),
        Some(&probation),
        None,
    )
    .await;
    assert_eq!(
        old_correction.status,
        Status::Conflict,
        "correct the latest version"
    );
}

#[rocket::async_test]
async fn the_writing_form_saves_without_javascript_keeps_what_was_typed_and_submits_from_the_browser()
 {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (mut officer, probation) = app.signed_in_with_token(&[Role::Probation]).await;
    let (man, charge) = charged_man(&app, &police, &probation).await;
    let list = format!("/people/{}/court-reports", man["id"]);
    let page = officer.get(&app, &list).await;
    assert_eq!(page.status, Status::Ok);
    assert!(
        page.body
            .contains("No court report has been written for him.")
    );
    assert!(
        crate::support::unescape(&page.body).contains(COURT),
        "the court the police recorded is offered"
    );
    let charge_id = charge["id"].to_string();
    let started = officer
        .post(
            &app,
            &list,
            &[
                ("arrest_id", &charge_id),
                ("court", COURT),
                ("hearing_date_day", "20"),
                ("hearing_date_month", "1"),
                ("hearing_date_year", "2027"),
            ],
        )
        .await;
    assert!(started.redirects_to("/court-reports/"), "{}", started.body);
    let edit = started.location.clone().unwrap_or_default();
    let home = officer.get(&app, "/").await;
    assert!(
        home.body.contains("Court reports I am writing")
            && home.body.contains("hearing in 51 days"),
        "the draft is on his home page with its deadline: {}",
        home.body
    );
    let form = officer.get(&app, &edit).await;
    assert!(
        form.body.contains("data-autosave") && form.body.contains("name=\"sections.proposal\"")
    );

    // a wrong date: the form again, pointing at the field, with the text kept
    let typed = "He says he was lost; the officers saw him stop twice.";
    let bad = officer
        .post(
            &app,
            &edit,
            &[
                ("lock_version", "1"),
                ("court", COURT),
                ("hearing_date_day", "31"),
                ("hearing_date_month", "2"),
                ("hearing_date_year", "2027"),
                ("sections.offence_analysis", typed),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(
        bad.body.contains("href=\"#hearing_date\"")
            && crate::support::unescape(&bad.body).contains(typed),
        "{}",
        bad.body
    );

    // saved with the button; then the script's save answers with the new lock version
    let fields = |version: &'static str, action: &'static str| {
        vec![
            ("lock_version", version),
            ("court", COURT),
            ("hearing_date_day", "20"),
            ("hearing_date_month", "1"),
            ("hearing_date_year", "2027"),
            ("sections.offence_analysis", typed),
            ("sections.defendant_assessment", "Works nights."),
            ("sections.risk_commentary", "Nothing further."),
            ("sections.proposal", "A conditional discharge."),
            ("action", action),
        ]
    };
    let saved = officer.post(&app, &edit, &fields("1", "save")).await;
    assert!(saved.redirects_to(&edit), "{}", saved.body);
    let auto = officer.post(&app, &edit, &fields("2", "autosave")).await;
    assert_eq!(auto.status, Status::Ok, "{}", auto.body);
    assert_eq!(auto.json()["lock_version"], 3);
    let to_submit = officer.post(&app, &edit, &fields("3", "submit")).await;
    let id = edit
        .trim_start_matches("/court-reports/")
        .trim_end_matches("/edit")
        .to_string();
    assert!(
        to_submit.redirects_to(&format!("/court-reports/{id}/submit")),
        "{}",
        to_submit.body
    );
    officer
        .get(&app, &format!("/court-reports/{id}/submit"))
        .await;
    let submitted = officer
        .post(&app, &format!("/court-reports/{id}/submit"), &[])
        .await;
    assert!(
        submitted.redirects_to(&format!("/court-reports/{id}")),
        "{}",
        submitted.body
    );
    let view = officer.get(&app, &format!("/court-reports/{id}")).await;
    assert!(view.body.contains("Submitted") && view.body.contains("Start a correction"));
    assert!(view.body.contains("A conditional discharge."));
    let locked = officer.get(&app, &edit).await;
    assert_eq!(locked.status, Status::Conflict);
    let listed = officer.get(&app, &list).await;
    assert!(listed.body.contains("-v1") && listed.body.contains("Submitted"));
}
