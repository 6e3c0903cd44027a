//! Builders for the records tests need: a man (`PersonBuilder`), an arrest
//! (`ArrestBuilder`) and a team with one user of each role (`Team`). They
//! go through the JSON API as the police would, so a test starts from what
//! a user could have made, with only the fields it cares about spelled out.

use kerbside::domain::roles::Role;
use rocket::http::Status;
use serde_json::{Map, Value, json};

use super::{Browser, TestApp, api};

/// A man as the checks pass him, for a test that writes through a
/// repository rather than the API: male, a suspect, nothing else known.
pub fn checked_man(
    surname: &str,
    forenames: &str,
    date_of_birth: chrono::NaiveDate,
) -> kerbside::domain::person::ValidPerson {
    use kerbside::domain::person::{Sex, SubjectCategory, ValidPerson};
    ValidPerson {
        surname: surname.into(),
        forenames: forenames.into(),
        date_of_birth,
        sex: Sex::Male,
        address: None,
        postcode: None,
        phone: None,
        pnc_id: None,
        contact_preference: None,
        category: SubjectCategory::Suspect,
    }
}

/// A man as the police record him. Defaults: born 1975-05-05, male.
pub struct PersonBuilder(Map<String, Value>);

impl PersonBuilder {
    pub fn named(surname: &str, forenames: &str) -> PersonBuilder {
        let mut fields = Map::new();
        fields.insert("surname".into(), json!(surname));
        fields.insert("forenames".into(), json!(forenames));
        fields.insert("date_of_birth".into(), json!("1975-05-05"));
        fields.insert("sex".into(), json!("male"));
        PersonBuilder(fields)
    }

    pub fn born(self, date_of_birth: &str) -> PersonBuilder {
        self.with("date_of_birth", json!(date_of_birth))
    }

    /// Any other field of `POST /api/v1/people`.
    pub fn with(mut self, field: &str, value: Value) -> PersonBuilder {
        self.0.insert(field.into(), value);
        self
    }

    /// Create him with `token` (which must be allowed to); the API's answer.
    pub async fn create(self, app: &TestApp, token: &str) -> Value {
        let r = api(
            app,
            "POST",
            "/api/v1/people",
            Some(token),
            Some(Value::Object(self.0)),
        )
        .await;
        assert_eq!(r.status, Status::Created, "creating a person: {}", r.body);
        r.json()
    }
}

/// An arrest. Defaults: 2026-11-20 23:00 UTC on London Road, Central,
/// soliciting, simple caution.
pub struct ArrestBuilder(Map<String, Value>);

impl ArrestBuilder {
    pub fn of(person: &Value) -> ArrestBuilder {
        let mut fields = Map::new();
        fields.insert("person_id".into(), person["id"].clone());
        fields.insert("arrested_at".into(), json!("2026-11-20T23:00:00Z"));
        fields.insert("location".into(), json!("London Road"));
        fields.insert("area".into(), json!("Central"));
        fields.insert("offence".into(), json!("soliciting_s51a_soa2003"));
        fields.insert("disposal".into(), json!("simple_caution"));
        ArrestBuilder(fields)
    }

    pub fn at(self, rfc3339: &str) -> ArrestBuilder {
        self.with("arrested_at", json!(rfc3339))
    }

    /// A conditional caution to attend the course by `deadline`.
    pub fn conditional_caution(self, deadline: &str) -> ArrestBuilder {
        self.with("disposal", json!("conditional_caution"))
            .with("course_deadline", json!(deadline))
    }

    /// Charged, with the court and first hearing.
    pub fn charged(self, court: &str, first_hearing: &str) -> ArrestBuilder {
        self.with("disposal", json!("charged"))
            .with("court", json!(court))
            .with("first_hearing_date", json!(first_hearing))
    }

    /// Any other field of `POST /api/v1/arrests`; the fields of `extra` (an
    /// object) when `field` is empty.
    pub fn with(mut self, field: &str, value: Value) -> ArrestBuilder {
        match (field, value) {
            ("", Value::Object(extra)) => self.0.extend(extra),
            (field, value) => {
                self.0.insert(field.into(), value);
            }
        }
        self
    }

    /// The request body, for tests that send it themselves.
    pub fn body(&self) -> Value {
        Value::Object(self.0.clone())
    }

    /// Record it with `token`; the API's answer.
    pub async fn create(self, app: &TestApp, token: &str) -> Value {
        let r = api(
            app,
            "POST",
            "/api/v1/arrests",
            Some(token),
            Some(self.body()),
        )
        .await;
        assert_eq!(r.status, Status::Created, "recording an arrest: {}", r.body);
        r.json()
    }
}

/// One person in a role: a browser signed in as them and their API token.
pub struct Member {
    pub browser: Browser,
    pub token: String,
}

/// A team with one user of each role that sees case data or runs the
/// system, each signed in and holding a token of their own.
pub struct Team {
    pub police: Member,
    pub probation: Member,
    pub facilitator: Member,
    pub manager: Member,
    pub admin: Member,
}

impl Team {
    pub async fn sign_in(app: &TestApp) -> Team {
        async fn member(app: &TestApp, role: Role) -> Member {
            let (browser, token) = app.signed_in_with_token(&[role]).await;
            Member { browser, token }
        }
        Team {
            police: member(app, Role::Police).await,
            probation: member(app, Role::Probation).await,
            facilitator: member(app, Role::Facilitator).await,
            manager: member(app, Role::Manager).await,
            admin: member(app, Role::Admin).await,
        }
    }
}

/// A man (`surname`, forenames "Test") with one arrest of `disposal`;
/// `extra` (an object) adds the disposal's fields. His record and the
/// arrest, as the API answered.
pub async fn arrested_man(
    app: &TestApp,
    police: &str,
    surname: &str,
    disposal: &str,
    extra: Value,
) -> (Value, Value) {
    let person = PersonBuilder::named(surname, "Test")
        .create(app, police)
        .await;
    let arrest = ArrestBuilder::of(&person)
        .with("disposal", json!(disposal))
        .with("", extra)
        .create(app, police)
        .await;
    (person, arrest)
}
