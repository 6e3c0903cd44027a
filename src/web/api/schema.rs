//! The shapes of the API's text fields, written once for the OpenAPI
//! document (used with `#[schema(schema_with = ...)]`). Each pattern states
//! the written form the rule in `domain/` accepts (dates 1900-2100, names
//! without digits, postcodes, PNC IDs, registrations, phone numbers), so a
//! client can check a value before sending it. The server's own checks stay
//! the rule: they also take the looser spellings people type (lower case,
//! extra spaces) and apply what a schema cannot say (a date of birth in the
//! past, a court for a charge).

use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, SchemaFormat, Type};

/// A date from 1900-01-01 to 2100-12-31.
pub const DATE_PATTERN: &str =
    r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

fn text(nullable: bool) -> ObjectBuilder {
    if nullable {
        ObjectBuilder::new().schema_type(
            [Type::String, Type::Null]
                .into_iter()
                .collect::<utoipa::openapi::schema::SchemaType>(),
        )
    } else {
        ObjectBuilder::new().schema_type(Type::String)
    }
}

fn date_schema(nullable: bool, description: &str) -> Object {
    text(nullable)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(DATE_PATTERN))
        .description(Some(description))
        .examples(["2026-03-14"])
        .build()
}

/// A date that must be given.
pub fn date() -> Object {
    date_schema(false, "A date, YYYY-MM-DD, from 1900 to 2100")
}

/// A date that may be left out or null.
pub fn optional_date() -> Object {
    date_schema(
        true,
        "A date, YYYY-MM-DD, from 1900 to 2100; null or absent for none",
    )
}

/// A moment with its offset, RFC 3339.
pub fn date_time() -> Object {
    text(false)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .pattern(Some(
            r"^(19[0-9]{2}|20[0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-](0[0-9]|1[0-2]):[0-5][0-9])$",
        ))
        .description(Some(
            "A moment with its offset (RFC 3339), e.g. 2026-03-14T23:40:00Z or 2026-03-14T23:40:00+00:00",
        ))
        .examples(["2026-03-14T23:40:00Z"])
        .build()
}

/// A surname or forenames: 1 to 100 characters, not blank, no digits.
pub fn name() -> Object {
    text(false)
        .min_length(Some(1))
        .max_length(Some(100))
        .pattern(Some(
            r"^[^0-9\x00-\x1f\x7f-\x9f]*[^0-9\s\x00-\x1f\x7f-\x9f][^0-9\x00-\x1f\x7f-\x9f]*$",
        ))
        .description(Some(
            "1 to 100 characters, not blank, without digits; any alphabet",
        ))
        .examples(["Kowalski"])
        .build()
}

/// Free text of at most `max` characters, optional.
fn optional_text(max: usize, description: &str) -> Object {
    text(true)
        .max_length(Some(max))
        .description(Some(description))
        .build()
}

/// A postal address, optional.
pub fn address() -> Object {
    optional_text(300, "The address, at most 300 characters")
}

/// A UK postcode, optional (empty or null for none).
pub fn postcode() -> Object {
    text(true)
        .pattern(Some(
            r"^$|^[A-Za-z]([0-9]{1,2}|[A-Za-z][0-9]{1,2}|[0-9][A-Za-z]|[A-Za-z][0-9][A-Za-z]) ?[0-9][A-Za-z]{2}$",
        ))
        .description(Some("A UK postcode, e.g. IP1 2AB; stored in capitals with one space"))
        .examples(["IP4 1AB"])
        .build()
}

/// A UK phone number, optional.
pub fn phone() -> Object {
    text(true)
        .pattern(Some(r"^$|^0[0-9]{9,10}$|^\+44[1-9][0-9]{8,9}$"))
        .description(Some(
            "A UK phone number of 10 or 11 digits starting 0, or +44 and the number without its 0",
        ))
        .examples(["07700900123"])
        .build()
}

/// A Police National Computer ID, optional.
pub fn pnc_id() -> Object {
    text(true)
        .pattern(Some(r"^$|^([0-9]{2}|[0-9]{4})/[0-9]{1,7}[A-Za-z]$"))
        .description(Some(
            "A PNC ID: year, slash, serial and check letter, e.g. 08/123456A",
        ))
        .examples(["2008/123456A"])
        .build()
}

/// A UK vehicle registration, optional.
pub fn vehicle_registration() -> Object {
    text(true)
        .pattern(Some(
            r"^$|^[A-Za-z]{2}[0-9]{2} ?[A-Za-z]{3}$|^[A-Za-z][0-9]{1,3} ?[A-Za-z]{3}$|^[A-Za-z]{3} ?[0-9]{1,3}[A-Za-z]$",
        ))
        .description(Some(
            "A UK registration: current (AB12 CDE), prefix (A123 BCD) or suffix (ABC 123D); dateless plates are accepted too",
        ))
        .examples(["AB12 CDE"])
        .build()
}

/// Optional free text: a short value (location, area, court...).
pub fn short_text() -> Object {
    optional_text(200, "At most 200 characters")
}

/// Optional free text: notes.
pub fn notes() -> Object {
    optional_text(2000, "At most 2,000 characters")
}

/// Required free text: not blank, at most `max` characters.
fn required_text(max: usize, description: &str) -> Object {
    text(false)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(r"\S"))
        .description(Some(description))
        .build()
}

/// Where the arrest was made.
pub fn location() -> Object {
    required_text(
        200,
        "The street where he was arrested, at most 200 characters",
    )
}

/// The area of the town (one of the configured areas when the team has set them).
pub fn area() -> Object {
    required_text(
        100,
        "The area, at most 100 characters; one of the team's areas when they are set",
    )
}

/// An operation name, optional.
pub fn operation() -> Object {
    optional_text(100, "The operation's name, at most 100 characters")
}

/// The court, optional (required when the disposal is `charged`).
pub fn court() -> Object {
    optional_text(
        150,
        "The magistrates' court, at most 150 characters; required when the disposal is charged, and only then",
    )
}

/// A force's occurrence reference, optional.
pub fn occurrence_reference() -> Object {
    optional_text(
        50,
        "The force's occurrence reference, at most 50 characters",
    )
}

/// An officer's collar number, optional.
pub fn collar_number() -> Object {
    text(true)
        .max_length(Some(20))
        .pattern(Some(r"^[A-Za-z0-9 ]*$"))
        .description(Some("Letters, digits and spaces, at most 20 characters"))
        .examples(["PC 1234"])
        .build()
}

/// A name, title, code or venue: not blank, at most 200 characters.
pub fn title() -> Object {
    required_text(200, "Not blank, at most 200 characters")
}

/// A note that must be written: not blank, at most 2,000 characters.
pub fn required_note() -> Object {
    required_text(2000, "Not blank, at most 2,000 characters")
}

/// A section of a report the officer writes: optional in a draft, at most
/// 20,000 characters.
pub fn report_section() -> Object {
    optional_text(
        20_000,
        "At most 20,000 characters; may be empty in a draft, must be written to submit",
    )
}
