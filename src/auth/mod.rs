//! Who is asking, and may they? Sessions, API tokens, CSRF, the `Actor` that
//! services take, and request guards per capability.

pub mod actor;
pub mod guards;
pub mod identity;
pub mod password;
pub mod request_checks;
pub mod secrets;
pub mod throttle;

pub use actor::Actor;
pub use guards::{Can, SignedIn};
