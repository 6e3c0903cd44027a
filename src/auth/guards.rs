//! Request guards. `SignedIn` needs any signed-in user; `Can<C>` needs a user
//! whose roles grant capability `C`. Pages and API routes use the same guards:
//! the identity was already resolved according to the door (cookie or token).
//!
//! Failures: nobody signed in -> 401 (pages: redirect to sign-in); signed in
//! but must change password first -> 428 (pages: redirect to the change page);
//! capability missing -> 404 on a route about one record (`/people/<id>`: the
//! answer must not confirm that the record exists), 403 on a whole feature
//! (`/admin/users`). Every refusal is audited as `refused`, with the route and
//! the record asked for.

use std::marker::PhantomData;

use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};

use super::actor::Actor;
use super::identity::{Identity, SessionIdentity};
use crate::domain::audit_action::AuditAction;
use crate::domain::roles::Capability;
use crate::services::audit::{self, AuditEntry};
use crate::state::AppState;

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
            Identity::Unavailable => Outcome::Error((Status::ServiceUnavailable, ())),
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
    ReviewRetention,
    ExportSubjectData,
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
            Outcome::Success(user) => {
                Outcome::Error((refuse(req, &user.actor, C::CAPABILITY).await, ()))
            }
            Outcome::Error(e) => Outcome::Error(e),
            Outcome::Forward(f) => Outcome::Forward(f),
        }
    }
}

/// A signed-in user whose roles grant capability `A` or `B`: for a route
/// whose service then decides how much each may see (a man's record: all
/// of it with `ViewPeople`, a facilitator's few fields for the men on his
/// own cohorts with `MarkRegister`). Refused like [`Can`] otherwise.
pub struct CanEither<A: CapabilityMarker, B: CapabilityMarker> {
    /// The user.
    pub user: SignedIn,
    _capabilities: PhantomData<(A, B)>,
}

impl<A: CapabilityMarker, B: CapabilityMarker> CanEither<A, B> {
    /// The acting user.
    pub fn actor(&self) -> &Actor {
        &self.user.actor
    }
}

#[rocket::async_trait]
impl<'r, A: CapabilityMarker, B: CapabilityMarker> FromRequest<'r> for CanEither<A, B> {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match SignedIn::from_request(req).await {
            Outcome::Success(user)
                if user.actor.can(A::CAPABILITY) || user.actor.can(B::CAPABILITY) =>
            {
                Outcome::Success(CanEither {
                    user,
                    _capabilities: PhantomData,
                })
            }
            Outcome::Success(user) => {
                Outcome::Error((refuse(req, &user.actor, A::CAPABILITY).await, ()))
            }
            Outcome::Error(e) => Outcome::Error(e),
            Outcome::Forward(f) => Outcome::Forward(f),
        }
    }
}

/// The record a route is about: the record type named by the path segment
/// before its first parameter, and the parameter's value (`/people/<id>` asked
/// as `/people/42` is ("person", "42")).
fn record_asked_for(req: &Request<'_>) -> Option<(&'static str, String)> {
    let route = req.route()?;
    let path: &str = route.uri.path();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let at = segments.iter().position(|s| s.starts_with('<'))?;
    let value = req.uri().path().segments().get(at)?.to_string();
    let kind = match at.checked_sub(1).and_then(|i| segments.get(i)).copied() {
        Some("people") => "person",
        Some("arrests") => "arrest",
        Some("referrals") => "referral",
        Some("assessments") => "assessment",
        Some("hearings") => "hearing",
        Some("users") => "user",
        Some("sessions") => "session",
        Some("cohorts") => "cohort",
        Some("enrolments") => "enrolment",
        Some("tokens") => "api_token",
        Some("import") | Some("imports") => "import",
        _ => "record",
    };
    Some((kind, value))
}

/// Refuse a user whose roles lack `capability`: audit it, and answer 404 for
/// a record (its existence is not confirmed) or 403 for a feature.
async fn refuse(req: &Request<'_>, actor: &Actor, capability: Capability) -> Status {
    let record = record_asked_for(req);
    if let Some(app) = req.rocket().state::<AppState>() {
        let route = req
            .route()
            .map(|r| format!("{} {}", r.method, r.uri.path()))
            .unwrap_or_else(|| req.method().to_string());
        let mut entry =
            AuditEntry::new(AuditAction::Refused).reason(format!("{route}: needs {capability:?}"));
        if let Some((kind, id)) = &record {
            entry = entry.record(kind, id);
            if let (&"person", Ok(person)) = (kind, id.parse::<i32>()) {
                entry = entry.person(person);
            }
        }
        if let Err(e) = audit::record_alone(app, actor, app.now(), entry).await {
            eprintln!("could not audit a refused request: {e}");
        }
    }
    if record.is_some() {
        Status::NotFound
    } else {
        Status::Forbidden
    }
}
