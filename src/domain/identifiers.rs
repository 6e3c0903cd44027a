//! UK identifiers, each parsed once into a normalised form: postcodes, PNC
//! IDs, vehicle registrations, phone numbers, and Kerbside's own human
//! references (`KC-7QX4-MRC`; the first ones, `KC-4729-PX`, still work).

use serde::Serialize;

/// A UK postcode, stored upper-case with one space (`IP1 2AB`).
pub fn parse_postcode(raw: &str) -> Result<String, String> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if compact == "GIR0AA" {
        return Ok("GIR 0AA".into());
    }
    let bad = || Err("Enter a real postcode, like IP1 2AB".to_string());
    if compact.len() < 5 || compact.len() > 7 || !compact.is_ascii() {
        return bad();
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let i: Vec<char> = inward.chars().collect();
    if !(i[0].is_ascii_digit() && i[1].is_ascii_alphabetic() && i[2].is_ascii_alphabetic()) {
        return bad();
    }
    let o: Vec<char> = outward.chars().collect();
    let a = |c: char| c.is_ascii_alphabetic();
    let d = |c: char| c.is_ascii_digit();
    let ok = match o.len() {
        2 => a(o[0]) && d(o[1]),
        3 => a(o[0]) && ((d(o[1]) && d(o[2])) || (a(o[1]) && d(o[2])) || (d(o[1]) && a(o[2]))),
        4 => a(o[0]) && a(o[1]) && d(o[2]) && (d(o[3]) || a(o[3])),
        _ => false,
    };
    if ok {
        Ok(format!("{outward} {inward}"))
    } else {
        bad()
    }
}

/// A Police National Computer ID: `YY/NNNNNNNL` or `YYYY/NNNNNNNL` (the serial
/// may be shorter and is kept as typed, without leading zeros added). Only
/// the format is checked.
pub fn parse_pnc_id(raw: &str) -> Result<String, String> {
    let s: String = raw
        .trim()
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let bad = || Err("Enter a PNC ID in the form 08/123456A or 2008/123456A".to_string());
    let Some((year, rest)) = s.split_once('/') else {
        return bad();
    };
    if !(year.len() == 2 || year.len() == 4) || !year.chars().all(|c| c.is_ascii_digit()) {
        return bad();
    }
    let Some(letter) = rest.chars().last() else {
        return bad();
    };
    let serial = &rest[..rest.len() - letter.len_utf8()];
    if !letter.is_ascii_alphabetic()
        || serial.is_empty()
        || serial.len() > 7
        || !serial.chars().all(|c| c.is_ascii_digit())
    {
        return bad();
    }
    Ok(format!("{year}/{serial}{letter}"))
}

/// The kind of UK registration plate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlateFormat {
    /// Since 2001: `AB12 CDE`.
    Current,
    /// 1983-2001: `A123 BCD`.
    Prefix,
    /// 1963-1983: `ABC 123D`.
    Suffix,
    /// Before 1963 (and cherished plates): `ABC 123`, `1234 AB`.
    Dateless,
}

/// A vehicle registration, normalised for search (`AB12CDE`) with the way it
/// is shown (`AB12 CDE`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VehicleReg {
    /// Upper case, no spaces: what is stored and searched.
    pub normalised: String,
    /// Spaced as on the plate.
    pub display: String,
    /// Which format it is.
    pub format: PlateFormat,
}

fn shape(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { 'A' })
        .collect()
}

/// Parse a UK registration in any of the four formats.
pub fn parse_vehicle_reg(raw: &str) -> Result<VehicleReg, String> {
    let n: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase();
    let bad = || Err("Enter a UK registration, like AB12 CDE, A123 BCD or ABC 123D".to_string());
    if n.is_empty() || n.len() > 8 || !n.chars().all(|c| c.is_ascii_alphanumeric()) {
        return bad();
    }
    let sh = shape(&n);
    let (format, split) = match sh.as_str() {
        "AA99AAA" => (PlateFormat::Current, 4),
        "A9AAA" | "A99AAA" | "A999AAA" => (PlateFormat::Prefix, n.len() - 3),
        "AAA9A" | "AAA99A" | "AAA999A" => (PlateFormat::Suffix, 3),
        _ => {
            let letters_first = sh.trim_end_matches('9');
            let digits_first = sh.trim_end_matches('A');
            if !letters_first.is_empty()
                && letters_first.chars().all(|c| c == 'A')
                && letters_first.len() <= 3
                && sh.len() - letters_first.len() <= 4
                && sh.len() > letters_first.len()
            {
                (PlateFormat::Dateless, letters_first.len())
            } else if !digits_first.is_empty()
                && digits_first.chars().all(|c| c == '9')
                && digits_first.len() <= 4
                && sh.len() - digits_first.len() <= 3
                && sh.len() > digits_first.len()
            {
                (PlateFormat::Dateless, digits_first.len())
            } else {
                return bad();
            }
        }
    };
    let display = format!("{} {}", &n[..split], &n[split..]);
    Ok(VehicleReg {
        normalised: n,
        display,
        format,
    })
}

/// A UK phone number: digits only, national form (`07700900123`).
pub fn parse_phone(raw: &str) -> Result<String, String> {
    let t = raw.trim();
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    if t.chars()
        .any(|c| !(c.is_ascii_digit() || " +()-".contains(c)))
    {
        return Err("Enter a phone number using digits, like 07700 900123".into());
    }
    let national = if t.starts_with("+44") || (t.starts_with("0044")) {
        let rest = digits.trim_start_matches("0044").trim_start_matches("44");
        format!("0{}", rest.trim_start_matches('0'))
    } else {
        digits
    };
    if !(national.starts_with('0') && (10..=11).contains(&national.len())) {
        return Err("Enter a UK phone number with 10 or 11 digits, like 07700 900123".into());
    }
    Ok(national)
}

/// Letters of the first references (`KC-4729-PX`, until December 2026): no
/// O, I, S, B (misread as 0, 1, 5, 8). They keep working.
pub const REFERENCE_LETTERS: &[u8] = b"ACDEFGHJKLMNPQRTUVWXYZ";
/// Digits of the first references (no 0, 1, 5, 8).
pub const REFERENCE_DIGITS: &[u8] = b"234679";

/// The 29 characters of a reference (`KC-7QX4-MRC`): no 0/O, 1/I, 5, 8 or B,
/// easy to read over a phone. 29 is prime, which lets the check character
/// catch every single mistyped character and every swap of two neighbours.
pub const REFERENCE_ALPHABET: &[u8] = b"234679ACDEFGHJKLMNPQRSTUVWXYZ";
/// Characters of a reference that say who he is: 29^6, about 595 million
/// references, so at ten million men a new one collides about once in 60.
pub const REFERENCE_PAYLOAD: usize = 6;

fn reference_value(c: u8) -> Option<usize> {
    REFERENCE_ALPHABET.iter().position(|a| *a == c)
}

/// The check character for six payload characters: the one that makes
/// sum(position x value) over all seven characters a multiple of 29
/// (weights 1 to 7; ISO 7064's idea with a prime modulus).
fn reference_check(payload: &[usize]) -> u8 {
    let m = REFERENCE_ALPHABET.len();
    let sum: usize = payload.iter().enumerate().map(|(i, v)| (i + 1) * v).sum();
    // 7 x 25 = 175 = 6 x 29 + 1: 25 is 7's inverse modulo 29
    let check = ((m - sum % m) % m) * 25 % m;
    REFERENCE_ALPHABET[check]
}

/// Build a reference `PP-XXXX-XXC` from random bytes (at least 6): six
/// characters from [`REFERENCE_ALPHABET`] and a check character.
pub fn make_reference(prefix: &str, random: &[u8]) -> String {
    let payload: Vec<usize> = (0..REFERENCE_PAYLOAD)
        .map(|i| usize::from(random.get(i).copied().unwrap_or(0)) % REFERENCE_ALPHABET.len())
        .collect();
    let chars: String = payload
        .iter()
        .map(|v| REFERENCE_ALPHABET[*v] as char)
        .collect();
    format!(
        "{prefix}-{}-{}{}",
        &chars[..4],
        &chars[4..],
        reference_check(&payload) as char
    )
}

/// Is this text a reference (`KC-7QX4-MRC`, or a first-format `KC-4729-PX`;
/// any case)? A new reference with one character mistyped is not: its check
/// character no longer fits, so it can never name another man.
pub fn looks_like_reference(raw: &str) -> Option<String> {
    let s = raw.trim().to_uppercase();
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 2 || !parts[0].chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let first_format = parts[1].len() == 4
        && parts[1].bytes().all(|b| REFERENCE_DIGITS.contains(&b))
        && parts[2].len() == 2
        && parts[2].bytes().all(|b| REFERENCE_LETTERS.contains(&b));
    if first_format {
        return Some(s);
    }
    if parts[1].len() != 4 || parts[2].len() != 3 {
        return None;
    }
    let values: Option<Vec<usize>> = parts[1]
        .bytes()
        .chain(parts[2].bytes())
        .map(reference_value)
        .collect();
    let values = values?;
    let (payload, check) = values.split_at(REFERENCE_PAYLOAD);
    (REFERENCE_ALPHABET[check[0]] == reference_check(payload)).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_in_every_uk_shape_are_normalised() {
        for (raw, want) in [
            ("ip1 2ab", "IP1 2AB"),
            ("IP12AB", "IP1 2AB"),
            ("m1 1aa", "M1 1AA"),
            ("B33 8TH", "B33 8TH"),
            ("cr2 6xh", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("W1A 0AX", "W1A 0AX"),
            ("EC1A 1BB", "EC1A 1BB"),
        ] {
            assert_eq!(parse_postcode(raw), Ok(want.to_string()), "{raw}");
        }
        for bad in ["", "IP1", "12345", "IP1 2A1", "ABCDE FG"] {
            assert!(parse_postcode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pnc_ids_take_both_year_forms() {
        assert_eq!(parse_pnc_id("08/123456a"), Ok("08/123456A".into()));
        assert_eq!(parse_pnc_id(" 2008/1234567Z "), Ok("2008/1234567Z".into()));
        for bad in [
            "123456A",
            "8/123456A",
            "08/ABCDEFG",
            "08/12345678A",
            "08/123456",
            "008/123456A",
        ] {
            assert!(parse_pnc_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn registrations_in_all_four_formats_parse_and_display() {
        let cases = [
            ("ab12cde", "AB12 CDE", PlateFormat::Current),
            ("A123 BCD", "A123 BCD", PlateFormat::Prefix),
            ("a1bcd", "A1 BCD", PlateFormat::Prefix),
            ("ABC 123D", "ABC 123D", PlateFormat::Suffix),
            ("abc123", "ABC 123", PlateFormat::Dateless),
            ("1234 ab", "1234 AB", PlateFormat::Dateless),
            ("A 1", "A 1", PlateFormat::Dateless),
        ];
        for (raw, display, format) in cases {
            let r = parse_vehicle_reg(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!((r.display.as_str(), r.format), (display, format), "{raw}");
            assert!(!r.normalised.contains(' '));
        }
        for bad in ["", "ABCDEFGHI", "AB12 CD£", "12AB34"] {
            assert!(parse_vehicle_reg(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phone_numbers_become_national_digits() {
        assert_eq!(parse_phone("07700 900123"), Ok("07700900123".into()));
        assert_eq!(parse_phone("+44 7700 900123"), Ok("07700900123".into()));
        assert_eq!(parse_phone("(01473) 123456"), Ok("01473123456".into()));
        assert!(parse_phone("12345").is_err());
        assert!(parse_phone("call me").is_err());
    }

    #[test]
    fn references_avoid_misread_characters() {
        for seed in 0u8..=255 {
            let r = make_reference(
                "KC",
                &[
                    seed,
                    seed.wrapping_mul(7),
                    seed.wrapping_add(3),
                    200,
                    seed,
                    255 - seed,
                ],
            );
            assert!(looks_like_reference(&r).is_some(), "{r}");
            assert!(!r[3..].chars().any(|c| "OIB0158".contains(c)), "{r}");
            assert_eq!(r.len(), "KC-7QX4-MRC".len(), "{r}");
        }
    }

    #[test]
    fn first_format_references_keep_working() {
        assert_eq!(
            looks_like_reference("kc-4729-px"),
            Some("KC-4729-PX".into())
        );
        assert_eq!(looks_like_reference("KC-4729-PO"), None);
    }

    #[test]
    fn the_check_character_rejects_any_one_mistyped_character_or_swap() {
        let mut checked = 0;
        for seed in 0u8..64 {
            let r = make_reference(
                "KC",
                &[seed, seed / 3, 7, seed.wrapping_mul(5), 11, seed / 2],
            );
            let chars: Vec<char> = r.chars().collect();
            let places: Vec<usize> = (3..chars.len()).filter(|i| chars[*i] != '-').collect();
            for &i in &places {
                for &c in REFERENCE_ALPHABET {
                    let c = c as char;
                    if c == chars[i] {
                        continue;
                    }
                    let mut typo = chars.clone();
                    typo[i] = c;
                    let typo: String = typo.into_iter().collect();
                    assert_eq!(looks_like_reference(&typo), None, "{r} typed {typo}");
                    checked += 1;
                }
            }
            for w in places.windows(2) {
                let (a, b) = (w[0], w[1]);
                if chars[a] != chars[b] {
                    let mut swap = chars.clone();
                    swap.swap(a, b);
                    let swap: String = swap.into_iter().collect();
                    assert_eq!(looks_like_reference(&swap), None, "{r} typed {swap}");
                }
            }
        }
        assert!(checked > 10_000);
    }

    #[test]
    fn there_is_room_for_tens_of_millions_of_men() {
        let room = REFERENCE_ALPHABET.len().pow(REFERENCE_PAYLOAD as u32);
        assert!(room > 500_000_000, "{room}");
    }
}
