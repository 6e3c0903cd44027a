//! The authenticated person (or the operator at the command line) on whose
//! behalf a service acts. Only `auth/` can build one, so a service holding an
//! `Actor` knows the caller was authenticated.

use crate::domain::roles::{Capability, RoleSet};
use crate::error::AppError;

/// Who is acting, with which roles, and through which door.
#[derive(Clone, Debug)]
pub struct Actor {
    user_id: Option<i32>,
    username: String,
    display_name: String,
    roles: RoleSet,
    api_token_id: Option<i32>,
    session_id: Option<i32>,
}

impl Actor {
    pub(in crate::auth) fn signed_in(
        user_id: i32,
        username: String,
        display_name: String,
        roles: RoleSet,
        session_id: i32,
    ) -> Actor {
        Actor {
            user_id: Some(user_id),
            username,
            display_name,
            roles,
            api_token_id: None,
            session_id: Some(session_id),
        }
    }

    pub(in crate::auth) fn with_token(
        user_id: i32,
        username: String,
        display_name: String,
        roles: RoleSet,
        api_token_id: i32,
    ) -> Actor {
        Actor {
            user_id: Some(user_id),
            username,
            display_name,
            roles,
            api_token_id: Some(api_token_id),
            session_id: None,
        }
    }

    /// The operator running `kerbside` on the server's command line: may
    /// manage accounts, and nothing else.
    pub fn command_line() -> Actor {
        Actor {
            user_id: None,
            username: "command line".to_string(),
            display_name: "Server command line".to_string(),
            roles: RoleSet::new([crate::domain::roles::Role::Admin]),
            api_token_id: None,
            session_id: None,
        }
    }

    /// The user's id (`None` for the command line).
    pub fn user_id(&self) -> Option<i32> {
        self.user_id
    }

    /// The user's username.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The user's full name.
    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    /// The roles held.
    pub fn roles(&self) -> &RoleSet {
        &self.roles
    }

    /// The API token used, if the request came with one.
    pub fn api_token_id(&self) -> Option<i32> {
        self.api_token_id
    }

    /// The sign-in session used, if any.
    pub fn session_id(&self) -> Option<i32> {
        self.session_id
    }

    /// May this actor do that?
    pub fn can(&self, capability: Capability) -> bool {
        self.roles.can(capability)
    }

    /// `Err(forbidden)` unless this actor may do that.
    pub fn require(&self, capability: Capability) -> Result<(), AppError> {
        if self.can(capability) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}
