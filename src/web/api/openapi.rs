//! The OpenAPI 3.1 description of `/api/v1`, generated from the handlers'
//! `#[utoipa::path]` attributes and the request and response types they
//! take and return, so it cannot say one thing while the code does another.
//! A journey test compares its paths and query parameters with the mounted
//! routes.
//!
//! Three things are added to every operation here rather than written on
//! each: the answers every route gives in the same way (401 without a valid
//! token, 403 without the role; 400, 413 and 415 for a JSON body that cannot
//! be taken), and the links that say which answer feeds which request (a
//! man recorded feeds his arrest, an arrest its referral, a man his
//! assessment), which clients and Schemathesis's stateful phase follow.

use rocket::{State, get};
use utoipa::openapi::schema::Schema;

use crate::error::AppResult;
use crate::services::settings;
use crate::state::AppState;
use rocket::serde::json::Json;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{
    Components, ContentBuilder, OpenApi as Document, RefOr, Response, ResponseBuilder,
};
use utoipa::{Modify, OpenApi, ToSchema};

use super::problem::Problem;
use super::unrouted::PUBLIC_PATHS;
use super::{
    arrests, assessments, attendance, calculators, court_reports, enrolments, me, people,
    programmes, referrals, statistics, users,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kerbside API",
        version = "1",
        description = "Arrests, people, referrals, risk assessments, programmes, enrolments, attendance and court reports for the multi-agency team that tackles kerb crawling. Every call needs an API token (`kerbside token create`), is allowed by the token's user's roles, and is audited. `/api/v1` changes only by adding: see the README's stability promise.",
    ),
    servers((url = "/api/v1")),
    paths(
        openapi_json,
        super::docs::api_reference,
        me::show_me,
        users::create_user,
        people::create_person,
        people::search_people,
        people::show_person,
        people::export_person,
        arrests::create_arrest,
        arrests::list_arrests,
        arrests::import_arrests,
        referrals::list_referrals,
        assessments::create_assessment,
        assessments::show_assessment,
        assessments::replace_assessment,
        assessments::complete_assessment,
        calculators::calculate_ogrs3,
        calculators::calculate_dash,
        programmes::create_programme,
        programmes::create_cohort,
        enrolments::create_enrolment,
        enrolments::show_enrolment,
        enrolments::record_enforcement,
        enrolments::progress_report,
        attendance::show_register,
        attendance::save_register,
        court_reports::create_court_report,
        court_reports::show_court_report,
        court_reports::change_court_report,
        court_reports::submit_court_report,
        court_reports::correct_court_report,
        court_reports::court_report_pdf,
        statistics::reoffending,
        statistics::create_reoffence,
        statistics::board_report,
    ),
    components(schemas(Problem)),
    modifiers(&CommonAnswers, &Links, &DisposalRules),
    security(("bearer" = [])),
)]
struct ApiDoc;

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    Problem::name(),
                ))))
                .build(),
        )
        .build()
        .into()
}

fn add_missing(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| problem(description));
}

/// The answers every route gives in the same way.
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Components::new);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            let public = PUBLIC_PATHS.contains(&format!("/api/v1{path}").as_str());
            for op in operations(item) {
                if public {
                    op.security = Some(vec![]);
                    continue;
                }
                add_missing(
                    op,
                    "401",
                    "No valid API token: send `Authorization: Bearer <token>`",
                );
                add_missing(
                    op,
                    "503",
                    "The database is not answering (a restart or failover): nothing was saved; try again after `Retry-After` seconds",
                );
                add_missing(
                    op,
                    "403",
                    "The token's user does not hold a role this needs",
                );
                if has_parameter_in(op, ParameterIn::Path) {
                    add_missing(
                        op,
                        "404",
                        "No such record, or not one the caller may see (also for an id that is not a number)",
                    );
                }
                if has_parameter_in(op, ParameterIn::Query) {
                    add_missing(op, "422", "A parameter is wrong: `fields` names it");
                }
                if let Some(RefOr::T(body)) = &op.request_body
                    && body.content.contains_key("application/json")
                {
                    add_missing(
                        op,
                        "400",
                        "The body is not JSON that can be read: `fields.body` says why",
                    );
                    add_missing(op, "413", "The body is larger than allowed");
                    add_missing(op, "415", "The body is not declared as application/json");
                    add_missing(
                        op,
                        "422",
                        "A field is missing or wrong: `fields` names each",
                    );
                }
            }
        }
    }
}

fn has_parameter_in(op: &Operation, place: ParameterIn) -> bool {
    op.parameters.as_ref().is_some_and(|ps| {
        ps.iter()
            .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
    })
}

fn operations(item: &mut utoipa::openapi::PathItem) -> Vec<&mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .filter_map(|o| o.as_mut())
    .collect()
}

/// Which answer feeds which request: `(path, method, status, link name,
/// operation, parameters, request body)`, values as OpenAPI runtime
/// expressions.
type LinkSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    Option<serde_json::Value>,
);

fn link_specs() -> Vec<LinkSpec> {
    use serde_json::json;
    vec![
        (
            "/people",
            "post",
            "201",
            "ShowPerson",
            "show_person",
            &[("id", "$response.body#/id")],
            None,
        ),
        (
            "/people",
            "post",
            "201",
            "ExportHisData",
            "export_person",
            &[("id", "$response.body#/id")],
            None,
        ),
        (
            "/people",
            "post",
            "201",
            "RecordArrest",
            "create_arrest",
            &[],
            Some(json!({
                "person_id": "$response.body#/id",
                "arrested_at": "2026-03-14T23:40:00Z",
                "location": "Portman Road",
                "area": "Town centre",
                "offence": "soliciting_s51a_soa2003",
                "disposal": "conditional_caution",
                "course_deadline": "2026-06-30"
            })),
        ),
        (
            "/people",
            "post",
            "201",
            "AssessHim",
            "create_assessment",
            &[],
            Some(json!({"person_id": "$response.body#/id"})),
        ),
        (
            "/arrests",
            "post",
            "201",
            "ShowArrestedPerson",
            "show_person",
            &[("id", "$response.body#/person_id")],
            None,
        ),
        (
            "/arrests",
            "post",
            "201",
            "AssessForReferral",
            "create_assessment",
            &[],
            Some(json!({
                "person_id": "$response.body#/person_id",
                "referral_id": "$response.body#/referral_id"
            })),
        ),
        (
            "/assessments",
            "post",
            "201",
            "ShowAssessment",
            "show_assessment",
            &[("id", "$response.body#/id")],
            None,
        ),
        (
            "/assessments",
            "post",
            "201",
            "CompleteAssessment",
            "complete_assessment",
            &[("id", "$response.body#/id")],
            None,
        ),
        (
            "/cohorts",
            "post",
            "201",
            "FirstRegister",
            "show_register",
            &[("id", "$response.body#/sessions/0/id")],
            None,
        ),
        (
            "/cohorts",
            "post",
            "201",
            "MarkFirstRegister",
            "save_register",
            &[("id", "$response.body#/sessions/0/id")],
            None,
        ),
        (
            "/enrolments",
            "post",
            "201",
            "ShowEnrolment",
            "show_enrolment",
            &[("id", "$response.body#/id")],
            None,
        ),
        (
            "/court-reports",
            "post",
            "201",
            "ShowCourtReport",
            "show_court_report",
            &[("id", "$response.body#/id")],
            None,
        ),
        (
            "/court-reports",
            "post",
            "201",
            "SubmitCourtReport",
            "submit_court_report",
            &[("id", "$response.body#/id")],
            None,
        ),
        (
            "/enrolments",
            "post",
            "201",
            "RecordEnforcement",
            "record_enforcement",
            &[("id", "$response.body#/id")],
            None,
        ),
    ]
}

/// The links between operations (see [`link_specs`]).
struct Links;

impl Modify for Links {
    fn modify(&self, doc: &mut Document) {
        for (path, method, status, name, operation_id, params, body) in link_specs() {
            let Some(item) = doc.paths.paths.get_mut(path) else {
                continue;
            };
            let op = match method {
                "post" => item.post.as_mut(),
                "put" => item.put.as_mut(),
                _ => item.get.as_mut(),
            };
            let Some(op) = op else { continue };
            let Some(RefOr::T(response)) = op.responses.responses.get_mut(status) else {
                continue;
            };
            let mut link = LinkBuilder::new().operation_id(operation_id);
            for (k, v) in params {
                link = link.parameter(*k, *v);
            }
            if let Some(b) = body {
                link = link.request_body(Some(b));
            }
            response.links.insert(name.to_string(), link.build().into());
        }
    }
}

/// What an arrest's disposal brings with it, as JSON Schema conditionals on
/// `ArrestBody` (the rule itself is `check_disposal_details` in
/// `domain/arrest.rs`): `charged` needs a court and a first hearing date and
/// is the only disposal with them; only a `conditional_caution` may carry a
/// course deadline. Dates relative to the arrest stay the server's (422).
struct DisposalRules;

impl Modify for DisposalRules {
    fn modify(&self, doc: &mut Document) {
        use serde_json::json;
        let no_text = json!({"anyOf": [{"type": "null"}, {"type": "string", "pattern": "^\\s*$"}]});
        let no_date = json!({"type": "null"});
        let conditions = json!([
            {
                "if": {"properties": {"disposal": {"const": "charged"}}, "required": ["disposal"]},
                "then": {
                    "required": ["court", "first_hearing_date"],
                    "properties": {
                        "court": {"type": "string", "pattern": "\\S"},
                        "first_hearing_date": {"type": "string"}
                    }
                },
                "else": {"properties": {"court": no_text, "first_hearing_date": no_date}}
            },
            {
                "if": {"properties": {"disposal": {"const": "conditional_caution"}}, "required": ["disposal"]},
                "else": {"properties": {"course_deadline": no_date}}
            }
        ]);
        if let Some(components) = doc.components.as_mut()
            && let Some(RefOr::T(Schema::Object(body))) = components.schemas.get_mut("ArrestBody")
        {
            body.extensions
                .get_or_insert_with(Default::default)
                .insert("allOf".to_string(), conditions);
        }
    }
}

/// The document.
pub fn document() -> Document {
    ApiDoc::openapi()
}

/// The document as this server answers: the team's areas, a setting,
/// become the enum of an arrest's `area` (any text when none are set).
pub async fn document_for(app: &AppState) -> AppResult<Document> {
    let mut doc = document();
    let areas = settings::areas(app).await?;
    if areas.is_empty() {
        return Ok(doc);
    }
    if let Some(components) = doc.components.as_mut()
        && let Some(RefOr::T(Schema::Object(body))) = components.schemas.get_mut("ArrestBody")
        && let Some(RefOr::T(Schema::Object(area))) = body.properties.get_mut("area")
    {
        area.enum_values = Some(areas.into_iter().map(serde_json::Value::from).collect());
        area.pattern = None;
    }
    Ok(doc)
}

/// This document, OpenAPI 3.1 as JSON (public).
#[utoipa::path(
    tag = "reference",
    security(()),
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object)),
)]
#[get("/openapi.json")]
pub async fn openapi_json(app: &State<AppState>) -> AppResult<Json<Document>> {
    Ok(Json(document_for(app).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_names_an_operation_of_the_document() {
        let doc = serde_json::to_value(document()).expect("serialises");
        let mut ids = Vec::new();
        for item in doc["paths"].as_object().expect("paths").values() {
            for op in item.as_object().expect("item").values() {
                if let Some(id) = op["operationId"].as_str() {
                    ids.push(id.to_string());
                }
            }
        }
        for (path, _, _, name, target, _, _) in link_specs() {
            assert!(
                ids.contains(&target.to_string()),
                "{path} {name} -> {target}"
            );
        }
        let links = &doc["paths"]["/people"]["post"]["responses"]["201"]["links"];
        assert!(links["RecordArrest"]["requestBody"]["person_id"].is_string());
    }

    #[test]
    fn the_arrest_disposal_is_an_enum_of_the_six_codes() {
        let doc = serde_json::to_value(document()).expect("serialises");
        assert_eq!(doc["openapi"], "3.1.0");
        let disposal = &doc["components"]["schemas"]["Disposal"]["enum"];
        let codes: Vec<&str> = disposal
            .as_array()
            .expect("enum")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert_eq!(codes.len(), 6, "{codes:?}");
        let body = &doc["components"]["schemas"]["ArrestBody"];
        assert!(
            body["required"]
                .as_array()
                .expect("required")
                .iter()
                .any(|r| r.as_str() == Some("disposal"))
        );
    }
}
