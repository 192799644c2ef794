//! Authentication: argon2id password hashes, opaque bearer tokens stored as SHA-256 hashes,
//! session expiry (idle and absolute), login throttling per account and per client address,
//! and the [`Caller`] of a request with the role rules it must pass. This module knows no HTTP
//! responses: it says what went wrong in an [`AuthError`], and `error.rs` alone maps that to a
//! status. The extractor that turns a request into a [`Caller`] lives in `api::extract`.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

use crate::domain::Role;
use crate::store::{Store, StoreError, User};

/// What authentication or a role rule refused, in our own words.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No usable session: missing, malformed, unknown, expired or revoked token.
    #[error("niet ingelogd: {0}")]
    Unauthenticated(&'static str),
    /// Logged in, but this role may not do this.
    #[error("geen toegang")]
    Forbidden,
    /// The service is shutting down and takes no more password checks.
    #[error("afsluiten")]
    ShuttingDown,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("interne fout: {0:#}")]
    Internal(anyhow::Error),
}

/// Why a session no longer counts.
pub const SESSION_GONE: &str = "Uw sessie is verlopen of beëindigd. Log opnieuw in.";

/// Failed logins after which an account is locked for a while.
pub const FAILURES_BEFORE_LOCK: i64 = 5;
const FIRST_LOCK: Duration = Duration::from_secs(30);
const LONGEST_LOCK: Duration = Duration::from_secs(15 * 60);

/// Session and throttling settings, and the per-address login counters of this node.
pub struct Auth {
    pub idle: Duration,
    pub absolute: Duration,
    per_minute: u32,
    attempts: Mutex<HashMap<IpAddr, (Instant, u32)>>,
    hashing: tokio::sync::Semaphore,
    /// Accounts that logged in from an address, and when: they pass that address's limit.
    known: Mutex<HashMap<(IpAddr, String), Instant>>,
    /// Per-account turns for password checks (see [`Auth::turn`]).
    turns: Vec<tokio::sync::Mutex<()>>,
    /// Reverse proxies whose `X-Forwarded-For` names the real client.
    pub trusted_proxies: Vec<IpAddr>,
}

impl Auth {
    pub fn new(idle: Duration, absolute: Duration, attempts_per_minute: u32) -> Auth {
        Auth {
            idle,
            absolute,
            per_minute: attempts_per_minute.max(1),
            attempts: Mutex::new(HashMap::new()),
            hashing: tokio::sync::Semaphore::new(
                2 * std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            known: Mutex::new(HashMap::new()),
            turns: (0..64).map(|_| tokio::sync::Mutex::new(())).collect(),
            trusted_proxies: Vec::new(),
        }
    }

    /// Reads client addresses from `X-Forwarded-For` when the peer is one of these proxies.
    pub fn with_trusted_proxies(mut self, proxies: Vec<IpAddr>) -> Auth {
        self.trusted_proxies = proxies;
        self
    }

    /// Reserves a login attempt for `ip`: `Err(seconds)` when the address has used up its
    /// attempts for this minute. Counted before the password is checked, so parallel
    /// attempts cannot slip past the limit; [`Auth::refund`] gives it back on success, so an
    /// office behind one address is not locked out by its own staff.
    pub fn reserve(&self, ip: IpAddr) -> Result<(), u64> {
        let mut map = self
            .attempts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| start.elapsed() < MINUTE);
        }
        let entry = map.entry(ip).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= MINUTE {
            *entry = (Instant::now(), 0);
        }
        if entry.1 >= self.per_minute {
            return Err(MINUTE.saturating_sub(entry.0.elapsed()).as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Notes that `account` logged in from `ip` (kept for [`KNOWN_FOR`], at most 100 000 pairs).
    fn remember(&self, ip: IpAddr, account: &str) {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() > 100_000 {
            known.retain(|_, at| at.elapsed() < KNOWN_FOR);
        }
        known.insert((ip, account.to_string()), Instant::now());
    }

    /// True when `account` logged in from `ip` within [`KNOWN_FOR`].
    fn known_from(&self, ip: IpAddr, account: &str) -> bool {
        let known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        known
            .get(&(ip, account.to_string()))
            .is_some_and(|at| at.elapsed() < KNOWN_FOR)
    }

    /// Gives back a reserved attempt (the login succeeded, or was not an attempt at all).
    pub fn refund(&self, ip: IpAddr) {
        let mut map = self
            .attempts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(entry) = map.get_mut(&ip) {
            entry.1 = entry.1.saturating_sub(1);
        }
    }

    /// Checks a password on a blocking thread, at most a few at a time: each check holds
    /// 19 MiB, so a flood of logins waits instead of exhausting memory.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, AuthError> {
        let _permit = self
            .hashing
            .acquire()
            .await
            .map_err(|_| AuthError::ShuttingDown)?;
        tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| AuthError::Internal(e.into()))
    }

    /// Hashes a new password on a blocking thread, under the same limit as [`Auth::verify`].
    pub async fn hash(&self, password: String) -> Result<String, AuthError> {
        let _permit = self
            .hashing
            .acquire()
            .await
            .map_err(|_| AuthError::ShuttingDown)?;
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| AuthError::Internal(e.into()))?
            .map_err(AuthError::Internal)
    }

    /// The caller behind a bearer token (or session cookie): checks the session's idle and
    /// absolute expiry and the account, and refreshes the idle clock now and then.
    pub async fn authenticate(&self, store: &Store, token: &str) -> Result<Caller, AuthError> {
        let hash = sha256_hex(token);
        let Some(session) = store.find_session(&hash).await? else {
            return Err(AuthError::Unauthenticated(SESSION_GONE));
        };
        let now = chrono::Utc::now();
        let age = |ts: &str| {
            chrono::DateTime::parse_from_rfc3339(ts)
                .map(|t| now.signed_duration_since(t).to_std().unwrap_or_default())
                .unwrap_or(Duration::MAX)
        };
        let idle = age(&session.last_seen_at);
        if !session.user.active || idle >= self.idle || age(&session.created_at) >= self.absolute {
            store.delete_session(&hash).await?;
            return Err(AuthError::Unauthenticated(SESSION_GONE));
        }
        // Refresh the idle clock, but not on every request: one write a minute (or a tenth of
        // the idle time, if shorter) keeps the expiry accurate enough.
        if idle >= (self.idle / 10).min(Duration::from_secs(60)) {
            store.touch_session(&hash).await?;
        }
        Ok(Caller {
            user: session.user,
            token_hash: hash,
        })
    }
}

const MINUTE: Duration = Duration::from_secs(60);
/// How long a successful login from an address lets that account past the address's limit.
const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// The one answer to a wrong e-mail address or password: which of the two is not told.
pub const WRONG_CREDENTIALS: &str = "E-mailadres of wachtwoord onjuist.";

/// Why a login did not give a session.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// A field is missing or too long.
    #[error("ongeldige invoer")]
    Invalid(crate::domain::FieldErrors),
    /// Unknown address, wrong password or inactive account: told apart to no one.
    #[error("onjuist")]
    Wrong,
    /// Too many attempts: from this address this minute, or on this account in a row.
    #[error("te veel pogingen; over {0} s opnieuw")]
    Throttled(u64),
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl From<StoreError> for LoginError {
    fn from(e: StoreError) -> Self {
        LoginError::Auth(AuthError::Store(e))
    }
}

/// A session just started: the token is handed out once; the store keeps its hash.
#[derive(Debug)]
pub struct NewSession {
    pub token: String,
    pub user: User,
    /// The session ends at this moment at the latest.
    pub valid_until: chrono::DateTime<chrono::Utc>,
}

impl Auth {
    /// Logs in with an e-mail address and password, for the API and the login page alike.
    ///
    /// Unknown addresses and wrong passwords get the same answer in the same time. Both limits
    /// count the attempt before the password is checked, so a burst of parallel guesses gets
    /// no further than a slow series would. Every attempt is in the audit log.
    pub async fn login(
        &self,
        store: &Store,
        email: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<NewSession, LoginError> {
        let mut e = crate::domain::FieldErrors::new();
        if email.trim().is_empty() {
            e.add("email", "is verplicht");
        }
        if password.is_empty() {
            e.add("wachtwoord", "is verplicht");
        } else if password.chars().count() > crate::domain::user::MAX_PASSWORD_CHARS {
            e.add("wachtwoord", "is te lang");
        }
        if !e.is_empty() {
            return Err(LoginError::Invalid(e));
        }
        let key = account_key(email);
        // An address over its limit (one attacker behind an office's shared address) still
        // lets through the accounts that logged in from it before: their own lock protects
        // them, and the office keeps working.
        let mut reserved = false;
        if let Some(ip) = client {
            match self.reserve(ip) {
                Ok(()) => reserved = true,
                Err(secs) if !self.known_from(ip, &key) => {
                    return Err(LoginError::Throttled(secs));
                }
                Err(_) => {}
            }
        }
        // One check at a time per account on this node: parallel guesses wait their turn
        // and meet the lock, and parallel correct logins all get through.
        let _turn = self.turn(&key).await;
        self.refuse_if_locked(store, &key).await?;
        let account = match crate::domain::UserEmail::parse(email) {
            Some(email) => store.user_by_email(email.as_str()).await?,
            None => None,
        };
        let hash = account
            .as_ref()
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| decoy_hash().to_string());
        let matches = self.verify(password.to_string(), hash).await?;
        match account {
            Some((user, _)) if matches && user.active => {
                store.clear_login_failures(&key).await?;
                if let Some(ip) = client {
                    if reserved {
                        self.refund(ip);
                    }
                    self.remember(ip, &key);
                }
                let (token, token_hash) = new_token();
                let created = store.create_session(&token_hash, user.id).await?;
                store
                    .audit(
                        Some((user.id, &user.name)),
                        "inloggen",
                        &format!("gebruiker {}", user.id),
                        "",
                    )
                    .await?;
                let started = chrono::DateTime::parse_from_rfc3339(&created)
                    .map(|t| t.to_utc())
                    .unwrap_or_else(|_| chrono::Utc::now());
                Ok(NewSession {
                    token,
                    user,
                    valid_until: started
                        + chrono::Duration::from_std(self.absolute).unwrap_or_default(),
                })
            }
            other => {
                let attempt_no = store
                    .record_login_failure(&key, FAILURES_BEFORE_LOCK, &lock_schedule())
                    .await?;
                let (who, subject) = match &other {
                    Some((u, _)) => (Some((u.id, u.name.as_str())), format!("gebruiker {}", u.id)),
                    None => (None, "onbekend account".to_string()),
                };
                store
                    .audit(
                        who,
                        "inloggen-mislukt",
                        &subject,
                        &format!("poging {attempt_no} op rij"),
                    )
                    .await?;
                Err(LoginError::Wrong)
            }
        }
    }

    /// Checks the current password of a logged-in account (to change it) under the same
    /// limits as a login: a stolen token alone cannot guess the password at full speed.
    pub async fn check_own_password(
        &self,
        store: &Store,
        user: &User,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<bool, LoginError> {
        if let Some(ip) = client
            && let Err(secs) = self.reserve(ip)
        {
            return Err(LoginError::Throttled(secs));
        }
        let key = account_key(&user.email);
        let _turn = self.turn(&key).await;
        self.refuse_if_locked(store, &key).await?;
        let hash = store
            .user_by_email(&user.email)
            .await?
            .map(|(_, h)| h)
            .unwrap_or_else(|| decoy_hash().to_string());
        if self.verify(password.to_string(), hash).await? {
            store.clear_login_failures(&key).await?;
            if let Some(ip) = client {
                self.refund(ip);
            }
            return Ok(true);
        }
        let failures = store
            .record_login_failure(&key, FAILURES_BEFORE_LOCK, &lock_schedule())
            .await?;
        store
            .audit(
                Some((user.id, &user.name)),
                "wachtwoordcontrole-mislukt",
                &format!("gebruiker {}", user.id),
                &format!("poging {failures} op rij"),
            )
            .await?;
        Ok(false)
    }

    /// The new password hash for a change of one's own password, after the checks that rule
    /// it: a good new password, and the current one (a stolen session alone must not be enough
    /// to take the account over). Problems go into `e` under `wachtwoord` and
    /// `huidigWachtwoord`; `None` then.
    pub async fn own_password_change(
        &self,
        store: &Store,
        user: &User,
        new_password: &str,
        current: Option<&str>,
        client: Option<IpAddr>,
        e: &mut crate::domain::FieldErrors,
    ) -> Result<Option<String>, LoginError> {
        if let Some(p) = crate::domain::user::password_problem(new_password) {
            e.add("wachtwoord", p);
        }
        match current.filter(|c| !c.is_empty()) {
            None => e.add(
                "huidigWachtwoord",
                "is verplicht om uw wachtwoord te wijzigen",
            ),
            Some(current) => {
                if !self
                    .check_own_password(store, user, current, client)
                    .await?
                {
                    e.add("huidigWachtwoord", "klopt niet");
                }
            }
        }
        if !e.is_empty() {
            return Ok(None);
        }
        Ok(Some(self.hash(new_password.to_string()).await?))
    }

    /// `Throttled` while the account is locked.
    async fn refuse_if_locked(&self, store: &Store, key: &str) -> Result<(), LoginError> {
        if let Some(until) = store.login_locked_until(key).await? {
            let left = chrono::DateTime::parse_from_rfc3339(&until)
                .map(|u| u.signed_duration_since(chrono::Utc::now()).num_seconds())
                .unwrap_or(1);
            return Err(LoginError::Throttled(left.max(0) as u64 + 1));
        }
        Ok(())
    }

    /// The turn of an account: password checks for one account run one after another on this
    /// node. Accounts share 64 stripes, so the table never grows.
    async fn turn(&self, key: &str) -> tokio::sync::MutexGuard<'_, ()> {
        let stripe = key.bytes().fold(0usize, |h, b| {
            h.wrapping_mul(31).wrapping_add(usize::from(b))
        }) % self.turns.len();
        self.turns[stripe].lock().await
    }

    /// Ends a session at once (logging out), with an audit entry.
    pub async fn logout(&self, store: &Store, caller: &Caller) -> Result<(), AuthError> {
        store.delete_session(&caller.token_hash).await?;
        store
            .audit(
                Some((caller.user.id, &caller.user.name)),
                "uitloggen",
                &format!("gebruiker {}", caller.user.id),
                "",
            )
            .await?;
        Ok(())
    }
}

/// How long an account stays locked after `failures` failed logins in a row: none before the
/// fifth, then 30 s, doubling per further failure, at most 15 minutes.
pub fn lock_duration(failures: i64) -> Option<chrono::Duration> {
    if failures < FAILURES_BEFORE_LOCK {
        return None;
    }
    let doublings = (failures - FAILURES_BEFORE_LOCK).min(10) as u32;
    let secs = (FIRST_LOCK.as_secs() << doublings).min(LONGEST_LOCK.as_secs());
    Some(chrono::Duration::seconds(secs as i64))
}

/// The lock that the `n`-th failed login in a row brings, for `n` from
/// [`FAILURES_BEFORE_LOCK`] upwards: the first entry for the fifth failure, the last for the
/// tenth and beyond.
pub fn lock_schedule() -> Vec<chrono::Duration> {
    (FAILURES_BEFORE_LOCK..=FAILURES_BEFORE_LOCK + 5)
        .filter_map(lock_duration)
        .collect()
}

/// An argon2id hash (m = 19456 KiB, t = 2, p = 1: OWASP's minimum) in PHC form. CPU-heavy:
/// call it from a blocking thread.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("wachtwoord hashen: {e}"))
}

/// True when `password` matches `hash`. CPU-heavy: call it from a blocking thread.
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

static DECOY: OnceLock<String> = OnceLock::new();

/// Makes the decoy hash at start-up. Without it an unknown address would answer faster than
/// a wrong password (a timing oracle for which addresses have accounts), so a failure here
/// stops the start instead of serving.
pub fn init_decoy_hash() -> anyhow::Result<()> {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let hash = hash_password(&hex(&bytes))?;
    let _ = DECOY.set(hash);
    Ok(())
}

/// A hash of a random password, checked against when the e-mail address is unknown so that
/// the answer takes as long as for a known address with a wrong password. Made by
/// [`init_decoy_hash`] at start-up; made here on first use otherwise (tools, tests).
pub fn decoy_hash() -> &'static str {
    DECOY.get_or_init(|| {
        let mut bytes = [0u8; 24];
        rand::rng().fill_bytes(&mut bytes);
        hash_password(&hex(&bytes))
            // Argon2 with default parameters fails only on absurd input; a random 48-character
            // password is not that. Should it ever fail, a hash of the same cost still stands in.
            .unwrap_or_else(|_| {
                "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy".into()
            })
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a text, in hex.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// A new bearer token (256 random bits) and the hash under which it is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = format!("ww_{}", hex(&bytes));
    let hash = sha256_hex(&token);
    (token, hash)
}

/// A new share token for a referral list (128 random bits, URL-safe).
pub fn new_share_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// The throttling key of an e-mail address: a hash, so the table holds no addresses.
pub fn account_key(email: &str) -> String {
    sha256_hex(&format!("login:{}", email.trim().to_lowercase()))
}

/// The client address of a request, when the server knows it. Behind a trusted reverse proxy
/// it is the last `X-Forwarded-For` entry that is not itself a trusted proxy; from anyone else
/// the header is ignored (it could be forged).
pub fn client_ip(parts: &Parts, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted_proxies.contains(a))
            .unwrap_or(peer),
    )
}

/// The authenticated user of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub token_hash: String,
}

impl Caller {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn is_editor(&self) -> bool {
        self.user.role.is_editor()
    }

    /// Editors and admins; anyone else is refused.
    pub fn require_editor(&self) -> Result<(), AuthError> {
        if self.is_editor() {
            Ok(())
        } else {
            Err(AuthError::Forbidden)
        }
    }

    /// Partners and editors (the roles that manage items); staff are refused.
    pub fn require_manager(&self) -> Result<(), AuthError> {
        if self.is_editor() || self.user.role == Role::Partner {
            Ok(())
        } else {
            Err(AuthError::Forbidden)
        }
    }

    /// Staff of the welfare organisation, editors and admins (who refer residents); partners
    /// are refused.
    pub fn require_staff(&self) -> Result<(), AuthError> {
        if self.user.role.is_staff() {
            Ok(())
        } else {
            Err(AuthError::Forbidden)
        }
    }

    /// True when this caller may see and change things of `organisation_id`.
    pub fn manages_organisation(&self, organisation_id: i64) -> bool {
        self.is_editor() || self.user.organisation_id == Some(organisation_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_start_at_the_fifth_failure_and_grow() {
        assert_eq!(lock_duration(4), None);
        assert_eq!(lock_duration(5), Some(chrono::Duration::seconds(30)));
        assert_eq!(lock_duration(6), Some(chrono::Duration::seconds(60)));
        assert_eq!(lock_duration(40), Some(chrono::Duration::seconds(900)));
        let schedule = lock_schedule();
        assert_eq!(schedule.len(), 6);
        assert_eq!(schedule[5], chrono::Duration::seconds(900));
    }

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 64);
        assert_eq!(ha, sha256_hex(&a));
        assert_ne!(ha, a);
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
    }

    #[tokio::test]
    async fn per_address_limit() {
        let auth = Auth::new(Duration::from_secs(1), Duration::from_secs(2), 3);
        let ip: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..3 {
            assert!(auth.reserve(ip).is_ok());
        }
        assert!(auth.reserve(ip).is_err());
        auth.refund(ip);
        assert!(auth.reserve(ip).is_ok());
        assert!(auth.reserve([10, 0, 0, 2].into()).is_ok());
    }
}
