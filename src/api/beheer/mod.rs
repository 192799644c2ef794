//! `/beheer/...`: the authenticated side: partners keep their offer current, editors
//! moderate and manage organisations and accounts.

pub mod aanbod;
pub mod gebruikers;
pub mod imports;
pub mod meldingen;
pub mod organisaties;
pub mod termen;
pub mod zoekinzichten;
pub mod zoektaal;
