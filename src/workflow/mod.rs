//! The editing workflow service: it reads an item under lock, asks the pure rules in
//! [`rules`] what the step does, and runs that plan through the store in one transaction:
//! the change, a revision, an audit entry where the plan names one, and an outbox row when
//! search must look again. It says what went wrong in a [`WorkflowError`]; `error.rs` alone
//! turns that into a status.

pub mod rules;

use sqlx::{Any, Transaction};

use crate::auth::Caller;
use crate::domain::content::{ListingInput, RetiredTerms, diff};
use crate::domain::{FieldErrors, Listing, NewListing, Taxonomy};
use crate::store::{NewRevision, StateChange, Store, StoreError};
use rules::{Action, Actor, Check, ContentStep, NoteStep, PendingStep, Plan, Refusal, State};

/// Who takes a step: an account, or a link from a reminder mail that allows one step (nog
/// actueel) on one item without logging in.
#[derive(Clone, Copy)]
pub enum By<'a> {
    Account(&'a Caller),
    MailLink,
}

impl By<'_> {
    fn user_id(self) -> Option<i64> {
        match self {
            By::Account(c) => Some(c.user.id),
            By::MailLink => None,
        }
    }

    fn name(self) -> &'static str {
        "link in herinneringsmail"
    }
}

/// A saved item and the outbox position search must reach to show it.
#[derive(Debug)]
pub struct Saved {
    pub listing: Listing,
    pub seq: Option<i64>,
}

/// An editor's decision on a submission or pending change.
#[derive(Debug, Clone)]
pub enum Decision {
    Approve,
    Return(String),
}

impl Decision {
    /// `goedkeuren`, or `terugsturen` with a reason (required: the partner must know what to
    /// change), as the API and the portal send it.
    pub fn parse(
        decision: &str,
        reason: Option<&str>,
    ) -> std::result::Result<Decision, FieldErrors> {
        let mut e = FieldErrors::new();
        let reason = reason.map(str::trim).unwrap_or("").to_string();
        let decision = match decision {
            "goedkeuren" => Some(Decision::Approve),
            "terugsturen" => {
                if reason.is_empty() {
                    e.add(
                        "reden",
                        "is verplicht bij terugsturen: zeg wat er moet veranderen",
                    );
                }
                Some(Decision::Return(reason.clone()))
            }
            _ => {
                e.add("besluit", "kies uit: goedkeuren, terugsturen");
                None
            }
        };
        crate::domain::content::plain_text(&mut e, "reden", &reason, 0, 1000);
        match decision {
            Some(d) if e.is_empty() => Ok(d),
            _ => Err(e),
        }
    }
}

/// Why a workflow step did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// The content does not validate; every offending field is listed.
    #[error("ongeldige inhoud")]
    Invalid(FieldErrors),
    /// No such item, or not one of the caller's organisation (its existence is not revealed).
    #[error("niet gevonden")]
    NotFound,
    /// Someone changed the item since the caller read it.
    #[error("versie verouderd")]
    StaleVersion,
    /// The rules refuse this step in this state, or for this caller.
    #[error("geweigerd: {0}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for WorkflowError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WorkflowError::NotFound,
            StoreError::VersionMismatch => WorkflowError::StaleVersion,
            other => WorkflowError::Store(other),
        }
    }
}

impl From<sqlx::Error> for WorkflowError {
    fn from(e: sqlx::Error) -> Self {
        WorkflowError::Store(StoreError::Db(e))
    }
}

type Result<T> = std::result::Result<T, WorkflowError>;

/// Validates content sent by a partner or editor. `retired` says which retired taxonomy terms
/// it may carry (see [`RetiredTerms`]).
pub fn validate(
    content: &ListingInput,
    taxonomy: &Taxonomy,
    retired: RetiredTerms,
) -> Result<NewListing> {
    let mut e = FieldErrors::new();
    match content.validate(taxonomy, retired, &mut e) {
        Some(l) if e.is_empty() => Ok(l),
        _ => Err(WorkflowError::Invalid(e)),
    }
}

/// Checks stored content against today's taxonomy (it may predate a change).
fn revalidate(content: &NewListing, taxonomy: &Taxonomy) -> Result<NewListing> {
    validate(
        &ListingInput::from_new(content),
        taxonomy,
        RetiredTerms::Allowed,
    )
}

/// Content a revision shows: the pending proposal when there is one, else the row.
fn working_content(l: &Listing) -> NewListing {
    match &l.pending {
        Some(p) => (*p.content).clone(),
        None => l.to_new(),
    }
}

/// A new item of `organisation_id`, as a concept.
pub async fn create(
    store: &Store,
    taxonomy: &Taxonomy,
    caller: &Caller,
    organisation_id: i64,
    content: &ListingInput,
) -> Result<Saved> {
    let new = validate(content, taxonomy, RetiredTerms::Refused)?;
    let mut tx = store.begin().await?;
    let id = Store::insert_listing_row(&mut tx, organisation_id, &new).await?;
    Store::replace_links(&mut tx, id, &new).await?;
    let after = Store::listing_in_tx(&mut tx, id).await?;
    record(
        &mut tx,
        By::Account(caller),
        None,
        &after,
        "aangemaakt",
        None,
    )
    .await?;
    finish(tx, after, true).await
}

/// Replaces an item's content. A published item edited by a partner that must be reviewed
/// gets a pending change instead; search keeps showing the published version.
pub async fn update(
    store: &Store,
    taxonomy: &Taxonomy,
    caller: &Caller,
    id: i64,
    expected_version: i64,
    content: &ListingInput,
) -> Result<Saved> {
    step(
        store,
        taxonomy,
        By::Account(caller),
        id,
        Some(expected_version),
        Action::Edit,
        Some(content),
    )
    .await
}

/// Submits an item (or a returned pending change) for review. Editors and trusted
/// organisations publish at once.
pub async fn submit(
    store: &Store,
    taxonomy: &Taxonomy,
    caller: &Caller,
    id: i64,
    expected_version: i64,
) -> Result<Saved> {
    let action = Action::Submit;
    step(
        store,
        taxonomy,
        By::Account(caller),
        id,
        Some(expected_version),
        action,
        None,
    )
    .await
}

/// An editor approves or returns a submission or pending change.
pub async fn review(
    store: &Store,
    taxonomy: &Taxonomy,
    caller: &Caller,
    id: i64,
    expected_version: i64,
    decision: Decision,
) -> Result<Saved> {
    let action = match decision {
        Decision::Approve => Action::Approve,
        Decision::Return(reason) => Action::Return(reason),
    };
    step(
        store,
        taxonomy,
        By::Account(caller),
        id,
        Some(expected_version),
        action,
        None,
    )
    .await
}

/// Takes an item out of search (and drops a pending change).
pub async fn archive(
    store: &Store,
    taxonomy: &Taxonomy,
    caller: &Caller,
    id: i64,
    expected_version: i64,
) -> Result<Saved> {
    let action = Action::Archive;
    step(
        store,
        taxonomy,
        By::Account(caller),
        id,
        Some(expected_version),
        action,
        None,
    )
    .await
}

/// "Nog actueel": the partner confirms the item is still right; nothing else changes.
pub async fn confirm_current(
    store: &Store,
    taxonomy: &Taxonomy,
    caller: &Caller,
    id: i64,
) -> Result<Saved> {
    step(
        store,
        taxonomy,
        By::Account(caller),
        id,
        None,
        Action::Confirm,
        None,
    )
    .await
}

/// "Nog actueel" from the signed link in a reminder mail: the link names the item and allows
/// this step alone, so no account is needed.
pub async fn confirm_by_link(store: &Store, taxonomy: &Taxonomy, id: i64) -> Result<Saved> {
    step(
        store,
        taxonomy,
        By::MailLink,
        id,
        None,
        Action::Confirm,
        None,
    )
    .await
}

/// Runs one step: lock, check ownership and version, plan, and carry the plan out.
async fn step(
    store: &Store,
    taxonomy: &Taxonomy,
    by: By<'_>,
    id: i64,
    expected_version: Option<i64>,
    action: Action,
    content: Option<&ListingInput>,
) -> Result<Saved> {
    let mut tx = store.begin().await?;
    let current = Store::lock_listing(&mut tx, id).await?;
    if let By::Account(caller) = by
        && !caller.manages_organisation(current.organisation_id)
    {
        return Err(WorkflowError::NotFound);
    }
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(WorkflowError::StaleVersion);
    }
    // Checked against the item as it is: the terms it has keep passing when retired.
    let sent = match content {
        Some(c) => Some(validate(
            c,
            taxonomy,
            RetiredTerms::KeptFrom(&working_content(&current)),
        )?),
        None => None,
    };
    let actor = match by {
        By::Account(caller) => Actor {
            editor: caller.is_editor(),
            trusted: !caller.is_editor()
                && Store::organisation_is_trusted(&mut tx, current.organisation_id).await?,
        },
        By::MailLink => Actor {
            editor: false,
            trusted: false,
        },
    };
    let state = State {
        status: current.status,
        pending: current.pending.as_ref().map(|p| p.status),
    };
    let plan = rules::plan(state, &action, actor).map_err(WorkflowError::Refused)?;
    if plan.check == Check::Current {
        revalidate(&working_content(&current), taxonomy)?;
    }
    execute(tx, taxonomy, by, current, plan, sent).await
}

/// Carries out a plan inside the step's transaction.
async fn execute(
    mut tx: Transaction<'static, Any>,
    taxonomy: &Taxonomy,
    by: By<'_>,
    current: Listing,
    plan: Plan,
    sent: Option<NewListing>,
) -> Result<Saved> {
    let id = current.id;
    let mut before = working_content(&current);
    let written = match plan.content {
        ContentStep::Keep => None,
        ContentStep::WriteSent => sent.clone(),
        ContentStep::ApplyProposal => {
            // The revision compares the proposal with what was published.
            before = current.to_new();
            let proposal = current.pending.as_ref().map(|p| &*p.content);
            Some(revalidate(proposal.unwrap_or(&before), taxonomy)?)
        }
    };
    if let Some(mut new) = written.clone() {
        new.status = plan.status;
        Store::write_listing_row(&mut tx, id, current.organisation_id, &new).await?;
    }
    let state_unchanged = written.is_some()
        && plan.pending == PendingStep::Clear
        && current.pending.is_none()
        && plan.note == NoteStep::Keep
        && !plan.stamp_submitter
        && !plan.verified_now;
    if !state_unchanged {
        let change = state_change(&current, &plan, by.user_id(), sent);
        Store::set_listing_state(&mut tx, id, &change).await?;
    }
    if let Some(audit) = &plan.audit {
        let who = match by {
            By::Account(caller) => (Some(caller.user.id), caller.user.name.as_str()),
            By::MailLink => (None, by.name()),
        };
        let subject = format!("aanbod {id}");
        Store::audit_in_tx(&mut tx, who, audit.action, &subject, &audit.detail).await?;
    }
    let after = Store::listing_in_tx(&mut tx, id).await?;
    // The mail is written in this transaction and sent later: never lost, never for a
    // change that did not happen.
    if let Some(notice) = &plan.tell_partners {
        let notice = match notice {
            rules::PartnerNotice::Published => crate::mail::Notice::Published {
                listing_id: id,
                title: after.title.clone(),
            },
            rules::PartnerNotice::Returned(reason) => crate::mail::Notice::Returned {
                listing_id: id,
                title: after.title.clone(),
                reason: reason.clone(),
            },
        };
        Store::notify_partners(&mut tx, after.organisation_id, &notice).await?;
    }
    record(
        &mut tx,
        by,
        Some(&before),
        &after,
        plan.revision,
        plan.revision_note.clone(),
    )
    .await?;
    finish(tx, after, plan.reindex).await
}

/// The workflow columns a plan leaves behind.
fn state_change(
    current: &Listing,
    plan: &Plan,
    user_id: Option<i64>,
    sent: Option<NewListing>,
) -> StateChange {
    let existing = current.pending.as_ref();
    let pending = match plan.pending {
        PendingStep::Clear => None,
        PendingStep::Keep => existing.map(|p| (p.content.clone(), p.status, p.by)),
        PendingStep::ProposeSent => {
            sent.map(|s| (Box::new(s), crate::domain::Status::TerBeoordeling, user_id))
        }
        PendingStep::Resubmit => existing.map(|p| {
            (
                p.content.clone(),
                crate::domain::Status::TerBeoordeling,
                user_id,
            )
        }),
        PendingStep::SendBack => existing.map(|p| {
            (
                p.content.clone(),
                crate::domain::Status::Teruggestuurd,
                p.by,
            )
        }),
    };
    StateChange {
        review_note: match &plan.note {
            NoteStep::Clear => None,
            NoteStep::Keep => current.review_note.clone(),
            NoteStep::Set(reason) => Some(reason.clone()),
        },
        pending,
        // A proposal that did not change keeps its place in the review queue.
        pending_since: (plan.pending == PendingStep::Keep)
            .then(|| existing.map(|p| p.at))
            .flatten(),
        submitted_by: plan.stamp_submitter.then_some(user_id),
        verified_now: plan.verified_now,
        ..StateChange::to(plan.status)
    }
}

async fn record(
    tx: &mut Transaction<'_, Any>,
    by: By<'_>,
    before: Option<&NewListing>,
    after: &Listing,
    action: &str,
    note: Option<String>,
) -> Result<()> {
    let content = working_content(after);
    let changed = diff(before, &content)
        .into_iter()
        .map(|c| c.field)
        .collect();
    Store::insert_revision(
        tx,
        NewRevision {
            listing_id: after.id,
            listing_version: after.version,
            action,
            status: after.status.as_str(),
            user_id: by.user_id(),
            user_name: match by {
                By::Account(caller) => &caller.user.name,
                By::MailLink => by.name(),
            },
            changed_fields: changed,
            content,
            note,
        },
    )
    .await?;
    Ok(())
}

async fn finish(
    mut tx: Transaction<'static, Any>,
    listing: Listing,
    reindex: bool,
) -> Result<Saved> {
    // The outbox row changes nothing in the item, so `listing` is still its state.
    let seq = if reindex {
        Some(Store::append_outbox(&mut tx, listing.id).await?)
    } else {
        None
    };
    tx.commit().await?;
    Ok(Saved { listing, seq })
}
