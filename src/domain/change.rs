//! What changed, as the outbox records it: the entity, never the search documents it touches.

use super::taxonomy::{TermKey, TermKind};

/// One changed entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Change {
    /// An item: created, edited, moved through the workflow or deleted.
    Listing(i64),
    /// An organisation's details (its name is part of its items' searchable text).
    Organisation(i64),
    /// A taxonomy term was added, relabelled or moved.
    Term(TermKind, TermKey),
    /// An editor changed a synonym group or a situation: every node reloads its lexicon.
    Lexicon,
}
