//! E-mail to partners and editors, through an outbox: a mail is a row in `mail_outbox`,
//! written in the same transaction as the change it is about ([`Notice`], stored as JSON), and
//! a worker on any node sends it later ([`worker`]). No mail is sent inside a request, an
//! outage of the mail server loses nothing (a failed send is retried with a growing delay),
//! and a node claims a mail before sending it, so with several nodes each goes out once.
//!
//! Without an SMTP URL, mails are written as `.eml` files into a folder (`<data-dir>/mail`),
//! so a development setup or a test needs no mail server.

mod message;
pub mod reminders;
pub mod transport;
pub mod worker;

pub use message::{Notice, Rendered, StaleListing, render};
pub use transport::Transport;
