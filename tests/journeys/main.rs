//! Kerbside's integration tests: the real Rocket app, in-process, on a fresh
//! database per test (SQLite in memory, or a fresh PostgreSQL database when
//! TEST_DATABASE_URL points at a server). Test names read as sentences.

mod support;

mod accounts_and_sessions;
mod api_contract;
mod audit_log;
mod backup_and_restore;
mod command_line;
mod court_reports;
mod crash_recovery;
mod database_outage;
mod foundation;
mod hostile_input;
mod load_with_faults;
mod person_record;
mod police_arrests;
mod police_import;
mod police_search;
mod probation_assessments;
mod probation_need_to_know;
mod probation_referrals;
mod programmes_and_register;
mod reoffending_statistics;
mod retention_and_disposal;
mod route_guards;
mod settings_without_restart;
mod sign_in_and_lockout;
mod subject_access;
mod two_servers;
