//! The sign-in throttle: however many usernames are tried, one client address
//! may make only so many sign-in attempts (passwords and one-time codes) a
//! minute. The account lockout stops guessing at one account; this stops
//! spraying one common password across many.
//!
//! The address is Rocket's client address: the `X-Real-IP` header when the
//! app sits behind a proxy that sets it (`ROCKET_IP_HEADER` names another
//! header, `false` ignores headers), else the connection's peer. The count is
//! per server, in memory: behind a load balancer each server throttles alone.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// How often (in checks) addresses not seen for a while are forgotten.
const FORGET_EVERY: u32 = 1000;

/// Per-address sign-in rate limit (the `governor` crate's keyed GCRA limiter).
#[derive(Clone)]
pub struct SignInThrottle {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    checks: Arc<AtomicU32>,
}

impl std::fmt::Debug for SignInThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignInThrottle")
    }
}

impl SignInThrottle {
    /// At most `per_minute` attempts a minute per address, all of them
    /// available at once (a burst) and refilled evenly.
    pub fn new(per_minute: u32) -> SignInThrottle {
        let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        SignInThrottle {
            limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(n))),
            checks: Arc::new(AtomicU32::new(0)),
        }
    }

    /// Count an attempt from `client`; `false` when it must be refused. An
    /// unknown address (a request from inside the process) is never throttled.
    pub fn allow(&self, client: Option<IpAddr>) -> bool {
        if self
            .checks
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(FORGET_EVERY)
        {
            self.limiter.retain_recent();
        }
        match client {
            Some(ip) => self.limiter.check_key(&ip).is_ok(),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_is_held_to_its_quota_and_others_are_not() {
        let t = SignInThrottle::new(3);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(t.allow(Some(a)) && t.allow(Some(a)) && t.allow(Some(a)));
        assert!(!t.allow(Some(a)), "the fourth attempt in a minute");
        assert!(t.allow(Some(b)), "another address has its own quota");
        assert!(t.allow(None));
    }
}
