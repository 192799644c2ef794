//! The referral-list service: staff collect published offers into lists, note why each one
//! fits, reorder them and share a list by a link that expires and can be revoked. Every rule
//! about who may touch which list lives here; the API and the pages only translate.

use std::time::Duration;

use crate::auth::{AuthError, Caller, sha256_hex};
use crate::domain::listing::today;
use crate::domain::referral::{self, Note, ReferralList};
use crate::domain::{FieldErrors, Listing, Timestamp};
use crate::store::{Store, StoreError};

/// What the referral service refused, in its own words.
#[derive(Debug, thiserror::Error)]
pub enum ReferralError {
    /// No such list, or not the caller's (the two are not told apart).
    #[error("lijst niet gevonden")]
    NotFound,
    /// The offer does not exist or is not published.
    #[error("aanbod niet gevonden")]
    NoSuchOffer,
    /// The share link is unknown, expired or revoked.
    #[error("link werkt niet meer")]
    LinkGone,
    #[error("ongeldig")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ReferralError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ReferralError::NotFound,
            other => ReferralError::Store(other),
        }
    }
}

pub type ReferralResult<T> = Result<T, ReferralError>;

/// One offer on a list as shown: its note, and the offer itself while it is public.
#[derive(Debug, Clone)]
pub struct ShownEntry {
    pub listing_id: i64,
    pub note: Note,
    /// `None` when the offer was taken offline or ended since it was put on the list.
    pub listing: Option<Listing>,
}

/// A list with its offers resolved.
#[derive(Debug, Clone)]
pub struct ShownList {
    pub list: ReferralList,
    pub entries: Vec<ShownEntry>,
}

/// A new share link: the token is shown once; only its hash is kept.
#[derive(Debug, Clone)]
pub struct ShareLink {
    pub token: String,
    pub until: Timestamp,
}

/// Where a move sends an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
}

fn invalid(field: &str, reason: &str) -> ReferralError {
    let mut e = FieldErrors::new();
    e.add(field, reason);
    ReferralError::Invalid(e)
}

/// A list of the caller's, or `NotFound`: someone else's list does not exist for them.
async fn own(store: &Store, caller: &Caller, id: i64) -> ReferralResult<ReferralList> {
    caller.require_staff()?;
    let list = store.referral_list(id).await?;
    if list.owner_id != caller.user.id {
        return Err(ReferralError::NotFound);
    }
    Ok(list)
}

async fn resolve(store: &Store, list: ReferralList) -> ReferralResult<ShownList> {
    let day = today();
    let mut entries = Vec::with_capacity(list.entries.len());
    for entry in &list.entries {
        let listing = match store.find_listing(entry.listing_id).await {
            Ok(l) if l.is_public_on(day) => Some(l),
            Ok(_) | Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        entries.push(ShownEntry {
            listing_id: entry.listing_id,
            note: entry.note.clone(),
            listing,
        });
    }
    Ok(ShownList { list, entries })
}

/// One page of the caller's lists, most recently changed first, and how many there are.
pub async fn lists(
    store: &Store,
    caller: &Caller,
    page: u32,
    size: u32,
) -> ReferralResult<(Vec<ReferralList>, i64)> {
    caller.require_staff()?;
    let offset = i64::from(page.max(1) - 1) * i64::from(size);
    Ok(store
        .referral_lists_of(caller.user.id, offset, i64::from(size))
        .await?)
}

/// The list a staff member is working on: the one changed last, if any.
pub async fn current(store: &Store, caller: &Caller) -> ReferralResult<Option<ReferralList>> {
    caller.require_staff()?;
    let (mut lists, _) = store.referral_lists_of(caller.user.id, 0, 1).await?;
    Ok(lists.pop())
}

/// A new, empty list.
pub async fn create(store: &Store, caller: &Caller) -> ReferralResult<ReferralList> {
    caller.require_staff()?;
    let (_, count) = store.referral_lists_of(caller.user.id, 0, 0).await?;
    if count >= referral::MAX_LISTS {
        return Err(invalid(
            "lijst",
            &format!(
                "u heeft al {} lijsten; verwijder eerst lijsten die u niet meer nodig heeft",
                referral::MAX_LISTS
            ),
        ));
    }
    Ok(store.create_referral_list(caller.user.id).await?)
}

/// One of the caller's lists, with its offers.
pub async fn show(store: &Store, caller: &Caller, id: i64) -> ReferralResult<ShownList> {
    let list = own(store, caller, id).await?;
    resolve(store, list).await
}

/// Puts a published offer on a list with a note, or changes the note of one already there.
/// True when the offer is new on the list.
pub async fn put(
    store: &Store,
    caller: &Caller,
    id: i64,
    listing_id: i64,
    note: &str,
) -> ReferralResult<bool> {
    let list = own(store, caller, id).await?;
    let note = Note::parse("notitie", note, today()).map_err(ReferralError::Invalid)?;
    let is_new = !list.contains(listing_id);
    if is_new {
        match store.find_listing(listing_id).await {
            Ok(l) if l.is_public_on(today()) => {}
            Ok(_) | Err(StoreError::NotFound) => return Err(ReferralError::NoSuchOffer),
            Err(e) => return Err(e.into()),
        }
        if list.entries.len() >= referral::MAX_ITEMS {
            return Err(invalid(
                "aanbod",
                &format!(
                    "er staan al {} dingen op deze lijst; begin een nieuwe lijst",
                    referral::MAX_ITEMS
                ),
            ));
        }
    }
    store.put_referral_entry(id, listing_id, &note).await?;
    Ok(is_new)
}

/// Puts an offer on the caller's current list, starting one when there is none. Returns the
/// list's id.
pub async fn add_to_current(
    store: &Store,
    caller: &Caller,
    listing_id: i64,
) -> ReferralResult<i64> {
    let list = match current(store, caller).await? {
        Some(list) => list,
        None => create(store, caller).await?,
    };
    if !list.contains(listing_id) {
        put(store, caller, list.id, listing_id, "").await?;
    }
    Ok(list.id)
}

/// Takes an offer off a list.
pub async fn remove(
    store: &Store,
    caller: &Caller,
    id: i64,
    listing_id: i64,
) -> ReferralResult<()> {
    own(store, caller, id).await?;
    if store.remove_referral_entry(id, listing_id).await? {
        Ok(())
    } else {
        Err(ReferralError::NoSuchOffer)
    }
}

/// Puts a list's offers in a new order, which must name each offer once.
pub async fn reorder(store: &Store, caller: &Caller, id: i64, order: &[i64]) -> ReferralResult<()> {
    let list = own(store, caller, id).await?;
    referral::check_order(&list.entries, order).map_err(ReferralError::Invalid)?;
    Ok(store.reorder_referral_list(id, order).await?)
}

/// Moves one offer a place up or down; at the top or bottom nothing changes.
pub async fn shift(
    store: &Store,
    caller: &Caller,
    id: i64,
    listing_id: i64,
    direction: Move,
) -> ReferralResult<()> {
    let list = own(store, caller, id).await?;
    let mut order: Vec<i64> = list.entries.iter().map(|e| e.listing_id).collect();
    let Some(at) = order.iter().position(|l| *l == listing_id) else {
        return Err(ReferralError::NoSuchOffer);
    };
    let to = match direction {
        Move::Up => at.checked_sub(1),
        Move::Down => Some(at + 1).filter(|t| *t < order.len()),
    };
    if let Some(to) = to {
        order.swap(at, to);
        store.reorder_referral_list(id, &order).await?;
    }
    Ok(())
}

/// Deletes a list and its share link.
pub async fn delete(store: &Store, caller: &Caller, id: i64) -> ReferralResult<()> {
    own(store, caller, id).await?;
    Ok(store.delete_referral_list(id).await?)
}

/// A new share link valid for `valid`; an earlier link of the list stops working.
pub async fn share(
    store: &Store,
    caller: &Caller,
    id: i64,
    valid: Duration,
) -> ReferralResult<ShareLink> {
    own(store, caller, id).await?;
    let token = crate::auth::new_share_token();
    let until = chrono::Utc::now() + chrono::Duration::from_std(valid).unwrap_or_default();
    store
        .share_referral_list(id, &sha256_hex(&token), &until)
        .await?;
    Ok(ShareLink { token, until })
}

/// Ends a list's share link at once.
pub async fn revoke(store: &Store, caller: &Caller, id: i64) -> ReferralResult<()> {
    own(store, caller, id).await?;
    Ok(store.revoke_referral_share(id).await?)
}

/// The list behind a share link, for anyone who has the link, while it works. Only public
/// offers are shown, with their notes.
pub async fn shared(store: &Store, token: &str) -> ReferralResult<ShownList> {
    if token.len() > 100 || token.is_empty() {
        return Err(ReferralError::LinkGone);
    }
    let list = match store.referral_list_by_share(&sha256_hex(token)).await {
        Ok(list) => list,
        Err(StoreError::NotFound) => return Err(ReferralError::LinkGone),
        Err(e) => return Err(e.into()),
    };
    if list.live_share(chrono::Utc::now()).is_none() {
        return Err(ReferralError::LinkGone);
    }
    let mut shown = resolve(store, list).await?;
    shown.entries.retain(|e| e.listing.is_some());
    Ok(shown)
}
