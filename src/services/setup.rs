//! First run: with no accounts, the server prints a one-time link that lets
//! one person create the first administrator. After that the link is dead.

use crate::auth::Actor;
use crate::auth::secrets::{hash_token, random_token};
use crate::db::{setup_repo, users_repo};
use crate::error::{AppError, AppResult};
use crate::services::accounts::{NewAccount, create_user_unchecked};
use crate::state::AppState;

/// If there are no accounts, make a setup token and return it (to print).
pub async fn begin_if_needed(app: &AppState) -> AppResult<Option<String>> {
    if users_repo::count(&app.db).await? > 0 {
        return Ok(None);
    }
    let token = random_token();
    setup_repo::insert(&app.db, &hash_token(&token), app.now()).await?;
    Ok(Some(token))
}

/// Is this a live setup link?
pub async fn link_is_live(app: &AppState, token: &str) -> AppResult<bool> {
    Ok(users_repo::count(&app.db).await? == 0
        && setup_repo::is_valid(&app.db, &hash_token(token)).await?)
}

/// Create the first administrator through a live setup link.
pub async fn create_first_admin(
    app: &AppState,
    token: &str,
    username: &str,
    display_name: &str,
    password: &str,
) -> AppResult<()> {
    if !link_is_live(app, token).await? {
        return Err(AppError::NotFound);
    }
    // Validate before claiming, so a typo does not burn the link.
    crate::domain::accounts::validate_new_user(
        username,
        display_name,
        &["admin".to_string()],
        password,
    )
    .map_err(AppError::Invalid)?;
    if !setup_repo::claim(&app.db, app.now()).await? {
        return Err(AppError::NotFound);
    }
    let new = NewAccount {
        username: username.to_string(),
        display_name: display_name.to_string(),
        roles: vec!["admin".to_string()],
        password: password.to_string(),
        must_change_password: false,
    };
    create_user_unchecked(app, &Actor::command_line(), new).await?;
    Ok(())
}
