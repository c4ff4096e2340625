//! The defence against CSV ("formula") injection in exports meant for spreadsheets.
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and one
//! that starts with a tab or a carriage return can hide such a start. A lead whose company
//! is `=HYPERLINK("http://x","Click")` would otherwise become a live link, or worse, in the
//! sales manager's spreadsheet. OWASP's recommendation is followed: such a cell gets a
//! leading single quote `'`, which spreadsheets read as "this is text".
//!
//! One exemption: a cell that is a plain number (an optional sign, digits, at most one
//! decimal point, `-5`, `+40721234567`, `12.50`) is left alone. Without a letter, a
//! parenthesis, a `|` or a second operator no function can be called, so such a cell cannot
//! do harm, while quoting it would mangle every E.164 phone number (`'+40721234567`) and
//! turn negative figures into text that no longer sums.
//!
//! This module only decides what a cell looks like; it must not be used for raw exports,
//! whose cells must stay exactly as stored.

use std::borrow::Cow;

/// The first characters that make a spreadsheet evaluate a cell.
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// What is put in front of a dangerous cell so that a spreadsheet shows it as text.
pub const TEXT_PREFIX: char = '\'';

/// The cell as it is safe to give a spreadsheet: unchanged, or prefixed with `'` when it
/// starts with one of [`FORMULA_TRIGGERS`] and is not a plain number.
pub fn neutralise_formula(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(first) if FORMULA_TRIGGERS.contains(&first) && !is_plain_number(cell) => {
            Cow::Owned(format!("{TEXT_PREFIX}{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// True for `-5`, `+40721234567`, `12.50`: an optional sign, one or more digits, and at
/// most one decimal point followed by digits. Nothing else (no spaces, no exponent).
pub fn is_plain_number(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")")]
    #[case("=1+1", "'=1+1")]
    #[case("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0")]
    #[case("-2+3", "'-2+3")]
    #[case("@SUM(A1:A9)", "'@SUM(A1:A9)")]
    #[case("\t=1+1", "'\t=1+1")]
    #[case("\r=1+1", "'\r=1+1")]
    #[case("-", "'-")]
    #[case("+", "'+")]
    #[case("-5e3", "'-5e3")]
    #[case("- 5", "'- 5")]
    fn every_dangerous_first_character_is_quoted(#[case] cell: &str, #[case] shown: &str) {
        assert_eq!(neutralise_formula(cell), shown);
    }

    #[rstest]
    #[case("-5")]
    #[case("-12.50")]
    #[case("+40721234567")]
    #[case("+989121234567")]
    #[case("1250.00")]
    fn plain_numbers_with_a_sign_are_left_as_numbers(#[case] cell: &str) {
        assert!(matches!(neutralise_formula(cell), Cow::Borrowed(c) if c == cell));
    }

    #[rstest]
    #[case("Pars Co")]
    #[case("a=b")]
    #[case("ana@firma.ro")]
    #[case(" =1")]
    #[case("'quoted")]
    #[case("")]
    #[case("شرکت پارس")]
    fn cells_that_do_not_start_a_formula_are_unchanged(#[case] cell: &str) {
        assert!(matches!(neutralise_formula(cell), Cow::Borrowed(c) if c == cell));
    }

    #[rstest]
    #[case("1.", false)]
    #[case(".5", false)]
    #[case("1.2.3", false)]
    #[case("--5", false)]
    #[case("0x10", false)]
    #[case("007", true)]
    fn plain_numbers_are_strict(#[case] cell: &str, #[case] plain: bool) {
        assert_eq!(is_plain_number(cell), plain);
    }
}
