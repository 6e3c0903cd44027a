//! Arrests for kerb crawling / soliciting: offences, disposals and the rules
//! an arrest record must meet.

use chrono::{DateTime, NaiveDate, Utc};

use super::dates::age_on;
use super::identifiers::parse_vehicle_reg;
use super::london_time::london_date;
use super::validation::FieldErrors;

use super::code::coded_enum;

coded_enum!(
    /// The offence an arrest was for.
    Offence {
        /// Sexual Offences Act 2003 s.51A (in force since 2010).
        SolicitingS51a => "soliciting_s51a_soa2003", "Soliciting (Sexual Offences Act 2003 s.51A)";
        /// Sexual Offences Act 1985 s.1 (historic records).
        KerbCrawlingS1 => "kerb_crawling_s1_soa1985", "Kerb crawling (Sexual Offences Act 1985 s.1)";
        /// Sexual Offences Act 1985 s.2 (historic records).
        PersistentSolicitingS2 => "persistent_soliciting_s2_soa1985", "Persistent soliciting (Sexual Offences Act 1985 s.2)";
        /// Anything else.
        Other => "other", "Other offence";
    }
);

impl Offence {
    /// Is this a soliciting / kerb-crawling offence (OGRS3 category
    /// `soliciting_or_prostitution`)?
    pub fn is_soliciting(self) -> bool {
        !matches!(self, Offence::Other)
    }
}

coded_enum!(
    /// What the police decided.
    Disposal {
        NoFurtherAction => "no_further_action", "No further action";
        CommunityResolution => "community_resolution", "Community resolution";
        SimpleCaution => "simple_caution", "Simple caution";
        /// Usually with a condition to attend the awareness course by a deadline.
        ConditionalCaution => "conditional_caution", "Conditional caution";
        /// Charged: court and first hearing date.
        Charged => "charged", "Charged";
        ReleasedUnderInvestigation => "released_under_investigation", "Released under investigation";
    }
);

impl Disposal {
    /// Does this disposal send a referral to probation?
    pub fn creates_referral(self) -> bool {
        matches!(self, Disposal::ConditionalCaution | Disposal::Charged)
    }

    /// Does this disposal send him to court, so that hearings are recorded
    /// against the arrest? (Only a charge.)
    pub fn goes_to_court(self) -> bool {
        matches!(self, Disposal::Charged)
    }

    /// Is this a sanction that counts towards a man's record (OGRS3)?
    pub fn is_sanction(self) -> bool {
        matches!(
            self,
            Disposal::SimpleCaution | Disposal::ConditionalCaution | Disposal::Charged
        )
    }
}

/// Arrest fields as typed, before checking. The arrest time is a UTC
/// instant already converted from the London time typed.
#[derive(Clone, Debug, Default)]
pub struct ArrestInput {
    pub arrested_at: Option<DateTime<Utc>>,
    pub location: String,
    pub area: String,
    pub operation: String,
    pub vehicle_registration: String,
    pub offence: String,
    pub disposal: String,
    pub course_deadline: Option<NaiveDate>,
    /// Whether a conditional caution carries the condition to attend the
    /// awareness course: `Some` from the form's checkbox; `None` (API, import)
    /// means "if a course deadline is given".
    pub course_condition: Option<bool>,
    pub court: String,
    pub first_hearing_date: Option<NaiveDate>,
    pub collar_number: String,
    pub occurrence_reference: String,
    pub notes: String,
}

/// Errors from reading the date and time fields, passed on to validation.
#[derive(Clone, Debug, Default)]
pub struct DateErrors {
    pub arrested_at: Option<String>,
    pub course_deadline: Option<String>,
    pub first_hearing_date: Option<String>,
}

/// A checked arrest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidArrest {
    pub arrested_at: DateTime<Utc>,
    pub location: String,
    pub area: String,
    pub operation: Option<String>,
    pub vehicle_registration: Option<String>,
    pub offence: Offence,
    pub disposal: Disposal,
    pub course_deadline: Option<NaiveDate>,
    pub court: Option<String>,
    pub first_hearing_date: Option<NaiveDate>,
    pub collar_number: Option<String>,
    pub occurrence_reference: Option<String>,
    pub notes: Option<String>,
}

impl ValidArrest {
    /// When a referral is due: the course deadline or the first hearing.
    pub fn referral_due(&self) -> Option<NaiveDate> {
        match self.disposal {
            Disposal::ConditionalCaution => self.course_deadline,
            Disposal::Charged => self.first_hearing_date,
            _ => None,
        }
    }
}

fn text(
    raw: &str,
    max: usize,
    required: Option<&str>,
    label: &str,
) -> Result<Option<String>, String> {
    let t = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        return match required {
            Some(msg) => Err(msg.to_string()),
            None => Ok(None),
        };
    }
    if t.chars().count() > max {
        return Err(format!("{label} must be {max} characters or fewer"));
    }
    Ok(Some(t))
}

/// What the disposal brings with it, checked against the disposal chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
enum DisposalDetails {
    /// No course deadline, court or hearing (or a caution without the
    /// course condition).
    Nothing,
    /// A conditional caution with the course condition: the deadline, when
    /// given (the API and imports may leave it out).
    Course { deadline: Option<NaiveDate> },
    /// Charged: the court and the first hearing.
    Court {
        court: String,
        first_hearing: NaiveDate,
    },
}

/// The arrest time: given, not in the future, and not before he was ten.
fn check_arrested_at(
    input: &ArrestInput,
    date_error: Option<String>,
    date_of_birth: Option<NaiveDate>,
    now: DateTime<Utc>,
    e: &mut FieldErrors,
) -> Option<DateTime<Utc>> {
    let message = match (input.arrested_at, date_error) {
        (_, Some(m)) => m,
        (None, None) => "Enter the date and time of the arrest".to_string(),
        (Some(at), None) if at > now => "The arrest cannot be in the future".to_string(),
        (Some(at), None) => {
            let day = london_date(at);
            if date_of_birth.is_none_or(|dob| age_on(dob, day).is_some_and(|a| a >= 10)) {
                return Some(at);
            }
            "He must be at least 10 years old on the day of the arrest: check the date of birth and the arrest date".to_string()
        }
    };
    e.add("arrested_at", message);
    None
}

/// The course deadline, court and first hearing, which only some disposals
/// carry. `None` when there are errors (added to `e`).
fn check_disposal_details(
    input: &ArrestInput,
    disposal: Option<Disposal>,
    arrest_day: Option<NaiveDate>,
    e: &mut FieldErrors,
) -> Option<DisposalDetails> {
    let errors_before = e.len();
    let details = match disposal {
        // Only a caution with the course condition goes to probation.
        Some(Disposal::ConditionalCaution) if input.course_condition == Some(false) => {
            if input.course_deadline.is_some() {
                e.add("course_deadline", "Only give a course deadline when the caution has the condition to attend the course");
            }
            DisposalDetails::Nothing
        }
        Some(Disposal::ConditionalCaution) => {
            match input.course_deadline {
                None if input.course_condition.is_some() && e.get("course_deadline").is_none() => e
                    .add(
                        "course_deadline",
                        "Enter the date by which he must complete the course",
                    ),
                Some(d) if arrest_day.is_some_and(|a| d <= a) => e.add(
                    "course_deadline",
                    "The course deadline must be after the arrest date",
                ),
                _ => {}
            }
            DisposalDetails::Course {
                deadline: input.course_deadline,
            }
        }
        Some(Disposal::Charged) => {
            let court = e
                .check(
                    "court",
                    text(
                        &input.court,
                        150,
                        Some("Enter the court for the first hearing"),
                        "Court",
                    ),
                )
                .flatten();
            match input.first_hearing_date {
                None if e.get("first_hearing_date").is_none() => {
                    e.add("first_hearing_date", "Enter the date of the first hearing")
                }
                Some(d) if arrest_day.is_some_and(|a| d < a) => e.add(
                    "first_hearing_date",
                    "The first hearing cannot be before the arrest",
                ),
                _ => {}
            }
            match (court, input.first_hearing_date) {
                (Some(court), Some(first_hearing)) => DisposalDetails::Court {
                    court,
                    first_hearing,
                },
                _ => return None,
            }
        }
        _ => {
            if input.course_deadline.is_some() {
                e.add(
                    "course_deadline",
                    "Only give a course deadline for a conditional caution",
                );
            }
            DisposalDetails::Nothing
        }
    };
    // a court or hearing given with any other disposal would be dropped
    // without a word: refuse it instead
    if disposal.is_some_and(|d| d != Disposal::Charged)
        && (!input.court.trim().is_empty() || input.first_hearing_date.is_some())
    {
        e.add(
            "court",
            "Only give a court and hearing date when he was charged",
        );
    }
    (e.len() == errors_before).then_some(details)
}

/// A collar number: letters, digits and spaces, kept in capitals.
fn check_collar_number(raw: &str, e: &mut FieldErrors) -> Option<Option<String>> {
    let collar = e.check("collar_number", text(raw, 20, None, "Collar number"))?;
    if collar
        .as_deref()
        .is_some_and(|c| !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == ' '))
    {
        e.add(
            "collar_number",
            "Collar number can only contain letters and numbers",
        );
        return None;
    }
    Some(collar.map(|c| c.to_uppercase()))
}

/// Check an arrest for a man born on `date_of_birth`, at `now`, against the
/// configured `areas` (any area is accepted when the list is empty).
pub fn validate_arrest(
    input: &ArrestInput,
    date_errors: DateErrors,
    date_of_birth: Option<NaiveDate>,
    now: DateTime<Utc>,
    areas: &[String],
) -> Result<ValidArrest, FieldErrors> {
    let mut e = FieldErrors::new();
    let arrested_at = check_arrested_at(input, date_errors.arrested_at, date_of_birth, now, &mut e);
    let location = e.check(
        "location",
        text(
            &input.location,
            200,
            Some("Enter the street where he was arrested"),
            "Location",
        ),
    );
    let area = e.check(
        "area",
        text(&input.area, 100, Some("Choose the area"), "Area"),
    );
    if let Some(Some(a)) = &area
        && !areas.is_empty()
        && !areas.iter().any(|x| x == a)
    {
        e.add("area", "Choose an area from the list");
    }
    let operation = e.check(
        "operation",
        text(&input.operation, 100, None, "Operation name"),
    );
    let vehicle = if input.vehicle_registration.trim().is_empty() {
        Some(None)
    } else {
        e.check(
            "vehicle_registration",
            parse_vehicle_reg(&input.vehicle_registration).map(|v| Some(v.normalised)),
        )
    };
    let offence = Offence::parse(&input.offence);
    if offence.is_none() {
        e.add("offence", "Choose the offence");
    }
    let disposal = Disposal::parse(&input.disposal);
    if disposal.is_none() {
        e.add("disposal", "Choose the disposal");
    }
    if let Some(m) = date_errors.course_deadline {
        e.add("course_deadline", m);
    }
    if let Some(m) = date_errors.first_hearing_date {
        e.add("first_hearing_date", m);
    }
    let details = check_disposal_details(input, disposal, arrested_at.map(london_date), &mut e);
    let collar = check_collar_number(&input.collar_number, &mut e);
    let occurrence = e.check(
        "occurrence_reference",
        text(
            &input.occurrence_reference,
            50,
            None,
            "Occurrence reference",
        ),
    );
    let notes = e.check("notes", text(&input.notes, 2000, None, "Notes"));
    if !e.is_empty() {
        return Err(e);
    }
    match (
        arrested_at,
        location.flatten(),
        area.flatten(),
        operation,
        vehicle,
        offence,
        disposal,
        details,
        collar,
        occurrence,
        notes,
    ) {
        (
            Some(arrested_at),
            Some(location),
            Some(area),
            Some(operation),
            Some(vehicle_registration),
            Some(offence),
            Some(disposal),
            Some(details),
            Some(collar_number),
            Some(occurrence_reference),
            Some(notes),
        ) => {
            let (course_deadline, court, first_hearing_date) = match details {
                DisposalDetails::Nothing => (None, None, None),
                DisposalDetails::Course { deadline } => (deadline, None, None),
                DisposalDetails::Court {
                    court,
                    first_hearing,
                } => (None, Some(court), Some(first_hearing)),
            };
            Ok(ValidArrest {
                arrested_at,
                location,
                area,
                operation,
                vehicle_registration,
                offence,
                disposal,
                course_deadline,
                court,
                first_hearing_date,
                collar_number,
                occurrence_reference: occurrence_reference.map(|o| o.to_uppercase()),
                notes,
            })
        }
        _ => Err(FieldErrors::one("arrested_at", "Check the arrest details")),
    }
}

#[cfg(test)]
#[path = "arrest_tests.rs"]
mod tests;
