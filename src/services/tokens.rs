//! API tokens: created by a user (or the operator for a user), shown once,
//! stored hashed, named, revocable.

use crate::auth::Actor;
use crate::auth::secrets::{hash_token, random_token};
use crate::db::tokens_repo::{self, ApiToken};
use crate::db::users_repo;
use crate::domain::api_tokens::TokenLifetime;
use crate::domain::audit_action::AuditAction;
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::state::AppState;

/// Prefix that makes a Kerbside token recognisable (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "kbs_";

fn check_name(name: &str) -> AppResult<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(AppError::invalid(
            "name",
            "Enter a name for the token, such as the system that will use it",
        ));
    }
    if n.chars().count() > 80 {
        return Err(AppError::invalid(
            "name",
            "Token name must be 80 characters or fewer",
        ));
    }
    Ok(n.to_string())
}

/// Create a token for `user_id` that lives the default year. The actor must
/// be that user or hold `ManageUsers`. Returns the token text (shown once) and
/// its record.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    user_id: i32,
    name: &str,
) -> AppResult<(String, ApiToken)> {
    create_with_lifetime(app, actor, user_id, name, TokenLifetime::DEFAULT).await
}

/// [`create`] with a chosen lifetime.
pub async fn create_with_lifetime(
    app: &AppState,
    actor: &Actor,
    user_id: i32,
    name: &str,
    lifetime: TokenLifetime,
) -> AppResult<(String, ApiToken)> {
    if actor.user_id() != Some(user_id) {
        actor.require(Capability::ManageUsers)?;
    }
    let name = check_name(name)?;
    let user = users_repo::find(&app.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.disabled {
        return Err(AppError::conflict("That account is disabled"));
    }
    let secret = format!("{TOKEN_PREFIX}{}", random_token());
    let shown_prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let now = app.now();
    let txn = app.begin_write().await?;
    let token = tokens_repo::insert(
        &txn,
        user_id,
        &name,
        &hash_token(&secret),
        &shown_prefix,
        now,
        lifetime.expires_at(now),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::TokenChanged)
            .record("api_token", token.id)
            .change("name", (), &name)
            .change("expires_at", (), lifetime.expires_at(now))
            .reason(format!("token created for {}", user.username)),
    )
    .await?;
    txn.commit().await?;
    Ok((secret, token))
}

/// The actor's own tokens.
pub async fn list_own(app: &AppState, actor: &Actor) -> AppResult<Vec<ApiToken>> {
    let uid = actor.user_id().ok_or(AppError::Forbidden)?;
    Ok(tokens_repo::for_user(&app.db, uid).await?)
}

/// Revoke one of the actor's own tokens.
pub async fn revoke_own(app: &AppState, actor: &Actor, token_id: i32) -> AppResult<()> {
    let uid = actor.user_id().ok_or(AppError::Forbidden)?;
    let now = app.now();
    let txn = app.begin_write().await?;
    if tokens_repo::revoke(&txn, token_id, uid, now).await? == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::TokenChanged)
            .record("api_token", token_id)
            .reason("token revoked"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A user's tokens (administrators).
pub async fn list_for_user(
    app: &AppState,
    actor: &Actor,
    user_id: i32,
) -> AppResult<Vec<ApiToken>> {
    actor.require(Capability::ManageUsers)?;
    Ok(tokens_repo::for_user(&app.db, user_id).await?)
}

/// Revoke one of another user's tokens (administrators: a lost laptop, a
/// leaver's nightly job).
pub async fn revoke_for_user(
    app: &AppState,
    actor: &Actor,
    user_id: i32,
    token_id: i32,
) -> AppResult<()> {
    actor.require(Capability::ManageUsers)?;
    let now = app.now();
    let txn = app.begin_write().await?;
    if tokens_repo::revoke(&txn, token_id, user_id, now).await? == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::TokenChanged)
            .record("api_token", token_id)
            .reason(format!(
                "token of user {user_id} revoked by an administrator"
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
