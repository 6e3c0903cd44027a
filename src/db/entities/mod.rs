//! One SeaORM entity per table.

pub mod aim_ratings;
pub mod api_tokens;
pub mod arrests;
pub mod assessments;
pub mod attendance_marks;
pub mod audit_log;
pub mod audit_subjects;
pub mod cohort_facilitators;
pub mod cohort_sessions;
pub mod cohorts;
pub mod court_hearings;
pub mod court_reports;
pub mod enforcement_actions;
pub mod enrolment_status_history;
pub mod enrolments;
pub mod imports;
pub mod people;
pub mod programme_sessions;
pub mod programmes;
pub mod referral_status_history;
pub mod referrals;
pub mod reoffences;
pub mod sessions;
pub mod setup_tokens;
pub mod user_roles;
pub mod users;
