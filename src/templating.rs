//! Tera filters: dates and times in the house style, Europe/London.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rocket_dyn_templates::tera::{Result as TeraResult, Tera, Value};

use crate::domain::london_time::{format_date, format_datetime};

fn as_datetime(v: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn date_uk(v: &Value, _: &HashMap<String, Value>) -> TeraResult<Value> {
    if let Some(dt) = as_datetime(v) {
        return Ok(Value::String(format_date(
            crate::domain::london_time::london_date(dt),
        )));
    }
    match v
        .as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    {
        Some(d) => Ok(Value::String(format_date(d))),
        None => Ok(v.clone()),
    }
}

fn datetime_uk(v: &Value, _: &HashMap<String, Value>) -> TeraResult<Value> {
    Ok(as_datetime(v)
        .map(|d| Value::String(format_datetime(d)))
        .unwrap_or_else(|| v.clone()))
}

/// Register the filters.
pub fn register(tera: &mut Tera) {
    tera.register_filter("date_uk", date_uk);
    tera.register_filter("datetime_uk", datetime_uk);
}
