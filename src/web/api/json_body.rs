//! `ApiJson<T>`: the JSON request body of the API. Like Rocket's `Json<T>`,
//! but when the body cannot be read it keeps the reason, so that the 400/422
//! answer says what was wrong (`fields.body`) instead of a bare status.
//! A body that is not declared as JSON answers 415. Request guards run before
//! the body is read, so a request without a token still answers 401 first.

use rocket::data::{Data, FromData, Outcome};
use rocket::http::Status;
use rocket::request::Request;
use rocket::serde::json::{self, Json};
use serde::Deserialize;

/// Why the body could not be read, kept for the error answer.
#[derive(Clone, Debug, Default)]
pub struct BodyProblem(pub Option<String>);

/// A JSON body.
pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ApiJson<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

#[rocket::async_trait]
impl<'r, T: Deserialize<'r>> FromData<'r> for ApiJson<T> {
    type Error = json::Error<'r>;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r, Self> {
        if !req.content_type().is_some_and(|ct| ct.is_json()) {
            let message = "Send the body as JSON, with Content-Type: application/json";
            req.local_cache(|| BodyProblem(Some(message.to_string())));
            let e = std::io::Error::new(std::io::ErrorKind::InvalidInput, message);
            return Outcome::Error((Status::UnsupportedMediaType, json::Error::Io(e)));
        }
        match <Json<T> as FromData<'r>>::from_data(req, data).await {
            Outcome::Success(j) => Outcome::Success(ApiJson(j.into_inner())),
            Outcome::Error((status, e)) => {
                let message = match (&e, status) {
                    (_, Status::PayloadTooLarge) => "The body is larger than allowed".to_string(),
                    (json::Error::Parse(_, inner), _) => {
                        format!("The JSON could not be read: {inner}")
                    }
                    (json::Error::Io(inner), _) => format!("The body could not be read: {inner}"),
                };
                req.local_cache(|| BodyProblem(Some(message)));
                Outcome::Error((status, e))
            }
            Outcome::Forward(f) => Outcome::Forward(f),
        }
    }
}

/// An id field read as JSON Schema reads `integer`: `12` and `12.0` are the
/// same number; `12.5`, text, or a number outside 1..=2^31-1 is refused with
/// the field's name. Absent or null is `None`.
pub fn whole_id<'de, D>(deserializer: D) -> Result<Option<i32>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value = Option::<serde_json::Number>::deserialize(deserializer)?;
    let Some(n) = value else { return Ok(None) };
    match as_whole(&n)
        .and_then(|w| i32::try_from(w).ok())
        .filter(|w| *w >= 1)
    {
        Some(id) => Ok(Some(id)),
        None => Err(serde::de::Error::custom(format!(
            "{n} is not an id: ids are whole numbers from 1"
        ))),
    }
}

/// A JSON number as JSON Schema's `integer` reads it: `12` and `12.0` alike.
fn as_whole(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
            .map(|f| f as i64)
    })
}

/// A whole-number field read as JSON Schema reads `integer` (`56` and `56.0`
/// alike); a fraction, text or a number outside i32 is refused with the
/// field's name. Absent or null is `None`; the handler or the service says
/// when a value is required and what range it must fall in.
pub fn whole<'de, D>(deserializer: D) -> Result<Option<i32>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value = Option::<serde_json::Number>::deserialize(deserializer)?;
    let Some(n) = value else { return Ok(None) };
    as_whole(&n)
        .and_then(|w| i32::try_from(w).ok())
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a whole number")))
}

/// [`whole`] for a field that must be given.
pub fn whole_required<'de, D>(deserializer: D) -> Result<i32, D::Error>
where
    D: serde::Deserializer<'de>,
{
    whole(deserializer)?.ok_or_else(|| serde::de::Error::custom("a whole number is required"))
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "super::whole_id")]
        id: Option<i32>,
    }

    fn read(json: &str) -> Result<Option<i32>, String> {
        serde_json::from_str::<Body>(json)
            .map(|b| b.id)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn an_id_is_a_whole_number_written_either_way() {
        assert_eq!(read(r#"{"id": 12}"#), Ok(Some(12)));
        assert_eq!(read(r#"{"id": 12.0}"#), Ok(Some(12)));
        assert_eq!(read(r#"{"id": null}"#), Ok(None));
        assert_eq!(read(r#"{}"#), Ok(None));
        for bad in [
            r#"{"id": 12.5}"#,
            r#"{"id": 0}"#,
            r#"{"id": 3000000000}"#,
            r#"{"id": "12"}"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }

    #[derive(serde::Deserialize)]
    struct Count {
        #[serde(default, deserialize_with = "super::whole")]
        n: Option<i32>,
    }

    #[test]
    fn a_whole_number_may_be_written_with_a_zero_fraction_and_may_be_zero() {
        let read = |json: &str| {
            serde_json::from_str::<Count>(json)
                .map(|c| c.n)
                .map_err(|e| e.to_string())
        };
        assert_eq!(read(r#"{"n": 56.0}"#), Ok(Some(56)));
        assert_eq!(read(r#"{"n": 0}"#), Ok(Some(0)));
        assert_eq!(
            read(r#"{"n": -3}"#),
            Ok(Some(-3)),
            "the range is the service's to check"
        );
        assert_eq!(read(r#"{}"#), Ok(None));
        assert!(read(r#"{"n": 56.5}"#).is_err());
        assert!(read(r#"{"n": 3000000000}"#).is_err());
    }
}
