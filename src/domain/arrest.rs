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
    let arrested_at = match (input.arrested_at, date_errors.arrested_at) {
        (_, Some(m)) => {
            e.add("arrested_at", m);
            None
        }
        (None, None) => {
            e.add("arrested_at", "Enter the date and time of the arrest");
            None
        }
        (Some(at), None) if at > now => {
            e.add("arrested_at", "The arrest cannot be in the future");
            None
        }
        (Some(at), None) => {
            let day = london_date(at);
            if date_of_birth.is_some_and(|dob| age_on(dob, day).is_none_or(|a| a < 10)) {
                e.add("arrested_at", "He must be at least 10 years old on the day of the arrest: check the date of birth and the arrest date");
                None
            } else {
                Some(at)
            }
        }
    };
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
    let arrest_day = arrested_at.map(london_date);
    let mut course_deadline = None;
    let mut court = None;
    let mut first_hearing = None;
    if let Some(m) = date_errors.course_deadline {
        e.add("course_deadline", m);
    }
    if let Some(m) = date_errors.first_hearing_date {
        e.add("first_hearing_date", m);
    }
    match disposal {
        // Only a caution with the course condition goes to probation.
        Some(Disposal::ConditionalCaution) if input.course_condition == Some(false) => {
            if input.course_deadline.is_some() {
                e.add("course_deadline", "Only give a course deadline when the caution has the condition to attend the course");
            }
        }
        Some(Disposal::ConditionalCaution) => match input.course_deadline {
            None if input.course_condition.is_none() => {}
            None if e.get("course_deadline").is_none() => e.add(
                "course_deadline",
                "Enter the date by which he must complete the course",
            ),
            Some(d) if arrest_day.is_some_and(|a| d <= a) => e.add(
                "course_deadline",
                "The course deadline must be after the arrest date",
            ),
            d => course_deadline = d,
        },
        Some(Disposal::Charged) => {
            court = e
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
                d => first_hearing = d,
            }
        }
        _ => {
            if input.course_deadline.is_some() {
                e.add(
                    "course_deadline",
                    "Only give a course deadline for a conditional caution",
                );
            }
            if !input.court.trim().is_empty() || input.first_hearing_date.is_some() {
                e.add(
                    "court",
                    "Only give a court and hearing date when he was charged",
                );
            }
        }
    }
    let collar = e.check(
        "collar_number",
        text(&input.collar_number, 20, None, "Collar number"),
    );
    if let Some(Some(c)) = &collar
        && !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == ' ')
    {
        e.add(
            "collar_number",
            "Collar number can only contain letters and numbers",
        );
    }
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
            Some(collar_number),
            Some(occurrence_reference),
            Some(notes),
        ) => Ok(ValidArrest {
            arrested_at,
            location,
            area,
            operation,
            vehicle_registration,
            offence,
            disposal,
            course_deadline,
            court,
            first_hearing_date: first_hearing,
            collar_number: collar_number.map(|c| c.to_uppercase()),
            occurrence_reference: occurrence_reference.map(|o| o.to_uppercase()),
            notes,
        }),
        _ => Err(FieldErrors::one("arrested_at", "Check the arrest details")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn good() -> ArrestInput {
        ArrestInput {
            arrested_at: Some(now() - chrono::Duration::hours(3)),
            location: "London Road".into(),
            area: "Central".into(),
            vehicle_registration: "ab12 cde".into(),
            offence: "soliciting_s51a_soa2003".into(),
            disposal: "conditional_caution".into(),
            course_deadline: NaiveDate::from_ymd_opt(2027, 1, 31),
            collar_number: "pc 1234".into(),
            occurrence_reference: "37/123456/26".into(),
            ..Default::default()
        }
    }

    fn dob() -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(1975, 5, 5)
    }

    #[test]
    fn a_conditional_caution_is_due_on_its_course_deadline() {
        let a = validate_arrest(
            &good(),
            DateErrors::default(),
            dob(),
            now(),
            &["Central".into()],
        )
        .unwrap();
        assert_eq!(a.referral_due(), NaiveDate::from_ymd_opt(2027, 1, 31));
        assert_eq!(a.vehicle_registration.as_deref(), Some("AB12CDE"));
        assert!(a.disposal.creates_referral());
    }

    #[test]
    fn only_a_caution_with_the_course_condition_is_referred() {
        let mut i = good();
        i.course_condition = Some(true);
        i.course_deadline = None;
        assert!(
            validate_arrest(&i, DateErrors::default(), dob(), now(), &[])
                .unwrap_err()
                .get("course_deadline")
                .is_some()
        );
        i.course_condition = Some(false);
        let a = validate_arrest(&i, DateErrors::default(), dob(), now(), &[]).unwrap();
        assert_eq!(a.referral_due(), None, "no course condition: no referral");
        i.course_condition = None;
        assert_eq!(
            validate_arrest(&i, DateErrors::default(), dob(), now(), &[])
                .unwrap()
                .referral_due(),
            None,
            "an import without a deadline has no course condition"
        );
    }

    #[test]
    fn conditional_fields_follow_the_disposal() {
        let mut i = good();
        i.course_deadline = None;
        i.course_condition = Some(true);
        let e = validate_arrest(&i, DateErrors::default(), dob(), now(), &[]).unwrap_err();
        assert!(e.get("course_deadline").is_some());
        i.disposal = "charged".into();
        let e = validate_arrest(&i, DateErrors::default(), dob(), now(), &[]).unwrap_err();
        assert!(e.get("court").is_some() && e.get("first_hearing_date").is_some());
        i.court = "Ipswich Magistrates' Court".into();
        i.first_hearing_date = NaiveDate::from_ymd_opt(2026, 12, 14);
        let a = validate_arrest(&i, DateErrors::default(), dob(), now(), &[]).unwrap();
        assert_eq!(a.referral_due(), NaiveDate::from_ymd_opt(2026, 12, 14));
        i.disposal = "simple_caution".into();
        assert!(
            validate_arrest(&i, DateErrors::default(), dob(), now(), &[])
                .unwrap_err()
                .get("court")
                .is_some()
        );
    }

    #[test]
    fn an_arrest_cannot_be_in_the_future_or_of_a_child_under_ten() {
        let mut i = good();
        i.arrested_at = Some(now() + chrono::Duration::minutes(5));
        assert!(
            validate_arrest(&i, DateErrors::default(), dob(), now(), &[])
                .unwrap_err()
                .get("arrested_at")
                .is_some()
        );
        let e = validate_arrest(
            &good(),
            DateErrors::default(),
            NaiveDate::from_ymd_opt(2017, 1, 1),
            now(),
            &[],
        )
        .unwrap_err();
        assert!(
            e.get("arrested_at")
                .is_some_and(|m| m.contains("at least 10"))
        );
    }

    #[test]
    fn the_area_must_come_from_the_list() {
        let e = validate_arrest(
            &good(),
            DateErrors::default(),
            dob(),
            now(),
            &["North".into()],
        )
        .unwrap_err();
        assert!(e.get("area").is_some());
    }
}
