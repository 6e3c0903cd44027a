//! Queries on `users` and `user_roles`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    IdenStatic, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect,
    SelectB, SelectTwo, Set,
};

use super::entities::{user_roles, users};
use crate::domain::pagination::PageRequest;
use crate::domain::roles::Role;

pub use users::Model as User;

/// What a new account holds.
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub roles: &'a [Role],
    pub must_change_password: bool,
    pub created_by: Option<i32>,
}

/// How many accounts exist.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    users::Entity::find().count(db).await
}

/// The account with this (already normalised) username.
pub async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<User>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Username.eq(username))
        .one(db)
        .await
}

/// The account with this id.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<User>, DbErr> {
    users::Entity::find_by_id(id).one(db).await
}

/// The roles one user holds.
pub async fn roles_of(db: &impl ConnectionTrait, user_id: i32) -> Result<Vec<Role>, DbErr> {
    Ok(roles_for(db, &[user_id])
        .await?
        .remove(&user_id)
        .unwrap_or_default())
}

/// The roles of several users at once.
pub async fn roles_for(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, Vec<Role>>, DbErr> {
    let rows = user_roles::Entity::find()
        .filter(user_roles::Column::UserId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<Role>> = HashMap::new();
    for r in rows {
        map.entry(r.user_id).or_default().push(r.role);
    }
    for roles in map.values_mut() {
        roles.sort();
    }
    Ok(map)
}

/// A user with every role they hold: what resolving a session or a token
/// reads, in the same statement as the session or token itself.
#[derive(Clone, Debug)]
pub struct UserWithRoles {
    pub user: User,
    pub roles: Vec<Role>,
}

/// One row of a read joined to a user's roles: the user and one role
/// (`None` when they hold none).
pub(super) struct UserRoleRow {
    user: User,
    role: Option<Role>,
}

impl FromQueryResult for UserRoleRow {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(UserRoleRow {
            user: User::from_query_result(res, pre)?,
            role: res.try_get(pre, "role")?,
        })
    }

    /// No user (the left join found none) is `None`; a role that cannot be
    /// read is an error, not a missing user.
    fn from_query_result_optional(res: &QueryResult, pre: &str) -> Result<Option<Self>, DbErr> {
        let Some(user) = User::from_query_result_optional(res, pre)? else {
            return Ok(None);
        };
        Ok(Some(UserRoleRow {
            user,
            role: res.try_get(pre, "role")?,
        }))
    }
}

/// Add the user's roles to a read of something and its user (`select_also`
/// on `users`): one row per role, read with [`fold_roles`].
pub(super) async fn all_with_roles<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: SelectTwo<E, users::Entity>,
) -> Result<Vec<(E::Model, Option<UserRoleRow>)>, DbErr> {
    select
        .join(
            JoinType::LeftJoin,
            users::Entity::belongs_to(user_roles::Entity)
                .from(users::Column::Id)
                .to(user_roles::Column::UserId)
                .into(),
        )
        .column_as(
            user_roles::Column::Role,
            format!("{}role", SelectB.as_str()),
        )
        .into_model::<E::Model, UserRoleRow>()
        .all(db)
        .await
}

/// The rows of [`all_with_roles`] as one record and its user with all
/// their roles; `None` when there were no rows.
pub(super) fn fold_roles<M>(
    rows: Vec<(M, Option<UserRoleRow>)>,
) -> Option<(M, Option<UserWithRoles>)> {
    let mut rows = rows.into_iter();
    let (record, first) = rows.next()?;
    let holder = first.map(|row| {
        let mut roles: Vec<Role> = row.role.into_iter().collect();
        roles.extend(rows.filter_map(|(_, r)| r.and_then(|r| r.role)));
        roles.sort();
        UserWithRoles {
            user: row.user,
            roles,
        }
    });
    Some((record, holder))
}

/// Create an account with its roles.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<User, DbErr> {
    let user = users::ActiveModel {
        username: Set(new.username.to_string()),
        display_name: Set(new.display_name.to_string()),
        password_hash: Set(new.password_hash.to_string()),
        must_change_password: Set(new.must_change_password),
        disabled: Set(false),
        failed_attempts: Set(0),
        locked_until: Set(None),
        password_changed_at: Set(now),
        totp_secret: Set(None),
        totp_last_step: Set(None),
        created_at: Set(now),
        created_by: Set(new.created_by),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?;
    set_roles(db, user.id, new.roles).await?;
    Ok(user)
}

/// Replace a user's roles.
pub async fn set_roles(
    db: &impl ConnectionTrait,
    user_id: i32,
    roles: &[Role],
) -> Result<(), DbErr> {
    user_roles::Entity::delete_many()
        .filter(user_roles::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if roles.is_empty() {
        return Ok(());
    }
    user_roles::Entity::insert_many(roles.iter().map(|r| user_roles::ActiveModel {
        user_id: Set(user_id),
        role: Set(*r),
    }))
    .exec(db)
    .await?;
    Ok(())
}

async fn update_columns(
    db: &impl ConnectionTrait,
    user_id: i32,
    values: Vec<(users::Column, sea_orm::Value)>,
) -> Result<(), DbErr> {
    let mut q = users::Entity::update_many().filter(users::Column::Id.eq(user_id));
    for (col, v) in values {
        q = q.col_expr(col, Expr::val(v));
    }
    q = q.col_expr(
        users::Column::Version,
        Expr::col(users::Column::Version).add(1),
    );
    q.exec(db).await?;
    Ok(())
}

/// What counting one refused attempt left on the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailureCounted {
    /// Consecutive failures now recorded.
    pub failed_attempts: i32,
    /// The account's lock, if any, after this failure.
    pub locked_until: Option<DateTime<Utc>>,
    /// This very failure set the lock.
    pub locked_now: bool,
}

/// Count one refused attempt in a single atomic `UPDATE ... RETURNING`, so
/// that failures arriving at the same moment are all counted: a lock that has
/// run out starts the count again at 1; when the count passes `allowed` the
/// account is locked until `lock_until`; a lock still running is kept.
pub async fn count_failure(
    db: &impl ConnectionTrait,
    user_id: i32,
    now: DateTime<Utc>,
    allowed: i32,
    lock_until: DateTime<Utc>,
) -> Result<FailureCounted, DbErr> {
    use sea_orm::sea_query::CaseStatement;
    let lock_ran_out = || {
        Expr::col(users::Column::LockedUntil)
            .is_not_null()
            .and(Expr::col(users::Column::LockedUntil).lte(now))
    };
    let new_count = || -> Expr {
        CaseStatement::new()
            .case(lock_ran_out(), 1)
            .finally(Expr::col(users::Column::FailedAttempts).add(1))
            .into()
    };
    let new_lock = CaseStatement::new()
        .case(
            Expr::col(users::Column::LockedUntil).gt(now),
            Expr::col(users::Column::LockedUntil),
        )
        .case(new_count().gt(allowed), Expr::val(lock_until))
        .finally(Expr::val(Option::<DateTime<Utc>>::None));
    let rows = users::Entity::update_many()
        .col_expr(users::Column::FailedAttempts, new_count())
        .col_expr(users::Column::LockedUntil, Into::<Expr>::into(new_lock))
        .col_expr(
            users::Column::Version,
            Expr::col(users::Column::Version).add(1),
        )
        .filter(users::Column::Id.eq(user_id))
        .exec_with_returning(db)
        .await?;
    let user = rows
        .into_iter()
        .next()
        .ok_or_else(|| DbErr::RecordNotFound(format!("user {user_id}")))?;
    Ok(FailureCounted {
        failed_attempts: user.failed_attempts,
        locked_until: user.locked_until,
        // Counts are handed out one at a time, so exactly one failure is the
        // one just past the allowance.
        locked_now: user.failed_attempts == allowed + 1,
    })
}

/// Record a successful sign-in: failures cleared, hash upgraded if given.
pub async fn record_success(
    db: &impl ConnectionTrait,
    user_id: i32,
    new_hash: Option<String>,
) -> Result<(), DbErr> {
    let mut values = vec![
        (users::Column::FailedAttempts, 0.into()),
        (
            users::Column::LockedUntil,
            Option::<DateTime<Utc>>::None.into(),
        ),
    ];
    if let Some(h) = new_hash {
        values.push((users::Column::PasswordHash, h.into()));
    }
    update_columns(db, user_id, values).await
}

/// Store a new password hash.
pub async fn set_password(
    db: &impl ConnectionTrait,
    user_id: i32,
    hash: &str,
    must_change: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    update_columns(
        db,
        user_id,
        vec![
            (users::Column::PasswordHash, hash.into()),
            (users::Column::MustChangePassword, must_change.into()),
            (users::Column::PasswordChangedAt, now.into()),
            (users::Column::FailedAttempts, 0.into()),
            (
                users::Column::LockedUntil,
                Option::<DateTime<Utc>>::None.into(),
            ),
        ],
    )
    .await
}

/// Disable or enable an account.
pub async fn set_disabled(
    db: &impl ConnectionTrait,
    user_id: i32,
    disabled: bool,
) -> Result<(), DbErr> {
    update_columns(
        db,
        user_id,
        vec![(users::Column::Disabled, disabled.into())],
    )
    .await
}

/// Change the name shown for a user.
pub async fn set_display_name(
    db: &impl ConnectionTrait,
    user_id: i32,
    name: &str,
) -> Result<(), DbErr> {
    update_columns(db, user_id, vec![(users::Column::DisplayName, name.into())]).await
}

/// A page of accounts, by username, with their roles.
pub async fn list(
    db: &impl ConnectionTrait,
    page: PageRequest,
) -> Result<(Vec<(User, Vec<Role>)>, u64), DbErr> {
    let total = users::Entity::find().count(db).await?;
    let rows = users::Entity::find()
        .order_by_asc(users::Column::Username)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|u| u.id).collect();
    let mut roles = roles_for(db, &ids).await?;
    Ok((
        rows.into_iter()
            .map(|u| {
                let r = roles.remove(&u.id).unwrap_or_default();
                (u, r)
            })
            .collect(),
        total,
    ))
}

/// Display names of several users: each named once however often he is
/// given, and nothing of theirs read but the name (not the password hash
/// or two-step secret a whole row holds).
pub async fn names_for(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, String>, DbErr> {
    let mut wanted = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let names: Vec<(i32, String)> = users::Entity::find()
        .select_only()
        .columns([users::Column::Id, users::Column::DisplayName])
        .filter(users::Column::Id.is_in(wanted))
        .into_tuple()
        .all(db)
        .await?;
    Ok(names.into_iter().collect())
}

/// Active users holding a role, by name (e.g. probation officers to assign).
pub async fn with_role(db: &impl ConnectionTrait, role: Role) -> Result<Vec<User>, DbErr> {
    let ids: Vec<i32> = user_roles::Entity::find()
        .filter(user_roles::Column::Role.eq(role.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .filter(users::Column::Disabled.eq(false))
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await
}

/// Turn on two-step verification with this (base32) secret, or off with `None`.
pub async fn set_totp(
    db: &impl ConnectionTrait,
    user_id: i32,
    secret: Option<String>,
    step: Option<i64>,
) -> Result<(), DbErr> {
    update_columns(
        db,
        user_id,
        vec![
            (users::Column::TotpSecret, secret.into()),
            (users::Column::TotpLastStep, step.into()),
        ],
    )
    .await
}

/// Remember the last code's time step, so that it is not accepted again.
pub async fn record_totp_step(
    db: &impl ConnectionTrait,
    user_id: i32,
    step: i64,
) -> Result<(), DbErr> {
    update_columns(
        db,
        user_id,
        vec![(users::Column::TotpLastStep, Some(step).into())],
    )
    .await
}

/// Store an upgraded hash of the same password.
pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    user_id: i32,
    hash: &str,
) -> Result<(), DbErr> {
    update_columns(
        db,
        user_id,
        vec![(users::Column::PasswordHash, hash.into())],
    )
    .await
}
