//! Field-level validation messages, shared by forms (inline errors) and the
//! API (422 `fields`).

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::code::coded_enum;

coded_enum!(
    /// A yes-or-no question's answer, as a form sends it.
    YesNo {
        Yes => "yes", "Yes";
        No => "no", "No";
    }
);

impl YesNo {
    /// The answer as a boolean.
    pub fn is_yes(self) -> bool {
        self == YesNo::Yes
    }
}

/// Messages keyed by field name, in the order they were found (which is the
/// order of the form, so the error summary reads top to bottom).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(String, String)>);

impl Serialize for FieldErrors {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    /// A single error.
    pub fn one(field: &str, message: impl Into<String>) -> FieldErrors {
        let mut e = FieldErrors::new();
        e.add(field, message);
        e
    }

    /// Record a message for a field; the first message for a field wins.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.0.iter().any(|(k, _)| k == field) {
            self.0.push((field.to_string(), message.into()));
        }
    }

    /// Keep the message of a failed check, if any.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(m) => {
                self.add(field, m);
                None
            }
        }
    }

    /// True when nothing was wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many fields have a message.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The message for one field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
    }

    /// Every (field, message) pair.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `Ok(())` when empty, otherwise the errors.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_the_order_found_and_the_first_message_per_field() {
        let mut e = FieldErrors::new();
        e.add("surname", "Enter the surname");
        e.add("date_of_birth", "Enter the date of birth");
        e.add("surname", "a second message is ignored");
        assert_eq!(
            e.iter().map(|(f, _)| f).collect::<Vec<_>>(),
            ["surname", "date_of_birth"]
        );
        assert_eq!(e.get("surname"), Some("Enter the surname"));
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"surname":"Enter the surname","date_of_birth":"Enter the date of birth"}"#
        );
    }
}
