//! OGRS3, the Offender Group Reconviction Scale (2009 calibration): the static
//! likelihood of proven reoffending within one and two years.
//!
//! Howard, Francis, Soothill & Humphreys (2009), Ministry of Justice Research
//! Summary 7/09, with the 9-decimal coefficient set of the Ministry's public
//! calculators. Pure arithmetic: every date is an argument, nothing reads the
//! clock. Always show the score as [`LABEL`], never as "the current HMPPS score".
//!
//! Flow: the raw [`Ogrs3Input`] (as posted to `POST /api/v1/calculators/ogrs3`)
//! is checked by [`validate`] into an [`Ogrs3Checked`], which [`score`] turns
//! into an [`Ogrs3Result`]; [`calculate`] does both.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use super::code::coded_enum;
use crate::domain::dates::in_supported_range;
use crate::domain::validation::FieldErrors;

/// The name to show wherever the score appears.
pub const LABEL: &str = "OGRS3 (2009 calibration)";

/// Shown with every result scored for a caution rather than a conviction.
pub const INDICATIVE_NOTE: &str = "indicative: the current sanction is a caution";

/// Shown next to the score when the Copas numerator was capped.
pub const CAP_NOTE: &str = concat!(
    "total sanctions capped at 51 (50 previous sanctions) in the Copas rate, ",
    "as the Ministry's reference spreadsheet does"
);

/// The Copas numerator cap: at most 51 sanctions (50 previous ones) count.
pub const SANCTIONS_CAP: u32 = 51;

/// Age of criminal responsibility in England and Wales: the youngest age OGRS3 scores.
pub const MIN_AGE: u32 = 10;

/// Weight of the Copas rate in the linear score.
pub const COPAS_WEIGHT: f64 = 1.251124464;
/// Intercept added to the linear score for the one-year probability.
pub const ONE_YEAR_INTERCEPT: f64 = 1.402562384;
/// Intercept added to the linear score for the two-year probability.
pub const TWO_YEAR_INTERCEPT: f64 = 2.121705678;
/// `H(S)` when the current sanction is the first (`S = 1`).
pub const FIRST_SANCTION_COEFFICIENT: f64 = 0.126142106;
/// `H(S)` when there were earlier sanctions (`S >= 2`).
pub const REPEAT_SANCTION_COEFFICIENT: f64 = 0.463062792;

/// Stand-in stored by deserialisation for a number with a fractional part, so that
/// validation (not the JSON parser) refuses it with a message naming the field.
const NOT_WHOLE: i64 = i64::MIN;

/// Completed years of age on a date (the project's one rule for ages).
pub use super::dates::age_on;

/// Sex, as recorded for the man. OGRS3 has coefficients for male and female
/// only: any other value is refused by validation and not scored.
pub use super::person::Sex;

coded_enum!(
    /// The sanction being assessed. OGRS3 scores a conviction; a caution gives an
    /// indicative result only.
    CurrentSanction {
        /// A conviction: what OGRS3 was built for.
        Conviction => "conviction", "Conviction";
        /// A caution: the result is labelled indicative.
        Caution => "caution", "Caution";
    }
);

coded_enum!(
    /// The 20 OGRS3 offence categories, chosen by the assessor (never derived from free
    /// text). Kerb crawling and soliciting belong to
    /// [`OffenceCategory::SolicitingOrProstitution`].
    OffenceCategory {
        /// Violence against the person.
        Violence => "violence", "Violence";
        /// Robbery.
        Robbery => "robbery", "Robbery";
        /// Public order offences.
        PublicOrder => "public_order", "Public order";
        /// Sexual offences, not against a child.
        SexualNotAgainstChild => "sexual_not_against_child", "Sexual (not against a child)";
        /// Sexual offences against a child.
        SexualAgainstChild => "sexual_against_child", "Sexual (against a child)";
        /// Soliciting or prostitution, including kerb crawling.
        SolicitingOrProstitution => "soliciting_or_prostitution", "Soliciting or prostitution (includes kerb crawling)";
        /// Domestic burglary.
        BurglaryDomestic => "burglary_domestic", "Burglary (domestic)";
        /// Other burglary.
        BurglaryOther => "burglary_other", "Burglary (other)";
        /// Theft other than of or from motor vehicles.
        TheftNonMotor => "theft_non_motor", "Theft (non-motor)";
        /// Handling stolen goods.
        HandlingStolenGoods => "handling_stolen_goods", "Handling stolen goods";
        /// Fraud and forgery.
        FraudAndForgery => "fraud_and_forgery", "Fraud and forgery";
        /// Absconding or bail offences.
        AbscondingOrBail => "absconding_or_bail", "Absconding or bail offences";
        /// Taking and driving away, and related offences.
        TakingAndDrivingAway => "taking_and_driving_away", "Taking and driving away";
        /// Theft from vehicles.
        TheftFromVehicles => "theft_from_vehicles", "Theft from vehicles";
        /// Other motoring offences.
        OtherMotoring => "other_motoring", "Other motoring";
        /// Drink driving.
        DrinkDriving => "drink_driving", "Drink driving";
        /// Criminal damage.
        CriminalDamage => "criminal_damage", "Criminal damage";
        /// Drug import, export or production.
        DrugImportExportProduction => "drug_import_export_production", "Drug import, export or production";
        /// Drug possession or supply.
        DrugPossessionSupply => "drug_possession_supply", "Drug possession or supply";
        /// Any other offence.
        OtherOffence => "other_offence", "Other offence";
    }
);

impl OffenceCategory {
    /// The offence coefficient `O(category)`.
    pub fn coefficient(self) -> f64 {
        match self {
            OffenceCategory::Violence => 0.0,
            OffenceCategory::Robbery => -0.634795912,
            OffenceCategory::PublicOrder => 0.181917975,
            OffenceCategory::SexualNotAgainstChild => 0.003276327,
            OffenceCategory::SexualAgainstChild => -0.653434071,
            OffenceCategory::SolicitingOrProstitution => 0.760608858,
            OffenceCategory::BurglaryDomestic => -0.12394352,
            OffenceCategory::BurglaryOther => 0.240604429,
            OffenceCategory::TheftNonMotor => 0.661244321,
            OffenceCategory::HandlingStolenGoods => 0.351866973,
            OffenceCategory::FraudAndForgery => 0.159910192,
            OffenceCategory::AbscondingOrBail => 0.733378677,
            OffenceCategory::TakingAndDrivingAway => 0.380059431,
            OffenceCategory::TheftFromVehicles => 0.427225615,
            OffenceCategory::OtherMotoring => 0.262228428,
            OffenceCategory::DrinkDriving => -0.121439408,
            OffenceCategory::CriminalDamage => 0.204960477,
            OffenceCategory::DrugImportExportProduction => -0.795556373,
            OffenceCategory::DrugPossessionSupply => 0.077165871,
            OffenceCategory::OtherOffence => -0.060667525,
        }
    }
}

coded_enum!(
    /// Display band, read from the two-year percent.
    Band {
        /// 0-49 %.
        Low => "low", "Low";
        /// 50-74 %.
        Medium => "medium", "Medium";
        /// 75-89 %.
        High => "high", "High";
        /// 90 % and over.
        VeryHigh => "very_high", "Very high";
    }
);

impl Band {
    /// The band of a (displayed, whole) two-year percent.
    pub fn from_percent(percent: u32) -> Band {
        match percent {
            0..=49 => Band::Low,
            50..=74 => Band::Medium,
            75..=89 => Band::High,
            _ => Band::VeryHigh,
        }
    }
}

/// Turn a probability into the displayed percent: `round_half_up(100 * p)`, then
/// clamped to 1..=99 (never 0 % and never 100 %).
///
/// `100 * p` is first rounded to 9 decimal places so that binary floating point
/// does not turn an exact half (e.g. `p = 0.285`) into `28.4999…`.
pub fn display_percent(probability: f64) -> u32 {
    let scaled = (100.0 * probability * 1e9).round() / 1e9;
    let rounded = (scaled + 0.5).floor();
    if rounded.is_nan() {
        return 1;
    }
    // The clamp keeps the value in 1..=99, so the conversion is exact.
    rounded.clamp(1.0, 99.0) as u32
}

/// The standard logistic function.
fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The age / sex coefficient `G(sex, age at follow-up start)`; `None` for a sex
/// the model has no column for. Ages under 10 (which validation refuses) are
/// given the 10-11 row.
pub fn age_sex_coefficient(sex: Sex, age: u32) -> Option<f64> {
    let (male, female) = match age {
        0..=11 => (0.0, -0.785038489),
        12..=13 => (0.083922902, -0.613852078),
        14..=15 => (0.075775765, -0.669521331),
        16..=17 => (-0.061594199, -0.959179629),
        18..=20 => (-0.625103618, -0.897480934),
        21..=24 => (-1.051515067, -1.028488454),
        25..=29 => (-1.166679288, -1.052777806),
        30..=34 => (-1.325976554, -1.129127959),
        35..=39 => (-1.368045933, -1.42187494),
        40..=49 => (-1.499690953, -1.524652221),
        _ => (-2.025261458, -2.44983716),
    };
    match sex {
        Sex::Male => Some(male),
        Sex::Female => Some(female),
        Sex::Other => None,
    }
}

/// The sanction-count coefficient `H(S)`: first sanction or not.
pub fn sanction_coefficient(total_sanctions: u32) -> f64 {
    if total_sanctions <= 1 {
        FIRST_SANCTION_COEFFICIENT
    } else {
        REPEAT_SANCTION_COEFFICIENT
    }
}

/// Accept any JSON number (or null) for a whole-number field. A number with a
/// fractional part becomes [`NOT_WHOLE`] so that validation refuses it by name.
fn whole_number<'de, D>(deserializer: D) -> Result<Option<i64>, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum JsonNumber {
        Int(i64),
        Big(u64),
        Float(f64),
    }
    Ok(
        Option::<JsonNumber>::deserialize(deserializer)?.map(|n| match n {
            JsonNumber::Int(i) => i,
            JsonNumber::Big(b) => i64::try_from(b).unwrap_or(i64::MAX),
            JsonNumber::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => f as i64,
            JsonNumber::Float(_) => NOT_WHOLE,
        }),
    )
}

/// The calculator's input exactly as the API takes it. Every field is optional here
/// so that [`validate`], not the JSON parser, refuses a missing or bad value with a
/// message naming the field. Give exactly one of `age_at_first_sanction` and
/// `first_sanction_date`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ogrs3Input {
    /// `male` or `female`.
    #[schema(pattern = r"^(male|female)$")]
    pub sex: Option<String>,
    /// Date of birth.
    #[schema(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub date_of_birth: Option<NaiveDate>,
    /// Date of the current conviction (the sanction being assessed).
    #[schema(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub conviction_date: Option<NaiveDate>,
    /// Start of the risk period: the sentence date for a non-custodial sentence, the
    /// release date after custody.
    #[schema(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub follow_up_start_date: Option<NaiveDate>,
    /// Age at first ever sanction, in whole years (or give `first_sanction_date`).
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 10, maximum = 120)]
    pub age_at_first_sanction: Option<i64>,
    /// Date of the first ever sanction (or give `age_at_first_sanction`).
    #[schema(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub first_sanction_date: Option<NaiveDate>,
    /// Sanctioning occasions including the current one (`S >= 1`).
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 1, maximum = 4294967295_i64)]
    pub total_sanctions: Option<i64>,
    /// One of the 20 [`OffenceCategory`] API values.
    #[schema(value_type = Option<OffenceCategory>)]
    pub offence_category: Option<String>,
    /// `conviction` or `caution`.
    #[schema(value_type = Option<CurrentSanction>)]
    pub current_sanction: Option<String>,
}

/// How the first sanction was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FirstSanction {
    /// Age at first sanction, in whole years.
    Age(u32),
    /// Date of the first sanction.
    Date(NaiveDate),
}

/// An input that passed [`validate`], with the three ages worked out.
#[derive(Clone, Debug, PartialEq)]
pub struct Ogrs3Checked {
    /// Sex.
    pub sex: Sex,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Date of the current conviction.
    pub conviction_date: NaiveDate,
    /// Start of the risk period.
    pub follow_up_start_date: NaiveDate,
    /// The first sanction as given.
    pub first_sanction: FirstSanction,
    /// `S`, including the current sanction (at least 1).
    pub total_sanctions: u32,
    /// Offence category.
    pub offence_category: OffenceCategory,
    /// Conviction or caution.
    pub current_sanction: CurrentSanction,
    /// `A_conv`: age on the conviction date.
    pub age_at_conviction: u32,
    /// `A_fu`: age on the follow-up start date.
    pub age_at_follow_up_start: u32,
    /// `A_first`: age at first sanction.
    pub age_at_first_sanction: u32,
}

/// The score, with the field names of the API answer (plus a few extra fields).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ogrs3Result {
    /// `ln(min(S, 51) / (10 + A_conv - A_first))`.
    pub copas_rate: f64,
    /// The linear score `x`.
    pub linear_score: f64,
    /// Unrounded one-year probability.
    pub one_year_probability: f64,
    /// Unrounded two-year probability.
    pub two_year_probability: f64,
    /// Displayed one-year percent (1..=99).
    pub one_year_percent: u32,
    /// Displayed two-year percent (1..=99).
    pub two_year_percent: u32,
    /// Band of the two-year percent.
    pub band: Band,
    /// True when `S > 51` and the Copas numerator was capped (say so next to the score).
    pub sanctions_capped: bool,
    /// True when the current sanction is a caution: label the result [`INDICATIVE_NOTE`].
    pub indicative: bool,
    /// The score's display name, [`LABEL`].
    #[serde(default = "default_label")]
    pub label: String,
    /// Notes to show next to the score ([`INDICATIVE_NOTE`], [`CAP_NOTE`]).
    #[serde(default)]
    pub notes: Vec<String>,
    /// `A_conv`: age on the conviction date.
    #[serde(default)]
    pub age_at_conviction: u32,
    /// `A_fu`: age on the follow-up start date.
    #[serde(default)]
    pub age_at_follow_up_start: u32,
    /// `A_first`: age at first sanction.
    #[serde(default)]
    pub age_at_first_sanction: u32,
}

fn default_label() -> String {
    LABEL.to_string()
}

fn required<T>(value: Option<T>, name: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("{name} is required"))
}

fn required_date(value: Option<NaiveDate>, name: &str) -> Result<NaiveDate, String> {
    in_supported_range(required(value, name)?, name)
}

fn check_sex(value: Option<&str>) -> Result<Sex, String> {
    let value = value.ok_or("Sex is required (male or female)")?;
    Sex::parse(value)
        .filter(|s| age_sex_coefficient(*s, MIN_AGE).is_some())
        .ok_or_else(|| {
            "Sex must be male or female: OGRS3 has no other value, so it cannot be scored"
                .to_string()
        })
}

fn check_category(value: Option<&str>) -> Result<OffenceCategory, String> {
    let value = value.ok_or("Offence category is required")?;
    OffenceCategory::parse(value).ok_or_else(|| {
        format!("Offence category \"{value}\" is not one of the 20 OGRS3 categories")
    })
}

fn check_current_sanction(value: Option<&str>) -> Result<CurrentSanction, String> {
    let value = value.ok_or("Current sanction is required (conviction or caution)")?;
    CurrentSanction::parse(value)
        .ok_or_else(|| "Current sanction must be conviction or caution".to_string())
}

fn check_total_sanctions(value: Option<i64>) -> Result<u32, String> {
    let value = value.ok_or("Total sanctions is required (including the current one)")?;
    if value == NOT_WHOLE {
        return Err("Total sanctions must be a whole number".to_string());
    }
    if value < 1 {
        return Err(
            "Total sanctions must be at least 1: it includes the current sanction".to_string(),
        );
    }
    u32::try_from(value).map_err(|_| "Total sanctions is too large".to_string())
}

fn check_first_age(value: i64) -> Result<u32, String> {
    if value == NOT_WHOLE {
        return Err("Age at first sanction must be a whole number of years".to_string());
    }
    if value < i64::from(MIN_AGE) {
        return Err(format!(
            "Age at first sanction must be at least {MIN_AGE} (age of criminal responsibility)"
        ));
    }
    u32::try_from(value).map_err(|_| "Age at first sanction is too large".to_string())
}

/// Check every rule of the specification and work out the ages. Each refusal is
/// keyed by the API field name, with a message that names the field.
pub fn validate(input: &Ogrs3Input) -> Result<Ogrs3Checked, FieldErrors> {
    let mut errors = FieldErrors::new();

    let sex = errors.check("sex", check_sex(input.sex.as_deref()));
    let dob = errors.check(
        "date_of_birth",
        required_date(input.date_of_birth, "Date of birth"),
    );
    let conviction = errors.check(
        "conviction_date",
        required_date(input.conviction_date, "Conviction date"),
    );
    let follow_up = errors.check(
        "follow_up_start_date",
        required_date(input.follow_up_start_date, "Follow-up start date"),
    );
    let total = errors.check(
        "total_sanctions",
        check_total_sanctions(input.total_sanctions),
    );
    let category = errors.check(
        "offence_category",
        check_category(input.offence_category.as_deref()),
    );
    let current = errors.check(
        "current_sanction",
        check_current_sanction(input.current_sanction.as_deref()),
    );

    let first = match (input.age_at_first_sanction, input.first_sanction_date) {
        (Some(age), None) => errors
            .check("age_at_first_sanction", check_first_age(age))
            .map(FirstSanction::Age),
        (None, Some(date)) => errors
            .check(
                "first_sanction_date",
                in_supported_range(date, "first sanction date"),
            )
            .map(FirstSanction::Date),
        (None, None) => {
            let message = "Age at first sanction or first sanction date is required (give one)";
            errors.add("age_at_first_sanction", message);
            errors.add("first_sanction_date", message);
            None
        }
        (Some(_), Some(_)) => {
            let message =
                "Give either the age at first sanction or the first sanction date, not both";
            errors.add("age_at_first_sanction", message);
            errors.add("first_sanction_date", message);
            None
        }
    };

    let mut age_at_conviction = None;
    if let (Some(dob), Some(conviction)) = (dob, conviction) {
        match age_on(dob, conviction) {
            Some(age) if conviction > dob && age >= MIN_AGE => age_at_conviction = Some(age),
            Some(age) if conviction > dob => errors.add(
                "conviction_date",
                format!(
                    "Conviction date: the age on that date is {age}; OGRS3 needs at least \
                     {MIN_AGE} (age of criminal responsibility)"
                ),
            ),
            _ => errors.add(
                "conviction_date",
                "Conviction date must be after the date of birth",
            ),
        }
    }

    if let (Some(conviction), Some(follow_up)) = (conviction, follow_up)
        && follow_up < conviction
    {
        errors.add(
            "follow_up_start_date",
            "Follow-up start date must not be before the conviction date",
        );
    }
    let mut age_at_follow_up = None;
    if let (Some(dob), Some(follow_up)) = (dob, follow_up) {
        match age_on(dob, follow_up) {
            Some(age) if follow_up > dob => age_at_follow_up = Some(age),
            _ => errors.add(
                "follow_up_start_date",
                "Follow-up start date must be after the date of birth",
            ),
        }
    }

    let mut age_at_first = None;
    match first {
        Some(FirstSanction::Age(age)) => {
            if let Some(conv_age) = age_at_conviction
                && age > conv_age
            {
                errors.add(
                    "age_at_first_sanction",
                    format!(
                        "Age at first sanction ({age}) must not be more than the age on the \
                         conviction date ({conv_age})"
                    ),
                );
            } else {
                age_at_first = Some(age);
            }
        }
        Some(FirstSanction::Date(date)) => {
            if let Some(dob) = dob {
                match age_on(dob, date) {
                    Some(age) if date > dob && age >= MIN_AGE => age_at_first = Some(age),
                    Some(age) if date > dob => errors.add(
                        "first_sanction_date",
                        format!(
                            "First sanction date: the age on that date is {age}; it must be \
                             at least {MIN_AGE} (age of criminal responsibility)"
                        ),
                    ),
                    _ => errors.add(
                        "first_sanction_date",
                        "First sanction date must be after the date of birth",
                    ),
                }
            }
            if let Some(conviction) = conviction
                && date > conviction
            {
                errors.add(
                    "first_sanction_date",
                    "First sanction date must not be after the conviction date",
                );
                age_at_first = None;
            }
        }
        None => {}
    }

    match (
        sex,
        dob,
        conviction,
        follow_up,
        first,
        total,
        category,
        current,
        age_at_conviction,
        age_at_follow_up,
        age_at_first,
    ) {
        (
            Some(sex),
            Some(date_of_birth),
            Some(conviction_date),
            Some(follow_up_start_date),
            Some(first_sanction),
            Some(total_sanctions),
            Some(offence_category),
            Some(current_sanction),
            Some(age_at_conviction),
            Some(age_at_follow_up_start),
            Some(age_at_first_sanction),
        ) if errors.is_empty() => Ok(Ogrs3Checked {
            sex,
            date_of_birth,
            conviction_date,
            follow_up_start_date,
            first_sanction,
            total_sanctions,
            offence_category,
            current_sanction,
            age_at_conviction,
            age_at_follow_up_start,
            age_at_first_sanction,
        }),
        _ => Err(errors),
    }
}

/// Score a checked input with the OGRS3 formula (`None` only for a sex the
/// model cannot score, which [`validate`] refuses).
pub fn score(input: &Ogrs3Checked) -> Option<Ogrs3Result> {
    let counted = input.total_sanctions.clamp(1, SANCTIONS_CAP);
    let career = input
        .age_at_conviction
        .saturating_sub(input.age_at_first_sanction);
    let copas_rate = (f64::from(counted) / (10.0 + f64::from(career))).ln();
    let linear_score = age_sex_coefficient(input.sex, input.age_at_follow_up_start)?
        + sanction_coefficient(input.total_sanctions)
        + COPAS_WEIGHT * copas_rate
        + input.offence_category.coefficient();
    let one_year_probability = logistic(linear_score + ONE_YEAR_INTERCEPT);
    let two_year_probability = logistic(linear_score + TWO_YEAR_INTERCEPT);
    let one_year_percent = display_percent(one_year_probability);
    let two_year_percent = display_percent(two_year_probability);
    let sanctions_capped = input.total_sanctions > SANCTIONS_CAP;
    let indicative = input.current_sanction == CurrentSanction::Caution;
    let mut notes = Vec::new();
    if indicative {
        notes.push(INDICATIVE_NOTE.to_string());
    }
    if sanctions_capped {
        notes.push(CAP_NOTE.to_string());
    }
    Some(Ogrs3Result {
        copas_rate,
        linear_score,
        one_year_probability,
        two_year_probability,
        one_year_percent,
        two_year_percent,
        band: Band::from_percent(two_year_percent),
        sanctions_capped,
        indicative,
        label: LABEL.to_string(),
        notes,
        age_at_conviction: input.age_at_conviction,
        age_at_follow_up_start: input.age_at_follow_up_start,
        age_at_first_sanction: input.age_at_first_sanction,
    })
}

/// Validate then score: the whole calculator.
pub fn calculate(input: &Ogrs3Input) -> Result<Ogrs3Result, FieldErrors> {
    let checked = validate(input)?;
    score(&checked).ok_or_else(|| {
        let mut e = FieldErrors::new();
        e.add(
            "sex",
            "Sex must be male or female: OGRS3 has no other value, so it cannot be scored",
        );
        e
    })
}

#[cfg(test)]
#[path = "ogrs3_tests.rs"]
mod tests;
