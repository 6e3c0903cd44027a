//! Use cases. Each public function runs in one transaction where it writes,
//! checks the actor's permission, applies the domain rules and writes the
//! audit log. Pages and the JSON API both call these.

pub mod accounts;
pub mod actions;
pub mod arrests;
pub mod assessments;
pub mod audit;
pub mod audit_queue;
pub mod court_reports;
pub mod dashboard;
pub mod enrolments;
pub mod hearings;
pub mod import;
pub mod kept_figures;
pub mod people;
pub mod programmes;
pub mod referrals;
pub mod register;
pub mod reoffences;
pub mod reports;
pub mod retention;
pub mod settings;
pub mod setup;
pub mod sign_in;
pub mod statistics;
pub mod subject_access;
pub mod tokens;
pub mod two_step;
