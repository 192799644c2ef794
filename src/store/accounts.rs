//! Accounts, sessions and the failed-login counters that throttle password guessing.

use sqlx::{Row as _, any::AnyRow};

use super::{Store, StoreError, StoreResult};
use crate::domain::{Role, now_iso};

/// An account (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Set for partners, and only for them.
    pub organisation_id: Option<i64>,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// A session looked up by its token hash, with its account.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: User,
    pub created_at: String,
    pub last_seen_at: String,
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    /// `Some(None)` clears the organisation (for non-partners).
    pub organisation_id: Option<Option<i64>>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
}

impl UserChanges {
    /// False when applying these changes would leave `user` as it is (an empty `PATCH`, or
    /// one that repeats the current values): then nothing is written and the version stays.
    pub fn change(&self, user: &User) -> bool {
        self.name.as_ref().is_some_and(|n| *n != user.name)
            || self.role.is_some_and(|r| r != user.role)
            || self
                .organisation_id
                .is_some_and(|o| o != user.organisation_id)
            || self.active.is_some_and(|a| a != user.active)
            || self.password_hash.is_some()
    }
}

const USER_COLUMNS: &str = "u.id, u.email, u.name, u.role, u.organisation_id, u.active, u.created_at, u.updated_at, u.version";

fn user_from_row(r: &AnyRow) -> Result<User, sqlx::Error> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        role: Role::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("onbekende rol {role:?}").into()))?,
        organisation_id: r.try_get("organisation_id")?,
        active: r.try_get::<i64, _>("active")? != 0,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

fn duplicate_email(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate("email"),
        _ => StoreError::Db(e),
    }
}

impl Store {
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        organisation_id: Option<i64>,
        password_hash: &str,
    ) -> StoreResult<User> {
        let now = now_iso();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO users (email, name, role, organisation_id, password_hash, active,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id",
        )
        .bind(email.to_string())
        .bind(name.to_string())
        .bind(role.as_str())
        .bind(organisation_id)
        .bind(password_hash.to_string())
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(duplicate_email)?;
        self.find_user(id).await
    }

    pub async fn find_user(&self, id: i64) -> StoreResult<User> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(user_from_row(&row)?)
    }

    /// The account with this (normalised) e-mail address and its password hash.
    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<(User, String)>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1"
        )))
        .bind(email.to_string())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some((user_from_row(&r)?, r.try_get("password_hash")?))),
        }
    }

    /// One page of accounts by e-mail address, and the total.
    pub async fn list_users(&self, offset: i64, limit: i64) -> StoreResult<(Vec<User>, i64)> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.email LIMIT $1 OFFSET $2"
        )))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        let users = rows.iter().map(user_from_row).collect::<Result<_, _>>()?;
        Ok((users, total))
    }

    /// Applies `changes` if the account is still at `expected_version`, with audit entries by
    /// `actor` in the same transaction. Disabling an account, changing its role or
    /// organisation, or setting a password ends all its sessions in that transaction too. The
    /// last active admin cannot be disabled or demoted ([`StoreError::LastAdmin`]).
    pub async fn update_user(
        &self,
        id: i64,
        expected_version: i64,
        changes: &UserChanges,
        actor: (i64, &str),
    ) -> StoreResult<User> {
        let mut tx = self.pool.begin().await?;
        let current = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE users SET version = version WHERE id = $1 RETURNING {}",
            USER_COLUMNS.replace("u.", "")
        )))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let current = user_from_row(&current)?;
        if current.version != expected_version {
            return Err(StoreError::VersionMismatch);
        }
        let role = changes.role.unwrap_or(current.role);
        let organisation_id = changes.organisation_id.unwrap_or(current.organisation_id);
        let active = changes.active.unwrap_or(current.active);
        if current.role == Role::Admin && current.active && (role != Role::Admin || !active) {
            // Serialise admin removals so two admins cannot disable each other at once.
            if self.backend == super::Backend::Postgres {
                sqlx::query("SELECT pg_advisory_xact_lock(7413690002)")
                    .execute(&mut *tx)
                    .await?;
            }
            let (others,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1 AND id <> $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            if others == 0 {
                return Err(StoreError::LastAdmin);
            }
        }
        sqlx::query(
            "UPDATE users SET name = $1, role = $2, organisation_id = $3, active = $4,
                 password_hash = COALESCE($5, password_hash), updated_at = $6,
                 version = version + 1
             WHERE id = $7",
        )
        .bind(changes.name.clone().unwrap_or(current.name.clone()))
        .bind(role.as_str())
        .bind(organisation_id)
        .bind(active as i64)
        .bind(changes.password_hash.clone())
        .bind(now_iso())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let revoke = !active
            || role != current.role
            || organisation_id != current.organisation_id
            || changes.password_hash.is_some();
        if revoke {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let mut events = Vec::new();
        if role != current.role || organisation_id != current.organisation_id {
            events.push((
                "rol-gewijzigd",
                format!("{} → {}", current.role.as_str(), role.as_str()),
            ));
        }
        if active != current.active {
            let action = if active {
                "gebruiker-geactiveerd"
            } else {
                "gebruiker-geblokkeerd"
            };
            events.push((action, String::new()));
        }
        if changes.password_hash.is_some() {
            events.push(("wachtwoord-gewijzigd", String::new()));
        }
        for (action, detail) in events {
            Self::audit_in_tx(
                &mut tx,
                (Some(actor.0), actor.1),
                action,
                &format!("gebruiker {id}"),
                &detail,
            )
            .await?;
        }
        tx.commit().await?;
        self.find_user(id).await
    }

    pub async fn create_session(&self, token_hash: &str, user_id: i64) -> StoreResult<String> {
        let now = now_iso();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at)
             VALUES ($1, $2, $3, $3)",
        )
        .bind(token_hash.to_string())
        .bind(user_id)
        .bind(now.clone())
        .execute(&self.pool)
        .await?;
        Ok(now)
    }

    pub async fn find_session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, s.created_at AS session_created_at, s.last_seen_at
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"
        )))
        .bind(token_hash.to_string())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some(SessionRecord {
                user: user_from_row(&r)?,
                created_at: r.try_get("session_created_at")?,
                last_seen_at: r.try_get("last_seen_at")?,
            })),
        }
    }

    pub async fn touch_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now_iso())
            .bind(token_hash.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes sessions idle since before `idle_before` or started before `started_before`.
    pub async fn delete_expired_sessions(
        &self,
        idle_before: &str,
        started_before: &str,
    ) -> StoreResult<u64> {
        Ok(
            sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
                .bind(idle_before.to_string())
                .bind(started_before.to_string())
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }

    /// Until when the account behind `key` is locked after failed logins, if it is now.
    pub async fn login_locked_until(&self, key: &str) -> StoreResult<Option<String>> {
        let now = crate::domain::now_iso();
        let row: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT locked_until FROM login_failures
             WHERE account_key = $1 AND locked_until IS NOT NULL AND locked_until > $2",
        )
        .bind(key.to_string())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|(until,)| until))
    }

    /// Counts a failed login for `key` in one statement (insert or increment, so two nodes
    /// recording at once both count) and locks the account from the `lock_from`-th failure in
    /// a row for the matching step of `locks` (the last step for every failure beyond).
    /// Returns the number of failures in a row. Only a checked, wrong password counts: a login
    /// still in flight, or cut off by a crash, leaves no trace.
    pub async fn record_login_failure(
        &self,
        key: &str,
        lock_from: i64,
        locks: &[chrono::Duration],
    ) -> StoreResult<i64> {
        let now = chrono::Utc::now();
        let at =
            |d: chrono::Duration| (now + d).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let now_text = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        // One CASE branch per step of the schedule; values are bound, only the shape is built.
        let mut case = String::from("CASE WHEN login_failures.failures + 1 < $3 THEN NULL");
        for i in 0..locks.len().saturating_sub(1) {
            case.push_str(&format!(
                " WHEN login_failures.failures + 1 = $3 + {i} THEN ${}",
                i + 5
            ));
        }
        case.push_str(&format!(" ELSE ${} END", locks.len() + 4));
        let sql = format!(
            "INSERT INTO login_failures (account_key, failures, updated_at, locked_until)
             VALUES ($1, 1, $2, $4)
             ON CONFLICT (account_key) DO UPDATE SET
                 failures = login_failures.failures + 1, updated_at = $2, locked_until = {case}
             RETURNING failures"
        );
        let first_lock = if lock_from <= 1 {
            locks.first().map(|d| at(*d))
        } else {
            None
        };
        let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql))
            .bind(key.to_string())
            .bind(now_text)
            .bind(lock_from)
            .bind(first_lock);
        for d in locks {
            q = q.bind(at(*d));
        }
        let (failures,) = q.fetch_one(&self.pool).await?;
        Ok(failures)
    }

    pub async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE account_key = $1")
            .bind(key.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets failure counters untouched since `before` whose lock has passed.
    pub async fn forget_login_failures_before(&self, before: &str) -> StoreResult<u64> {
        Ok(sqlx::query(
            "DELETE FROM login_failures WHERE updated_at < $1
                 AND (locked_until IS NULL OR locked_until < $1)",
        )
        .bind(before.to_string())
        .execute(&self.pool)
        .await?
        .rows_affected())
    }
}
