//! Two-step recovery codes: what they look like and how a typed one is read.
//!
//! Ten codes are made when two-step verification is set up and shown once;
//! each signs in once in place of the authenticator app's code (a lost or
//! forgotten phone). A code is ten characters from the reference alphabet
//! (no 0/O, 1/I, 5, 8 or B), shown as two groups of five: 29^10, about 2^48,
//! too many to guess in the ten tries an account allows before it locks, and
//! stored only as an argon2 hash, like a password.

use super::identifiers::REFERENCE_ALPHABET;

/// Codes in a set.
pub const CODES_PER_SET: usize = 10;
/// Characters in a code (not counting the hyphen shown in the middle).
pub const CODE_LENGTH: usize = 10;

/// One code from random bytes (at least [`CODE_LENGTH`]), as shown:
/// `ABCDE-FGHJK`.
pub fn make_code(random: &[u8]) -> String {
    let chars: String = (0..CODE_LENGTH)
        .map(|i| {
            let b = usize::from(random.get(i).copied().unwrap_or(0));
            REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.len()] as char
        })
        .collect();
    format!(
        "{}-{}",
        &chars[..CODE_LENGTH / 2],
        &chars[CODE_LENGTH / 2..]
    )
}

/// A typed code as it is hashed: upper case, without spaces or hyphens;
/// None when it cannot be a code.
pub fn normalise(typed: &str) -> Option<String> {
    let s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    (s.chars().count() == CODE_LENGTH && s.bytes().all(|b| REFERENCE_ALPHABET.contains(&b)))
        .then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_however_it_is_typed() {
        let code = make_code(&[3, 40, 77, 120, 9, 250, 1, 18, 66, 200]);
        assert_eq!(code.len(), CODE_LENGTH + 1);
        let plain = code.replace('-', "");
        assert_eq!(normalise(&code).as_deref(), Some(plain.as_str()));
        assert_eq!(
            normalise(&code.to_lowercase()).as_deref(),
            Some(plain.as_str())
        );
        let spaced = format!(" {} {} ", &plain[..5], &plain[5..]);
        assert_eq!(normalise(&spaced).as_deref(), Some(plain.as_str()));
    }

    #[test]
    fn anything_else_is_not_a_code() {
        assert_eq!(
            normalise("123456"),
            None,
            "an app's code is not a recovery code"
        );
        assert_eq!(normalise("ABCDE-FGHJ0"), None);
        assert_eq!(normalise(""), None);
    }
}
