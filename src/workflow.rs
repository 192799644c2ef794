//! The editing workflow, in one place: who may do what to an item in which state.
//!
//! ```text
//! concept ──indienen──▶ ter-beoordeling ──goedkeuren──▶ gepubliceerd ──archiveren──▶ gearchiveerd
//!    ▲                        │ terugsturen (reden)          │ bewerken (partner)
//!    └──── bewerken ◀── teruggestuurd                        ▼
//!                                             pending change ter-beoordeling
//!                                              goedkeuren: applied · terugsturen: kept, with reason
//! ```
//! Editors, admins and partners of trusted organisations skip review: their submissions
//! publish and their edits of published items apply at once. Every step runs in one
//! transaction that locks the item, checks the caller's `If-Match` version, writes the change,
//! a revision and (when search must change) an outbox row.

use sqlx::{Any, Transaction};

use crate::auth::Caller;
use crate::domain::content::{ListingContent, diff};
use crate::domain::{FieldErrors, Listing, NewListing, Status, Taxonomy};
use crate::error::ApiError;
use crate::store::{NewRevision, StateChange, Store};

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

fn invalid(e: FieldErrors) -> ApiError {
    e.into()
}

/// Validates content from the API.
pub fn validate(content: &ListingContent, taxonomy: &Taxonomy) -> Result<NewListing, ApiError> {
    let mut e = FieldErrors::new();
    match content.validate(taxonomy, &mut e) {
        Some(l) if e.is_empty() => Ok(l),
        _ => Err(invalid(e)),
    }
}

async fn is_trusted(tx: &mut Transaction<'_, Any>, organisation_id: i64) -> Result<bool, ApiError> {
    let (trusted,): (i64,) = sqlx::query_as("SELECT trusted FROM organisations WHERE id = $1")
        .bind(organisation_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(crate::store::StoreError::from)?;
    Ok(trusted != 0)
}

/// Locks the item, hides it from callers of other organisations (404, as if it did not
/// exist), and checks the version the caller edited.
async fn lock_for(
    tx: &mut Transaction<'_, Any>,
    caller: &Caller,
    id: i64,
    expected_version: Option<i64>,
) -> Result<Listing, ApiError> {
    let listing = Store::lock_listing(tx, id).await?;
    if !caller.manages_organisation(listing.organisation_id) {
        return Err(ApiError::NotFound);
    }
    if let Some(v) = expected_version
        && v != listing.version
    {
        return Err(ApiError::PreconditionFailed);
    }
    Ok(listing)
}

/// Content a revision shows: the pending proposal when there is one, else the row.
fn working_content(l: &Listing) -> NewListing {
    match &l.pending {
        Some(p) => (*p.content).clone(),
        None => l.to_new(),
    }
}

/// Checks stored content against today's taxonomy before it goes public.
fn revalidate(content: &NewListing, taxonomy: &Taxonomy) -> Result<NewListing, ApiError> {
    validate(&ListingContent::from_new(content), taxonomy)
}

async fn record(
    tx: &mut Transaction<'_, Any>,
    caller: &Caller,
    before: Option<&NewListing>,
    after: &Listing,
    action: &str,
    note: Option<String>,
) -> Result<(), ApiError> {
    let content = working_content(after);
    let before = before.map(ListingContent::from_new);
    let changed = diff(before.as_ref(), &ListingContent::from_new(&content))
        .into_iter()
        .map(|c| c.veld)
        .collect();
    Store::insert_revision(
        tx,
        NewRevision {
            listing_id: after.id,
            listing_version: after.version,
            action,
            status: after.status.as_str(),
            user_id: Some(caller.user.id),
            user_name: &caller.user.name,
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
) -> Result<Saved, ApiError> {
    // The outbox row changes nothing in the item, so `listing` is still its state.
    let seq = if reindex {
        Some(Store::append_outbox(&mut tx, listing.id).await?)
    } else {
        None
    };
    tx.commit().await.map_err(crate::store::StoreError::from)?;
    Ok(Saved { listing, seq })
}

/// A new item of `organisation_id`, as a concept.
pub async fn create(
    store: &Store,
    taxonomy: &Taxonomy,
    caller: &Caller,
    organisation_id: i64,
    content: &ListingContent,
) -> Result<Saved, ApiError> {
    let new = validate(content, taxonomy)?;
    let mut tx = store.begin().await?;
    let id = Store::insert_listing_row(&mut tx, organisation_id, &new).await?;
    Store::replace_links(&mut tx, id, &new).await?;
    let after = Store::listing_in_tx(&mut tx, id).await?;
    record(&mut tx, caller, None, &after, "aangemaakt", None).await?;
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
    content: &ListingContent,
) -> Result<Saved, ApiError> {
    let mut new = validate(content, taxonomy)?;
    let mut tx = store.begin().await?;
    let current = lock_for(&mut tx, caller, id, Some(expected_version)).await?;
    let before = working_content(&current);
    let direct = caller.is_editor() || is_trusted(&mut tx, current.organisation_id).await?;
    if current.status == Status::Gepubliceerd && !direct {
        // The validated form (trimmed, postcode normalised), so the review diff shows real
        // changes only.
        let change = StateChange {
            pending: Some((Box::new(new), Status::TerBeoordeling, Some(caller.user.id))),
            ..StateChange::to(Status::Gepubliceerd)
        };
        Store::set_listing_state(&mut tx, id, &change).await?;
        let after = Store::listing_in_tx(&mut tx, id).await?;
        record(
            &mut tx,
            caller,
            Some(&before),
            &after,
            "wijziging-voorgesteld",
            None,
        )
        .await?;
        return finish(tx, after, false).await;
    }
    new.status = current.status;
    Store::write_listing_row(&mut tx, id, current.organisation_id, &new).await?;
    let mut note = None;
    if current.pending.is_some() {
        // A direct edit replaces a waiting proposal: approving that later would overwrite this
        // newer content with older.
        let change = StateChange::to(current.status);
        Store::set_listing_state(&mut tx, id, &change).await?;
        let subject = format!("aanbod {id}");
        let who = (Some(caller.user.id), caller.user.name.as_str());
        Store::audit_in_tx(
            &mut tx,
            who,
            "wijziging-vervangen",
            &subject,
            "directe bewerking",
        )
        .await?;
        note = Some("voorgestelde wijziging vervangen door deze bewerking".to_string());
    }
    let after = Store::listing_in_tx(&mut tx, id).await?;
    record(&mut tx, caller, Some(&before), &after, "bewerkt", note).await?;
    finish(tx, after, current.status == Status::Gepubliceerd).await
}

/// Submits an item (or a returned pending change) for review. Editors and trusted
/// organisations publish at once.
pub async fn submit(
    store: &Store,
    taxonomy: &Taxonomy,
    caller: &Caller,
    id: i64,
    expected_version: i64,
) -> Result<Saved, ApiError> {
    let mut tx = store.begin().await?;
    let current = lock_for(&mut tx, caller, id, Some(expected_version)).await?;
    let direct = caller.is_editor() || is_trusted(&mut tx, current.organisation_id).await?;
    let before = working_content(&current);
    match (current.status, current.pending.as_ref().map(|p| p.status)) {
        (Status::Concept | Status::Teruggestuurd | Status::Gearchiveerd, _) => {
            // Content may predate a taxonomy change; check it before it goes public.
            revalidate(&before, taxonomy)?;
            let status = if direct {
                Status::Gepubliceerd
            } else {
                Status::TerBeoordeling
            };
            let change = StateChange {
                submitted_by: Some(Some(caller.user.id)),
                verified_now: direct,
                ..StateChange::to(status)
            };
            Store::set_listing_state(&mut tx, id, &change).await?;
            let after = Store::listing_in_tx(&mut tx, id).await?;
            let action = if direct { "gepubliceerd" } else { "ingediend" };
            record(&mut tx, caller, Some(&before), &after, action, None).await?;
            finish(tx, after, direct).await
        }
        (Status::Gepubliceerd, Some(Status::Teruggestuurd)) if direct => {
            apply_pending(tx, store, taxonomy, caller, current, "gepubliceerd").await
        }
        (Status::Gepubliceerd, Some(Status::Teruggestuurd)) => {
            let pending = current
                .pending
                .clone()
                .map(|p| (p.content, Status::TerBeoordeling, Some(caller.user.id)));
            let change = StateChange {
                pending,
                ..StateChange::to(Status::Gepubliceerd)
            };
            Store::set_listing_state(&mut tx, id, &change).await?;
            let after = Store::listing_in_tx(&mut tx, id).await?;
            record(&mut tx, caller, Some(&before), &after, "ingediend", None).await?;
            finish(tx, after, false).await
        }
        (Status::TerBeoordeling, _) | (Status::Gepubliceerd, Some(_)) => Err(ApiError::Conflict(
            "Dit is al ingediend en wacht op beoordeling door de redactie.".into(),
        )),
        (Status::Gepubliceerd, None) => Err(ApiError::Conflict(
            "Dit item is al gepubliceerd; er is geen wijziging om in te dienen.".into(),
        )),
    }
}

/// Writes the pending content into the published columns and clears the proposal.
async fn apply_pending(
    mut tx: Transaction<'static, Any>,
    _store: &Store,
    taxonomy: &Taxonomy,
    caller: &Caller,
    current: Listing,
    action: &str,
) -> Result<Saved, ApiError> {
    let before = current.to_new();
    let proposal = current
        .pending
        .as_ref()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("geen voorgestelde wijziging")))?;
    let mut new = revalidate(&proposal.content, taxonomy)?;
    new.status = Status::Gepubliceerd;
    Store::write_listing_row(&mut tx, current.id, current.organisation_id, &new).await?;
    let change = StateChange {
        verified_now: true,
        ..StateChange::to(Status::Gepubliceerd)
    };
    Store::set_listing_state(&mut tx, current.id, &change).await?;
    let after = Store::listing_in_tx(&mut tx, current.id).await?;
    record(&mut tx, caller, Some(&before), &after, action, None).await?;
    finish(tx, after, true).await
}

/// An editor approves or returns a submission or a pending change.
pub async fn review(
    store: &Store,
    taxonomy: &Taxonomy,
    caller: &Caller,
    id: i64,
    expected_version: i64,
    decision: Decision,
) -> Result<Saved, ApiError> {
    caller.require_editor()?;
    let mut tx = store.begin().await?;
    let current = lock_for(&mut tx, caller, id, Some(expected_version)).await?;
    let before = working_content(&current);
    let subject = format!("aanbod {id}");
    let who = (Some(caller.user.id), caller.user.name.as_str());
    let pending_waiting = current
        .pending
        .as_ref()
        .is_some_and(|p| p.status == Status::TerBeoordeling);
    match (&decision, current.status) {
        (Decision::Approve, Status::TerBeoordeling) => {
            revalidate(&before, taxonomy)?;
            let change = StateChange {
                verified_now: true,
                ..StateChange::to(Status::Gepubliceerd)
            };
            Store::set_listing_state(&mut tx, id, &change).await?;
            Store::audit_in_tx(
                &mut tx,
                who,
                "beoordeling-goedgekeurd",
                &subject,
                "nieuw item",
            )
            .await?;
            let after = Store::listing_in_tx(&mut tx, id).await?;
            record(&mut tx, caller, Some(&before), &after, "goedgekeurd", None).await?;
            finish(tx, after, true).await
        }
        (Decision::Return(reason), Status::TerBeoordeling) => {
            let change = StateChange {
                review_note: Some(reason.clone()),
                ..StateChange::to(Status::Teruggestuurd)
            };
            Store::set_listing_state(&mut tx, id, &change).await?;
            Store::audit_in_tx(&mut tx, who, "beoordeling-teruggestuurd", &subject, reason).await?;
            let after = Store::listing_in_tx(&mut tx, id).await?;
            record(
                &mut tx,
                caller,
                Some(&before),
                &after,
                "teruggestuurd",
                Some(reason.clone()),
            )
            .await?;
            finish(tx, after, false).await
        }
        (Decision::Approve, Status::Gepubliceerd) if pending_waiting => {
            Store::audit_in_tx(
                &mut tx,
                who,
                "beoordeling-goedgekeurd",
                &subject,
                "wijziging",
            )
            .await?;
            apply_pending(tx, store, taxonomy, caller, current, "goedgekeurd").await
        }
        (Decision::Return(reason), Status::Gepubliceerd) if pending_waiting => {
            let pending = current
                .pending
                .clone()
                .map(|p| (p.content, Status::Teruggestuurd, p.by));
            let change = StateChange {
                review_note: Some(reason.clone()),
                pending,
                ..StateChange::to(Status::Gepubliceerd)
            };
            Store::set_listing_state(&mut tx, id, &change).await?;
            Store::audit_in_tx(&mut tx, who, "beoordeling-teruggestuurd", &subject, reason).await?;
            let after = Store::listing_in_tx(&mut tx, id).await?;
            record(
                &mut tx,
                caller,
                Some(&before),
                &after,
                "teruggestuurd",
                Some(reason.clone()),
            )
            .await?;
            finish(tx, after, false).await
        }
        _ => Err(ApiError::Conflict(
            "Er wacht voor dit item niets op beoordeling.".into(),
        )),
    }
}

/// Takes an item out of search (and drops a pending change).
pub async fn archive(
    store: &Store,
    caller: &Caller,
    id: i64,
    expected_version: i64,
) -> Result<Saved, ApiError> {
    let mut tx = store.begin().await?;
    let current = lock_for(&mut tx, caller, id, Some(expected_version)).await?;
    if current.status == Status::Gearchiveerd {
        return Err(ApiError::Conflict("Dit item is al gearchiveerd.".into()));
    }
    let before = working_content(&current);
    let change = StateChange::to(Status::Gearchiveerd);
    Store::set_listing_state(&mut tx, id, &change).await?;
    let after = Store::listing_in_tx(&mut tx, id).await?;
    record(&mut tx, caller, Some(&before), &after, "gearchiveerd", None).await?;
    finish(tx, after, current.status == Status::Gepubliceerd).await
}

/// "Nog actueel": the partner confirms the item is still right; nothing else changes.
pub async fn confirm_current(store: &Store, caller: &Caller, id: i64) -> Result<Saved, ApiError> {
    let mut tx = store.begin().await?;
    let current = lock_for(&mut tx, caller, id, None).await?;
    if current.status == Status::Gearchiveerd {
        return Err(ApiError::Conflict(
            "Een gearchiveerd item kan niet als actueel worden bevestigd.".into(),
        ));
    }
    let change = StateChange {
        review_note: current.review_note.clone(),
        pending: current.pending.clone().map(|p| (p.content, p.status, p.by)),
        // The proposal itself did not change: keep its place in the review queue.
        pending_since: current.pending.as_ref().map(|p| p.at.clone()),
        verified_now: true,
        ..StateChange::to(current.status)
    };
    Store::set_listing_state(&mut tx, id, &change).await?;
    let after = Store::listing_in_tx(&mut tx, id).await?;
    let before = working_content(&current);
    record(
        &mut tx,
        caller,
        Some(&before),
        &after,
        "gecontroleerd",
        None,
    )
    .await?;
    finish(tx, after, current.status == Status::Gepubliceerd).await
}
