//! Matching men's names despite typos, spelling variants and diacritics.
//! Names are stored as typed (Łukasz, Şahin, Ionuț) and compared folded
//! (lukasz, sahin, ionut). Search candidates come from the indexed keys of
//! `name_keys`; the scoring of a candidate is in `person_match`.

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

/// Spellings of one name that count as the same name: given names with
/// their nicknames, and surnames written several ways. A search looks each
/// up as an exact key and ranks it just below the name itself.
const VARIANTS: &[&[&str]] = &[
    &[
        "mohammed", "muhammad", "mohamed", "mohammad", "muhammed", "mohamad", "mohamud", "mahomed",
        "mohd",
    ],
    &["john", "jon", "jonathan", "johnny", "jonny", "jack"],
    &["sean", "shaun", "shawn", "shane"],
    &["stuart", "stewart", "stu"],
    &["alan", "allan", "allen", "al"],
    &["neil", "neal", "niall"],
    &["brian", "bryan"],
    &["geoffrey", "jeffrey", "geoff", "jeff"],
    &["philip", "phillip", "phil"],
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
    &["mateusz", "matthew", "mathew", "matt", "mateus"],
    &["jakub", "jacob", "jake"],
    &["mihai", "michal", "mikhail"],
    &["abdul", "abdal", "abdool"],
    &["rahman", "rehman", "raman"],
    &["hussain", "hussein", "husain", "hossain", "husein"],
    &[
        "chowdhury",
        "choudhury",
        "chaudhry",
        "chaudhary",
        "choudhry",
    ],
    &["davies", "davis"],
    &["thompson", "thomson", "tomson"],
    &["stephenson", "stevenson"],
    &["mcdonald", "macdonald"],
    &["philips", "phillips"],
    &["rodrigues", "rodriguez"],
    &["goncalves", "goncalvez"],
    &["pereira", "perreira", "pereyra"],
    &["popescu", "popesku"],
    &["kazlauskas", "kazlauskis"],
];

/// The spellings counted as the same name as `folded` (none when it has no
/// known variants).
pub fn name_variants(folded: &str) -> &'static [&'static str] {
    VARIANTS
        .iter()
        .find(|group| group.contains(&folded))
        .copied()
        .unwrap_or(&[])
}

/// Are two folded names the same name or known variants of it?
pub fn same_name(a: &str, b: &str) -> bool {
    a == b || name_variants(a).contains(&b)
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
    fn variants_are_data_for_given_names_and_surnames() {
        assert!(same_name("muhammad", "mohammed"));
        assert!(same_name("bill", "william"));
        assert!(same_name("davis", "davies"));
        assert!(!same_name("john", "james"));
        assert!(name_variants("zbigniew").is_empty());
    }
}
