//! Settings read once at start-up from the environment (see the table in
//! README.md). Rocket's own settings (address, port, limits, secret key) come
//! from Rocket.toml and `ROCKET_*` variables.

use std::path::PathBuf;

use chrono::Duration;

use crate::domain::accounts::SecurityLimits;

/// Whom to ask about personal data, until the deployment names its officer.
pub const DEFAULT_DATA_PROTECTION_CONTACT: &str =
    "the data protection officer of the police force or probation service that holds your record";

/// The database used when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/kerbside.db?mode=rwc";

/// Who must sign in with a one-time code as well as a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TwoStepPolicy {
    /// Administrators only (the rest may choose to).
    Administrators,
    /// Every user.
    Everyone,
}

impl TwoStepPolicy {
    /// Must a user with these roles use it?
    pub fn requires(self, roles: &crate::domain::roles::RoleSet) -> bool {
        use crate::domain::roles::Role;
        self == TwoStepPolicy::Everyone || roles.has(Role::Admin) || roles.has(Role::Auditor)
    }
}

/// Everything the app needs to know about its environment.
#[derive(Clone, Debug)]
pub struct Settings {
    /// SQLite or PostgreSQL connection URL.
    pub database_url: String,
    /// Served over HTTPS (directly or behind a TLS-terminating load balancer):
    /// cookies get `Secure` and the `__Host-` prefix, HSTS is sent.
    pub https: bool,
    /// Lockout and session lifetimes.
    pub limits: SecurityLimits,
    /// Where the Tera templates are.
    pub template_dir: PathBuf,
    /// Where the stylesheet and scripts are.
    pub static_dir: PathBuf,
    /// The origin browsers use (e.g. `https://kerbside.example.gov.uk`); when
    /// unset, a state-changing request's `Origin` must match its `Host`.
    pub public_origin: Option<String>,
    /// How many password hashes may be computed at once (each takes 19 MiB).
    pub hashing_concurrency: usize,
    /// Sign-in attempts (passwords and codes) one client address may make per
    /// minute, whatever the usernames: a brake on password spraying.
    pub sign_in_attempts_per_minute: u32,
    /// Who must use two-step verification: administrators (the default) or everyone.
    pub require_two_step: TwoStepPolicy,
    /// MARAC potential-escalation rule: this many incidents...
    pub dash_escalation_incidents: u32,
    /// ...within this many months.
    pub dash_escalation_months: u32,
    /// Years after a man's last activity before his record is reviewed
    /// (the start-up default of the retention setting).
    pub retention_years: u32,
    /// Whom people should ask about their data (printed on the privacy
    /// notice): the controller's data protection officer.
    pub data_protection_contact: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: DEFAULT_DATABASE_URL.to_string(),
            https: false,
            limits: SecurityLimits::default(),
            template_dir: PathBuf::from("templates"),
            static_dir: PathBuf::from("static"),
            public_origin: None,
            hashing_concurrency: 4,
            sign_in_attempts_per_minute: 30,
            require_two_step: TwoStepPolicy::Administrators,
            dash_escalation_incidents: 3,
            dash_escalation_months: 12,
            retention_years: crate::domain::retention::DEFAULT_RETENTION_YEARS,
            data_protection_contact: DEFAULT_DATA_PROTECTION_CONTACT.to_string(),
        }
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A start-up default of an adjustable setting, within that setting's bounds
/// (`domain::adjustable::NUMBERS`, the one place they are written).
fn adjustable_number(name: &str, key: &str, default: i64) -> Result<i64, String> {
    let (min, max) = crate::domain::adjustable::bounds(key)
        .ok_or_else(|| format!("{key} is not an adjustable setting"))?;
    number(name, default, i64::from(min), i64::from(max))
}

fn number(name: &str, default: i64, min: i64, max: i64) -> Result<i64, String> {
    match var(name) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(format!(
                "{name} must be a whole number from {min} to {max} (it is '{v}')"
            )),
        },
    }
}

fn flag(name: &str) -> Result<bool, String> {
    match var(name).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(format!("{name} must be true or false (it is '{v}')")),
    }
}

impl Settings {
    /// The start-up defaults of the settings an administrator may change.
    pub fn adjustable(&self) -> crate::domain::adjustable::Adjustable {
        crate::domain::adjustable::Adjustable {
            dash_escalation_incidents: self.dash_escalation_incidents,
            dash_escalation_months: self.dash_escalation_months,
            retention_years: self.retention_years,
            idle_timeout_minutes: self.limits.idle_timeout.num_minutes().max(0) as u32,
            two_step_for_everyone: self.require_two_step == TwoStepPolicy::Everyone,
        }
    }

    /// Read the environment; an `Err` names the variable to fix.
    pub fn from_env() -> Result<Settings, String> {
        let d = Settings::default();
        let idle_timeout = Duration::minutes(adjustable_number(
            "KERBSIDE_IDLE_TIMEOUT_MINUTES",
            "idle_timeout_minutes",
            30,
        )?);
        let limits = SecurityLimits {
            failed_attempts_allowed: number("KERBSIDE_LOCKOUT_ATTEMPTS", 10, 3, 100)? as i32,
            lock_for: Duration::minutes(number("KERBSIDE_LOCKOUT_MINUTES", 15, 1, 1440)?),
            idle_timeout,
            absolute_timeout: Duration::hours(number("KERBSIDE_SESSION_MAX_HOURS", 10, 1, 24)?),
            idle_warning: SecurityLimits::warning_before(idle_timeout),
        };
        Ok(Settings {
            database_url: var("DATABASE_URL").unwrap_or(d.database_url),
            https: flag("KERBSIDE_HTTPS")?,
            limits,
            template_dir: var("KERBSIDE_TEMPLATE_DIR")
                .map(PathBuf::from)
                .unwrap_or(d.template_dir),
            static_dir: var("KERBSIDE_STATIC_DIR")
                .map(PathBuf::from)
                .unwrap_or(d.static_dir),
            public_origin: var("KERBSIDE_PUBLIC_ORIGIN")
                .map(|o| o.trim_end_matches('/').to_string()),
            hashing_concurrency: number("KERBSIDE_HASHING_CONCURRENCY", 4, 1, 64)? as usize,
            sign_in_attempts_per_minute: number(
                "KERBSIDE_SIGN_IN_ATTEMPTS_PER_MINUTE",
                30,
                1,
                100_000,
            )? as u32,
            require_two_step: match var("KERBSIDE_REQUIRE_TWO_STEP")
                .map(|v| v.trim().to_ascii_lowercase())
                .as_deref()
            {
                None | Some("admins") => TwoStepPolicy::Administrators,
                Some("all") => TwoStepPolicy::Everyone,
                Some(other) => {
                    return Err(format!(
                        "KERBSIDE_REQUIRE_TWO_STEP must be admins or all (it is '{other}')"
                    ));
                }
            },
            dash_escalation_incidents: adjustable_number(
                "KERBSIDE_DASH_ESCALATION_INCIDENTS",
                "dash_escalation_incidents",
                3,
            )? as u32,
            dash_escalation_months: adjustable_number(
                "KERBSIDE_DASH_ESCALATION_MONTHS",
                "dash_escalation_months",
                12,
            )? as u32,
            retention_years: adjustable_number(
                "KERBSIDE_RETENTION_YEARS",
                "retention_years",
                i64::from(crate::domain::retention::DEFAULT_RETENTION_YEARS),
            )? as u32,
            data_protection_contact: var("KERBSIDE_DATA_PROTECTION_CONTACT")
                .unwrap_or_else(|| DEFAULT_DATA_PROTECTION_CONTACT.to_string()),
        })
    }
}
