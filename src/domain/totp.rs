//! Time-based one-time passwords (RFC 6238, as authenticator apps use them):
//! HMAC-SHA1, 30-second steps, 6 digits, one step of clock drift allowed
//! either way, and a used step never accepted twice.

use sha1::{Digest, Sha1};

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;

fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..20].copy_from_slice(&Sha1::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha1::new();
    inner.update(k.iter().map(|b| b ^ 0x36).collect::<Vec<u8>>());
    inner.update(message);
    let inner_hash = inner.finalize();
    let mut outer = Sha1::new();
    outer.update(k.iter().map(|b| b ^ 0x5c).collect::<Vec<u8>>());
    outer.update(inner_hash);
    let mut out = [0u8; 20];
    out.copy_from_slice(&outer.finalize());
    out
}

/// The code for one time step.
pub fn code_at(secret: &[u8], step: u64) -> u32 {
    let h = hmac_sha1(secret, &step.to_be_bytes());
    let offset = usize::from(h[19] & 0x0f);
    let binary = (u32::from(h[offset]) & 0x7f) << 24
        | u32::from(h[offset + 1]) << 16
        | u32::from(h[offset + 2]) << 8
        | u32::from(h[offset + 3]);
    binary % 10u32.pow(DIGITS)
}

/// The time step of a Unix time.
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// Check a typed code at `unix_seconds`. Returns the step it matched, to be
/// stored so that it is not accepted again; `None` if wrong or replayed.
pub fn verify(
    secret: &[u8],
    typed: &str,
    unix_seconds: i64,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let typed: u32 = digits.parse().ok()?;
    let now = step_of(unix_seconds);
    [now - 1, now, now + 1]
        .into_iter()
        .filter(|s| *s >= 0 && last_used_step.is_none_or(|last| *s > last))
        .find(|s| code_at(secret, *s as u64) == typed)
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 (RFC 4648, no padding), the form authenticator apps take.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for b in bytes {
        buffer = (buffer << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            out.push(char::from(ALPHABET[((buffer >> (bits - 5)) & 31) as usize]));
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Read base32 (spaces and case ignored); `None` if not base32.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = ALPHABET
            .iter()
            .position(|a| char::from(*a) == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push(((buffer >> (bits - 8)) & 0xff) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// The `otpauth://` address an authenticator app reads.
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_base32}&issuer={}&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn the_rfc_6238_sha1_vectors_match_in_six_digits() {
        for (t, code) in [
            (59, 287082),
            (1111111109, 81804),
            (1111111111, 50471),
            (1234567890, 5924),
            (2000000000, 279037),
            (20000000000, 353130),
        ] {
            assert_eq!(code_at(RFC_SECRET, step_of(t) as u64), code, "T = {t}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_never_twice() {
        // The middle of a step, so that "one step later" is a different step.
        let t = 41_152_263 * 30 + 15;
        let code = format!("{:06}", code_at(RFC_SECRET, step_of(t) as u64));
        assert_eq!(verify(RFC_SECRET, &code, t, None), Some(step_of(t)));
        assert_eq!(
            verify(RFC_SECRET, &code, t + 30, None),
            Some(step_of(t)),
            "a code from the step before is still accepted (a slow typist)"
        );
        assert_eq!(
            verify(RFC_SECRET, &code, t - 30, None),
            Some(step_of(t)),
            "a code from the step after is accepted (a phone clock a little ahead)"
        );
        assert!(
            verify(RFC_SECRET, &code, t + 60, None).is_none(),
            "two steps late is too late"
        );
        assert!(
            verify(RFC_SECRET, &code, t - 60, None).is_none(),
            "two steps early is refused"
        );
        let step = step_of(t);
        assert_eq!(
            verify(RFC_SECRET, &code, t, Some(step)),
            None,
            "replay refused"
        );
        assert!(verify(RFC_SECRET, "12345", t, None).is_none());
        assert!(verify(RFC_SECRET, "abcdef", t, None).is_none());
    }

    #[test]
    fn base32_round_trips_and_matches_the_rfc_example() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("mzxw 6ytb oi").unwrap(), b"foobar");
        let secret = [
            7u8, 200, 13, 99, 1, 2, 3, 4, 5, 6, 250, 251, 252, 253, 254, 255, 0, 1, 2, 3,
        ];
        assert_eq!(base32_decode(&base32_encode(&secret)).unwrap(), secret);
        assert!(base32_decode("not base32!").is_none());
        assert!(
            otpauth_uri("Kerbside", "a.admin", "ABC")
                .starts_with("otpauth://totp/Kerbside:a.admin?secret=ABC")
        );
    }
}
