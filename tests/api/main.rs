//! One integration test binary: the real service over real HTTP with a temporary data dir.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod admin_pages;
mod auth;
mod authz;
mod beheer;
mod contract;
mod crash;
mod dutch;
mod errors;
mod facets;
mod feed;
mod fuzz;
mod helpers;
mod hsds;
mod import;
mod indexing;
mod lexicon;
mod mail;
mod meaning;
mod nodes;
mod openapi;
mod operations;
mod portal;
mod properties;
mod quality;
mod referrals;
mod schema;
mod search;
mod taxonomy;
mod web;
