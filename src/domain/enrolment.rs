//! Enrolment of a man on a cohort: the legal basis of his attendance, the
//! statuses and the moves allowed between them (as data, each with a plain
//! description), and the coded two-level reasons for ending early.
//!
//! Source: `shared/domain/programme-and-attendance.md` ("The journey" step 5
//! and 7, "Enforcement"). Flow: an enrolment starts `awaiting_start`, moves
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_moves_are_allowed() {
        assert!(transition(S::AwaitingStart, S::OnProgramme).is_some());
        assert!(transition(S::Completed, S::OnProgramme).is_none());
        assert!(transition(S::Withdrawn, S::OnProgramme).is_none());
        assert!(transition(S::AwaitingStart, S::Completed).is_none());
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
    fn enrolment_without_a_suitable_assessment_needs_a_reason() {
        assert_eq!(suitability_gate(true, None), None);
        assert!(suitability_gate(false, None).is_some());
        assert!(suitability_gate(false, Some("  ")).is_some());
        assert_eq!(suitability_gate(false, Some("court ordered it")), None);
    }
}
