//! The database keeps a coded domain enum as its readable code string
//! (`"conditional_caution"`, `"in_assessment"`), so migrations need no data
//! change and a person reading the database sees words. These impls let an
//! entity field be the enum itself, so nothing above `db/` handles a code as
//! a string: a value that is not a known code fails to load, loudly.
//!
//! They are the impls SeaORM's `DeriveValueType` (string form) writes; they
//! live here, not on the enums, so that `domain/` stays free of SeaORM.

use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};

macro_rules! stored_as_code {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::String(Some(v.as_str().to_string()))
            }
        }

        impl TryGetable for $t {
            fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
                let code = String::try_get_by(res, idx)?;
                code.parse::<$t>().map_err(|e| {
                    TryGetError::DbErr(DbErr::TryIntoErr {
                        from: "String",
                        into: stringify!($t),
                        source: std::sync::Arc::new(e),
                    })
                })
            }
        }

        impl ValueType for $t {
            fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
                let code = <String as ValueType>::try_from(v)?;
                code.parse::<$t>().map_err(|_| ValueTypeErr)
            }

            fn type_name() -> String {
                stringify!($t).to_owned()
            }

            fn array_type() -> ArrayType {
                ArrayType::String
            }

            fn column_type() -> ColumnType {
                ColumnType::String(StringLen::None)
            }
        }

        impl Nullable for $t {
            fn null() -> Value {
                Value::String(None)
            }
        }

        impl sea_orm::TryFromU64 for $t {
            fn try_from_u64(_: u64) -> Result<Self, DbErr> {
                Err(DbErr::ConvertFromU64(stringify!($t)))
            }
        }

        impl sea_orm::IntoActiveValue<$t> for $t {
            fn into_active_value(self) -> sea_orm::ActiveValue<$t> {
                sea_orm::ActiveValue::Set(self)
            }
        }
    )*};
}

use crate::domain::arrest::{Disposal, Offence};
use crate::domain::arrest_import::ImportStatus;
use crate::domain::assessment::{AssessmentStatus, Suitability};
use crate::domain::attendance::{AbsenceReason, Outcome};
use crate::domain::audit_action::AuditAction;
use crate::domain::court_report::CourtReportStatus;
use crate::domain::enforcement::EnforcementAction;
use crate::domain::enrolment::{EndReason, EnrolmentStatus, LegalBasis};
use crate::domain::hearing::HearingOutcome;
use crate::domain::person::{ContactPreference, Sex, SubjectCategory};
use crate::domain::programme::{AimRating, SessionState};
use crate::domain::referral::ReferralStatus;
use crate::domain::reoffending::ReoffenceOutcome;
use crate::domain::retention::RetentionDecision;
use crate::domain::roles::Role;
use crate::domain::rosh::RoshLevel;

stored_as_code!(
    Disposal,
    Offence,
    ImportStatus,
    AssessmentStatus,
    Suitability,
    AuditAction,
    HearingOutcome,
    ContactPreference,
    Sex,
    SubjectCategory,
    ReferralStatus,
    Role,
    RoshLevel,
    AbsenceReason,
    Outcome,
    EnforcementAction,
    EndReason,
    EnrolmentStatus,
    LegalBasis,
    SessionState,
    AimRating,
    CourtReportStatus,
    ReoffenceOutcome,
    RetentionDecision,
);
