//! Errors as people and programs should see them: an HTML page in the shell,
//! or the JSON problem body of the API contract. Also every catcher.

use rocket::http::Status;
use rocket::request::Request;
use rocket::response::{self, Redirect, Responder};
use rocket::serde::json::Json;
use rocket::{Catcher, catchers};
use serde_json::json;

use super::shell::{Shell, render};
use crate::auth::identity::{Identity, is_api_path};
use crate::auth::request_checks::{OriginalPath, Refusal, Verdict};
use crate::domain::accounts::SessionEnd;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::web::api::problem::{Problem as ApiProblem, ProblemDetail};
use crate::web::api::unrouted::Unrouted;

fn original_path(req: &Request<'_>) -> String {
    req.local_cache(|| OriginalPath(req.uri().path().as_str().to_string()))
        .0
        .clone()
}

fn wants_json(req: &Request<'_>) -> bool {
    is_api_path(&original_path(req))
}

struct Problem {
    status: Status,
    code: &'static str,
    title: &'static str,
    message: String,
    fields: Option<FieldErrors>,
}

fn problem_for(status: Status) -> Problem {
    let (code, title, message) = match status.code {
        400 => (
            "bad_request",
            "The request could not be read",
            "Check what was sent and try again.",
        ),
        401 => (
            "unauthorized",
            "Sign in to continue",
            "Send a valid API token in the Authorization header.",
        ),
        403 => (
            "forbidden",
            "You do not have permission to see this page",
            "If you think you should, ask your administrator to check your roles.",
        ),
        404 => (
            "not_found",
            "Page not found",
            "Check the address, or go back to the home page.",
        ),
        405 => (
            "method_not_allowed",
            "That action is not allowed here",
            "Go back and try again from the page.",
        ),
        415 => (
            "unsupported_media_type",
            "That kind of content is not accepted here",
            "Send the body as JSON, with Content-Type: application/json.",
        ),
        409 => (
            "conflict",
            "That change could not be made",
            "The record has changed or is locked.",
        ),
        413 => (
            "payload_too_large",
            "What you sent is too large",
            "Send a smaller file or less text, or split it into parts.",
        ),
        503 => (
            "unavailable",
            "The service is restarting or busy",
            "The database did not answer. Wait a few seconds and try again: nothing from this request was saved.",
        ),
        422 => (
            "validation_failed",
            "Some of the information given is not right",
            "Check the form and try again.",
        ),
        _ => (
            "internal_error",
            "Sorry, there is a problem with the service",
            "Try again later. Nothing you entered has been lost from what was saved before.",
        ),
    };
    Problem {
        status,
        code,
        title,
        message: message.to_string(),
        fields: None,
    }
}

impl Problem {
    /// The API's JSON form of the problem.
    fn body(&self) -> ApiProblem {
        ApiProblem {
            error: ProblemDetail {
                code: self.code.to_string(),
                message: self.message.clone(),
                fields: self.fields.as_ref().map(|f| {
                    f.iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect()
                }),
            },
        }
    }
}

fn respond_problem(req: &Request<'_>, p: Problem) -> response::Result<'static> {
    if p.status == Status::ServiceUnavailable {
        let mut res = respond_problem_body(req, p)?;
        res.set_raw_header("Retry-After", "5");
        return Ok(res);
    }
    respond_problem_body(req, p)
}

fn respond_problem_body(req: &Request<'_>, p: Problem) -> response::Result<'static> {
    if wants_json(req) {
        (p.status, Json(p.body())).respond_to(req)
    } else {
        let shell = Shell::for_request(req);
        let page = render(
            "error",
            &shell,
            json!({ "status": p.status.code, "title": p.title, "message": p.message, "fields": p.fields }),
        );
        (p.status, page).respond_to(req)
    }
}

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let p = match self {
            AppError::Unauthorized => return unauthorized(req).respond_to(req),
            AppError::Forbidden => forbidden_problem(req),
            AppError::NotFound => problem_for(Status::NotFound),
            AppError::Invalid(fields) => Problem {
                fields: Some(fields),
                ..problem_for(Status::UnprocessableEntity)
            },
            AppError::Conflict(message) => Problem {
                message,
                ..problem_for(Status::Conflict)
            },
            AppError::TooLarge(message) => Problem {
                message,
                ..problem_for(Status::PayloadTooLarge)
            },
            AppError::UnsupportedMediaType(message) => Problem {
                message,
                ..problem_for(Status::UnsupportedMediaType)
            },
            AppError::BadRequest(message) => Problem {
                message,
                ..problem_for(Status::BadRequest)
            },
            e @ AppError::Database(_) if e.database_unavailable() => {
                crate::web::request_log::error(format!("database unavailable: {e}"));
                problem_for(Status::ServiceUnavailable)
            }
            AppError::Database(e) => {
                crate::web::request_log::error(format!("database: {e}"));
                problem_for(Status::InternalServerError)
            }
            AppError::Internal(e) => {
                crate::web::request_log::error(format!("internal: {e}"));
                problem_for(Status::InternalServerError)
            }
        };
        respond_problem(req, p)
    }
}

/// A 401: pages go to sign-in (remembering where the user was going and why
/// the session ended); the API gets the JSON error.
enum Unauthorized {
    Page(Box<Redirect>),
    Api(Status, Json<ApiProblem>),
}

impl<'r> Responder<'r, 'static> for Unauthorized {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        match self {
            Unauthorized::Page(r) => (*r).respond_to(req),
            Unauthorized::Api(s, j) => (s, j).respond_to(req),
        }
    }
}

fn unauthorized(req: &Request<'_>) -> Unauthorized {
    if wants_json(req) {
        let p = problem_for(Status::Unauthorized);
        return Unauthorized::Api(Status::Unauthorized, Json(p.body()));
    }
    let mut target = String::from("/sign-in");
    let path = original_path(req);
    let mut params = Vec::new();
    if path != "/" && crate::web::pages::is_safe_return_path(&path) {
        params.push(format!("next={path}"));
    }
    if let Identity::Anonymous { ended: Some(end) } =
        req.local_cache(|| Identity::Anonymous { ended: None })
    {
        params.push(format!(
            "ended={}",
            if *end == SessionEnd::Idle {
                "idle"
            } else {
                "limit"
            }
        ));
    }
    if !params.is_empty() {
        target.push('?');
        target.push_str(&params.join("&"));
    }
    Unauthorized::Page(Box::new(Redirect::to(target)))
}

#[rocket::catch(401)]
fn catch_401(req: &Request<'_>) -> Unauthorized {
    unauthorized(req)
}

#[rocket::catch(428)]
fn catch_428(req: &Request<'_>) -> Result<Redirect, AppError> {
    if wants_json(req) {
        return Err(AppError::Forbidden);
    }
    let to = match req.local_cache(|| Identity::Anonymous { ended: None }) {
        Identity::Session(s) if !s.must_change_password && s.needs_two_step_setup => {
            "/account/two-step"
        }
        _ => "/account/password",
    };
    Ok(Redirect::to(to))
}

struct ProblemReply(Problem);

impl<'r> Responder<'r, 'static> for ProblemReply {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        respond_problem(req, self.0)
    }
}

fn forbidden_problem(req: &Request<'_>) -> Problem {
    let mut p = problem_for(Status::Forbidden);
    match req.local_cache(|| Verdict(None)).0 {
        Some(Refusal::CsrfToken) => {
            p.title = "Your form has expired";
            p.message = "For your security the form could not be sent. Go back, reload the page and try again.".into();
        }
        Some(Refusal::CrossSite) => {
            p.message = "Requests from other websites are refused.".into();
        }
        None => {}
    }
    p
}

#[rocket::catch(403)]
fn catch_403(req: &Request<'_>) -> ProblemReply {
    ProblemReply(forbidden_problem(req))
}

/// A 422 no handler wrote: a body or query that could not be read says
/// why; otherwise a path parameter did not parse (`/people/abc`), which for
/// the API means no such record.
#[rocket::catch(422)]
async fn catch_422(req: &Request<'_>) -> ApiUnrouted {
    let read_problem = req
        .local_cache(crate::web::api::json_body::BodyProblem::default)
        .0
        .is_some()
        || req
            .local_cache(crate::web::api::query::QueryProblem::default)
            .0
            .is_some();
    if read_problem || !wants_json(req) {
        return ApiUnrouted::Problem(catch_default(Status::UnprocessableEntity, req), None);
    }
    unrouted(Status::NotFound, req).await
}

#[rocket::catch(default)]
fn catch_default(status: Status, req: &Request<'_>) -> ProblemReply {
    let status = if status.code < 400 {
        Status::InternalServerError
    } else {
        status
    };
    let mut p = problem_for(status);
    // a JSON body that could not be read says why
    if let Some(reason) = &req
        .local_cache(crate::web::api::json_body::BodyProblem::default)
        .0
    {
        p.fields = Some(FieldErrors::one("body", reason.clone()));
    }
    if let Some((field, reason)) = &req
        .local_cache(crate::web::api::query::QueryProblem::default)
        .0
    {
        p.fields = Some(FieldErrors::one(field, reason.clone()));
    }
    ProblemReply(p)
}

/// A request to the API that no route took: 401, 405 with `Allow`, or 404
/// (see `api::unrouted`).
enum ApiUnrouted {
    Unauthorized(Unauthorized),
    Problem(ProblemReply, Option<String>),
}

impl<'r> Responder<'r, 'static> for ApiUnrouted {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        match self {
            ApiUnrouted::Unauthorized(u) => u.respond_to(req),
            ApiUnrouted::Problem(p, allow) => {
                let mut response = p.respond_to(req)?;
                if let Some(allow) = allow {
                    response.set_raw_header("Allow", allow);
                }
                Ok(response)
            }
        }
    }
}

async fn unrouted(status: Status, req: &Request<'_>) -> ApiUnrouted {
    let path = original_path(req);
    if !wants_json(req) || (status == Status::BadRequest && req.route().is_some()) {
        return ApiUnrouted::Problem(ProblemReply(problem_for(status)), None);
    }
    // a 400 with no route is a method Rocket could not read
    let method_known = status != Status::BadRequest;
    match crate::web::api::unrouted::answer(req, &path, method_known).await {
        Unrouted::Unauthorized => ApiUnrouted::Unauthorized(unauthorized(req)),
        Unrouted::NotFound => ApiUnrouted::Problem(
            ProblemReply(Problem {
                message: "There is nothing at this address: check it against the API document at /api/v1/openapi.json.".into(),
                ..problem_for(Status::NotFound)
            }),
            None,
        ),
        Unrouted::MethodNotAllowed(allow) => ApiUnrouted::Problem(
            ProblemReply(Problem {
                message: format!("This address answers only {allow}."),
                ..problem_for(Status::MethodNotAllowed)
            }),
            Some(allow),
        ),
    }
}

#[rocket::catch(404)]
async fn catch_404(req: &Request<'_>) -> ApiUnrouted {
    unrouted(Status::NotFound, req).await
}

#[rocket::catch(400)]
async fn catch_400(req: &Request<'_>) -> ApiUnrouted {
    if req.route().is_some() {
        return ApiUnrouted::Problem(catch_default(Status::BadRequest, req), None);
    }
    unrouted(Status::BadRequest, req).await
}

/// Every catcher.
pub fn catchers() -> Vec<Catcher> {
    catchers![
        catch_400,
        catch_401,
        catch_403,
        catch_404,
        catch_422,
        catch_428,
        catch_default
    ]
}
