//! Administration: accounts and sessions (`users`), the audit log (`audit`)
//! and settings (`settings`).

mod audit;
mod settings;
mod users;

pub(super) use users::{TokenRow, token_row};

use rocket::Route;

/// Every administration route.
pub fn routes() -> Vec<Route> {
    let mut r = users::routes();
    r.extend(audit::routes());
    r.extend(settings::routes());
    r
}
