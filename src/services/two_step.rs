//! Two-step verification: turning it on (proved by a first code, with a
//! secret the server generated), off or onto a new phone (proved by the
//! password and a current code), and an administrator's reset for a lost phone.

use crate::auth::Actor;
use crate::auth::password::Verified;
use crate::auth::secrets::random_bytes;
use crate::db::{recovery_codes_repo, sessions_repo, users_repo};
use crate::domain::audit_action::AuditAction;
use crate::domain::roles::{Capability, RoleSet};
use crate::domain::validation::FieldErrors;
use crate::domain::{recovery_codes, totp};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::state::AppState;

/// A new secret to show (base32), 160 bits as RFC 4226 recommends.
pub fn new_secret() -> String {
    totp::base32_encode(&random_bytes::<20>())
}

/// Is two-step verification on for the actor, and must it be?
pub async fn status(app: &AppState, actor: &Actor) -> AppResult<(bool, bool)> {
    let uid = actor.user_id().ok_or(AppError::Forbidden)?;
    let user = users_repo::find(&app.db, uid)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        user.totp_secret.is_some(),
        app.two_step().requires(actor.roles()),
    ))
}

/// Turn it on: the code typed must match the secret shown. Returns the ten
/// recovery codes, to be shown this once (only their hashes are kept).
pub async fn enable(
    app: &AppState,
    actor: &Actor,
    secret: &str,
    code: &str,
) -> AppResult<Vec<String>> {
    let uid = actor.user_id().ok_or(AppError::Forbidden)?;
    let bytes = totp::base32_decode(secret)
        .filter(|b| b.len() >= 16 && b.iter().any(|x| *x != 0))
        .ok_or_else(|| {
            AppError::invalid("code", "Start again: the set-up key was not recognised")
        })?;
    let now = app.now();
    let step = totp::verify(&bytes, code, now.timestamp(), None).ok_or_else(|| {
        AppError::invalid(
            "code",
            "The code is not right. Enter the 6-digit code your app shows now.",
        )
    })?;
    let codes: Vec<String> = (0..recovery_codes::CODES_PER_SET)
        .map(|_| recovery_codes::make_code(&random_bytes::<{ recovery_codes::CODE_LENGTH }>()))
        .collect();
    let mut hashes = Vec::with_capacity(codes.len());
    for c in &codes {
        let plain = recovery_codes::normalise(c)
            .ok_or_else(|| AppError::internal("a recovery code did not read back"))?;
        hashes.push(
            app.hasher
                .hash(&plain)
                .await
                .map_err(|_| AppError::internal("could not hash a recovery code"))?,
        );
    }
    let txn = app.begin_write().await?;
    users_repo::set_totp(&txn, uid, Some(secret.to_string()), Some(step)).await?;
    recovery_codes_repo::replace(&txn, uid, &hashes, now).await?;
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::UserChanged)
            .record("user", uid)
            .reason(format!(
                "two-step verification turned on, with {} recovery codes",
                codes.len()
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

/// Turn it off for oneself, proved by the password and a current code (a
/// session alone is not enough: it may be someone else's unlocked screen).
/// Wrong answers count towards the account's lock like a wrong sign-in. When
/// the roles require two-step, the user sets it up again at once (a new phone).
pub async fn disable_own(
    app: &AppState,
    actor: &Actor,
    password: &str,
    code: &str,
) -> AppResult<()> {
    let uid = actor.user_id().ok_or(AppError::Forbidden)?;
    let user = users_repo::find(&app.db, uid)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now();
    let Some(secret) = user.totp_secret.as_deref().and_then(totp::base32_decode) else {
        return Err(AppError::conflict("Two-step verification is not on"));
    };
    crate::services::sign_in::refuse_if_locked(&user, now)?;
    let mut errors = FieldErrors::new();
    // An empty field is a mistake, not a guess: it is not counted.
    if password.is_empty() {
        errors.add("password", "Enter your password");
    } else if matches!(
        app.hasher.verify(password, Some(&user.password_hash)).await,
        Verified::No
    ) {
        crate::services::sign_in::count_refusal(
            &app.db,
            app,
            &user,
            "wrong password to change two-step verification",
            now,
        )
        .await?;
        errors.add("password", "Your password is not right");
    }
    if code.trim().is_empty() {
        errors.add("code", "Enter the 6-digit code your app shows now");
    } else if totp::verify(&secret, code, now.timestamp(), user.totp_last_step).is_none() {
        crate::services::sign_in::count_refusal(
            &app.db,
            app,
            &user,
            "wrong one-time code to change two-step verification",
            now,
        )
        .await?;
        errors.add(
            "code",
            "The code is not right. Enter the 6-digit code your app shows now.",
        );
    }
    errors.into_result().map_err(AppError::Invalid)?;
    let txn = app.begin_write().await?;
    users_repo::set_totp(&txn, uid, None, None).await?;
    recovery_codes_repo::delete_for_user(&txn, uid).await?;
    let note = if app.two_step().requires(actor.roles()) {
        "two-step verification removed by its owner to set up a new phone"
    } else {
        "two-step verification turned off"
    };
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::UserChanged)
            .record("user", uid)
            .reason(note),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An administrator resets a user's two-step verification (a lost phone):
/// their sessions end, and they set it up again at next sign-in if required.
pub async fn reset(app: &AppState, actor: &Actor, user_id: i32) -> AppResult<()> {
    actor.require(Capability::ManageUsers)?;
    let user = users_repo::find(&app.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let roles = RoleSet::new(users_repo::roles_of(&app.db, user_id).await?);
    let txn = app.begin_write().await?;
    users_repo::set_totp(&txn, user.id, None, None).await?;
    recovery_codes_repo::delete_for_user(&txn, user.id).await?;
    sessions_repo::delete_for_user(&txn, user.id, None).await?;
    let note = if app.two_step().requires(&roles) {
        "two-step verification reset; must be set up again"
    } else {
        "two-step verification reset"
    };
    audit::record(
        &txn,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::UserChanged)
            .record("user", user.id)
            .reason(note),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
