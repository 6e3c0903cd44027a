//! Pure rules of the field and of the product. Nothing here touches Rocket,
//! SeaORM, the clock or the network: "today" is always an argument.

pub mod accounts;
pub mod adjustable;
pub mod api_tokens;
pub mod arrest;
pub mod arrest_import;
pub mod assessment;
pub mod attendance;
pub mod audit_action;
pub mod calendar;
pub mod code;
pub mod court_report;
pub mod dash;
pub mod dates;
pub mod enforcement;
pub mod enrolment;
pub mod hearing;
pub mod identifiers;
pub mod london_time;
pub mod name_keys;
pub mod names;
pub mod non_association;
pub mod ogrs3;
pub mod pagination;
pub mod password_policy;
pub mod person;
pub mod person_match;
pub mod programme;
pub mod recovery_codes;
pub mod referral;
pub mod reoffending;
pub mod retention;
pub mod roles;
pub mod rosh;
pub mod statistics;
pub mod suppression;
pub mod totp;
pub mod validation;

#[cfg(test)]
mod property_tests;
