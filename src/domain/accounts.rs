//! Rules for user accounts: usernames, display names, lockout arithmetic and
//! session lifetimes.

use chrono::{DateTime, Duration, Utc};

use super::roles::Role;
use super::validation::FieldErrors;

/// Normalise and check a username: 3-64 characters of letters, digits, `.`,
/// `-` and `_`; stored in lower case.
pub fn parse_username(raw: &str) -> Result<String, String> {
    let u = raw.trim().to_lowercase();
    if u.is_empty() {
        return Err("Enter a username".into());
    }
    if u.chars().count() < 3 || u.chars().count() > 64 {
        return Err("Username must be between 3 and 64 characters".into());
    }
    if !u
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(
            "Username can only contain letters, numbers, full stops, hyphens and underscores"
                .into(),
        );
    }
    Ok(u)
}

/// Check a display name: present, at most 100 characters, no control characters.
pub fn parse_display_name(raw: &str) -> Result<String, String> {
    let n = raw.trim();
    if n.is_empty() {
        return Err("Enter the person's full name".into());
    }
    if n.chars().count() > 100 {
        return Err("Name must be 100 characters or fewer".into());
    }
    if n.chars().any(char::is_control) {
        return Err("Name must not contain control characters".into());
    }
    Ok(n.to_string())
}

/// Parse role names; at least one, each known.
pub fn parse_roles(raw: &[String]) -> Result<Vec<Role>, String> {
    let mut roles = Vec::new();
    for r in raw {
        match Role::parse(r) {
            Some(role) => roles.push(role),
            None => {
                return Err(format!(
                    "Unknown role '{}': choose from police, probation, facilitator, manager, admin, auditor",
                    r.trim()
                ));
            }
        }
    }
    if roles.is_empty() {
        return Err("Choose at least one role".into());
    }
    if roles.contains(&Role::Auditor) && roles.len() > 1 {
        return Err(
            "An auditor holds no other role: whoever is checked must not be the one checking"
                .into(),
        );
    }
    if roles.contains(&Role::Admin) && roles.iter().any(|r| r.sees_case_data()) {
        return Err(
            "An administrator cannot also be police, probation or a facilitator: give case work a separate account"
                .into(),
        );
    }
    Ok(roles)
}

/// Validate the fields of a new account, returning them normalised.
pub fn validate_new_user(
    username: &str,
    display_name: &str,
    roles: &[String],
    password: &str,
) -> Result<(String, String, Vec<Role>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let u = errors.check("username", parse_username(username));
    let n = errors.check("display_name", parse_display_name(display_name));
    let r = errors.check("roles", parse_roles(roles));
    errors.check(
        "password",
        super::password_policy::check(password, u.as_deref().unwrap_or(username), display_name),
    );
    match (u, n, r) {
        (Some(u), Some(n), Some(r)) if errors.is_empty() => Ok((u, n, r)),
        _ => Err(errors),
    }
}

/// Limits that decide when an account locks and when a session ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityLimits {
    /// Wrong passwords tolerated; the next wrong one locks the account.
    pub failed_attempts_allowed: i32,
    /// How long a lock lasts.
    pub lock_for: Duration,
    /// A session unused for this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, used or not.
    pub absolute_timeout: Duration,
    /// How long before the idle timeout the warning shows.
    pub idle_warning: Duration,
}

impl SecurityLimits {
    /// The usual warning before an idle session ends.
    pub const USUAL_WARNING_MINUTES: i64 = 5;

    /// How long before an idle timeout the warning shows: five minutes, or
    /// half the timeout when the timeout is shorter than ten minutes.
    pub fn warning_before(idle_timeout: Duration) -> Duration {
        Duration::minutes(Self::USUAL_WARNING_MINUTES).min(idle_timeout / 2)
    }
}

impl Default for SecurityLimits {
    fn default() -> Self {
        SecurityLimits {
            failed_attempts_allowed: 10,
            lock_for: Duration::minutes(15),
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(10),
            idle_warning: Duration::minutes(5),
        }
    }
}

/// The lockout rule: `failed_attempts_allowed` consecutive refusals are
/// tolerated; the next one locks the account until [`SecurityLimits::lock_until`].
/// A lock that has run out starts the count again. The counting itself is one
/// atomic database update (`users_repo::count_failure`), so that refusals
/// arriving together are all counted.
impl SecurityLimits {
    /// When a lock set at `now` ends.
    pub fn lock_until(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + self.lock_for
    }
}

/// Is the account locked now?
pub fn is_locked(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    locked_until.is_some_and(|until| now < until)
}

/// Why a session is no longer valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionEnd {
    /// Unused for longer than the idle timeout.
    Idle,
    /// Older than the absolute limit.
    Absolute,
}

/// Decide whether a session is still valid at `now`.
pub fn session_state(
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    now: DateTime<Utc>,
    limits: &SecurityLimits,
) -> Result<(), SessionEnd> {
    if now >= created_at + limits.absolute_timeout {
        Err(SessionEnd::Absolute)
    } else if now >= last_seen_at + limits.idle_timeout {
        Err(SessionEnd::Idle)
    } else {
        Ok(())
    }
}

/// When the session will end if nothing more happens.
pub fn session_expires_at(
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    limits: &SecurityLimits,
) -> DateTime<Utc> {
    (last_seen_at + limits.idle_timeout).min(created_at + limits.absolute_timeout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-30T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn usernames_are_lower_cased_and_restricted() {
        assert_eq!(parse_username(" PC.Jones "), Ok("pc.jones".to_string()));
        assert!(parse_username("a b").is_err());
        assert!(parse_username("ab").is_err());
        assert!(parse_username("").is_err());
    }

    #[test]
    fn a_lock_lasts_fifteen_minutes() {
        let limits = SecurityLimits::default();
        let until = limits.lock_until(t0());
        assert_eq!(until, t0() + Duration::minutes(15));
        assert!(is_locked(Some(until), t0() + Duration::minutes(14)));
        assert!(!is_locked(Some(until), t0() + Duration::minutes(15)));
        assert!(!is_locked(None, t0()));
    }

    #[test]
    fn sessions_end_when_idle_or_too_old() {
        let l = SecurityLimits::default();
        let start = t0();
        assert_eq!(
            session_state(start, start, start + Duration::minutes(29), &l),
            Ok(())
        );
        assert_eq!(
            session_state(start, start, start + Duration::minutes(30), &l),
            Err(SessionEnd::Idle)
        );
        let busy = start + Duration::hours(10) - Duration::minutes(1);
        assert_eq!(
            session_state(start, busy, start + Duration::hours(10), &l),
            Err(SessionEnd::Absolute)
        );
        assert_eq!(
            session_expires_at(start, busy, &l),
            start + Duration::hours(10)
        );
    }

    #[test]
    fn unknown_roles_are_named_in_the_message() {
        let e = parse_roles(&["police".into(), "chief".into()]).unwrap_err();
        assert!(e.contains("chief"));
        assert!(parse_roles(&[]).is_err());
    }
}
