//! Probation assesses a referred man: a task list prefilled from the arrest,
//! drafts saved section by section, completion locks it, a new version
//! supersedes it; the same through the API; the two calculators.

use kerbside::domain::roles::Role;
use rocket::http::Status;
use serde_json::{Value, json};

use crate::support::builders::arrested_man;
use crate::support::{TestApp, api};

pub fn full_assessment(person_id: &Value, referral_id: &Value) -> Value {
    json!({
        "person_id": person_id, "referral_id": referral_id,
        "rosh": {"public": "low", "known_adult": "medium", "children": "low", "staff": "low"},
        "suitability": "suitable", "rationale": "PJ-MARKER-RATIONALE accepts responsibility",
        "ogrs3": {"sex": "male", "date_of_birth": "1965-12-07", "conviction_date": "2025-05-13", "follow_up_start_date": "2026-12-06",
                  "age_at_first_sanction": 47, "first_sanction_date": null, "total_sanctions": 2,
                  "offence_category": "soliciting_or_prostitution", "current_sanction": "conviction"},
        "domestic_abuse": {"known_to_marac": false, "concerns": "CONCERNS-MARKER"},
        "dash": {"answers": ["yes","yes","yes","yes","yes","yes","yes","yes","yes","yes","yes","yes","yes","yes","no","no","no","no","no","no","no","no","dont_know","dont_know"],
                 "professional_judgement": false, "rationale": null, "incidents_in_window": 0, "previous_marac_referral_date": null, "latest_incident_date": null},
        "needs": {"relationships": {"severity": "severe", "note": "NEEDS-MARKER"}}
    })
}

/// A completed assessment of `full_assessment`'s content for a man (with
/// the referral it answers, or null).
pub async fn completed_assessment(
    app: &TestApp,
    token: &str,
    person_id: &Value,
    referral_id: &Value,
) {
    let a = api(
        app,
        "POST",
        "/api/v1/assessments",
        Some(token),
        Some(full_assessment(person_id, referral_id)),
    )
    .await;
    assert_eq!(a.status, Status::Created, "{}", a.body);
    let c = api(
        app,
        "POST",
        &format!("/api/v1/assessments/{}/complete", a.json()["id"]),
        Some(token),
        None,
    )
    .await;
    assert_eq!(c.status, Status::Ok, "{}", c.body);
}

#[rocket::async_test]
async fn a_completed_assessment_is_locked_and_a_new_version_supersedes_it() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (p, a) = arrested_man(
        &app,
        &police,
        "Locked",
        "conditional_caution",
        json!({"course_deadline": "2027-03-01"}),
    )
    .await;
    let author = app.token(&[Role::Probation]).await;
    let other = app.token(&[Role::Probation]).await;
    let missing = api(
        &app,
        "POST",
        "/api/v1/assessments",
        Some(&author),
        Some(json!({"person_id": p["id"]})),
    )
    .await;
    assert_eq!(missing.status, Status::UnprocessableEntity);
    let fields = &missing.json()["error"]["fields"];
    assert!(
        fields["rosh"].is_string()
            && fields["suitability"].is_string()
            && fields["rationale"].is_string(),
        "{fields}"
    );
    let created = api(
        &app,
        "POST",
        "/api/v1/assessments",
        Some(&author),
        Some(full_assessment(&p["id"], &a["referral_id"])),
    )
    .await;
    assert_eq!(created.status, Status::Created, "{}", created.body);
    let body = created.json();
    assert_eq!(body["status"], "draft");
    assert_eq!(body["ogrs3_result"]["two_year_percent"], 16);
    assert_eq!(body["ogrs3_result"]["band"], "low");
    assert_eq!(body["dash_result"]["score"], 14);
    assert_eq!(body["dash_result"]["refer_to_marac"], true);
    assert_eq!(body["rosh_overall"], "medium");
    let id = body["id"].clone();
    let mut changed = full_assessment(&p["id"], &a["referral_id"]);
    changed["suitability"] = json!("suitable_not_ready");
    assert_eq!(
        api(
            &app,
            "PUT",
            &format!("/api/v1/assessments/{id}"),
            Some(&author),
            Some(changed.clone())
        )
        .await
        .status,
        Status::Ok
    );
    assert_eq!(
        api(
            &app,
            "POST",
            &format!("/api/v1/assessments/{id}/complete"),
            Some(&other),
            None
        )
        .await
        .status,
        Status::Forbidden,
        "only the author completes"
    );
    // a draft is not in force: the man's page states no suitability yet
    let mut reader = app.signed_in(&[Role::Probation]).await;
    let page = reader.get(&app, &format!("/people/{}", p["id"])).await;
    assert!(
        page.body.contains("LOCKED, Test") && !page.body.contains("Assessed by probation"),
        "{}",
        page.body
    );
    let done = api(
        &app,
        "POST",
        &format!("/api/v1/assessments/{id}/complete"),
        Some(&author),
        None,
    )
    .await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    assert_eq!(done.json()["status"], "completed");
    let page = reader.get(&app, &format!("/people/{}", p["id"])).await;
    assert!(
        page.body
            .contains("Assessed by probation:</strong> Suitable but not ready."),
        "{}",
        page.body
    );
    let refused = api(
        &app,
        "PUT",
        &format!("/api/v1/assessments/{id}"),
        Some(&author),
        Some(changed),
    )
    .await;
    assert_eq!(refused.status, Status::Conflict);
    assert_eq!(refused.json()["error"]["code"], "conflict");
    assert_eq!(
        api(
            &app,
            "POST",
            &format!("/api/v1/assessments/{id}/complete"),
            Some(&author),
            None
        )
        .await
        .status,
        Status::Conflict
    );
    let q = api(
        &app,
        "GET",
        "/api/v1/referrals?status=assessed",
        Some(&author),
        None,
    )
    .await
    .json();
    assert_eq!(q["total"], 1, "the referral moved to assessed");

    // a new version, completed, supersedes the first; history keeps both
    let mut officer = app.signed_in(&[Role::Probation]).await;
    let _ = officer.get(&app, &format!("/assessments/{id}")).await;
    let new = officer
        .post(&app, &format!("/assessments/{id}/new-version"), &[])
        .await;
    assert!(new.redirects_to("/assessments/"), "{}", new.body);
    let new_id: i32 = new
        .location
        .as_deref()
        .and_then(|l| l.rsplit('/').next())
        .and_then(|s| s.parse().ok())
        .expect("new id");
    let confirm = officer
        .get(&app, &format!("/assessments/{new_id}/complete"))
        .await;
    assert!(confirm.body.contains("Complete and lock"));
    let completed = officer
        .post(&app, &format!("/assessments/{new_id}/complete"), &[])
        .await;
    assert!(
        completed.redirects_to(&format!("/assessments/{new_id}")),
        "{}",
        completed.body
    );
    let first = api(
        &app,
        "GET",
        &format!("/api/v1/assessments/{id}"),
        Some(&author),
        None,
    )
    .await
    .json();
    assert_eq!(first["status"], "superseded");
    let list = officer
        .get(&app, &format!("/people/{}/assessments", p["id"]))
        .await;
    assert!(
        list.body.contains("Version 1")
            && list.body.contains("Version 2")
            && list.body.contains("Superseded")
    );
}

#[rocket::async_test]
async fn the_assessment_form_is_prefilled_from_the_arrest_and_saves_section_by_section() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (_, a) = arrested_man(
        &app,
        &police,
        "Prefill",
        "conditional_caution",
        json!({"course_deadline": "2027-03-01"}),
    )
    .await;
    let mut officer = app.signed_in(&[Role::Probation]).await;
    officer
        .get(&app, &format!("/referrals/{}", a["referral_id"]))
        .await;
    let started = officer
        .post(
            &app,
            &format!("/referrals/{}/assessments", a["referral_id"]),
            &[],
        )
        .await;
    assert!(started.redirects_to("/assessments/"), "{}", started.body);
    let base = started.location.clone().unwrap_or_default();
    let tasks = officer.get(&app, &base).await;
    assert!(tasks.body.contains("In progress") && tasks.body.contains("Not started"));
    let form = officer.get(&app, &format!("{base}/ogrs3")).await;
    assert_eq!(form.status, Status::Ok);
    for expected in [
        "name=\"date_of_birth.day\" type=\"text\" inputmode=\"numeric\" value=\"5\"",
        "name=\"date_of_birth.year\" type=\"text\" inputmode=\"numeric\" value=\"1975\"",
        "<option value=\"soliciting_or_prostitution\" selected>",
        "value=\"caution\" checked",
        "value=\"male\" checked",
        "name=\"total_sanctions\" type=\"text\" value=\"1\"",
        "name=\"conviction_date.day\" type=\"text\" inputmode=\"numeric\" value=\"20\"",
    ] {
        assert!(form.body.contains(expected), "prefilled: {expected}");
    }
    let lock = form
        .body
        .split("name=\"lock_version\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("lock")
        .to_string();
    let fields = |total: &'static str| {
        vec![
            ("lock_version", lock.clone()),
            ("sex", "male".to_string()),
            ("date_of_birth.day", "5".into()),
            ("date_of_birth.month", "5".into()),
            ("date_of_birth.year", "1975".into()),
            ("conviction_date.day", "20".into()),
            ("conviction_date.month", "11".into()),
            ("conviction_date.year", "2026".into()),
            ("follow_up_start_date.day", "20".into()),
            ("follow_up_start_date.month", "11".into()),
            ("follow_up_start_date.year", "2026".into()),
            ("first_sanction_date.day", "".into()),
            ("first_sanction_date.month", "".into()),
            ("first_sanction_date.year", "".into()),
            ("age_at_first_sanction", "51".into()),
            ("total_sanctions", total.to_string()),
            ("offence_category", "soliciting_or_prostitution".into()),
            ("current_sanction", "caution".into()),
        ]
    };
    let as_refs = |v: &Vec<(&'static str, String)>| {
        v.iter().map(|(k, x)| (*k, x.clone())).collect::<Vec<_>>()
    };
    let bad = as_refs(&fields("0"));
    let bad_refs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let again = officer
        .post(&app, &format!("{base}/ogrs3"), &bad_refs)
        .await;
    assert_eq!(again.status, Status::UnprocessableEntity);
    assert!(
        again.body.contains("href=\"#total_sanctions\""),
        "{}",
        again.body
    );
    assert!(
        again
            .body
            .contains("name=\"age_at_first_sanction\" type=\"text\" value=\"51\""),
        "typed values kept"
    );
    let good = as_refs(&fields("1"));
    let good_refs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = officer
        .post(&app, &format!("{base}/ogrs3"), &good_refs)
        .await;
    assert!(saved.redirects_to(&base), "{}", saved.body);
    let tasks = officer.get(&app, &base).await;
    assert!(
        tasks
            .body
            .contains("indicative: the current sanction is a caution"),
        "{}",
        tasks.body
    );
    let incomplete = officer.post(&app, &format!("{base}/complete"), &[]).await;
    assert_eq!(incomplete.status, Status::UnprocessableEntity);
    assert!(incomplete.body.contains("Rate the risk of serious harm"));
}

#[rocket::async_test]
async fn the_calculators_answer_any_signed_in_role_and_name_bad_fields() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Facilitator]).await;
    let r = api(&app, "POST", "/api/v1/calculators/ogrs3", Some(&token), Some(json!({"sex": "male", "date_of_birth": "1965-12-07", "conviction_date": "2025-05-13",
        "follow_up_start_date": "2026-12-06", "age_at_first_sanction": 47, "first_sanction_date": null, "total_sanctions": 2,
        "offence_category": "soliciting_or_prostitution", "current_sanction": "conviction"}))).await;
    assert_eq!(r.status, Status::Ok, "{}", r.body);
    let v = r.json();
    assert!((v["one_year_probability"].as_f64().unwrap_or(0.0) - 0.083241896).abs() < 1e-9);
    assert!((v["two_year_probability"].as_f64().unwrap_or(0.0) - 0.157102147).abs() < 1e-9);
    assert_eq!(
        (
            v["one_year_percent"].as_u64(),
            v["two_year_percent"].as_u64(),
            v["band"].as_str()
        ),
        (Some(8), Some(16), Some("low"))
    );
    let bad = api(
        &app,
        "POST",
        "/api/v1/calculators/ogrs3",
        Some(&token),
        Some(json!({"sex": "unknown", "total_sanctions": 0})),
    )
    .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.json()["error"]["fields"]["sex"].is_string());
    let dash = api(
        &app,
        "POST",
        "/api/v1/calculators/dash",
        Some(&token),
        Some(json!({"answers": vec!["yes"; 23], "professional_judgement": false})),
    )
    .await;
    assert_eq!(dash.status, Status::UnprocessableEntity);
    assert!(dash.json()["error"]["fields"]["answers"].is_string());
    let unreadable = api(
        &app,
        "POST",
        "/api/v1/calculators/dash",
        Some(&token),
        Some(json!({"answers": ["maybe"]})),
    )
    .await;
    assert_eq!(unreadable.status, Status::UnprocessableEntity);
    assert!(
        unreadable.json()["error"]["fields"]["body"]
            .as_str()
            .is_some_and(|m| m.contains("maybe")),
        "{}",
        unreadable.body
    );
    let mut answers = vec!["yes"; 13];
    answers.extend(vec!["dont_know"; 11]);
    let d = api(&app, "POST", "/api/v1/calculators/dash", Some(&token), Some(json!({"answers": answers, "professional_judgement": true, "rationale": "threats to kill"}))).await.json();
    assert_eq!(d["score"], 13);
    assert_eq!(d["criteria_met"], json!(["professional_judgement"]));
    assert_eq!(d["refer_to_marac"], true);
    assert_eq!(
        api(
            &app,
            "POST",
            "/api/v1/calculators/dash",
            None,
            Some(json!({}))
        )
        .await
        .status,
        Status::Unauthorized
    );
}

#[rocket::async_test]
async fn a_bad_risk_level_is_named_and_a_second_draft_is_refused() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (p, a) = arrested_man(
        &app,
        &police,
        "Twice",
        "conditional_caution",
        json!({"course_deadline": "2027-03-01"}),
    )
    .await;
    let author = app.token(&[Role::Probation]).await;
    let created = api(
        &app,
        "POST",
        "/api/v1/assessments",
        Some(&author),
        Some(full_assessment(&p["id"], &a["referral_id"])),
    )
    .await
    .json();
    let mut bad = full_assessment(&p["id"], &a["referral_id"]);
    bad["rosh"]["public"] = json!("extreme");
    let r = api(
        &app,
        "PUT",
        &format!("/api/v1/assessments/{}", created["id"]),
        Some(&author),
        Some(bad),
    )
    .await;
    assert_eq!(r.status, Status::UnprocessableEntity, "{}", r.body);
    assert!(
        r.json()["error"]["fields"]["rosh.public"].is_string(),
        "{}",
        r.body
    );
    let again = api(
        &app,
        "POST",
        "/api/v1/assessments",
        Some(&author),
        Some(full_assessment(&p["id"], &a["referral_id"])),
    )
    .await;
    assert_eq!(again.status, Status::Conflict, "one draft at a time");
    // a man who is not recorded, or a referral that is not his, is named
    // as the field at fault before anything else
    for (person, referral, field) in [
        (json!(999_999), a["referral_id"].clone(), "person_id"),
        (p["id"].clone(), json!(999_999), "referral_id"),
    ] {
        let r = api(
            &app,
            "POST",
            "/api/v1/assessments",
            Some(&author),
            Some(full_assessment(&person, &referral)),
        )
        .await;
        assert_eq!(r.status, Status::UnprocessableEntity, "{}", r.body);
        assert!(r.json()["error"]["fields"][field].is_string(), "{}", r.body);
    }
    // re-assigning the referral during the assessment keeps its status
    let mut officer = app.signed_in(&[Role::Probation]).await;
    let me = kerbside::db::users_repo::find_by_username(app.db(), &officer.username)
        .await
        .expect("db")
        .expect("me")
        .id;
    officer
        .get(&app, &format!("/referrals/{}", a["referral_id"]))
        .await;
    let r = officer
        .post(
            &app,
            &format!("/referrals/{}/assign", a["referral_id"]),
            &[("officer_id", &me.to_string())],
        )
        .await;
    assert!(r.redirects_to("/referrals/"), "{}: {}", r.status, r.body);
    let q = api(
        &app,
        "GET",
        "/api/v1/referrals?status=in_assessment",
        Some(&author),
        None,
    )
    .await
    .json();
    assert_eq!(q["items"][0]["assigned_to"], me);
}

#[rocket::async_test]
async fn an_officer_who_starts_his_assessment_while_another_is_starting_it_is_told_to_carry_on_with_theirs()
 {
    use kerbside::db::assessments_repo::{self, NewDraftRow, Summary};
    use sea_orm::TransactionTrait;
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (p, a) = arrested_man(
        &app,
        &police,
        "Together",
        "conditional_caution",
        json!({"course_deadline": "2027-03-01"}),
    )
    .await;
    let second_officer = app.token(&[Role::Probation]).await;
    let first_officer = app.create_user("first.to.start", &[Role::Probation]).await;
    let person_id = p["id"].as_i64().expect("his id") as i32;
    // the first officer's draft is written and not yet committed
    let first = app.db().begin().await.expect("begin");
    assessments_repo::insert_many(
        &first,
        &[NewDraftRow {
            person_id,
            referral_id: a["referral_id"].as_i64().map(|r| r as i32),
            version_number: 1,
            supersedes_id: None,
            author_id: first_officer,
            content: "{}".into(),
            summary: Summary::default(),
        }],
        app.state().now(),
    )
    .await
    .expect("the first draft");
    let second = api(
        &app,
        "POST",
        "/api/v1/assessments",
        Some(&second_officer),
        Some(full_assessment(&p["id"], &a["referral_id"])),
    );
    let first_commits = async {
        rocket::tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        first.commit().await.expect("commit");
    };
    let (r, ()) = rocket::tokio::join!(second, first_commits);
    assert_eq!(r.status, Status::Conflict, "{}", r.body);
    // PostgreSQL lets both read before either writes: the unique (man,
    // version) index refuses the second. SQLite's writers take turns, so
    // the second reads the first's draft.
    let told = if app.db().get_database_backend() == sea_orm::DbBackend::Postgres {
        "at the same moment"
    } else {
        "already in progress"
    };
    assert!(r.body.contains(told), "{}", r.body);
    assert_eq!(
        app.count(&format!("assessments WHERE person_id = {person_id}"))
            .await,
        1,
        "nothing of the second start is kept"
    );
}

#[rocket::async_test]
async fn two_saves_of_one_draft_from_the_same_version_give_the_second_a_conflict() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (p, a) = arrested_man(
        &app,
        &police,
        "Twice",
        "conditional_caution",
        json!({"course_deadline": "2027-03-01"}),
    )
    .await;
    let (mut page, token) = app.signed_in_with_token(&[Role::Probation]).await;
    let created = api(
        &app,
        "POST",
        "/api/v1/assessments",
        Some(&token),
        Some(full_assessment(&p["id"], &a["referral_id"])),
    )
    .await
    .json();
    let id = created["id"].to_string();
    let version = created["lock_version"].to_string();
    // Through the API: the first save with the version read wins, the second
    // from the same version is refused.
    let mut first = full_assessment(&p["id"], &a["referral_id"]);
    first["lock_version"] = json!(created["lock_version"]);
    first["rationale"] = json!("first editor's rationale");
    let r1 = api(
        &app,
        "PUT",
        &format!("/api/v1/assessments/{id}"),
        Some(&token),
        Some(first),
    )
    .await;
    assert_eq!(r1.status, Status::Ok, "{}", r1.body);
    let mut second = full_assessment(&p["id"], &a["referral_id"]);
    second["lock_version"] = json!(created["lock_version"]);
    second["rationale"] = json!("second editor's rationale");
    let r2 = api(
        &app,
        "PUT",
        &format!("/api/v1/assessments/{id}"),
        Some(&token),
        Some(second),
    )
    .await;
    assert_eq!(r2.status, Status::Conflict, "{}", r2.body);
    let now = api(
        &app,
        "GET",
        &format!("/api/v1/assessments/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert!(
        now.body.contains("first editor's rationale"),
        "nothing was overwritten"
    );

    // Through the pages: a section form posted with the old version is refused too.
    page.get(&app, &format!("/assessments/{id}/suitability"))
        .await;
    let stale = page
        .post(
            &app,
            &format!("/assessments/{id}/suitability"),
            &[
                ("lock_version", version.as_str()),
                ("suitability", "not_suitable"),
                ("rationale", "typed on an old copy of the page"),
                ("recommended_intervention", ""),
            ],
        )
        .await;
    assert_eq!(stale.status, Status::Conflict, "{}", stale.body);
    let now = api(
        &app,
        "GET",
        &format!("/api/v1/assessments/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert!(!now.body.contains("typed on an old copy"));
}

#[rocket::async_test]
async fn every_section_form_saves_what_the_officer_chose() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (_, a) = arrested_man(
        &app,
        &police,
        "Sections",
        "conditional_caution",
        json!({"course_deadline": "2027-03-01"}),
    )
    .await;
    let (mut page, token) = app.signed_in_with_token(&[Role::Probation]).await;
    let started = page
        .post(
            &app,
            &format!("/referrals/{}/assessments", a["referral_id"]),
            &[],
        )
        .await;
    let task_list = started.location.clone().expect("the task list");
    let id = task_list.trim_start_matches("/assessments/").to_string();
    async fn version(app: &TestApp, id: &str, token: &str) -> String {
        api(
            app,
            "GET",
            &format!("/api/v1/assessments/{id}"),
            Some(token),
            None,
        )
        .await
        .json()["lock_version"]
            .to_string()
    }
    let answers: Vec<(String, String)> = (0..24)
        .map(|i| {
            (
                format!("answers[{}]", i + 1),
                if i < 15 { "yes" } else { "no" }.to_string(),
            )
        })
        .collect();
    let mut da = vec![
        ("known_to_marac".to_string(), "no".to_string()),
        ("marac_date.day".into(), String::new()),
        ("marac_date.month".into(), String::new()),
        ("marac_date.year".into(), String::new()),
        ("police_callouts".into(), "2".into()),
        (
            "concerns".into(),
            "Two call-outs to the family home in 2025.".into(),
        ),
        ("dash_taken".into(), "yes".into()),
        ("dash_rationale".into(), String::new()),
        ("incidents_in_window".into(), "3".into()),
        ("previous_marac_referral_date.day".into(), String::new()),
        ("previous_marac_referral_date.month".into(), String::new()),
        ("previous_marac_referral_date.year".into(), String::new()),
        ("latest_incident_date.day".into(), String::new()),
        ("latest_incident_date.month".into(), String::new()),
        ("latest_incident_date.year".into(), String::new()),
    ];
    da.extend(answers);
    let sections: Vec<(&str, Vec<(String, String)>)> = vec![
        (
            "rosh",
            vec![
                ("public".into(), "low".into()),
                ("known_adult".into(), "high".into()),
                ("children".into(), "medium".into()),
                ("staff".into(), "low".into()),
            ],
        ),
        ("domestic-abuse", da),
        (
            "needs",
            kerbside::domain::assessment::NeedArea::ALL
                .iter()
                .map(|k| (format!("needs[{k}].severity"), "standard".to_string()))
                .chain(std::iter::once((
                    "needs[motivation].note".to_string(),
                    "Keen to change.".to_string(),
                )))
                .collect(),
        ),
        (
            "suitability",
            vec![
                ("suitability".into(), "suitable_not_ready".into()),
                (
                    "rationale".into(),
                    "Needs his domestic abuse addressed first.".into(),
                ),
                (
                    "recommended_intervention".into(),
                    "Building Better Relationships".into(),
                ),
            ],
        ),
    ];
    for (section, fields) in sections {
        page.get(&app, &format!("/assessments/{id}/{section}"))
            .await;
        let mut all = vec![("lock_version".to_string(), version(&app, &id, &token).await)];
        all.extend(fields);
        let borrowed: Vec<(&str, &str)> =
            all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = page
            .post(&app, &format!("/assessments/{id}/{section}"), &borrowed)
            .await;
        assert!(
            r.redirects_to(&task_list),
            "{section}: {} {}",
            r.status,
            r.body
        );
    }
    let saved = api(
        &app,
        "GET",
        &format!("/api/v1/assessments/{id}"),
        Some(&token),
        None,
    )
    .await
    .json();
    assert_eq!(saved["rosh"]["known_adult"], "high", "{saved}");
    assert_eq!(saved["rosh"]["children"], "medium");
    assert_eq!(saved["domestic_abuse"]["police_callouts"], 2);
    assert_eq!(saved["dash_result"]["score"], 15, "fifteen yes answers");
    assert_eq!(
        saved["dash_result"]["refer_to_marac"], true,
        "14 or more, and 3 incidents"
    );
    assert_eq!(saved["needs"]["motivation"]["note"], "Keen to change.");
    assert_eq!(saved["needs"]["accommodation"]["severity"], "standard");
    assert_eq!(saved["suitability"], "suitable_not_ready");
    assert_eq!(
        saved["recommended_intervention"],
        "Building Better Relationships"
    );
    assert_eq!(
        saved["ogrs3"]["sex"], "male",
        "OGRS3 prefilled from the arrest: {saved}"
    );
}

/// One value from the database.
pub(crate) async fn scalar(app: &TestApp, sql: String) -> Value {
    use sea_orm::ConnectionTrait;
    let row = app
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            sql,
        ))
        .await
        .expect("query")
        .expect("a row");
    row.try_get::<i64>("", "v")
        .map(Value::from)
        .or_else(|_| row.try_get::<String>("", "v").map(Value::from))
        .expect("a value")
}

/// What was written about a man's assessments and referrals, in order
/// ("action:record_type:change"), reads left out.
async fn written_about(app: &TestApp, person_id: &Value) -> Vec<String> {
    use sea_orm::ConnectionTrait;
    app.db()
        .query_all_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            format!(
                "SELECT action, record_type, changes FROM audit_log WHERE person_id = {person_id} \
                 AND record_type IN ('assessment', 'referral') AND action <> 'consult' ORDER BY id"
            ),
        ))
        .await
        .expect("audit")
        .iter()
        .map(|r| {
            let get = |c: &str| r.try_get::<Option<String>>("", c).ok().flatten();
            format!(
                "{}:{}:{}",
                get("action").unwrap_or_default(),
                get("record_type").unwrap_or_default(),
                get("changes").unwrap_or_default()
            )
        })
        .collect()
}

/// A referral's history, oldest first, as "from>to assigned by: note".
async fn history_of(app: &TestApp, referral_id: &Value) -> Vec<String> {
    use sea_orm::ConnectionTrait;
    app.db()
        .query_all_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            format!(
                "SELECT from_status, to_status, assigned_to, by_user_id, note \
                 FROM referral_status_history WHERE referral_id = {referral_id} ORDER BY id"
            ),
        ))
        .await
        .expect("history")
        .iter()
        .map(|r| {
            let text = |c: &str| r.try_get::<Option<String>>("", c).ok().flatten();
            let id = |c: &str| r.try_get::<Option<i32>>("", c).ok().flatten();
            format!(
                "{:?}>{:?} {:?} by {:?}: {:?}",
                text("from_status"),
                text("to_status"),
                id("assigned_to"),
                id("by_user_id"),
                text("note")
            )
        })
        .collect()
}

#[rocket::async_test]
async fn assessments_recorded_together_are_checked_and_written_as_one_at_a_time_and_a_refused_one_keeps_none()
 {
    use kerbside::services::assessments::{Whole, record_completed};
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let deadline = json!({"course_deadline": "2027-03-01"});
    let officer = kerbside::auth::identity::token_actor(app.state(), &probation)
        .await
        .expect("the token's actor");
    let mut men = Vec::new();
    for surname in ["Alone", "Together", "Alongside"] {
        men.push(
            arrested_man(
                &app,
                &police,
                surname,
                "conditional_caution",
                deadline.clone(),
            )
            .await,
        );
    }
    let [
        (alone, alone_arrest),
        (first, first_arrest),
        (second, second_arrest),
    ]: [(Value, Value); 3] = men.try_into().expect("three men");
    completed_assessment(&app, &probation, &alone["id"], &alone_arrest["referral_id"]).await;
    let whole = |person: &Value, referral: &Value| Whole {
        person_id: person.as_i64().unwrap_or_default() as i32,
        referral_id: referral.as_i64().map(|r| r as i32),
        input: serde_json::from_value(full_assessment(person, referral)).expect("the input"),
    };
    let (assessments, entries) = (app.count("assessments").await, app.count("audit_log").await);

    // the second man's referral is not his: refused, and the first man's
    // assessment, written before it in the same set, is not kept
    let not_his = record_completed(
        app.state(),
        &officer,
        &[
            whole(&first["id"], &first_arrest["referral_id"]),
            whole(&second["id"], &first_arrest["referral_id"]),
        ],
    )
    .await;
    match not_his {
        Err(kerbside::error::AppError::Invalid(f)) => {
            assert!(f.get("assessments[1].referral_id").is_some(), "{f:?}")
        }
        other => panic!("expected the second to be refused: {other:?}"),
    }
    let mut no_rationale = whole(&second["id"], &second_arrest["referral_id"]);
    no_rationale.input.rationale = None;
    let incomplete = record_completed(
        app.state(),
        &officer,
        &[
            whole(&first["id"], &first_arrest["referral_id"]),
            no_rationale,
        ],
    )
    .await;
    match incomplete {
        Err(kerbside::error::AppError::Invalid(f)) => {
            assert!(f.get("assessments[1].rationale").is_some(), "{f:?}")
        }
        other => panic!("expected the rationale to be asked for: {other:?}"),
    }
    // each is checked against what was stored before the set: a man twice
    // in one set is refused, not given two versions at once
    let twice = record_completed(
        app.state(),
        &officer,
        &[
            whole(&first["id"], &first_arrest["referral_id"]),
            whole(&first["id"], &first_arrest["referral_id"]),
        ],
    )
    .await;
    match twice {
        Err(kerbside::error::AppError::Conflict(m)) => {
            assert!(m.starts_with("Assessment 1:"), "{m}")
        }
        other => panic!("expected the man's second to be refused: {other:?}"),
    }
    assert_eq!(app.count("assessments").await, assessments, "none kept");
    assert_eq!(app.count("audit_log").await, entries, "nothing audited");

    // a whole set: each man's is written and audited as the one sent alone,
    // and a man assessed before gets a second version that supersedes his first
    let ids = record_completed(
        app.state(),
        &officer,
        &[
            whole(&first["id"], &first_arrest["referral_id"]),
            whole(&second["id"], &second_arrest["referral_id"]),
            whole(&alone["id"], &Value::Null),
        ],
    )
    .await
    .expect("recorded");
    assert_eq!(ids.len(), 3);
    let as_alone = written_about(&app, &alone["id"]).await;
    let alone_moves = history_of(&app, &alone_arrest["referral_id"]).await;
    assert_eq!(
        alone_moves.len(),
        3,
        "opened, started, assessed: {alone_moves:?}"
    );
    for (man, arrest) in [(&first, &first_arrest), (&second, &second_arrest)] {
        assert_eq!(
            written_about(&app, &man["id"]).await,
            as_alone[..as_alone.len() - 3],
            "written as one sent alone"
        );
        assert_eq!(
            history_of(&app, &arrest["referral_id"]).await,
            alone_moves,
            "his referral's history is the one sent alone's"
        );
        assert_eq!(
            scalar(
                &app,
                format!(
                    "SELECT status AS v FROM referrals WHERE id = {}",
                    arrest["referral_id"]
                )
            )
            .await,
            "assessed"
        );
    }
    let second_version = ids[2];
    assert_eq!(
        scalar(&app, format!("SELECT CAST(version_number AS BIGINT) AS v FROM assessments WHERE id = {second_version}")).await,
        2
    );
    assert_eq!(
        scalar(
            &app,
            format!(
                "SELECT COUNT(*) AS v FROM assessments WHERE person_id = {} AND status = 'superseded'",
                alone["id"]
            )
        )
        .await,
        1,
        "his first version is superseded"
    );
    for id in &ids {
        assert_eq!(
            scalar(
                &app,
                format!("SELECT status AS v FROM assessments WHERE id = {id}")
            )
            .await,
            "completed"
        );
    }
}
