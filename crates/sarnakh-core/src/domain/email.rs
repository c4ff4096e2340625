//! Email addresses, normalised: trimmed, domain lower-cased, local part kept as typed.

use crate::error::FieldError;
use std::fmt;

/// A syntactically valid, normalised email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parses and normalises an address; the error names what is wrong.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let invalid = |why: &str| FieldError::new("", "invalid_email", why.to_owned());
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError::new("", "required", "must not be empty"));
        }
        if value.len() > 254 {
            return Err(invalid("is longer than 254 characters"));
        }
        let (local, domain) = value
            .rsplit_once('@')
            .ok_or_else(|| invalid("must contain an @"))?;
        if local.is_empty() || local.len() > 64 {
            return Err(invalid("needs 1 to 64 characters before the @"));
        }
        if local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '@')
        {
            return Err(invalid("has a space or a second @ before the domain"));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(invalid("has a misplaced dot before the @"));
        }
        let domain = domain.to_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if labels.len() < 2 || !labels.iter().all(label_ok) {
            return Err(invalid("has an invalid domain after the @"));
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The domain part, lower-case.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    #[rstest]
    #[case("  Ali.Rezaei@Example.COM ", "Ali.Rezaei@example.com")]
    #[case("ion@firma.ro", "ion@firma.ro")]
    #[case("a+tag@sub.Domain.ir", "a+tag@sub.domain.ir")]
    #[case("user@bücher.de", "user@bücher.de")]
    fn valid_addresses_are_normalised(#[case] raw: &str, #[case] expected: &str) {
        assert_eq!(Email::parse(raw).map(|e| e.0), Ok(expected.to_owned()));
    }

    #[rstest]
    #[case("", "required")]
    #[case("no-at-sign", "invalid_email")]
    #[case("@example.com", "invalid_email")]
    #[case("a@localhost", "invalid_email")]
    #[case("a b@example.com", "invalid_email")]
    #[case("a@exa mple.com", "invalid_email")]
    #[case("a@-example.com", "invalid_email")]
    #[case("a..b@example.com", "invalid_email")]
    #[case("a@example..com", "invalid_email")]
    fn invalid_addresses_are_refused(#[case] raw: &str, #[case] code: &str) {
        assert_eq!(Email::parse(raw).map_err(|e| e.code), Err(code));
    }

    proptest! {
        #[test]
        fn normalising_is_idempotent(local in "[a-zA-Z0-9._%+-]{1,20}", domain in "[a-zA-Z0-9]{1,10}\\.[a-zA-Z]{2,6}") {
            if let Ok(email) = Email::parse(&format!("{local}@{domain}")) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
                prop_assert_eq!(email.domain(), domain.to_lowercase());
            }
        }
    }
}
