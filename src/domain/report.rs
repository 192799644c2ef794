//! "Klopt er iets niet?": a resident's report of a mistake in an item. No account needed; an
//! e-mail address for an answer is optional and erased once the report is handled.

use super::content::plain_text;
use super::validation::is_valid_email;
use super::{FieldErrors, Timestamp};

wire_enum!(
    /// What is wrong, in a few plain choices.
    ReportReason {
        Contact = "contactgegevens",
        Times = "tijden",
        Address = "adres",
        Gone = "bestaat-niet-meer",
        Other = "anders",
    }
);

impl ReportReason {
    /// The choice as a resident reads it (language level B1).
    pub fn label(self) -> &'static str {
        match self {
            ReportReason::Contact => "Het telefoonnummer, e-mailadres of de website klopt niet",
            ReportReason::Times => "De dagen of tijden kloppen niet",
            ReportReason::Address => "Het adres klopt niet",
            ReportReason::Gone => "Dit bestaat niet meer",
            ReportReason::Other => "Iets anders",
        }
    }
}

wire_enum!(
    /// Where a report is in its handling.
    ReportStatus { Open = "open", Handled = "afgehandeld" }
);

/// Longest explanation a resident may write.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// A validated new report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    pub listing_id: i64,
    pub reason: ReportReason,
    pub message: String,
    pub email: Option<String>,
}

impl NewReport {
    /// Checks a report as sent: a known reason, plain text of at most 1000 characters (needed
    /// for "iets anders"), and a valid e-mail address when one is given. Every offending field
    /// is listed.
    pub fn parse(
        listing_id: i64,
        reason: &str,
        message: &str,
        email: &str,
    ) -> Result<NewReport, FieldErrors> {
        let mut e = FieldErrors::new();
        let reason = ReportReason::parse(reason);
        if reason.is_none() {
            e.add("reden", "kies wat er niet klopt");
        }
        let message = message.trim();
        plain_text(&mut e, "toelichting", message, 0, MAX_MESSAGE_CHARS);
        if reason == Some(ReportReason::Other) && message.is_empty() {
            e.add("toelichting", "schrijf kort wat er niet klopt");
        }
        let email = email.trim();
        if !email.is_empty() && !is_valid_email(email) {
            e.add("email", "dit is geen geldig e-mailadres");
        }
        match (reason, e.is_empty()) {
            (Some(reason), true) => Ok(NewReport {
                listing_id,
                reason,
                message: message.to_string(),
                email: (!email.is_empty()).then(|| email.to_string()),
            }),
            _ => Err(e),
        }
    }
}

/// A stored report, with the item it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: i64,
    pub listing_id: i64,
    pub listing_title: String,
    pub organisation_id: i64,
    pub reason: ReportReason,
    pub message: String,
    pub email: Option<String>,
    pub status: ReportStatus,
    pub created_at: Timestamp,
    pub handled_at: Option<Timestamp>,
    /// The editor who takes care of it, if anyone (id and name).
    pub assigned_to: Option<i64>,
    pub assigned_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offending_field_is_named_and_good_reports_are_trimmed() {
        let err = NewReport::parse(1, "weet-niet", "<b>x</b>", "geen-adres").unwrap_err();
        let names: Vec<&str> = err.as_slice().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["reden", "toelichting", "email"]);
        let other = NewReport::parse(1, "anders", "  ", "").unwrap_err();
        assert_eq!(other.as_slice()[0].name, "toelichting");
        let ok = NewReport::parse(1, "tijden", " Op dinsdag dicht. ", " a@b.nl ").unwrap();
        assert_eq!(ok.message, "Op dinsdag dicht.");
        assert_eq!(ok.email.as_deref(), Some("a@b.nl"));
        assert_eq!(NewReport::parse(1, "adres", "", "").unwrap().email, None);
    }
}
