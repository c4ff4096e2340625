//! Small validated text values: trimmed, non-empty, bounded in length.

use crate::error::FieldError;

/// Trims `raw` and checks it is non-empty and at most `max` characters.
pub fn required(raw: &str, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new("", "required", "must not be empty"));
    }
    bounded(value, max)
}

/// Trims `raw`; empty becomes `None`; longer than `max` characters is an error.
pub fn optional(raw: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => bounded(value, max).map(Some),
    }
}

fn bounded(value: &str, max: usize) -> Result<String, FieldError> {
    let len = value.chars().count();
    if len > max {
        return Err(FieldError::new(
            "",
            "too_long",
            format!("must be at most {max} characters (got {len})"),
        ));
    }
    Ok(value.to_owned())
}

/// A key for matching names regardless of case and spacing ("  ACME  Ltd" == "acme ltd").
pub fn match_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_trims_and_rejects_blank() {
        assert_eq!(required("  Ali ", 10).as_deref(), Ok("Ali"));
        assert_eq!(required("   ", 10).map_err(|e| e.code), Err("required"));
        assert_eq!(required("abcdef", 3).map_err(|e| e.code), Err("too_long"));
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        assert_eq!(required("سرنخ", 4).as_deref(), Ok("سرنخ"));
    }

    #[test]
    fn match_key_ignores_case_and_spacing() {
        assert_eq!(match_key("  ACME   Ltd "), "acme ltd");
        assert_eq!(match_key("Ştefan SRL"), match_key("ştefan  srl"));
    }
}
