//! Programmes, cohorts, enrolment and the register: a full cohort refuses,
//! the register saves whole and refuses a stale save, a mark's correction
//! needs a reason, completion follows the programme's rule, and enforcement
//! prompts by the legal basis.

use chrono::Duration;
use kerbside::domain::roles::Role;
use rocket::http::Status;
use serde_json::{Value, json};

use crate::probation_assessments::{completed_assessment, scalar};
use crate::support::builders::PersonBuilder;
use crate::support::programmes::{enrol_men, enrolment, running_cohort, running_cohort_of};
use crate::support::{TestApp, api};

fn marks(ids: &[i64], outcome: &str) -> Vec<Value> {
    ids.iter()
        .map(|id| json!({"enrolment_id": id, "outcome": outcome}))
        .collect()
}

#[rocket::async_test]
async fn a_full_cohort_refuses_an_enrolment_offers_its_waiting_list_and_a_freed_place_goes_to_the_man_waiting()
 {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    app.create_user("f.full", &[Role::Facilitator]).await;
    let small = running_cohort(&app, &probation, "f.full", 2).await;
    let other = running_cohort(&app, &probation, "f.full", 10).await;
    let placed = enrol_men(&app, &police, &probation, &small["id"], 2).await;
    let man = PersonBuilder::named("Third", "Test")
        .create(&app, &police)
        .await;
    let mut body = json!({"person_id": man["id"], "cohort_id": small["id"], "legal_basis": "voluntary", "override_reason": "Asked to attend"});
    let before = app.count("enrolments").await;
    let r = api(
        &app,
        "POST",
        "/api/v1/enrolments",
        Some(&probation),
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.status, Status::Conflict, "{}", r.body);
    let detail = r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(detail.contains("is full (2 of 2 places taken)"), "{detail}");
    assert_eq!(app.count("enrolments").await, before, "nothing written");
    // the other cohort is a different programme here, so it is not offered
    assert!(
        !detail.contains(other["code"].as_str().unwrap_or("?")),
        "{detail}"
    );
    assert!(detail.contains("waiting list"), "{detail}");
    // on the waiting list instead; a place comes free; he is offered it
    body["waiting_list"] = json!(true);
    let waiting = api(
        &app,
        "POST",
        "/api/v1/enrolments",
        Some(&probation),
        Some(body),
    )
    .await;
    assert_eq!(waiting.status, Status::Created, "{}", waiting.body);
    assert_eq!(waiting.json()["status"], "waiting_list");
    let mut officer = app.signed_in(&[Role::Probation]).await;
    let waiting_page = format!("/enrolments/{}", waiting.json()["id"]);
    officer.get(&app, &waiting_page).await;
    let still_full = officer
        .post(&app, &format!("{waiting_page}/offer"), &[])
        .await;
    assert_eq!(still_full.status, Status::Conflict);
    let first = format!("/enrolments/{}", placed[0]);
    officer.get(&app, &first).await;
    let left = officer
        .post(
            &app,
            &format!("{first}/end"),
            &[
                ("reason", "withdrawn.moved_away"),
                ("end_note", "Moved to Leeds"),
            ],
        )
        .await;
    assert!(left.redirects_to(&first), "{}", left.body);
    officer.get(&app, &waiting_page).await;
    let offered = officer
        .post(&app, &format!("{waiting_page}/offer"), &[])
        .await;
    assert!(offered.redirects_to(&waiting_page), "{}", offered.body);
    let now = api(
        &app,
        "GET",
        &format!("/api/v1/enrolments/{}", waiting.json()["id"]),
        Some(&probation),
        None,
    )
    .await
    .json();
    assert_eq!(now["status"], "awaiting_start");
}

#[rocket::async_test]
async fn enrolment_needs_a_suitable_assessment_or_a_reason_and_a_caution_needs_its_deadline() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    app.create_user("f.gate", &[Role::Facilitator]).await;
    let cohort = running_cohort(&app, &probation, "f.gate", 10).await;
    let man = PersonBuilder::named("Gate", "Test")
        .create(&app, &police)
        .await;
    let r = api(
        &app,
        "POST",
        "/api/v1/enrolments",
        Some(&probation),
        Some(json!({"person_id": man["id"], "cohort_id": cohort["id"], "legal_basis": "conditional_caution"})),
    )
    .await;
    assert_eq!(r.status, Status::UnprocessableEntity);
    let fields = &r.json()["error"]["fields"];
    assert!(
        fields["override_reason"]
            .as_str()
            .is_some_and(|m| m.contains("suitable")),
        "{fields}"
    );
    assert!(fields["deadline"].is_string(), "{fields}");
    let ok = api(
        &app,
        "POST",
        "/api/v1/enrolments",
        Some(&probation),
        Some(json!({"person_id": man["id"], "cohort_id": cohort["id"], "legal_basis": "conditional_caution",
                    "deadline": "2027-01-31", "override_reason": "Court direction"})),
    )
    .await;
    assert_eq!(ok.status, Status::Created, "{}", ok.body);
    assert_eq!(ok.json()["status"], "awaiting_start");
    let (action, _, record, person) = app.last_audit().await;
    assert_eq!(
        (action.as_str(), record.as_deref()),
        ("collect", Some(&*ok.json()["id"].to_string()))
    );
    assert_eq!(person, man["id"].as_i64().map(|i| i as i32));
}

#[rocket::async_test]
async fn the_register_saves_twelve_marks_in_one_request_and_a_stale_save_is_refused() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let (facilitator, user_id) = app.token_and_user(&[Role::Facilitator]).await;
    let username = kerbside::db::users_repo::find(app.db(), user_id)
        .await
        .expect("db")
        .expect("facilitator")
        .username;
    let cohort = running_cohort(&app, &probation, &username, 12).await;
    let ids = enrol_men(&app, &police, &probation, &cohort["id"], 12).await;
    // one man assessed since he was enrolled: the register says so for him
    // alone
    let assessed = api(
        &app,
        "GET",
        &format!("/api/v1/enrolments/{}", ids[5]),
        Some(&probation),
        None,
    )
    .await
    .json()["person_id"]
        .clone();
    completed_assessment(&app, &probation, &assessed, &Value::Null).await;
    let session = cohort["sessions"][0]["id"].clone();
    let path = format!("/api/v1/sessions/{session}/attendance");
    let register = api(&app, "GET", &path, Some(&facilitator), None).await;
    assert_eq!(register.status, Status::Ok, "{}", register.body);
    let register = register.json();
    assert_eq!(register["lines"].as_array().map(Vec::len), Some(12));
    let summaries: Vec<(i64, String)> = register["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            (
                l["enrolment_id"].as_i64().unwrap_or_default(),
                l["summary"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    for (enrolment, summary) in &summaries {
        let expected = if *enrolment == ids[5] {
            "suitable, no contact issues"
        } else {
            "not yet assessed, no contact issues"
        };
        assert_eq!(summary, expected, "enrolment {enrolment}");
    }
    let version = register["register_version"].clone();
    let mut all = marks(&ids, "attended_complied");
    all[3] = json!({"enrolment_id": ids[3], "outcome": "acceptable_absence", "absence_reason": "medical", "note": "GP letter"});
    all[7] = json!({"enrolment_id": ids[7], "outcome": "unacceptable_absence"});
    let before = app.count("attendance_marks").await;
    let shown = "audit_log WHERE record_type = 'register' AND action = 'consult'";
    let consulted = app.count(shown).await;
    let saved = api(
        &app,
        "PUT",
        &path,
        Some(&facilitator),
        Some(json!({"register_version": version, "marks": all})),
    )
    .await;
    assert_eq!(saved.status, Status::Ok, "{}", saved.body);
    assert_eq!(app.count("attendance_marks").await, before + 12);
    assert_eq!(
        app.count(shown).await,
        consulted + 1,
        "the register sent back is audited with the save"
    );
    assert_eq!(
        app.count(
            "audit_subjects WHERE audit_id = (SELECT max(id) FROM audit_log \
             WHERE record_type = 'register' AND action = 'consult')"
        )
        .await,
        12,
        "its entry names every man it shows"
    );
    // the answer is the register as stored: every man on the programme now,
    // each with his mark, the version moved on
    let reread = api(&app, "GET", &path, Some(&facilitator), None)
        .await
        .json();
    assert_eq!(saved.json(), reread);
    assert_eq!(reread["lines"][0]["status"], "on_programme");
    assert_ne!(reread["register_version"], version);
    assert_eq!(
        app.count("audit_log WHERE record_type = 'attendance_mark'")
            .await,
        12,
        "every mark audited"
    );
    // a second facilitator's save from the same version: nothing overwritten
    let stale = api(
        &app,
        "PUT",
        &path,
        Some(&probation),
        Some(json!({"register_version": version, "marks": marks(&ids, "unacceptable_absence")})),
    )
    .await;
    assert_eq!(stale.status, Status::Conflict, "{}", stale.body);
    assert_eq!(app.count("attendance_marks").await, before + 12);
    // changing a saved mark needs a reason, and keeps the old row
    let current = saved.json()["register_version"].clone();
    let change = json!({"register_version": current, "marks": [{"enrolment_id": ids[7], "outcome": "acceptable_absence", "absence_reason": "court_or_legal"}]});
    let refused = api(&app, "PUT", &path, Some(&facilitator), Some(change.clone())).await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        refused.json()["error"]["fields"]["marks[0].correction_reason"].is_string(),
        "{}",
        refused.body
    );
    let mut with_reason = change;
    with_reason["marks"][0]["correction_reason"] =
        json!("He was at court; letter produced next day");
    let corrected = api(&app, "PUT", &path, Some(&facilitator), Some(with_reason)).await;
    assert_eq!(corrected.status, Status::Ok, "{}", corrected.body);
    assert_eq!(
        app.count("attendance_marks").await,
        before + 13,
        "the old mark is kept"
    );
    let line = corrected.json()["lines"]
        .as_array()
        .and_then(|ls| ls.iter().find(|l| l["enrolment_id"] == ids[7]).cloned())
        .expect("line");
    assert_eq!(line["outcome"], "acceptable_absence");
    // every man marked is on the programme now
    for id in &ids {
        let e = api(
            &app,
            "GET",
            &format!("/api/v1/enrolments/{id}"),
            Some(&facilitator),
            None,
        )
        .await
        .json();
        assert_eq!(e["status"], "on_programme", "enrolment {id}");
        // the twelve moves were written together: each once, with its
        // history row and its audit entry
        let moved = format!(
            "SELECT COUNT(*) AS v FROM enrolment_status_history WHERE enrolment_id = {id} \
             AND from_status = 'awaiting_start' AND to_status = 'on_programme' \
             AND note = 'first session marked'"
        );
        assert_eq!(scalar(&app, moved).await, 1, "enrolment {id}");
        let audited = format!(
            "SELECT COUNT(*) AS v FROM audit_log WHERE record_type = 'enrolment' \
             AND record_id = '{id}' AND action = 'alter' AND changes LIKE '%on_programme%'"
        );
        assert_eq!(scalar(&app, audited).await, 1, "enrolment {id}");
    }
    // with his figures
    let e = api(
        &app,
        "GET",
        &format!("/api/v1/enrolments/{}", ids[0]),
        Some(&facilitator),
        None,
    )
    .await
    .json();
    assert_eq!(
        (
            e["status"].as_str(),
            e["attended"].as_u64(),
            e["held"].as_u64()
        ),
        (Some("on_programme"), Some(1), Some(1))
    );
}

#[rocket::async_test]
async fn a_facilitator_of_another_cohort_gets_404_for_this_register_and_the_refusal_is_audited() {
    let app = TestApp::start().await;
    let probation = app.token(&[Role::Probation]).await;
    app.create_user("f.mine", &[Role::Facilitator]).await;
    let outsider = app.token(&[Role::Facilitator]).await;
    let cohort = running_cohort(&app, &probation, "f.mine", 12).await;
    let session = &cohort["sessions"][0]["id"];
    for (method, body) in [("GET", None), ("PUT", Some(json!({"marks": []})))] {
        let r = api(
            &app,
            method,
            &format!("/api/v1/sessions/{session}/attendance"),
            Some(&outsider),
            body,
        )
        .await;
        assert_eq!(r.status, Status::NotFound, "{method}");
        let (action, _, record, _) = app.last_audit().await;
        assert_eq!(
            (action.as_str(), record),
            ("refused", Some(session.to_string()))
        );
    }
}

#[rocket::async_test]
async fn completion_happens_when_the_rule_is_met_and_enforcement_prompts_by_the_order() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    // Another programme, stricter, made first: the cohort's id is then not
    // its programme's, and a register that read the wrong programme would
    // apply six sessions of six instead of three of four.
    let stricter = api(
        &app,
        "POST",
        "/api/v1/programmes",
        Some(&probation),
        Some(json!({
            "name": "Longer course",
            "max_group_size": 14,
            "sessions": (1..=6).map(|n| json!({"number": n, "title": format!("Part {n}"), "minutes": 90})).collect::<Vec<_>>(),
            "aims": ["Understand the harm done"],
            "completion_rule": {"min_attended": 6}
        })),
    )
    .await;
    assert_eq!(stricter.status, Status::Created, "{}", stricter.body);
    let cohort = {
        app.create_user("f.rule", &[Role::Facilitator]).await;
        running_cohort(&app, &probation, "f.rule", 12).await
    };
    assert_ne!(cohort["id"], cohort["programme_id"], "{cohort}");
    let ids = enrol_men(&app, &police, &probation, &cohort["id"], 2).await;
    let (keen, absent) = (ids[0], ids[1]);
    let enforcement_of = |id: i64| format!("/api/v1/enrolments/{id}/enforcement");
    for week in 0..3 {
        let session = &cohort["sessions"][week]["id"];
        let r = api(&app, "PUT", &format!("/api/v1/sessions/{session}/attendance"), Some(&probation), Some(json!({"marks": [
            {"enrolment_id": keen, "outcome": "attended_complied"},
            {"enrolment_id": absent, "outcome": if week == 1 { "unacceptable_absence" } else { "attended_complied" }}
        ]}))).await;
        assert_eq!(r.status, Status::Ok, "week {week}: {}", r.body);
        if week == 1 {
            let e = enrolment(&app, &probation, absent).await;
            assert_eq!(e["enforcement"]["prompt"], "warning_or_breach", "{e}");
            assert_eq!(e["enforcement"]["since"], "2026-12-07");
            let warned = api(
                &app,
                "POST",
                &enforcement_of(absent),
                Some(&probation),
                Some(
                    json!({"action": "warning", "date": "2026-12-07", "note": "Warned in writing"}),
                ),
            )
            .await;
            assert_eq!(warned.status, Status::Created, "{}", warned.body);
            assert_eq!(warned.json()["enforcement"]["prompt"], "none");
            let caution_only = api(
                &app,
                "POST",
                &enforcement_of(absent),
                Some(&probation),
                Some(json!({"action": "prosecution_referral", "date": "2026-12-07", "note": "x"})),
            )
            .await;
            assert_eq!(
                caution_only.status,
                Status::UnprocessableEntity,
                "a prosecution referral is for cautions"
            );
        }
        app.clock.advance(Duration::days(7));
    }
    let read_keen = format!(
        "audit_log WHERE action = 'consult' AND record_type = 'enrolment' AND record_id = '{keen}' AND person_id IS NOT NULL"
    );
    let reads_before = app.count(&read_keen).await;
    let done = enrolment(&app, &probation, keen).await;
    assert_eq!(
        app.count(&read_keen).await,
        reads_before + 1,
        "reading his standing is audited as a consult naming him"
    );
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(
        done["completed_on"], "2026-12-14",
        "the third session met the rule"
    );
    let not_yet = enrolment(&app, &probation, absent).await;
    assert_eq!(
        (
            not_yet["status"].as_str(),
            not_yet["sessions_remaining"].as_u64()
        ),
        (Some("on_programme"), Some(1))
    );
}

#[rocket::async_test]
async fn on_a_programme_of_every_core_session_a_man_completes_at_the_last_of_them_and_not_before() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    app.create_user("f.core", &[Role::Facilitator]).await;
    // Another programme made first: this one's sessions are then not the
    // first rows, and a save that took another programme's sessions for
    // this one's would see other core sessions.
    running_cohort(&app, &probation, "f.core", 12).await;
    let cohort = running_cohort_of(
        &app,
        &probation,
        "f.core",
        12,
        json!({
            "name": "Every session counts",
            "max_group_size": 14,
            "sessions": (1..=3).map(|n| json!({"number": n, "title": format!("Part {n}"), "minutes": 90, "core": true})).collect::<Vec<_>>(),
            "aims": ["Understand the harm done"],
            "completion_rule": {"all_core": true}
        }),
    )
    .await;
    let man = enrol_men(&app, &police, &probation, &cohort["id"], 1).await[0];
    for (week, status) in ["on_programme", "on_programme", "completed"]
        .iter()
        .enumerate()
    {
        let session = &cohort["sessions"][week]["id"];
        let r = api(
            &app,
            "PUT",
            &format!("/api/v1/sessions/{session}/attendance"),
            Some(&probation),
            Some(json!({"marks": [
                {"enrolment_id": man, "outcome": "attended_complied"}
            ]})),
        )
        .await;
        assert_eq!(r.status, Status::Ok, "week {week}: {}", r.body);
        let e = enrolment(&app, &probation, man).await;
        assert_eq!(e["status"], *status, "after session {}: {e}", week + 1);
        app.clock.advance(Duration::days(7));
    }
}

/// The register form's fields for `outcomes` (one per row, in page order).
fn register_fields(page: &str, version: &str, outcomes: &[&str]) -> Vec<(String, String)> {
    let ids: Vec<String> = page
        .split("].enrolment_id\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect();
    assert_eq!(ids.len(), outcomes.len(), "one row per man");
    let mut fields = vec![("register_version".to_string(), version.to_string())];
    for (i, (id, outcome)) in ids.iter().zip(outcomes).enumerate() {
        fields.push((format!("m[{i}].enrolment_id"), id.clone()));
        fields.push((format!("m[{i}].outcome"), outcome.to_string()));
    }
    fields
}

#[rocket::async_test]
async fn a_facilitator_opens_todays_register_from_home_marks_twelve_men_and_a_stale_save_shows_the_saved_marks()
 {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let mut facilitator = app.signed_in(&[Role::Facilitator]).await;
    let cohort = running_cohort(&app, &probation, &facilitator.username.clone(), 12).await;
    enrol_men(&app, &police, &probation, &cohort["id"], 12).await;
    let home = facilitator.get(&app, "/").await;
    let session = cohort["sessions"][0]["id"].to_string();
    let href = format!("/sessions/{session}/register");
    assert!(
        home.body.contains(&href),
        "today's register is linked from home: {}",
        home.body
    );
    let page = facilitator.get(&app, &href).await;
    assert_eq!(page.status, Status::Ok);
    assert!(
        page.body.contains("ABBOTT, Test")
            && page.body.contains("not yet assessed, no contact issues")
    );
    // an acceptable absence without its reason: the page comes back with what was typed
    let mut outcomes = vec!["attended_complied"; 12];
    outcomes[2] = "acceptable_absence";
    let fields = register_fields(&page.body, "0", &outcomes);
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let again = facilitator.post(&app, &href, &refs).await;
    assert_eq!(again.status, Status::UnprocessableEntity);
    assert!(
        again.body.contains("href=\"#m-2-absence_reason\""),
        "the summary links to the field"
    );
    assert!(again.body.contains("id=\"m-2-outcome-acceptable_absence\" name=\"m[2].outcome\" type=\"radio\" value=\"acceptable_absence\" checked"), "kept");
    assert_eq!(app.count("attendance_marks").await, 0, "nothing saved");
    // fixed: every mark saved in one go, and the counts show
    let mut fixed = fields.clone();
    let after_row_two = fixed
        .iter()
        .position(|(k, _)| k == "m[2].outcome")
        .expect("row")
        + 1;
    // a browser sends a row's fields together, in page order
    fixed.insert(
        after_row_two,
        ("m[2].absence_reason".into(), "medical".into()),
    );
    let refs: Vec<(&str, &str)> = fixed
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = facilitator.post(&app, &href, &refs).await;
    assert!(saved.redirects_to(&href), "{}", saved.body);
    assert_eq!(app.count("attendance_marks").await, 12);
    let after = facilitator.get(&app, &href).await;
    assert!(
        after.body.contains("Register saved: 12 marks recorded"),
        "{}",
        after.body
    );
    assert!(
        after
            .body
            .contains("Attended and complied: <strong>11</strong>")
    );
    assert!(
        after
            .body
            .contains("Acceptable absence: <strong>1</strong>")
    );
    // a second facilitator saving from the page opened before: told, shown the saved marks
    let stale = register_fields(&page.body, "0", &["unacceptable_absence"; 12]);
    let refs: Vec<(&str, &str)> = stale
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let conflict = facilitator.post(&app, &href, &refs).await;
    assert_eq!(conflict.status, Status::Conflict);
    assert!(conflict.body.contains("Someone else saved this register"));
    assert!(conflict.body.contains("You entered: Unacceptable absence"));
    assert_eq!(
        app.count("attendance_marks").await,
        12,
        "nothing overwritten"
    );
}

#[rocket::async_test]
async fn a_moved_session_keeps_its_marks_out_of_the_counts_and_a_catch_up_lists_only_those_who_missed_it()
 {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let mut facilitator = app.signed_in(&[Role::Facilitator]).await;
    let cohort = running_cohort(&app, &probation, &facilitator.username.clone(), 12).await;
    // a man arrested first and never enrolled, so that no enrolled man's
    // record has his enrolment's id: a register that named a man by his
    // enrolment's id would name the wrong one
    PersonBuilder::named("Notenrolled", "Test")
        .create(&app, &police)
        .await;
    let ids = enrol_men(&app, &police, &probation, &cohort["id"], 2).await;
    for id in &ids {
        let e = enrolment(&app, &probation, *id).await;
        assert_ne!(e["person_id"].as_i64(), Some(*id), "ids apart");
    }
    let first = cohort["sessions"][0]["id"].clone();
    let r = api(
        &app,
        "PUT",
        &format!("/api/v1/sessions/{first}/attendance"),
        Some(&probation),
        Some(json!({"marks": [
            {"enrolment_id": ids[0], "outcome": "unacceptable_absence"},
            {"enrolment_id": ids[1], "outcome": "attended_complied"}
        ]})),
    )
    .await;
    assert_eq!(r.status, Status::Ok, "{}", r.body);
    let page = format!("/cohorts/{}", cohort["id"]);
    facilitator.get(&app, &page).await;
    let schedule = format!("{page}/schedule");
    let when = [
        ("date_day", "30"),
        ("date_month", "11"),
        ("date_year", "2026"),
    ];
    let first_id = first.to_string();
    let mut moved = vec![
        ("change", "reschedule"),
        ("session_id", first_id.as_str()),
        ("time", "10:00"),
        ("reason", "Hall double-booked"),
    ];
    moved.extend(when);
    let r = facilitator.post(&app, &schedule, &moved).await;
    assert!(r.redirects_to(&page), "{}", r.body);
    let absent = api(
        &app,
        "GET",
        &format!("/api/v1/enrolments/{}", ids[0]),
        Some(&probation),
        None,
    )
    .await
    .json();
    assert_eq!(
        absent["unacceptable_absences"], 0,
        "the superseded session's mark no longer counts: {absent}"
    );
    assert_eq!(absent["enforcement"]["prompt"], "none");
    let there = api(
        &app,
        "GET",
        &format!("/api/v1/enrolments/{}", ids[1]),
        Some(&probation),
        None,
    )
    .await
    .json();
    assert_eq!(
        (there["attended"].as_u64(), there["held"].as_u64()),
        (Some(0), Some(1)),
        "{there}"
    );
    let shown = facilitator.get(&app, &page).await;
    assert!(
        shown.body.contains("Superseded: Hall double-booked"),
        "{}",
        shown.body
    );
    // the moved session: one attends, one does not; a catch-up lists only him
    let sessions: Vec<i64> = shown
        .body
        .split("/sessions/")
        .skip(1)
        .filter_map(|s| s.split('/').next()?.parse().ok())
        .collect();
    let new_first = *sessions.iter().max().expect("the new session");
    let r = api(&app, "PUT", &format!("/api/v1/sessions/{new_first}/attendance"), Some(&probation), Some(json!({"marks": [
        {"enrolment_id": ids[0], "outcome": "attended_complied"},
        {"enrolment_id": ids[1], "outcome": "acceptable_absence", "absence_reason": "employment"}
    ]}))).await;
    assert_eq!(r.status, Status::Ok, "{}", r.body);
    let mut catch_up = vec![("change", "catch_up"), ("number", "1"), ("time", "12:00")];
    catch_up.extend(when);
    let r = facilitator.post(&app, &schedule, &catch_up).await;
    assert!(r.redirects_to(&page), "{}", r.body);
    let catch_up_id = new_first + 1;
    let register = api(
        &app,
        "GET",
        &format!("/api/v1/sessions/{catch_up_id}/attendance"),
        Some(&probation),
        None,
    )
    .await
    .json();
    let names: Vec<&str> = register["lines"]
        .as_array()
        .map(|ls| ls.iter().filter_map(|l| l["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        vec!["BAKER, Test"],
        "only the man who missed session 1"
    );
    // a cancelled session shows as cancelled in the calendar file
    let second = cohort["sessions"][1]["id"].to_string();
    let r = facilitator
        .post(
            &app,
            &schedule,
            &[
                ("change", "cancel"),
                ("session_id", &second),
                ("reason", "Facilitator ill"),
            ],
        )
        .await;
    assert!(r.redirects_to(&page), "{}", r.body);
    let ics = facilitator.get(&app, &format!("{page}/calendar.ics")).await;
    assert_eq!(
        ics.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    assert!(
        ics.body.contains("STATUS:CANCELLED") && !ics.body.contains("ABBOTT"),
        "{}",
        ics.body
    );
    // a cancel without a reason keeps the form and names the field
    let third = cohort["sessions"][2]["id"].to_string();
    let bad = facilitator
        .post(
            &app,
            &schedule,
            &[("change", "cancel"), ("session_id", &third), ("reason", "")],
        )
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.body.contains("href=\"#reason\""), "{}", bad.body);
}

#[rocket::async_test]
async fn probation_sees_days_since_the_failure_records_a_warning_and_ends_an_enrolment_with_a_coded_reason()
 {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    app.create_user("f.days", &[Role::Facilitator]).await;
    let cohort = running_cohort(&app, &probation, "f.days", 12).await;
    let ids = enrol_men(&app, &police, &probation, &cohort["id"], 2).await;
    let first = &cohort["sessions"][0]["id"];
    let r = api(
        &app,
        "PUT",
        &format!("/api/v1/sessions/{first}/attendance"),
        Some(&probation),
        Some(
            json!({"marks": [{"enrolment_id": ids[0], "outcome": "unacceptable_absence",
                               "note": "Says his car broke down", "notify_probation": true}]}),
        ),
    )
    .await;
    assert_eq!(r.status, Status::Ok, "{}", r.body);
    app.clock.advance(Duration::days(3));
    let mut officer = app.signed_in(&[Role::Probation]).await;
    // his home page lists what to act on
    let home = officer.get(&app, "/").await;
    for expected in [
        "Give a warning or refer for breach, 3 days since the failure",
        "Says his car broke down",
        "IPS-1 session 1</a>: 1 unmarked",
    ] {
        assert!(
            home.body.contains(expected),
            "home lacks {expected:?}: {}",
            home.body
        );
    }
    let page = format!("/enrolments/{}", ids[0]);
    let shown = officer.get(&app, &page).await;
    assert!(
        shown.body.contains(
            "Give a warning or refer for breach: 3 days since the failure on 30 November 2026"
        ),
        "{}",
        shown.body
    );
    let r = officer.post(&app, &format!("{page}/enforcement"), &[
        ("action", "warning"), ("date_day", "3"), ("date_month", "12"), ("date_year", "2026"),
        ("note", "Warned in writing: unacceptable; another breach within 12 months goes to court"),
    ]).await;
    assert!(r.redirects_to(&page), "{}", r.body);
    let after = officer.get(&app, &page).await;
    assert!(
        after.body.contains("3 December 2026: Warning")
            && !after.body.contains("a decision is needed"),
        "{}",
        after.body
    );
    // ending early needs a coded reason
    let bad = officer
        .post(
            &app,
            &format!("{page}/end"),
            &[("reason", ""), ("end_note", "")],
        )
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(
        bad.body.contains("href=\"#reason\"") && bad.body.contains("href=\"#end_note\""),
        "{}",
        bad.body
    );
    let r = officer
        .post(
            &app,
            &format!("{page}/end"),
            &[
                ("reason", "deselected.behaviour"),
                ("end_note", "Abusive to the group twice"),
            ],
        )
        .await;
    assert!(r.redirects_to(&page), "{}", r.body);
    let e = api(
        &app,
        "GET",
        &format!("/api/v1/enrolments/{}", ids[0]),
        Some(&probation),
        None,
    )
    .await
    .json();
    assert_eq!(e["status"], "deselected");
    // the facilitator reads the enrolment of a man on his cohort, without the decision forms
    let mut facilitator = crate::support::Browser::new();
    facilitator
        .sign_in(&app, "f.days", crate::support::PASSWORD)
        .await;
    let seen = facilitator.get(&app, &page).await;
    assert_eq!(seen.status, Status::Ok);
    assert!(seen.body.contains("Deselected") && !seen.body.contains("Record the decision"));
}

#[rocket::async_test]
async fn the_police_see_on_the_arrest_whether_the_cautions_course_condition_was_met() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    app.create_user("f.met", &[Role::Facilitator]).await;
    let cohort = running_cohort(&app, &probation, "f.met", 12).await;
    let (man, arrest) = crate::support::builders::arrested_man(
        &app,
        &police,
        "Cautioned",
        "conditional_caution",
        json!({"course_deadline": "2027-01-31"}),
    )
    .await;
    let condition = |html: &str| {
        html.split("Course condition</dt><dd class=\"summary-list__value\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .unwrap_or("")
            .to_string()
    };
    let arrest_page = format!("/arrests/{}", arrest["id"]);
    let mut officer = app.signed_in(&[Role::Police]).await;
    assert_eq!(
        condition(&officer.get(&app, &arrest_page).await.body),
        "Not yet enrolled on the course"
    );
    let e = api(
        &app,
        "POST",
        "/api/v1/enrolments",
        Some(&probation),
        Some(json!({
            "person_id": man["id"], "cohort_id": cohort["id"], "referral_id": arrest["referral_id"],
            "legal_basis": "conditional_caution", "override_reason": "Assessed on paper"
        })),
    )
    .await;
    assert_eq!(e.status, Status::Created, "{}", e.body);
    let id = e.json()["id"].clone();
    let enrolled = api(
        &app,
        "GET",
        &format!("/api/v1/enrolments/{id}"),
        Some(&probation),
        None,
    )
    .await
    .json();
    assert_eq!(
        enrolled["deadline"], "2027-01-31",
        "the deadline the police recorded on the arrest"
    );
    assert_eq!(
        condition(&officer.get(&app, &arrest_page).await.body),
        "Enrolled; the course is under way"
    );
    for week in 0..3 {
        let session = &cohort["sessions"][week]["id"];
        api(
            &app,
            "PUT",
            &format!("/api/v1/sessions/{session}/attendance"),
            Some(&probation),
            Some(json!({"marks": [{"enrolment_id": id, "outcome": "attended_complied"}]})),
        )
        .await;
        app.clock.advance(Duration::days(7));
    }
    let mut next_week = app.signed_in(&[Role::Police]).await;
    let page = next_week.get(&app, &arrest_page).await.body;
    assert_eq!(condition(&page), "Course condition met on 14 December 2026");
    assert!(
        !page.contains("Attended and complied"),
        "the police are not told the attendance detail"
    );
}

#[rocket::async_test]
async fn a_facilitator_reads_a_man_on_his_own_cohort_with_fewer_fields_and_no_one_else() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let (facilitator, user_id) = app.token_and_user(&[Role::Facilitator]).await;
    let username = kerbside::db::users_repo::find(app.db(), user_id)
        .await
        .expect("db")
        .expect("user")
        .username;
    let cohort = running_cohort(&app, &probation, &username, 12).await;
    enrol_men(&app, &police, &probation, &cohort["id"], 1).await;
    let people = api(&app, "GET", "/api/v1/people?q=Abbott", Some(&police), None)
        .await
        .json();
    let on_cohort = people["items"][0]["id"].clone();
    let other = PersonBuilder::named("Elsewhere", "Test")
        .create(&app, &police)
        .await;
    let seen = api(
        &app,
        "GET",
        &format!("/api/v1/people/{on_cohort}"),
        Some(&facilitator),
        None,
    )
    .await;
    assert_eq!(seen.status, Status::Ok, "{}", seen.body);
    let seen = seen.json();
    assert_eq!(seen["name"], "ABBOTT, Test");
    assert_eq!(seen["summary"], "not yet assessed, no contact issues");
    assert_eq!(seen["cohorts"][0]["status"], "awaiting_start");
    for hidden in ["date_of_birth", "arrests", "address", "pnc_id", "referrals"] {
        assert!(
            seen.get(hidden).is_none(),
            "a facilitator is not told {hidden}"
        );
    }
    let (action, _, _, _) = app.last_audit().await;
    assert_eq!(action, "consult");
    let refused = api(
        &app,
        "GET",
        &format!("/api/v1/people/{}", other["id"]),
        Some(&facilitator),
        None,
    )
    .await;
    assert_eq!(refused.status, Status::NotFound);
    let (action, _, record, person) = app.last_audit().await;
    assert_eq!(
        (action.as_str(), record),
        ("refused", Some(other["id"].to_string()))
    );
    assert_eq!(person, other["id"].as_i64().map(|i| i as i32));
}

#[rocket::async_test]
async fn probation_enrols_a_man_from_his_programme_tab_and_a_full_cohort_says_so_on_the_form() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    app.create_user("f.tab", &[Role::Facilitator]).await;
    let cohort = running_cohort(&app, &probation, "f.tab", 1).await;
    let (man, arrest) = crate::support::builders::arrested_man(
        &app,
        &police,
        "Tabbed",
        "conditional_caution",
        json!({"course_deadline": "2027-01-31"}),
    )
    .await;
    let mut officer = app.signed_in(&[Role::Probation]).await;
    let tab = format!("/people/{}/programme", man["id"]);
    let page = officer.get(&app, &tab).await;
    assert!(
        page.body.contains("He has not been enrolled") && page.body.contains("1 place left"),
        "{}",
        page.body
    );
    let post = format!("/people/{}/enrolments", man["id"]);
    let cid = cohort["id"].to_string();
    let rid = arrest["referral_id"].to_string();
    let mut fields = vec![
        ("cohort_id", cid.as_str()),
        ("referral_id", rid.as_str()),
        ("legal_basis", "conditional_caution"),
        ("deadline_day", "31"),
        ("deadline_month", "1"),
        ("deadline_year", "2027"),
        ("override_reason", ""),
    ];
    let refused = officer.post(&app, &post, &fields).await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        refused.body.contains("href=\"#override_reason\"") && refused.body.contains("value=\"31\""),
        "typed values kept"
    );
    fields[6] = ("override_reason", "Assessed by the court's report writer");
    let done = officer.post(&app, &post, &fields).await;
    assert!(done.redirects_to("/enrolments/"), "{}", done.body);
    let again = officer.get(&app, &tab).await;
    assert!(
        again.body.contains(cohort["code"].as_str().unwrap_or("?"))
            && again.body.contains("Awaiting start")
    );
    // another man: the cohort is full, and the form says so
    let other = PersonBuilder::named("Latecomer", "Test")
        .create(&app, &police)
        .await;
    officer
        .get(&app, &format!("/people/{}/programme", other["id"]))
        .await;
    let full = officer
        .post(
            &app,
            &format!("/people/{}/enrolments", other["id"]),
            &[
                ("cohort_id", cid.as_str()),
                ("referral_id", ""),
                ("legal_basis", "voluntary"),
                ("deadline_day", ""),
                ("deadline_month", ""),
                ("deadline_year", ""),
                ("override_reason", "Asked to come"),
            ],
        )
        .await;
    assert_eq!(full.status, Status::Conflict);
    assert!(
        full.body.contains("is full (1 of 1 places taken)"),
        "{}",
        full.body
    );
}

/// Three men: a driver and his passenger arrested on London Road twenty
/// minutes apart (together), and a stranger arrested elsewhere.
async fn driver_passenger_and_stranger(app: &TestApp, police: &str, forenames: &str) -> Vec<Value> {
    let mut men = Vec::new();
    for (surname, at, location) in [
        ("Driver", "2026-11-20T23:00:00Z", "London Road"),
        ("Passenger", "2026-11-20T23:20:00Z", "london road"),
        ("Stranger", "2026-11-20T23:10:00Z", "Portman Road"),
    ] {
        let man = PersonBuilder::named(surname, forenames)
            .create(app, police)
            .await;
        crate::support::builders::ArrestBuilder::of(&man)
            .at(at)
            .with("location", json!(location))
            .create(app, police)
            .await;
        men.push(man);
    }
    men
}

#[rocket::async_test]
async fn men_arrested_together_are_warned_of_when_they_would_share_a_cohort() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let mut facilitator = app.signed_in(&[Role::Facilitator]).await;
    let cohort = running_cohort(&app, &probation, &facilitator.username.clone(), 12).await;
    let men = driver_passenger_and_stranger(&app, &police, "Test").await;
    let enrol = |man: &Value| json!({"person_id": man["id"], "cohort_id": cohort["id"], "legal_basis": "voluntary", "override_reason": "Asked to attend"});
    let first = api(
        &app,
        "POST",
        "/api/v1/enrolments",
        Some(&probation),
        Some(enrol(&men[0])),
    )
    .await
    .json();
    assert_eq!(first["warnings"], json!([]));
    let stranger = api(
        &app,
        "POST",
        "/api/v1/enrolments",
        Some(&probation),
        Some(enrol(&men[2])),
    )
    .await
    .json();
    assert_eq!(stranger["warnings"], json!([]), "arrested elsewhere");
    let second = api(
        &app,
        "POST",
        "/api/v1/enrolments",
        Some(&probation),
        Some(enrol(&men[1])),
    )
    .await;
    assert_eq!(second.status, Status::Created, "a warning, not a refusal");
    assert_eq!(
        app.count(&format!(
            "audit_subjects WHERE person_id = {} AND audit_id = (SELECT MAX(id) FROM audit_log WHERE action = 'collect' AND record_type = 'enrolment')",
            men[0]["id"]
        ))
        .await,
        1,
        "the man the warning names has the disclosure in his audit trail"
    );
    let warning = second.json()["warnings"][0]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        warning.contains("arrested together with DRIVER, Test"),
        "{warning}"
    );
    let page = facilitator
        .get(&app, &format!("/cohorts/{}", cohort["id"]))
        .await;
    assert!(
        page.body
            .contains("PASSENGER, Test and DRIVER, Test were arrested together")
            || page
                .body
                .contains("DRIVER, Test and PASSENGER, Test were arrested together"),
        "{}",
        page.body
    );
}

#[rocket::async_test]
async fn a_facilitator_creates_a_programme_and_sets_up_a_cohort_through_the_pages() {
    let app = TestApp::start().await;
    let mut facilitator = app.signed_in(&[Role::Facilitator]).await;
    let me = facilitator.username.clone();
    facilitator.get(&app, "/programmes/new").await;
    let mut fields = vec![
        ("name", "Awareness (evenings)"),
        ("max_group_size", "12"),
        ("rule", "min_attended"),
        ("min_attended", "5"),
        ("aims", "Understand the harm done\nKnow the law"),
        ("s[0].title", "Consequences"),
        ("s[0].minutes", "120"),
        ("s[0].core", "true"),
        ("s[1].title", "Exploitation"),
        ("s[1].minutes", "two hours"),
        ("s[1].core", "true"),
        ("s[2].title", ""),
        ("s[2].minutes", ""),
    ];
    let bad = facilitator.post(&app, "/programmes", &fields).await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(
        bad.body.contains("href=\"#s-1-minutes\"") && bad.body.contains("value=\"two hours\""),
        "{}",
        bad.body
    );
    fields[9] = ("s[1].minutes", "120");
    let still = facilitator.post(&app, "/programmes", &fields).await;
    assert!(
        still.body.contains("href=\"#min_attended\""),
        "5 of 2 sessions: {}",
        still.body
    );
    fields[3] = ("min_attended", "2");
    let made = facilitator.post(&app, "/programmes", &fields).await;
    assert!(
        made.redirects_to("/cohorts/new?programme="),
        "{}",
        made.body
    );
    let form = facilitator
        .get(&app, made.location.as_deref().unwrap_or("/"))
        .await;
    assert!(
        form.body.contains(&format!("value=\"{me}\"")),
        "facilitators offered"
    );
    let cohort = [
        ("programme_id", "1"),
        ("code", "EVE-1"),
        ("venue", "St Mary's church hall"),
        ("capacity", "10"),
        ("facilitators", me.as_str()),
        ("first_day", "8"),
        ("first_month", "12"),
        ("first_year", "2026"),
        ("time", "19:00"),
        ("interval_days", "7"),
    ];
    let set_up = facilitator.post(&app, "/cohorts", &cohort).await;
    assert!(set_up.redirects_to("/cohorts/"), "{}", set_up.body);
    let page = facilitator
        .get(&app, set_up.location.as_deref().unwrap_or("/"))
        .await;
    assert!(
        page.body.contains("Cohort EVE-1")
            && page.body.contains("8 December 2026, 19:00")
            && page.body.contains("15 December 2026, 19:00"),
        "{}",
        page.body
    );
    let again = facilitator.post(&app, "/cohorts", &cohort).await;
    assert!(
        again.body.contains("Cohort code EVE-1 is already used"),
        "{}",
        again.body
    );
}

#[rocket::async_test]
async fn two_facilitators_saving_one_register_at_the_same_moment_keep_one_save_and_refuse_the_other()
 {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    app.create_user("f.race", &[Role::Facilitator]).await;
    let cohort = running_cohort(&app, &probation, "f.race", 12).await;
    let ids = enrol_men(&app, &police, &probation, &cohort["id"], 3).await;
    let path = format!(
        "/api/v1/sessions/{}/attendance",
        cohort["sessions"][0]["id"]
    );
    let body = |outcome: &str| Some(json!({"register_version": 0, "marks": marks(&ids, outcome)}));
    let other = app.token(&[Role::Probation]).await;
    let (a, b) = futures::future::join(
        api(
            &app,
            "PUT",
            &path,
            Some(&probation),
            body("attended_complied"),
        ),
        api(
            &app,
            "PUT",
            &path,
            Some(&other),
            body("unacceptable_absence"),
        ),
    )
    .await;
    let statuses = [a.status, b.status];
    assert!(
        statuses.contains(&Status::Ok) && statuses.contains(&Status::Conflict),
        "one kept, one refused: {statuses:?}"
    );
    assert_eq!(
        app.count("attendance_marks").await,
        3,
        "only the kept save's marks"
    );
    let kept = if a.status == Status::Ok {
        "attended_complied"
    } else {
        "unacceptable_absence"
    };
    let now = api(&app, "GET", &path, Some(&probation), None).await.json();
    assert!(
        now["lines"]
            .as_array()
            .is_some_and(|ls| ls.iter().all(|l| l["outcome"] == kept)),
        "{now}"
    );
}

#[rocket::async_test]
async fn the_progress_report_is_a_pdf_named_by_its_reference_and_its_download_is_a_disclosure_to_the_court()
 {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let mut facilitator = app.signed_in(&[Role::Facilitator]).await;
    let cohort = running_cohort(&app, &probation, &facilitator.username.clone(), 12).await;
    let ids = enrol_men(&app, &police, &probation, &cohort["id"], 1).await;
    let first = &cohort["sessions"][0]["id"];
    api(&app, "PUT", &format!("/api/v1/sessions/{first}/attendance"), Some(&probation),
        Some(json!({"marks": [{"enrolment_id": ids[0], "outcome": "attended_complied", "minutes_late": 12}]}))).await;
    // the facilitator rates the programme's aim on the enrolment page
    let enrolment_page = format!("/enrolments/{}", ids[0]);
    facilitator.get(&app, &enrolment_page).await;
    let aims = format!("{enrolment_page}/aims");
    let bad = facilitator
        .post(
            &app,
            &aims,
            &[
                ("a[0].aim", "0"),
                ("a[0].rating", ""),
                ("a[0].comment", "Engaged well"),
            ],
        )
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(
        bad.body.contains("href=\"#aim-0\"") && bad.body.contains("Engaged well"),
        "{}",
        bad.body
    );
    let rated = facilitator
        .post(
            &app,
            &aims,
            &[
                ("a[0].aim", "0"),
                ("a[0].rating", "partially_achieved"),
                ("a[0].comment", "Engaged well; still minimises the harm"),
            ],
        )
        .await;
    assert!(rated.redirects_to(&enrolment_page), "{}", rated.body);
    let path = format!(
        "/api/v1/enrolments/{}/progress-report.pdf?recipient=Ipswich%20Magistrates%27%20Court",
        ids[0]
    );
    let r = app
        .client
        .get(path)
        .header(rocket::http::Header::new(
            "Authorization",
            format!("Bearer {probation}"),
        ))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    assert_eq!(r.content_type(), Some(rocket::http::ContentType::PDF));
    let disposition = r
        .headers()
        .get_one("Content-Disposition")
        .unwrap_or_default()
        .to_string();
    assert!(
        disposition.contains("progress-report-PR-")
            && !disposition.to_lowercase().contains("abbott"),
        "{disposition}"
    );
    let bytes = r.into_bytes().await.unwrap_or_default();
    let mut warnings = Vec::new();
    let pdf =
        printpdf::PdfDocument::parse(&bytes, &printpdf::PdfParseOptions::default(), &mut warnings)
            .expect("a PDF");
    let text = pdf
        .extract_text()
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "ABBOTT, Test",
        "1. Participant and programme",
        "Community order",
        "Attended and complied",
        "12",
        "Sessions held: 1. Attended: 1.",
        "Understand the harm done to women in street sex work",
        "Partially achieved",
        "still minimises the harm",
        "Not yet completed",
        "OFFICIAL-SENSITIVE",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from: {text}");
    }
    let (action, record_type, record, person) = app.last_audit().await;
    assert_eq!(
        (action.as_str(), record_type.as_deref(), record),
        (
            "disclose",
            Some("progress_report"),
            Some(ids[0].to_string())
        )
    );
    assert!(person.is_some());
    assert_eq!(
        app.count(
            "audit_log WHERE action = 'disclose' AND recipient = 'Ipswich Magistrates'' Court'"
        )
        .await,
        1
    );
    // the printable page: the same content, read rather than disclosed
    let printable = facilitator
        .get(&app, &format!("/enrolments/{}/progress-report", ids[0]))
        .await;
    assert_eq!(printable.status, Status::Ok);
    assert!(
        printable.body.contains("1. Participant and programme")
            && printable.body.contains("Partially achieved")
    );
    let (action, _, _, _) = app.last_audit().await;
    assert_eq!(action, "consult");
    // the cohort's facilitator downloads it from the enrolment page
    let page = facilitator
        .get(&app, &format!("/enrolments/{}/progress-report.pdf", ids[0]))
        .await;
    assert_eq!(page.status, Status::Ok);
}

#[rocket::async_test]
async fn men_enrolled_together_are_checked_as_one_after_another_and_a_refused_one_keeps_none() {
    use kerbside::domain::enrolment::LegalBasis;
    use kerbside::error::AppError;
    use kerbside::services::enrolments::{EnrolmentInput, enrol_many};
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let officer = kerbside::auth::identity::token_actor(app.state(), &probation)
        .await
        .expect("the token's actor");
    app.create_user("f.together", &[Role::Facilitator]).await;
    let cohort = running_cohort(&app, &probation, "f.together", 2).await;
    let men = driver_passenger_and_stranger(&app, &police, "Together").await;
    let input = |man: &Value, reason: Option<&str>, waiting_list: bool| EnrolmentInput {
        person_id: man["id"].as_i64().unwrap_or_default() as i32,
        cohort_id: cohort["id"].as_i64().unwrap_or_default() as i32,
        referral_id: None,
        legal_basis: LegalBasis::Voluntary,
        deadline: None,
        override_reason: reason.map(str::to_string),
        waiting_list,
    };
    let asked = Some("Asked to attend");
    let (enrolments, entries) = (app.count("enrolments").await, app.count("audit_log").await);

    // the second has neither a suitable assessment nor a reason: refused,
    // and the first, before him in the set, is not kept
    match enrol_many(
        app.state(),
        &officer,
        &[input(&men[0], asked, false), input(&men[1], None, false)],
    )
    .await
    {
        Err(AppError::Invalid(f)) => {
            assert!(f.get("enrolments[1].override_reason").is_some(), "{f:?}")
        }
        other => panic!("expected the second to be refused: {other:?}"),
    }
    // a man twice in a set is already enrolled the second time
    match enrol_many(
        app.state(),
        &officer,
        &[input(&men[0], asked, false), input(&men[0], asked, false)],
    )
    .await
    {
        Err(AppError::Conflict(m)) => {
            assert!(m.starts_with("Enrolment 1: He is already enrolled"), "{m}")
        }
        other => panic!("expected the man's second to be refused: {other:?}"),
    }
    // the first two take the cohort's two places: the third finds it full
    match enrol_many(
        app.state(),
        &officer,
        &[
            input(&men[0], asked, false),
            input(&men[1], asked, false),
            input(&men[2], asked, false),
        ],
    )
    .await
    {
        Err(AppError::Conflict(m)) => {
            assert!(
                m.starts_with("Enrolment 2:") && m.contains("is full (2 of 2 places taken)"),
                "{m}"
            )
        }
        other => panic!("expected the third to find the cohort full: {other:?}"),
    }
    assert_eq!(app.count("enrolments").await, enrolments, "none kept");
    assert_eq!(app.count("audit_log").await, entries, "nothing audited");

    // the whole set: two places, then the waiting list; the passenger is
    // warned of the driver enrolled before him in the same set
    let enrolled = enrol_many(
        app.state(),
        &officer,
        &[
            input(&men[0], asked, false),
            input(&men[1], asked, false),
            input(&men[2], asked, true),
        ],
    )
    .await
    .expect("enrolled");
    let statuses: Vec<String> = enrolled
        .iter()
        .map(|e| e.enrolment.status.as_str().to_string())
        .collect();
    assert_eq!(
        statuses,
        ["awaiting_start", "awaiting_start", "waiting_list"]
    );
    assert!(enrolled[0].warnings.is_empty() && enrolled[2].warnings.is_empty());
    assert_eq!(enrolled[1].warnings.len(), 1, "{:?}", enrolled[1].warnings);
    assert!(
        enrolled[1].warnings[0].contains("arrested together with DRIVER, Together"),
        "{:?}",
        enrolled[1].warnings
    );
    for (e, man) in enrolled.iter().zip(&men) {
        assert_eq!(
            i64::from(e.enrolment.person_id),
            man["id"].as_i64().unwrap_or_default()
        );
        assert_eq!(
            scalar(
                &app,
                format!(
                    "SELECT note AS v FROM enrolment_status_history WHERE enrolment_id = {}",
                    e.enrolment.id
                )
            )
            .await,
            "Enrolled without a suitable assessment: Asked to attend",
            "one history row each, as one enrolled alone"
        );
        assert_eq!(
            app.count(&format!(
                "audit_log WHERE action = 'collect' AND record_type = 'enrolment' AND record_id = '{}' AND person_id = {} AND reason = 'enrolled without a suitable assessment: Asked to attend'",
                e.enrolment.id, man["id"]
            ))
            .await,
            1,
            "one audit entry each, as one enrolled alone"
        );
    }
    assert_eq!(
        app.count(&format!(
            "audit_subjects WHERE person_id = {} AND audit_id = (SELECT id FROM audit_log WHERE record_type = 'enrolment' AND record_id = '{}')",
            men[0]["id"], enrolled[1].enrolment.id
        ))
        .await,
        1,
        "the driver the passenger's warning names has the disclosure in his trail"
    );
}
