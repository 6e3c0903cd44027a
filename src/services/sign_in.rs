//! Signing in and out: password check, lockout, session creation.

use sea_orm::TransactionTrait;

use crate::auth::Actor;
use crate::auth::password::Verified;
use crate::auth::secrets::{hash_token, random_token};
use crate::db::{sessions_repo, users_repo};
use crate::domain::accounts::{after_failed_sign_in, is_locked, parse_username};
use crate::domain::audit_action::AuditAction;
use crate::error::AppResult;
use crate::services::audit::{self, AuditEntry};
use crate::state::AppState;

/// The one message for every refused sign-in, so that nobody can learn which
/// usernames exist or which accounts are locked.
pub const REFUSED_MESSAGE: &str = "The username or password is not right, or the account is locked. After 10 failed attempts an account is locked for 15 minutes.";

/// A new session: the cookie value (shown once, stored only hashed).
#[derive(Debug)]
pub struct NewSession {
    /// The session cookie's value.
    pub token: String,
    /// The user must change the password before anything else.
    pub must_change_password: bool,
}

/// Sign-in was refused (wrong, unknown, disabled or locked: one message).
#[derive(Debug)]
pub struct Refused;

/// Start a session for a user (after a password check or a password change).
pub(crate) async fn start_session(
    db: &impl sea_orm::ConnectionTrait,
    user_id: i32,
    user_agent: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<String> {
    let token = random_token();
    let ua = user_agent.map(|u| u.chars().take(200).collect());
    sessions_repo::insert(db, &hash_token(&token), user_id, &random_token(), ua, now).await?;
    Ok(token)
}

/// Check a username and password and start a session.
pub async fn sign_in(
    app: &AppState,
    username: &str,
    password: &str,
    user_agent: Option<String>,
) -> AppResult<Result<NewSession, Refused>> {
    let now = app.now();
    let name = parse_username(username).unwrap_or_else(|_| username.trim().to_lowercase());
    let user = users_repo::find_by_username(&app.db, &name).await?;
    let verified = app
        .hasher
        .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
        .await;
    let shown_name: String = name.chars().take(64).collect();
    let Some(user) = user else {
        audit::record_anonymous(
            &app.db,
            &shown_name,
            now,
            AuditEntry::new(AuditAction::LoginFailed).reason("unknown username"),
        )
        .await?;
        return Ok(Err(Refused));
    };
    let txn = app.db.begin().await?;
    let fail = |reason: &'static str| {
        AuditEntry::new(AuditAction::LoginFailed)
            .record("user", user.id)
            .reason(reason)
    };
    if user.disabled {
        audit::record_anonymous(&txn, &user.username, now, fail("account disabled")).await?;
        txn.commit().await?;
        return Ok(Err(Refused));
    }
    if is_locked(user.locked_until, now) {
        audit::record_anonymous(&txn, &user.username, now, fail("account locked")).await?;
        txn.commit().await?;
        return Ok(Err(Refused));
    }
    let new_hash = match verified {
        Verified::No => {
            // A lock that has run out starts the count again.
            let previous = if user.locked_until.is_some() {
                0
            } else {
                user.failed_attempts
            };
            let after = after_failed_sign_in(previous, now, &app.settings.limits);
            users_repo::record_failure(&txn, user.id, after.failed_attempts, after.locked_until)
                .await?;
            audit::record_anonymous(&txn, &user.username, now, fail("wrong password")).await?;
            if let Some(until) = after.locked_until {
                audit::record_anonymous(
                    &txn,
                    &user.username,
                    now,
                    AuditEntry::new(AuditAction::Locked)
                        .record("user", user.id)
                        .reason(format!(
                            "locked until {} after too many failed sign-ins",
                            until.to_rfc3339()
                        )),
                )
                .await?;
            }
            txn.commit().await?;
            return Ok(Err(Refused));
        }
        Verified::Yes => None,
        Verified::YesRehash(h) => Some(h),
    };
    users_repo::record_success(&txn, user.id, new_hash).await?;
    let token = start_session(&txn, user.id, user_agent, now).await?;
    audit::record_anonymous(
        &txn,
        &user.username,
        now,
        AuditEntry::new(AuditAction::Login).record("user", user.id),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(NewSession {
        token,
        must_change_password: user.must_change_password,
    }))
}

/// End the actor's own session.
pub async fn sign_out(app: &AppState, actor: &Actor) -> AppResult<()> {
    let txn = app.db.begin().await?;
    if let Some(id) = actor.session_id() {
        sessions_repo::delete(&txn, id).await?;
    }
    if let Some(uid) = actor.user_id() {
        audit::record(
            &txn,
            actor,
            app.now(),
            AuditEntry::new(AuditAction::Logout).record("user", uid),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Keep the actor's session alive (the "stay signed in" button).
pub async fn extend_session(app: &AppState, actor: &Actor) -> AppResult<()> {
    if let Some(id) = actor.session_id() {
        sessions_repo::touch(&app.db, id, app.now()).await?;
    }
    Ok(())
}
