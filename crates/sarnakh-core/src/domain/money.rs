//! Money: integer minor units plus an ISO 4217 currency. Never floats.

use crate::error::FieldError;
use std::fmt;
use std::str::FromStr;

/// An ISO 4217 currency with its number of minor-unit digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Parses a three-letter ISO 4217 code, any case.
    pub fn parse(code: &str) -> Result<Self, FieldError> {
        let code = code.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(FieldError::new(
                "",
                "required",
                "give an ISO 4217 code such as RON, IRR or EUR",
            ));
        }
        iso_currency::Currency::from_code(&code)
            .filter(|c| c.exponent().is_some())
            .map(Self)
            .ok_or_else(|| {
                FieldError::new(
                    "",
                    "invalid_currency",
                    format!("{code:?} is not an ISO 4217 currency code"),
                )
            })
    }

    /// The ISO code, e.g. `RON`.
    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point in this currency (ISO 4217 minor unit).
    pub fn exponent(&self) -> u32 {
        u32::from(self.0.exponent().unwrap_or(0))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// An amount of money in integer minor units of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// An amount given in minor units (cents, bani ...). Amounts are never negative.
    pub fn from_minor(minor: i64, currency: Currency) -> Result<Self, FieldError> {
        if minor < 0 {
            return Err(FieldError::new(
                "",
                "negative_amount",
                "must not be negative",
            ));
        }
        Ok(Self { minor, currency })
    }

    /// Parses a decimal amount in major units ("1250.50") for `currency`, exactly.
    pub fn parse_decimal(raw: &str, currency: Currency) -> Result<Self, FieldError> {
        let invalid = |why: String| FieldError::new("", "invalid_amount", why);
        let text = raw.trim();
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(frac) || text.ends_with('.') {
            return Err(invalid(format!(
                "{text:?} is not a plain decimal amount like 1250.50"
            )));
        }
        let exponent = currency.exponent();
        if frac.len() > exponent as usize {
            return Err(invalid(format!(
                "{currency} has {exponent} decimal places; {text:?} has {}",
                frac.len()
            )));
        }
        let scale = 10_i64.pow(exponent);
        let padded = format!("{frac:0<width$}", width = exponent as usize);
        let overflow = || invalid(format!("{text:?} is too large"));
        let whole: i64 = whole.parse().map_err(|_| overflow())?;
        let frac: i64 = if padded.is_empty() {
            0
        } else {
            padded.parse().map_err(|_| overflow())?
        };
        let minor = whole
            .checked_mul(scale)
            .and_then(|m| m.checked_add(frac))
            .ok_or_else(overflow)?;
        Self::from_minor(minor, currency)
    }

    /// Minor units.
    pub fn minor(&self) -> i64 {
        self.minor
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount as a decimal string in major units, with exactly the currency's digits.
    pub fn to_decimal(&self) -> String {
        let exponent = self.currency.exponent();
        if exponent == 0 {
            return self.minor.to_string();
        }
        let scale = 10_i64.pow(exponent);
        format!(
            "{}.{:0width$}",
            self.minor / scale,
            self.minor % scale,
            width = exponent as usize
        )
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).expect("test currency is valid")
    }

    #[rstest]
    #[case("RON", 2)]
    #[case("IRR", 2)]
    #[case("EUR", 2)]
    #[case("JPY", 0)]
    #[case("KWD", 3)]
    #[case("usd", 2)]
    fn currencies_have_iso_exponents(#[case] code: &str, #[case] exponent: u32) {
        assert_eq!(cur(code).exponent(), exponent);
    }

    #[rstest]
    #[case("1250.5", "RON", 125_050)]
    #[case("1250", "RON", 125_000)]
    #[case("0.01", "EUR", 1)]
    #[case("1500000", "JPY", 1_500_000)]
    #[case("1.234", "KWD", 1234)]
    fn decimals_parse_exactly(#[case] raw: &str, #[case] code: &str, #[case] minor: i64) {
        assert_eq!(
            Money::parse_decimal(raw, cur(code)).map(|m| m.minor()),
            Ok(minor)
        );
    }

    #[rstest]
    #[case("12.345", "RON")]
    #[case("1.5", "JPY")]
    #[case("-3", "EUR")]
    #[case("1e3", "EUR")]
    #[case("", "EUR")]
    #[case("10.", "EUR")]
    #[case("99999999999999999999", "EUR")]
    fn bad_decimals_are_refused(#[case] raw: &str, #[case] code: &str) {
        assert_eq!(
            Money::parse_decimal(raw, cur(code)).map_err(|e| e.code),
            Err("invalid_amount")
        );
    }

    #[test]
    fn unknown_currency_is_refused() {
        assert_eq!(
            Currency::parse("XYZ").map_err(|e| e.code),
            Err("invalid_currency")
        );
        assert_eq!(
            Currency::parse("TOMAN").map_err(|e| e.code),
            Err("invalid_currency")
        );
    }

    proptest! {
        #[test]
        fn decimal_round_trips(minor in 0_i64..i64::MAX / 1000, code in prop::sample::select(vec!["RON", "IRR", "JPY", "KWD", "EUR"])) {
            let money = Money::from_minor(minor, cur(code)).expect("non-negative");
            prop_assert_eq!(Money::parse_decimal(&money.to_decimal(), cur(code)), Ok(money));
        }
    }
}
