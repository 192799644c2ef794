//! Search insights: which searches residents do in vain. Each node counts, in memory, the
//! searches that found nothing or needed the partial-match fallback, per normalised query
//! and per day, and adds its counts to the database every few seconds (and when an editor
//! asks). Nothing else is kept: no address, no account, no time finer than the day; a query
//! that looks like personal data (an e-mail address, a phone or citizen service number, a
//! date of birth) is not counted at all. Editors see a query only once it reached
//! [`THRESHOLD`] searches in the period they ask about.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::domain::listing::today;
use crate::store::{InsightRow, Store, StoreResult};

/// A query is shown only from this many searches on.
pub const THRESHOLD: i64 = 5;
/// How often a node adds its counts to the database.
pub const FLUSH_EVERY: Duration = Duration::from_secs(10);
/// How long counts are kept.
pub const KEEP_DAYS: i64 = 400;
/// Distinct queries held between flushes; more are not counted until the next flush, so a
/// flood of random queries cannot grow memory.
const MAX_PENDING: usize = 10_000;
/// Longest normalised query kept.
const MAX_QUERY_CHARS: usize = 100;

/// How a search went, as far as insights care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    NoResults,
    /// Too few items had every word; items with some of the words were added.
    Partial,
}

#[derive(Default)]
pub struct SearchInsights {
    pending: Mutex<HashMap<(String, String), (i64, i64)>>,
}

/// The form a query is counted under: its search words (lower case, accents and stop words
/// off), or `None` when there is nothing to count or it looks like personal data.
pub fn normalise(text: &str) -> Option<String> {
    if crate::domain::referral::personal_data(text, today()).is_some() {
        return None;
    }
    let words = crate::search::query_words(text);
    let mut query = words.join(" ");
    if query.is_empty() {
        return None;
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        query = query.chars().take(MAX_QUERY_CHARS).collect();
    }
    Some(query)
}

impl SearchInsights {
    pub fn record(&self, text: &str, outcome: Outcome) {
        let Some(query) = normalise(text) else {
            return;
        };
        let day = today().to_string();
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let len = pending.len();
        let key = (day, query);
        if len >= MAX_PENDING && !pending.contains_key(&key) {
            return;
        }
        let counts = pending.entry(key).or_default();
        match outcome {
            Outcome::NoResults => counts.0 += 1,
            Outcome::Partial => counts.1 += 1,
        }
    }

    fn take(&self) -> Vec<InsightRow> {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending
            .drain()
            .map(|((day, query), (no_results, partial))| InsightRow {
                day,
                query,
                no_results,
                partial,
            })
            .collect()
    }

    fn put_back(&self, rows: Vec<InsightRow>) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        for r in rows {
            let counts = pending.entry((r.day, r.query)).or_default();
            counts.0 += r.no_results;
            counts.1 += r.partial;
        }
    }

    /// Adds this node's counts to the database; on failure they stay for the next try.
    pub async fn flush(&self, store: &Store) -> StoreResult<()> {
        let rows = self.take();
        if rows.is_empty() {
            return Ok(());
        }
        if let Err(e) = store.add_search_insights(&rows).await {
            self.put_back(rows);
            return Err(e);
        }
        Ok(())
    }
}

/// Flushes every [`FLUSH_EVERY`] (the last flush is `App::stop`'s, once requests are done);
/// forgets counts older than [`KEEP_DAYS`] once a day.
pub async fn run(
    insights: std::sync::Arc<SearchInsights>,
    store: Store,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut pruned_on = None;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(FLUSH_EVERY) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        if let Err(e) = insights.flush(&store).await {
            tracing::warn!(error = %e, "zoekinzichten niet bewaard; volgende poging later");
        }
        let day = today();
        if pruned_on != Some(day) {
            let before = (day - chrono::Duration::days(KEEP_DAYS)).to_string();
            match store.prune_search_insights(&before).await {
                Ok(_) => pruned_on = Some(day),
                Err(e) => tracing::warn!(error = %e, "oude zoekinzichten niet opgeruimd"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_counted_in_their_search_form_and_personal_data_never() {
        assert_eq!(normalise("Hulp bij de  Tuin").as_deref(), Some("hulp tuin"));
        assert_eq!(normalise("de het een"), None);
        assert_eq!(normalise("jan.jansen@voorbeeld.nl schulden"), None);
        assert_eq!(normalise("06-12345678"), None);
        let long = "woord ".repeat(40);
        assert!(normalise(&long).unwrap().chars().count() <= MAX_QUERY_CHARS);
    }

    #[test]
    fn counts_add_up_per_day_and_query() {
        let i = SearchInsights::default();
        i.record("rollator lenen", Outcome::NoResults);
        i.record("Rollator  lenen", Outcome::NoResults);
        i.record("rollator lenen", Outcome::Partial);
        let rows = i.take();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].no_results, rows[0].partial), (2, 1));
        assert!(i.take().is_empty());
    }
}
