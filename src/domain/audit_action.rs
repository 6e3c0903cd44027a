//! The actions the audit log records (Data Protection Act 2018 s.62 plus
//! authentication and account events).

use super::code::coded_enum;

coded_enum!(
    /// One kind of audited event.
    AuditAction {
        /// Personal data recorded for the first time.
        Collect => "collect", "Collect";
        /// Personal data changed (the entry holds old and new values).
        Alter => "alter", "Alter";
        /// Personal data viewed.
        Consult => "consult", "Consult";
        /// Personal data sent out: a download, an export, a PDF.
        Disclose => "disclose", "Disclose";
        /// Records merged or linked.
        Combine => "combine", "Combine";
        /// Personal data erased (the entry says what, never the content).
        Erase => "erase", "Erase";
        /// A successful sign-in.
        Login => "login", "Sign-in";
        /// A refused sign-in.
        LoginFailed => "login_failed", "Refused sign-in";
        /// A sign-out (or a session ended by timeout or an administrator).
        Logout => "logout", "Sign-out";
        /// An account locked after too many failed sign-ins.
        Locked => "locked", "Account locked";
        /// A user account created.
        UserCreated => "user_created", "Account created";
        /// A user's roles, name or state changed.
        UserChanged => "user_changed", "Account changed";
        /// A password set, changed or reset.
        PasswordChanged => "password_changed", "Password set";
        /// An API token created or revoked.
        TokenChanged => "token_changed", "API token changed";
        /// A request refused because the user's roles do not allow it (the
        /// entry names the route and the record asked for).
        Refused => "refused", "Access refused";
    }
);
