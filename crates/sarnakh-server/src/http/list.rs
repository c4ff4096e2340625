//! Shared pieces of list endpoints: the page envelope, cursors and enum query parameters.

use super::error::{ApiError, ApiResult};
use sarnakh_core::domain::page::{Cursor, PageRequest, SortDir, parse_sort};

/// Declares a page envelope `{ items, next_cursor }` for one item type.
macro_rules! page_type {
    ($name:ident, $item:ty) => {
        #[doc = concat!("One page of ", stringify!($item), "; pass `next_cursor` back as `cursor` for the next.")]
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            /// The rows of this page.
            pub items: Vec<$item>,
            /// Cursor of the next page; null on the last page.
            pub next_cursor: Option<String>,
        }

        impl $name {
            /// Wraps a page of domain rows.
            pub fn from_page<T>(page: sarnakh_core::domain::Page<T>) -> Self
            where
                $item: From<T>,
            {
                Self {
                    items: page.items.into_iter().map(<$item>::from).collect(),
                    next_cursor: page.next.map(|c| c.encode()),
                }
            }
        }
    };
}
pub(crate) use page_type;

/// Builds a page request from `limit` and `cursor` parameters.
pub fn page_request(limit: Option<u32>, cursor: Option<&str>) -> ApiResult<PageRequest> {
    let after = match cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(token) => Some(Cursor::decode(token).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_cursor",
                "cursor",
                "is not a cursor returned by this list",
            )
        })?),
    };
    if limit == Some(0) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            "limit",
            "must be between 1 and 200",
        ));
    }
    Ok(PageRequest::new(limit, after))
}

/// Parses an optional enum query parameter, naming the accepted values on error.
pub fn enum_param<T>(
    name: &str,
    raw: Option<&str>,
    parse: fn(&str) -> Option<T>,
    expected: fn() -> String,
) -> ApiResult<Option<T>> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => parse(v).map(Some).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_query",
                name,
                format!("{v:?} is not one of: {}", expected()),
            )
        }),
    }
}

/// Parses `sort` (`field` or `-field`) with the given field parser.
pub fn sort_param<F>(
    raw: Option<&str>,
    parse: fn(&str) -> Option<F>,
    default: (F, SortDir),
    accepted: &str,
) -> ApiResult<(F, SortDir)> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => {
            let (field, dir) = parse_sort(v);
            parse(field).map(|f| (f, dir)).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_query",
                    "sort",
                    format!(
                        "{v:?} is not a sort order: use one of {accepted}, with - for descending"
                    ),
                )
            })
        }
    }
}
