//! The indexed keys that find a man's record despite one mistake anywhere in
//! his name, without reading the whole `people` table.
//!
//! Source: the symmetric-deletion method (W. Garbe, "SymSpell", 2012). Two
//! words at most one edit apart (a letter dropped, added, changed, or two
//! neighbouring letters swapped) always share one of their "one letter
//! deleted" forms: "smith" and "smitq" share "smit", "kowalski" and
//! "cowalski" share "owalski", "smith" and "smtih" share "smth". So each man
//! stores the word and every one-letter deletion of his folded surname and
//! forenames, and a search looks up the same forms of what was typed.
//!
//! Flow: [`stored_keys`] when a man is recorded or corrected (one row per key
//! in `person_name_keys`); [`query_keys`] for a search, whose candidates are
//! the men sharing a surname key AND a forename key (one mistake can only be
//! in one of the two), plus, on their own, the phonetic surname keys (Double
//! Metaphone, built for surnames from many languages) for mistakes that sound
//! right but are spelt two or more letters wrong ("Smythe" for "Smith").
//! Forename spelling variants and nicknames (Muhammad / Mohammed, Bill /
//! William) are looked up as exact keys of every name in the variant group.

use std::collections::BTreeSet;

use rphonetic::DoubleMetaphone;

use super::names::{fold, name_variants};

/// Letters of a word that are keyed; longer words are cut (nobody mistypes
/// only the 25th letter, and a 100-letter name must not make 100 keys).
pub const MAX_KEYED_LETTERS: usize = 20;
/// Shorter words are stored whole only: deleting a letter of "Li" leaves a
/// key that half the town would share.
pub const MIN_LETTERS_FOR_DELETIONS: usize = 3;
/// How many of a man's forenames are keyed (first and middle names).
pub const FORENAMES_KEYED: usize = 3;
/// Longest Double Metaphone code kept.
pub const PHONETIC_CODE_LENGTH: usize = 6;

/// Prefixes that keep the kinds of key apart in the one indexed column.
const SURNAME: &str = "s:";
const FORENAME: &str = "f:";
const INITIAL: &str = "i:";
const PHONETIC: &str = "p:";

/// The word and each of its one-letter deletions.
pub fn deletion_neighbourhood(word: &str) -> BTreeSet<String> {
    let letters: Vec<char> = word.chars().take(MAX_KEYED_LETTERS).collect();
    let mut out = BTreeSet::new();
    if letters.is_empty() {
        return out;
    }
    out.insert(letters.iter().collect());
    if letters.len() >= MIN_LETTERS_FOR_DELETIONS {
        for skip in 0..letters.len() {
            out.insert(
                letters
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, c)| c)
                    .collect(),
            );
        }
    }
    out
}

/// Double Metaphone codes (primary and alternate) of a folded surname.
pub fn phonetic_codes(folded_surname: &str) -> BTreeSet<String> {
    let word: String = folded_surname.chars().filter(|c| *c != ' ').collect();
    if word.is_empty() {
        return BTreeSet::new();
    }
    let dm = DoubleMetaphone::new(Some(PHONETIC_CODE_LENGTH)).double_metaphone(&word);
    [dm.primary(), dm.alternate()]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect()
}

/// The surname as one word ("O'Brien-Smith" -> "obriensmith") and, when it
/// has several, each of its parts ("obrien", "smith").
pub fn surname_words(surname: &str) -> BTreeSet<String> {
    let folded = fold(surname);
    let mut words: BTreeSet<String> = BTreeSet::new();
    words.insert(folded.replace(' ', ""));
    if folded.contains(' ') {
        words.extend(
            folded
                .split(' ')
                .filter(|w| w.chars().count() >= MIN_LETTERS_FOR_DELETIONS)
                .map(str::to_string),
        );
    }
    words.retain(|w| !w.is_empty());
    words
}

fn surname_keys(surname: &str) -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = surname_words(surname)
        .iter()
        .flat_map(|w| deletion_neighbourhood(w))
        .map(|k| format!("{SURNAME}{k}"))
        .collect();
    keys.extend(
        phonetic_codes(&fold(surname))
            .into_iter()
            .map(|c| format!("{PHONETIC}{c}")),
    );
    keys
}

/// Every key stored for a man.
pub fn stored_keys(surname: &str, forenames: &str) -> BTreeSet<String> {
    let mut keys = surname_keys(surname);
    let folded = fold(forenames);
    for word in folded.split(' ').take(FORENAMES_KEYED) {
        keys.extend(
            deletion_neighbourhood(word)
                .into_iter()
                .map(|k| format!("{FORENAME}{k}")),
        );
    }
    if let Some(initial) = folded.chars().next() {
        keys.insert(format!("{INITIAL}{initial}"));
    }
    keys
}

/// What a search by name looks up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryKeys {
    /// Spelling keys of the surname: a candidate must share one...
    pub surname: Vec<String>,
    /// ...and one of these, when a forename was typed.
    pub forename: Vec<String>,
    /// Sound-alike keys of the surname, looked up with the forename keys too.
    pub phonetic: Vec<String>,
}

/// The keys to look up for a typed surname and (optional) forenames.
pub fn query_keys(surname: &str, forenames: Option<&str>) -> QueryKeys {
    let (mut spelling, phonetic): (Vec<String>, Vec<String>) = surname_keys(surname)
        .into_iter()
        .partition(|k| k.starts_with(SURNAME));
    for word in surname_words(surname) {
        spelling.extend(name_variants(&word).iter().map(|v| format!("{SURNAME}{v}")));
    }
    spelling.sort();
    spelling.dedup();
    let first = forenames
        .map(fold)
        .and_then(|f| f.split(' ').next().map(str::to_string))
        .unwrap_or_default();
    let forename: BTreeSet<String> = match first.chars().count() {
        0 => BTreeSet::new(),
        // "J Smith": an initial
        1 => [format!("{INITIAL}{first}")].into(),
        _ => deletion_neighbourhood(&first)
            .into_iter()
            .chain(name_variants(&first).iter().map(|v| v.to_string()))
            .map(|k| format!("{FORENAME}{k}"))
            .collect(),
    };
    QueryKeys {
        surname: spelling,
        forename: forename.into_iter().collect(),
        phonetic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share_a_key(a: &str, b: &str) -> bool {
        !deletion_neighbourhood(a).is_disjoint(&deletion_neighbourhood(b))
    }

    #[test]
    fn any_one_edit_leaves_a_shared_key() {
        for (right, typed) in [
            ("smith", "smitq"),       // wrong letter
            ("smith", "smth"),        // dropped
            ("smith", "smitth"),      // doubled
            ("smith", "smtih"),       // swapped
            ("kowalski", "cowalski"), // wrong first letter
            ("wojcik", "vojcik"),
            ("davies", "davis"),
            ("hussain", "hussein"),
        ] {
            assert!(share_a_key(right, typed), "{right} / {typed}");
        }
        assert!(!share_a_key("smith", "jones"));
    }

    #[test]
    fn a_long_name_makes_a_bounded_number_of_keys() {
        let long = "a".repeat(40) + &"b".repeat(60);
        assert!(stored_keys(&long, &long).len() <= 2 * (MAX_KEYED_LETTERS + 1) + 4);
    }

    #[test]
    fn short_names_are_stored_whole() {
        assert_eq!(deletion_neighbourhood("li").len(), 1);
        assert!(deletion_neighbourhood("").is_empty());
    }

    #[test]
    fn diacritics_and_parts_of_a_surname_are_keyed() {
        let stored = stored_keys("da Silva-Wiśniewski", "João Paulo");
        assert!(stored.contains("s:silva"));
        assert!(stored.contains("s:wisniewski"));
        assert!(stored.contains("s:dasilvawisniewski"));
        assert!(stored.contains("f:joao"));
        assert!(stored.contains("f:paulo"));
        assert!(stored.contains("i:j"));
    }

    #[test]
    fn the_query_looks_up_variants_of_the_forename_and_sounds_of_the_surname() {
        let q = query_keys("Smythe", Some("Muhammad Ali"));
        assert!(q.forename.contains(&"f:mohammed".to_string()));
        let stored = stored_keys("Smith", "Mohammed");
        assert!(q.phonetic.iter().any(|k| stored.contains(k)), "{q:?}");
        assert!(q.forename.iter().any(|k| stored.contains(k)));
        assert_eq!(query_keys("Smith", Some("J")).forename, vec!["i:j"]);
        assert!(query_keys("Smith", None).forename.is_empty());
        assert!(
            query_keys("Davis", None)
                .surname
                .contains(&"s:davies".to_string())
        );
    }
}
