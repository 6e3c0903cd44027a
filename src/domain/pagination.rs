//! Page arithmetic for every paginated list.

use serde::Serialize;

/// The largest page a caller may ask for.
pub const MAX_PER_PAGE: u64 = 200;
/// The page size when none is asked for.
pub const DEFAULT_PER_PAGE: u64 = 50;

/// A requested page, clamped to sane values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

impl PageRequest {
    /// Clamp what a caller asked for: page at least 1, size 1..=200.
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> PageRequest {
        PageRequest {
            page: page.unwrap_or(1).clamp(1, 1_000_000),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE),
        }
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// What a page of a list needs to draw its pagination links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PageInfo {
    /// 1-based page number.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// Rows in the whole list.
    pub total: u64,
    /// Number of pages (at least 1).
    pub pages: u64,
    /// First row shown (1-based; 0 when the list is empty).
    pub first: u64,
    /// Last row shown.
    pub last: u64,
}

impl PageInfo {
    /// Describe `request` over a list of `total` rows.
    pub fn new(request: PageRequest, total: u64) -> PageInfo {
        let pages = total.div_ceil(request.per_page).max(1);
        let first = if total == 0 {
            0
        } else {
            (request.offset() + 1).min(total)
        };
        let last = (request.offset() + request.per_page).min(total);
        PageInfo {
            page: request.page,
            per_page: request.per_page,
            total,
            pages,
            first,
            last,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_clamped() {
        assert_eq!(
            PageRequest::new(Some(0), Some(0)),
            PageRequest {
                page: 1,
                per_page: 1
            }
        );
        assert_eq!(PageRequest::new(None, Some(10_000)).per_page, MAX_PER_PAGE);
        assert_eq!(PageRequest::new(Some(3), Some(20)).offset(), 40);
    }

    #[test]
    fn page_info_counts_rows_shown() {
        let info = PageInfo::new(PageRequest::new(Some(3), Some(20)), 45);
        assert_eq!((info.pages, info.first, info.last), (3, 41, 45));
        let empty = PageInfo::new(PageRequest::new(None, None), 0);
        assert_eq!((empty.pages, empty.first, empty.last), (1, 0, 0));
    }
}
