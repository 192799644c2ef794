//! The public change feed (`GET /api/v1/wijzigingen`): the outbox, read as "these items
//! changed" for websites and aggregators. One outbox row becomes an entry per item whose public
//! shape it touches: an item itself; an organisation's items (its name is in them); a
//! taxonomy term's items (its label is in them). Each entry carries the item as it is public
//! *now*, or says it is no longer public (unpublished, archived, deleted, a draft, or a
//! vacancy past its end date). A consumer that applies entries in order, last one winning,
//! holds exactly the public offer once it has read to the end.
//!
//! The position is the outbox sequence number plus, inside one row that touches several
//! items, the last item id given: both come from the database, so a cursor means the same on
//! every node and across restarts.

use std::fmt;
use std::time::Duration;

use crate::domain::{Change, Listing};
use crate::store::{Store, StoreResult};

/// Outbox rows read at most per request: a stretch of rows that touch no item (search
/// vocabulary changes) ends a page early rather than making one request long.
const MAX_ROWS_PER_PAGE: i64 = 1_000;
/// How often a node looks for vacancies that passed their end date.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Where a consumer is: every entry up to and including this position has been given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    seq: i64,
    /// Inside row `seq`, the last item given; `None` when the whole row was given.
    after_item: Option<i64>,
}

impl Cursor {
    /// `"120"` (everything through outbox row 120) or `"120.37"` (row 120 through item 37).
    pub fn parse(text: &str) -> Option<Cursor> {
        let (seq, item) = match text.split_once('.') {
            Some((s, i)) => (s, Some(i)),
            None => (text, None),
        };
        let number = |t: &str| {
            (!t.is_empty() && t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse::<i64>().ok())
                .flatten()
        };
        Some(Cursor {
            seq: number(seq)?,
            after_item: match item {
                Some(i) => Some(number(i)?),
                None => None,
            },
        })
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.after_item {
            Some(item) => write!(f, "{}.{item}", self.seq),
            None => write!(f, "{}", self.seq),
        }
    }
}

/// One entry: an item as it is public now, or its id when it is not public.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub position: Cursor,
    pub listing_id: i64,
    /// `Some` when the item is public, `None` when it is to be removed.
    pub listing: Option<Listing>,
}

#[derive(Debug, Clone)]
pub struct FeedPage {
    pub entries: Vec<FeedEntry>,
    /// Where to continue.
    pub next: Cursor,
    /// True when `next` is the end of the feed as of this request.
    pub caught_up: bool,
}

/// The items whose public shape one outbox row touches, in id order.
async fn touched(store: &Store, change: &Change) -> StoreResult<Vec<i64>> {
    Ok(match change {
        Change::Listing(id) => vec![*id],
        Change::Organisation(id) => store.listing_ids_of_organisation(*id).await?,
        Change::Term(kind, key) => store.listing_ids_with_term(*kind, key.as_str()).await?,
        // Search vocabulary: no item changes.
        Change::Lexicon => Vec::new(),
    })
}

/// Up to `limit` entries after `from`, from outbox rows up to `through` only: a node gives
/// the rows its own caches (taxonomy labels) have applied, so an entry never shows a label
/// older than the row it stands for.
pub async fn page(
    store: &Store,
    from: Cursor,
    limit: usize,
    today: chrono::NaiveDate,
    through: i64,
) -> StoreResult<FeedPage> {
    let mut entries = Vec::new();
    let mut position = from;
    // A partly given row is read again, from the item after the last one given.
    let mut read_after = if from.after_item.is_some() {
        from.seq - 1
    } else {
        from.seq
    };
    let mut rows_read = 0;
    loop {
        let rows: Vec<_> = store
            .outbox_after(read_after, (MAX_ROWS_PER_PAGE - rows_read).min(200))
            .await?
            .into_iter()
            .filter(|row| row.seq <= through)
            .collect();
        let Some(last) = rows.last() else {
            return Ok(FeedPage {
                entries,
                next: position,
                caught_up: true,
            });
        };
        read_after = last.seq;
        rows_read += rows.len() as i64;
        for row in rows {
            let skip_through = (row.seq == from.seq).then_some(from.after_item).flatten();
            let ids: Vec<i64> = touched(store, &row.change)
                .await?
                .into_iter()
                .filter(|id| skip_through.is_none_or(|done| *id > done))
                .collect();
            let room = limit - entries.len();
            let take = &ids[..ids.len().min(room)];
            let listings = store.find_listings(take).await?;
            for id in take {
                let listing = listings
                    .iter()
                    .find(|l| l.id == *id)
                    .filter(|l| l.is_public_on(today))
                    .cloned();
                position = Cursor {
                    seq: row.seq,
                    after_item: Some(*id),
                };
                entries.push(FeedEntry {
                    position,
                    listing_id: *id,
                    listing,
                });
            }
            if take.len() < ids.len() {
                return Ok(FeedPage {
                    entries,
                    next: position,
                    caught_up: false,
                });
            }
            position = Cursor {
                seq: row.seq,
                after_item: None,
            };
            if let Some(e) = entries.last_mut()
                && e.position.seq == row.seq
            {
                // The row is complete: its last entry ends it.
                e.position = position;
            }
            if entries.len() >= limit {
                return Ok(FeedPage {
                    entries,
                    next: position,
                    caught_up: false,
                });
            }
        }
        if rows_read >= MAX_ROWS_PER_PAGE {
            return Ok(FeedPage {
                entries,
                next: position,
                caught_up: false,
            });
        }
    }
}

/// Every [`SWEEP_EVERY`], puts vacancies that passed their end date in the outbox, so the feed
/// and every index see them leave. (`App::start` sweeps once before the indexer starts.)
pub async fn sweep_ended_vacancies(store: Store, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(SWEEP_EVERY) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        match store
            .announce_ended_vacancies(crate::domain::listing::today())
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "verlopen vacatures gemeld"),
            Err(e) => tracing::warn!(error = %e, "verlopen vacatures niet gemeld; later opnieuw"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_as_written_and_nothing_else_parses() {
        for text in ["0", "120", "120.37"] {
            assert_eq!(
                Cursor::parse(text).map(|c| c.to_string()).as_deref(),
                Some(text)
            );
        }
        for bad in [
            "",
            "-1",
            "1.",
            ".5",
            "1.2.3",
            "x",
            "12a",
            "99999999999999999999",
            " 1",
        ] {
            assert_eq!(Cursor::parse(bad), None, "{bad:?}");
        }
    }
}
