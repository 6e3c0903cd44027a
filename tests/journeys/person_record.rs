//! A man's record is one set of facts: his page and `GET /api/v1/people/{id}`
//! tell the police officer the same things, and tell the probation officer
//! the same things (with probation's hearings on both).

use serde_json::{Value, json};

use crate::support::builders::{ArrestBuilder, PersonBuilder, Team};
use crate::support::{Browser, TestApp, api, table_rows_in, unescape};

/// The rows a reader of the page's tables would see, built from the API's
/// answer: arrests, referrals and hearings.
fn rows_from_api(record: &Value) -> [Vec<Vec<String>>; 3] {
    let list = |key: &str| record[key].as_array().cloned().unwrap_or_default();
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let arrests = list("arrests")
        .iter()
        .map(|a| {
            vec![
                text(&a["arrested_at_text"]),
                format!("{}, {}", text(&a["location"]), text(&a["area"])),
                text(&a["offence_text"]),
                text(&a["disposal_text"]),
            ]
        })
        .collect();
    let referrals = list("referrals")
        .iter()
        .map(|r| {
            vec![
                text(&r["reason_text"]),
                text(&r["due_date_text"]),
                text(&r["status_text"]),
            ]
        })
        .collect();
    let hearings = list("hearings")
        .iter()
        .map(|h| {
            vec![
                text(&h["hearing_date_text"]),
                text(&h["court"]),
                text(&h["outcome_text"]),
            ]
        })
        .collect();
    [arrests, referrals, hearings]
}

/// Compare the page and the API for one user; the API's record.
async fn page_matches_api(app: &TestApp, browser: &mut Browser, token: &str, id: &Value) -> Value {
    let page = browser.get(app, &format!("/people/{id}")).await;
    assert_eq!(page.status.code, 200, "{}", page.body);
    let r = api(
        app,
        "GET",
        &format!("/api/v1/people/{id}"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(r.status.code, 200, "{}", r.body);
    let record = r.json();
    let [arrests, referrals, hearings] = rows_from_api(&record);
    assert_eq!(table_rows_in(&page.body, "Arrests"), arrests);
    assert_eq!(
        table_rows_in(&page.body, "Referrals to probation"),
        referrals
    );
    assert_eq!(table_rows_in(&page.body, "Court hearings"), hearings);
    for field in [
        "surname",
        "forenames",
        "date_of_birth_text",
        "pnc_id",
        "category_text",
    ] {
        let value = record[field].as_str().unwrap_or_default();
        assert!(
            !value.is_empty() && unescape(&page.body).contains(value),
            "{field} '{value}' is in the API but not on the page"
        );
    }
    assert_eq!(
        record["repeat_arrest"] == json!(true),
        page.body.contains("Repeat arrest:"),
        "the repeat-arrest warning agrees"
    );
    record
}

#[rocket::async_test]
async fn police_and_probation_each_read_the_same_facts_on_his_page_and_through_the_api() {
    let app = TestApp::start().await;
    let mut team = Team::sign_in(&app).await;
    let man = PersonBuilder::named("Okafor", "Daniel")
        .born("1969-02-14")
        .with("pnc_id", json!("1999/0012345A"))
        .create(&app, &team.police.token)
        .await;
    ArrestBuilder::of(&man)
        .at("2026-10-02T22:15:00Z")
        .create(&app, &team.police.token)
        .await;
    let charged = ArrestBuilder::of(&man)
        .at("2026-11-21T23:40:00Z")
        .charged("Ipswich Magistrates' Court", "2026-12-10")
        .create(&app, &team.police.token)
        .await;
    let hearing = team
        .probation
        .browser
        .post(
            &app,
            &format!("/arrests/{}/hearings", charged["id"]),
            &[
                ("hearing_date_day", "10"),
                ("hearing_date_month", "12"),
                ("hearing_date_year", "2026"),
                ("court", "Ipswich Magistrates' Court"),
                ("outcome", "adjourned"),
                ("notes", ""),
            ],
        )
        .await;
    assert!(hearing.redirects_to("/arrests/"), "{}", hearing.body);

    let police = page_matches_api(
        &app,
        &mut team.police.browser,
        &team.police.token,
        &man["id"],
    )
    .await;
    let probation = page_matches_api(
        &app,
        &mut team.probation.browser,
        &team.probation.token,
        &man["id"],
    )
    .await;

    // Both see his two arrests and the referral the charge made...
    for record in [&police, &probation] {
        assert_eq!(record["arrests"].as_array().map(Vec::len), Some(2));
        assert_eq!(record["referrals"].as_array().map(Vec::len), Some(1));
        assert_eq!(record["repeat_arrest"], true);
    }
    assert_eq!(police["arrests"], probation["arrests"]);
    // ...but the hearings are probation's record alone.
    assert_eq!(probation["hearings"].as_array().map(Vec::len), Some(1));
    assert_eq!(police["hearings"], json!([]));
}
