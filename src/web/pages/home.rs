//! The home page: what this user can do, by role.

use rocket::{Route, get, routes};
use rocket_dyn_templates::Template;
use serde_json::json;

use crate::auth::SignedIn;
use crate::domain::roles::Capability;
use crate::web::shell::{Shell, render};

#[get("/")]
fn show_home(user: SignedIn, shell: Shell) -> Template {
    let a = &user.actor;
    let mut tasks = Vec::new();
    if a.can(Capability::RecordArrests) {
        tasks.push(json!({"href": "/arrests/new", "title": "Record an arrest", "text": "Find the man first: you will see at once whether he has been arrested before."}));
        tasks.push(json!({"href": "/arrests/import", "title": "Import arrests", "text": "Upload a CSV export from the force record system."}));
    }
    if a.can(Capability::ManageCases) {
        tasks.push(json!({"href": "/referrals?mine=true", "title": "My referrals", "text": "Referrals assigned to you, most urgent first."}));
        tasks.push(json!({"href": "/referrals", "title": "Referral queue", "text": "Every open referral from the police, with due dates and days left."}));
    }
    if a.can(Capability::ViewPeople) {
        tasks.push(json!({"href": "/people", "title": "Find a person", "text": "Search by name (typos are fine), reference, date of birth, vehicle or PNC ID."}));
        tasks.push(json!({"href": "/arrests", "title": "Arrests", "text": "Filter, sort and export the arrests recorded."}));
    }
    if a.can(Capability::ManageUsers) {
        tasks.push(json!({"href": "/admin/users", "title": "Manage users", "text": "Create accounts, change roles, disable accounts and reset passwords."}));
        tasks.push(json!({"href": "/admin/sessions", "title": "Active sessions", "text": "See who is signed in and end a session."}));
    }
    if a.can(Capability::ViewAuditLog) {
        tasks.push(json!({"href": "/admin/audit", "title": "Audit log", "text": "Search and export the record of who saw and changed what."}));
    }
    tasks.push(json!({"href": "/account", "title": "Your account", "text": "Change your password and manage API tokens."}));
    render("home", &shell, json!({ "tasks": tasks }))
}

pub fn routes() -> Vec<Route> {
    routes![show_home]
}
