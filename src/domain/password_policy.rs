//! Password policy (NCSC / OWASP ASVS): long enough, not too long, no
//! composition rules, not a common password, not the user's own name, and not
//! easy to guess by the zxcvbn strength estimator (keyboard walks, repeated
//! words, names, dates, l33t spellings), told the user's name, username and
//! the product's name.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Shortest acceptable password, in characters.
pub const MIN_LENGTH: usize = 12;
/// Longest acceptable password, in characters (at least 128 must be allowed).
pub const MAX_LENGTH: usize = 256;
/// The lowest acceptable zxcvbn score (0 = too guessable .. 4 = very unguessable):
/// 3 means "safely unguessable: moderate protection from an offline attack".
pub const MIN_STRENGTH: u8 = 3;
/// zxcvbn's work grows with length; past this many characters the rest of a
/// passphrase only adds strength, so the estimate looks at the beginning.
const ESTIMATE_CHARACTERS: usize = 64;
/// Words an attacker targeting this service would try first.
const PRODUCT_WORDS: [&str; 3] = ["kerbside", "kerb", "crawling"];

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

/// How many passwords the deny-list holds.
pub fn deny_list_len() -> usize {
    COMMON.len()
}

fn core_word(password: &str) -> String {
    // "Password123456!" and "password" are the same guess to an attacker.
    password
        .to_lowercase()
        .trim_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace())
        .to_string()
}

fn is_repetitive(password: &str) -> bool {
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < 2 {
        return false;
    }
    let all_same = chars.iter().all(|c| *c == chars[0]);
    // "123456789012" counts as a run: after 9 comes 0.
    let next = |a: char, b: char| (b as i64) - (a as i64) == 1 || (a == '9' && b == '0');
    let sequential =
        chars.windows(2).all(|w| next(w[0], w[1])) || chars.windows(2).all(|w| next(w[1], w[0]));
    // a short pattern repeated ("abcabcabcabc", "121212121212")
    let repeated_unit = (1..=4).any(|unit| {
        chars.len() >= unit * 3
            && chars.len().is_multiple_of(unit)
            && chars.chunks(unit).all(|c| c == &chars[..unit])
    });
    all_same || sequential || repeated_unit
}

/// Check a proposed password. `Err` carries the message to show on the field.
pub fn check(password: &str, username: &str, display_name: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(format!(
            "Password must be at least {MIN_LENGTH} characters (it has {length})"
        ));
    }
    if length > MAX_LENGTH {
        return Err(format!("Password must be {MAX_LENGTH} characters or fewer"));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(lower.as_str()) || COMMON.contains(core_word(password).as_str()) {
        return Err(
            "Password is too common: choose a longer phrase that others would not guess".into(),
        );
    }
    if is_repetitive(password) {
        return Err(
            "Password is a simple pattern: choose a longer phrase that others would not guess"
                .into(),
        );
    }
    let squashed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let name_parts = std::iter::once(username.to_lowercase()).chain(std::iter::once(
        display_name
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect(),
    ));
    for part in name_parts {
        if !part.is_empty() && (squashed == part || core_word(password) == part) {
            return Err("Password must not be your username or your name".into());
        }
    }
    strong_enough(password, username, display_name)
}

/// zxcvbn's verdict, with its own advice when the password is too guessable.
fn strong_enough(password: &str, username: &str, display_name: &str) -> Result<(), String> {
    let start: String = password.chars().take(ESTIMATE_CHARACTERS).collect();
    let mut context: Vec<String> = vec![username.to_lowercase()];
    context.extend(
        display_name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() > 1)
            .map(str::to_lowercase),
    );
    context.extend(PRODUCT_WORDS.iter().map(|w| w.to_string()));
    let inputs: Vec<&str> = context.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(&start, &inputs);
    if u8::from(estimate.score()) >= MIN_STRENGTH {
        return Ok(());
    }
    let mut message = String::from("Password is too easy to guess.");
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            message.push_str(&format!(" {warning}."));
        }
        for suggestion in feedback.suggestions() {
            message.push_str(&format!(" {suggestion}."));
        }
    }
    message = message.replace("..", ".");
    if !message.contains("words") {
        message.push_str(" A few unrelated words make a strong password that is easy to remember.");
    }
    Err(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deny_list_holds_thousands_of_passwords() {
        assert!(deny_list_len() >= 5000, "{}", deny_list_len());
    }

    #[test]
    fn short_passwords_are_refused_with_the_count() {
        let e = check("elevenchars", "jsmith", "Jo Smith").unwrap_err();
        assert!(e.contains("at least 12"), "{e}");
    }

    #[test]
    fn common_passwords_and_their_padded_forms_are_refused() {
        assert!(check("password1234", "jsmith", "Jo Smith").is_err());
        assert!(check("Password123456!", "jsmith", "Jo Smith").is_err());
        assert!(check("qwertyuiop123", "jsmith", "Jo Smith").is_err());
    }

    #[test]
    fn patterns_are_refused() {
        assert!(check("aaaaaaaaaaaaaa", "x", "y").is_err());
        assert!(check("123456789012", "x", "y").is_err());
        assert!(check("abcabcabcabc", "x", "y").is_err());
    }

    #[test]
    fn the_users_own_name_is_refused() {
        assert!(check("jsmith.officer", "jsmith.officer", "Jo Smith").is_err());
        assert!(check("Joanna Smithson", "js", "Joanna Smithson").is_err());
        assert!(check("JoannaSmithson2024", "js", "Joanna Smithson").is_err());
    }

    #[test]
    fn long_phrases_without_composition_rules_pass() {
        assert!(check("correct horse battery staple", "jsmith", "Jo Smith").is_ok());
        assert!(check("kerbside lantern evening", "jsmith", "Jo Smith").is_ok());
        let long: String = (0..128)
            .map(|i| char::from(b'a' + ((i * 7 + i / 26) % 26) as u8))
            .collect();
        assert!(
            check(&long, "jsmith", "Jo Smith").is_ok(),
            "128 characters are allowed"
        );
        assert!(
            check(&"x7".repeat(64), "jsmith", "Jo Smith").is_err(),
            "a repeated pair is a pattern"
        );
    }

    #[test]
    fn guessable_passwords_are_refused_with_the_estimators_advice() {
        for weak in [
            "qwertyuiopas",
            "qwertyuiopasdfgh",
            "passwordpassword",
            "letmeinletmein",
            "kerbsidekerbside",
            "Kerbside2026!",
            "aaaaaaaaaaab",
            "htims.ojtneserp",
        ] {
            let e = check(weak, "presentjo.smith", "Jo Smith");
            assert!(e.is_err(), "{weak} was accepted");
        }
        let advice = check("qwertyuiopas", "jsmith", "Jo Smith").unwrap_err();
        assert!(advice.contains("too easy to guess"), "{advice}");
        assert!(
            advice.len() > "Password is too easy to guess.".len(),
            "{advice}"
        );
    }

    #[test]
    fn overlong_passwords_are_refused() {
        let long: String = (0..300)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        assert!(check(&long, "x", "y").is_err());
    }
}
