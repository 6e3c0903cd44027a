//! One SeaORM entity per table.

pub mod api_tokens;
pub mod audit_log;
pub mod sessions;
pub mod setup_tokens;
pub mod user_roles;
pub mod users;
