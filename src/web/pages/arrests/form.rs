//! The arrest form's fields as typed, turned into the domain's inputs (date
//! boxes read here, their errors passed on so every message lands on its
//! field), and the option lists the form shows.

use rocket::FromForm;
use serde::Serialize;

use crate::domain::arrest::{ArrestInput, DateErrors, Disposal, Offence};
use crate::domain::dates::{parse_date_parts, parse_time};
use crate::domain::london_time::from_london;
use crate::domain::person::{ContactPreference, NO_CONTACT_PREFERENCE, PersonInput, Sex};
use crate::web::present::{Choice, choices, choices_or_none};

/// Person fields of a form.
#[derive(FromForm, Serialize, Default, Clone, Debug)]
pub struct PersonFields {
    #[field(default = String::new())]
    pub surname: String,
    #[field(default = String::new())]
    pub forenames: String,
    #[field(default = String::new())]
    pub date_of_birth_day: String,
    #[field(default = String::new())]
    pub date_of_birth_month: String,
    #[field(default = String::new())]
    pub date_of_birth_year: String,
    #[field(default = String::new())]
    pub sex: String,
    #[field(default = String::new())]
    pub address: String,
    #[field(default = String::new())]
    pub postcode: String,
    #[field(default = String::new())]
    pub phone: String,
    #[field(default = String::new())]
    pub pnc_id: String,
    #[field(default = String::new())]
    pub contact_preference: String,
    #[field(default = String::new())]
    pub category: String,
}

impl PersonFields {
    /// The domain input and any error from the date boxes.
    pub fn input(&self) -> (PersonInput, Option<String>) {
        let (dob, err) = match parse_date_parts(
            &self.date_of_birth_day,
            &self.date_of_birth_month,
            &self.date_of_birth_year,
            "the date of birth",
        ) {
            Ok(d) => (Some(d), None),
            Err(e) => (None, Some(e)),
        };
        (
            PersonInput {
                surname: self.surname.clone(),
                forenames: self.forenames.clone(),
                date_of_birth: dob,
                sex: self.sex.clone(),
                address: self.address.clone(),
                postcode: self.postcode.clone(),
                phone: self.phone.clone(),
                pnc_id: self.pnc_id.clone(),
                contact_preference: self.contact_preference.clone(),
                category: self.category.clone(),
            },
            err,
        )
    }
}

/// Arrest fields of a form.
#[derive(FromForm, Serialize, Default, Clone, Debug)]
pub struct ArrestFields {
    #[field(default = String::new())]
    pub arrested_at_day: String,
    #[field(default = String::new())]
    pub arrested_at_month: String,
    #[field(default = String::new())]
    pub arrested_at_year: String,
    #[field(default = String::new())]
    pub arrested_at_time: String,
    #[field(default = String::new())]
    pub location: String,
    #[field(default = String::new())]
    pub area: String,
    #[field(default = String::new())]
    pub operation: String,
    #[field(default = String::new())]
    pub vehicle_registration: String,
    #[field(default = String::new())]
    pub offence: String,
    #[field(default = String::new())]
    pub disposal: String,
    #[field(default = String::new())]
    pub course_deadline_day: String,
    #[field(default = String::new())]
    pub course_deadline_month: String,
    #[field(default = String::new())]
    pub course_deadline_year: String,
    #[field(default = false)]
    pub course_condition: bool,
    #[field(default = String::new())]
    pub court: String,
    #[field(default = String::new())]
    pub first_hearing_date_day: String,
    #[field(default = String::new())]
    pub first_hearing_date_month: String,
    #[field(default = String::new())]
    pub first_hearing_date_year: String,
    #[field(default = String::new())]
    pub collar_number: String,
    #[field(default = String::new())]
    pub occurrence_reference: String,
    #[field(default = String::new())]
    pub notes: String,
}

fn optional_date(
    d: &str,
    m: &str,
    y: &str,
    what: &str,
    slot: &mut Option<String>,
) -> Option<chrono::NaiveDate> {
    if d.trim().is_empty() && m.trim().is_empty() && y.trim().is_empty() {
        return None;
    }
    parse_date_parts(d, m, y, what)
        .map_err(|e| *slot = Some(e))
        .ok()
}

impl ArrestFields {
    /// The domain input and the errors from reading dates and times.
    pub fn input(&self) -> (ArrestInput, DateErrors) {
        let mut de = DateErrors::default();
        let date = parse_date_parts(
            &self.arrested_at_day,
            &self.arrested_at_month,
            &self.arrested_at_year,
            "the date of the arrest",
        );
        let time = parse_time(&self.arrested_at_time, "the time of the arrest");
        let arrested_at = match (date, time) {
            (Ok(d), Ok(t)) => Some(from_london(d.and_time(t))),
            (Err(e), _) | (_, Err(e)) => {
                de.arrested_at = Some(e);
                None
            }
        };
        let course_deadline = optional_date(
            &self.course_deadline_day,
            &self.course_deadline_month,
            &self.course_deadline_year,
            "the course deadline",
            &mut de.course_deadline,
        );
        let first_hearing_date = optional_date(
            &self.first_hearing_date_day,
            &self.first_hearing_date_month,
            &self.first_hearing_date_year,
            "the first hearing date",
            &mut de.first_hearing_date,
        );
        (
            ArrestInput {
                arrested_at,
                location: self.location.clone(),
                area: self.area.clone(),
                operation: self.operation.clone(),
                vehicle_registration: self.vehicle_registration.clone(),
                offence: self.offence.clone(),
                disposal: self.disposal.clone(),
                course_deadline,
                course_condition: Some(self.course_condition),
                court: self.court.clone(),
                first_hearing_date,
                collar_number: self.collar_number.clone(),
                occurrence_reference: self.occurrence_reference.clone(),
                notes: self.notes.clone(),
            },
            de,
        )
    }
}

/// The choices of the person fields (`person_fields` template).
#[derive(Clone, Debug, Serialize)]
pub struct PersonChoices {
    pub sex_options: Vec<Choice>,
    pub contact_options: Vec<Choice>,
}

impl PersonChoices {
    /// Sexes and contact preferences.
    pub fn new() -> PersonChoices {
        PersonChoices {
            sex_options: choices::<Sex>(),
            contact_options: choices_or_none::<ContactPreference>(NO_CONTACT_PREFERENCE),
        }
    }
}

/// A disposal as the arrest form offers it: its hint says when it refers
/// the man to probation (the rule is `Disposal::creates_referral`).
#[derive(Clone, Debug, Serialize)]
pub struct DisposalChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
}

/// The choices of the arrest fields, and of the person fields for a new man.
#[derive(Clone, Debug, Serialize)]
pub struct ArrestChoices {
    #[serde(flatten)]
    pub person: PersonChoices,
    pub area_options: Vec<AreaChoice>,
    pub offence_options: Vec<Choice>,
    pub disposal_options: Vec<DisposalChoice>,
}

/// An area, as configured by an administrator.
#[derive(Clone, Debug, Serialize)]
pub struct AreaChoice {
    pub value: String,
    pub label: String,
}

impl ArrestChoices {
    /// The choices, with the configured areas.
    pub fn new(areas: &[String]) -> ArrestChoices {
        let mut area_options = vec![AreaChoice {
            value: String::new(),
            label: "Choose an area".into(),
        }];
        area_options.extend(areas.iter().map(|a| AreaChoice {
            value: a.clone(),
            label: a.clone(),
        }));
        ArrestChoices {
            person: PersonChoices::new(),
            area_options,
            offence_options: choices::<Offence>(),
            disposal_options: Disposal::ALL
                .iter()
                .map(|d| DisposalChoice {
                    value: d.as_str(),
                    label: d.label(),
                    hint: match (d.creates_referral(), d) {
                        (true, Disposal::ConditionalCaution) => {
                            "Give the course deadline below: a referral to probation is made"
                        }
                        (true, _) => {
                            "Give the court and first hearing date below: a referral to probation is made"
                        }
                        _ => "",
                    },
                })
                .collect(),
        }
    }
}
