//! A man recorded in Kerbside: the rules for his identity fields.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::code::coded_enum;
use super::dates::age_on;
use super::identifiers::{parse_phone, parse_pnc_id, parse_postcode};
use super::validation::FieldErrors;

coded_enum!(
    /// Sex as recorded by the police.
    Sex {
        Male => "male" | "m", "Male";
        Female => "female" | "f", "Female";
        Other => "other" | "x", "Other";
    }
);

coded_enum!(
    /// The DPA 2018 Part 3 category of a data subject.
    SubjectCategory {
        /// Arrested or suspected, not convicted.
        Suspect => "suspect", "Suspect";
        /// Convicted (or cautioned) of the offence.
        Convicted => "convicted", "Convicted";
    }
);

coded_enum!(
    /// How a man has asked to be contacted (or not). None recorded is no value.
    ContactPreference {
        MobileOnly => "mobile_only", "Mobile phone only";
        NoLettersHome => "no_letters_home", "No letters to home address";
        NoContactAtHome => "no_contact_at_home", "No contact at home (phone or visits)";
        ViaSolicitor => "via_solicitor", "Through his solicitor";
    }
);

/// What the form shows when no contact preference is recorded.
pub const NO_CONTACT_PREFERENCE: &str = "No preference recorded";

/// The person fields as typed (form or API), before checking.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PersonInput {
    pub surname: String,
    pub forenames: String,
    pub date_of_birth: Option<NaiveDate>,
    pub sex: String,
    pub address: String,
    pub postcode: String,
    pub phone: String,
    pub pnc_id: String,
    pub contact_preference: String,
    pub category: String,
}

/// Checked, normalised person fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidPerson {
    pub surname: String,
    pub forenames: String,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub pnc_id: Option<String>,
    pub contact_preference: Option<ContactPreference>,
    pub category: SubjectCategory,
}

fn name_part(raw: &str, what: &str) -> Result<String, String> {
    let t = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        return Err(format!("Enter the {what}"));
    }
    if t.chars().count() > 100 {
        return Err(format!("The {what} must be 100 characters or fewer"));
    }
    if t.chars().any(|c| c.is_control() || c.is_ascii_digit()) {
        return Err(format!("The {what} must not contain numbers"));
    }
    Ok(t)
}

fn optional(raw: &str, max: usize, what: &str) -> Result<Option<String>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(format!("{what} must be {max} characters or fewer"));
    }
    Ok(Some(t.to_string()))
}

/// Check a person's fields. `dob_error` carries a message from reading the
/// date (e.g. "Date of birth must include a month") when the caller parsed it.
pub fn validate_person(
    input: &PersonInput,
    today: NaiveDate,
    dob_error: Option<String>,
) -> Result<ValidPerson, FieldErrors> {
    let mut e = FieldErrors::new();
    let surname = e.check("surname", name_part(&input.surname, "surname"));
    let forenames = e.check("forenames", name_part(&input.forenames, "forenames"));
    let dob = match (input.date_of_birth, dob_error) {
        (_, Some(msg)) => {
            e.add("date_of_birth", msg);
            None
        }
        (None, None) => {
            e.add("date_of_birth", "Enter the date of birth");
            None
        }
        (Some(d), None) if d > today => {
            e.add("date_of_birth", "Date of birth must be in the past");
            None
        }
        (Some(d), None) if age_on(d, today).is_some_and(|a| a > 110) => {
            e.add(
                "date_of_birth",
                "Date of birth must be within the last 110 years",
            );
            None
        }
        (Some(d), None) => Some(d),
    };
    let sex = Sex::parse(&input.sex);
    if sex.is_none() {
        e.add("sex", "Select the person's sex");
    }
    let address = e.check("address", optional(&input.address, 300, "Address"));
    let postcode = if input.postcode.trim().is_empty() {
        Some(None)
    } else {
        e.check("postcode", parse_postcode(&input.postcode).map(Some))
    };
    let phone = if input.phone.trim().is_empty() {
        Some(None)
    } else {
        e.check("phone", parse_phone(&input.phone).map(Some))
    };
    let pnc_id = if input.pnc_id.trim().is_empty() {
        Some(None)
    } else {
        e.check("pnc_id", parse_pnc_id(&input.pnc_id).map(Some))
    };
    let pref = input.contact_preference.trim();
    if !pref.is_empty() && ContactPreference::parse(pref).is_none() {
        e.add(
            "contact_preference",
            "Choose a contact preference from the list",
        );
    }
    let category = if input.category.trim().is_empty() {
        Some(SubjectCategory::Suspect)
    } else {
        SubjectCategory::parse(&input.category)
    };
    if category.is_none() {
        e.add("category", "Category must be suspect or convicted");
    }
    match (
        surname, forenames, dob, sex, address, postcode, phone, pnc_id, category,
    ) {
        (
            Some(surname),
            Some(forenames),
            Some(date_of_birth),
            Some(sex),
            Some(address),
            Some(postcode),
            Some(phone),
            Some(pnc_id),
            Some(category),
        ) if e.is_empty() => Ok(ValidPerson {
            surname,
            forenames,
            date_of_birth,
            sex,
            address,
            postcode,
            phone,
            pnc_id,
            contact_preference: ContactPreference::parse(pref),
            category,
        }),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn input() -> PersonInput {
        PersonInput {
            surname: " Wiśniewski ".into(),
            forenames: "Łukasz  Jan".into(),
            date_of_birth: NaiveDate::from_ymd_opt(1980, 3, 1),
            sex: "male".into(),
            postcode: "ip4 1aa".into(),
            pnc_id: "08/123456a".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_person_keeps_diacritics_and_normalises_identifiers() {
        let p = validate_person(&input(), today(), None).unwrap();
        assert_eq!(p.surname, "Wiśniewski");
        assert_eq!(p.forenames, "Łukasz Jan");
        assert_eq!(p.postcode.as_deref(), Some("IP4 1AA"));
        assert_eq!(p.pnc_id.as_deref(), Some("08/123456A"));
        assert_eq!(p.category, SubjectCategory::Suspect);
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let bad = PersonInput {
            surname: "".into(),
            forenames: "J0hn".into(),
            date_of_birth: NaiveDate::from_ymd_opt(2030, 1, 1),
            sex: "".into(),
            postcode: "nowhere".into(),
            phone: "12".into(),
            pnc_id: "x".into(),
            contact_preference: "carrier pigeon".into(),
            category: "victim".into(),
            ..Default::default()
        };
        let e = validate_person(&bad, today(), None).unwrap_err();
        for f in [
            "surname",
            "forenames",
            "date_of_birth",
            "sex",
            "postcode",
            "phone",
            "pnc_id",
            "contact_preference",
            "category",
        ] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }
}
