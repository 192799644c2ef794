//! The editors' desk for residents' reports: assign a report to an editor, mark it handled,
//! answer the resident. The API and the portal both come here, so the rules have one owner.

use crate::auth::Caller;
use crate::domain::FieldErrors;
use crate::domain::content::plain_text;
use crate::domain::report::{Report, ReportStatus};
use crate::store::{Store, StoreError};

/// Longest answer to a resident, in characters.
pub const REPLY_MAX: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// Every offending field is listed.
    #[error("ongeldige invoer")]
    Invalid(FieldErrors),
    #[error("niet gevonden")]
    NotFound,
    /// Reports are handled by editors.
    #[error("alleen voor redacteuren")]
    Forbidden,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => DeskError::NotFound,
            other => DeskError::Store(other),
        }
    }
}

fn editor(caller: &Caller) -> Result<(i64, &str), DeskError> {
    if !caller.is_editor() {
        return Err(DeskError::Forbidden);
    }
    Ok((caller.user.id, caller.user.name.as_str()))
}

/// Gives report `id` to the editor `assignee` (`None`: to nobody). Only active editors and
/// admins take reports.
pub async fn assign(
    store: &Store,
    caller: &Caller,
    id: i64,
    assignee: Option<i64>,
) -> Result<Report, DeskError> {
    let actor = editor(caller)?;
    match store.assign_report(id, assignee, actor).await? {
        Some(report) => Ok(report),
        None => {
            let mut e = FieldErrors::new();
            e.add("toegewezenAan", "kies een actieve redacteur");
            Err(DeskError::Invalid(e))
        }
    }
}

/// Marks report `id` handled; the resident's e-mail address is erased in the same step. With
/// `reply` (plain text), the resident first gets it by mail when they left an address.
pub async fn handle(
    store: &Store,
    caller: &Caller,
    id: i64,
    reply: Option<&str>,
) -> Result<Report, DeskError> {
    let actor = editor(caller)?;
    let reply = checked_reply(reply)?;
    if reply.is_some() && store.find_report(id).await?.status != ReportStatus::Open {
        // The address is gone with the handling: an answer can no longer be sent.
        let mut e = FieldErrors::new();
        e.add(
            "antwoord",
            "deze melding is al afgehandeld; er gaat geen antwoord meer uit",
        );
        return Err(DeskError::Invalid(e));
    }
    Ok(store.handle_report_with_reply(id, actor, reply).await?)
}

/// The answer to send, if any (blank is none); an error when it is not plain text of at most
/// [`REPLY_MAX`] characters. Callers that change more than one thing check it first.
pub fn checked_reply(reply: Option<&str>) -> Result<Option<&str>, DeskError> {
    let reply = reply.map(str::trim).filter(|r| !r.is_empty());
    if let Some(text) = reply {
        let mut e = FieldErrors::new();
        plain_text(&mut e, "antwoord", text, 0, REPLY_MAX);
        if !e.is_empty() {
            return Err(DeskError::Invalid(e));
        }
    }
    Ok(reply)
}
