//! The actions the audit log records (Data Protection Act 2018 s.62 plus
//! authentication and account events).

use serde::Serialize;

/// One kind of audited event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Personal data recorded for the first time.
    Collect,
    /// Personal data changed (the entry holds old and new values).
    Alter,
    /// Personal data viewed.
    Consult,
    /// Personal data sent out: a download, an export, a PDF.
    Disclose,
    /// Records merged or linked.
    Combine,
    /// Personal data erased (the entry says what, never the content).
    Erase,
    /// A successful sign-in.
    Login,
    /// A refused sign-in.
    LoginFailed,
    /// A sign-out (or a session ended by timeout or an administrator).
    Logout,
    /// An account locked after too many failed sign-ins.
    Locked,
    /// A user account created.
    UserCreated,
    /// A user's roles, name or state changed.
    UserChanged,
    /// A password set, changed or reset.
    PasswordChanged,
    /// An API token created or revoked.
    TokenChanged,
    /// A request refused because the user's roles do not allow it (the
    /// entry names the route and the record asked for).
    Refused,
}

impl AuditAction {
    /// Every action, for filters.
    pub const ALL: [AuditAction; 15] = [
        AuditAction::Collect,
        AuditAction::Alter,
        AuditAction::Consult,
        AuditAction::Disclose,
        AuditAction::Combine,
        AuditAction::Erase,
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::Logout,
        AuditAction::Locked,
        AuditAction::UserCreated,
        AuditAction::UserChanged,
        AuditAction::PasswordChanged,
        AuditAction::TokenChanged,
        AuditAction::Refused,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Collect => "collect",
            AuditAction::Alter => "alter",
            AuditAction::Consult => "consult",
            AuditAction::Disclose => "disclose",
            AuditAction::Combine => "combine",
            AuditAction::Erase => "erase",
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::Logout => "logout",
            AuditAction::Locked => "locked",
            AuditAction::UserCreated => "user_created",
            AuditAction::UserChanged => "user_changed",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::TokenChanged => "token_changed",
            AuditAction::Refused => "refused",
        }
    }

    /// Parse a stored value.
    pub fn parse(value: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == value)
    }
}
