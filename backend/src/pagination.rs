//! Relay-style connections over offset pages.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{OutputType, SimpleObject};
use base64::Engine;

use crate::error::{ApiError, ApiResult};

/// Default page size.
pub const DEFAULT_PAGE: u64 = 50;
/// Largest page a client may ask for.
pub const MAX_PAGE: u64 = 200;
/// Largest offset a cursor may carry (far beyond any listing's size; keeps
/// the arithmetic and the SQL `OFFSET` in range).
pub const MAX_OFFSET: u64 = 10_000_000;
/// Longest cursor accepted (ours are a dozen characters).
const MAX_CURSOR_LEN: usize = 64;

/// Extra fields on every connection.
#[derive(SimpleObject)]
pub struct ConnectionFields {
    /// Items across all pages.
    pub total_count: i64,
}

/// A connection of `T` with `totalCount`.
pub type Conn<T> = Connection<String, T, ConnectionFields, EmptyFields>;

/// Where a page starts and how long it is.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// Items to skip.
    pub offset: u64,
    /// Items to return.
    pub limit: u64,
}

fn cursor(offset: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o:{offset}"))
}

/// Reads `first` and `after`.
pub fn page(first: Option<i32>, after: Option<String>) -> ApiResult<Page> {
    let limit = match first {
        None => DEFAULT_PAGE,
        Some(n) if n < 0 => return Err(ApiError::invalid("first", "first不能为负数")),
        Some(n) => (n as u64).min(MAX_PAGE),
    };
    let offset = match after {
        None => 0,
        Some(c) => {
            let bad = || ApiError::invalid("after", "无效的分页游标");
            if c.len() > MAX_CURSOR_LEN {
                return Err(bad());
            }
            let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(c.as_bytes())
                .map_err(|_| bad())?;
            let s = String::from_utf8(raw).map_err(|_| bad())?;
            let last = s
                .strip_prefix("o:")
                .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse::<u64>().ok())
                .ok_or_else(bad)?;
            if last >= MAX_OFFSET {
                return Err(ApiError::invalid("after", "分页游标超出范围"));
            }
            last + 1
        }
    };
    Ok(Page { offset, limit })
}

/// Builds the connection for one page of items.
pub fn connection<T: OutputType>(items: Vec<T>, page: Page, total: u64) -> Conn<T> {
    let end = page.offset + items.len() as u64;
    let mut conn = Connection::with_additional_fields(
        page.offset > 0,
        end < total,
        ConnectionFields {
            total_count: total as i64,
        },
    );
    conn.edges.extend(
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| Edge::new(cursor(page.offset + i as u64), item)),
    );
    conn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_continue_after_the_last_item() {
        let p = page(Some(10), Some(cursor(9))).unwrap();
        assert_eq!((p.offset, p.limit), (10, 10));
        assert!(page(None, Some("garbage!".into())).is_err());
        assert_eq!(page(Some(100_000), None).unwrap().limit, MAX_PAGE);
        assert_eq!(page(Some(i32::MAX), None).unwrap().limit, MAX_PAGE);
        assert!(page(Some(-1), None).is_err());
        assert!(page(Some(i32::MIN), None).is_err());
    }

    #[test]
    fn cursors_that_overflow_or_are_forged_are_refused() {
        let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        for c in [
            cursor(u64::MAX),
            cursor(MAX_OFFSET),
            enc("o:18446744073709551616"),
            enc("o:-1"),
            enc("o:+5"),
            enc("o:"),
            enc("x:5"),
            "A".repeat(10_000),
            String::new(),
        ] {
            assert!(
                matches!(
                    page(None, Some(c.clone())),
                    Err(ApiError::Validation { .. })
                ),
                "{c}"
            );
        }
        assert_eq!(
            page(None, Some(cursor(MAX_OFFSET - 1))).unwrap().offset,
            MAX_OFFSET
        );
    }
}
