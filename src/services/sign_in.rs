//! Signing in and out: password check, lockout, session creation.

use crate::auth::Actor;
use crate::auth::password::Verified;
use crate::auth::secrets::{hash_token, random_token};
use crate::db::{recovery_codes_repo, sessions_repo, users_repo};
use crate::domain::accounts::{is_locked, parse_username};
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

/// Why sign-in was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Wrong, unknown, disabled or locked: one message for all.
    Credentials,
    /// Too many attempts from this client address (nothing was checked).
    Throttled,
}

/// The message for a throttled attempt.
pub const THROTTLED_MESSAGE: &str =
    "There have been too many sign-in attempts from your network. Wait a minute, then try again.";

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

/// What a right password leads to.
#[derive(Debug)]
pub enum PasswordAccepted {
    /// Signed in.
    Session(NewSession),
    /// The account uses two-step verification: ask for the code next.
    CodeNeeded { user_id: i32 },
}

/// Count a refused attempt (wrong password or wrong code, at sign-in or when
/// changing a password or two-step) towards the lock, and audit it (and the
/// lock, if this attempt causes one).
pub(crate) async fn count_refusal(
    db: &impl sea_orm::ConnectionTrait,
    app: &AppState,
    user: &users_repo::User,
    reason: &'static str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let limits = &app.limits();
    let counted = users_repo::count_failure(
        db,
        user.id,
        now,
        limits.failed_attempts_allowed,
        limits.lock_until(now),
    )
    .await?;
    audit::record_anonymous(
        db,
        &user.username,
        now,
        AuditEntry::new(AuditAction::LoginFailed)
            .record("user", user.id)
            .reason(reason),
    )
    .await?;
    if let (true, Some(until)) = (counted.locked_now, counted.locked_until) {
        audit::record_anonymous(
            db,
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
    Ok(())
}

/// A locked account cannot change its password or two-step verification
/// either (someone may be guessing from an open session).
pub(crate) fn refuse_if_locked(
    user: &users_repo::User,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    if is_locked(user.locked_until, now) {
        return Err(crate::error::AppError::conflict(
            "Your account is locked after too many wrong attempts. Try again later, or ask your administrator.",
        ));
    }
    Ok(())
}

/// Refuse a disabled or locked account (audited); `true` if refused.
async fn refuse_unusable(
    db: &impl sea_orm::ConnectionTrait,
    user: &users_repo::User,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<bool> {
    let reason = if user.disabled {
        "account disabled"
    } else if is_locked(user.locked_until, now) {
        "account locked"
    } else {
        return Ok(false);
    };
    audit::record_anonymous(
        db,
        &user.username,
        now,
        AuditEntry::new(AuditAction::LoginFailed)
            .record("user", user.id)
            .reason(reason),
    )
    .await?;
    Ok(true)
}

async fn open_session(
    app: &AppState,
    user: &users_repo::User,
    new_hash: Option<String>,
    user_agent: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<NewSession> {
    let txn = app.begin_write().await?;
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
    Ok(NewSession {
        token,
        must_change_password: user.must_change_password,
    })
}

/// Check a username and password. A right password starts a session, or
/// asks for the one-time code when the account uses two-step verification.
pub async fn sign_in(
    app: &AppState,
    username: &str,
    password: &str,
    user_agent: Option<String>,
    client: Option<std::net::IpAddr>,
) -> AppResult<Result<PasswordAccepted, Refused>> {
    if !app.sign_in_throttle.allow(client) {
        return Ok(Err(Refused::Throttled));
    }
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
        return Ok(Err(Refused::Credentials));
    };
    if refuse_unusable(&app.db, &user, now).await? {
        return Ok(Err(Refused::Credentials));
    }
    let new_hash = match verified {
        Verified::No => {
            let txn = app.begin_write().await?;
            count_refusal(&txn, app, &user, "wrong password", now).await?;
            txn.commit().await?;
            return Ok(Err(Refused::Credentials));
        }
        Verified::Yes => None,
        Verified::YesRehash(h) => Some(h),
    };
    if user.totp_secret.is_some() {
        if let Some(h) = new_hash {
            users_repo::set_password_hash(&app.db, user.id, &h).await?;
        }
        return Ok(Ok(PasswordAccepted::CodeNeeded { user_id: user.id }));
    }
    Ok(Ok(PasswordAccepted::Session(
        open_session(app, &user, new_hash, user_agent, now).await?,
    )))
}

/// The user whose right password awaits a second step, unless the client is
/// throttled or the account cannot sign in (disabled, locked).
async fn second_step_user(
    app: &AppState,
    user_id: i32,
    client: Option<std::net::IpAddr>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Result<users_repo::User, Refused>> {
    if !app.sign_in_throttle.allow(client) {
        return Ok(Err(Refused::Throttled));
    }
    let Some(user) = users_repo::find(&app.db, user_id).await? else {
        return Ok(Err(Refused::Credentials));
    };
    if refuse_unusable(&app.db, &user, now).await? {
        return Ok(Err(Refused::Credentials));
    }
    Ok(Ok(user))
}

/// The second step: the one-time code from the user's authenticator app. A
/// wrong code counts towards the lock like a wrong password.
pub async fn sign_in_with_code(
    app: &AppState,
    user_id: i32,
    code: &str,
    user_agent: Option<String>,
    client: Option<std::net::IpAddr>,
) -> AppResult<Result<NewSession, Refused>> {
    let now = app.now();
    let user = match second_step_user(app, user_id, client, now).await? {
        Ok(u) => u,
        Err(refused) => return Ok(Err(refused)),
    };
    let secret = user
        .totp_secret
        .as_deref()
        .and_then(crate::domain::totp::base32_decode);
    let step = secret
        .and_then(|s| crate::domain::totp::verify(&s, code, now.timestamp(), user.totp_last_step));
    let Some(step) = step else {
        let txn = app.begin_write().await?;
        count_refusal(&txn, app, &user, "wrong one-time code", now).await?;
        txn.commit().await?;
        return Ok(Err(Refused::Credentials));
    };
    users_repo::record_totp_step(&app.db, user.id, step).await?;
    Ok(Ok(open_session(app, &user, None, user_agent, now).await?))
}

/// The lost-phone path: a recovery code in place of the app's code. The code
/// is spent, two-step verification is reset with the rest of the codes (the
/// phone is gone: whoever holds it must not sign in with it), and a user
/// whose roles require two-step sets it up on the new phone at once, with a
/// new set of codes. A wrong code counts towards the lock like a wrong
/// password.
pub async fn sign_in_with_recovery_code(
    app: &AppState,
    user_id: i32,
    typed: &str,
    user_agent: Option<String>,
    client: Option<std::net::IpAddr>,
) -> AppResult<Result<NewSession, Refused>> {
    let now = app.now();
    let user = match second_step_user(app, user_id, client, now).await? {
        Ok(u) => u,
        Err(refused) => return Ok(Err(refused)),
    };
    let mut spent = None;
    if let Some(code) = crate::domain::recovery_codes::normalise(typed) {
        for stored in recovery_codes_repo::unused(&app.db, user.id).await? {
            if !matches!(
                app.hasher.verify(&code, Some(&stored.code_hash)).await,
                Verified::No
            ) {
                spent = Some(stored);
                break;
            }
        }
    }
    let txn = app.begin_write().await?;
    let Some(stored) = spent else {
        count_refusal(&txn, app, &user, "wrong recovery code", now).await?;
        txn.commit().await?;
        return Ok(Err(Refused::Credentials));
    };
    if !recovery_codes_repo::mark_used(&txn, stored.id, now).await? {
        // spent a moment ago by another sign-in
        count_refusal(&txn, app, &user, "recovery code already used", now).await?;
        txn.commit().await?;
        return Ok(Err(Refused::Credentials));
    }
    let left = recovery_codes_repo::unused(&txn, user.id).await?.len();
    users_repo::set_totp(&txn, user.id, None, None).await?;
    recovery_codes_repo::delete_for_user(&txn, user.id).await?;
    audit::record_anonymous(
        &txn,
        &user.username,
        now,
        AuditEntry::new(AuditAction::UserChanged)
            .record("user", user.id)
            .reason(format!(
                "signed in with a recovery code (lost phone); two-step verification reset to be set up again; {left} unused codes withdrawn"
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(open_session(app, &user, None, user_agent, now).await?))
}

/// End the actor's own session.
pub async fn sign_out(app: &AppState, actor: &Actor) -> AppResult<()> {
    let txn = app.begin_write().await?;
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

/// End the session a browser had when it signed in again (as whoever), so
/// that signing in never leaves an older session of the same browser alive.
pub async fn end_replaced_session(app: &AppState, session_id: Option<i32>) -> AppResult<()> {
    let Some(id) = session_id else {
        return Ok(());
    };
    let Some(old) = sessions_repo::find(&app.db, id).await? else {
        return Ok(());
    };
    let txn = app.begin_write().await?;
    sessions_repo::delete(&txn, old.id).await?;
    let username = users_repo::find(&txn, old.user_id)
        .await?
        .map(|u| u.username)
        .unwrap_or_default();
    audit::record_anonymous(
        &txn,
        &username,
        app.now(),
        AuditEntry::new(AuditAction::Logout)
            .record("user", old.user_id)
            .reason("session replaced by a new sign-in in the same browser"),
    )
    .await?;
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
