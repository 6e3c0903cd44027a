//! Your account: change password, create and revoke API tokens.
//! (Two-step verification has its own page: `two_step`.)

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::http::CookieJar;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::admin::{TokenRow, token_row};
use super::{FormOutcome, errors_json};
use crate::auth::SignedIn;
use crate::auth::guards::{Can, cap};
use crate::auth::identity::session_cookie;
use crate::domain::api_tokens::TokenLifetime;
use crate::error::{AppError, AppResult};
use crate::services::{accounts, tokens};
use crate::state::AppState;
use crate::web::shell::{Shell, render};

type ManageOwnAccount = Can<cap::ManageOwnAccount>;

/// What the token form holds.
#[derive(Serialize, Default)]
struct TokenValues {
    name: String,
    expires: String,
}

/// A token's lifetime, as the form offers it.
#[derive(Serialize)]
struct LifetimeChoice {
    value: &'static str,
    label: &'static str,
}

#[derive(Serialize, Default)]
struct AccountPage {
    username: String,
    display_name: String,
    roles: Vec<&'static str>,
    tokens: Vec<TokenRow>,
    lifetime_options: Vec<LifetimeChoice>,
    values: TokenValues,
    /// A token just created: shown this once.
    new_token: Option<String>,
    new_token_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

async fn account_page(
    app: &AppState,
    user: &ManageOwnAccount,
    shell: &Shell,
    page: AccountPage,
) -> AppResult<HtmlPage> {
    let now = app.now();
    let actor = user.actor();
    let page = AccountPage {
        username: actor.username().to_string(),
        display_name: actor.display_name().to_string(),
        roles: actor.roles().roles().iter().map(|r| r.label()).collect(),
        tokens: tokens::list_own(app, actor)
            .await?
            .iter()
            .map(|t| token_row(t, now))
            .collect(),
        lifetime_options: TokenLifetime::CHOICES
            .iter()
            .map(|(value, label)| LifetimeChoice { value, label })
            .collect(),
        ..page
    };
    Ok(render("account", shell, page))
}

#[get("/account")]
async fn show_account(
    app: &State<AppState>,
    user: ManageOwnAccount,
    shell: Shell,
) -> AppResult<HtmlPage> {
    account_page(app, &user, &shell, AccountPage::default()).await
}

#[derive(FromForm)]
struct TokenForm {
    name: String,
    #[field(default = String::new())]
    expires: String,
}

#[post("/account/tokens", data = "<form>")]
async fn create_token(
    app: &State<AppState>,
    user: ManageOwnAccount,
    shell: Shell,
    form: Form<TokenForm>,
) -> AppResult<(rocket::http::Status, HtmlPage)> {
    let uid = user.actor().user_id().ok_or(AppError::Forbidden)?;
    let created = match TokenLifetime::parse(&form.expires) {
        Ok(lifetime) => {
            tokens::create_with_lifetime(app, user.actor(), uid, &form.name, lifetime).await
        }
        Err(m) => Err(AppError::invalid("expires", m)),
    };
    match created {
        Ok((secret, token)) => Ok((
            rocket::http::Status::Created,
            account_page(
                app,
                &user,
                &shell,
                AccountPage {
                    new_token: Some(secret),
                    new_token_name: Some(token.name),
                    ..Default::default()
                },
            )
            .await?,
        )),
        Err(AppError::Invalid(e)) => Ok((
            rocket::http::Status::UnprocessableEntity,
            account_page(
                app,
                &user,
                &shell,
                AccountPage {
                    values: TokenValues {
                        name: form.name.clone(),
                        expires: form.expires.clone(),
                    },
                    errors: Some(errors_json(&e)),
                    ..Default::default()
                },
            )
            .await?,
        )),
        Err(e) => Err(e),
    }
}

#[post("/account/tokens/<id>/revoke")]
async fn revoke_token(
    app: &State<AppState>,
    user: ManageOwnAccount,
    id: i32,
) -> AppResult<FormOutcome> {
    tokens::revoke_own(app, user.actor(), id).await?;
    Ok(FormOutcome::done(
        "/account",
        "Token revoked: it can no longer be used",
    ))
}

/// The password form: nothing typed is ever sent back into it.
#[derive(Serialize)]
struct PasswordPage {
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

#[get("/account/password")]
fn edit_password(_user: SignedIn, shell: Shell) -> HtmlPage {
    render("password", &shell, PasswordPage { errors: None })
}

#[derive(FromForm)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

#[post("/account/password", data = "<form>")]
async fn update_password(
    app: &State<AppState>,
    user: SignedIn,
    shell: Shell,
    form: Form<PasswordForm>,
    cookies: &CookieJar<'_>,
    ua: super::session::UserAgent,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    match accounts::change_own_password(
        app,
        &user.actor,
        &f.current_password,
        &f.new_password,
        &f.confirm_password,
        ua.0,
    )
    .await
    {
        Ok(token) => {
            cookies.add(session_cookie(token, app.settings.https));
            Ok(FormOutcome::done(
                "/",
                "Your password has been changed. Other sessions have been signed out.",
            ))
        }
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(render(
            "password",
            &shell,
            PasswordPage {
                errors: Some(errors_json(&e)),
            },
        ))),
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![
        show_account,
        create_token,
        revoke_token,
        edit_password,
        update_password
    ]
}
