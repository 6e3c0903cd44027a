//! Small numbers in figures shown in public (the community meeting's view):
//! a count from 1 to 4 could point at one man in a street, so it shows as
//! "fewer than 5", and no total may give a hidden count back.
//!
//! Source: the statistics issue ("a count from 1 to 4 shows as 'fewer than
//! 5', and a total that would reveal a suppressed cell is suppressed too").
//! Flow, for a table of rows and columns with row and column totals and a
//! grand total:
//!
//! 1. Hide every cell from 1 to 4 (below [`SMALLEST_SHOWN`]; 0 is shown:
//!    it points at no one).
//! 2. Hide a row's total when any cell of the row is hidden (the total less
//!    the shown cells would give the hidden one back), or when it is itself
//!    1 to 4; the same for each column.
//! 3. Hide the grand total when it is 1 to 4, or when exactly one row total
//!    or exactly one column total is hidden (it would give that one back).

use serde::Serialize;

/// Counts below this, other than 0, are hidden.
pub const SMALLEST_SHOWN: u64 = 5;
/// What a hidden count shows.
pub const HIDDEN: &str = "fewer than 5";

/// A count as published: the number, or hidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Shown {
    Count(u64),
    Hidden,
}

impl Shown {
    /// What it says on the page or in the CSV.
    pub fn text(self) -> String {
        match self {
            Shown::Count(n) => n.to_string(),
            Shown::Hidden => HIDDEN.to_string(),
        }
    }
}

fn small(n: u64) -> bool {
    (1..SMALLEST_SHOWN).contains(&n)
}

/// A table ready to publish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Published {
    pub cells: Vec<Vec<Shown>>,
    pub row_totals: Vec<Shown>,
    pub column_totals: Vec<Shown>,
    pub total: Shown,
}

/// Publish `counts` (rows of equal length) with its totals, hiding what
/// could point at someone.
pub fn publish(counts: &[Vec<u64>]) -> Published {
    let columns = counts.first().map_or(0, Vec::len);
    let show = |n: u64, hide: bool| {
        if hide || small(n) {
            Shown::Hidden
        } else {
            Shown::Count(n)
        }
    };
    let cells: Vec<Vec<Shown>> = counts
        .iter()
        .map(|row| row.iter().map(|&n| show(n, false)).collect())
        .collect();
    let row_totals: Vec<Shown> = counts
        .iter()
        .zip(&cells)
        .map(|(row, shown)| show(row.iter().sum(), shown.contains(&Shown::Hidden)))
        .collect();
    let column_totals: Vec<Shown> = (0..columns)
        .map(|c| {
            let sum = counts
                .iter()
                .map(|row| row.get(c).copied().unwrap_or(0))
                .sum();
            let hidden = cells.iter().any(|row| row.get(c) == Some(&Shown::Hidden));
            show(sum, hidden)
        })
        .collect();
    let grand: u64 = counts.iter().flatten().sum();
    let one_hidden = |totals: &[Shown]| totals.iter().filter(|t| **t == Shown::Hidden).count() == 1;
    let total = show(grand, one_hidden(&row_totals) || one_hidden(&column_totals));
    Published {
        cells,
        row_totals,
        column_totals,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Shown::{Count, Hidden};

    #[test]
    fn one_to_four_is_hidden_and_zero_and_five_are_shown() {
        let p = publish(&[vec![0, 1, 4, 5]]);
        assert_eq!(p.cells[0], vec![Count(0), Hidden, Hidden, Count(5)]);
        assert_eq!(Hidden.text(), "fewer than 5");
    }

    #[test]
    fn an_area_with_three_arrests_cannot_be_worked_back_out_from_any_total() {
        // two areas by two months: Central has 3 arrests in November
        let p = publish(&[vec![3, 20], vec![12, 9]]);
        assert_eq!(p.cells[0][0], Hidden);
        assert_eq!(p.row_totals[0], Hidden, "23 less the 20 shown would give 3");
        assert_eq!(
            p.column_totals[0], Hidden,
            "15 less the 12 shown would give 3"
        );
        assert_eq!(p.row_totals[1], Count(21));
        assert_eq!(p.column_totals[1], Count(29));
        assert_eq!(
            p.total, Hidden,
            "44 less the other row's 21 would give Central's 23"
        );
    }

    #[test]
    fn a_table_with_nothing_small_shows_everything() {
        let p = publish(&[vec![5, 6], vec![7, 0]]);
        assert!(p.cells.iter().flatten().all(|c| *c != Hidden));
        assert_eq!(p.total, Count(18));
    }

    #[test]
    fn a_small_total_is_hidden_even_when_its_cells_are_zero_or_shown() {
        let p = publish(&[vec![0, 0], vec![0, 0]]);
        assert_eq!(p.total, Count(0));
        let q = publish(&[vec![2], vec![0]]);
        assert_eq!((q.row_totals[0], q.total), (Hidden, Hidden));
    }

    #[test]
    fn two_hidden_row_totals_leave_the_grand_total_shown() {
        // the grand total then gives only their sum, which hides each one
        let p = publish(&[vec![3, 10], vec![2, 10], vec![10, 10]]);
        assert_eq!(p.row_totals[0], Hidden);
        assert_eq!(p.row_totals[1], Hidden);
        assert_eq!(p.column_totals[0], Hidden);
        assert_eq!(p.total, Hidden, "exactly one column total is hidden");
        let q = publish(&[vec![3, 10], vec![10, 2], vec![10, 10]]);
        assert_eq!(q.total, Count(45), "two row and two column totals hidden");
    }
}
