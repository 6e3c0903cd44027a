//! Need-to-know: a facilitator never sees DASH answers or the assessment
//! narrative through any page or API route; police see only the suitability
//! outcome; every view by probation is audited.

use kerbside::domain::roles::Role;
use rocket::http::{Method, Status};
use serde_json::json;

use crate::probation_assessments::full_assessment;
use crate::support::builders::arrested_man;
use crate::support::programmes::running_cohort;
use crate::support::{TestApp, api};

const SECRETS: [&str; 4] = ["PJ-MARKER", "CONCERNS-MARKER", "NEEDS-MARKER", "dont_know"];

/// The sections of an assessment, as `/assessments/<id>/<section>` names them.
const SECTIONS: [&str; 6] = [
    "ogrs3",
    "rosh",
    "domestic-abuse",
    "needs",
    "suitability",
    "complete",
];

/// Every concrete address for a route: its parameters filled with the ids of
/// real records, and a `<section>` with each section in turn.
fn fill(path: &str, person: &str, assessment: &str, referral: &str, arrest: &str) -> Vec<String> {
    let segs: Vec<&str> = path.split('/').collect();
    let mut out = vec![String::new()];
    for (i, seg) in segs.iter().enumerate() {
        let choices: Vec<&str> = if *seg == "<section>" {
            SECTIONS.to_vec()
        } else if seg.starts_with('<') {
            let owner = if i > 0 { segs[i - 1] } else { "" };
            vec![match owner {
                "people" | "for" => person,
                "assessments" => assessment,
                "referrals" => referral,
                "arrests" => arrest,
                // records that hold no case content: any id will do
                "setup" => "nosuchtoken",
                "static" => "app.css",
                // the facilitator's cohort is the first, so its first session is 1
                "import" | "users" | "sessions" | "tokens" | "cohorts" => "1",
                "enrolments" | "court-reports" => "1",
                other => panic!("no record to fill in for {seg} after '{other}' in {path}: add it"),
            }]
        } else {
            vec![seg]
        };
        out = out
            .iter()
            .flat_map(|prefix| {
                choices.iter().map(move |c| {
                    if i == 0 {
                        c.to_string()
                    } else {
                        format!("{prefix}/{c}")
                    }
                })
            })
            .collect();
    }
    out
}

#[rocket::async_test]
async fn a_facilitator_cannot_see_domestic_abuse_answers_through_any_page_or_api_route() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (p, a) = arrested_man(
        &app,
        &police,
        "Private",
        "conditional_caution",
        json!({"course_deadline": "2027-03-01"}),
    )
    .await;
    let (mut probation_page, probation) = app.signed_in_with_token(&[Role::Probation]).await;
    let created = api(
        &app,
        "POST",
        "/api/v1/assessments",
        Some(&probation),
        Some(full_assessment(&p["id"], &a["referral_id"])),
    )
    .await
    .json();
    let completed = created["id"].to_string();
    api(
        &app,
        "POST",
        &format!("/api/v1/assessments/{completed}/complete"),
        Some(&probation),
        None,
    )
    .await;
    // A second version, left as a draft, so its section forms show its answers.
    let draft = api(
        &app,
        "POST",
        "/api/v1/assessments",
        Some(&probation),
        Some(full_assessment(&p["id"], &a["referral_id"])),
    )
    .await;
    assert_eq!(draft.status, Status::Created, "{}", draft.body);
    let aid = draft.json()["id"].to_string();
    // probation does see them (so the markers are really there to find)
    let seen = api(
        &app,
        "GET",
        &format!("/api/v1/assessments/{completed}"),
        Some(&probation),
        None,
    )
    .await;
    assert!(seen.body.contains("PJ-MARKER") && seen.body.contains("dont_know"));
    for (section, marker) in [
        ("domestic-abuse", "CONCERNS-MARKER"),
        ("needs", "NEEDS-MARKER"),
        ("suitability", "PJ-MARKER"),
    ] {
        let page = probation_page
            .get(&app, &format!("/assessments/{aid}/{section}"))
            .await;
        assert!(
            page.body.contains(marker),
            "the author sees {marker} on the {section} form, so its absence elsewhere means something"
        );
    }
    let (pid, rid, arid) = (
        p["id"].to_string(),
        a["referral_id"].to_string(),
        a["id"].to_string(),
    );
    let routes: Vec<(Method, String)> = app
        .client
        .rocket()
        .routes()
        .filter(|r| r.method == Method::Get)
        .map(|r| (r.method, r.uri.path().to_string()))
        .collect();
    // The facilitator runs the cohort the man is on: he sees his register,
    // his cohort and his enrolment, and still none of the assessment.
    let (mut facilitator, facilitator_token) = app.signed_in_with_token(&[Role::Facilitator]).await;
    let cohort = running_cohort(&app, &probation, &facilitator.username.clone(), 12).await;
    let enrolled = api(
        &app,
        "POST",
        "/api/v1/enrolments",
        Some(&probation),
        Some(
            json!({"person_id": p["id"], "cohort_id": cohort["id"], "referral_id": a["referral_id"],
                    "legal_basis": "conditional_caution", "deadline": "2027-03-01"}),
        ),
    )
    .await;
    assert_eq!(enrolled.status, Status::Created, "{}", enrolled.body);
    assert_eq!(
        (cohort["id"].as_i64(), enrolled.json()["id"].as_i64()),
        (Some(1), Some(1))
    );
    let register = facilitator.get(&app, "/sessions/1/register").await;
    assert!(
        register.body.contains("PRIVATE, Test"),
        "he is on the facilitator's register"
    );
    let police_token = police.clone();
    let mut officer = app.signed_in(&[Role::Police]).await;
    let mut checked = 0;
    for target in routes
        .iter()
        .flat_map(|(_, path)| fill(path, &pid, &aid, &rid, &arid))
        // the API's document and reference page describe codes, never records
        .filter(|t| !kerbside::web::api::unrouted::PUBLIC_PATHS.contains(&t.as_str()))
    {
        for (who, reply) in [
            ("facilitator page", facilitator.get(&app, &target).await),
            ("police page", officer.get(&app, &target).await),
        ] {
            for s in SECRETS {
                assert!(!reply.body.contains(s), "{who} saw {s} at {target}");
            }
        }
        if target.starts_with("/api/") {
            for (who, token) in [
                ("facilitator token", &facilitator_token),
                ("police token", &police_token),
            ] {
                let r = api(&app, "GET", &target, Some(token), None).await;
                for s in SECRETS {
                    assert!(!r.body.contains(s), "{who} saw {s} at {target}");
                }
            }
        }
        checked += 1;
    }
    assert!(checked > 25, "{checked} addresses checked");
    assert_eq!(
        facilitator
            .get(&app, &format!("/assessments/{aid}"))
            .await
            .status,
        Status::NotFound
    );
    // police see the outcome only
    let person_page = officer.get(&app, &format!("/people/{pid}")).await;
    assert!(
        person_page
            .body
            .contains("Assessed by probation:</strong> Suitable for the programme")
    );
    let consults = app
        .audit_actions()
        .await
        .iter()
        .filter(|x| *x == "consult:assessment")
        .count();
    assert!(consults >= 1, "probation's views are audited");
}

/// The newest audit entry's action and record type, after a request.
async fn audited_as(app: &TestApp) -> String {
    let (action, record_type, _, _) = app.last_audit().await;
    format!("{action}:{}", record_type.unwrap_or_default())
}

#[rocket::async_test]
async fn every_view_of_a_man_a_referral_a_list_or_the_hearing_form_writes_a_consult_entry() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (p, a) = arrested_man(
        &app,
        &police,
        "Viewed",
        "charged",
        json!({"court": "Ipswich Magistrates' Court", "first_hearing_date": "2026-12-20"}),
    )
    .await;
    let (pid, rid, arid) = (&p["id"], &a["referral_id"], &a["id"]);
    let mut officer = app.signed_in(&[Role::Probation]).await;
    for (path, expected) in [
        (format!("/people/{pid}"), "consult:person"),
        (format!("/referrals/{rid}"), "consult:referral"),
        ("/referrals".to_string(), "consult:referral_queue"),
        ("/arrests".to_string(), "consult:arrest_list"),
        (format!("/arrests/{arid}"), "consult:arrest"),
        (format!("/arrests/{arid}/hearings/new"), "consult:person"),
        (format!("/people/{pid}/assessments"), "consult:person"),
    ] {
        let before = app.count("audit_log").await;
        let r = officer.get(&app, &path).await;
        assert_eq!(r.status, Status::Ok, "{path}");
        assert!(
            app.count("audit_log").await > before,
            "{path} wrote nothing"
        );
        assert_eq!(audited_as(&app).await, expected, "{path}");
    }
}

#[rocket::async_test]
async fn the_audit_log_administrators_read_holds_no_assessment_content() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (p, a) = arrested_man(
        &app,
        &police,
        "Confidential",
        "conditional_caution",
        json!({"course_deadline": "2027-03-01"}),
    )
    .await;
    let probation = app.token(&[Role::Probation]).await;
    let created = api(
        &app,
        "POST",
        "/api/v1/assessments",
        Some(&probation),
        Some(full_assessment(&p["id"], &a["referral_id"])),
    )
    .await
    .json();
    let aid = created["id"].to_string();
    let mut changed = full_assessment(&p["id"], &a["referral_id"]);
    changed["domestic_abuse"]["concerns"] = json!("CONCERNS-MARKER revised after the MARAC");
    let put = api(
        &app,
        "PUT",
        &format!("/api/v1/assessments/{aid}"),
        Some(&probation),
        Some(changed),
    )
    .await;
    assert_eq!(put.status, Status::Ok, "{}", put.body);
    api(
        &app,
        "POST",
        &format!("/api/v1/assessments/{aid}/complete"),
        Some(&probation),
        None,
    )
    .await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let page = admin.get(&app, "/admin/audit").await;
    let csv = admin.get(&app, "/admin/audit.csv").await;
    assert!(
        page.body.contains("assessment"),
        "the assessment's entries are listed"
    );
    for body in [&page.body, &csv.body] {
        for secret in SECRETS {
            assert!(!body.contains(secret), "the audit log shows {secret}");
        }
    }
}
