//! Collects every field error of an input instead of stopping at the first one.

/// One offending field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name on the wire (for nested records, a path such as `aanbod[3].titel`).
    pub name: String,
    /// What is wrong, in Dutch.
    pub reason: String,
}

/// An accumulator of field errors.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, reason: impl Into<String>) {
        self.0.push(FieldError {
            name: name.into(),
            reason: reason.into(),
        });
    }

    /// Adds all errors of `other`, with `prefix` before each field name.
    pub fn extend_prefixed(&mut self, prefix: &str, other: FieldErrors) {
        for e in other.0 {
            self.0.push(FieldError {
                name: format!("{prefix}.{}", e.name),
                reason: e.reason,
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    pub fn as_slice(&self) -> &[FieldError] {
        &self.0
    }

    /// `Ok(value)` when no error was collected.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }

    /// Checks a text's length in characters; records an error when out of bounds.
    pub fn check_len(&mut self, name: &str, value: &str, min: usize, max: usize) {
        let n = value.chars().count();
        if n < min {
            if min == 1 {
                self.add(name, "is verplicht");
            } else {
                self.add(name, format!("moet minstens {min} tekens lang zijn"));
            }
        } else if n > max {
            self.add(
                name,
                format!("mag hoogstens {max} tekens lang zijn (nu {n})"),
            );
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {}", e.name, e.reason)?;
        }
        Ok(())
    }
}

/// An e-mail address of plausible shape (we never send mail to it; the partner checks it).
pub fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
        && !s.contains(['<', '>', '"', ',', ';'])
}

/// A Dutch phone number: 10 digits starting with 0 (or +31/0031 and 9 digits), or a
/// 0800/0900 service number. Spaces, hyphens and brackets are allowed for readability.
pub fn is_valid_dutch_phone(s: &str) -> bool {
    if s.chars()
        .any(|c| !(c.is_ascii_digit() || " -()+".contains(c)))
    {
        return false;
    }
    let plus = s.trim_start().starts_with('+');
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let national = if plus {
        match digits.strip_prefix("31") {
            Some(rest) => format!("0{rest}"),
            None => return false,
        }
    } else if let Some(rest) = digits.strip_prefix("0031") {
        format!("0{rest}")
    } else {
        digits
    };
    let service = national.starts_with("0800")
        || national.starts_with("0900")
        || national.starts_with("0909");
    if service {
        (8..=11).contains(&national.len())
    } else {
        national.len() == 10 && national.starts_with('0') && !national.starts_with("00")
    }
}

/// An absolute `https://` URL with a host. The server never fetches it.
pub fn is_https_url(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    s.len() <= 500
        && !host.is_empty()
        && host.contains('.')
        && !s.contains(char::is_whitespace)
        && !s.contains(['<', '>', '"'])
}

/// True when text contains something that looks like an HTML tag; listings are plain text.
pub fn looks_like_html(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// Normalises a Dutch postcode to `1234 AB`; `None` when it is not one.
pub fn normalise_postcode(s: &str) -> Option<String> {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let (digits, letters) = compact.split_at_checked(4)?;
    let ok = digits.len() == 4
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
        && letters.len() == 2
        && letters.bytes().all(|b| b.is_ascii_alphabetic());
    ok.then(|| format!("{digits} {}", letters.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_phone_numbers() {
        for (s, ok) in [
            ("033 000 0101", true),
            ("033-4945555", true),
            ("+31 33 494 5555", true),
            ("0031334945555", true),
            ("06 12345678", true),
            ("0800 1234", true),
            ("12345", false),
            ("033 000 01011", false),
            ("+32 33 494 5555", false),
            ("bel ons", false),
        ] {
            assert_eq!(is_valid_dutch_phone(s), ok, "{s}");
        }
    }

    #[test]
    fn emails_urls_postcodes_html() {
        assert!(is_valid_email("info@voedselbank.voorbeeld.example"));
        assert!(!is_valid_email("info@localhost"));
        assert!(!is_valid_email("a b@c.nl"));
        assert!(is_https_url("https://leusden.nl/zorg?x=1"));
        assert!(!is_https_url("http://leusden.nl"));
        assert!(!is_https_url("javascript:alert(1)"));
        assert_eq!(normalise_postcode("3833ab").as_deref(), Some("3833 AB"));
        assert_eq!(normalise_postcode("0833 AB"), None);
        assert_eq!(normalise_postcode("38331"), None);
        assert!(looks_like_html("hallo <script>"));
        assert!(!looks_like_html("kinderen < 12 jaar"));
    }
}
