//! Money in reports: exchange rates (how many units of the base currency one unit of a
//! currency is worth, from an effective date), campaign costs, and the converter that turns
//! per-currency sums into one reporting currency with integer arithmetic only. A currency
//! without a rate is never dropped: the converter says it could not convert it.

use super::money::{Currency, Money};
use crate::error::FieldError;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Rates are stored as integers: the rate times 10^12.
pub const RATE_SCALE: i128 = 1_000_000_000_000;
const RATE_DIGITS: usize = 12;

/// One stored exchange rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeRate {
    /// The currency priced.
    pub currency: Currency,
    /// First day the rate applies.
    pub effective_on: NaiveDate,
    /// Units of the base currency per unit of `currency`, times 10^12.
    pub rate_e12: i64,
}

/// The recorded cost of a campaign over a span of days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignCost {
    /// The campaign name, as leads carry it.
    pub campaign: String,
    /// First day of the spend.
    pub starts_on: NaiveDate,
    /// Last day of the spend.
    pub ends_on: NaiveDate,
    /// What it cost.
    pub amount: Money,
}

/// Parses a positive decimal rate (`"4.9765"`, at most 12 decimals, below 10^6).
pub fn parse_rate(raw: &str) -> Result<i64, FieldError> {
    let bad = || {
        FieldError::new(
            "",
            "invalid_rate",
            format!(
                "{raw:?} is not a positive decimal rate below 1000000 with at most 12 decimals"
            ),
        )
    };
    let s = raw.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() || int.len() > 6 || frac.len() > RATE_DIGITS || !digits(int) || !digits(frac)
    {
        return Err(bad());
    }
    let padded = format!("{int}{frac:0<RATE_DIGITS$}");
    let value: i64 = padded.parse().map_err(|_| bad())?;
    if value == 0 { Err(bad()) } else { Ok(value) }
}

/// A stored rate as a decimal string without trailing zeros (`4.9765`).
pub fn format_rate(rate_e12: i64) -> String {
    let int = rate_e12 / 1_000_000_000_000;
    let frac = format!("{:012}", rate_e12 % 1_000_000_000_000);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// Converts per-currency sums into one target currency with the rates in force on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converter {
    /// The currency every rate is quoted in.
    pub base: Currency,
    /// The reporting currency.
    pub target: Currency,
    /// The rate in force per currency (the base itself is 1 and not listed).
    pub rates: BTreeMap<&'static str, ExchangeRate>,
}

impl Converter {
    /// The converter for `day`: per currency, the latest rate effective on or before it.
    pub fn on(base: Currency, target: Currency, all: &[ExchangeRate], day: NaiveDate) -> Self {
        let mut rates: BTreeMap<&'static str, ExchangeRate> = BTreeMap::new();
        for r in all
            .iter()
            .filter(|r| r.effective_on <= day && r.currency != base)
        {
            let code = r.currency.code();
            if rates
                .get(code)
                .is_none_or(|k| k.effective_on < r.effective_on)
            {
                rates.insert(code, r.clone());
            }
        }
        Self {
            base,
            target,
            rates,
        }
    }

    fn rate(&self, c: Currency) -> Option<i128> {
        if c == self.base {
            Some(RATE_SCALE)
        } else {
            self.rates.get(c.code()).map(|r| i128::from(r.rate_e12))
        }
    }

    /// Whether amounts in `c` can be converted (the target itself included).
    pub fn knows(&self, c: Currency) -> bool {
        c == self.target || (self.rate(c).is_some() && self.rate(self.target).is_some())
    }

    /// `minor` units of `from` in minor units of the target, rounded half away from zero;
    /// none without a rate (or on overflow).
    pub fn convert(&self, minor: i64, from: Currency) -> Option<i64> {
        if from == self.target {
            return Some(minor);
        }
        let (rf, rt) = (self.rate(from)?, self.rate(self.target)?);
        let num = i128::from(minor)
            .checked_mul(rf)?
            .checked_mul(10_i128.checked_pow(self.target.exponent())?)?;
        let den = rt.checked_mul(10_i128.checked_pow(from.exponent())?)?;
        let (q, r) = (num / den, num % den);
        let rounded = if 2 * r.abs() >= den {
            q + num.signum()
        } else {
            q
        };
        i64::try_from(rounded).ok()
    }

    /// `minor` units of the target in minor units of `to` (the inverse of [`Self::convert`]),
    /// rounded half away from zero; none without a rate (or on overflow).
    pub fn convert_to(&self, minor: i64, to: Currency) -> Option<i64> {
        if to == self.target {
            return Some(minor);
        }
        let (rt, r_to) = (self.rate(self.target)?, self.rate(to)?);
        let num = i128::from(minor)
            .checked_mul(rt)?
            .checked_mul(10_i128.checked_pow(to.exponent())?)?;
        let den = r_to.checked_mul(10_i128.checked_pow(self.target.exponent())?)?;
        let (q, r) = (num / den, num % den);
        let rounded = if 2 * r.abs() >= den {
            q + num.signum()
        } else {
            q
        };
        i64::try_from(rounded).ok()
    }

    /// The rates a conversion of these currencies used (none for the base).
    pub fn used<'a>(&'a self, codes: impl IntoIterator<Item = &'a str>) -> Vec<&'a ExchangeRate> {
        let mut out: Vec<&ExchangeRate> = codes
            .into_iter()
            .chain([self.target.code()])
            .filter_map(|c| self.rates.get(c))
            .collect();
        out.sort_by_key(|r| r.currency.code());
        out.dedup_by_key(|r| r.currency.code());
        out
    }
}

/// A total in the reporting currency, and the sums that could not be converted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    /// Sum of the converted amounts, minor units of the target.
    pub minor: i64,
    /// Per currency without a rate: its own sum, minor units.
    pub unconverted: BTreeMap<String, i64>,
}

impl Converted {
    /// Adds `minor` units of currency `code`, converted when possible.
    pub fn add(&mut self, conv: &Converter, code: &str, minor: i64) {
        match Currency::parse(code)
            .ok()
            .and_then(|c| conv.convert(minor, c))
        {
            Some(v) => self.minor += v,
            None => *self.unconverted.entry(code.to_owned()).or_default() += minor,
        }
    }

    /// Adds another converted total (same target currency).
    pub fn merge(&mut self, other: &Self) {
        self.minor += other.minor;
        for (code, minor) in &other.unconverted {
            *self.unconverted.entry(code.clone()).or_default() += minor;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(c: &str) -> Currency {
        Currency::parse(c).expect("currency")
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("day")
    }

    #[test]
    fn rates_parse_exactly_and_print_back() {
        assert_eq!(parse_rate("4.9765"), Ok(4_976_500_000_000));
        assert_eq!(format_rate(4_976_500_000_000), "4.9765");
        assert_eq!(format_rate(2 * 1_000_000_000_000), "2");
        for bad in ["0", "-1", "1e3", "", "1.0000000000001", "1000000", "abc"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn conversion_uses_the_rate_in_force_and_rounds_once() {
        let eur = cur("EUR");
        let rates = [
            ExchangeRate {
                currency: cur("RON"),
                effective_on: day("2026-01-01"),
                rate_e12: parse_rate("0.2").expect("rate"),
            },
            ExchangeRate {
                currency: cur("RON"),
                effective_on: day("2026-03-01"),
                rate_e12: parse_rate("0.25").expect("rate"),
            },
            ExchangeRate {
                currency: cur("JPY"),
                effective_on: day("2026-01-01"),
                rate_e12: parse_rate("0.006").expect("rate"),
            },
        ];
        let feb = Converter::on(eur, eur, &rates, day("2026-02-15"));
        assert_eq!(feb.convert(10_000, cur("RON")), Some(2_000));
        let mar = Converter::on(eur, eur, &rates, day("2026-03-01"));
        assert_eq!(mar.convert(10_000, cur("RON")), Some(2_500));
        assert_eq!(mar.convert(1_000, cur("JPY")), Some(600));
        assert_eq!(mar.convert(1_000, cur("USD")), None);
        // The inverse: 25.00 EUR is 100.00 RON in March, 1,000 JPY is 6.00 EUR.
        assert_eq!(mar.convert_to(2_500, cur("RON")), Some(10_000));
        assert_eq!(mar.convert_to(600, cur("JPY")), Some(1_000));
        assert_eq!(mar.convert_to(600, cur("EUR")), Some(600));
        assert_eq!(mar.convert_to(600, cur("USD")), None);
        let in_ron = Converter::on(eur, cur("RON"), &rates, day("2026-03-01"));
        assert_eq!(in_ron.convert(100, eur), Some(400));
        assert_eq!(
            in_ron.convert(1, cur("JPY")),
            Some(2),
            "0.024 RON rounds to 0.02"
        );
        assert!(in_ron.knows(cur("JPY")) && !in_ron.knows(cur("USD")));
        let mut total = Converted::default();
        total.add(&mar, "RON", 4);
        total.add(&mar, "USD", 7);
        assert_eq!((total.minor, total.unconverted.get("USD")), (1, Some(&7)));
    }
}
