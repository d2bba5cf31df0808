//! Passwords (argon2id) and the throttle on failed logins.

use crate::error::{Error, Result};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use domain::AppError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Hashes off the async runtime: argon2 is deliberately slow.
pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|e| Error::Config(format!("hashing task failed: {e}")))?
    .map_err(|e| Error::Config(format!("cannot hash password: {e}")))
}

/// A hash to verify against when the login does not exist, so both paths take as long.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$5vJ2Fn7ObsnwHzBaPbbOAvi/kVNNyoLvWjzJVUdh9Zo";

pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_string());
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&hash) else { return false };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && known
    })
    .await
    .unwrap_or(false)
}

struct Window {
    failures: u32,
    started: Instant,
}

/// Counts failed logins per key (a login, an address) in a sliding window; past the limit the
/// key is refused until the window ends. In memory: one `voronka serve` process guards itself.
pub struct LoginThrottle {
    limit: u32,
    window: Duration,
    keys: Mutex<HashMap<String, Window>>,
}

impl LoginThrottle {
    pub fn new(limit: u32, window: Duration) -> Self {
        LoginThrottle { limit, window, keys: Mutex::new(HashMap::new()) }
    }

    /// Refuses with `RateLimited` while any of the keys is over its limit.
    pub fn check(&self, keys: &[&str]) -> Result<(), AppError> {
        self.check_limit(keys, self.limit)
    }

    fn check_limit(&self, keys: &[&str], limit: u32) -> Result<(), AppError> {
        let now = Instant::now();
        let mut map = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, w| now.duration_since(w.started) < self.window);
        for key in keys {
            if let Some(w) = map.get(*key) {
                if w.failures >= limit {
                    let left = self.window.saturating_sub(now.duration_since(w.started));
                    return Err(AppError::RateLimited { retry_after_secs: left.as_secs().max(1) });
                }
            }
        }
        Ok(())
    }

    pub fn failed(&self, keys: &[&str]) {
        let now = Instant::now();
        let mut map = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            map.entry((*key).to_string()).or_insert(Window { failures: 0, started: now }).failures += 1;
        }
    }

    /// Addresses are shared (an office behind one NAT), so they get four times the login limit.
    pub fn check_address(&self, key: &str) -> Result<(), AppError> {
        self.check_limit(&[key], self.limit * 4)
    }

    pub fn succeeded(&self, key: &str) {
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

impl Default for LoginThrottle {
    /// Five failures per login (or twenty per address, see the caller) in fifteen minutes.
    fn default() -> Self {
        LoginThrottle::new(5, Duration::from_secs(15 * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash_password("correct horse".into()).await.unwrap();
        let b = hash_password("correct horse".into()).await.unwrap();
        // argon2id with OWASP's parameters: 19 MiB, two passes, one lane.
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(verify_password("correct horse".into(), Some(a.clone())).await);
        assert!(!verify_password("wrong horse".into(), Some(a)).await);
        assert!(!verify_password("anything".into(), None).await);
    }

    #[test]
    fn throttle_locks_after_the_limit_and_frees_on_success() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(t.check(&["login:anna"]).is_ok());
            t.failed(&["login:anna"]);
        }
        assert!(matches!(t.check(&["login:anna"]), Err(AppError::RateLimited { .. })));
        assert!(t.check(&["login:boris"]).is_ok());
        t.succeeded("login:anna");
        assert!(t.check(&["login:anna"]).is_ok());
    }

    #[test]
    fn throttle_window_expires() {
        let t = LoginThrottle::new(1, Duration::from_millis(10));
        t.failed(&["ip:1"]);
        assert!(t.check(&["ip:1"]).is_err());
        std::thread::sleep(Duration::from_millis(20));
        assert!(t.check(&["ip:1"]).is_ok());
    }
}
