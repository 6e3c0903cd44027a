//! How records look to people and programs: one typed shape per record,
//! used by the page templates and the API alike, and the choices of coded
//! fields for forms.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::db::arrests_repo::Arrest;
use crate::db::hearings_repo::Hearing;
use crate::db::people_repo::{ListedMan, Person};
use crate::db::referrals_repo::Referral;
use crate::domain::arrest::{Disposal, Offence};
use crate::domain::assessment::AssessmentStatus;
use crate::domain::code::Coded;
use crate::domain::hearing::HearingOutcome;
use crate::domain::identifiers::parse_vehicle_reg;
use crate::domain::london_time::{format_date, format_datetime};
use crate::domain::person::{ContactPreference, Sex, SubjectCategory};
use crate::domain::referral::ReferralStatus;

/// One choice of a select, a radio set or a set of checkboxes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Choice {
    /// The code sent back.
    pub value: &'static str,
    /// What people read.
    pub label: &'static str,
}

/// The choices of a coded field, in display order.
pub fn choices<T: Coded>() -> Vec<Choice> {
    T::all()
        .iter()
        .map(|v| Choice {
            value: v.code(),
            label: v.text(),
        })
        .collect()
}

/// [`choices`] after a first, empty choice (for a field that may be left unset).
pub fn choices_or_none<T: Coded>(none: &'static str) -> Vec<Choice> {
    let mut all = vec![Choice {
        value: "",
        label: none,
    }];
    all.extend(choices::<T>());
    all
}

/// The colour of a status tag (GOV.UK tag pattern; the words carry the
/// meaning, the colour only supports them).
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    Grey,
    Blue,
    Green,
    Yellow,
    Red,
}

/// An assessment's status tag: drafts stand out, completed ones are done.
pub fn assessment_status_tag(status: AssessmentStatus) -> Tag {
    match status {
        AssessmentStatus::Draft => Tag::Yellow,
        AssessmentStatus::Completed => Tag::Green,
        AssessmentStatus::Superseded => Tag::Grey,
    }
}

/// A registration as shown on the plate.
pub fn vehicle_display(normalised: Option<&str>) -> Option<String> {
    normalised.map(|v| {
        parse_vehicle_reg(v)
            .map(|r| r.display)
            .unwrap_or_else(|_| v.to_string())
    })
}

/// A man as pages and the API show him.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PersonView {
    pub id: i32,
    pub reference: String,
    pub surname: String,
    pub forenames: String,
    pub name: String,
    pub date_of_birth: NaiveDate,
    pub date_of_birth_text: String,
    pub sex: Sex,
    pub sex_text: &'static str,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub pnc_id: Option<String>,
    pub contact_preference: Option<ContactPreference>,
    pub contact_preference_text: Option<&'static str>,
    pub category: SubjectCategory,
    pub category_text: &'static str,
    pub version: i32,
}

/// A person.
pub fn person(p: &Person) -> PersonView {
    PersonView {
        id: p.id,
        reference: p.reference.clone(),
        surname: p.surname.clone(),
        forenames: p.forenames.clone(),
        name: format!("{} {}", p.forenames, p.surname),
        date_of_birth: p.date_of_birth,
        date_of_birth_text: format_date(p.date_of_birth),
        sex: p.sex,
        sex_text: p.sex.label(),
        address: p.address.clone(),
        postcode: p.postcode.clone(),
        phone: p.phone.clone(),
        pnc_id: p.pnc_id.clone(),
        contact_preference: p.contact_preference,
        contact_preference_text: p.contact_preference.map(|c| c.label()),
        category: p.category,
        category_text: p.category.label(),
        version: p.version,
    }
}

/// A man as a list's row names him: what the row prints and links to, and
/// none of the rest of his record (a list page draws many rows, and the
/// template needs no address or telephone number to print a name).
#[derive(Clone, Debug, Serialize)]
pub struct ListedPerson {
    pub id: i32,
    pub reference: String,
    pub surname: String,
    pub forenames: String,
}

/// A man as a list's row names him, from a read of no more than that.
pub fn listed_man(m: ListedMan) -> ListedPerson {
    ListedPerson {
        id: m.id,
        reference: m.reference,
        surname: m.surname,
        forenames: m.forenames,
    }
}

/// An arrest as pages and the API show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ArrestView {
    pub id: i32,
    pub person_id: i32,
    pub occurrence_reference: Option<String>,
    pub arrested_at: DateTime<Utc>,
    pub arrested_at_text: String,
    pub location: String,
    pub area: String,
    pub operation: Option<String>,
    pub vehicle_registration: Option<String>,
    pub offence: Offence,
    pub offence_text: &'static str,
    pub disposal: Disposal,
    pub disposal_text: &'static str,
    pub course_deadline: Option<NaiveDate>,
    pub course_deadline_text: Option<String>,
    pub court: Option<String>,
    pub first_hearing_date: Option<NaiveDate>,
    pub first_hearing_date_text: Option<String>,
    pub collar_number: Option<String>,
    pub notes: Option<String>,
}

/// An arrest.
pub fn arrest(a: &Arrest) -> ArrestView {
    ArrestView {
        id: a.id,
        person_id: a.person_id,
        occurrence_reference: a.occurrence_reference.clone(),
        arrested_at: a.arrested_at,
        arrested_at_text: format_datetime(a.arrested_at),
        location: a.location.clone(),
        area: a.area.clone(),
        operation: a.operation.clone(),
        vehicle_registration: vehicle_display(a.vehicle_registration.as_deref()),
        offence: a.offence,
        offence_text: a.offence.label(),
        disposal: a.disposal,
        disposal_text: a.disposal.label(),
        course_deadline: a.course_deadline,
        course_deadline_text: a.course_deadline.map(format_date),
        court: a.court.clone(),
        first_hearing_date: a.first_hearing_date,
        first_hearing_date_text: a.first_hearing_date.map(format_date),
        collar_number: a.collar_number.clone(),
        notes: a.notes.clone(),
    }
}

/// A referral as pages and the API show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReferralView {
    pub id: i32,
    pub person_id: i32,
    pub arrest_id: i32,
    pub reason: Disposal,
    pub reason_text: &'static str,
    pub due_date: NaiveDate,
    pub due_date_text: String,
    pub status: ReferralStatus,
    pub status_text: &'static str,
    pub assigned_to: Option<i32>,
    /// The version the page was read at, sent back by its forms.
    pub version: i32,
}

/// A referral.
pub fn referral(r: &Referral) -> ReferralView {
    ReferralView {
        id: r.id,
        person_id: r.person_id,
        arrest_id: r.arrest_id,
        reason: r.reason,
        reason_text: r.reason.label(),
        due_date: r.due_date,
        due_date_text: format_date(r.due_date),
        status: r.status,
        status_text: r.status.label(),
        assigned_to: r.assigned_to,
        version: r.version,
    }
}

/// A court hearing as pages and the API show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HearingView {
    pub id: i32,
    pub arrest_id: i32,
    pub hearing_date: NaiveDate,
    pub hearing_date_text: String,
    pub court: String,
    pub outcome: HearingOutcome,
    pub outcome_text: &'static str,
    pub notes: Option<String>,
}

/// A court hearing.
pub fn hearing(h: &Hearing) -> HearingView {
    HearingView {
        id: h.id,
        arrest_id: h.arrest_id,
        hearing_date: h.hearing_date,
        hearing_date_text: format_date(h.hearing_date),
        court: h.court.clone(),
        outcome: h.outcome,
        outcome_text: h.outcome.label(),
        notes: h.notes.clone(),
    }
}
