//! The one application error type. Web doors turn it into an HTML error page
//! or a JSON problem body (see `web::errors`); the log gets the cause, never
//! personal data.

use sea_orm::DbErr;

use crate::domain::validation::FieldErrors;

/// Everything that can go wrong in a request, as the user should hear it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nobody is signed in.
    #[error("sign in to continue")]
    Unauthorized,
    /// Signed in, but not allowed.
    #[error("you do not have permission to do that")]
    Forbidden,
    /// No such record, or one the caller may not know exists.
    #[error("not found")]
    NotFound,
    /// Input failed validation: a message per field.
    #[error("some of the information given is not right")]
    Invalid(FieldErrors),
    /// The request conflicts with the record's state (locked, duplicate, full).
    #[error("{0}")]
    Conflict(String),
    /// The request could not be read.
    #[error("{0}")]
    BadRequest(String),
    /// What was sent is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// A body of a type the route does not take (415).
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// A database failure.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// Anything else that is our fault.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// The error in words for a terminal: each field's message, or what
    /// went wrong.
    pub fn in_words(self) -> String {
        match self {
            AppError::Invalid(fields) => fields
                .iter()
                .map(|(field, message)| format!("{field}: {message}"))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        }
    }

    /// A validation error on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid(FieldErrors::one(field, message))
    }

    /// This error about the `item`th of a set sent together, saying which:
    /// fields become `{set}[item].field`, a conflict starts `{noun} item:`.
    pub fn about_item(self, set: &str, noun: &str, item: usize) -> AppError {
        match self {
            AppError::Invalid(fields) => {
                let mut named = FieldErrors::new();
                for (field, message) in fields.iter() {
                    named.add(&format!("{set}[{item}].{field}"), message);
                }
                AppError::Invalid(named)
            }
            AppError::Conflict(message) => AppError::conflict(format!("{noun} {item}: {message}")),
            other => other,
        }
    }

    /// A conflict with a message the user can act on.
    pub fn conflict(message: impl Into<String>) -> AppError {
        AppError::Conflict(message.into())
    }

    /// Something internal failed.
    pub fn internal(message: impl std::fmt::Display) -> AppError {
        AppError::Internal(message.to_string())
    }
}

impl AppError {
    /// Is this the database not answering (a restart, a lost connection, a
    /// full pool) rather than a fault in what was asked? Such a request can
    /// simply be tried again: the transaction it was in did not commit.
    pub fn database_unavailable(&self) -> bool {
        use sea_orm::RuntimeErr;
        use sea_orm::sqlx::Error as Sqlx;
        let runtime = match self {
            AppError::Database(DbErr::ConnectionAcquire(_)) => return true,
            AppError::Database(DbErr::Conn(r) | DbErr::Exec(r) | DbErr::Query(r)) => r,
            _ => return false,
        };
        let RuntimeErr::SqlxError(e) = runtime else {
            return false;
        };
        match e.as_ref() {
            Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => true,
            // PostgreSQL: connection exceptions (08...) and the server
            // shutting down or starting up (57P01-57P03)
            Sqlx::Database(d) => d.code().is_some_and(|c| {
                c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")
            }),
            _ => false,
        }
    }
}

/// Result with [`AppError`].
pub type AppResult<T> = Result<T, AppError>;
