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
