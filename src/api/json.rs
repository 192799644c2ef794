//! JSON answers serialised into one buffer of about their final size.
//!
//! axum's `Json` starts at 128 bytes and writes through `BytesMut`, one capacity check and
//! copy per token, growing eight times for a search answer of 20-30 KB; that was about 35 µs
//! of a search request's server time. A `Vec` sized for such an answer writes each token as a
//! plain copy (with the leaner metrics, 15-35 µs less server CPU a search request; README,
//! seventh-session A/B). Used where answers are large and frequent: the search.

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;

/// Room for a 20-result search answer with facets and snippets.
const SEARCH_ANSWER_BYTES: usize = 32 * 1024;

pub struct JsonAnswer<T>(pub T);

impl<T: Serialize> IntoResponse for JsonAnswer<T> {
    fn into_response(self) -> Response {
        let mut buf = Vec::with_capacity(SEARCH_ANSWER_BYTES);
        match serde_json::to_writer(&mut buf, &self.0) {
            Ok(()) => {
                let mut res = Response::new(Body::from(buf));
                res.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                res
            }
            Err(e) => ApiError::Internal(e.into()).into_response(),
        }
    }
}
