//! Request guards. `SignedIn` needs any signed-in user; `Can<C>` needs a user
//! whose roles grant capability `C`. Pages and API routes use the same guards:
//! the identity was already resolved according to the door (cookie or token).
//!
//! Failures: nobody signed in -> 401 (pages: redirect to sign-in); signed in
//! but must change password first -> 428 (pages: redirect to the change page);
//! capability missing -> 403.

use std::marker::PhantomData;

use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};

use super::actor::Actor;
use super::identity::{Identity, SessionIdentity};
use crate::domain::roles::Capability;

/// Any signed-in user (or API token holder).
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// Who.
    pub actor: Actor,
    /// The browser session, when the request came with one.
    pub session: Option<SessionIdentity>,
}

/// Paths a user who must change a password or set up two-step verification
/// may still reach.
fn allowed_before_password_change(path: &str) -> bool {
    matches!(
        path,
        "/account/password"
            | "/account/two-step"
            | "/sign-out"
            | "/session/expiring"
            | "/session/extend"
    )
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SignedIn {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let identity = req.local_cache(|| Identity::Anonymous { ended: None });
        match identity {
            Identity::Session(s) => {
                if (s.must_change_password || s.needs_two_step_setup)
                    && !allowed_before_password_change(req.uri().path().as_str())
                {
                    return Outcome::Error((Status::PreconditionRequired, ()));
                }
                Outcome::Success(SignedIn {
                    actor: s.actor.clone(),
                    session: Some(s.clone()),
                })
            }
            Identity::Token(actor) => Outcome::Success(SignedIn {
                actor: actor.clone(),
                session: None,
            }),
            Identity::Anonymous { .. } => Outcome::Error((Status::Unauthorized, ())),
        }
    }
}

/// A capability named as a type, so that `Can<cap::RecordArrests>` reads as
/// the rule it enforces.
pub trait CapabilityMarker: Send + Sync + 'static {
    /// The capability required.
    const CAPABILITY: Capability;
}

macro_rules! capability_markers {
    ($($name:ident),* $(,)?) => {
        /// Marker types, one per [`Capability`].
        pub mod cap {
            use super::{Capability, CapabilityMarker};
            $(
                #[doc = concat!("Requires `Capability::", stringify!($name), "`.")]
                pub struct $name;
                impl CapabilityMarker for $name {
                    const CAPABILITY: Capability = Capability::$name;
                }
            )*
        }
    };
}

capability_markers!(
    RecordArrests,
    ViewPeople,
    ManageCases,
    ManagePrograms,
    MarkRegister,
    ViewStatistics,
    UseCalculators,
    ManageUsers,
    ViewAuditLog,
    ManageOwnAccount,
);

/// A signed-in user whose roles grant capability `C`.
pub struct Can<C: CapabilityMarker> {
    /// The user.
    pub user: SignedIn,
    _capability: PhantomData<C>,
}

impl<C: CapabilityMarker> Can<C> {
    /// The acting user.
    pub fn actor(&self) -> &Actor {
        &self.user.actor
    }
}

#[rocket::async_trait]
impl<'r, C: CapabilityMarker> FromRequest<'r> for Can<C> {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match SignedIn::from_request(req).await {
            Outcome::Success(user) if user.actor.can(C::CAPABILITY) => Outcome::Success(Can {
                user,
                _capability: PhantomData,
            }),
            Outcome::Success(_) => Outcome::Error((Status::Forbidden, ())),
            Outcome::Error(e) => Outcome::Error(e),
            Outcome::Forward(f) => Outcome::Forward(f),
        }
    }
}
