//! Reading one cell's text as a typed value the way another CRM writes it: dates in
//! configured formats and zones, numbers with grouping and Persian digits, loose enum names.
//!
//! Pure functions; errors are [`FieldError`]s with an empty field for the caller to address.

use super::mapping::DateFormat;
use crate::domain::UserId;
use crate::error::FieldError;
use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::str::FromStr;

/// The key a translation is matched on: trimmed, lower-case, inner spaces collapsed.
pub(crate) fn fold_key(raw: &str) -> String {
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A loose enum name in snake_case: "Web Form" and "web-form" both become `web_form`.
pub(crate) fn snake(raw: &str) -> String {
    raw.trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Checks one configured date format.
pub(crate) fn date_format(raw: &str) -> Result<DateFormat, FieldError> {
    let bad = |why: String| FieldError::new("", "invalid_date_format", why);
    let text = raw.trim();
    if text.eq_ignore_ascii_case("rfc3339") {
        return Ok(DateFormat::Rfc3339);
    }
    let mut specifiers = 0;
    for item in StrftimeItems::new(text) {
        match item {
            Item::Error => {
                return Err(bad(format!(
                    "{text:?} is not a valid chrono strftime pattern (e.g. %d.%m.%Y)"
                )));
            }
            Item::Numeric(..) | Item::Fixed(..) => specifiers += 1,
            _ => {}
        }
    }
    if specifiers == 0 {
        return Err(bad(format!(
            "{text:?} has no date fields; use %Y, %m, %d ... or rfc3339"
        )));
    }
    Ok(DateFormat::Pattern(text.to_owned()))
}

fn no_format_matched(value: &str, formats: &[DateFormat], code: &'static str) -> FieldError {
    let list = formats
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    FieldError::new(
        "",
        code,
        format!("{value:?} matches none of the date formats: {list}"),
    )
}

/// Reads a calendar date with the first format that matches. A date-time is cut to its
/// date as written (its own offset, not converted).
pub(crate) fn parse_date(value: &str, formats: &[DateFormat]) -> Result<NaiveDate, FieldError> {
    for format in formats {
        let date = match format {
            DateFormat::Rfc3339 => DateTime::parse_from_rfc3339(value)
                .ok()
                .map(|t| t.date_naive()),
            DateFormat::Pattern(p) => DateTime::parse_from_str(value, p)
                .map(|t| t.date_naive())
                .or_else(|_| NaiveDateTime::parse_from_str(value, p).map(|t| t.date()))
                .or_else(|_| NaiveDate::parse_from_str(value, p))
                .ok(),
        };
        if let Some(date) = date {
            return Ok(date);
        }
    }
    Err(no_format_matched(value, formats, "invalid_date"))
}

/// Reads an instant with the first format that matches. Without an offset the time is
/// local to `zone`; a bare date means midnight there.
pub(crate) fn parse_datetime(
    value: &str,
    formats: &[DateFormat],
    zone: Tz,
) -> Result<DateTime<Utc>, FieldError> {
    let local = |t: NaiveDateTime| {
        zone.from_local_datetime(&t).earliest().ok_or_else(|| {
            FieldError::new(
                "",
                "invalid_datetime",
                format!("{value:?} does not exist in time zone {zone} (a clock change skips it)"),
            )
        })
    };
    for format in formats {
        let found = match format {
            DateFormat::Rfc3339 => DateTime::parse_from_rfc3339(value)
                .ok()
                .map(|t| Ok(t.with_timezone(&Utc))),
            DateFormat::Pattern(p) => {
                if let Ok(t) = DateTime::parse_from_str(value, p) {
                    Some(Ok(t.with_timezone(&Utc)))
                } else if let Ok(t) = NaiveDateTime::parse_from_str(value, p) {
                    Some(local(t).map(|t| t.with_timezone(&Utc)))
                } else if let Ok(d) = NaiveDate::parse_from_str(value, p) {
                    Some(local(d.and_time(chrono::NaiveTime::MIN)).map(|t| t.with_timezone(&Utc)))
                } else {
                    None
                }
            }
        };
        if let Some(result) = found {
            return result;
        }
    }
    Err(no_format_matched(value, formats, "invalid_datetime"))
}

/// Rewrites a number as a plain decimal (`1234.5`): Persian and Arabic-Indic digits become
/// ASCII, thousands separators go, the decimal separator becomes `.`. Grouping must be
/// regular (groups of three) so that `12,50` with a `.` separator is refused, not read as
/// 1250.
pub(crate) fn plain_decimal(raw: &str, decimal: char) -> Result<String, FieldError> {
    let bad = || {
        FieldError::new(
            "",
            "invalid_number",
            format!(
                "{:?} is not a number written with {decimal:?} as the decimal separator",
                raw.trim()
            ),
        )
    };
    let group_mark = if decimal == ',' { '.' } else { ',' };
    let mut text = String::with_capacity(raw.len());
    for c in raw.trim().chars() {
        text.push(match c {
            '\u{6F0}'..='\u{6F9}' => char::from(b'0' + (c as u32 - 0x6F0) as u8),
            '\u{660}'..='\u{669}' => char::from(b'0' + (c as u32 - 0x660) as u8),
            '\u{66B}' => decimal,
            '\u{66C}' | ' ' | '\u{A0}' | '\u{202F}' | '\'' => '\u{1}',
            c if c == group_mark => '\u{1}',
            c => c,
        });
    }
    let (whole, frac) = match text.split_once(decimal) {
        Some((w, f)) => (w, Some(f)),
        None => (text.as_str(), None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let groups: Vec<&str> = whole.split('\u{1}').collect();
    let grouped_ok =
        groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !groups.iter().all(|g| digits(g)) || !grouped_ok || frac.is_some_and(|f| !digits(f)) {
        return Err(bad());
    }
    let mut out = groups.concat();
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    Ok(out)
}

/// Reads a whole number, with the same digit and grouping rules as [`plain_decimal`].
pub(crate) fn parse_integer(raw: &str, decimal: char) -> Result<i64, FieldError> {
    let plain = plain_decimal(raw, decimal)?;
    plain.parse().map_err(|_| {
        FieldError::new(
            "",
            "invalid_number",
            format!("{:?} is not a whole number", raw.trim()),
        )
    })
}

/// Reads a Sarnakh user id.
pub(crate) fn parse_user_id(raw: &str) -> Result<UserId, FieldError> {
    UserId::from_str(raw.trim()).map_err(|_| {
        FieldError::new(
            "",
            "invalid_id",
            format!(
                "{:?} is not a Sarnakh user id; translate owner names to user ids under [values.owner_id]",
                raw.trim()
            ),
        )
    })
}

/// Checks an ISO 3166 alpha-2 country code against the countries Sarnakh knows numbers for.
pub(crate) fn country(raw: &str) -> Result<String, FieldError> {
    let code = raw.trim().to_ascii_uppercase();
    let known = code.len() == 2
        && code.bytes().all(|b| b.is_ascii_alphabetic())
        && phonenumber::country::Id::from_str(&code).is_ok();
    if known {
        Ok(code)
    } else {
        Err(FieldError::new(
            "",
            "invalid_country",
            format!(
                "{:?} is not an ISO 3166 country code such as IR, RO or GB",
                raw.trim()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("1,234.50", '.', "1234.50")]
    #[case("1.234,50", ',', "1234.50")]
    #[case("1 234 567", '.', "1234567")]
    #[case("۱۲۵۰۰۰۰", '.', "1250000")]
    #[case("١٢٬٥٠٠٫٧٥", '.', "12500.75")]
    #[case("12", ',', "12")]
    fn numbers_become_plain_decimals(#[case] raw: &str, #[case] sep: char, #[case] out: &str) {
        assert_eq!(plain_decimal(raw, sep).as_deref(), Ok(out));
    }

    #[rstest]
    #[case("12,50", '.')]
    #[case("1,2345", '.')]
    #[case("1.234.5", ',')]
    #[case("12 EUR", '.')]
    #[case("", '.')]
    #[case("1.2.3", '.')]
    fn irregular_numbers_are_refused(#[case] raw: &str, #[case] sep: char) {
        assert_eq!(
            plain_decimal(raw, sep).map_err(|e| e.code),
            Err("invalid_number")
        );
    }

    #[test]
    fn loose_enum_names_become_snake_case() {
        assert_eq!(snake(" Web Form "), "web_form");
        assert_eq!(snake("cold-outreach"), "cold_outreach");
    }

    #[test]
    fn bare_dates_are_midnight_in_the_configured_zone() {
        let formats = [DateFormat::Pattern("%d.%m.%Y".into())];
        let t = parse_datetime("01.03.2026", &formats, chrono_tz::Europe::Bucharest);
        assert_eq!(
            t.map(|t| t.to_rfc3339()).as_deref(),
            Ok("2026-02-28T22:00:00+00:00")
        );
    }

    #[test]
    fn patterns_without_fields_or_with_bad_specifiers_are_refused() {
        assert!(date_format("hello").is_err());
        assert!(date_format("%Q-%m").is_err());
        assert_eq!(date_format("RFC3339"), Ok(DateFormat::Rfc3339));
    }
}
