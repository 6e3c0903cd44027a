//! Need-to-know: a facilitator never sees DASH answers or the assessment
//! narrative through any page or API route; police see only the suitability
//! outcome; every view by probation is audited.

use kerbside::domain::roles::Role;
use rocket::http::{Method, Status};
use serde_json::json;

use crate::probation_assessments::full_assessment;
use crate::probation_referrals::arrested_man;
use crate::support::{TestApp, api};

const SECRETS: [&str; 4] = ["PJ-MARKER", "CONCERNS-MARKER", "NEEDS-MARKER", "dont_know"];

fn fill(path: &str, person: &str, assessment: &str, referral: &str, arrest: &str) -> String {
    let segs: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    for (i, seg) in segs.iter().enumerate() {
        if seg.starts_with('<') {
            let owner = if i > 0 { segs[i - 1] } else { "" };
            out.push(match owner {
                "people" => person,
                "assessments" => assessment,
                "referrals" => referral,
                "arrests" => arrest,
                _ => "1",
            });
        } else {
            out.push(seg);
        }
    }
    out.join("/")
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
    api(
        &app,
        "POST",
        &format!("/api/v1/assessments/{aid}/complete"),
        Some(&probation),
        None,
    )
    .await;
    // probation does see them (so the markers are really there to find)
    let seen = api(
        &app,
        "GET",
        &format!("/api/v1/assessments/{aid}"),
        Some(&probation),
        None,
    )
    .await;
    assert!(seen.body.contains("PJ-MARKER") && seen.body.contains("dont_know"));
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
    let facilitator_token = app.token(&[Role::Facilitator]).await;
    let police_token = police.clone();
    let mut facilitator = app.signed_in(&[Role::Facilitator]).await;
    let mut officer = app.signed_in(&[Role::Police]).await;
    let mut checked = 0;
    for (_, path) in &routes {
        let target = fill(path, &pid, &aid, &rid, &arid);
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
    assert!(checked > 20);
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
