//! Enrolment of a man on a cohort: the legal basis of his attendance, the
//! statuses and the moves allowed between them (as data, each with a plain
//! description), and the coded two-level reasons for ending early.
//!
//! Source: `shared/domain/programme-and-attendance.md` ("The journey" step 5
//! and 7, "Enforcement"). Flow: an enrolment starts `awaiting_start` (or `waiting_list` on a
//! full cohort, until a place is offered), moves
//! to `on_programme` at his first mark, and ends `completed` (the programme's
//! rule met), `withdrawn`, `deselected`, `breach_referred` (orders) or
//! `prosecution_referred` (conditional caution). Every move is kept.

use serde::Serialize;

use super::code::coded_enum;

coded_enum!(
    /// Why he attends: decides which enforcement rules apply.
    LegalBasis {
        /// A condition of a conditional caution (CJA 2003 s.22), with a deadline.
        ConditionalCaution => "conditional_caution", "Conditional caution";
        /// A requirement of a community order.
        CommunityOrder => "community_order", "Community order";
        /// A requirement of a suspended sentence order.
        SuspendedSentenceOrder => "suspended_sentence_order", "Suspended sentence order";
        /// He chose to attend; nothing is enforced.
        Voluntary => "voluntary", "Voluntary";
    }
);

impl LegalBasis {
    /// Does attendance have a deadline (a caution's condition)?
    pub fn needs_deadline(self) -> bool {
        matches!(self, LegalBasis::ConditionalCaution)
    }

    /// Is it a court order (community or suspended sentence)?
    pub fn is_order(self) -> bool {
        matches!(
            self,
            LegalBasis::CommunityOrder | LegalBasis::SuspendedSentenceOrder
        )
    }
}

coded_enum!(
    /// Where an enrolment stands.
    EnrolmentStatus {
        /// Waiting for a place on a full cohort; holds none.
        WaitingList => "waiting_list", "Waiting list";
        /// Enrolled; no session marked yet.
        AwaitingStart => "awaiting_start", "Awaiting start";
        /// At least one session marked.
        OnProgramme => "on_programme", "On programme";
        /// The programme's completion rule is met.
        Completed => "completed", "Completed";
        /// Left the programme (a coded reason says why).
        Withdrawn => "withdrawn", "Withdrawn";
        /// Removed by the service (a coded reason says why).
        Deselected => "deselected", "Deselected";
        /// Referred to court for breach of an order.
        BreachReferred => "breach_referred", "Breach referred";
        /// Referred for prosecution after failing a caution's condition.
        ProsecutionReferred => "prosecution_referred", "Prosecution referred";
    }
);

impl EnrolmentStatus {
    /// Does he hold a place in the cohort (counts against capacity, is on the
    /// register)? A man who has completed keeps his place until the cohort
    /// ends: he may still come to its remaining sessions.
    pub fn holds_place(self) -> bool {
        matches!(
            self,
            EnrolmentStatus::AwaitingStart
                | EnrolmentStatus::OnProgramme
                | EnrolmentStatus::Completed
        )
    }
}

/// An allowed move, with what it means.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Transition {
    pub from: EnrolmentStatus,
    pub to: EnrolmentStatus,
    pub description: &'static str,
}

const fn t(from: EnrolmentStatus, to: EnrolmentStatus, description: &'static str) -> Transition {
    Transition {
        from,
        to,
        description,
    }
}

use EnrolmentStatus as S;

/// Every allowed move.
pub const TRANSITIONS: &[Transition] = &[
    t(
        S::WaitingList,
        S::AwaitingStart,
        "offered a place that came free",
    ),
    t(S::WaitingList, S::Withdrawn, "taken off the waiting list"),
    t(S::AwaitingStart, S::OnProgramme, "first session marked"),
    t(S::OnProgramme, S::Completed, "completion rule met"),
    t(S::AwaitingStart, S::Withdrawn, "withdrew before starting"),
    t(
        S::OnProgramme,
        S::Withdrawn,
        "withdrew during the programme",
    ),
    t(
        S::AwaitingStart,
        S::Deselected,
        "deselected before starting",
    ),
    t(
        S::OnProgramme,
        S::Deselected,
        "deselected during the programme",
    ),
    t(
        S::AwaitingStart,
        S::BreachReferred,
        "referred to court for breach",
    ),
    t(
        S::OnProgramme,
        S::BreachReferred,
        "referred to court for breach",
    ),
    t(
        S::AwaitingStart,
        S::ProsecutionReferred,
        "referred for prosecution",
    ),
    t(
        S::OnProgramme,
        S::ProsecutionReferred,
        "referred for prosecution",
    ),
    t(
        S::BreachReferred,
        S::OnProgramme,
        "the court let the order continue",
    ),
];

/// The move from `from` to `to`, if allowed.
pub fn transition(from: EnrolmentStatus, to: EnrolmentStatus) -> Option<&'static Transition> {
    TRANSITIONS.iter().find(|t| t.from == from && t.to == to)
}

coded_enum!(
    /// Why an enrolment ended early: category, then reason (two levels).
    EndReason {
        /// Withdrawal: moved out of the area.
        WithdrawnMoved => "withdrawn.moved_away", "Withdrawal: moved out of the area";
        /// Withdrawal: ill health.
        WithdrawnHealth => "withdrawn.ill_health", "Withdrawal: ill health";
        /// Withdrawal: in custody on another matter.
        WithdrawnCustody => "withdrawn.in_custody", "Withdrawal: in custody";
        /// Withdrawal: a voluntary attender chose to stop.
        WithdrawnChoice => "withdrawn.own_choice", "Withdrawal: his own choice (voluntary)";
        /// Deselection: missed too many sessions.
        DeselectedAttendance => "deselected.missed_sessions", "Deselection: missed too many sessions";
        /// Deselection: behaviour in sessions.
        DeselectedBehaviour => "deselected.behaviour", "Deselection: behaviour in sessions";
        /// Deselection: the programme does not meet his needs after all.
        DeselectedUnsuitable => "deselected.unsuitable", "Deselection: found unsuitable after starting";
    }
);

impl EndReason {
    /// The status this reason ends an enrolment with.
    pub fn status(self) -> EnrolmentStatus {
        if self.as_str().starts_with("withdrawn.") {
            EnrolmentStatus::Withdrawn
        } else {
            EnrolmentStatus::Deselected
        }
    }
}

/// Enrolment needs a completed assessment found `suitable`; anything else
/// needs an override with a reason. `None`: allowed; `Some(message)`: refused.
pub fn suitability_gate(
    completed_suitable: bool,
    override_reason: Option<&str>,
) -> Option<&'static str> {
    let overridden = override_reason.is_some_and(|r| !r.trim().is_empty());
    (!completed_suitable && !overridden).then_some(
        "He has no completed assessment finding him suitable: give a reason to enrol him anyway",
    )
}

/// What the police are told about a conditional caution's course condition:
/// met, failed, or still open. Never the attendance detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "on", rename_all = "snake_case")]
pub enum CourseCondition {
    /// No enrolment yet, deadline not passed.
    NotEnrolled,
    /// Enrolled, not yet complete, deadline not passed.
    InProgress,
    /// Completed on this date, by the deadline.
    Met(chrono::NaiveDate),
    /// Not met: the deadline passed, he left, or he was referred.
    Failed(chrono::NaiveDate),
}

impl CourseCondition {
    /// The sentence the arrest page shows.
    pub fn describe(self) -> String {
        use super::london_time::format_date;
        match self {
            CourseCondition::NotEnrolled => "Not yet enrolled on the course".into(),
            CourseCondition::InProgress => "Enrolled; the course is under way".into(),
            CourseCondition::Met(on) => format!("Course condition met on {}", format_date(on)),
            CourseCondition::Failed(on) => format!("Course condition failed ({})", format_date(on)),
        }
    }
}

/// The course condition of a caution with `deadline`, from his enrolment
/// for it (if any) on `today`. A failure is dated by the deadline, or by the
/// day he left or was referred.
pub fn course_condition(
    enrolment: Option<(
        EnrolmentStatus,
        Option<chrono::NaiveDate>,
        chrono::NaiveDate,
    )>,
    deadline: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> CourseCondition {
    let passed = deadline.filter(|d| *d < today);
    match enrolment {
        Some((_, Some(done), _)) if deadline.is_none_or(|d| done <= d) => {
            CourseCondition::Met(done)
        }
        Some((status, _, changed)) if !status.holds_place() => CourseCondition::Failed(changed),
        _ => match (enrolment, passed) {
            (_, Some(d)) => CourseCondition::Failed(d),
            (Some(_), None) => CourseCondition::InProgress,
            (None, None) => CourseCondition::NotEnrolled,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_moves_are_allowed() {
        assert!(transition(S::AwaitingStart, S::OnProgramme).is_some());
        assert!(transition(S::Completed, S::OnProgramme).is_none());
        assert!(transition(S::Withdrawn, S::OnProgramme).is_none());
        assert!(transition(S::AwaitingStart, S::Completed).is_none());
        assert!(
            transition(S::WaitingList, S::OnProgramme).is_none(),
            "a place first"
        );
        assert!(!S::WaitingList.holds_place());
    }

    #[test]
    fn end_reasons_are_two_level_and_name_their_status() {
        for r in EndReason::ALL {
            let (category, reason) = r.as_str().split_once('.').expect("two levels");
            assert!(!reason.is_empty());
            assert_eq!(r.status().as_str(), category);
        }
    }

    #[test]
    fn the_police_learn_only_met_failed_or_open() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let deadline = Some(d("2027-03-31"));
        let today = d("2027-03-01");
        assert_eq!(
            course_condition(None, deadline, today),
            CourseCondition::NotEnrolled
        );
        assert_eq!(
            course_condition(None, deadline, d("2027-04-01")),
            CourseCondition::Failed(d("2027-03-31"))
        );
        let on = Some((S::OnProgramme, None, d("2027-02-01")));
        assert_eq!(
            course_condition(on, deadline, today),
            CourseCondition::InProgress
        );
        let done = Some((S::Completed, Some(d("2027-03-20")), d("2027-03-20")));
        assert_eq!(
            course_condition(done, deadline, d("2027-05-01")),
            CourseCondition::Met(d("2027-03-20"))
        );
        let late = Some((S::Completed, Some(d("2027-04-10")), d("2027-04-10")));
        assert_eq!(
            course_condition(late, deadline, d("2027-05-01")),
            CourseCondition::Failed(d("2027-03-31"))
        );
        let referred = Some((S::ProsecutionReferred, None, d("2027-02-15")));
        assert_eq!(
            course_condition(referred, deadline, today),
            CourseCondition::Failed(d("2027-02-15"))
        );
    }

    #[test]
    fn enrolment_without_a_suitable_assessment_needs_a_reason() {
        assert_eq!(suitability_gate(true, None), None);
        assert!(suitability_gate(false, None).is_some());
        assert!(suitability_gate(false, Some("  ")).is_some());
        assert_eq!(suitability_gate(false, Some("court ordered it")), None);
    }
}
