//! One SeaORM entity per table.

pub mod api_tokens;
pub mod arrests;
pub mod assessments;
pub mod audit_log;
pub mod audit_subjects;
pub mod court_hearings;
pub mod imports;
pub mod people;
pub mod referral_status_history;
pub mod referrals;
pub mod sessions;
pub mod setup_tokens;
pub mod user_roles;
pub mod users;
