//! Which entries of the audit log to show: the filter editors set, read from the same query
//! keys on the API and in the portal.

use super::FieldErrors;

/// Which audit entries a list shows; every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// One action, e.g. `rol-gewijzigd`.
    pub action: Option<String>,
    /// Entries by this account.
    pub user_id: Option<i64>,
    /// A subject (`aanbod 12`) or a kind of subject (`aanbod`).
    pub subject: Option<String>,
    /// First and last day (UTC), inclusive.
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

/// The query keys of the filter, in the order forms show them.
pub const KEYS: [&str; 5] = ["actie", "door", "onderwerp", "vanaf", "tot"];

impl AuditFilter {
    /// Reads one query key; `false` when the key is not the filter's. A blank action or
    /// subject is no filter; a blank account or day, like any bad value, is an error under the
    /// key's name (forms leave blank fields out first).
    pub fn read(&mut self, key: &str, value: &str, e: &mut FieldErrors) -> bool {
        let value = value.trim();
        let date = |e: &mut FieldErrors| match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        {
            Ok(d) => Some(d),
            Err(_) => {
                e.add(key, "moet een datum zijn als JJJJ-MM-DD");
                None
            }
        };
        match key {
            _ if !KEYS.contains(&key) => return false,
            "actie" | "onderwerp" if value.is_empty() => {}
            "actie" | "onderwerp" if value.chars().count() > 100 => {
                e.add(key, "hoogstens 100 tekens");
            }
            "actie" => self.action = Some(value.to_string()),
            "onderwerp" => self.subject = Some(value.to_string()),
            "door" => match value.parse::<i64>() {
                Ok(id) if id >= 1 => self.user_id = Some(id),
                _ => e.add(key, "moet het nummer van een account zijn"),
            },
            "vanaf" => self.from = date(e),
            _ => self.to = date(e),
        }
        true
    }

    /// Checks the keys together, once all are read.
    pub fn check(&self, e: &mut FieldErrors) {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && to < from
        {
            e.add("tot", "ligt voor de begindatum");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key_and_reports_bad_values_by_name() {
        let mut f = AuditFilter::default();
        let mut e = FieldErrors::new();
        for (k, v) in [
            ("actie", "rol-gewijzigd"),
            ("door", "3"),
            ("onderwerp", "aanbod 12"),
            ("vanaf", "2026-11-01"),
            ("onderwerp", ""),
        ] {
            assert!(f.read(k, v, &mut e));
        }
        assert!(!f.read("page", "2", &mut e));
        assert!(e.is_empty());
        assert_eq!(f.user_id, Some(3));
        assert_eq!(f.to, None);
        let mut e = FieldErrors::new();
        f.read("door", "drie", &mut e);
        f.read("tot", "2026-10-01", &mut e);
        f.check(&mut e);
        f.read("vanaf", "", &mut e);
        let names: Vec<_> = e.into_vec().into_iter().map(|x| x.name).collect();
        assert_eq!(names, ["door", "tot", "vanaf"]);
    }
}
