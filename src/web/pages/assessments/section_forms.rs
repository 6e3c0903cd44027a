//! What each section's form posts, turned into the assessment's input: the
//! typed boxes read here (their errors named on their fields), the rules in
//! the domain.

use std::collections::BTreeMap;

use rocket::form::Form;
use rocket::{FromForm, Route, State, post, routes};
use serde::Serialize;

use super::ManageCases;
use super::sections::{DateBoxes, NeedFields, Section};
use crate::domain::assessment::{DomesticAbuseInput, NeedInput, suitability_errors};
use crate::domain::dash::{DashInput, answers_from_numbered};
use crate::domain::ogrs3::Ogrs3Input;
use crate::domain::rosh::RoshRatingsInput;
use crate::domain::validation::{FieldErrors, YesNo};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::pages::FormOutcome;
use crate::web::shell::Shell;

/// A whole number typed in a box, if any.
fn whole(raw: &str, field: &str, errors: &mut FieldErrors) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    errors.check(
        field,
        t.parse::<i64>()
            .map_err(|_| "Enter a whole number, like 3".to_string()),
    )
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn section<'a>(
    app: &'a AppState,
    user: &'a ManageCases,
    shell: &'a Shell,
    id: i32,
    template: &'static str,
) -> Section<'a> {
    Section {
        app,
        user,
        shell,
        id,
        template,
    }
}

#[derive(FromForm, Serialize)]
struct Ogrs3Form {
    lock_version: i32,
    #[field(default = String::new())]
    sex: String,
    date_of_birth: DateBoxes,
    conviction_date: DateBoxes,
    follow_up_start_date: DateBoxes,
    first_sanction_date: DateBoxes,
    #[field(default = String::new())]
    age_at_first_sanction: String,
    #[field(default = String::new())]
    total_sanctions: String,
    #[field(default = String::new())]
    offence_category: String,
    #[field(default = String::new())]
    current_sanction: String,
    #[field(default = String::new())]
    follow_up_basis: String,
}

#[post("/assessments/<id>/ogrs3", data = "<form>")]
async fn update_ogrs3(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
    form: Form<Ogrs3Form>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let mut e = FieldErrors::new();
    let input = Ogrs3Input {
        sex: some(&f.sex),
        date_of_birth: f
            .date_of_birth
            .read("date_of_birth", "the date of birth", &mut e),
        conviction_date: f
            .conviction_date
            .read("conviction_date", "the conviction date", &mut e),
        follow_up_start_date: f.follow_up_start_date.read(
            "follow_up_start_date",
            "the follow-up start date",
            &mut e,
        ),
        age_at_first_sanction: whole(&f.age_at_first_sanction, "age_at_first_sanction", &mut e),
        first_sanction_date: f.first_sanction_date.read(
            "first_sanction_date",
            "the first sanction date",
            &mut e,
        ),
        total_sanctions: whole(&f.total_sanctions, "total_sanctions", &mut e),
        offence_category: some(&f.offence_category),
        current_sanction: some(&f.current_sanction),
    };
    let basis = some(&f.follow_up_basis);
    section(app, &user, &shell, id, "assessment_ogrs3")
        .save_or_again(f.lock_version, &f, e, move |i| {
            i.ogrs3 = Some(input);
            i.follow_up_basis = basis;
        })
        .await
}

#[derive(FromForm, Serialize)]
struct RoshForm {
    lock_version: i32,
    #[field(default = String::new())]
    public: String,
    #[field(default = String::new())]
    known_adult: String,
    #[field(default = String::new())]
    children: String,
    #[field(default = String::new())]
    staff: String,
}

/// The RoSH form's values, under the key its template reads them from.
#[derive(Serialize)]
struct RoshValues<'a> {
    rosh: &'a RoshForm,
}

#[post("/assessments/<id>/rosh", data = "<form>")]
async fn update_rosh(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
    form: Form<RoshForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let input = RoshRatingsInput {
        public: some(&f.public),
        known_adult: some(&f.known_adult),
        children: some(&f.children),
        staff: some(&f.staff),
    };
    section(app, &user, &shell, id, "assessment_rosh")
        .save_or_again(
            f.lock_version,
            RoshValues { rosh: &f },
            FieldErrors::new(),
            move |i| i.rosh = Some(input),
        )
        .await
}

#[derive(FromForm, Serialize)]
struct DomesticAbuseForm {
    lock_version: i32,
    #[field(default = String::new())]
    known_to_marac: String,
    marac_date: DateBoxes,
    #[field(default = String::new())]
    police_callouts: String,
    #[field(default = String::new())]
    concerns: String,
    #[field(default = String::new())]
    dash_taken: String,
    answers: BTreeMap<usize, String>,
    #[field(default = false)]
    professional_judgement: bool,
    #[field(default = String::new())]
    dash_rationale: String,
    #[field(default = String::new())]
    incidents_in_window: String,
    previous_marac_referral_date: DateBoxes,
    latest_incident_date: DateBoxes,
}

#[post("/assessments/<id>/domestic-abuse", data = "<form>")]
async fn update_domestic_abuse(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
    form: Form<DomesticAbuseForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let mut e = FieldErrors::new();
    let known = YesNo::parse(&f.known_to_marac).map(YesNo::is_yes);
    if known.is_none() {
        e.add("known_to_marac", "Say whether he is known to MARAC");
    }
    let da = DomesticAbuseInput {
        known_to_marac: known,
        marac_date: f.marac_date.read("marac_date", "the MARAC date", &mut e),
        police_callouts: whole(&f.police_callouts, "police_callouts", &mut e)
            .map(|n| n.clamp(0, 10_000) as u32),
        concerns: some(&f.concerns),
    };
    let dash = if YesNo::parse(&f.dash_taken).is_some_and(YesNo::is_yes) {
        let answers = e.check("answers", answers_from_numbered(&f.answers));
        Some(DashInput {
            answers: answers.unwrap_or_default(),
            professional_judgement: f.professional_judgement,
            rationale: some(&f.dash_rationale),
            incidents_in_window: whole(&f.incidents_in_window, "incidents_in_window", &mut e)
                .map(|n| n.clamp(0, 10_000) as u32)
                .unwrap_or(0),
            previous_marac_referral_date: f.previous_marac_referral_date.read(
                "previous_marac_referral_date",
                "the previous MARAC referral date",
                &mut e,
            ),
            latest_incident_date: f.latest_incident_date.read(
                "latest_incident_date",
                "the latest incident date",
                &mut e,
            ),
        })
    } else {
        None
    };
    section(app, &user, &shell, id, "assessment_domestic_abuse")
        .save_or_again(f.lock_version, &f, e, move |i| {
            i.domestic_abuse = Some(da);
            i.dash = dash;
        })
        .await
}

#[derive(FromForm, Serialize)]
struct NeedsForm {
    lock_version: i32,
    needs: BTreeMap<String, NeedFields>,
}

#[post("/assessments/<id>/needs", data = "<form>")]
async fn update_needs(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
    form: Form<NeedsForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let needs: BTreeMap<String, NeedInput> = f
        .needs
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                NeedInput {
                    severity: some(&v.severity),
                    note: some(&v.note),
                },
            )
        })
        .collect();
    section(app, &user, &shell, id, "assessment_needs")
        .save_or_again(f.lock_version, &f, FieldErrors::new(), move |i| {
            i.needs = needs
        })
        .await
}

#[derive(FromForm, Serialize)]
struct SuitabilityForm {
    lock_version: i32,
    #[field(default = String::new())]
    suitability: String,
    #[field(default = String::new())]
    rationale: String,
    #[field(default = String::new())]
    recommended_intervention: String,
}

#[post("/assessments/<id>/suitability", data = "<form>")]
async fn update_suitability(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
    form: Form<SuitabilityForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let (s, r, ri) = (
        some(&f.suitability),
        some(&f.rationale),
        some(&f.recommended_intervention),
    );
    let e = suitability_errors(&crate::domain::assessment::AssessmentInput {
        suitability: s.clone(),
        rationale: r.clone(),
        ..Default::default()
    });
    section(app, &user, &shell, id, "assessment_suitability")
        .save_or_again(f.lock_version, &f, e, move |i| {
            i.suitability = s;
            i.rationale = r;
            i.recommended_intervention = ri;
        })
        .await
}

pub fn routes() -> Vec<Route> {
    routes![
        update_ogrs3,
        update_rosh,
        update_domestic_abuse,
        update_needs,
        update_suitability
    ]
}
