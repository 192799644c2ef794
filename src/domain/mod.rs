//! Validated domain types: the offer ("aanbod"), organisations and the taxonomy.
//! Past the API boundary no raw string stands for a kind, status, age range or taxonomy key.

pub mod listing;
pub mod taxonomy;
pub mod validation;

pub use listing::{
    AgeRange, Contact, Cost, Kind, Listing, Location, NewListing, Status, TimeCommitment, Vacancy,
};
pub use taxonomy::{AgeGroup, Taxonomy, Term};
pub use validation::{FieldError, FieldErrors};

/// Current time as ISO-8601 text in UTC, the portable timestamp format of the store.
pub fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
