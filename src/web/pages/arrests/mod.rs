//! The arrest pages: the list and one arrest (`list`), recording one starting
//! from a search for the man (`new`), correcting one (`edit`), importing a
//! force export (`import`), and the form fields they share (`form`).

mod edit;
pub mod form;
mod import;
mod list;
mod new;

use rocket::Route;

/// Every arrest page route.
pub fn routes() -> Vec<Route> {
    let mut r = list::routes();
    r.extend(new::routes());
    r.extend(edit::routes());
    r.extend(import::routes());
    r
}
