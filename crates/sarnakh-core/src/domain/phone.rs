//! Phone numbers: normalised to E.164 (`+989121234567`) whenever the country is known,
//! from a leading `+`/`00` or from the lead's country; otherwise kept as dialled digits.

use crate::error::FieldError;
use phonenumber::{Mode, country};
use std::fmt;
use std::str::FromStr;

/// A validated phone number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Parses `raw`, using `country` (ISO 3166 alpha-2, e.g. `IR`, `RO`) for national numbers.
    pub fn parse(raw: &str, country: Option<&str>) -> Result<Self, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError::new("", "required", "must not be empty"));
        }
        let invalid = |why: String| FieldError::new("", "invalid_phone", why);
        if let Some(c) = value
            .chars()
            .find(|c| !(c.is_ascii_digit() || " +-().".contains(*c)))
        {
            return Err(invalid(format!(
                "may contain only digits, spaces, + - ( ) and . (found {c:?})"
            )));
        }
        let digits: String = value.chars().filter(char::is_ascii_digit).collect();
        if !(6..=15).contains(&digits.len()) {
            return Err(invalid(format!(
                "must have 6 to 15 digits (found {})",
                digits.len()
            )));
        }
        let international = value.starts_with('+') || value.starts_with("00");
        let region = country.and_then(|c| country::Id::from_str(&c.to_ascii_uppercase()).ok());
        if !international && region.is_none() {
            // No way to know the country: keep the dialled digits, not a guess.
            return Ok(Self(digits));
        }
        let text = if value.starts_with("00") {
            format!("+{}", &digits[2..])
        } else {
            value.to_owned()
        };
        let number = phonenumber::parse(region, &text)
            .map_err(|e| invalid(format!("is not a phone number ({e})")))?;
        if !phonenumber::is_valid(&number) {
            return Err(invalid(match country {
                Some(c) if !international => format!("is not a valid number for country {c}"),
                _ => "is not a valid international number".to_owned(),
            }));
        }
        Ok(Self(number.format().mode(Mode::E164).to_string()))
    }

    /// Wraps a value read back from storage (already normalised when written).
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    /// The normalised number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the number is in E.164 form.
    pub fn is_e164(&self) -> bool {
        self.0.starts_with('+')
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("0912 123 4567", Some("IR"), "+989121234567")]
    #[case("+98 912 123 4567", None, "+989121234567")]
    #[case("0098 912 123 4567", Some("RO"), "+989121234567")]
    #[case("0721 234 567", Some("ro"), "+40721234567")]
    #[case("(415) 555-2671", Some("US"), "+14155552671")]
    #[case("0721 234 567", None, "0721234567")]
    fn numbers_are_normalised_where_the_country_is_known(
        #[case] raw: &str,
        #[case] country: Option<&str>,
        #[case] expected: &str,
    ) {
        assert_eq!(
            Phone::parse(raw, country).map(|p| p.0),
            Ok(expected.to_owned())
        );
    }

    #[rstest]
    #[case("", None, "required")]
    #[case("call me", None, "invalid_phone")]
    #[case("123", Some("IR"), "invalid_phone")]
    #[case("+99 123 456 789", None, "invalid_phone")]
    #[case("0912 123", Some("IR"), "invalid_phone")]
    fn bad_numbers_are_refused(
        #[case] raw: &str,
        #[case] country: Option<&str>,
        #[case] code: &str,
    ) {
        assert_eq!(Phone::parse(raw, country).map_err(|e| e.code), Err(code));
    }
}
