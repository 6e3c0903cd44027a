//! Pure rules of the field and of the product. Nothing here touches Rocket,
//! SeaORM, the clock or the network: "today" is always an argument.

pub mod accounts;
pub mod audit_action;
pub mod london_time;
pub mod pagination;
pub mod password_policy;
pub mod roles;
pub mod validation;
