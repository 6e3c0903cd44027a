//! Referrals to probation: statuses and the moves allowed between them, as
//! data (each move has a plain description), kept as history.

use serde::Serialize;

use super::code::coded_enum;

coded_enum!(
    /// Where a referral stands.
    ReferralStatus {
        /// Created by a disposal; nobody has picked it up.
        New => "new", "New";
        /// A probation officer has it.
        Allocated => "allocated", "Allocated";
        /// An assessment is under way.
        InAssessment => "in_assessment", "Assessment in progress";
        /// Assessed; a suitability decision is recorded.
        Assessed => "assessed", "Assessed";
        /// Finished with (enrolled, not suitable, or withdrawn).
        Closed => "closed", "Closed";
    }
);

/// An allowed move, with what it means.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Transition {
    pub from: ReferralStatus,
    pub to: ReferralStatus,
    pub description: &'static str,
}

/// Every allowed move.
pub const TRANSITIONS: &[Transition] = &[
    Transition {
        from: ReferralStatus::New,
        to: ReferralStatus::Allocated,
        description: "allocated to a probation officer",
    },
    Transition {
        from: ReferralStatus::Allocated,
        to: ReferralStatus::Allocated,
        description: "re-allocated to another officer",
    },
    Transition {
        from: ReferralStatus::New,
        to: ReferralStatus::InAssessment,
        description: "assessment started",
    },
    Transition {
        from: ReferralStatus::Allocated,
        to: ReferralStatus::InAssessment,
        description: "assessment started",
    },
    Transition {
        from: ReferralStatus::InAssessment,
        to: ReferralStatus::InAssessment,
        description: "re-allocated during assessment",
    },
    Transition {
        from: ReferralStatus::Assessed,
        to: ReferralStatus::Assessed,
        description: "re-allocated after assessment",
    },
    Transition {
        from: ReferralStatus::InAssessment,
        to: ReferralStatus::Assessed,
        description: "assessment completed",
    },
    Transition {
        from: ReferralStatus::Assessed,
        to: ReferralStatus::InAssessment,
        description: "assessment reopened as a new version",
    },
    Transition {
        from: ReferralStatus::Assessed,
        to: ReferralStatus::Closed,
        description: "closed after assessment",
    },
    Transition {
        from: ReferralStatus::New,
        to: ReferralStatus::Closed,
        description: "closed without assessment",
    },
    Transition {
        from: ReferralStatus::Allocated,
        to: ReferralStatus::Closed,
        description: "closed without assessment",
    },
];

/// The move from `from` to `to`, if allowed.
pub fn transition(from: ReferralStatus, to: ReferralStatus) -> Option<&'static Transition> {
    TRANSITIONS.iter().find(|t| t.from == from && t.to == to)
}

/// How many days before its due date a referral counts as due soon.
pub const DUE_SOON_DAYS: i64 = 7;

/// How pressing a referral is, from the days left until it is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "days", rename_all = "snake_case")]
pub enum Urgency {
    /// Past its due date by this many days.
    Overdue(i64),
    /// Due within [`DUE_SOON_DAYS`].
    DueSoon(i64),
    /// Not yet pressing.
    Later(i64),
}

/// The urgency of a referral with `days_left` until it is due.
pub fn urgency(days_left: i64) -> Urgency {
    if days_left < 0 {
        Urgency::Overdue(-days_left)
    } else if days_left <= DUE_SOON_DAYS {
        Urgency::DueSoon(days_left)
    } else {
        Urgency::Later(days_left)
    }
}

impl ReferralStatus {
    /// Still on the queue?
    pub fn is_open(self) -> bool {
        !matches!(self, ReferralStatus::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_moves_are_allowed() {
        assert!(transition(ReferralStatus::New, ReferralStatus::Allocated).is_some());
        assert!(transition(ReferralStatus::Closed, ReferralStatus::New).is_none());
        assert!(transition(ReferralStatus::New, ReferralStatus::Assessed).is_none());
        assert!(
            transition(ReferralStatus::InAssessment, ReferralStatus::InAssessment).is_some(),
            "re-allocation keeps the status"
        );
    }
}
