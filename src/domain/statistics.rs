//! The statistics behind the reoffending figures: a proportion's Wilson
//! score interval, Newcombe's hybrid score interval for the difference of
//! two proportions, and the Kaplan-Meier estimate of time to first known
//! reoffence with Greenwood's variance and log-log intervals.
//!
//! Source: ../shared/domain/reoffending-statistics.md ("Formulas" and the
//! public check values its tests reproduce to 1e-6). Every interval here is
//! 95 %.

use serde::Serialize;

/// The normal quantile for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A proportion with its Wilson interval; `None` when there is no one to
/// count (n = 0: "no data").
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Proportion {
    pub x: u64,
    pub n: u64,
    pub rate: f64,
    pub low: f64,
    pub high: f64,
}

/// x of n with its Wilson score interval; `None` when n is 0.
pub fn wilson(x: u64, n: u64) -> Option<Proportion> {
    if n == 0 || x > n {
        return None;
    }
    let (xf, nf) = (x as f64, n as f64);
    let p = xf / nf;
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denominator;
    let half = Z95 / denominator * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    // the interval always holds p; at 0 and at n, rounding must not say otherwise
    Some(Proportion {
        x,
        n,
        rate: p,
        low: if x == 0 {
            0.0
        } else {
            (centre - half).max(0.0).min(p)
        },
        high: if x == n {
            1.0
        } else {
            (centre + half).min(1.0).max(p)
        },
    })
}

/// A difference of two proportions with its interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Difference {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// p1 - p2 with Newcombe's hybrid score interval, from the two Wilson
/// intervals.
pub fn newcombe(first: &Proportion, second: &Proportion) -> Difference {
    let (p1, l1, u1) = (first.rate, first.low, first.high);
    let (p2, l2, u2) = (second.rate, second.low, second.high);
    let d = p1 - p2;
    Difference {
        estimate: d,
        low: d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
        high: d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
    }
}

/// One man's follow-up: days from his index date to his first known
/// reoffence (`event`) or to the end of what can be seen of him (censored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowUp {
    pub days: i64,
    pub event: bool,
}

/// One step of the Kaplan-Meier curve: at `day`, `events` reoffences among
/// `at_risk` men; the survival (no known reoffence) just after, with its
/// log-log 95 % interval (absent where it cannot be worked out: S = 1 or 0).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Step {
    pub day: i64,
    pub at_risk: u64,
    pub events: u64,
    pub survival: f64,
    pub ci95: Option<[f64; 2]>,
}

/// The Kaplan-Meier estimate: one step per day on which a reoffence
/// happened. At a tie, events come before censorings (a man censored on the
/// day of an event is still at risk at it).
pub fn kaplan_meier(follow_ups: &[FollowUp]) -> Vec<Step> {
    let mut sorted: Vec<FollowUp> = follow_ups.to_vec();
    sorted.sort_by_key(|f| (f.days, !f.event));
    let mut steps = Vec::new();
    let mut at_risk = sorted.len() as u64;
    let (mut survival, mut greenwood) = (1.0_f64, 0.0_f64);
    let mut i = 0;
    while i < sorted.len() {
        let day = sorted[i].days;
        let same_day = sorted[i..].iter().take_while(|f| f.days == day).count();
        let events = sorted[i..i + same_day].iter().filter(|f| f.event).count() as u64;
        if events > 0 {
            let (n, d) = (at_risk as f64, events as f64);
            survival *= 1.0 - d / n;
            if at_risk > events {
                greenwood += d / (n * (n - d));
            }
            steps.push(Step {
                day,
                at_risk,
                events,
                survival,
                ci95: log_log_interval(survival, greenwood),
            });
        }
        at_risk -= same_day as u64;
        i += same_day;
    }
    steps
}

/// The log-log 95 % interval of a survival estimate with Greenwood
/// variance sum `v`.
fn log_log_interval(survival: f64, v: f64) -> Option<[f64; 2]> {
    if survival <= 0.0 || survival >= 1.0 {
        return None;
    }
    let s = v.sqrt() / survival.ln().abs();
    Some([
        survival.powf((Z95 * s).exp()),
        survival.powf((-Z95 * s).exp()),
    ])
}

/// The survival estimate at `day` (1 before the first event).
pub fn survival_at(steps: &[Step], day: i64) -> f64 {
    steps
        .iter()
        .take_while(|s| s.day <= day)
        .last()
        .map_or(1.0, |s| s.survival)
}

/// The median time to first known reoffence: the first day on which the
/// survival falls to one half or below; `None` ("not reached") otherwise.
pub fn median_days(steps: &[Step]) -> Option<i64> {
    steps.iter().find(|s| s.survival <= 0.5).map(|s| s.day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-6,
            "{actual} differs from {expected} by 1e-6 or more"
        );
    }

    #[test]
    fn wilson_reproduces_the_public_check_values() {
        let p = wilson(7, 50).expect("an interval");
        close(p.low, 0.069508);
        close(p.high, 0.261862);
        let none = wilson(0, 10).expect("an interval");
        close(none.low, 0.0);
        close(none.high, 0.277533);
        assert_eq!(wilson(0, 0), None, "no one counted: no data");
    }

    #[test]
    fn every_wilson_interval_holds_its_rate_and_stays_in_zero_to_one() {
        for n in 1..=40 {
            for x in 0..=n {
                let p = wilson(x, n).expect("an interval");
                assert!(0.0 <= p.low && p.low <= p.rate && p.rate <= p.high && p.high <= 1.0);
            }
        }
    }

    #[test]
    fn newcombe_follows_from_the_two_wilson_intervals() {
        let a = wilson(7, 50).expect("a");
        let b = wilson(12, 40).expect("b");
        let d = newcombe(&a, &b);
        close(d.estimate, 0.14 - 0.30);
        close(
            d.low,
            d.estimate - ((a.rate - a.low).powi(2) + (b.high - b.rate).powi(2)).sqrt(),
        );
        assert!(d.low < d.estimate && d.estimate < d.high);
        let same = newcombe(&a, &a);
        close(same.estimate, 0.0);
        assert!(same.low < 0.0 && same.high > 0.0);
    }

    fn check_data() -> Vec<FollowUp> {
        [
            (30, true),
            (45, false),
            (90, true),
            (90, true),
            (90, false),
            (120, true),
            (150, true),
            (200, false),
            (300, true),
            (365, false),
            (365, false),
            (365, false),
        ]
        .into_iter()
        .map(|(days, event)| FollowUp { days, event })
        .collect()
    }

    #[test]
    fn kaplan_meier_reproduces_the_public_check_values_with_ties_and_censoring() {
        let steps = kaplan_meier(&check_data());
        for (day, expected) in [
            (30, 0.916667),
            (90, 0.733333),
            (120, 0.628571),
            (150, 0.523810),
            (300, 0.392857),
        ] {
            close(survival_at(&steps, day), expected);
        }
        assert_eq!(median_days(&steps), Some(300));
        let at_90 = steps.iter().find(|s| s.day == 90).expect("a step at 90");
        assert_eq!(
            (at_90.at_risk, at_90.events),
            (10, 2),
            "the tie: censored after events"
        );
        let ci = at_90.ci95.expect("an interval");
        close(ci[0], 0.378961);
        close(ci[1], 0.905617);
    }

    #[test]
    fn the_input_order_does_not_matter_and_no_events_means_no_steps() {
        let mut shuffled = check_data();
        shuffled.reverse();
        assert_eq!(kaplan_meier(&shuffled), kaplan_meier(&check_data()));
        let none = vec![
            FollowUp {
                days: 100,
                event: false
            };
            5
        ];
        assert!(kaplan_meier(&none).is_empty());
        assert_eq!(median_days(&kaplan_meier(&none)), None);
        close(survival_at(&[], 400), 1.0);
    }

    #[test]
    fn when_everyone_reoffends_the_curve_reaches_zero_without_an_interval() {
        let all = [10, 20].map(|days| FollowUp { days, event: true });
        let steps = kaplan_meier(&all);
        close(steps[1].survival, 0.0);
        assert_eq!(steps[1].ci95, None);
        assert_eq!(median_days(&steps), Some(10));
    }
}
