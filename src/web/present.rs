//! How records look to people and programs: one JSON shape per record,
//! used by the page templates and the API alike.

use serde_json::{Value, json};

use crate::db::arrests_repo::Arrest;
use crate::db::people_repo::Person;
use crate::db::referrals_repo::Referral;
use crate::domain::arrest::{Disposal, Offence};
use crate::domain::identifiers::parse_vehicle_reg;
use crate::domain::london_time::{format_date, format_datetime};
use crate::domain::person::{CONTACT_PREFERENCES, Sex};
use crate::domain::referral::ReferralStatus;

/// A registration as shown on the plate.
pub fn vehicle_display(normalised: Option<&str>) -> Option<String> {
    normalised.map(|v| {
        parse_vehicle_reg(v)
            .map(|r| r.display)
            .unwrap_or_else(|_| v.to_string())
    })
}

/// A person.
pub fn person(p: &Person) -> Value {
    json!({
        "id": p.id,
        "reference": p.reference,
        "surname": p.surname,
        "forenames": p.forenames,
        "name": format!("{} {}", p.forenames, p.surname),
        "date_of_birth": p.date_of_birth,
        "date_of_birth_text": format_date(p.date_of_birth),
        "sex": p.sex,
        "sex_text": Sex::parse(&p.sex).map(|s| s.label()).unwrap_or(""),
        "address": p.address,
        "postcode": p.postcode,
        "phone": p.phone,
        "pnc_id": p.pnc_id,
        "contact_preference": p.contact_preference,
        "contact_preference_text": CONTACT_PREFERENCES.iter().find(|(v, _)| Some(*v) == p.contact_preference.as_deref()).map(|(_, l)| *l),
        "category": p.category,
        "version": p.version,
    })
}

/// An arrest.
pub fn arrest(a: &Arrest) -> Value {
    json!({
        "id": a.id,
        "person_id": a.person_id,
        "occurrence_reference": a.occurrence_reference,
        "arrested_at": a.arrested_at,
        "arrested_at_text": format_datetime(a.arrested_at),
        "location": a.location,
        "area": a.area,
        "operation": a.operation,
        "vehicle_registration": vehicle_display(a.vehicle_registration.as_deref()),
        "offence": a.offence,
        "offence_text": Offence::parse(&a.offence).map(|o| o.label()).unwrap_or("Unknown"),
        "disposal": a.disposal,
        "disposal_text": Disposal::parse(&a.disposal).map(|d| d.label()).unwrap_or("Unknown"),
        "course_deadline": a.course_deadline,
        "course_deadline_text": a.course_deadline.map(format_date),
        "court": a.court,
        "first_hearing_date": a.first_hearing_date,
        "first_hearing_date_text": a.first_hearing_date.map(format_date),
        "collar_number": a.collar_number,
        "notes": a.notes,
    })
}

/// A referral.
pub fn referral(r: &Referral) -> Value {
    json!({
        "id": r.id,
        "person_id": r.person_id,
        "arrest_id": r.arrest_id,
        "reason": r.reason,
        "reason_text": Disposal::parse(&r.reason).map(|d| d.label()).unwrap_or(""),
        "due_date": r.due_date,
        "due_date_text": format_date(r.due_date),
        "status": r.status,
        "status_text": ReferralStatus::parse(&r.status).map(|s| s.label()).unwrap_or(""),
        "assigned_to": r.assigned_to,
    })
}

/// A court hearing.
pub fn hearing(h: &crate::db::hearings_repo::Hearing) -> Value {
    json!({
        "id": h.id,
        "arrest_id": h.arrest_id,
        "hearing_date": h.hearing_date,
        "hearing_date_text": format_date(h.hearing_date),
        "court": h.court,
        "outcome": h.outcome,
        "outcome_text": crate::domain::hearing::HearingOutcome::parse(&h.outcome).map(|o| o.label()).unwrap_or(""),
        "notes": h.notes,
    })
}
