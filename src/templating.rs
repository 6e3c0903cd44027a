//! The page templates: loaded once from the template folder into one Tera
//! instance, with HTML escaping on and the house date filters (Europe/London).
//!
//! Pages render straight from one JSON value into Tera's context (see
//! `web::shell::render`), so a page's data is converted once, not three times
//! as it was through a general templating fairing. A debug build reloads the
//! templates when a file in the folder changes, so `cargo run` shows an edited
//! template on the next request; a release build loads them once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use chrono::{DateTime, NaiveDate, Utc};
use tera::{Context, Result as TeraResult, Tera, Value};

use crate::domain::london_time::{format_date, format_datetime};

/// What a template file's name ends with; the rest of its path, from the
/// template folder, is the name pages render it by ("people", "admin_users").
const TEMPLATE_SUFFIX: &str = ".html.tera";

/// The loaded templates.
pub struct Templates {
    folder: PathBuf,
    tera: RwLock<Loaded>,
}

struct Loaded {
    tera: Tera,
    /// The newest modification time among the files when they were loaded.
    newest: Option<SystemTime>,
}

impl Templates {
    /// Load every template in `folder`. Fails with Tera's message (file and
    /// line) when a template does not parse.
    pub fn load(folder: &Path) -> Result<Templates, String> {
        let loaded = load_folder(folder)?;
        Ok(Templates {
            folder: folder.to_path_buf(),
            tera: RwLock::new(loaded),
        })
    }

    /// Render template `name` with `context`.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, String> {
        if cfg!(debug_assertions) {
            self.reload_if_changed();
        }
        let loaded = self.tera.read().map_err(|_| "templates poisoned")?;
        loaded
            .tera
            .render(name, context)
            .map_err(|e| full_message(&e))
    }

    /// Debug builds only: load the folder again when a file in it is newer
    /// than the last load. A template that no longer parses keeps the old one
    /// and says why in the log.
    fn reload_if_changed(&self) {
        let newest = newest_change(&self.folder);
        let stale = self.tera.read().map(|l| newest > l.newest).unwrap_or(false);
        if !stale {
            return;
        }
        match load_folder(&self.folder) {
            Ok(loaded) => {
                if let Ok(mut l) = self.tera.write() {
                    *l = loaded;
                }
            }
            Err(e) => eprintln!("kerbside: templates not reloaded: {e}"),
        }
    }
}

fn template_files(folder: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(dir) = folders.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot read template folder {}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let Ok(relative) = path.strip_prefix(folder) else {
                continue;
            };
            let relative = relative.to_string_lossy().replace('\\', "/");
            if let Some(name) = relative.strip_suffix(TEMPLATE_SUFFIX) {
                files.push((path.clone(), name.to_string()));
            }
        }
    }
    Ok(files)
}

fn newest_change(folder: &Path) -> Option<SystemTime> {
    template_files(folder)
        .ok()?
        .iter()
        .filter_map(|(path, _)| std::fs::metadata(path).ok()?.modified().ok())
        .max()
}

fn load_folder(folder: &Path) -> Result<Loaded, String> {
    let newest = newest_change(folder);
    let files = template_files(folder)?;
    let mut tera = Tera::default();
    // Tera escapes by the file's path; ours end in ".tera", not ".html".
    tera.autoescape_on(vec![TEMPLATE_SUFFIX]);
    tera.add_template_files(files.into_iter().map(|(path, name)| (path, Some(name))))
        .map_err(|e| full_message(&e))?;
    register(&mut tera);
    Ok(Loaded { tera, newest })
}

/// Tera's error with its causes ("failed to render 'x'" alone says little).
fn full_message(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    message
}

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
fn register(tera: &mut Tera) {
    tera.register_filter("date_uk", date_uk);
    tera.register_filter("datetime_uk", datetime_uk);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_folder_loads_under_short_names() {
        let templates = Templates::load(Path::new("templates")).expect("templates load");
        let loaded = templates.tera.read().expect("lock");
        for name in ["base", "people", "person", "admin_users", "register"] {
            assert!(loaded.tera.get_template(name).is_ok(), "{name} missing");
        }
    }

    #[test]
    fn templates_escape_html_and_are_found_in_sub_folders() {
        let folder = std::env::temp_dir().join(format!("kerbside-tpl-{}", std::process::id()));
        std::fs::create_dir_all(folder.join("parts")).expect("folder");
        std::fs::write(folder.join("probe.html.tera"), "<b>{{ name }}</b>").expect("write");
        std::fs::write(folder.join("parts/inner.html.tera"), "{{ name | upper }}").expect("write");
        std::fs::write(folder.join("notes.txt"), "{{ not a template").expect("write");
        let templates = Templates::load(&folder).expect("loads");
        let mut context = Context::new();
        context.insert("name", "<script>x</script>");
        let probe = templates.render("probe", &context).expect("renders");
        let inner = templates.render("parts/inner", &context).expect("renders");
        let missing = templates.render("absent", &context);
        std::fs::remove_dir_all(&folder).ok();
        assert_eq!(probe, "<b>&lt;script&gt;x&lt;&#x2F;script&gt;</b>");
        assert_eq!(inner, "&lt;SCRIPT&gt;X&lt;&#x2F;SCRIPT&gt;");
        assert!(missing.is_err());
    }
}
