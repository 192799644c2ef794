//! Reminders about stale items: once a month, every organisation with published items that
//! were not confirmed for six months gets one mail (to each of its partners) listing them, each
//! with a link that confirms that item, without logging in. The link is 128 random bits; the
//! database keeps only its SHA-256, the item it is for, the one thing it allows ("nog actueel")
//! and when it expires.

use std::collections::BTreeMap;

use super::Notice;
use super::message::StaleListing;
use crate::domain::Timestamp;
use crate::store::{Store, StoreResult};

/// What a reminder link allows.
pub const PURPOSE: &str = "nog-actueel";
/// How long a reminder link works.
pub const LINK_DAYS: i64 = 30;

/// Writes this month's reminders that no node wrote yet; returns how many organisations got one.
pub async fn send_stale_reminders(store: &Store, now: Timestamp) -> StoreResult<usize> {
    let period = now.format("%Y-%m").to_string();
    let stale = store
        .stale_items(crate::domain::listing::stale_before(now), &period)
        .await?;
    let mut by_org: BTreeMap<i64, Vec<crate::store::StaleItem>> = BTreeMap::new();
    for item in stale {
        by_org.entry(item.organisation_id).or_default().push(item);
    }
    let mut reminded = 0;
    for (organisation_id, items) in by_org {
        let mut tx = store.begin().await?;
        // The claim is a write, so on SQLite this transaction holds the write lock before it
        // reads; without partners it is rolled back with the rest.
        if !Store::claim_stale_reminder(&mut tx, organisation_id, &period).await?
            || !Store::has_partners(&mut tx, organisation_id).await?
        {
            tx.rollback().await?;
            continue;
        }
        let expires = now + chrono::Duration::days(LINK_DAYS);
        let mut listed = Vec::with_capacity(items.len());
        for item in items {
            let token = crate::auth::new_share_token();
            let hash = crate::auth::sha256_hex(&token);
            Store::create_mail_token(&mut tx, &hash, PURPOSE, item.listing_id, expires).await?;
            listed.push(StaleListing {
                listing_id: item.listing_id,
                title: item.title,
                last_verified: item.last_verified_at.chars().take(10).collect(),
                token,
            });
        }
        Store::notify_partners(
            &mut tx,
            organisation_id,
            &Notice::StaleReminder { items: listed },
        )
        .await?;
        tx.commit().await?;
        reminded += 1;
    }
    Ok(reminded)
}

/// Every node looks once an hour (and soon after it starts); the month's key makes it once.
pub async fn run(store: Store, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    let mut wait = std::time::Duration::from_secs(60);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        wait = std::time::Duration::from_secs(3600);
        match send_stale_reminders(&store, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "herinneringen over verouderd aanbod geschreven"),
            Err(e) => tracing::warn!(error = %e, "herinneringen niet geschreven; later opnieuw"),
        }
    }
}
