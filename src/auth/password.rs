//! Password hashing with argon2id (m = 19456 KiB, t = 2, p = 1), PHC strings,
//! re-hashing when the parameters change, and a bound on how many hashes run
//! at once so that a burst of sign-ins cannot exhaust memory.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

const M_COST: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

fn argon() -> Argon2<'static> {
    let params = Params::new(M_COST, T_COST, P_COST, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    /// Wrong password (or an unreadable stored hash).
    No,
    /// Right password, stored hash current.
    Yes,
    /// Right password; here is a hash with the current parameters to store.
    YesRehash(String),
}

/// Hashes and verifies passwords off the async threads, a few at a time.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

/// Hashing failed (not a wrong password: something is broken).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

impl PasswordHasher {
    /// A hasher allowing `concurrency` hashes at once.
    pub fn new(concurrency: usize) -> PasswordHasher {
        PasswordHasher {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    /// Hash a password to a PHC string (blocking; for the command line).
    pub fn hash_blocking(password: &str) -> Result<String, HashError> {
        argon()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| HashError(e.to_string()))
    }

    fn verify_blocking(password: &str, stored: &str) -> Verified {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return Verified::No;
        };
        if argon()
            .verify_password(password.as_bytes(), &parsed)
            .is_err()
        {
            return Verified::No;
        }
        let current = parsed.algorithm.as_str() == "argon2id"
            && Params::try_from(&parsed)
                .map(|p| p.m_cost() == M_COST && p.t_cost() == T_COST && p.p_cost() == P_COST)
                .unwrap_or(false);
        if current {
            Verified::Yes
        } else {
            match PasswordHasher::hash_blocking(password) {
                Ok(h) => Verified::YesRehash(h),
                Err(_) => Verified::Yes,
            }
        }
    }

    /// Hash a password.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError(e.to_string()))?;
        let pw = password.to_string();
        tokio::task::spawn_blocking(move || PasswordHasher::hash_blocking(&pw))
            .await
            .map_err(|e| HashError(e.to_string()))?
    }

    /// Check a password; `stored` of `None` still spends the same effort, so
    /// an unknown username takes as long as a wrong password.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Verified {
        let Ok(_permit) = self.permits.acquire().await else {
            return Verified::No;
        };
        let pw = password.to_string();
        let stored = stored.map(str::to_string);
        tokio::task::spawn_blocking(move || match stored {
            Some(s) => PasswordHasher::verify_blocking(&pw, &s),
            None => {
                let _ = PasswordHasher::verify_blocking(&pw, DUMMY_HASH);
                Verified::No
            }
        })
        .await
        .unwrap_or(Verified::No)
    }
}

// A valid hash of a random string, used to spend equal time on unknown users.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2X6pV0lzwq4yq9hbd3rYtJ0NQ3J8n9l9QTc0c2a5xzY";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let h = PasswordHasher::new(2);
        let phc = h.hash("kerbside lantern evening").await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            h.verify("kerbside lantern evening", Some(&phc)).await,
            Verified::Yes
        );
        assert_eq!(
            h.verify("kerbside lantern evenings", Some(&phc)).await,
            Verified::No
        );
        assert_eq!(h.verify("anything", None).await, Verified::No);
    }

    #[tokio::test]
    async fn an_old_parameter_set_is_upgraded_on_sign_in() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"kerbside lantern evening")
        .unwrap()
        .to_string();
        let h = PasswordHasher::new(1);
        match h.verify("kerbside lantern evening", Some(&weak)).await {
            Verified::YesRehash(new) => assert!(new.contains("m=19456,t=2,p=1")),
            other => panic!("expected a re-hash, got {other:?}"),
        }
    }
}
