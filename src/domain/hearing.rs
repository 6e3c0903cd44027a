//! Court hearings: the outcomes recorded.

use super::code::coded_enum;

coded_enum!(
    /// What happened at a hearing.
    HearingOutcome {
        ReportRequested => "report_requested", "Pre-sentence report requested";
        Adjourned => "adjourned", "Adjourned";
        CommunityOrder => "community_order", "Community order";
        Fine => "fine", "Fine";
        ConditionalDischarge => "conditional_discharge", "Conditional discharge";
        Other => "other", "Other";
    }
);
