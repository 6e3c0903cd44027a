//! Coded values: every field that holds one of a fixed set of values
//! (disposals, statuses, outcomes, roles, audit actions...) is an enum made by
//! [`coded_enum!`], the one place that says how a code is stored, shown,
//! parsed and listed. The database keeps the readable code string (see
//! `db::codes`), the API and forms use the same string, people see the label.
//!
//! ```ignore
//! coded_enum!(
//!     /// What the police decided.
//!     Disposal {
//!         NoFurtherAction => "no_further_action", "No further action";
//!         Charged => "charged", "Charged";
//!     }
//! );
//! ```
//! gives `Disposal::ALL`, `d.as_str()`, `d.label()`, `Disposal::parse(" charged ")`,
//! `Display` and `FromStr` (the code), serde as the code string, and its
//! OpenAPI schema (a string enum of the codes, each with its label). Parsing
//! ignores surrounding spaces and letter case; a value may list other spellings
//! it also accepts: `Male => "male" | "m", "Male";`.

/// What every coded enum offers, for code that works on any of them (the
/// options of a select, the codes an API field accepts).
pub trait Coded: Copy + Sized + 'static {
    /// Every value, in display order.
    fn all() -> &'static [Self];
    /// The stored / API code.
    fn code(self) -> &'static str;
    /// The label shown to people.
    fn text(self) -> &'static str;
}

/// The error of parsing something that is not one of the codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCode {
    /// The enum's name.
    pub kind: &'static str,
    /// What was given.
    pub given: String,
}

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "'{}' is not a known {} code", self.given, self.kind)
    }
}

impl std::error::Error for UnknownCode {}

/// Declare a coded enum (see the module documentation).
macro_rules! coded_enum {
    ($(#[$doc:meta])* $name:ident {
        $($(#[$vdoc:meta])* $variant:ident => $value:literal $(| $alias:literal)*, $label:literal;)*
    }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vdoc])* $variant,)* }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stored / API code.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value,)* }
            }

            /// The label shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)* }
            }

            /// Parse a code (surrounding spaces and letter case ignored;
            /// other accepted spellings too).
            pub fn parse(raw: &str) -> Option<$name> {
                let t = raw.trim();
                $(
                    if t.eq_ignore_ascii_case($value) $(|| t.eq_ignore_ascii_case($alias))* {
                        return Some($name::$variant);
                    }
                )*
                None
            }
        }

        impl $crate::domain::code::Coded for $name {
            fn all() -> &'static [Self] {
                $name::ALL
            }
            fn code(self) -> &'static str {
                self.as_str()
            }
            fn text(self) -> &'static str {
                self.label()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::code::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s).ok_or_else(|| $crate::domain::code::UnknownCode {
                    kind: stringify!($name),
                    given: s.chars().take(40).collect(),
                })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                let meaning: Vec<String> = $name::ALL
                    .iter()
                    .map(|v| format!("`{}`: {}", v.as_str(), v.label()))
                    .collect();
                ::utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::String)
                    .enum_values(Some($name::ALL.iter().map(|v| v.as_str())))
                    .description(Some(meaning.join("; ")))
                    .into()
            }
        }

        impl ::utoipa::ToSchema for $name {}

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                $name::parse(&raw).ok_or_else(|| {
                    ::serde::de::Error::custom(format!(
                        "'{raw}' is not one of: {}",
                        $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                    ))
                })
            }
        }
    };
}
pub(crate) use coded_enum;

#[cfg(test)]
mod tests {

    coded_enum!(
        /// A test enum.
        Colour {
            Red => "red" | "r", "Red";
            DarkBlue => "dark_blue", "Dark blue";
        }
    );

    #[test]
    fn codes_labels_parsing_and_serde_agree() {
        assert_eq!(Colour::ALL, &[Colour::Red, Colour::DarkBlue]);
        assert_eq!(Colour::DarkBlue.as_str(), "dark_blue");
        assert_eq!(Colour::DarkBlue.label(), "Dark blue");
        assert_eq!(Colour::parse(" dark_blue "), Some(Colour::DarkBlue));
        assert_eq!(
            Colour::parse("R"),
            Some(Colour::Red),
            "an accepted spelling"
        );
        assert_eq!(
            Colour::parse("Dark_Blue"),
            Some(Colour::DarkBlue),
            "any case"
        );
        assert_eq!(Colour::parse("dark blue"), None);
        assert_eq!("red".parse::<Colour>(), Ok(Colour::Red));
        assert!("green".parse::<Colour>().is_err());
        assert_eq!(Colour::DarkBlue.to_string(), "dark_blue");
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).unwrap(),
            "\"dark_blue\""
        );
        assert_eq!(
            serde_json::from_str::<Colour>("\"red\"").unwrap(),
            Colour::Red
        );
        let e = serde_json::from_str::<Colour>("\"green\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("red, dark_blue"), "{e}");
    }
}
