//! Password hashing with argon2id (m = 19456 KiB, t = 2, p = 1), PHC strings,
//! and re-hashing when the parameters change.
//!
//! Memory: each argon2id computation needs 19 MiB. Hashes run on a fixed set
//! of worker threads (`KERBSIDE_HASHING_CONCURRENCY`, default 4), each of
//! which reuses one block of hashing memory, so a burst of sign-ins (wrong
//! ones included: an unknown username is hashed too, for equal timing) waits
//! in a queue instead of taking 19 MiB per request. A worker idle for
//! [`RELEASE_AFTER`] gives its memory back.

use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use subtle::ConstantTimeEq;
use tokio::sync::oneshot;

const M_COST: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;
const OUTPUT_LEN: usize = 32;

/// How long a hashing worker keeps its memory block after its last job.
pub const RELEASE_AFTER: Duration = Duration::from_secs(30);

fn current_params() -> Params {
    Params::new(M_COST, T_COST, P_COST, Some(OUTPUT_LEN)).unwrap_or_default()
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

/// Hashing failed (not a wrong password: something is broken).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// One worker's reusable argon2 memory.
struct Workspace {
    blocks: Vec<Block>,
}

impl Workspace {
    fn new() -> Workspace {
        Workspace { blocks: Vec::new() }
    }

    /// `count` blocks: the worker's own block for the usual parameters, grown
    /// once if an older stored hash asks for more.
    fn blocks(&mut self, count: usize) -> &mut [Block] {
        if self.blocks.len() < count {
            self.blocks = vec![Block::new(); count];
        }
        &mut self.blocks[..count]
    }

    fn release(&mut self) {
        self.blocks = Vec::new();
    }

    fn compute(
        &mut self,
        params: Params,
        algorithm: Algorithm,
        version: Version,
        password: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> Result<(), argon2::Error> {
        let count = params.block_count();
        let argon = Argon2::new(algorithm, version, params);
        argon.hash_password_into_with_memory(password, salt, out, self.blocks(count))
    }

    fn hash(&mut self, password: &str) -> Result<String, HashError> {
        let params = current_params();
        let salt = Salt::generate();
        let mut out = [0u8; OUTPUT_LEN];
        self.compute(
            params.clone(),
            Algorithm::Argon2id,
            Version::V0x13,
            password.as_bytes(),
            &salt,
            &mut out,
        )
        .map_err(|e| HashError(e.to_string()))?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(|e| HashError(e.to_string()))?,
            salt: Some(salt),
            hash: Some(Output::new(&out).map_err(|e| HashError(e.to_string()))?),
        };
        Ok(phc.to_string())
    }

    fn verify(&mut self, password: &str, stored: &str) -> Verified {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return Verified::No;
        };
        let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
            return Verified::No;
        };
        let (Ok(algorithm), Ok(params)) = (
            Algorithm::try_from(parsed.algorithm.as_str()),
            Params::try_from(&parsed),
        ) else {
            return Verified::No;
        };
        let version = parsed
            .version
            .and_then(|v| Version::try_from(v).ok())
            .unwrap_or(Version::V0x13);
        let mut out = vec![0u8; expected.len()];
        let current = algorithm == Algorithm::Argon2id
            && params.m_cost() == M_COST
            && params.t_cost() == T_COST
            && params.p_cost() == P_COST;
        if self
            .compute(
                params,
                algorithm,
                version,
                password.as_bytes(),
                salt,
                &mut out,
            )
            .is_err()
            || !bool::from(out.as_slice().ct_eq(expected.as_bytes()))
        {
            return Verified::No;
        }
        if current {
            return Verified::Yes;
        }
        match self.hash(password) {
            Ok(h) => Verified::YesRehash(h),
            Err(_) => Verified::Yes,
        }
    }
}

enum Job {
    Hash {
        password: String,
        reply: oneshot::Sender<Result<String, HashError>>,
    },
    Verify {
        password: String,
        stored: Option<String>,
        reply: oneshot::Sender<Verified>,
    },
}

fn work(jobs: Receiver<Job>) {
    let mut space = Workspace::new();
    loop {
        let job = match jobs.recv_timeout(RELEASE_AFTER) {
            Ok(job) => job,
            Err(RecvTimeoutError::Timeout) => {
                space.release();
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        match job {
            Job::Hash { password, reply } => {
                let _ = reply.send(space.hash(&password));
            }
            Job::Verify {
                password,
                stored,
                reply,
            } => {
                let verdict = match stored {
                    Some(s) => space.verify(&password, &s),
                    None => {
                        // An unknown user: spend the same effort, then refuse.
                        let _ = space.verify(&password, DUMMY_HASH);
                        Verified::No
                    }
                };
                let _ = reply.send(verdict);
            }
        }
    }
}

/// Hashes and verifies passwords on a fixed set of worker threads.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    jobs: Arc<Sender<Job>>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("password job")
    }
}

impl PasswordHasher {
    /// A hasher with `concurrency` worker threads (at least one).
    pub fn new(concurrency: usize) -> PasswordHasher {
        let (tx, rx) = crossbeam_channel::unbounded();
        for n in 0..concurrency.max(1) {
            let rx = rx.clone();
            let _ = std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || work(rx));
        }
        PasswordHasher { jobs: Arc::new(tx) }
    }

    /// Hash a password to a PHC string (blocking; for the command line).
    pub fn hash_blocking(password: &str) -> Result<String, HashError> {
        Workspace::new().hash(password)
    }

    /// Hash a password.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job::Hash {
                password: password.to_string(),
                reply,
            })
            .map_err(|_| HashError("no hashing workers".into()))?;
        answer
            .await
            .map_err(|_| HashError("a hashing worker stopped".into()))?
    }

    /// Check a password; `stored` of `None` still spends the same effort, so
    /// an unknown username takes as long as a wrong password.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Verified {
        let (reply, answer) = oneshot::channel();
        let sent = self.jobs.send(Job::Verify {
            password: password.to_string(),
            stored: stored.map(str::to_string),
            reply,
        });
        if sent.is_err() {
            return Verified::No;
        }
        answer.await.unwrap_or(Verified::No)
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
        use argon2::password_hash::PasswordHasher as _;
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
