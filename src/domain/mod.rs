//! Validated domain types: the offer ("aanbod"), organisations and the taxonomy.
//! Past the API boundary no raw string stands for a kind, status, age range or taxonomy key.

/// An enum with stable Dutch names (the keys in the database and on every wire), parsed and
/// printed by hand so the domain carries no serialisation attributes.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The key on the wire and in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($wire => Some($name::$variant),)+ _ => None }
            }

            /// Position in `ALL`, used as a compact code in the search engine.
            pub fn code(self) -> u8 {
                Self::ALL.iter().position(|v| *v == self).unwrap_or(0) as u8
            }

            /// The allowed keys, for error messages.
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

pub mod audit;
pub mod change;
pub mod content;
pub mod lexicon;
pub mod listing;
pub mod referral;
pub mod report;
pub mod taxonomy;
pub mod user;
pub mod validation;

pub use change::Change;
pub use listing::{
    AgeRange, Contact, Cost, Kind, Listing, Location, NewListing, PendingChange, Referral, Status,
    TimeCommitment, Vacancy,
};
pub use taxonomy::{AgeGroup, Taxonomy, Term, TermKey};
pub use user::{Role, UserEmail};
pub use validation::{FieldError, FieldErrors};

/// Dutch month names, January first: how people write dates, and how pages show them.
pub const MONTH_NAMES: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// A moment in UTC. Typed inside; encoded as ISO 8601 text at the store and wire boundaries.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// ISO 8601 in UTC with milliseconds (`2026-12-02T10:15:00.000Z`): the text form of a
/// [`Timestamp`] in the store and on the wire.
pub fn iso(ts: &Timestamp) -> String {
    ts.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Current time as ISO-8601 text in UTC, the portable timestamp format of the store.
pub fn now_iso() -> String {
    iso(&chrono::Utc::now())
}
