//! Known reoffending: a re-arrest records itself, a caution is entered from
//! a check, and the statistics for a small scenario with a known answer come
//! back exactly, exclusions and intervals included, never called "proven".

use kerbside::domain::roles::Role;
use rocket::http::Status;
use serde_json::{Value, json};

use crate::probation_assessments::completed_assessment;
use crate::support::builders::{ArrestBuilder, PersonBuilder};
use crate::support::{TestApp, api};

/// A man cautioned on condition of attending the course, arrested at
/// `arrested`: his record, with the referral the caution made as `referral_id`.
async fn man(app: &TestApp, police: &str, surname: &str, arrested: &str) -> Value {
    let mut m = PersonBuilder::named(surname, "Test")
        .create(app, police)
        .await;
    let deadline = format!("{}-12-31", &arrested[..4]);
    let arrest = ArrestBuilder::of(&m)
        .at(arrested)
        .conditional_caution(&deadline)
        .create(app, police)
        .await;
    m["referral_id"] = arrest["referral_id"].clone();
    m
}

async fn assessed(app: &TestApp, probation: &str, m: &Value) {
    completed_assessment(app, probation, &m["id"], &m["referral_id"]).await;
}

fn close(v: &Value, expected: f64) {
    let got = v.as_f64().unwrap_or(f64::NAN);
    assert!((got - expected).abs() < 1e-6, "{got} is not {expected}");
}

#[rocket::async_test]
async fn the_reoffending_figures_of_a_known_scenario_come_back_exactly() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let manager = app.token(&[Role::Manager]).await;
    app.create_user("f.stats", &[Role::Facilitator]).await;

    // a one-session programme run in March 2024
    let programme = api(
        &app,
        "POST",
        "/api/v1/programmes",
        Some(&probation),
        Some(json!({
            "name": "Awareness", "max_group_size": 12, "completion_rule": {"min_attended": 1},
            "sessions": [{"number": 1, "title": "Consequences", "minutes": 120}]
        })),
    )
    .await;
    assert_eq!(programme.status, Status::Created, "{}", programme.body);
    let cohort = api(&app, "POST", "/api/v1/cohorts", Some(&probation), Some(json!({
        "programme_id": programme.json()["id"], "code": "OLD-1", "venue": "Hall", "capacity": 12,
        "facilitator_usernames": ["f.stats"], "first_session_at": "2024-03-04T10:00:00Z", "interval_days": 7
    }))).await;
    assert_eq!(cohort.status, Status::Created, "{}", cohort.body);
    let cohort = cohort.json();

    // A completes and is arrested again within the year; B attends nothing and
    // is arrested again after the year; C is assessed, never enrolled, and a
    // caution is found for him within the year; D is assessed too recently to count
    let a = man(&app, &police, "Adams", "2024-03-01T22:00:00Z").await;
    let b = man(&app, &police, "Brown", "2024-03-01T22:00:00Z").await;
    let c = man(&app, &police, "Clark", "2024-03-01T22:00:00Z").await;
    let d = man(&app, &police, "Davis", "2026-01-10T22:00:00Z").await;
    let mut enrolment = Vec::new();
    for m in [&a, &b] {
        let e = api(
            &app,
            "POST",
            "/api/v1/enrolments",
            Some(&probation),
            Some(json!({
                "person_id": m["id"], "cohort_id": cohort["id"], "referral_id": m["referral_id"],
                "legal_basis": "voluntary", "override_reason": "Asked to attend"
            })),
        )
        .await;
        assert_eq!(e.status, Status::Created, "{}", e.body);
        enrolment.push(e.json()["id"].clone());
    }
    let marked = api(
        &app,
        "PUT",
        &format!(
            "/api/v1/sessions/{}/attendance",
            cohort["sessions"][0]["id"]
        ),
        Some(&probation),
        Some(json!({
            "marks": [{"enrolment_id": enrolment[0], "outcome": "attended_complied"},
                      {"enrolment_id": enrolment[1], "outcome": "unacceptable_absence"}]
        })),
    )
    .await;
    assert_eq!(marked.status, Status::Ok, "{}", marked.body);
    for m in [&c, &d] {
        assessed(&app, &probation, m).await;
    }
    let before = app.count("reoffences").await;
    ArrestBuilder::of(&a)
        .at("2024-09-01T21:00:00Z")
        .create(&app, &police)
        .await;
    ArrestBuilder::of(&b)
        .at("2025-06-01T21:00:00Z")
        .create(&app, &police)
        .await;
    assert_eq!(
        app.count("reoffences").await,
        before + 2,
        "each re-arrest records itself"
    );
    let bad = api(&app, "POST", "/api/v1/reoffences", Some(&probation), Some(json!({
        "person_id": c["id"], "offence_date": "2024-12-01", "outcome": "caution", "outcome_date": "2024-11-01", "source": "PNC check"
    }))).await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.json()["error"]["fields"]["outcome_date"].is_string());
    let caution = api(&app, "POST", "/api/v1/reoffences", Some(&police), Some(json!({
        "person_id": c["id"], "offence_date": "2024-12-01", "outcome": "caution", "outcome_date": "2025-01-15", "source": "PNC check"
    }))).await;
    assert_eq!(caution.status, Status::Created, "{}", caution.body);

    // indexed by the arrest that led to the referral
    let r = api(&app, "GET", "/api/v1/statistics/reoffending?index=arrest&from=2024-01-01&to=2026-11-30&as_of=2026-11-30", Some(&manager), None).await;
    assert_eq!(r.status, Status::Ok, "{}", r.body);
    let f = r.json();
    assert_eq!(f["label"], "known reoffending recorded in this system");
    assert!(!r.body.to_lowercase().contains("proven"), "{}", r.body);
    let g = &f["groups"];
    let counts = |g: &Value| {
        [
            "cohort_size",
            "eligible",
            "excluded_not_yet_eligible",
            "reoffenders",
        ]
        .map(|k| g[k].as_u64().unwrap_or(99))
    };
    assert_eq!(counts(&g["completed"]), [1, 1, 0, 1]);
    assert_eq!(
        counts(&g["not_completed"]),
        [1, 1, 0, 0],
        "B's re-arrest came after the year"
    );
    assert_eq!(
        counts(&g["not_enrolled"]),
        [2, 1, 1, 1],
        "D is not yet eligible; C's caution counts"
    );
    close(&g["completed"]["rate"], 1.0);
    close(&g["completed"]["ci95"][0], 0.206549);
    close(&g["completed"]["ci95"][1], 1.0);
    close(&g["not_completed"]["ci95"][1], 0.793451);
    close(&g["completed"]["reoffences_per_reoffender"], 1.0);
    assert_eq!(
        g["completed"]["median_days"], 184,
        "1 March to 1 September 2024"
    );
    assert_eq!(
        g["not_completed"]["median_days"],
        Value::Null,
        "not reached"
    );
    assert_eq!(g["completed"]["small_group"], true);
    let km = &g["completed"]["kaplan_meier"][0];
    assert_eq!(
        (
            km["day"].as_i64(),
            km["at_risk"].as_u64(),
            km["events"].as_u64()
        ),
        (Some(184), Some(1), Some(1))
    );
    close(
        &f["difference_completed_minus_not_completed"]["estimate"],
        1.0,
    );
    // not_enrolled: C's caution on 1 December 2024 is day 275
    assert_eq!(g["not_enrolled"]["kaplan_meier"][0]["day"], 275);

    // indexed by programme start: only men who attended a session have one
    let p = api(
        &app,
        "GET",
        "/api/v1/statistics/reoffending?index=programme_start&as_of=2026-11-30",
        Some(&probation),
        None,
    )
    .await
    .json();
    assert_eq!(
        p["groups"]["completed"]["median_days"], 181,
        "4 March to 1 September 2024"
    );
    assert_eq!(p["groups"]["not_completed"]["without_index_date"], 1);
    assert_eq!(p["groups"]["not_enrolled"]["without_index_date"], 2);

    // a wrong parameter is named; police and facilitators see no statistics
    let wrong = api(
        &app,
        "GET",
        "/api/v1/statistics/reoffending?window_days=0&index=sometime",
        Some(&manager),
        None,
    )
    .await;
    assert_eq!(wrong.status, Status::UnprocessableEntity);
    let fields = &wrong.json()["error"]["fields"];
    assert!(
        fields["window_days"].is_string() && fields["index"].is_string(),
        "{fields}"
    );
    let refused = api(
        &app,
        "GET",
        "/api/v1/statistics/reoffending",
        Some(&police),
        None,
    )
    .await;
    assert_eq!(refused.status, Status::Forbidden);

    // the page shows the same figures, the curves as a picture and as a table
    let mut board = app.signed_in(&[Role::Manager]).await;
    let page = board
        .get(&app, "/statistics/reoffending?index=arrest&from_day=1&from_month=1&from_year=2024&to_day=30&to_month=11&to_year=2026&window_days=&waiting_days=&as_of_day=30&as_of_month=11&as_of_year=2026")
        .await;
    assert_eq!(page.status, Status::Ok);
    // the rows in group order (each row's heading is its group)
    let rows = crate::support::table_rows_in(&page.body, "Figures by group");
    assert_eq!(
        rows.first().map(|r| r[..6].to_vec()),
        Some(
            ["1", "1", "0", "1", "100.0%", "20.7% to 100.0%"]
                .map(String::from)
                .to_vec()
        ),
        "{rows:?}"
    );
    assert_eq!(rows.get(2).map(|r| r[7].clone()), Some("275 days".into()));
    assert!(page.body.contains("Completed the programme"));
    assert!(page.body.contains("<svg") && page.body.contains("role=\"img\""));
    let steps = crate::support::table_rows_in(&page.body, "Kaplan-Meier steps");
    assert!(
        steps
            .iter()
            .any(|r| r.get(1).map(String::as_str) == Some("184")),
        "{steps:?}"
    );
    assert!(
        !page.body.to_lowercase().contains("adams"),
        "no names on a statistics page"
    );
    // the same as CSV; the Justice Data Lab file is probation's, and a disclosure
    let q = "index=arrest&from_day=1&from_month=1&from_year=2024&to_day=30&to_month=11&to_year=2026&as_of_day=30&as_of_month=11&as_of_year=2026";
    let csv = board
        .get(&app, &format!("/statistics/reoffending.csv?{q}"))
        .await;
    assert_eq!(csv.status, Status::Ok);
    assert!(
        csv.body
            .starts_with("known reoffending recorded in this system,"),
        "{}",
        csv.body
    );
    assert!(
        csv.body
            .contains("completed,1,1,0,0,1,1.000000,0.206549,1.000000,1.000000,184"),
        "{}",
        csv.body
    );
    let jdl = format!("/statistics/reoffending/justice-data-lab.csv?group=not_enrolled&{q}");
    assert_eq!(
        board.get(&app, &jdl).await.status,
        Status::Forbidden,
        "a manager sees no names"
    );
    let mut officer = app.signed_in(&[Role::Probation]).await;
    let file = officer.get(&app, &jdl).await;
    assert_eq!(file.status, Status::Ok);
    assert!(
        file.body
            .starts_with("surname,forenames,date_of_birth,sex,index_date\r\n"),
        "{}",
        file.body
    );
    assert!(
        file.body.contains("Clark,Test,") && file.body.contains(",male,2024-03-01"),
        "{}",
        file.body
    );
    assert!(
        file.body.contains("Davis,Test,") && !file.body.contains("Adams"),
        "{}",
        file.body
    );
    assert_eq!(
        app.count("audit_log WHERE action = 'disclose' AND record_type = 'justice_data_lab_file' AND recipient = 'Justice Data Lab'").await,
        1
    );
    let wrong = board
        .get(&app, "/statistics/reoffending?window_days=a%20year")
        .await;
    assert_eq!(wrong.status, Status::UnprocessableEntity);
    assert!(
        wrong.body.contains("href=\"#window_days\"") && wrong.body.contains("value=\"a year\"")
    );
}

#[rocket::async_test]
async fn a_caution_found_by_a_check_is_entered_on_his_record_next_to_his_re_arrest() {
    let app = TestApp::start().await;
    let (mut officer, police) = app.signed_in_with_token(&[Role::Police]).await;
    let m = man(&app, &police, "Evans", "2025-03-01T22:00:00Z").await;
    ArrestBuilder::of(&m)
        .at("2025-09-01T22:00:00Z")
        .create(&app, &police)
        .await;
    let record = format!("/people/{}", m["id"]);
    let page = officer.get(&app, &record).await;
    assert!(
        page.body.contains("Known reoffences") && page.body.contains("Re-arrest"),
        "{}",
        page.body
    );
    assert!(page.body.contains("not proven reoffending"));
    let form = format!("{record}/reoffences");
    let bad = officer
        .post(
            &app,
            &form,
            &[
                ("offence_date_day", "10"),
                ("offence_date_month", "10"),
                ("offence_date_year", "2025"),
                ("outcome", "conviction"),
                ("outcome_date_day", "40"),
                ("outcome_date_month", "10"),
                ("outcome_date_year", "2025"),
                ("source", "PNC check"),
            ],
        )
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(
        bad.body.contains("href=\"#outcome_date\"") && bad.body.contains("value=\"PNC check\""),
        "{}",
        bad.body
    );
    let before = app.count("reoffences").await;
    let good = officer
        .post(
            &app,
            &form,
            &[
                ("offence_date_day", "10"),
                ("offence_date_month", "10"),
                ("offence_date_year", "2025"),
                ("outcome", "conviction"),
                ("outcome_date_day", "20"),
                ("outcome_date_month", "11"),
                ("outcome_date_year", "2025"),
                ("source", "PNC check"),
            ],
        )
        .await;
    assert!(good.redirects_to(&record), "{}", good.body);
    assert_eq!(app.count("reoffences").await, before + 1);
    let after = officer.get(&app, &record).await;
    assert!(after.body.contains("Conviction") && after.body.contains("20 November 2025"));
    let (action, kind, _, person) = app.last_audit().await;
    assert_eq!(
        (action.as_str(), kind.as_deref()),
        ("consult", Some("person"))
    );
    assert_eq!(person, Some(m["id"].as_i64().unwrap_or_default() as i32));
    assert_eq!(
        app.count("audit_log WHERE action = 'collect' AND record_type = 'reoffence'")
            .await,
        2,
        "the re-arrest's and the conviction's"
    );
}

#[rocket::async_test]
async fn the_dashboard_counts_the_period_and_the_community_view_hides_an_area_with_three_arrests() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    for (i, area) in [
        "Central", "Central", "Central", "Docks", "Docks", "Docks", "Docks", "Docks", "Docks",
    ]
    .into_iter()
    .enumerate()
    {
        let m = PersonBuilder::named(
            [
                "Ash", "Birch", "Cedar", "Deal", "Elm", "Fir", "Gorse", "Hazel", "Ivy",
            ][i],
            "Test",
        )
        .create(&app, &police)
        .await;
        ArrestBuilder::of(&m)
            .at(&format!("2026-11-{:02}T21:00:00Z", 2 + i))
            .with("area", json!(area))
            .create(&app, &police)
            .await;
    }
    let mut board = app.signed_in(&[Role::Manager]).await;
    let period = "from_day=1&from_month=11&from_year=2026&to_day=30&to_month=11&to_year=2026";
    let dash = board.get(&app, &format!("/statistics?{period}")).await;
    assert_eq!(dash.status, Status::Ok);
    let months = crate::support::table_rows_in(&dash.body, "Arrests per month");
    assert_eq!(months.len(), 1, "{months:?}");
    assert_eq!(months[0].first().map(String::as_str), Some("2026-11"));
    assert_eq!(months[0].last().map(String::as_str), Some("9"));
    let funnel = crate::support::table_rows_in(&dash.body, "From arrest to completion");
    assert_eq!(funnel[0][..2], ["Arrested".to_string(), "9".to_string()]);
    assert!(
        !dash.body.contains("CEDAR") && !dash.body.contains("Cedar"),
        "no names on the dashboard"
    );

    let view = board
        .get(&app, &format!("/statistics/community?{period}"))
        .await;
    assert_eq!(view.status, Status::Ok);
    let text = crate::support::unescape(&view.body);
    let arrests = crate::support::table_rows_in(&view.body, "Arrests by area and month");
    // rows: Central, Docks, All areas (each row's heading is its area)
    assert_eq!(
        arrests[0],
        ["fewer than 5", "fewer than 5"],
        "Central's 3 and its total"
    );
    assert_eq!(arrests[1], ["6", "6"]);
    assert_eq!(
        arrests[2],
        ["fewer than 5", "fewer than 5"],
        "the month's total of 9 less Docks's 6 would give Central's 3"
    );
    assert!(text.contains("The community meeting's figures"));
    let csv = board
        .get(&app, &format!("/statistics/community.csv?{period}"))
        .await;
    assert_eq!(csv.status, Status::Ok);
    assert!(
        csv.body.contains("Arrests,Central,2026-11,fewer than 5"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("Arrests,Docks,2026-11,6"));
    assert!(
        !csv.body.contains(",3\r\n") && !csv.body.contains(",9\r\n"),
        "{}",
        csv.body
    );

    // the board report: the same figures as a PDF, naming no one
    let manager = app.token(&[Role::Manager]).await;
    let pdf = crate::support::download_pdf(
        &app,
        "/api/v1/statistics/board-report.pdf?from=2026-11-01&to=2026-11-30",
        &manager,
    )
    .await;
    assert_eq!(pdf.status, Status::Ok);
    assert!(
        pdf.disposition
            .contains("board-report-BR-20261101-20261130.pdf"),
        "{}",
        pdf.disposition
    );
    let text = pdf.text();
    for expected in [
        "Board report: 1 November 2026 to 30 November 2026",
        "OFFICIAL-SENSITIVE",
        "Arrests per month",
        "2026-11",
        "Men arrested in the period, by how far they have gone",
        "Known reoffending recorded in this system",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    assert!(!text.contains("CEDAR") && !text.to_lowercase().contains("proven"));
    let (action, kind, _, person) = app.last_audit().await;
    assert_eq!(
        (action.as_str(), kind.as_deref(), person),
        ("disclose", Some("board_report"), None)
    );
    let all = board.get(&app, &format!("/statistics.csv?{period}")).await;
    assert!(
        all.body.contains("arrests by area,Central,arrests,3"),
        "{}",
        all.body
    );
    assert!(all.body.contains("period,arrests,count,9"));
    let printable = board
        .get(&app, &format!("/statistics/board-report?{period}"))
        .await;
    assert_eq!(printable.status, Status::Ok);
    assert!(printable.body.contains("Board report") && printable.body.contains("<svg"));
}

#[rocket::async_test]
async fn a_manager_who_looks_again_after_an_arrest_is_recorded_sees_it_counted() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let arrest = |surname: &'static str, day: u32| {
        let (app, police) = (&app, &police);
        async move {
            let m = PersonBuilder::named(surname, "Test")
                .create(app, police)
                .await;
            ArrestBuilder::of(&m)
                .at(&format!("2026-11-{day:02}T21:00:00Z"))
                .create(app, police)
                .await
        }
    };
    arrest("Alder", 3).await;
    let mut board = app.signed_in(&[Role::Manager]).await;
    let period =
        "/statistics?from_day=1&from_month=11&from_year=2026&to_day=30&to_month=11&to_year=2026";
    let arrested =
        |body: &str| crate::support::table_rows_in(body, "From arrest to completion")[0][1].clone();
    let first = board.get(&app, period).await;
    assert_eq!(arrested(&first.body), "1");
    let again = board.get(&app, period).await;
    assert_eq!(
        arrested(&again.body),
        "1",
        "nothing written: the same figures"
    );
    arrest("Beech", 4).await;
    let after = board.get(&app, period).await;
    assert_eq!(
        arrested(&after.body),
        "2",
        "the figures kept are not shown once an arrest is recorded"
    );
}

#[rocket::async_test]
async fn reoffending_figures_asked_again_after_a_man_is_assessed_count_him() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let manager = app.token(&[Role::Manager]).await;
    async fn not_enrolled(app: &TestApp, manager: &str) -> Option<u64> {
        let ask = "/api/v1/statistics/reoffending?index=arrest&from=2024-01-01&to=2026-11-30&as_of=2026-11-30";
        let r = api(app, "GET", ask, Some(manager), None).await;
        assert_eq!(r.status, Status::Ok, "{}", r.body);
        r.json()["groups"]["not_enrolled"]["cohort_size"].as_u64()
    }
    let first = man(&app, &police, "Rowan", "2025-02-01T22:00:00Z").await;
    assessed(&app, &probation, &first).await;
    assert_eq!(not_enrolled(&app, &manager).await, Some(1));
    assert_eq!(
        not_enrolled(&app, &manager).await,
        Some(1),
        "nothing written: the same figures"
    );
    let second = man(&app, &police, "Willow", "2025-03-01T22:00:00Z").await;
    assessed(&app, &probation, &second).await;
    assert_eq!(
        not_enrolled(&app, &manager).await,
        Some(2),
        "the men kept for the figures are worked out again once another is assessed"
    );
}
