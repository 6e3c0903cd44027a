//! Database migrations for Kerbside. One file per change; a migration that has
//! landed on main is never edited, only followed by another.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261130_000001_accounts_and_audit;
mod m20261130_000002_people_arrests_referrals;
mod m20261130_000003_assessments_and_hearings;
mod m20261201_000004_audit_subjects_and_token_expiry;
mod m20261205_000005_programmes_cohorts_attendance;
mod m20261205_000006_aim_ratings;
mod m20261205_000007_court_reports;
mod m20261205_000008_reoffences;
mod m20261205_000009_person_name_keys;
mod m20261205_000010_recovery_codes;
mod m20261205_000011_retention;
mod m20261206_000012_audit_changes_index;
mod m20261206_000013_referral_queue_order;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261130_000001_accounts_and_audit::Migration),
            Box::new(m20261130_000002_people_arrests_referrals::Migration),
            Box::new(m20261130_000003_assessments_and_hearings::Migration),
            Box::new(m20261201_000004_audit_subjects_and_token_expiry::Migration),
            Box::new(m20261205_000005_programmes_cohorts_attendance::Migration),
            Box::new(m20261205_000006_aim_ratings::Migration),
            Box::new(m20261205_000007_court_reports::Migration),
            Box::new(m20261205_000008_reoffences::Migration),
            Box::new(m20261205_000009_person_name_keys::Migration),
            Box::new(m20261205_000010_recovery_codes::Migration),
            Box::new(m20261205_000011_retention::Migration),
            Box::new(m20261206_000012_audit_changes_index::Migration),
            Box::new(m20261206_000013_referral_queue_order::Migration),
        ]
    }
}
