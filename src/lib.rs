//! Wegwijzer: the search service behind a municipal sociale kaart.
//!
//! A guided tour, from the outside in:

/// Accounts and roles: who may invite, change and disable whom.
pub mod account_admin;
/// The HTTP API: resources, extractors, OpenAPI.
pub mod api;
/// Wiring: start, serve, stop.
pub mod app;
/// Passwords, bearer tokens, sessions and login throttling.
pub mod auth;
/// Command line: serve, migrate, reindex, import, openapi.
pub mod cli;
/// Typed configuration from flags and environment.
pub mod config;
/// Validated domain types: listings, organisations, taxonomy.
pub mod domain;
/// The API's error type and its problem+json rendering.
pub mod error;

pub mod feed;
/// Dutch postcode centroids and distances.
pub mod geo;
/// Bulk import (JSON, keyed by external ids) and export.
pub mod import_export;
/// The Tantivy index: schema, Dutch analysis, the single writer that tails the outbox.
pub mod index;

pub mod insights;
/// E-mail through an outbox: notices to partners, sent by a worker.
pub mod mail;

/// Search by meaning: sentence vectors from an embeddings service.
pub mod meaning;
/// Prometheus metrics.
pub mod metrics;
/// Referral lists for staff: who may touch which list, share links.
pub mod referrals;
/// The editors' desk for residents' reports: assign, handle, answer.
pub mod report_desk;
/// Search: request parsing, query building, disjunctive facets.
pub mod search;
/// The HTTP server loop with a header-read timeout and a bounded graceful shutdown.
pub mod serve;
/// All SQL: SQLite or PostgreSQL through sqlx's `AnyPool`.
pub mod store;
/// Logging setup.
pub mod telemetry;
/// Editors' changes to the taxonomy: add, relabel, retire.
pub mod terms;
/// The public website: server-rendered pages on the same search and store code.
pub mod web;
/// The editing workflow: drafts, review, pending changes, revisions.
pub mod workflow;
