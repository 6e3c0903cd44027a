use sea_orm::entity::prelude::*;

use crate::domain::person::{ContactPreference, Sex, SubjectCategory};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub reference: String,
    pub surname: String,
    pub forenames: String,
    pub surname_folded: String,
    pub forenames_folded: String,
    pub date_of_birth: Date,
    pub sex: Sex,
    #[sea_orm(column_type = "Text", nullable)]
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub pnc_id: Option<String>,
    pub contact_preference: Option<ContactPreference>,
    pub category: SubjectCategory,
    pub review_date: Option<Date>,
    /// When the record was disposed of under the retention rule (its
    /// personal data erased); `None` while it is held.
    pub disposed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i32>,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<i32>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
