//! How long an API token lives. A token is a password that a machine keeps,
//! so it expires unless someone decides it should not: a year by default.

use chrono::{DateTime, Duration, Utc};

/// A token's lifetime, chosen when it is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenLifetime {
    /// Expires this many days after creation.
    Days(u32),
    /// Lives until revoked.
    Never,
}

impl TokenLifetime {
    /// The lifetime when none is chosen: one year.
    pub const DEFAULT: TokenLifetime = TokenLifetime::Days(365);
    /// The choices offered on the page: (value, label).
    pub const CHOICES: [(&'static str, &'static str); 4] = [
        ("365", "In 1 year"),
        ("90", "In 90 days"),
        ("30", "In 30 days"),
        ("never", "Never (until revoked)"),
    ];

    /// Read a choice: a number of days (1 to 3650) or `never`; blank is the default.
    pub fn parse(raw: &str) -> Result<TokenLifetime, String> {
        match raw.trim() {
            "" => Ok(TokenLifetime::DEFAULT),
            "never" => Ok(TokenLifetime::Never),
            n => match n.parse::<u32>() {
                Ok(days) if (1..=3650).contains(&days) => Ok(TokenLifetime::Days(days)),
                _ => Err(
                    "Choose when the token expires: a number of days from 1 to 3650, or never"
                        .into(),
                ),
            },
        }
    }

    /// When a token created at `now` expires.
    pub fn expires_at(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            TokenLifetime::Days(d) => Some(now + Duration::days(i64::from(d))),
            TokenLifetime::Never => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_lives_a_year_unless_told_otherwise() {
        let now = DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(TokenLifetime::parse(""), Ok(TokenLifetime::Days(365)));
        assert_eq!(
            TokenLifetime::DEFAULT.expires_at(now),
            Some(now + Duration::days(365))
        );
        assert_eq!(TokenLifetime::parse("never"), Ok(TokenLifetime::Never));
        assert_eq!(TokenLifetime::Never.expires_at(now), None);
        assert_eq!(TokenLifetime::parse("30"), Ok(TokenLifetime::Days(30)));
        assert!(TokenLifetime::parse("0").is_err());
        assert!(TokenLifetime::parse("forever").is_err());
    }
}
