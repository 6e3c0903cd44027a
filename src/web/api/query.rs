//! Query parameters of the API, read strictly. Rocket's `Option<u64>` turns
//! `?page=abc` into "no page" without a word; a program calling the API
//! deserves to hear that it sent something wrong, so every query value is
//! taken as text and read here: a bad value answers 422 naming the parameter.

use chrono::NaiveDate;

use crate::domain::dates::parse_iso_date;
use crate::domain::pagination::{MAX_PER_PAGE, PageRequest};
use crate::error::{AppError, AppResult};

/// The highest page number a list answers.
pub const MAX_PAGE: u64 = 1_000_000;

/// A whole number between `min` and `max`, or nothing when absent.
pub fn number<T>(name: &str, raw: Option<&str>, min: T, max: T) -> AppResult<Option<T>>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(raw) = raw else { return Ok(None) };
    match raw.trim().parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(Some(n)),
        _ => Err(AppError::invalid(
            name,
            format!("{name} must be a whole number from {min} to {max}"),
        )),
    }
}

/// `true` or `false`, or nothing when absent.
pub fn boolean(name: &str, raw: Option<&str>) -> AppResult<Option<bool>> {
    match raw.map(str::trim) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(AppError::invalid(
            name,
            format!("{name} must be true or false"),
        )),
    }
}

/// A date `YYYY-MM-DD`, or nothing when absent.
pub fn date(name: &str, raw: Option<&str>) -> AppResult<Option<NaiveDate>> {
    match raw {
        None => Ok(None),
        Some(d) => parse_iso_date(d, name)
            .map(Some)
            .map_err(|m| AppError::invalid(name, m)),
    }
}

/// `page` and `per_page`, each optional, each refused when out of range.
pub fn page(page: Option<&str>, per_page: Option<&str>) -> AppResult<PageRequest> {
    Ok(PageRequest::new(
        number("page", page, 1, MAX_PAGE)?,
        number("per_page", per_page, 1, MAX_PER_PAGE)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_out_of_range_or_not_numbers_are_refused_by_name() {
        assert_eq!(number("page", Some("3"), 1u64, 10).ok(), Some(Some(3)));
        assert_eq!(number::<u64>("page", None, 1, 10).ok(), Some(None));
        for bad in ["0", "11", "abc", "", "-1", "1.5"] {
            match number("page", Some(bad), 1u64, 10) {
                Err(AppError::Invalid(f)) => assert!(f.get("page").is_some(), "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn booleans_are_true_or_false_only() {
        assert_eq!(boolean("mine", Some("true")).ok(), Some(Some(true)));
        assert_eq!(boolean("mine", Some("false")).ok(), Some(Some(false)));
        assert!(boolean("mine", Some("yes")).is_err());
        assert!(boolean("mine", Some("")).is_err());
    }

    #[test]
    fn the_page_size_cannot_pass_the_most_a_page_shows() {
        assert!(page(None, Some(&MAX_PER_PAGE.to_string())).is_ok());
        assert!(page(None, Some(&(MAX_PER_PAGE + 1).to_string())).is_err());
        assert_eq!(page(None, None).map(|p| p.page).ok(), Some(1));
    }
}

/// Why the query could not be read: (parameter, message), kept for the 422.
#[derive(Clone, Debug, Default)]
pub struct QueryProblem(pub Option<(String, String)>);

/// A request guard for the API's lists: each query parameter at most once
/// (`?page=1&page=2` is refused, not half-read).
pub struct EachOnce;

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for EachOnce {
    type Error = ();

    async fn from_request(req: &'r rocket::Request<'_>) -> rocket::request::Outcome<EachOnce, ()> {
        let mut seen: Vec<&str> = Vec::new();
        for field in req.query_fields() {
            let name = field.name.as_name().as_str();
            if seen.contains(&name) {
                let message = format!("Give {name} once");
                req.local_cache(|| QueryProblem(Some((name.to_string(), message))));
                return rocket::request::Outcome::Error((
                    rocket::http::Status::UnprocessableEntity,
                    (),
                ));
            }
            seen.push(name);
        }
        rocket::request::Outcome::Success(EachOnce)
    }
}

/// A date parameter of a filter: absent is no limit, but an empty value is
/// a mistake the caller should hear about.
pub fn not_empty<'a>(name: &str, raw: Option<&'a str>) -> AppResult<Option<&'a str>> {
    match raw {
        Some(r) if r.trim().is_empty() => Err(AppError::invalid(
            name,
            format!("Give a value for {name}, or leave it out"),
        )),
        other => Ok(other),
    }
}
