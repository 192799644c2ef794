//! Accounts and roles: editors invite and change accounts; everyone changes their own name and
//! password. The API and the portal both come here, so the rules have one owner:
//! - only admins create, change or promote admins;
//! - a partner belongs to exactly one organisation, other roles to none;
//! - one's own password changes only with the current one;
//! - disabling an account, changing its role or setting its password ends its sessions (the
//!   store does that in the same write).

use std::net::IpAddr;

use crate::auth::{Auth, AuthError, Caller, LoginError};
use crate::domain::content::{USER_NAME, limited_text};
use crate::domain::user::password_problem;
use crate::domain::{FieldErrors, Role, UserEmail};
use crate::store::{INVITATION, Store, StoreError, User, UserChanges};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Every offending field is listed.
    #[error("ongeldige invoer")]
    Invalid(FieldErrors),
    #[error("niet gevonden")]
    NotFound,
    /// Not this caller's to change.
    #[error("geen toegang")]
    Forbidden,
    /// Someone changed the account since it was read.
    #[error("versie verouderd")]
    StaleVersion,
    /// The current password could not be checked (too many attempts, or the hashing
    /// service).
    #[error(transparent)]
    Login(LoginError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<AuthError> for AccountError {
    fn from(e: AuthError) -> Self {
        AccountError::Login(LoginError::Auth(e))
    }
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AccountError::NotFound,
            StoreError::VersionMismatch => AccountError::StaleVersion,
            StoreError::Duplicate(field) => {
                let mut e = FieldErrors::new();
                e.add(field, "is al in gebruik");
                AccountError::Invalid(e)
            }
            other => AccountError::Store(other),
        }
    }
}

impl From<LoginError> for AccountError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::Invalid(errors) => AccountError::Invalid(errors),
            other => AccountError::Login(other),
        }
    }
}

type Result<T> = std::result::Result<T, AccountError>;

/// A new account as it arrives.
#[derive(Debug, Default)]
pub struct NewAccount {
    pub email: String,
    pub name: String,
    pub role: String,
    pub organisation_id: Option<i64>,
    /// `None`: invite; the account gets a mail with a link to choose a password.
    pub password: Option<String>,
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct AccountPatch {
    pub name: Option<String>,
    pub role: Option<String>,
    pub organisation_id: Option<i64>,
    pub active: Option<bool>,
    pub password: Option<String>,
    /// Needed to change one's own password.
    pub current_password: Option<String>,
}

impl AccountPatch {
    /// True when the patch touches what only editors may change.
    fn touches_roles(&self) -> bool {
        self.role.is_some() || self.organisation_id.is_some() || self.active.is_some()
    }
}

fn require_editor(caller: &Caller) -> Result<()> {
    if caller.is_editor() {
        Ok(())
    } else {
        Err(AccountError::Forbidden)
    }
}

/// Checks role and organisation together; returns the role.
async fn check_role(
    store: &Store,
    caller: &Caller,
    e: &mut FieldErrors,
    role: &str,
    organisation_id: Option<i64>,
) -> Result<Option<Role>> {
    let Some(role) = Role::parse(role) else {
        e.add("rol", format!("kies uit: {}", Role::allowed()));
        return Ok(None);
    };
    if role == Role::Admin && caller.role() != Role::Admin {
        return Err(AccountError::Forbidden);
    }
    match (role, organisation_id) {
        (Role::Partner, None) => e.add("organisatieId", "is verplicht voor een partner"),
        (Role::Partner, Some(id)) => {
            if store.find_organisation(id).await.is_err() {
                e.add("organisatieId", "onbekende organisatie");
            }
        }
        (_, Some(_)) => e.add("organisatieId", "alleen voor partners"),
        (_, None) => {}
    }
    Ok(Some(role))
}

/// Creates an account (editors; only admins create admins). Without a password the account
/// is invited: a mail with a link (one use, a week) to choose one.
pub async fn create(store: &Store, auth: &Auth, caller: &Caller, new: NewAccount) -> Result<User> {
    require_editor(caller)?;
    let mut e = FieldErrors::new();
    let email = UserEmail::parse(&new.email);
    if email.is_none() {
        e.add("email", "geen geldig e-mailadres");
    }
    limited_text(&mut e, "naam", &new.name, USER_NAME);
    if let Some(p) = new.password.as_deref().and_then(password_problem) {
        e.add("wachtwoord", p);
    }
    let role = check_role(store, caller, &mut e, &new.role, new.organisation_id).await?;
    let (Some(email), Some(role), true) = (email, role, e.is_empty()) else {
        return Err(AccountError::Invalid(e));
    };
    // An invited account has no password anyone knows until its owner chooses one.
    let password = new.password.clone().unwrap_or_else(|| {
        format!(
            "{}{}",
            crate::auth::new_share_token(),
            crate::auth::new_share_token()
        )
    });
    let hash = auth.hash(password).await?;
    let user = store
        .create_user(
            email.as_str(),
            new.name.trim(),
            role,
            new.organisation_id,
            &hash,
        )
        .await?;
    if new.password.is_none() {
        store
            .send_password_link(
                user.id,
                &user.email,
                INVITATION,
                chrono::Duration::days(7),
                chrono::Utc::now(),
            )
            .await?;
    }
    store
        .audit(
            Some((caller.user.id, &caller.user.name)),
            "gebruiker-aangemaakt",
            &format!("gebruiker {}", user.id),
            &format!("rol {}", role.as_str()),
        )
        .await?;
    Ok(user)
}

/// The account `id`, if the caller may see it: editors all, anyone their own.
pub async fn visible(store: &Store, caller: &Caller, id: i64) -> Result<User> {
    if caller.user.id != id {
        require_editor(caller)?;
    }
    Ok(store.find_user(id).await?)
}

/// True when `caller` may change what only editors change (role, organisation, active) on
/// `target`: editors on others' accounts, and only admins on admins.
pub fn may_manage(caller: &Caller, target: &User) -> bool {
    caller.is_editor()
        && caller.user.id != target.id
        && (target.role != Role::Admin || caller.role() == Role::Admin)
}

/// Changes account `id` at `version`. Role, organisation and `active` are for editors (on
/// admins only admins); anyone changes their own name and password.
pub async fn update(
    store: &Store,
    auth: &Auth,
    caller: &Caller,
    client: Option<IpAddr>,
    (id, version): (i64, i64),
    patch: AccountPatch,
) -> Result<User> {
    let target = visible(store, caller, id).await?;
    let own = caller.user.id == id;
    if !own && !may_manage(caller, &target) {
        return Err(AccountError::Forbidden);
    }
    if own && patch.touches_roles() {
        let mut e = FieldErrors::new();
        for (set, name) in [
            (patch.role.is_some(), "rol"),
            (patch.organisation_id.is_some(), "organisatieId"),
            (patch.active.is_some(), "actief"),
        ] {
            if set {
                e.add(name, "dit veld mag u voor uw eigen account niet zetten");
            }
        }
        return Err(AccountError::Invalid(e));
    }
    // The checks below look at `target`; the update only applies at this same version, so a
    // concurrent change cannot outrun them (a stale version instead).
    if version != target.version {
        return Err(AccountError::StaleVersion);
    }
    let mut e = FieldErrors::new();
    if let Some(n) = &patch.name {
        limited_text(&mut e, "naam", n, USER_NAME);
    }
    let own_hash = if own && patch.password.is_some() {
        auth.own_password_change(
            store,
            &target,
            patch.password.as_deref().unwrap_or(""),
            patch.current_password.as_deref(),
            client,
            &mut e,
        )
        .await?
    } else {
        if let Some(p) = patch.password.as_deref().and_then(password_problem) {
            e.add("wachtwoord", p);
        }
        None
    };
    let mut changes = UserChanges {
        name: patch.name.as_ref().map(|n| n.trim().to_string()),
        active: patch.active,
        ..Default::default()
    };
    if patch.role.is_some() || patch.organisation_id.is_some() {
        let role = patch
            .role
            .clone()
            .unwrap_or(target.role.as_str().to_string());
        let organisation = match (&patch.role, patch.organisation_id) {
            (_, Some(o)) => Some(o),
            (Some(r), None) if r != Role::Partner.as_str() => None,
            _ => target.organisation_id,
        };
        if let Some(role) = check_role(store, caller, &mut e, &role, organisation).await? {
            changes.role = Some(role);
            changes.organisation_id = Some(organisation);
        }
    }
    if !e.is_empty() {
        return Err(AccountError::Invalid(e));
    }
    if let Some(hash) = own_hash {
        changes.password_hash = Some(hash);
    } else if let Some(p) = patch.password.clone() {
        changes.password_hash = Some(auth.hash(p).await?);
    }
    if !changes.change(&target) {
        return Ok(target);
    }
    Ok(store
        .update_user(id, version, &changes, (caller.user.id, &caller.user.name))
        .await?)
}
