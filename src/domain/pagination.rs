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
    /// The page links to draw, in order (see [`PageLink`]).
    pub links: Vec<PageLink>,
}

/// Page links either side of the current page, besides the first and last.
const LINKS_EACH_SIDE: u64 = 2;

/// One item of a list's page links: a page, or a gap between pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PageLink {
    /// A link to page `page`; `current` for the page shown.
    Page { page: u64, current: bool },
    /// Pages left out ("...").
    Gap { gap: bool },
}

/// The links for page `page` of `pages`: the first, the last, and the pages
/// within [`LINKS_EACH_SIDE`] of this one, with a gap where pages are left
/// out. Only those pages are looked at, so a list of thousands of pages
/// costs no more to draw than one of ten.
pub fn page_links(page: u64, pages: u64) -> Vec<PageLink> {
    let near = |p: u64| p.abs_diff(page) <= LINKS_EACH_SIDE;
    let mut candidates = vec![1, pages];
    let around = page.saturating_sub(LINKS_EACH_SIDE + 1).max(1)
        ..=page.saturating_add(LINKS_EACH_SIDE + 1).min(pages);
    candidates.extend(around);
    candidates.sort_unstable();
    candidates.dedup();
    candidates
        .into_iter()
        .filter_map(|p| {
            if p == 1 || p == pages || near(p) {
                Some(PageLink::Page {
                    page: p,
                    current: p == page,
                })
            } else if p.abs_diff(page) == LINKS_EACH_SIDE + 1 {
                Some(PageLink::Gap { gap: true })
            } else {
                None
            }
        })
        .collect()
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
            links: page_links(request.page, pages),
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

    fn drawn(page: u64, pages: u64) -> String {
        page_links(page, pages)
            .iter()
            .map(|l| match l {
                PageLink::Page {
                    page,
                    current: true,
                } => format!("[{page}]"),
                PageLink::Page { page, .. } => page.to_string(),
                PageLink::Gap { .. } => "...".into(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn page_links_show_the_ends_the_pages_near_this_one_and_the_gaps() {
        assert_eq!(drawn(1, 1), "[1]");
        assert_eq!(drawn(2, 3), "1 [2] 3");
        assert_eq!(drawn(1, 10), "[1] 2 3 ... 10");
        assert_eq!(drawn(4, 10), "1 2 3 [4] 5 6 ... 10");
        assert_eq!(drawn(5, 10), "1 ... 3 4 [5] 6 7 ... 10");
        assert_eq!(drawn(10, 10), "1 ... 8 9 [10]");
        assert_eq!(
            drawn(1_000, 2_200),
            "1 ... 998 999 [1000] 1001 1002 ... 2200"
        );
        // a page past the end (asked for in the address) draws the ends only
        assert_eq!(drawn(50, 10), "1 10");
    }

    #[test]
    fn page_links_match_walking_every_page() {
        // the rule as the template once applied it, page by page
        let walked = |page: u64, pages: u64| {
            (1..=pages)
                .filter_map(|p| {
                    if p == 1 || p == pages || (p + 2 >= page && p <= page + 2) {
                        Some(PageLink::Page {
                            page: p,
                            current: p == page,
                        })
                    } else if p + 3 == page || p == page + 3 {
                        Some(PageLink::Gap { gap: true })
                    } else {
                        None
                    }
                })
                .collect::<Vec<_>>()
        };
        for pages in 1..=12 {
            for page in 1..=pages + 2 {
                assert_eq!(
                    page_links(page, pages),
                    walked(page, pages),
                    "page {page} of {pages}"
                );
            }
        }
    }

    #[test]
    fn page_info_counts_rows_shown() {
        let info = PageInfo::new(PageRequest::new(Some(3), Some(20)), 45);
        assert_eq!((info.pages, info.first, info.last), (3, 41, 45));
        let empty = PageInfo::new(PageRequest::new(None, None), 0);
        assert_eq!((empty.pages, empty.first, empty.last), (1, 0, 0));
    }
}
