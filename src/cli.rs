//! The command line (contract: ../shared/design/api-and-cli.md).
//! `kerbside [serve]`, `backup --to FILE`, `user create ...`, `token create ...`,
//! parsed by clap (`--help` on every command, `--version`, suggestions).
//! Usage errors exit 2; failures exit 1 with a line saying what to fix.

use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::auth::Actor;
use crate::clock::SystemClock;
use crate::config::Settings;
use crate::domain::roles::Role;
use crate::services::{accounts, setup, tokens};
use crate::state::AppState;
use crate::{build_rocket, db};

/// The command line as typed: `kerbside [COMMAND]`.
#[derive(Parser, Debug)]
#[command(
    name = "kerbside",
    version,
    about = "Kerbside: arrests, risk, programmes and reports for a multi-agency team",
    after_help = "Configuration comes from environment variables (DATABASE_URL, ROCKET_PORT, ...); see README.md.",
    infer_subcommands = false
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What the operator asked for.
#[derive(Subcommand, Debug, PartialEq, Eq)]
pub enum Command {
    /// Migrate the database, then serve the app (what `kerbside` alone does)
    Serve,
    /// Copy the database consistently while the app runs (SQLite; on
    /// PostgreSQL it explains pg_dump)
    Backup {
        /// The new file to write (refused if it exists)
        #[arg(long, value_name = "FILE")]
        to: String,
    },
    /// Fill an empty database with a fictional town's five years of work,
    /// and print the demo users' passwords (once)
    SeedDemo {
        /// How many men
        #[arg(long, default_value_t = crate::demo::DEFAULT_SCALE, value_parser = clap::value_parser!(usize))]
        scale: usize,
        /// The same seed gives the same town
        #[arg(long, default_value_t = crate::demo::DEFAULT_SEED)]
        seed: u64,
    },
    /// Manage user accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens
    #[command(subcommand)]
    Token(TokenCommand),
}

/// `kerbside user ...`
#[derive(Subcommand, Debug, PartialEq, Eq)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input and must
    /// meet the password policy
    Create {
        /// The sign-in name (letters, digits, dots)
        #[arg(long)]
        username: String,
        /// The name shown on screen, e.g. "Dan Hollis"
        #[arg(long)]
        name: String,
        /// A role; repeat for several
        #[arg(long = "role", value_name = "ROLE", required = true, value_parser = role_names())]
        roles: Vec<String>,
        /// Read the password from standard input (required: passwords are
        /// never taken from the command line, where others could see them)
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

/// `kerbside token ...`
#[derive(Subcommand, Debug, PartialEq, Eq)]
pub enum TokenCommand {
    /// Print a new API token for a user (shown only once)
    Create {
        /// The user the token acts as
        #[arg(long)]
        username: String,
        /// A label saying what the token is for, e.g. "force RMS import"
        #[arg(long, value_name = "LABEL")]
        name: String,
    },
}

/// The roles a user may be given, for `--role` (with suggestions when one
/// is mistyped).
fn role_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Role::ALL.iter().map(|r| r.as_str()))
}

/// Parse the arguments (without the program name).
pub fn parse(args: &[String]) -> Result<Command, clap::Error> {
    let cli =
        Cli::try_parse_from(std::iter::once("kerbside".to_string()).chain(args.iter().cloned()))?;
    Ok(cli.command.unwrap_or(Command::Serve))
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("kerbside: {message}");
    ExitCode::from(1)
}

/// Run the command line; the process exit code. Usage errors (and `--help`,
/// `--version`) are clap's: a mistake is named, with a suggestion when a
/// command or value was mistyped, and exits 2.
pub fn main(args: Vec<String>) -> ExitCode {
    let command = match parse(&args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
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

async fn run(command: Command, settings: Settings) -> ExitCode {
    match command {
        Command::Serve => serve(settings).await,
        Command::Backup { to } => backup(&settings, &to).await,
        Command::SeedDemo { scale, seed } => seed_demo(&settings, scale, seed).await,
        Command::User(UserCommand::Create {
            username,
            name,
            roles,
            password_stdin: _,
        }) => {
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
                Err(e) => fail(e.in_words()),
            }
        }
        Command::Token(TokenCommand::Create { username, name }) => {
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
                Err(e) => fail(e.in_words()),
            }
        }
    }
}

/// Progress on standard error: a bar redrawn in place on a terminal, a line
/// every tenth otherwise (a log keeps no carriage returns). `of` 0: a step
/// without a count.
fn show_progress(command: &str, step: &str, done: usize, of: usize) {
    use std::io::{IsTerminal, Write};
    let mut err = std::io::stderr();
    if of == 0 {
        let _ = writeln!(err, "{command}: {step}");
        return;
    }
    let percent = done * 100 / of;
    if err.is_terminal() {
        let filled = percent / 4;
        let _ = write!(
            err,
            "\r{command}: {step} [{}{}] {percent:>3}% ({done} of {of})",
            "#".repeat(filled),
            ".".repeat(25 - filled)
        );
        if done >= of {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    } else {
        // a line when the step starts, ends or passes a tenth (counts may
        // jump several tenths at once)
        static LAST_TENTH: std::sync::Mutex<Option<(String, usize)>> = std::sync::Mutex::new(None);
        let tenth = (step.to_string(), done * 10 / of);
        let mut last = LAST_TENTH.lock().unwrap_or_else(|p| p.into_inner());
        if done == 0 || done >= of || last.as_ref() != Some(&tenth) {
            let _ = writeln!(err, "{command}: {step}: {done} of {of}");
        }
        *last = Some(tenth);
    }
}

async fn seed_demo(settings: &Settings, scale: usize, seed: u64) -> ExitCode {
    let started = std::time::Instant::now();
    let progress = |step: &str, done: usize, of: usize| show_progress("seed-demo", step, done, of);
    match crate::demo::seed(settings, scale, seed, &progress).await {
        Ok(made) => {
            println!(
                "Made {} men, {} arrests, {} assessments, {} cohorts, {} enrolments, {} attendance marks, {} enforcement decisions, {} court reports and {} cautions found by checks in {:.0} s.",
                made.men,
                made.arrests,
                made.assessments,
                made.cohorts,
                made.enrolments,
                made.marks,
                made.enforcement,
                made.court_reports,
                made.reoffences_found,
                started.elapsed().as_secs_f64()
            );
            println!("Sign in as (these passwords are shown only now):");
            for u in &made.users {
                println!("  {:<12} {:<18} {}", u.role, u.username, u.password);
            }
            println!(
                "The administrator and the auditor are asked to set up two-step verification at first sign-in."
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
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
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    fn kind(s: &str) -> Option<ErrorKind> {
        parse(&args(s)).err().map(|e| e.kind())
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_means_serve() {
        assert_eq!(parse(&[]).ok(), Some(Command::Serve));
        assert_eq!(parse(&args("serve")).ok(), Some(Command::Serve));
    }

    #[test]
    fn user_create_takes_repeated_roles() {
        let c = parse(&args(
            "user create --username pc1 --name=Jo --role police --role manager --password-stdin",
        ));
        assert_eq!(
            c.ok(),
            Some(Command::User(UserCommand::Create {
                username: "pc1".into(),
                name: "Jo".into(),
                roles: vec!["police".into(), "manager".into()],
                password_stdin: true,
            }))
        );
    }

    #[test]
    fn bad_commands_and_flags_are_usage_errors_that_name_the_mistake() {
        assert_eq!(kind("launch"), Some(ErrorKind::InvalidSubcommand));
        assert_eq!(kind("backup"), Some(ErrorKind::MissingRequiredArgument));
        assert_eq!(kind("backup --to"), Some(ErrorKind::InvalidValue));
        assert_eq!(
            kind("backup --to a --verbose"),
            Some(ErrorKind::UnknownArgument)
        );
        assert_eq!(
            kind("user create --username u --name n --role police"),
            Some(ErrorKind::MissingRequiredArgument)
        );
        assert_eq!(
            kind("token create --username u"),
            Some(ErrorKind::MissingRequiredArgument)
        );
        assert_eq!(
            kind("user create --username u --name n --role polise --password-stdin"),
            Some(ErrorKind::InvalidValue)
        );
        let typo = parse(&args("tokn create"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(typo.contains("token"), "a suggestion: {typo}");
    }

    #[test]
    fn every_command_has_help_and_the_binary_a_version() {
        for line in [
            "--help",
            "user --help",
            "user create --help",
            "token create --help",
            "backup --help",
        ] {
            assert_eq!(kind(line), Some(ErrorKind::DisplayHelp), "{line}");
        }
        assert_eq!(kind("--version"), Some(ErrorKind::DisplayVersion));
    }
}
