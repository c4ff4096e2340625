//! Cursor (seek) pagination: a page is "the next `limit` rows after this sort key and id",
//! never an offset, so deep pages cost the same as the first and rows never repeat.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Most rows one page may return.
pub const MAX_LIMIT: u32 = 200;
/// Rows per page when the caller does not say.
pub const DEFAULT_LIMIT: u32 = 50;

/// The sort key value of the last row seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorKey {
    /// A timestamp column.
    Time(DateTime<Utc>),
    /// A text column.
    Text(String),
    /// An integer column.
    Int(i64),
}

/// Where the next page starts: after the row with this sort key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Sort key of the last row of the previous page.
    pub key: CursorKey,
    /// Id of that row (tie-breaker).
    pub id: Uuid,
}

impl Cursor {
    /// An opaque, URL-safe token.
    pub fn encode(&self) -> String {
        let key = match &self.key {
            CursorKey::Time(t) => format!("t{}", t.timestamp_micros()),
            CursorKey::Text(s) => format!("s{s}"),
            CursorKey::Int(i) => format!("i{i}"),
        };
        let plain = format!("{}|{key}", self.id.simple());
        plain.bytes().map(|b| format!("{b:02x}")).collect()
    }

    /// Reads a token made by [`Cursor::encode`]; `None` if it is not one.
    pub fn decode(token: &str) -> Option<Self> {
        if !token.len().is_multiple_of(2) || token.len() > 2048 {
            return None;
        }
        let bytes: Option<Vec<u8>> = (0..token.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
            .collect();
        let plain = String::from_utf8(bytes?).ok()?;
        let (id, key) = plain.split_once('|')?;
        let id = Uuid::parse_str(id).ok()?;
        let (tag, value) = key.split_at_checked(1)?;
        let key = match tag {
            "t" => CursorKey::Time(DateTime::from_timestamp_micros(value.parse().ok()?)?),
            "s" => CursorKey::Text(value.to_owned()),
            "i" => CursorKey::Int(value.parse().ok()?),
            _ => return None,
        };
        Some(Self { key, id })
    }
}

/// Which page to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// Rows wanted, 1..=[`MAX_LIMIT`].
    pub limit: u32,
    /// Start after this row; `None` for the first page.
    pub after: Option<Cursor>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            after: None,
        }
    }
}

impl PageRequest {
    /// A request with `limit` clamped into 1..=[`MAX_LIMIT`].
    pub fn new(limit: Option<u32>, after: Option<Cursor>) -> Self {
        Self {
            limit: limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
            after,
        }
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Cursor for the next page; `None` on the last page.
    pub next: Option<Cursor>,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDir {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// Splits `-field` into (`field`, descending) and `field` into (`field`, ascending).
pub fn parse_sort(raw: &str) -> (&str, SortDir) {
    match raw.strip_prefix('-') {
        Some(field) => (field, SortDir::Desc),
        None => (raw, SortDir::Asc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn cursors_round_trip(micros in 0_i64..4_000_000_000_000_000, text in "\\PC{0,40}", n in any::<i64>(), id in any::<u128>()) {
            let time = DateTime::from_timestamp_micros(micros).expect("in range");
            for key in [CursorKey::Time(time), CursorKey::Text(text), CursorKey::Int(n)] {
                let cursor = Cursor { key, id: Uuid::from_u128(id) };
                prop_assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
            }
        }

        #[test]
        fn garbage_is_not_a_cursor(token in "[g-z]{0,30}") {
            prop_assert_eq!(Cursor::decode(&token), None);
        }
    }

    #[test]
    fn limit_is_clamped() {
        assert_eq!(PageRequest::new(Some(10_000), None).limit, MAX_LIMIT);
        assert_eq!(PageRequest::new(Some(0), None).limit, 1);
        assert_eq!(PageRequest::new(None, None).limit, DEFAULT_LIMIT);
    }
}
