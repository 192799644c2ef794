//! What each mail says, in Dutch at language level B1, as plain text and as simple HTML.

use serde::{Deserialize, Serialize};

/// What a mail is about: stored with the mail, written out when it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "soort", rename_all = "kebab-case")]
pub enum Notice {
    /// An editor published the item (or the change to it).
    Published { listing_id: i64, title: String },
    /// An editor sent the item (or the change) back, with the reason.
    Returned {
        listing_id: i64,
        title: String,
        reason: String,
    },
    /// A resident reported a mistake in the item.
    NewReport {
        listing_id: i64,
        title: String,
        reason: String,
        message: String,
    },
}

impl Notice {
    /// The kind, for the outbox's `kind` column and the logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::Published { .. } => "gepubliceerd",
            Notice::Returned { .. } => "teruggestuurd",
            Notice::NewReport { .. } => "melding",
        }
    }
}

/// A mail ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Paragraphs and one link, as text and as HTML.
struct Body {
    greeting: &'static str,
    paragraphs: Vec<String>,
    /// (text before the link, link text, address)
    link: Option<(String, String, String)>,
}

fn compose(subject: String, body: Body, site_name: &str) -> Rendered {
    let mut text = format!("{}\n\n", body.greeting);
    let mut html = format!(
        "<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>{}</title></head><body><p>{}</p>",
        escape(&subject),
        escape(body.greeting)
    );
    for p in &body.paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", escape(p)));
    }
    if let Some((before, label, url)) = &body.link {
        text.push_str(&format!("{before}\n{url}\n\n"));
        html.push_str(&format!(
            "<p>{} <a href=\"{}\">{}</a></p>",
            escape(before),
            escape(url),
            escape(label)
        ));
    }
    let signature = format!("Met vriendelijke groet,\n{site_name}");
    text.push_str(&signature);
    text.push('\n');
    html.push_str(&format!(
        "<p>Met vriendelijke groet,<br>{}</p></body></html>",
        escape(site_name)
    ));
    Rendered {
        subject,
        text,
        html,
    }
}

/// The mail for a notice. `base` is the site's public address (links must work from a mail).
pub fn render(notice: &Notice, site_name: &str, base: &str) -> Rendered {
    let item_link = |id: i64| format!("{base}/beheer/aanbod/{id}");
    match notice {
        Notice::Published { listing_id, title } => compose(
            format!("Gepubliceerd: {title}"),
            Body {
                greeting: "Beste partner,",
                paragraphs: vec![
                    format!(
                        "De redactie heeft \"{title}\" goedgekeurd. Inwoners kunnen het nu vinden op de sociale kaart."
                    ),
                    "Verandert er iets? Pas het dan zelf aan. Zo blijft de informatie kloppen."
                        .into(),
                ],
                link: Some((
                    "Bekijk of bewerk het hier:".into(),
                    "Naar uw aanbod".into(),
                    item_link(*listing_id),
                )),
            },
            site_name,
        ),
        Notice::Returned {
            listing_id,
            title,
            reason,
        } => compose(
            format!("Teruggestuurd: {title}"),
            Body {
                greeting: "Beste partner,",
                paragraphs: vec![
                    format!(
                        "De redactie heeft \"{title}\" teruggestuurd. Het is nog niet gepubliceerd."
                    ),
                    format!("Dit moet nog veranderen: {reason}"),
                    "Pas het aan en stuur het opnieuw in. Dan kijkt de redactie er weer naar."
                        .into(),
                ],
                link: Some((
                    "Pas het hier aan:".into(),
                    "Aanbod aanpassen".into(),
                    item_link(*listing_id),
                )),
            },
            site_name,
        ),
        Notice::NewReport {
            listing_id,
            title,
            reason,
            message,
        } => {
            let mut paragraphs = vec![format!(
                "Een inwoner meldt dat er iets niet klopt bij \"{title}\": {reason}."
            )];
            if !message.trim().is_empty() {
                paragraphs.push(format!("De inwoner schrijft: \"{}\"", message.trim()));
            }
            paragraphs
                .push("Kijk of de informatie nog klopt en pas het aan als dat nodig is.".into());
            compose(
                format!("Melding over: {title}"),
                Body {
                    greeting: "Beste partner,",
                    paragraphs,
                    link: Some((
                        "Bekijk het aanbod hier:".into(),
                        "Naar uw aanbod".into(),
                        item_link(*listing_id),
                    )),
                },
                site_name,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_returned_item_says_why_and_links_to_it_in_text_and_html() {
        let notice = Notice::Returned {
            listing_id: 12,
            title: "Taalcafé <dinsdag>".into(),
            reason: "Zet de tijden erbij.".into(),
        };
        let m = render(&notice, "Sociale kaart Leusden", "https://kaart.example");
        assert_eq!(m.subject, "Teruggestuurd: Taalcafé <dinsdag>");
        assert!(
            m.text
                .contains("Dit moet nog veranderen: Zet de tijden erbij.")
        );
        assert!(m.text.contains("https://kaart.example/beheer/aanbod/12"));
        assert!(
            m.html
                .contains("href=\"https://kaart.example/beheer/aanbod/12\"")
        );
        assert!(
            m.html.contains("Taalcaf\u{e9} &lt;dinsdag&gt;"),
            "escaped in HTML"
        );
        let stored = serde_json::to_string(&notice).unwrap();
        assert_eq!(serde_json::from_str::<Notice>(&stored).unwrap(), notice);
    }
}
