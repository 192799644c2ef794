//! Accounts: roles, e-mail addresses and password rules.

use super::validation::is_valid_email;

wire_enum!(
    /// What an account may do. Partners belong to exactly one organisation.
    Role {
        Admin = "admin",
        Redacteur = "redacteur",
        Medewerker = "medewerker",
        Partner = "partner",
    }
);

impl Role {
    /// Editors and admins moderate, manage organisations and users, and see everything.
    pub fn is_editor(self) -> bool {
        matches!(self, Role::Admin | Role::Redacteur)
    }

    /// Staff of the welfare organisation and the editors see the "voor verwijzers" fields.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Redacteur | Role::Medewerker)
    }
}

/// A login e-mail address: trimmed, lower-cased, of plausible shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEmail(String);

impl UserEmail {
    pub fn parse(s: &str) -> Option<UserEmail> {
        let s = s.trim().to_lowercase();
        is_valid_email(&s).then_some(UserEmail(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Shortest password accepted. No composition rules: length is what makes a password strong
/// (NIST SP 800-63B).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted; bounds the work of hashing.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Why a new password is refused, if it is.
pub fn password_problem(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Some(format!(
            "moet minstens {MIN_PASSWORD_CHARS} tekens lang zijn"
        ))
    } else if n > MAX_PASSWORD_CHARS {
        Some(format!(
            "mag hoogstens {MAX_PASSWORD_CHARS} tekens lang zijn"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_passwords_need_length_only() {
        assert_eq!(
            UserEmail::parse("  Jan@Voorbeeld.NL ").map(|e| e.0),
            Some("jan@voorbeeld.nl".into())
        );
        assert!(UserEmail::parse("jan").is_none());
        assert!(password_problem("kort").is_some());
        assert!(password_problem("alleenkleineletters").is_none());
        assert!(password_problem(&"x".repeat(129)).is_some());
        assert!(Role::parse("redacteur").is_some_and(Role::is_editor));
        assert!(!Role::Partner.is_staff());
    }
}
