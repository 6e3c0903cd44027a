//! Matching men's names despite typos, spelling variants and diacritics.
//! Names are stored as typed (Łukasz, Şahin, Ionuț) and compared folded
//! (lukasz, sahin, ionut). Search candidates come from indexed phonetic keys
//! (Soundex of the folded surname and first forename); only those candidates
//! are scored here.

/// Fold a name for comparison: lower case, Latin diacritics removed,
/// apostrophes dropped, hyphens and runs of spaces made single spaces.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'æ' => "ae",
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
            'ď' | 'đ' | 'ð' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
            'ĥ' | 'ħ' => "h",
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
            'ĵ' => "j",
            'ķ' => "k",
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
            'ñ' | 'ń' | 'ņ' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
            'œ' => "oe",
            'ŕ' | 'ŗ' | 'ř' => "r",
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
            'ß' => "ss",
            'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
            'þ' => "th",
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
            'ŵ' => "w",
            'ý' | 'ÿ' | 'ŷ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            '\'' | '’' | '`' | '.' => "",
            '-' | '_' | ',' => " ",
            c if c.is_whitespace() => " ",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(mapped);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// American Soundex of a folded word (letters only; others ignored). Empty
/// when the word has no letters.
pub fn soundex(word: &str) -> String {
    let code = |c: char| match c {
        'b' | 'f' | 'p' | 'v' => '1',
        'c' | 'g' | 'j' | 'k' | 'q' | 's' | 'x' | 'z' => '2',
        'd' | 't' => '3',
        'l' => '4',
        'm' | 'n' => '5',
        'r' => '6',
        'h' | 'w' => '-',
        _ => '0',
    };
    let letters: Vec<char> = word.chars().filter(|c| c.is_ascii_lowercase()).collect();
    let Some(first) = letters.first() else {
        return String::new();
    };
    let mut out = String::from(first.to_ascii_uppercase());
    let mut last = code(*first);
    for &c in &letters[1..] {
        let d = code(c);
        if d == '-' {
            continue;
        }
        if d != '0' && d != last {
            out.push(d);
            if out.len() == 4 {
                break;
            }
        }
        last = d;
    }
    while out.len() < 4 {
        out.push('0');
    }
    out
}

/// The indexed key of a surname: Soundex of the folded surname with spaces
/// removed ("O'Brien" and "Obrien" share a key).
pub fn surname_key(surname: &str) -> String {
    soundex(&fold(surname).replace(' ', ""))
}

/// The indexed key of forenames: Soundex of the first folded forename.
pub fn forename_key(forenames: &str) -> String {
    soundex(fold(forenames).split(' ').next().unwrap_or(""))
}

/// Spellings of one name that should count as the same.
const VARIANTS: &[&[&str]] = &[
    &[
        "mohammed", "muhammad", "mohamed", "mohammad", "muhammed", "mohamad", "mohamud", "mahomed",
        "mohd",
    ],
    &["john", "jon", "jonathan", "johnny", "jonny"],
    &["steven", "stephen", "steve", "stevie"],
    &["michael", "mike", "mick", "micky"],
    &["william", "bill", "billy", "will", "liam"],
    &["robert", "rob", "bob", "bobby", "robbie"],
    &["james", "jim", "jimmy", "jamie"],
    &["anthony", "antony", "tony"],
    &["christopher", "chris", "kristopher"],
    &["alexander", "alex", "aleksander", "oleksandr", "alexandru"],
    &["daniel", "dan", "danny"],
    &["david", "dave", "davey"],
    &["thomas", "tom", "tommy"],
    &["richard", "rich", "rick", "dick"],
    &["ali", "aly"],
    &["ahmed", "ahmad", "ahmet", "ahmod"],
    &["yusuf", "yousef", "youssef", "yusef", "joseph", "joe"],
    &["ibrahim", "ebrahim", "abraham"],
    &["lukasz", "lucas", "lukas", "luke"],
    &["piotr", "peter", "pete"],
    &["krzysztof", "christoph"],
    &["andrzej", "andrew", "andy", "andrei", "andrii"],
];

fn same_given_name(a: &str, b: &str) -> bool {
    a == b
        || VARIANTS
            .iter()
            .any(|group| group.contains(&a) && group.contains(&b))
}

/// Jaro-Winkler similarity of two strings (1.0 = identical).
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_match = vec![false; a.len()];
    let mut b_match = vec![false; b.len()];
    let mut matches = 0usize;
    for i in 0..a.len() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_match[j] && a[i] == b[j] {
                a_match[i] = true;
                b_match[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let a_seq: Vec<char> = a
        .iter()
        .zip(&a_match)
        .filter(|(_, m)| **m)
        .map(|(c, _)| *c)
        .collect();
    let b_seq: Vec<char> = b
        .iter()
        .zip(&b_match)
        .filter(|(_, m)| **m)
        .map(|(c, _)| *c)
        .collect();
    let transpositions = a_seq.iter().zip(&b_seq).filter(|(x, y)| x != y).count() / 2;
    let m = matches as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64) / m) / 3.0;
    let prefix = a.iter().zip(&b).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

fn given_similarity(a: &str, b: &str) -> f64 {
    if same_given_name(a, b) {
        1.0
    } else {
        jaro_winkler(a, b)
    }
}

/// How alike two people's names are, 0.0-1.0: surname counts 55 %, the
/// first forename 35 %, the other forenames 10 % (spelling variants such as
/// Mohammed / Muhammad count as the same name).
pub fn name_similarity(
    surname_a: &str,
    forenames_a: &str,
    surname_b: &str,
    forenames_b: &str,
) -> f64 {
    let (sa, sb) = (
        fold(surname_a).replace(' ', ""),
        fold(surname_b).replace(' ', ""),
    );
    let (fa, fb) = (fold(forenames_a), fold(forenames_b));
    let first_a = fa.split(' ').next().unwrap_or("");
    let first_b = fb.split(' ').next().unwrap_or("");
    let rest_a: Vec<&str> = fa.split(' ').skip(1).collect();
    let rest_b: Vec<&str> = fb.split(' ').skip(1).collect();
    let rest = if rest_a.is_empty() || rest_b.is_empty() {
        0.8
    } else {
        rest_a
            .iter()
            .map(|x| {
                rest_b
                    .iter()
                    .map(|y| given_similarity(x, y))
                    .fold(0.0, f64::max)
            })
            .sum::<f64>()
            / rest_a.len() as f64
    };
    let first = if first_a.is_empty() {
        0.5
    } else {
        given_similarity(first_a, first_b)
    };
    0.55 * jaro_winkler(&sa, &sb) + 0.35 * first + 0.10 * rest
}

/// A name as lists and registers show it: `SURNAME, Forenames`.
pub fn listed(surname: &str, forenames: &str) -> String {
    format!("{}, {}", surname.to_uppercase(), forenames)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diacritics_are_kept_out_of_comparisons_only() {
        assert_eq!(fold("Łukasz"), "lukasz");
        assert_eq!(fold("Şahin"), "sahin");
        assert_eq!(fold("Ionuț  Pîrvu"), "ionut pirvu");
        assert_eq!(fold("O'Brien-Smith"), "obrien smith");
        assert_eq!(fold("Dvořák"), "dvorak");
    }

    #[test]
    fn soundex_matches_the_published_examples() {
        for (w, k) in [
            ("robert", "R163"),
            ("rupert", "R163"),
            ("rubin", "R150"),
            ("ashcraft", "A261"),
            ("tymczak", "T522"),
            ("pfister", "P236"),
            ("honeyman", "H555"),
        ] {
            assert_eq!(soundex(w), k, "{w}");
        }
    }

    #[test]
    fn typed_variants_share_an_indexed_key() {
        assert_eq!(surname_key("Smyth"), surname_key("Smith"));
        assert_eq!(forename_key("Jonh"), forename_key("John"));
        assert_eq!(forename_key("Muhammad"), forename_key("Mohammed"));
        assert_eq!(forename_key("Mohamed Ali"), forename_key("Mohammed"));
        assert_eq!(surname_key("Wiśniewski"), surname_key("Wisniewski"));
    }

    #[test]
    fn the_right_man_scores_above_the_others() {
        let q = name_similarity("Smyth", "Jonh", "Smith", "John");
        assert!(q > 0.85, "{q}");
        assert!(q > name_similarity("Smyth", "Jonh", "Smith", "Jane"));
        assert!(q > name_similarity("Smyth", "Jonh", "Schmidt", "John"));
        assert!((name_similarity("Khan", "Muhammad", "Khan", "Mohammed") - 0.98).abs() < 0.03);
    }

    #[test]
    fn jaro_winkler_known_values() {
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-3);
        assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 1e-2);
        assert_eq!(jaro_winkler("abc", "abc"), 1.0);
        assert_eq!(jaro_winkler("", "abc"), 0.0);
    }
}
