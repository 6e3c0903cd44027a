//! Risk of Serious Harm (RoSH): a professional judgement recorded by probation,
//! never computed from OGRS3 or DASH.
//!
//! Serious harm is harm that is life-threatening and/or traumatic, and from which
//! recovery, physical or psychological, can be expected to be difficult or
//! impossible (MAPPA guidance, 2007). Each group at risk in the community is rated
//! separately; the overall level is the highest. There is no "none" level.

use serde::{Deserialize, Serialize};

use super::code::coded_enum;
use crate::domain::validation::FieldErrors;

/// What "serious harm" means, to show on the form.
pub const SERIOUS_HARM_DEFINITION: &str = concat!(
    "Serious harm: harm that is life-threatening and/or traumatic, and from which recovery, ",
    "physical or psychological, can be expected to be difficult or impossible."
);

coded_enum!(
    /// A RoSH level, ordered from low to very high.
    RoshLevel {
        /// No current indication of a likelihood of serious harm.
        Low => "low", "Low";
        /// Could cause serious harm but unlikely to unless circumstances change.
        Medium => "medium", "Medium";
        /// Could happen at any time, with serious impact.
        High => "high", "High";
        /// Imminent, more likely than not, with serious impact.
        VeryHigh => "very_high", "Very high";
    }
);

impl RoshLevel {
    /// What the level means, in our own words, to show next to the choice.
    pub fn definition(self) -> &'static str {
        match self {
            RoshLevel::Low => {
                "Current evidence does not indicate a likelihood of causing serious harm."
            }
            RoshLevel::Medium => {
                "There are identifiable indicators of risk of serious harm. He could cause \
                 serious harm but is unlikely to unless his circumstances change (for example \
                 a relationship breaks down, or drug or alcohol misuse)."
            }
            RoshLevel::High => {
                "There are identifiable indicators of risk of serious harm. The harmful event \
                 could happen at any time and the impact would be serious."
            }
            RoshLevel::VeryHigh => {
                "There is an imminent risk of serious harm: it is more likely than not to \
                 happen imminently, and the impact would be serious."
            }
        }
    }
}

coded_enum!(
    /// A group at risk in the community, rated separately.
    RoshGroup {
        /// The public.
        Public => "public", "Public";
        /// A known adult (for example a partner or family member).
        KnownAdult => "known_adult", "Known adult";
        /// Children.
        Children => "children", "Children";
        /// Staff.
        Staff => "staff", "Staff";
    }
);

/// The four group ratings, as the API's `rosh` object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoshRatings {
    /// Risk to the public.
    pub public: RoshLevel,
    /// Risk to a known adult.
    pub known_adult: RoshLevel,
    /// Risk to children.
    pub children: RoshLevel,
    /// Risk to staff.
    pub staff: RoshLevel,
}

impl RoshRatings {
    /// The level for one group.
    pub fn get(&self, group: RoshGroup) -> RoshLevel {
        match group {
            RoshGroup::Public => self.public,
            RoshGroup::KnownAdult => self.known_adult,
            RoshGroup::Children => self.children,
            RoshGroup::Staff => self.staff,
        }
    }

    /// The overall level: the highest of the four.
    pub fn overall(&self) -> RoshLevel {
        RoshGroup::ALL
            .iter()
            .copied()
            .map(|g| self.get(g))
            .max()
            .unwrap_or(RoshLevel::Low)
    }

    /// The groups rated at the overall (highest) level.
    pub fn highest_groups(&self) -> Vec<RoshGroup> {
        let overall = self.overall();
        RoshGroup::ALL
            .iter()
            .copied()
            .filter(|g| self.get(*g) == overall)
            .collect()
    }
}

/// The `rosh` object as posted, each level optional, so that [`RoshRatingsInput::validate`]
/// (not the JSON parser) names a missing or unknown level.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoshRatingsInput {
    /// Level for the public.
    #[schema(value_type = Option<RoshLevel>)]
    pub public: Option<String>,
    /// Level for a known adult.
    #[schema(value_type = Option<RoshLevel>)]
    pub known_adult: Option<String>,
    /// Level for children.
    #[schema(value_type = Option<RoshLevel>)]
    pub children: Option<String>,
    /// Level for staff.
    #[schema(value_type = Option<RoshLevel>)]
    pub staff: Option<String>,
}

impl RoshRatingsInput {
    /// Check all four levels. Errors are keyed `"{prefix}{group}"`, e.g. with prefix
    /// `"rosh."` the key `"rosh.known_adult"`.
    pub fn validate(&self, prefix: &str) -> Result<RoshRatings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut level = |group: RoshGroup, value: &Option<String>| {
            let result = match value.as_deref() {
                None => Err(format!(
                    "RoSH for {} is required (low, medium, high or very high)",
                    group.label().to_lowercase()
                )),
                Some(v) => RoshLevel::parse(v).ok_or_else(|| {
                    format!(
                        "RoSH for {} must be low, medium, high or very_high",
                        group.label().to_lowercase()
                    )
                }),
            };
            errors.check(&format!("{prefix}{}", group.as_str()), result)
        };
        let public = level(RoshGroup::Public, &self.public);
        let known_adult = level(RoshGroup::KnownAdult, &self.known_adult);
        let children = level(RoshGroup::Children, &self.children);
        let staff = level(RoshGroup::Staff, &self.staff);
        match (public, known_adult, children, staff) {
            (Some(public), Some(known_adult), Some(children), Some(staff)) => Ok(RoshRatings {
                public,
                known_adult,
                children,
                staff,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratings(
        public: RoshLevel,
        known_adult: RoshLevel,
        children: RoshLevel,
        staff: RoshLevel,
    ) -> RoshRatings {
        RoshRatings {
            public,
            known_adult,
            children,
            staff,
        }
    }

    #[test]
    fn levels_are_ordered_low_to_very_high() {
        assert!(RoshLevel::Low < RoshLevel::Medium);
        assert!(RoshLevel::Medium < RoshLevel::High);
        assert!(RoshLevel::High < RoshLevel::VeryHigh);
        let mut shuffled = vec![
            RoshLevel::High,
            RoshLevel::Low,
            RoshLevel::VeryHigh,
            RoshLevel::Medium,
        ];
        shuffled.sort();
        assert_eq!(shuffled, RoshLevel::ALL.to_vec());
    }

    #[test]
    fn overall_is_the_highest_group_level() {
        use RoshLevel::*;
        assert_eq!(ratings(Low, Low, Low, Low).overall(), Low);
        assert_eq!(ratings(Low, High, Medium, Low).overall(), High);
        assert_eq!(ratings(Medium, Low, Low, Low).overall(), Medium);
        assert_eq!(ratings(Low, Low, Low, VeryHigh).overall(), VeryHigh);
        assert_eq!(ratings(VeryHigh, High, Medium, Low).overall(), VeryHigh);
        assert_eq!(
            ratings(Low, High, High, Low).highest_groups(),
            vec![RoshGroup::KnownAdult, RoshGroup::Children]
        );
    }

    #[test]
    fn labels_definitions_and_api_values() {
        let labels: Vec<_> = RoshLevel::ALL.iter().map(|l| l.label()).collect();
        assert_eq!(labels, ["Low", "Medium", "High", "Very high"]);
        assert!(RoshLevel::VeryHigh.definition().contains("imminent"));
        assert!(RoshLevel::ALL.iter().all(|l| !l.definition().is_empty()));
        for l in RoshLevel::ALL {
            assert_eq!(serde_json::to_value(l).unwrap(), l.as_str());
            assert_eq!(RoshLevel::parse(l.as_str()), Some(*l));
        }
        let groups: Vec<_> = RoshGroup::ALL.iter().map(|g| g.label()).collect();
        assert_eq!(groups, ["Public", "Known adult", "Children", "Staff"]);
        assert_eq!(
            serde_json::to_value(RoshGroup::KnownAdult).unwrap(),
            "known_adult"
        );
    }

    #[test]
    fn ratings_use_the_api_field_names() {
        let json =
            r#"{"public":"low","known_adult":"very_high","children":"medium","staff":"low"}"#;
        let r: RoshRatings = serde_json::from_str(json).unwrap();
        assert_eq!(r.known_adult, RoshLevel::VeryHigh);
        assert_eq!(r.overall(), RoshLevel::VeryHigh);
        assert_eq!(
            serde_json::to_value(r).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }

    #[test]
    fn raw_ratings_name_each_bad_group() {
        let raw = RoshRatingsInput {
            public: Some("low".into()),
            known_adult: Some("none".into()),
            children: None,
            staff: Some("High".into()),
        };
        let errors = raw.validate("rosh.").unwrap_err();
        assert!(
            errors
                .get("rosh.known_adult")
                .unwrap()
                .contains("known adult")
        );
        assert!(errors.get("rosh.children").unwrap().contains("children"));
        assert!(errors.get("rosh.public").is_none());
        assert!(errors.get("rosh.staff").is_none());
        let ok = RoshRatingsInput {
            known_adult: Some("medium".into()),
            children: Some("low".into()),
            ..raw
        };
        assert_eq!(ok.validate("").unwrap().overall(), RoshLevel::High);
    }
}
