//! How likely a recorded man is the man searched for, and why, in words.
//!
//! Flow: the candidates come from indexed keys (`name_keys`, date of birth,
//! PNC ID, vehicle); each is scored here, the same way for the people search,
//! the arrest form's "find the man first" and an import's check for men
//! already recorded.
//!
//! A name scores by its worst mistake, not by a loose resemblance: the same
//! word counts 1.0, a known spelling variant or nickname about 0.97, one letter
//! different (dropped, added, changed, or two swapped: the optimal string
//! alignment distance) about 0.93, two letters about 0.82, a surname that
//! only sounds the same (Double Metaphone) 0.80; anything else is its
//! Jaro-Winkler similarity scaled under those. Within one class, Jaro-Winkler
//! breaks ties. The surname weighs 55 %, the first forename 35 % and the
//! middle names 10 %; the name then weighs 0.6 against the date of birth
//! 0.35, PNC ID 0.6 and vehicle 0.3, each counted only when searched for.

use chrono::NaiveDate;

use super::name_keys::{phonetic_codes, surname_words};
use strsim::jaro_winkler;

use super::names::{fold, same_name};

/// Weights of the parts of a name.
pub const SURNAME_WEIGHT: f64 = 0.55;
pub const FIRST_FORENAME_WEIGHT: f64 = 0.35;
pub const MIDDLE_NAMES_WEIGHT: f64 = 0.10;
/// Weights of the evidence, each counted only when it was searched for.
pub const NAME_WEIGHT: f64 = 0.6;
pub const DATE_OF_BIRTH_WEIGHT: f64 = 0.35;
pub const PNC_ID_WEIGHT: f64 = 0.6;
pub const VEHICLE_WEIGHT: f64 = 0.3;
/// Word scores by class (see the module notes).
pub const VARIANT_SCORE: f64 = 0.94;
pub const INITIAL_SCORE: f64 = 0.85;
pub const ONE_EDIT_SCORE: f64 = 0.90;
pub const TWO_EDITS_SCORE: f64 = 0.78;
pub const SOUNDS_ALIKE_SCORE: f64 = 0.80;
/// Jaro-Winkler's share of a class score (the tie-break).
pub const TIE_BREAK: f64 = 0.04;
/// A name scored under this is not a match worth showing.
pub const SHOW_FROM: f64 = 0.5;
/// Names typed surname first ("Smith John") count a little less.
pub const SWAPPED_FACTOR: f64 = 0.95;
/// One part of a surname matching alone ("Silva" of "da Silva") counts less
/// than the whole surname or all its parts in order.
pub const PART_FACTOR: f64 = 0.9;
/// The typed first forename matching his middle name counts a little less.
pub const MIDDLE_AS_FIRST_FACTOR: f64 = 0.9;
/// The typed middle names when he has none recorded.
pub const MIDDLE_NAMES_MISSING: f64 = 0.7;
/// He has middle names and none were typed: barely less (they are often not
/// known), enough to rank the man whose recorded name is exactly what was
/// typed above his namesake with a middle name.
pub const MIDDLE_NAMES_UNTYPED: f64 = 0.97;

/// How one typed word compares with one recorded word.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WordMatch {
    Same,
    Variant,
    Initial,
    OneLetter,
    TwoLetters,
    SoundsAlike,
    Unlike(f64),
}

impl WordMatch {
    /// Compare two folded words.
    pub fn of(typed: &str, recorded: &str) -> WordMatch {
        if typed == recorded {
            return WordMatch::Same;
        }
        if same_name(typed, recorded) {
            return WordMatch::Variant;
        }
        if typed.chars().count() == 1 && recorded.starts_with(typed) {
            return WordMatch::Initial;
        }
        let jw = jaro_winkler(typed, recorded);
        match strsim::osa_distance(typed, recorded) {
            1 => WordMatch::OneLetter,
            2 => WordMatch::TwoLetters,
            _ if !phonetic_codes(typed).is_disjoint(&phonetic_codes(recorded)) => {
                WordMatch::SoundsAlike
            }
            _ => WordMatch::Unlike(jw),
        }
    }

    /// 0-1, with Jaro-Winkler ordering words within a class.
    pub fn score(self, typed: &str, recorded: &str) -> f64 {
        let jw = || jaro_winkler(typed, recorded);
        match self {
            WordMatch::Same => 1.0,
            WordMatch::Variant => VARIANT_SCORE + TIE_BREAK * jw(),
            WordMatch::Initial => INITIAL_SCORE,
            WordMatch::OneLetter => ONE_EDIT_SCORE + TIE_BREAK * jw(),
            WordMatch::TwoLetters => TWO_EDITS_SCORE + TIE_BREAK * jw(),
            WordMatch::SoundsAlike => SOUNDS_ALIKE_SCORE,
            WordMatch::Unlike(jw) => jw * (TWO_EDITS_SCORE - 0.03),
        }
    }

    fn reason(self, surname: bool) -> Option<&'static str> {
        Some(match (self, surname) {
            (WordMatch::Same, true) => "same surname",
            (WordMatch::Same, false) => "same forename",
            (WordMatch::Variant, true) => "surname a known spelling variant",
            (WordMatch::Variant, false) => "forename a known variant or nickname",
            (WordMatch::Initial, _) => "initial matches his forename",
            (WordMatch::OneLetter, true) => "surname one letter different",
            (WordMatch::OneLetter, false) => "forename one letter different",
            (WordMatch::TwoLetters, true) => "surname two letters different",
            (WordMatch::TwoLetters, false) => "forename two letters different",
            (WordMatch::SoundsAlike, true) => "surname sounds the same",
            (WordMatch::SoundsAlike, false) => "forename sounds the same",
            (WordMatch::Unlike(_), _) => return None,
        })
    }
}

/// The best comparison of a typed word against several recorded ones.
fn best(typed: &str, recorded: &[(String, f64)]) -> (f64, WordMatch) {
    recorded
        .iter()
        .map(|(r, factor)| {
            let m = WordMatch::of(typed, r);
            (m.score(typed, r) * factor, m)
        })
        .fold(
            (0.0, WordMatch::Unlike(0.0)),
            |a, b| if b.0 > a.0 { b } else { a },
        )
}

/// How alike a typed surname is to a recorded one: the best of the whole
/// surnames compared, their parts compared in order when both have as many
/// parts ("Martinss Oliveira" for "Martins Oliveira"), and any one part
/// alone ("Silva" for "da Silva", at [`PART_FACTOR`]).
fn surname_likeness(typed: &str, recorded: &str) -> (f64, WordMatch) {
    let (t, r) = (fold(typed), fold(recorded));
    let (t_whole, r_whole) = (t.replace(' ', ""), r.replace(' ', ""));
    let whole = WordMatch::of(&t_whole, &r_whole);
    let mut best_score = (whole.score(&t_whole, &r_whole), whole);
    let t_parts: Vec<&str> = t.split(' ').collect();
    let r_parts: Vec<&str> = r.split(' ').collect();
    if t_parts.len() > 1 && t_parts.len() == r_parts.len() {
        let matches: Vec<(f64, WordMatch)> = t_parts
            .iter()
            .zip(&r_parts)
            .map(|(a, b)| {
                let m = WordMatch::of(a, b);
                (m.score(a, b), m)
            })
            .collect();
        let mean = matches.iter().map(|m| m.0).sum::<f64>() / matches.len() as f64;
        // the reason given is the worst part's
        let worst = matches.iter().fold(
            (1.0, WordMatch::Same),
            |a, b| if b.0 < a.0 { *b } else { a },
        );
        if mean > best_score.0 {
            best_score = (mean, worst.1);
        }
    }
    let recorded_parts: Vec<(String, f64)> = surname_words(recorded)
        .into_iter()
        .map(|w| (w, PART_FACTOR))
        .collect();
    for word in surname_words(typed) {
        let part = best(&word, &recorded_parts);
        if part.0 > best_score.0 {
            best_score = part;
        }
    }
    best_score
}

/// How alike a typed name is to a recorded one, and the reasons.
#[derive(Clone, Debug, PartialEq)]
pub struct NameLikeness {
    pub score: f64,
    pub reasons: Vec<&'static str>,
}

/// Compare a typed surname and (optional) forenames with a recorded name.
pub fn name_likeness(
    typed_surname: &str,
    typed_forenames: Option<&str>,
    surname: &str,
    forenames: &str,
) -> NameLikeness {
    let (sur, sur_match) = surname_likeness(typed_surname, surname);
    let mut reasons: Vec<&'static str> = sur_match.reason(true).into_iter().collect();
    let typed_given = typed_forenames.map(fold).unwrap_or_default();
    let mut typed_words = typed_given.split(' ').filter(|w| !w.is_empty());
    let Some(typed_first) = typed_words.next() else {
        return NameLikeness {
            score: sur,
            reasons,
        };
    };
    let typed_middle: Vec<&str> = typed_words.collect();
    let given = fold(forenames);
    let mut words = given.split(' ').filter(|w| !w.is_empty());
    let first = words.next().unwrap_or("");
    let middle: Vec<(String, f64)> = words.map(|w| (w.to_string(), 1.0)).collect();
    let as_first = [(first.to_string(), 1.0)];
    let (as_first_score, first_match) = best(typed_first, &as_first);
    let as_middle: Vec<(String, f64)> = middle
        .iter()
        .map(|(w, _)| (w.clone(), MIDDLE_AS_FIRST_FACTOR))
        .collect();
    let (as_middle_score, _) = best(typed_first, &as_middle);
    let first_score = if as_middle_score > as_first_score {
        reasons.push("forename matches his middle name");
        as_middle_score
    } else {
        reasons.extend(first_match.reason(false));
        as_first_score
    };
    let middle_score = if typed_middle.is_empty() && middle.is_empty() {
        1.0
    } else if typed_middle.is_empty() {
        MIDDLE_NAMES_UNTYPED
    } else if middle.is_empty() {
        MIDDLE_NAMES_MISSING
    } else {
        typed_middle.iter().map(|t| best(t, &middle).0).sum::<f64>() / typed_middle.len() as f64
    };
    NameLikeness {
        score: SURNAME_WEIGHT * sur
            + FIRST_FORENAME_WEIGHT * first_score
            + MIDDLE_NAMES_WEIGHT * middle_score,
        reasons,
    }
}

/// What was searched for, read from the search box and fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    pub surname: Option<String>,
    pub forenames: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub pnc_id: Option<String>,
    pub vehicle: Option<String>,
}

/// A recorded man as the scoring sees him.
#[derive(Clone, Copy, Debug)]
pub struct Recorded<'a> {
    pub surname: &'a str,
    pub forenames: &'a str,
    pub date_of_birth: NaiveDate,
    pub pnc_id: Option<&'a str>,
    /// Arrested in the vehicle searched for.
    pub in_vehicle: bool,
}

/// How likely `man` is the man `wanted`, 0-1, and what matched in words.
pub fn score(wanted: &Wanted, man: &Recorded) -> (f64, Vec<&'static str>) {
    let mut total = 0.0;
    let mut weight = 0.0;
    let mut reasons = Vec::new();
    if let Some(s) = &wanted.surname {
        let f = wanted.forenames.as_deref();
        let straight = name_likeness(s, f, man.surname, man.forenames);
        let swapped = f
            .map(|f| name_likeness(f, Some(s), man.surname, man.forenames))
            .filter(|n| n.score * SWAPPED_FACTOR > straight.score);
        let name = match swapped {
            Some(mut n) => {
                n.score *= SWAPPED_FACTOR;
                n.reasons.push("names typed the other way round");
                n
            }
            None => straight,
        };
        total += NAME_WEIGHT * name.score;
        weight += NAME_WEIGHT;
        reasons.extend(name.reasons);
    }
    if let Some(d) = wanted.date_of_birth {
        weight += DATE_OF_BIRTH_WEIGHT;
        if man.date_of_birth == d {
            total += DATE_OF_BIRTH_WEIGHT;
            reasons.push("same date of birth");
        } else {
            reasons.push("different date of birth");
        }
    }
    if let Some(pnc) = &wanted.pnc_id {
        weight += PNC_ID_WEIGHT;
        if man.pnc_id == Some(pnc.as_str()) {
            total += PNC_ID_WEIGHT;
            reasons.push("same PNC ID");
        }
    }
    if wanted.vehicle.is_some() {
        weight += VEHICLE_WEIGHT;
        if man.in_vehicle {
            total += VEHICLE_WEIGHT;
            reasons.push("arrested in the same vehicle");
        }
    }
    if weight == 0.0 {
        (0.0, reasons)
    } else {
        (total / weight, reasons)
    }
}

#[cfg(test)]
#[path = "person_match_tests.rs"]
mod tests;
