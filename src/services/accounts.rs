//! Managing accounts: create, change roles, disable and enable, reset and
//! change passwords, list and end sessions. Each change is audited, and
//! disabling an account or changing its password ends its sessions.

use chrono::{DateTime, Utc};

use crate::auth::Actor;
use crate::db::sessions_repo::{self, Session};
use crate::db::tokens_repo;
use crate::db::users_repo::{self, NewUser, User};
use crate::domain::accounts::{is_locked, parse_roles, session_state, validate_new_user};
use crate::domain::audit_action::AuditAction;
use crate::domain::pagination::{PageInfo, PageRequest};
use crate::domain::password_policy;
use crate::domain::roles::{Capability, Role};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::services::sign_in::start_session;
use crate::state::AppState;

/// What is needed to create an account.
#[derive(Clone, Debug, Default)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub password: String,
    /// The person must choose their own password at first sign-in.
    pub must_change_password: bool,
}

fn roles_text(roles: &[Role]) -> Vec<&'static str> {
    roles.iter().map(|r| r.as_str()).collect()
}

/// Create an account (administrators, the command line and first-run setup).
pub async fn create_user(app: &AppState, actor: &Actor, new: NewAccount) -> AppResult<User> {
    actor.require(Capability::ManageUsers)?;
    create_user_unchecked(app, actor, new).await
}

pub(crate) async fn create_user_unchecked(
    app: &AppState,
    actor: &Actor,
    new: NewAccount,
) -> AppResult<User> {
    let (username, name, roles) =
        validate_new_user(&new.username, &new.display_name, &new.roles, &new.password)
            .map_err(AppError::Invalid)?;
    if users_repo::find_by_username(&app.db, &username)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "username",
            "That username is already taken: choose another",
        ));
    }
    let hash = app
        .hasher
        .hash(&new.password)
        .await
        .map_err(AppError::internal)?;
    let now = app.now();
    let txn = app.begin_write().await?;
    let user = users_repo::insert(
        &txn,
        NewUser {
            username: &username,
            display_name: &name,
            password_hash: &hash,
            roles: &roles,
            must_change_password: new.must_change_password,
            created_by: actor.user_id(),
        },
        now,
    )
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            AppError::invalid("username", "That username is already taken: choose another")
        }
        _ => AppError::Database(e),
    })?;
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::UserCreated)
            .record("user", user.id)
            .change("username", (), &username)
            .change("roles", (), roles_text(&roles)),
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// One account with what an administrator sees about it.
#[derive(Clone, Debug)]
pub struct AccountDetail {
    pub user: User,
    pub roles: Vec<Role>,
    /// Its sessions still in force (not idle or too old).
    pub sessions: Vec<Session>,
    /// Its API tokens, newest first.
    pub tokens: Vec<tokens_repo::ApiToken>,
    /// Locked now after too many wrong attempts.
    pub locked: bool,
}

/// The roles one account holds (administrators).
pub async fn roles(app: &AppState, actor: &Actor, user_id: i32) -> AppResult<Vec<Role>> {
    actor.require(Capability::ManageUsers)?;
    Ok(users_repo::roles_of(&app.db, user_id).await?)
}

/// A page of accounts.
pub async fn list_users(
    app: &AppState,
    actor: &Actor,
    page: PageRequest,
) -> AppResult<(Vec<(User, Vec<Role>)>, PageInfo)> {
    actor.require(Capability::ManageUsers)?;
    let (rows, total) = users_repo::list(&app.db, page).await?;
    Ok((rows, PageInfo::new(page, total)))
}

/// One account, its roles and live sessions.
pub async fn user_detail(app: &AppState, actor: &Actor, user_id: i32) -> AppResult<AccountDetail> {
    actor.require(Capability::ManageUsers)?;
    let user = users_repo::find(&app.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let roles = users_repo::roles_of(&app.db, user_id).await?;
    let now = app.now();
    let limits = &app.limits();
    let sessions = sessions_repo::for_user(&app.db, user_id)
        .await?
        .into_iter()
        .filter(|s| session_state(s.created_at, s.last_seen_at, now, limits).is_ok())
        .collect();
    let tokens = tokens_repo::for_user(&app.db, user_id).await?;
    Ok(AccountDetail {
        locked: is_locked(user.locked_until, now),
        user,
        roles,
        sessions,
        tokens,
    })
}

/// Replace an account's roles.
pub async fn change_roles(
    app: &AppState,
    actor: &Actor,
    user_id: i32,
    roles: &[String],
) -> AppResult<()> {
    actor.require(Capability::ManageUsers)?;
    if actor.user_id() == Some(user_id) {
        return Err(AppError::invalid(
            "roles",
            "You cannot change your own roles: ask another administrator",
        ));
    }
    let roles = parse_roles(roles).map_err(|m| AppError::invalid("roles", m))?;
    let user = users_repo::find(&app.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let old = users_repo::roles_of(&app.db, user_id).await?;
    let now = app.now();
    let txn = app.begin_write().await?;
    users_repo::set_roles(&txn, user.id, &roles).await?;
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::UserChanged)
            .record("user", user.id)
            .change("roles", roles_text(&old), roles_text(&roles)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Disable (ending every session) or enable an account.
pub async fn set_disabled(
    app: &AppState,
    actor: &Actor,
    user_id: i32,
    disabled: bool,
) -> AppResult<()> {
    actor.require(Capability::ManageUsers)?;
    if disabled && actor.user_id() == Some(user_id) {
        return Err(AppError::conflict("You cannot disable your own account"));
    }
    let user = users_repo::find(&app.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now();
    let txn = app.begin_write().await?;
    users_repo::set_disabled(&txn, user.id, disabled).await?;
    let (ended, revoked) = if disabled {
        (
            sessions_repo::delete_for_user(&txn, user.id, None).await?,
            tokens_repo::revoke_all_for_user(&txn, user.id, now).await?,
        )
    } else {
        (0, 0)
    };
    let mut entry = AuditEntry::new(AuditAction::UserChanged)
        .record("user", user.id)
        .change("disabled", user.disabled, disabled);
    if ended > 0 || revoked > 0 {
        entry = entry.reason(format!(
            "{ended} session(s) ended, {revoked} API token(s) revoked"
        ));
    }
    audit::record(&txn, actor, now, entry).await?;
    txn.commit().await?;
    Ok(())
}

async fn store_password(
    app: &AppState,
    actor: &Actor,
    user: &User,
    password: &str,
    must_change: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let hash = app
        .hasher
        .hash(password)
        .await
        .map_err(AppError::internal)?;
    let txn = app.begin_write().await?;
    users_repo::set_password(&txn, user.id, &hash, must_change, now).await?;
    sessions_repo::delete_for_user(&txn, user.id, None).await?;
    // A reset means the account may be in the wrong hands: its API tokens
    // end too. Changing one's own password keeps them (they are separate
    // credentials that systems hold; revoke them on the account page).
    let revoked = if must_change {
        tokens_repo::revoke_all_for_user(&txn, user.id, now).await?
    } else {
        0
    };
    let reason = if revoked > 0 {
        format!("{reason}; {revoked} API token(s) revoked")
    } else {
        reason.to_string()
    };
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::PasswordChanged)
            .record("user", user.id)
            .reason(reason),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Set a temporary password; the person must change it at next sign-in.
pub async fn reset_password(
    app: &AppState,
    actor: &Actor,
    user_id: i32,
    temporary: &str,
) -> AppResult<()> {
    actor.require(Capability::ManageUsers)?;
    let user = users_repo::find(&app.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    password_policy::check(temporary, &user.username, &user.display_name)
        .map_err(|m| AppError::invalid("password", m))?;
    store_password(
        app,
        actor,
        &user,
        temporary,
        true,
        "password reset by an administrator",
        app.now(),
    )
    .await
}

/// Change one's own password. Every session of the user ends; a new one is
/// started for this browser and its cookie value returned.
pub async fn change_own_password(
    app: &AppState,
    actor: &Actor,
    current: &str,
    new: &str,
    confirm: &str,
    user_agent: Option<String>,
) -> AppResult<String> {
    let uid = actor.user_id().ok_or(AppError::Forbidden)?;
    let user = users_repo::find(&app.db, uid)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now();
    crate::services::sign_in::refuse_if_locked(&user, now)?;
    let mut errors = FieldErrors::new();
    if matches!(
        app.hasher.verify(current, Some(&user.password_hash)).await,
        crate::auth::password::Verified::No
    ) {
        // Counted and audited like a wrong sign-in: otherwise an open
        // session would be a place to guess the password without limit.
        crate::services::sign_in::count_refusal(
            &app.db,
            app,
            &user,
            "wrong current password on password change",
            now,
        )
        .await?;
        errors.add("current_password", "Your current password is not right");
    }
    errors.check(
        "new_password",
        password_policy::check(new, &user.username, &user.display_name),
    );
    if new == current {
        errors.add(
            "new_password",
            "Choose a password different from your current one",
        );
    }
    if new != confirm {
        errors.add("confirm_password", "The two new passwords do not match");
    }
    errors.into_result().map_err(AppError::Invalid)?;
    store_password(
        app,
        actor,
        &user,
        new,
        false,
        "password changed by its owner",
        now,
    )
    .await?;
    start_session(&app.db, uid, user_agent, now).await
}

/// Sessions active now, with their users' names, most recent first.
pub async fn active_sessions(
    app: &AppState,
    actor: &Actor,
    page: PageRequest,
) -> AppResult<(Vec<(Session, String)>, PageInfo)> {
    actor.require(Capability::ManageUsers)?;
    let since = app.now() - app.limits().idle_timeout;
    let (rows, total) =
        sessions_repo::list_recent(&app.db, since, page.offset(), page.per_page).await?;
    let ids: Vec<i32> = rows.iter().map(|s| s.user_id).collect();
    let names = users_repo::names_for(&app.db, &ids).await?;
    let rows = rows
        .into_iter()
        .map(|s| {
            let n = names.get(&s.user_id).cloned().unwrap_or_default();
            (s, n)
        })
        .collect();
    Ok((rows, PageInfo::new(page, total)))
}

/// End any session (administrators).
pub async fn end_session(app: &AppState, actor: &Actor, session_id: i32) -> AppResult<()> {
    actor.require(Capability::ManageUsers)?;
    let session = sessions_repo::find(&app.db, session_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = app.begin_write().await?;
    sessions_repo::delete(&txn, session.id).await?;
    audit::record(
        &txn,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Logout)
            .record("user", session.user_id)
            .reason("session ended by an administrator"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
