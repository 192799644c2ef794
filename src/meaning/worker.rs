//! Keeps the vector store in step with this node's index.
//!
//! It watches the index rather than the outbox: whatever the index holds (after a change, a
//! rebuild or a restart) is what searches can find, so that is what needs a vector. New
//! segments hold the new and changed items; a merge only re-reads texts whose vectors are
//! already there. An embeddings service that is down delays vectors, never a write: the
//! segments are read again on the next pass.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tantivy::index::SegmentId;
use tantivy::schema::Value;
use tantivy::{DocAddress, TantivyDocument};
use tokio::sync::watch;

use super::client::EmbeddingClient;
use super::store::VectorStore;
use crate::index::SearchIndex;
use crate::index::schema::HitPayload;

/// Texts per request to the embeddings service.
const BATCH: usize = 16;
/// How often the index is looked at.
const POLL: Duration = Duration::from_millis(500);

/// The text of an item that its vector stands for.
pub fn item_text(p: &HitPayload) -> String {
    format!("{}. {} {}", p.title, p.summary, p.description)
}

/// FNV-1a: a stable hash (the same on every build), to see that a text changed.
pub fn text_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Runs until `shutdown` turns true.
pub async fn run(
    index: Arc<SearchIndex>,
    store: Arc<VectorStore>,
    client: Arc<EmbeddingClient>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut seen: HashSet<SegmentId> = HashSet::new();
    let mut last: Vec<(SegmentId, u32)> = Vec::new();
    let mut failures = 0u32;
    loop {
        // Segments with their live documents: new segments hold new texts, fewer live
        // documents in a segment mean items that went.
        let now: Vec<(SegmentId, u32)> = index
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| (s.segment_id(), s.num_docs()))
            .collect();
        if index.applied_seq().is_some() && (now != last || failures > 0) {
            match pass(&index, &store, &client, &seen).await {
                Ok(segments) => {
                    seen = segments;
                    last = now;
                    failures = 0;
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    if failures == 1 || failures.is_multiple_of(60) {
                        tracing::warn!(error = %format!("{e:#}"), failures, "vectoren bijwerken mislukt");
                    }
                }
            }
        }
        let pause = POLL * failures.clamp(1, 20);
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.wait_for(|stop| *stop) => break,
        }
    }
}

/// One pass: vectors for the items of segments not seen before, and none for items gone.
/// Returns the segments now covered.
async fn pass(
    index: &Arc<SearchIndex>,
    store: &Arc<VectorStore>,
    client: &EmbeddingClient,
    seen: &HashSet<SegmentId>,
) -> anyhow::Result<HashSet<SegmentId>> {
    let (segments, todo, live) = {
        let index = index.clone();
        let store = store.clone();
        let seen = seen.clone();
        tokio::task::spawn_blocking(move || read_texts(&index, &store, &seen)).await??
    };
    for chunk in todo.chunks(BATCH) {
        let texts: Vec<&str> = chunk.iter().map(|(_, _, t)| t.as_str()).collect();
        let vectors = client.passages(&texts).await?;
        let batch = chunk
            .iter()
            .zip(vectors)
            .map(|((id, hash, _), v)| (*id, *hash, v))
            .collect();
        let store = store.clone();
        tokio::task::spawn_blocking(move || store.put(batch)).await??;
    }
    let store = store.clone();
    let gone = tokio::task::spawn_blocking(move || store.retain(|id| live.contains(&id))).await??;
    if !todo.is_empty() || gone > 0 {
        tracing::info!(
            berekend = todo.len(),
            vergeten = gone,
            "vectoren bijgewerkt"
        );
    }
    Ok(segments)
}

/// The segments read, the texts without a current vector in those not seen yet, and every
/// live item id.
#[allow(clippy::type_complexity)]
fn read_texts(
    index: &SearchIndex,
    store: &VectorStore,
    seen: &HashSet<SegmentId>,
) -> anyhow::Result<(HashSet<SegmentId>, Vec<(i64, u64, String)>, HashSet<i64>)> {
    let searcher = index.searcher();
    let segments = searcher
        .segment_readers()
        .iter()
        .map(|s| s.segment_id())
        .collect();
    let fields = index.fields();
    let mut todo = Vec::new();
    let mut live = HashSet::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let ids = segment.fast_fields().u64(crate::index::schema::names::ID)?;
        let fresh = !seen.contains(&segment.segment_id());
        for doc in segment.doc_ids_alive() {
            let Some(id) = ids.first(doc) else { continue };
            live.insert(id as i64);
            if !fresh {
                continue;
            }
            let stored: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc))?;
            let Some(json) = stored.get_first(fields.payload).and_then(|v| v.as_str()) else {
                continue;
            };
            let payload: HitPayload = serde_json::from_str(json)?;
            let text = item_text(&payload);
            let hash = text_hash(&text);
            if store.needs(payload.id, hash) {
                todo.push((payload.id, hash, text));
            }
        }
    }
    Ok((segments, todo, live))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_hash_is_stable_and_tells_texts_apart() {
        assert_eq!(text_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_ne!(text_hash("zwemles"), text_hash("zwemles "));
        assert_eq!(text_hash("zwemles"), text_hash("zwemles"));
    }
}
