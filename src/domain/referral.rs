//! Referral lists ("verwijslijsten"): offers a staff member collects for a resident, each with
//! a short note about the offer. A list is about the offer, never about the client: it has no
//! name field, and a note that looks like personal data (an e-mail address, a phone number, a
//! date of birth, a BSN) is refused with a message that says what to take out.

use chrono::Datelike as _;

use super::content::{TextLimit, limited_text};
use super::{FieldErrors, Timestamp};

/// Most offers on one list: a referral, not a directory.
pub const MAX_ITEMS: usize = 50;
/// Most lists one staff member keeps at a time.
pub const MAX_LISTS: i64 = 100;
/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 300;

/// A checked note: plain text, short, and without personal data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Note(String);

impl Note {
    /// Checks a note as typed, with `today` to tell a date of birth from an appointment.
    /// Errors are reported under `field`.
    pub fn parse(field: &str, text: &str, today: chrono::NaiveDate) -> Result<Note, FieldErrors> {
        let mut e = FieldErrors::new();
        limited_text(
            &mut e,
            field,
            text,
            TextLimit {
                min: 0,
                max: MAX_NOTE_CHARS,
            },
        );
        let text = text.trim();
        if let Some(kind) = personal_data(text, today) {
            e.add(
                field,
                format!(
                    "{} Een notitie gaat over het aanbod, niet over de cliënt. Haal {} weg.{}",
                    kind.seen(),
                    kind.what(),
                    if kind == PersonalData::Phone {
                        " De contactgegevens van het aanbod staan al op de lijst."
                    } else {
                        ""
                    }
                ),
            );
        }
        e.finish(|| Note(text.to_string()))
    }

    /// A note read back from the store, checked when it was written.
    pub fn from_stored(text: String) -> Note {
        Note(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The kinds of personal data a note may not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalData {
    Email,
    Phone,
    BirthDate,
    Bsn,
}

impl PersonalData {
    fn seen(self) -> &'static str {
        match self {
            PersonalData::Email => "Dit lijkt op een e-mailadres.",
            PersonalData::Phone => "Dit lijkt op een telefoonnummer.",
            PersonalData::BirthDate => "Dit lijkt op een geboortedatum.",
            PersonalData::Bsn => "Dit lijkt op een burgerservicenummer (BSN).",
        }
    }

    fn what(self) -> &'static str {
        match self {
            PersonalData::Email => "het e-mailadres",
            PersonalData::Phone => "het telefoonnummer",
            PersonalData::BirthDate => "de datum",
            PersonalData::Bsn => "het nummer",
        }
    }
}

/// The first kind of personal data `text` seems to hold, if any.
pub fn personal_data(text: &str, today: chrono::NaiveDate) -> Option<PersonalData> {
    let lower = text.to_lowercase();
    if has_email(&lower) {
        return Some(PersonalData::Email);
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '.' && c != '-' && c != '/')
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|w| {
        matches!(
            w.trim_end_matches('.'),
            "geboren" | "geb" | "geboortedatum" | "bsn" | "burgerservicenummer"
        )
    }) && lower.chars().any(|c| c.is_ascii_digit())
    {
        return Some(
            if lower.contains("bsn") || lower.contains("burgerservice") {
                PersonalData::Bsn
            } else {
                PersonalData::BirthDate
            },
        );
    }
    // A full date whose year lies two or more years back is a birthday, not an appointment.
    let old = |year: i32| year <= today.year() - 2;
    if numeric_dates(&lower, today.year()).into_iter().any(old) {
        return Some(PersonalData::BirthDate);
    }
    for (i, w) in words.iter().enumerate() {
        let Some(month) = super::MONTH_NAMES.iter().position(|m| w == m) else {
            continue;
        };
        let day = i.checked_sub(1).and_then(|j| words[j].parse::<u32>().ok());
        let year = words.get(i + 1).and_then(|y| y.parse::<i32>().ok());
        if let (Some(day), Some(year)) = (day, year)
            && (1..=31).contains(&day)
            && (1900..=today.year()).contains(&year)
            && old(year)
            && month < 12
        {
            return Some(PersonalData::BirthDate);
        }
    }
    for digits in number_runs(&without_dates(text, today.year())) {
        if digits.len() == 9 && passes_eleven_test(&digits) {
            return Some(PersonalData::Bsn);
        }
        if digits.len() == 8 && passes_eleven_test(&format!("0{digits}")) {
            return Some(PersonalData::Bsn);
        }
        if digits.len() >= 9 {
            return Some(PersonalData::Phone);
        }
    }
    None
}

/// Something@something.something, however it is surrounded.
fn has_email(lower: &str) -> bool {
    lower.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        match w.split_once('@') {
            Some((user, host)) => !user.is_empty() && host.contains('.') && !host.starts_with('.'),
            None => false,
        }
    })
}

/// The years of dates written as 12-03-1985, 12/3/85 or 12.03.1985 (two-digit years read as
/// this century when that is not in the future).
fn numeric_dates(lower: &str, this_year: i32) -> Vec<i32> {
    let mut years = Vec::new();
    for token in lower.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')') {
        let token = token.trim_matches(|c: char| !c.is_ascii_digit());
        for sep in ['-', '/', '.'] {
            let parts: Vec<&str> = token.split(sep).collect();
            if parts.len() != 3 || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
                continue;
            }
            let (Ok(d), Ok(m)) = (parts[0].parse::<u32>(), parts[1].parse::<u32>()) else {
                continue;
            };
            if !(1..=31).contains(&d) || !(1..=12).contains(&m) {
                continue;
            }
            let year = match parts[2].len() {
                4 => parts[2].parse::<i32>().ok(),
                2 => parts[2].parse::<i32>().ok().map(|y| {
                    let this_century = 2000 + y;
                    if this_century > this_year {
                        1900 + y
                    } else {
                        this_century
                    }
                }),
                _ => None,
            };
            years.extend(year);
        }
    }
    years
}

/// The text with every date-like token blanked, so an appointment date is not read as a
/// number.
fn without_dates(text: &str, this_year: i32) -> String {
    text.split(' ')
        .map(|t| {
            if numeric_dates(t, this_year).is_empty() {
                t
            } else {
                ""
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs of digits joined by spaces, hyphens or brackets, with an optional `+` or `(0..)` form,
/// as phone numbers and BSNs are written: `06-12345678`, `033 123 45 67`, `+31 6 1234 5678`.
/// A dot or a colon ends a run, so times (`10.00-12.00`) stay short.
fn number_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut digits = String::new();
    // Separators in a row since the last digit: `) ` in `(033) 123` is two.
    let mut separators = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            separators = 0;
        } else if matches!(c, ' ' | '-' | '(' | ')') && !digits.is_empty() && separators < 2 {
            separators += 1;
        } else if matches!(c, '+' | '(') && digits.is_empty() {
            continue;
        } else {
            if !digits.is_empty() {
                runs.push(std::mem::take(&mut digits));
            }
            separators = 0;
        }
    }
    if !digits.is_empty() {
        runs.push(digits);
    }
    runs
}

/// The "elfproef" of a BSN: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11 (and not 0).
fn passes_eleven_test(digits: &str) -> bool {
    let d: Vec<i64> = digits.bytes().map(|b| i64::from(b - b'0')).collect();
    if d.len() != 9 {
        return false;
    }
    let sum: i64 = d[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(x, w)| x * w)
        .sum::<i64>()
        - d[8];
    sum != 0 && sum % 11 == 0
}

/// One offer on a list, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralEntry {
    pub listing_id: i64,
    pub note: Note,
}

/// A list as stored: its owner, its offers in order, and its share link's expiry.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralList {
    pub id: i64,
    pub owner_id: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Set while a share link exists; the link works until this moment.
    pub shared_until: Option<Timestamp>,
    pub entries: Vec<ReferralEntry>,
}

impl ReferralList {
    /// The moment a share link still works, or `None` when there is none that does.
    pub fn live_share(&self, now: Timestamp) -> Option<Timestamp> {
        self.shared_until.filter(|until| *until > now)
    }

    pub fn contains(&self, listing_id: i64) -> bool {
        self.entries.iter().any(|e| e.listing_id == listing_id)
    }
}

/// Checks a new order of a list's offers: every offer exactly once.
pub fn check_order(current: &[ReferralEntry], order: &[i64]) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    let mut sorted_new = order.to_vec();
    sorted_new.sort_unstable();
    let mut sorted_old: Vec<i64> = current.iter().map(|e| e.listing_id).collect();
    sorted_old.sort_unstable();
    if sorted_new != sorted_old {
        e.add(
            "volgorde",
            "noem elk aanbod op de lijst precies één keer, en niets anders",
        );
    }
    e.finish(|| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn kind(text: &str) -> Option<PersonalData> {
        personal_data(text, today())
    }

    #[test]
    fn personal_data_is_recognised_in_the_forms_people_write_it() {
        use PersonalData::*;
        assert_eq!(kind("mail naar j.jansen@example.nl"), Some(Email));
        assert_eq!(kind("Bel 06-12345678 na 5 uur"), Some(Phone));
        assert_eq!(kind("tel 033 123 45 67"), Some(Phone));
        assert_eq!(kind("+31 6 1234 5678"), Some(Phone));
        assert_eq!(kind("(033) 4945000"), Some(Phone));
        assert_eq!(kind("geboren 12-03-1985"), Some(BirthDate));
        assert_eq!(kind("12/3/85, moeder"), Some(BirthDate));
        assert_eq!(kind("dochter van 4 mei 2015"), Some(BirthDate));
        assert_eq!(kind("geb. 2019"), Some(BirthDate));
        assert_eq!(kind("111222333"), Some(Bsn));
        assert_eq!(kind("bsn 1234"), Some(Bsn));
    }

    #[test]
    fn notes_about_the_offer_pass() {
        for ok in [
            "Inloop op dinsdag 10.00-12.00 en donderdag 13.30-15.30.",
            "Aanmelden voor 15-01-2027, kosten € 12,50 per maand.",
            "Vraag naar het wijkteam, 14 033.",
            "Postcode 3831 AB, ingang aan de zijkant.",
            "Start 1 februari 2027; groep van 8 tot 12 jaar.",
            "Gratis voor mensen met een Leusden-pas.",
            "",
        ] {
            assert_eq!(kind(ok), None, "{ok}");
            assert!(Note::parse("notitie", ok, today()).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refusals_say_what_to_take_out_and_why() {
        let err = Note::parse("notitie", "Mevrouw belt zelf: 0612345678", today()).unwrap_err();
        let reason = &err.as_slice()[0].reason;
        assert!(reason.contains("telefoonnummer"), "{reason}");
        assert!(reason.contains("niet over de cliënt"), "{reason}");
        let long = "x".repeat(MAX_NOTE_CHARS + 1);
        assert!(Note::parse("notitie", &long, today()).is_err());
        assert!(Note::parse("notitie", "<b>vet</b>", today()).is_err());
    }

    #[test]
    fn the_eleven_test_tells_bsn_like_numbers_from_others() {
        assert!(passes_eleven_test("111222333"));
        assert!(passes_eleven_test("123456782"));
        assert!(!passes_eleven_test("123456789"));
        assert!(!passes_eleven_test("000000000"));
    }

    #[test]
    fn a_new_order_names_every_offer_once() {
        let entries: Vec<ReferralEntry> = [1, 2, 3]
            .into_iter()
            .map(|id| ReferralEntry {
                listing_id: id,
                note: Note::default(),
            })
            .collect();
        assert!(check_order(&entries, &[3, 1, 2]).is_ok());
        assert!(check_order(&entries, &[3, 1]).is_err());
        assert!(check_order(&entries, &[3, 1, 1, 2]).is_err());
        assert!(check_order(&entries, &[3, 1, 4]).is_err());
    }
}
