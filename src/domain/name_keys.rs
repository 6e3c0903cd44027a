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
//! One mistake is in one name only, so the other is typed right. Each key is
//! therefore a pair: every form of the surname with each forename as
//! written ("smit|john"), and every form of each forename with the surname
//! ("jon|smith"). A pair is as rare as the man's whole name, so a search
//! reads a few rows of one index, not every Smith and every John. Surname forms are also
//! stored alone for a search by surname only, and the surname's Double
//! Metaphone codes (built for surnames from many languages) catch a surname
//! that sounds right but is spelt two or more letters wrong ("Smythe").
//!
//! Flow: [`stored_keys`] when a man is recorded or corrected (one row per key
//! in `person_name_keys`); [`query_keys`] for a search. Spelling variants and
//! nicknames (Muhammad / Mohammed, Bill / William, Davis / Davies) are looked
//! up as exact forms of every name in the variant group.

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
/// How many parts of a surname of several words are keyed on their own.
pub const SURNAME_PARTS_KEYED: usize = 3;
/// Longest Double Metaphone code kept.
pub const PHONETIC_CODE_LENGTH: usize = 6;

/// Prefixes that keep the kinds of key apart in the one indexed column.
const SURNAME: &str = "s:";
const PHONETIC: &str = "p:";
const SURNAME_WITH_FORENAME: &str = "sf:";
const PHONETIC_WITH_FORENAME: &str = "pf:";
const FORENAME_WITH_SURNAME: &str = "fs:";

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
    // ASCII letters only: the encoder slices by byte and panics inside a
    // letter that folding leaves as it is (ŋ, ð's cousins, Cyrillic, ...),
    // as the property tests found
    let word: String = folded_surname
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect();
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
                .take(SURNAME_PARTS_KEYED)
                .map(str::to_string),
        );
    }
    words.retain(|w| !w.is_empty());
    words
}

/// The spelling and sound keys of a surname alone.
fn surname_forms(surname: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let spelling = surname_words(surname)
        .iter()
        .flat_map(|w| deletion_neighbourhood(w))
        .collect();
    (spelling, phonetic_codes(&fold(surname)))
}

/// The keyed forenames: the first few words, folded.
fn forename_words(forenames: &str) -> Vec<String> {
    fold(forenames)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(FORENAMES_KEYED)
        .map(str::to_string)
        .collect()
}

/// Every key stored for a man: his surname's forms alone (for a search by
/// surname only), each paired with each of his forenames, and each
/// forename's forms paired with his surname (and each part of it).
pub fn stored_keys(surname: &str, forenames: &str) -> BTreeSet<String> {
    let (spelling, sounds) = surname_forms(surname);
    let given = forename_words(forenames);
    let surnames = surname_words(surname);
    let mut keys = BTreeSet::new();
    for k in &spelling {
        keys.insert(format!("{SURNAME}{k}"));
        for g in &given {
            keys.insert(format!("{SURNAME_WITH_FORENAME}{k}|{g}"));
        }
    }
    for c in &sounds {
        keys.insert(format!("{PHONETIC}{c}"));
        for g in &given {
            keys.insert(format!("{PHONETIC_WITH_FORENAME}{c}|{g}"));
        }
    }
    for g in &given {
        for k in deletion_neighbourhood(g) {
            for s in &surnames {
                keys.insert(format!("{FORENAME_WITH_SURNAME}{k}|{s}"));
            }
        }
    }
    keys
}

/// What a search by name looks up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryKeys {
    /// The surname's forms alone: for a search without a forename (or with
    /// an initial only), or when the pairs find nobody.
    pub surname: Vec<String>,
    /// Each form of the surname with a typed forename as typed, and each
    /// form of the first forename with the surname as typed: one mistake
    /// leaves one of them exactly as stored (empty when no forename of two
    /// letters or more was typed).
    pub pairs: Vec<String>,
}

/// The keys to look up for a typed surname and (optional) forenames.
pub fn query_keys(surname: &str, forenames: Option<&str>) -> QueryKeys {
    let (mut spelling, sounds) = surname_forms(surname);
    let mut surnames = surname_words(surname);
    for word in surname_words(surname) {
        let variants = name_variants(&word);
        spelling.extend(variants.iter().map(|v| v.to_string()));
        surnames.extend(variants.iter().map(|v| v.to_string()));
    }
    let surname_keys: Vec<String> = spelling
        .iter()
        .map(|k| format!("{SURNAME}{k}"))
        .chain(sounds.iter().map(|c| format!("{PHONETIC}{c}")))
        .collect();
    let given: Vec<String> = forenames
        .map(forename_words)
        .unwrap_or_default()
        .into_iter()
        .filter(|g| g.chars().count() > 1)
        .collect();
    let mut pairs = BTreeSet::new();
    // every typed forename as typed, with its variants: a first forename
    // typed wholly wrong ("Greg Lee" for Craig Lee) is found by the middle
    for g in &given {
        let exact = std::iter::once(g.as_str()).chain(name_variants(g).iter().copied());
        for g in exact {
            for k in &spelling {
                pairs.insert(format!("{SURNAME_WITH_FORENAME}{k}|{g}"));
            }
            for c in &sounds {
                pairs.insert(format!("{PHONETIC_WITH_FORENAME}{c}|{g}"));
            }
        }
    }
    if let Some(first) = given.first() {
        let forms = deletion_neighbourhood(first)
            .into_iter()
            .chain(name_variants(first).iter().map(|v| v.to_string()));
        for k in forms {
            for s in &surnames {
                pairs.insert(format!("{FORENAME_WITH_SURNAME}{k}|{s}"));
            }
        }
    }
    QueryKeys {
        surname: surname_keys,
        pairs: pairs.into_iter().collect(),
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
        assert!(stored_keys(&long, &long).len() <= 4 * (MAX_KEYED_LETTERS + 1) + 8);
    }

    #[test]
    fn short_names_are_stored_whole() {
        assert_eq!(deletion_neighbourhood("li").len(), 1);
        assert!(deletion_neighbourhood("").is_empty());
    }

    fn found(typed: (&str, &str), stored: (&str, &str)) -> bool {
        let q = query_keys(typed.0, Some(typed.1));
        let s = stored_keys(stored.0, stored.1);
        q.pairs.iter().any(|k| s.contains(k))
    }

    #[test]
    fn one_mistake_in_either_name_leaves_a_pair_in_common() {
        for (typed, stored) in [
            (("Cowalski", "Piotr"), ("Kowalski", "Piotr")),
            (("Kowalski", "Biotr"), ("Kowalski", "Piotr")),
            (("Smtih", "John"), ("Smith", "John")),
            (("Smith", "Jonh"), ("Smith", "John")),
            (("Wisniewski", "Lukasz"), ("Wiśniewski", "Łukasz")),
            (("Khan", "Muhammad"), ("Khan", "Mohammed")),
            (("Chowdhury", "Imran"), ("Chaudhry", "Imran")),
            (("Smythe", "John"), ("Smith", "John")),
            (("Silva", "Joao"), ("da Silva", "João Paulo")),
            (("Smith", "Paul"), ("Smith", "John Paul")),
            (("Fairwick", "Greg Lee"), ("Fairwick", "Craig Lee")),
        ] {
            assert!(found(typed, stored), "{typed:?} / {stored:?}");
        }
        assert!(!found(("Smith", "John"), ("Jones", "David")));
        assert!(
            !found(("Smith", "John"), ("Smith", "David")),
            "a pair needs both names"
        );
    }

    #[test]
    fn a_surname_alone_is_looked_up_by_its_own_forms() {
        let q = query_keys("Davis", None);
        assert!(q.pairs.is_empty());
        assert!(
            query_keys("Smith", Some("J")).pairs.is_empty(),
            "an initial alone"
        );
        assert!(q.surname.contains(&"s:davies".to_string()));
        let s = stored_keys("Smith", "John");
        assert!(
            query_keys("Smyth", None)
                .surname
                .iter()
                .any(|k| s.contains(k))
        );
    }
}
