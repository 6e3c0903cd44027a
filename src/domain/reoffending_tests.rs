use chrono::NaiveDate;

use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn known(offence: &str, outcome: &str) -> Known {
    Known {
        offence_date: day(offence),
        outcome_date: day(outcome),
    }
}

fn man(group: Group, index: &str, reoffences: Vec<Known>) -> Man {
    Man {
        person_id: 0,
        group,
        index_date: Some(day(index)),
        reoffences,
    }
}

fn question() -> Question {
    Question {
        index: IndexKind::ProgrammeStart,
        from: day("2024-01-01"),
        to: day("2025-12-31"),
        window_days: DEFAULT_WINDOW_DAYS,
        waiting_days: DEFAULT_WAITING_DAYS,
        as_of: day("2026-12-01"),
    }
}

fn group(f: &Figures, g: Group) -> &GroupFigures {
    f.groups
        .iter()
        .find(|x| x.group == g)
        .expect("every group is there")
}

#[test]
fn a_man_counts_once_his_window_and_waiting_period_have_passed() {
    // as of 2026-12-01 less 365 + 183 days: index dates up to 2025-06-01 are eligible
    let men = vec![
        man(Group::Completed, "2025-06-01", vec![]),
        man(Group::Completed, "2025-06-02", vec![]),
    ];
    let f = figures(&men, &question());
    let g = group(&f, Group::Completed);
    assert_eq!(
        (g.cohort_size, g.eligible, g.excluded_not_yet_eligible),
        (2, 1, 1)
    );
}

#[test]
fn only_reoffences_committed_in_the_window_and_known_in_time_count() {
    let men = vec![man(
        Group::NotCompleted,
        "2024-03-01",
        vec![
            known("2024-03-01", "2024-03-01"), // on the index day: the index event itself
            known("2024-06-01", "2024-06-01"), // counts
            known("2025-02-28", "2025-08-28"), // last day of the window, known within waiting
            known("2025-02-20", "2025-09-10"), // known after the waiting period
            known("2025-03-02", "2025-03-02"), // after the window
        ],
    )];
    let f = figures(&men, &question());
    let g = group(&f, Group::NotCompleted);
    assert_eq!((g.eligible, g.reoffenders, g.reoffences), (1, 1, 2));
    assert_eq!(g.reoffences_per_reoffender, Some(2.0));
    assert!(g.small, "one man is a small group");
}

#[test]
fn the_rate_carries_its_wilson_interval_and_the_difference_its_newcombe_interval() {
    let mut men = Vec::new();
    for i in 0..50 {
        let r = if i < 7 {
            vec![known("2024-05-01", "2024-06-01")]
        } else {
            vec![]
        };
        men.push(man(Group::Completed, "2024-02-01", r));
    }
    for i in 0..40 {
        let r = if i < 12 {
            vec![known("2024-05-01", "2024-06-01")]
        } else {
            vec![]
        };
        men.push(man(Group::NotCompleted, "2024-02-01", r));
    }
    let f = figures(&men, &question());
    let c = group(&f, Group::Completed).rate.expect("a rate");
    assert!((c.low - 0.069508).abs() < 1e-6 && (c.high - 0.261862).abs() < 1e-6);
    let d = f
        .difference_completed_minus_not_completed
        .expect("both groups have a rate");
    assert!((d.estimate - (0.14 - 0.30)).abs() < 1e-12);
    assert!(d.low < d.estimate && d.estimate < d.high);
    assert!(!group(&f, Group::Completed).small);
    assert_eq!(group(&f, Group::NotEnrolled).rate, None, "no one: no data");
    assert_eq!(f.label, "known reoffending recorded in this system");
}

#[test]
fn men_outside_the_period_or_without_an_index_date_are_not_in_the_cohort() {
    let men = vec![
        man(Group::NotEnrolled, "2023-12-31", vec![]),
        man(Group::NotEnrolled, "2024-01-01", vec![]),
        Man {
            person_id: 0,
            group: Group::NotEnrolled,
            index_date: None,
            reoffences: vec![],
        },
    ];
    let f = figures(&men, &question());
    let g = group(&f, Group::NotEnrolled);
    assert_eq!((g.cohort_size, g.without_index_date), (1, 1));
}

#[test]
fn kaplan_meier_follows_recent_men_to_the_data_cut_off() {
    // cut-off = 2026-12-01 less 183 days = 2026-06-01
    let men = vec![
        man(
            Group::Completed,
            "2025-12-01",
            vec![known("2026-02-01", "2026-02-01")],
        ),
        man(
            Group::Completed,
            "2025-12-01",
            vec![known("2026-07-01", "2026-07-01")],
        ),
        man(Group::Completed, "2024-01-01", vec![]),
    ];
    let f = figures(&men, &question());
    let g = group(&f, Group::Completed);
    // the first man's event at 62 days; the second censored at the cut-off (182 days)
    assert_eq!(g.kaplan_meier.len(), 1);
    assert_eq!(g.kaplan_meier[0].day, 62);
    assert_eq!(g.kaplan_meier[0].at_risk, 3);
    assert_eq!(g.median_days, None, "not reached");
    assert_eq!((g.eligible, g.excluded_not_yet_eligible), (1, 2));
}

#[test]
fn a_question_and_a_reoffence_are_checked_field_by_field() {
    let mut q = question();
    q.to = day("2023-01-01");
    q.window_days = 0;
    q.waiting_days = 800;
    let e = check_question(&q).err().unwrap_or_default();
    assert_eq!(e.len(), 3);
    let today = day("2026-12-01");
    let r = ReoffenceInput {
        offence_date: Some(day("2026-11-01")),
        outcome: Some(ReoffenceOutcome::Conviction),
        outcome_date: Some(day("2026-10-01")),
        source: " ".into(),
    };
    let e = check_reoffence(&r, today).err().unwrap_or_default();
    assert_eq!(
        e.get("outcome_date"),
        Some("The outcome cannot come before the offence")
    );
    assert!(e.get("source").is_some());
    let ok = ReoffenceInput {
        outcome_date: Some(day("2026-12-01")),
        source: "PNC check".into(),
        ..r
    };
    assert!(check_reoffence(&ok, today).is_ok());
}

#[test]
fn a_question_left_empty_takes_the_same_defaults_for_the_page_and_the_api() {
    let q = Question::with_defaults(None, None, None, None, None, None, day("2026-12-05"));
    assert_eq!(q.index, IndexKind::ProgrammeStart);
    assert_eq!(
        (q.from, q.to, q.as_of),
        (day("2023-12-05"), day("2026-12-05"), day("2026-12-05"))
    );
    assert_eq!((q.window_days, q.waiting_days), (365, 183));
    let p = Question::with_defaults(
        None,
        None,
        None,
        Some(730),
        None,
        Some(day("2026-01-31")),
        day("2026-12-05"),
    );
    assert_eq!(
        (p.from, p.to, p.window_days),
        (day("2023-01-31"), day("2026-01-31"), 730)
    );
}
