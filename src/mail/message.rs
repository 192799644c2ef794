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
    /// Items of the organisation not confirmed for six months, each with its one-click link.
    StaleReminder { items: Vec<StaleListing> },
    /// A link to set a new password (single use, one hour).
    PasswordReset { token: String },
    /// An account was made for someone: a link to choose a password (single use, a week).
    Invitation { token: String },
    /// The editors' answer to a resident who reported a mistake and left an address.
    ReportReply { title: String, reply: String },
    /// A resident reported a mistake in the item.
    NewReport {
        listing_id: i64,
        title: String,
        reason: String,
        message: String,
    },
}

/// An item in a reminder, with the token of its "nog actueel" link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleListing {
    pub listing_id: i64,
    pub title: String,
    /// `jjjj-mm-dd`.
    pub last_verified: String,
    pub token: String,
}

impl Notice {
    /// The kind, for the outbox's `kind` column and the logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::Published { .. } => "gepubliceerd",
            Notice::Returned { .. } => "teruggestuurd",
            Notice::NewReport { .. } => "melding",
            Notice::StaleReminder { .. } => "herinnering",
            Notice::PasswordReset { .. } => "wachtwoord",
            Notice::Invitation { .. } => "uitnodiging",
            Notice::ReportReply { .. } => "antwoord-melding",
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
        Notice::StaleReminder { items } => stale_reminder(items, site_name, base),
        Notice::ReportReply { title, reply } => compose(
            format!("Antwoord op uw melding over: {title}"),
            Body {
                greeting: "Beste inwoner,",
                paragraphs: vec![
                    format!("U meldde dat er iets niet klopte bij \"{title}\". Dank u wel daarvoor!"),
                    format!("Dit is het antwoord van de redactie: {reply}"),
                    "U kunt niet antwoorden op deze mail. Heeft u nog een vraag? Bel dan het wijkteam.".into(),
                ],
                link: Some((
                    "Zoek ander aanbod op de sociale kaart:".into(),
                    "Naar de sociale kaart".into(),
                    format!("{base}/"),
                )),
            },
            site_name,
        ),
        Notice::PasswordReset { token } => compose(
            "Een nieuw wachtwoord instellen".into(),
            Body {
                greeting: "Beste gebruiker,",
                paragraphs: vec![
                    "Iemand heeft gevraagd om een nieuw wachtwoord voor uw account. Was u dat? Kies dan een nieuw wachtwoord via de link hieronder. De link werkt één keer en een uur lang.".into(),
                    "Heeft u dit niet gevraagd? Dan hoeft u niets te doen. Uw wachtwoord blijft zoals het is.".into(),
                ],
                link: Some((
                    "Kies een nieuw wachtwoord:".into(),
                    "Nieuw wachtwoord kiezen".into(),
                    format!("{base}/wachtwoord-instellen/{token}"),
                )),
            },
            site_name,
        ),
        Notice::Invitation { token } => compose(
            format!("Uw account voor {site_name}"),
            Body {
                greeting: "Welkom,",
                paragraphs: vec![
                    format!("Er is een account voor u gemaakt op {site_name}. Daarmee houdt u het aanbod van uw organisatie bij."),
                    "Kies eerst een wachtwoord via de link hieronder. De link werkt één keer en een week lang. Daarna logt u in met uw e-mailadres en dat wachtwoord.".into(),
                ],
                link: Some((
                    "Kies uw wachtwoord:".into(),
                    "Wachtwoord kiezen".into(),
                    format!("{base}/wachtwoord-instellen/{token}"),
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

/// "12 mei 2025" from `2025-05-12`.
fn written_date(iso_date: &str) -> String {
    iso_date
        .parse::<chrono::NaiveDate>()
        .map(crate::web::views::date)
        .unwrap_or_else(|_| iso_date.to_string())
}

fn stale_reminder(items: &[StaleListing], site_name: &str, base: &str) -> Rendered {
    let subject = if items.len() == 1 {
        "Klopt uw aanbod nog? 1 item is een half jaar niet gecontroleerd".to_string()
    } else {
        format!(
            "Klopt uw aanbod nog? {} items zijn een half jaar niet gecontroleerd",
            items.len()
        )
    };
    let intro = "Inwoners willen weten of de informatie op de sociale kaart klopt. Dit aanbod is al een half jaar niet gecontroleerd. Klopt het nog? Klik dan op de link bij het aanbod. U hoeft daarvoor niet in te loggen. Klopt er iets niet? Pas het dan aan.";
    let mut text = format!("Beste partner,\n\n{intro}\n\n");
    let mut html = format!(
        "<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>{}</title></head><body><p>Beste partner,</p><p>{}</p><ul>",
        escape(&subject),
        escape(intro)
    );
    for item in items {
        let confirm = format!("{base}/actueel/{}", item.token);
        let edit = format!("{base}/beheer/aanbod/{}", item.listing_id);
        let checked = written_date(&item.last_verified);
        text.push_str(&format!(
            "- {} (gecontroleerd op {checked})\n  Klopt het nog? {confirm}\n  Aanpassen: {edit}\n\n",
            item.title
        ));
        html.push_str(&format!(
            "<li><strong>{}</strong> (gecontroleerd op {})<br><a href=\"{}\">Ja, dit klopt nog</a> | <a href=\"{}\">Aanpassen</a></li>",
            escape(&item.title),
            escape(&checked),
            escape(&confirm),
            escape(&edit)
        ));
    }
    let after = format!(
        "De links werken {} dagen. Daarna kunt u alles nog steeds bevestigen na inloggen.",
        super::reminders::LINK_DAYS
    );
    text.push_str(&format!(
        "{after}\n\nMet vriendelijke groet,\n{site_name}\n"
    ));
    html.push_str(&format!(
        "</ul><p>{}</p><p>Met vriendelijke groet,<br>{}</p></body></html>",
        escape(&after),
        escape(site_name)
    ));
    Rendered {
        subject,
        text,
        html,
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
