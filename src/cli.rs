//! The command line (contract: ../shared/design/api-and-cli.md).
//! `kerbside [serve]`, `backup --to FILE`, `user create ...`, `token create ...`.
//! Usage errors exit 2; failures exit 1 with a line saying what to fix.

use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::auth::Actor;
use crate::clock::SystemClock;
use crate::config::Settings;
use crate::error::AppError;
use crate::services::{accounts, setup, tokens};
use crate::state::AppState;
use crate::{build_rocket, db};

/// What the operator asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    Help,
    Backup {
        to: String,
    },
    UserCreate {
        username: String,
        name: String,
        roles: Vec<String>,
    },
    TokenCreate {
        username: String,
        name: String,
    },
}

/// The usage text.
pub const USAGE: &str = "Usage:
  kerbside [serve]                  migrate the database, then serve the app
  kerbside backup --to FILE         copy the database consistently while the app runs
  kerbside user create --username U --name \"N\" --role R [--role R2] --password-stdin
                                    create a user; the password is read from standard input
  kerbside token create --username U --name LABEL
                                    print a new API token for that user (shown only once)

Roles: police, probation, facilitator, manager, admin.
Configuration comes from environment variables; see README.md.";

fn flags(
    args: &[String],
    known: &[&str],
    switches: &[&str],
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if a.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        if switches.contains(&name.as_str()) {
            out.push((name, String::new()));
            i += 1;
        } else if known.contains(&name.as_str()) {
            let value = match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    args.get(i)
                        .cloned()
                        .ok_or_else(|| format!("{name} needs a value"))?
                }
            };
            out.push((name, value));
            i += 1;
        } else {
            return Err(format!("unknown option '{a}'"));
        }
    }
    Ok(out)
}

fn one(f: &[(String, String)], name: &str) -> Result<String, String> {
    let mut values = f.iter().filter(|(n, _)| n == name);
    match (values.next(), values.next()) {
        (Some((_, v)), None) => Ok(v.clone()),
        (None, _) => Err(format!("{name} is required")),
        (Some(_), Some(_)) => Err(format!("{name} was given twice")),
    }
}

/// Parse the arguments (without the program name).
pub fn parse(args: &[String]) -> Result<Command, String> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] | ["serve"] => Ok(Command::Serve),
        ["help"] | ["--help"] | ["-h"] => Ok(Command::Help),
        ["serve", rest @ ..] => Err(format!("serve takes no options (got '{}')", rest.join(" "))),
        ["backup", ..] => {
            let f = flags(&args[1..], &["--to"], &[])?;
            Ok(Command::Backup {
                to: one(&f, "--to")?,
            })
        }
        ["user", "create", ..] => {
            let f = flags(
                &args[2..],
                &["--username", "--name", "--role"],
                &["--password-stdin"],
            )?;
            if !f.iter().any(|(n, _)| n == "--password-stdin") {
                return Err(
                    "--password-stdin is required: passwords are never taken from the command line"
                        .into(),
                );
            }
            let roles: Vec<String> = f
                .iter()
                .filter(|(n, _)| n == "--role")
                .map(|(_, v)| v.clone())
                .collect();
            if roles.is_empty() {
                return Err("at least one --role is required".into());
            }
            Ok(Command::UserCreate {
                username: one(&f, "--username")?,
                name: one(&f, "--name")?,
                roles,
            })
        }
        ["token", "create", ..] => {
            let f = flags(&args[2..], &["--username", "--name"], &[])?;
            Ok(Command::TokenCreate {
                username: one(&f, "--username")?,
                name: one(&f, "--name")?,
            })
        }
        [other, ..] => Err(format!("unknown command '{other}'")),
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("kerbside: {message}");
    ExitCode::from(1)
}

/// Run the command line; the process exit code.
pub fn main(args: Vec<String>) -> ExitCode {
    let command = match parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kerbside: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if command == Command::Help {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    rocket::execute(run(command, settings))
}

async fn open(settings: &Settings) -> Result<AppState, ExitCode> {
    match db::connect_and_migrate(&settings.database_url).await {
        Ok(conn) => Ok(AppState::new(conn, settings.clone(), Arc::new(SystemClock))),
        Err(e) => Err(fail(e)),
    }
}

fn explain(e: AppError) -> String {
    match e {
        AppError::Invalid(fields) => fields
            .iter()
            .map(|(f, m)| format!("{f}: {m}"))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

async fn run(command: Command, settings: Settings) -> ExitCode {
    match command {
        Command::Serve => serve(settings).await,
        Command::Help => ExitCode::SUCCESS,
        Command::Backup { to } => backup(&settings, &to).await,
        Command::UserCreate {
            username,
            name,
            roles,
        } => {
            let mut password = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut password) {
                return fail(format!(
                    "could not read the password from standard input: {e}"
                ));
            }
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let app = match open(&settings).await {
                Ok(a) => a,
                Err(code) => return code,
            };
            let new = accounts::NewAccount {
                username,
                display_name: name,
                roles,
                password,
                must_change_password: false,
            };
            match accounts::create_user(&app, &Actor::command_line(), new).await {
                Ok(user) => {
                    println!("Created user {} (id {})", user.username, user.id);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(explain(e)),
            }
        }
        Command::TokenCreate { username, name } => {
            let app = match open(&settings).await {
                Ok(a) => a,
                Err(code) => return code,
            };
            let uname = crate::domain::accounts::parse_username(&username).unwrap_or(username);
            let user = match db::users_repo::find_by_username(&app.db, &uname).await {
                Ok(Some(u)) => u,
                Ok(None) => return fail(format!("no user with username '{uname}'")),
                Err(e) => return fail(e),
            };
            match tokens::create(&app, &Actor::command_line(), user.id, &name).await {
                Ok((secret, _)) => {
                    println!("{secret}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(explain(e)),
            }
        }
    }
}

async fn backup(settings: &Settings, to: &str) -> ExitCode {
    if std::path::Path::new(to).exists() {
        return fail(format!("{to} already exists: choose a new file name"));
    }
    let conn = match db::connect(&settings.database_url).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    match conn.get_database_backend() {
        DbBackend::Sqlite => {
            let stmt =
                Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [to.into()]);
            match conn.execute_raw(stmt).await {
                Ok(_) => {
                    println!("Backed up to {to}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(format!("backup failed: {e}")),
            }
        }
        _ => fail(format!(
            "on PostgreSQL use pg_dump, which takes a consistent snapshot while the app runs: pg_dump --format=custom --file {to} \"$DATABASE_URL\""
        )),
    }
}

/// In the release profile, refuse to start with a secret key that anyone
/// could know (Rocket itself only warns).
fn check_release_secret(figment: &rocket::figment::Figment) -> Result<(), String> {
    if figment.profile() != "release" {
        return Ok(());
    }
    match figment.extract_inner::<String>("secret_key") {
        Ok(key) => crate::auth::secrets::check_secret_key(&key),
        Err(_) => Err(
            "ROCKET_SECRET_KEY is not set: generate one with `openssl rand -base64 32` and give every server the same one"
                .into(),
        ),
    }
}

/// The page templates and the static files must be where the settings say,
/// or the server would start and then fail on every page.
fn check_folders(settings: &Settings) -> Result<(), String> {
    for (variable, dir) in [
        ("KERBSIDE_TEMPLATE_DIR", &settings.template_dir),
        ("KERBSIDE_STATIC_DIR", &settings.static_dir),
    ] {
        if !dir.is_dir() {
            return Err(format!(
                "{} is not a folder: run kerbside from the folder that holds templates/ and static/, or set {variable}",
                dir.display()
            ));
        }
    }
    Ok(())
}

async fn serve(settings: Settings) -> ExitCode {
    if let Err(e) = check_release_secret(&rocket::Config::figment()) {
        return fail(e);
    }
    if let Err(e) = check_folders(&settings) {
        return fail(e);
    }
    let app = match open(&settings).await {
        Ok(a) => a,
        Err(code) => return code,
    };
    let setup_token = match setup::begin_if_needed(&app).await {
        Ok(t) => t,
        Err(e) => return fail(format!("could not prepare first-run setup: {e}")),
    };
    // The lines are printed after the socket is bound, so that they carry the
    // real port (ROCKET_PORT=0 asks the system for a free one).
    let announce = rocket::fairing::AdHoc::on_liftoff("Announce the address", move |rocket| {
        Box::pin(async move {
            let c = rocket.config();
            if let Some(token) = setup_token {
                println!(
                    "\nKerbside has no accounts yet. To create the first administrator, open this one-time link:\n\n    http://{}:{}/setup/{token}\n",
                    c.address, c.port
                );
            }
            println!(
                "Kerbside is serving on http://{}:{} (Ctrl-C to stop)",
                c.address, c.port
            );
        })
    });
    let rocket = build_rocket(
        rocket::Config::figment(),
        app.db.clone(),
        settings,
        app.clock.clone(),
    )
    .attach(announce);
    match rocket.launch().await {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => fail(format!("could not start, or the server stopped: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn no_command_means_serve() {
        assert_eq!(parse(&[]), Ok(Command::Serve));
        assert_eq!(parse(&args("serve")), Ok(Command::Serve));
    }

    #[test]
    fn user_create_takes_repeated_roles() {
        let c = parse(&args(
            "user create --username pc1 --name=Jo --role police --role manager --password-stdin",
        ));
        assert_eq!(
            c,
            Ok(Command::UserCreate {
                username: "pc1".into(),
                name: "Jo".into(),
                roles: vec!["police".into(), "manager".into()]
            })
        );
    }

    #[test]
    fn bad_commands_and_flags_are_usage_errors() {
        assert!(parse(&args("launch")).is_err());
        assert!(parse(&args("backup")).is_err());
        assert!(parse(&args("backup --to")).is_err());
        assert!(parse(&args("backup --to a --verbose")).is_err());
        assert!(parse(&args("user create --username u --name n --role police")).is_err());
        assert!(parse(&args("token create --username u")).is_err());
    }
}
