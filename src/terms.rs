//! Editors change the taxonomy: add a term, give it a new label, retire it or take it back
//! into use. The API and the portal both come here, so the rules have one owner.
//!
//! A retired term stays on the items that have it (search and pages keep showing it) until
//! someone edits them; forms and public lists no longer offer it (see
//! [`crate::domain::content::RetiredTerms`]).

use crate::auth::Caller;
use crate::domain::content::{TERM_LABEL, limited_text};
use crate::domain::taxonomy::TermKind;
use crate::domain::{FieldErrors, Taxonomy, TermKey};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum TermError {
    /// Every offending field is listed.
    #[error("ongeldige invoer")]
    Invalid(FieldErrors),
    /// No such list or term.
    #[error("niet gevonden")]
    NotFound,
    /// Only editors manage the taxonomy.
    #[error("alleen voor redacteuren")]
    Forbidden,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for TermError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => TermError::NotFound,
            StoreError::Duplicate(field) => {
                let mut e = FieldErrors::new();
                e.add(field, "bestaat al in deze lijst");
                TermError::Invalid(e)
            }
            other => TermError::Store(other),
        }
    }
}

/// A list editors manage, by its plural name in paths (`themas`, `wijken`, ...).
pub fn list(name: &str) -> Result<TermKind, TermError> {
    TermKind::from_list_name(name).ok_or(TermError::NotFound)
}

fn editor(caller: &Caller) -> Result<(i64, &str), TermError> {
    if !caller.is_editor() {
        return Err(TermError::Forbidden);
    }
    Ok((caller.user.id, caller.user.name.as_str()))
}

/// Adds a term at the end of list `kind`. Returns the outbox position of the change.
pub async fn add(
    store: &Store,
    taxonomy: &Taxonomy,
    caller: &Caller,
    kind: TermKind,
    key: &str,
    label: &str,
) -> Result<i64, TermError> {
    let actor = editor(caller)?;
    let mut e = FieldErrors::new();
    let parsed = TermKey::parse(key).filter(|_| kind.is_valid_key(key));
    if parsed.is_none() {
        e.add(
            "sleutel",
            match kind {
                TermKind::Language => "de code van de taal in twee kleine letters (ISO 639-1)",
                _ => "kleine letters, cijfers en losse streepjes, hoogstens 64 tekens",
            },
        );
    } else if taxonomy.terms(kind).iter().any(|t| t.key == key) {
        e.add("sleutel", "bestaat al in deze lijst");
    }
    // The search engine packs each list into a bit set of fixed width.
    if taxonomy.terms(kind).len() >= kind.max_terms() {
        e.add(
            "sleutel",
            format!(
                "deze lijst is vol ({} termen); trek er geen in, maar geef een term een nieuwe naam",
                kind.max_terms()
            ),
        );
    }
    limited_text(&mut e, "label", label, TERM_LABEL);
    let (Some(key), true) = (parsed, e.is_empty()) else {
        return Err(TermError::Invalid(e));
    };
    Ok(store.add_term(kind, &key, label.trim(), actor).await?)
}

/// Gives term `key` of list `kind` a new label and retires it or takes it back into use;
/// `None` leaves either as stored (so one editor's retirement does not undo another's new
/// label). Returns the outbox position, or `None` when nothing changed.
pub async fn change(
    store: &Store,
    caller: &Caller,
    kind: TermKind,
    key: &str,
    label: Option<&str>,
    retired: Option<bool>,
) -> Result<Option<i64>, TermError> {
    let actor = editor(caller)?;
    let key = TermKey::parse(key).ok_or(TermError::NotFound)?;
    if let Some(label) = label {
        let mut e = FieldErrors::new();
        limited_text(&mut e, "label", label, TERM_LABEL);
        if !e.is_empty() {
            return Err(TermError::Invalid(e));
        }
    }
    Ok(store
        .change_term(kind, &key, label.map(str::trim), retired, actor)
        .await?)
}
