//! `GET /api/v1/docs`: the API reference as a plain page, drawn by Kerbside
//! from the same OpenAPI document (no third-party scripts, works without
//! JavaScript), for a developer reading without tools.

use crate::web::shell::HtmlPage;
use rocket::{State, get};
use serde::Serialize;
use serde_json::Value;

use super::openapi::document_for;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::shell::{Shell, render};

#[derive(Serialize)]
struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    public: bool,
    parameters: Vec<Field>,
    body: Option<String>,
    body_type: Option<String>,
    responses: Vec<Answer>,
}

#[derive(Serialize)]
struct Answer {
    status: String,
    description: String,
    schema: Option<String>,
}

#[derive(Serialize)]
struct Field {
    name: String,
    place: String,
    required: bool,
    shape: String,
    description: String,
}

#[derive(Serialize)]
struct SchemaView {
    name: String,
    description: String,
    fields: Vec<Field>,
    values: Vec<String>,
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn ref_name(schema: &Value) -> Option<String> {
    if let Some(r) = schema["$ref"].as_str() {
        return r.rsplit('/').next().map(str::to_string);
    }
    if schema["items"].is_object() {
        return ref_name(&schema["items"]).map(|n| format!("list of {n}"));
    }
    schema["type"].as_str().map(str::to_string)
}

/// A schema's shape in a few words: type, format, limits, pattern, codes.
fn shape(s: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(n) = ref_name(s) {
        parts.push(n);
    } else if let Some(types) = s["type"].as_array() {
        parts.push(types.iter().map(text).collect::<Vec<_>>().join(" or "));
    } else if let Some(all) = s["allOf"].as_array().or(s["oneOf"].as_array()) {
        parts.push(
            all.iter()
                .filter_map(ref_name)
                .collect::<Vec<_>>()
                .join(" or "),
        );
    }
    for (key, label) in [
        ("format", "format"),
        ("minimum", "min"),
        ("maximum", "max"),
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("pattern", "pattern"),
    ] {
        if !s[key].is_null() {
            let v = s[key]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| s[key].to_string());
            parts.push(format!("{label} {v}"));
        }
    }
    if let Some(e) = s["enum"].as_array() {
        parts.push(format!(
            "one of {}",
            e.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    parts.join("; ")
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let parameters = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| Field {
                    name: text(&p["name"]),
                    place: text(&p["in"]),
                    required: p["required"].as_bool().unwrap_or(false),
                    shape: shape(&p["schema"]),
                    description: text(&p["description"]),
                })
                .collect();
            let content = &op["requestBody"]["content"];
            let (body, body_type) = match content.as_object().and_then(|c| c.iter().next()) {
                Some((media, c)) => (ref_name(&c["schema"]), Some(media.clone())),
                None => (None, None),
            };
            let responses = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(status, r)| Answer {
                    status: status.clone(),
                    description: text(&r["description"]),
                    schema: r["content"]
                        .as_object()
                        .and_then(|c| c.values().next())
                        .and_then(|c| ref_name(&c["schema"])),
                })
                .collect();
            out.push(Operation {
                anchor: format!("{method}{}", path.replace(['/', '{', '}'], "-")),
                method: method.to_uppercase(),
                path: format!("/api/v1{path}"),
                summary: text(&op["summary"]),
                description: text(&op["description"]),
                public: op["security"].as_array().is_some_and(|s| s.is_empty()),
                parameters,
                body,
                body_type,
                responses,
            });
        }
    }
    out
}

fn schemas(doc: &Value) -> Vec<SchemaView> {
    let mut out = Vec::new();
    for (name, s) in doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let required: Vec<&str> = s["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str())
            .collect();
        let mut fields = Vec::new();
        let mut objects = vec![s];
        objects.extend(s["allOf"].as_array().into_iter().flatten());
        for o in objects {
            for (field, f) in o["properties"].as_object().into_iter().flatten() {
                fields.push(Field {
                    name: field.clone(),
                    place: String::new(),
                    required: required.contains(&field.as_str()),
                    shape: shape(f),
                    description: text(&f["description"]),
                });
            }
            if let Some(r) = o["$ref"].as_str() {
                fields.push(Field {
                    name: "…".into(),
                    place: String::new(),
                    required: true,
                    shape: format!("every field of {}", r.rsplit('/').next().unwrap_or(r)),
                    description: String::new(),
                });
            }
        }
        out.push(SchemaView {
            name: name.clone(),
            description: text(&s["description"]),
            fields,
            values: s["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .map(text)
                .collect(),
        });
    }
    out
}

/// The API reference (public, like the document).
#[utoipa::path(
    tag = "reference",
    security(()),
    responses((status = 200, description = "The API reference as a web page", content_type = "text/html", body = String)),
)]
#[get("/docs")]
pub async fn api_reference(app: &State<AppState>, shell: Shell) -> AppResult<HtmlPage> {
    let doc = serde_json::to_value(document_for(app).await?)
        .map_err(|e| crate::error::AppError::Internal(format!("the API document: {e}")))?;
    Ok(render(
        "api_docs",
        &shell,
        serde_json::json!({
            "title": text(&doc["info"]["title"]),
            "version": text(&doc["openapi"]),
            "description": text(&doc["info"]["description"]),
            "operations": operations(&doc),
            "schemas": schemas(&doc),
        }),
    ))
}
