//! Every mounted route is guarded: anonymous visitors are sent to sign in
//! (pages) or get 401 (API), and signed-in users whose roles lack the
//! capability get 404 on a route about one record (its existence is not
//! confirmed) or 403 on a feature, each refusal audited. A new route must be
//! added to the table below.

use kerbside::domain::roles::{Capability, Role, RoleSet};
use rocket::http::{Method, Status};

use crate::support::{Browser, TestApp};

#[derive(Clone, Copy, Debug)]
enum Access {
    Public,
    SignedIn,
    Needs(Capability),
    /// Either capability; the service decides how much each sees.
    NeedsEither(Capability, Capability),
}

impl Access {
    /// Does a user holding only `role` get past the route's guard?
    fn admits(self, role: Role) -> bool {
        let roles = RoleSet::new([role]);
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Needs(c) => roles.can(c),
            Access::NeedsEither(a, b) => roles.can(a) || roles.can(b),
        }
    }
}

fn access(method: Method, path: &str) -> Access {
    use Capability::*;
    match (method, path) {
        (_, "/privacy") | (_, "/accessibility") => Access::Public,
        (_, "/healthz")
        | (_, "/readyz")
        | (_, "/api/v1/openapi.json")
        | (_, "/api/v1/docs")
        | (_, "/refused") => Access::Public,
        (_, "/sign-in")
        | (_, "/sign-in/code")
        | (_, "/sign-in/recovery")
        | (_, "/setup/<token>") => Access::Public,
        (_, "/account/two-step") => Access::SignedIn,
        (_, p) if p.starts_with("/static") => Access::Public,
        (_, "/") | (_, "/sign-out") | (_, "/session/expiring") | (_, "/session/extend") => {
            Access::SignedIn
        }
        (_, "/account/password") | (_, "/api/v1/me") => Access::SignedIn,
        (_, p) if p.starts_with("/account") => Access::Needs(ManageOwnAccount),
        (_, "/admin/audit") | (_, "/admin/audit.csv") => Access::Needs(ViewAuditLog),
        (_, p) if p.starts_with("/admin/") => Access::Needs(ManageUsers),
        (_, "/api/v1/users") => Access::Needs(ManageUsers),
        (_, p) if p.starts_with("/api/v1/calculators") => Access::Needs(UseCalculators),
        (_, p) if p.starts_with("/api/v1/referrals") || p.starts_with("/api/v1/assessments") => {
            Access::Needs(ManageCases)
        }
        (_, p)
            if p.starts_with("/referrals")
                || p.starts_with("/assessments")
                || p.starts_with("/arrests/<id>/hearings") =>
        {
            Access::Needs(ManageCases)
        }
        (_, "/statistics/reoffending/justice-data-lab.csv") => Access::Needs(ManageCases),
        (_, p) if p.starts_with("/statistics") || p.starts_with("/api/v1/statistics") => {
            Access::Needs(ViewStatistics)
        }
        (_, "/api/v1/reoffences") | (Method::Post, "/people/<id>/reoffences") => {
            Access::Needs(ViewPeople)
        }
        (_, p) if p.starts_with("/api/v1/court-reports") || p.starts_with("/court-reports") => {
            Access::Needs(ManageCases)
        }
        (_, "/retention") | (_, "/people/<id>/retention") => Access::Needs(ReviewRetention),
        (_, p) if p.starts_with("/people/<id>/retention/") => Access::Needs(ReviewRetention),
        (_, "/subject-access") => Access::Needs(ExportSubjectData),
        (_, p) if p.starts_with("/people/<id>/subject-access") || p.ends_with("/export") => {
            Access::Needs(ExportSubjectData)
        }
        (_, "/people/<id>/assessments")
        | (_, "/people/<id>/court-reports")
        | (_, "/people/<id>/history")
        | (_, "/people/<id>/programme")
        | (_, "/people/<id>/enrolments") => Access::Needs(ManageCases),
        (_, "/api/v1/programmes") | (_, "/api/v1/cohorts") => Access::Needs(ManagePrograms),
        (Method::Post, "/api/v1/enrolments") | (_, "/api/v1/enrolments/<id>/enforcement") => {
            Access::Needs(ManageCases)
        }
        (Method::Get, "/api/v1/enrolments/<id>")
        | (_, "/api/v1/enrolments/<id>/progress-report.pdf")
        | (_, "/api/v1/sessions/<id>/attendance") => Access::Needs(MarkRegister),
        (_, "/sessions/<id>/register") => Access::Needs(MarkRegister),
        (Method::Post, "/cohorts/<id>/schedule") | (Method::Post, "/cohorts") => {
            Access::Needs(ManagePrograms)
        }
        (_, "/cohorts/new") => Access::Needs(ManagePrograms),
        (_, p) if p.starts_with("/programmes") => Access::Needs(ManagePrograms),
        (Method::Post, "/enrolments/<id>/aims") => Access::Needs(MarkRegister),
        (Method::Post, p) if p.starts_with("/enrolments/") => Access::Needs(ManageCases),
        (_, "/enrolments/<id>")
        | (_, "/enrolments/<id>/progress-report.pdf")
        | (_, "/enrolments/<id>/progress-report") => Access::Needs(MarkRegister),
        (_, p) if p.starts_with("/cohorts") => Access::Needs(MarkRegister),
        (_, "/arrests/<id>/edit") | (Method::Post, "/arrests/<id>") => Access::Needs(RecordArrests),
        (Method::Post, "/api/v1/arrests") | (_, "/api/v1/arrests/import") => {
            Access::Needs(RecordArrests)
        }
        (Method::Get, "/api/v1/people/<id>") | (Method::Get, "/people/<id>") => {
            Access::NeedsEither(ViewPeople, MarkRegister)
        }
        (_, p) if p.starts_with("/api/v1/people") || p.starts_with("/api/v1/arrests") => {
            Access::Needs(ViewPeople)
        }
        (Method::Post, "/arrests") => Access::Needs(RecordArrests),
        (_, p) if p.starts_with("/arrests/new") || p.starts_with("/arrests/import") => {
            Access::Needs(RecordArrests)
        }
        (_, p) if p.starts_with("/arrests") || p.starts_with("/people") => {
            Access::Needs(ViewPeople)
        }
        (m, p) => {
            panic!("route {m} {p} is not in the access table: add it with the capability it needs")
        }
    }
}

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('<') {
                if seg.contains("token") {
                    "nosuchtoken"
                } else {
                    "1"
                }
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn send(app: &TestApp, b: &mut Browser, method: Method, path: &str) -> crate::support::Reply {
    if path.starts_with("/api/") && method != Method::Get {
        return crate::support::api(
            app,
            method.as_str(),
            path,
            None,
            Some(serde_json::json!({})),
        )
        .await;
    }
    match method {
        Method::Get => b.get(app, path).await,
        Method::Post => b.post(app, path, &[]).await,
        other => {
            let r = app.client.req(other, path.to_string()).dispatch().await;
            crate::support::Reply {
                status: r.status(),
                body: String::new(),
                bytes: vec![],
                location: None,
                headers: vec![],
                set_cookies: vec![],
            }
        }
    }
}

#[rocket::async_test]
async fn every_route_refuses_anonymous_visitors_and_users_without_the_capability() {
    let app = TestApp::start().await;
    let routes: Vec<(Method, String)> = app
        .client
        .rocket()
        .routes()
        .map(|r| (r.method, r.uri.path().to_string()))
        .collect();
    assert!(routes.len() > 15, "routes found: {}", routes.len());
    let mut anon = Browser::new();
    anon.get(&app, "/sign-in").await; // a valid pre-session form token, so CSRF is not what refuses
    let mut users = Vec::new();
    let mut tokens = Vec::new();
    for role in Role::ALL.iter().copied() {
        users.push((role, app.signed_in(&[role]).await));
        tokens.push(app.token(&[role]).await);
    }
    for (method, path) in &routes {
        let target = concrete(path);
        let is_api = path.starts_with("/api/");
        match access(*method, path) {
            Access::Public => continue,
            Access::SignedIn | Access::Needs(_) | Access::NeedsEither(..) => {
                let r = send(&app, &mut anon, *method, &target).await;
                if is_api {
                    assert_eq!(
                        r.status,
                        Status::Unauthorized,
                        "anonymous {method} {target}"
                    );
                } else {
                    assert!(
                        r.redirects_to("/sign-in"),
                        "anonymous {method} {target}: {} {:?}",
                        r.status,
                        r.location
                    );
                }
            }
        }
        let needed = access(*method, path);
        if matches!(needed, Access::Needs(_) | Access::NeedsEither(..)) {
            for ((role, browser), token) in users.iter_mut().zip(&tokens) {
                if needed.admits(*role) {
                    continue;
                }
                // pages with the role's session; the API with the role's token
                let refusals = app.count("audit_log WHERE action = 'refused'").await;
                let r = if is_api {
                    let body = (*method != Method::Get).then(|| serde_json::json!({}));
                    crate::support::api(&app, method.as_str(), &target, Some(token), body).await
                } else {
                    send(&app, browser, *method, &target).await
                };
                let about_a_record = path.contains('<');
                let expected = if about_a_record {
                    Status::NotFound
                } else {
                    Status::Forbidden
                };
                assert_eq!(r.status, expected, "{role} {method} {target}");
                assert_eq!(
                    app.count("audit_log WHERE action = 'refused'").await,
                    refusals + 1,
                    "{role} {method} {target}: the refusal is audited"
                );
                if about_a_record {
                    let (_, _, record_id, _) = app.last_audit().await;
                    assert!(
                        record_id.is_some(),
                        "{role} {method} {target}: the refusal names the record asked for"
                    );
                }
            }
        }
    }
}

#[rocket::async_test]
async fn an_api_token_without_the_role_gets_403_and_a_cookie_cannot_change_anything_through_the_api()
 {
    let app = TestApp::start().await;
    let police = app.create_user("pc.token", &[Role::Police]).await;
    let (token, _) = kerbside::services::tokens::create(
        app.state(),
        &kerbside::auth::Actor::command_line(),
        police,
        "test",
    )
    .await
    .expect("token");
    let body = serde_json::json!({"username": "new.one", "name": "New One", "roles": ["police"], "password": "lantern harbour morning"});
    let r = crate::support::api(
        &app,
        "POST",
        "/api/v1/users",
        Some(&token),
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.status, Status::Forbidden);
    assert_eq!(r.json()["error"]["code"], "forbidden");

    // an administrator's browser session does not work for API changes
    let admin = app.signed_in(&[Role::Admin]).await;
    let mut req = app
        .client
        .post("/api/v1/users")
        .header(rocket::http::ContentType::JSON)
        .body(body.to_string());
    for (k, v) in &admin.cookies {
        req = req.cookie(rocket::http::Cookie::new(k.clone(), v.clone()));
    }
    assert_eq!(req.dispatch().await.status(), Status::Unauthorized);
    assert_eq!(app.count("users").await, 2);
}

#[rocket::async_test]
async fn a_facilitator_asking_for_a_man_outside_his_cohorts_gets_not_found_and_the_refusal_is_audited()
 {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let man = crate::support::api(
        &app,
        "POST",
        "/api/v1/people",
        Some(&police),
        Some(serde_json::json!({"surname": "Hollow", "forenames": "Ian", "date_of_birth": "1971-02-03", "sex": "male"})),
    )
    .await
    .json();
    let id = man["id"].as_i64().expect("id") as i32;
    let mut facilitator = app.signed_in(&[Role::Facilitator]).await;
    let real = facilitator.get(&app, &format!("/people/{id}")).await;
    assert_eq!(real.status, Status::NotFound);
    let (action, record_type, record_id, person_id) = app.last_audit().await;
    assert_eq!(action, "refused");
    assert_eq!(record_type.as_deref(), Some("person"));
    assert_eq!(record_id, Some(id.to_string()));
    assert_eq!(
        person_id,
        Some(id),
        "the refusal is in the man's own audit trail"
    );
    let missing = facilitator.get(&app, "/people/999999").await;
    assert_eq!(missing.status, Status::NotFound);
    assert!(
        !real.body.contains("Hollow"),
        "nothing about the man is shown"
    );
    let strip = |b: &str| b.replace(&id.to_string(), "").replace("999999", "");
    assert_eq!(
        strip(&real.body).len(),
        strip(&missing.body).len(),
        "a man who exists and one who does not look the same"
    );
}
