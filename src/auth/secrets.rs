//! Random tokens and their one-way hashes. Session ids, API tokens and setup
//! links are stored only as SHA-256 hashes, so a copy of the database does not
//! let anyone in.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random token of 256 bits, hex-encoded.
pub fn random_token() -> String {
    hex(&random_bytes::<32>())
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Compare two secrets without leaking where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// `N` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    if getrandom::getrandom(&mut buf).is_err() {
        // The operating system's generator failing is not recoverable: refuse
        // to hand out a predictable token.
        panic!("the operating system's random number generator failed");
    }
    buf
}

/// Secret keys printed in documentation and examples: anyone can forge
/// encrypted cookies (the two-step pending cookie, notices) with them.
const PUBLISHED_KEYS: [&str; 2] = [
    // Rocket's configuration guide.
    "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk=",
    // The same guide's older example.
    "8Xui8SN4mI+7egV/9dlfYYLGQJeEx4+DwmSQLwDVXJg=",
];

/// Fewest distinct byte values 32 random bytes may show: a random key has
/// about 30; fewer than this means the key was typed, not generated.
const MIN_DISTINCT_BYTES: usize = 20;

/// Is this `ROCKET_SECRET_KEY` fit for a production server? It must be 256
/// bits or more of base64 (or hex), not a published example, and look random.
/// `Err` says what is wrong and how to make one.
pub fn check_secret_key(key: &str) -> Result<(), String> {
    const HOW: &str =
        "generate one with `openssl rand -base64 32` and give every server the same one";
    let key = key.trim();
    if PUBLISHED_KEYS.contains(&key) {
        return Err(format!(
            "ROCKET_SECRET_KEY is an example key published in documentation, so anyone could forge Kerbside's encrypted cookies: {HOW}"
        ));
    }
    let bytes = <base64ct::Base64 as base64ct::Encoding>::decode_vec(key)
        .ok()
        .or_else(|| {
            (key.len().is_multiple_of(2) && key.chars().all(|c| c.is_ascii_hexdigit())).then(|| {
                (0..key.len())
                    .step_by(2)
                    .filter_map(|i| u8::from_str_radix(&key[i..i + 2], 16).ok())
                    .collect()
            })
        })
        .unwrap_or_default();
    if bytes.len() < 32 {
        return Err(format!(
            "ROCKET_SECRET_KEY must be at least 256 bits in base64 or hex: {HOW}"
        ));
    }
    let distinct = bytes.iter().collect::<std::collections::HashSet<_>>().len();
    if distinct < MIN_DISTINCT_BYTES {
        return Err(format!(
            "ROCKET_SECRET_KEY is too regular to be random ({distinct} different bytes): {HOW}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_short_and_regular_secret_keys_are_refused() {
        assert!(check_secret_key("hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk=").is_err());
        assert!(check_secret_key("c2VjcmV0").is_err(), "too short");
        assert!(
            check_secret_key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").is_err(),
            "all zero"
        );
        assert!(
            check_secret_key(&"ab".repeat(32)).is_err(),
            "one byte repeated, in hex"
        );
        assert!(check_secret_key("not a key at all").is_err());
        let random = <base64ct::Base64 as base64ct::Encoding>::encode_string(&random_bytes::<32>());
        assert_eq!(check_secret_key(&random), Ok(()));
        assert_eq!(check_secret_key(&random_token()), Ok(()), "hex is fine");
    }

    #[test]
    fn tokens_are_256_bit_and_differ() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
