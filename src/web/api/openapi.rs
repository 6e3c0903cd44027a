//! The OpenAPI 3 description of `/api/v1`. Each operation is listed once in
//! [`OPERATIONS`]; a test compares that list with the mounted routes so the
//! two cannot drift apart.

use rocket::get;
use rocket::serde::json::Json;
use serde_json::{Map, Value, json};

/// (method, path under /api/v1 in OpenAPI form, summary, success status).
pub const OPERATIONS: &[(&str, &str, &str, &str)] = &[
    ("get", "/openapi.json", "This document", "200"),
    (
        "get",
        "/me",
        "The user the token acts as, with roles",
        "200",
    ),
    (
        "post",
        "/users",
        "Create a user account (administrators)",
        "201",
    ),
    ("post", "/people", "Record a man (police, probation)", "201"),
    (
        "get",
        "/people",
        "Typo-tolerant search by name, reference, date of birth, PNC ID or vehicle; best match first, each with a score",
        "200",
    ),
    (
        "get",
        "/people/{id}",
        "A man's record with his arrests",
        "200",
    ),
    (
        "post",
        "/arrests",
        "Record an arrest; answers previous_arrests and referral_id",
        "201",
    ),
    (
        "get",
        "/arrests",
        "Arrests, newest first, filtered by from, to, area, operation, disposal",
        "200",
    ),
    (
        "post",
        "/arrests/import",
        "Import a force CSV export (text/csv; ?dry_run=true to check only): all rows or none",
        "200",
    ),
    (
        "get",
        "/referrals",
        "Open referrals, most urgent first (?status=, ?mine=true)",
        "200",
    ),
    (
        "post",
        "/assessments",
        "Create a draft assessment (person_id, rosh, suitability, rationale; optional referral_id, ogrs3, dash, needs)",
        "201",
    ),
    (
        "get",
        "/assessments/{id}",
        "An assessment (probation only)",
        "200",
    ),
    (
        "put",
        "/assessments/{id}",
        "Replace a draft; 409 once completed",
        "200",
    ),
    (
        "post",
        "/assessments/{id}/complete",
        "Complete and lock an assessment (author only)",
        "200",
    ),
    (
        "post",
        "/calculators/ogrs3",
        "OGRS3 (2009 calibration): one- and two-year probability, percent, band; nothing stored",
        "200",
    ),
    (
        "post",
        "/calculators/dash",
        "DASH score, local band and MARAC criteria; nothing stored",
        "200",
    ),
];

fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}}
        }}}
    })
}

/// Build the document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for (method, path, summary, ok) in OPERATIONS {
        let params: Vec<Value> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer"}}))
            .collect();
        let mut responses = Map::new();
        responses.insert(ok.to_string(), json!({"description": "Success", "content": {"application/json": {"schema": {"type": "object"}}}}));
        for (code, text) in [
            ("401", "No or invalid token"),
            ("403", "The token's user lacks the role"),
            ("422", "Invalid input"),
        ] {
            responses.insert(code.into(), json!({"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}));
        }
        let mut op = json!({ "summary": summary, "responses": responses });
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        if *path != "/openapi.json" {
            op["security"] = json!([{"bearer": []}]);
        } else {
            op["security"] = json!([]);
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Kerbside API",
            "version": "1",
            "description": "Arrests, people, referrals, assessments, programmes and statistics for the kerb-crawling demand-reduction team. Every call is authorised by the token's user's roles and audited."
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": error_schema()}
        },
        "security": [{"bearer": []}]
    })
}

#[get("/openapi.json")]
pub fn openapi_json() -> Json<Value> {
    Json(document())
}
