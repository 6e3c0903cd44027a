//! Roles and what each may do. Checks in the rest of the code ask for a
//! [`Capability`], never for a role, so this table is the one place to read or
//! change who may do what.

use super::code::coded_enum;

coded_enum!(
    /// A role a user can hold. A user may hold several.
    Role {
        /// Records arrests and sees whether a man has been arrested before.
        Police => "police", "Police";
        /// Assesses risk, decides suitability, enrols, writes court reports, enforces.
        Probation => "probation", "Probation";
        /// Runs programme cohorts and marks attendance for his own cohorts.
        Facilitator => "facilitator", "Facilitator";
        /// Sees statistics without personal detail.
        Manager => "manager", "Manager";
        /// Manages users and settings; sees no case data, and of the audit
        /// log which fields changed but not their values.
        Admin => "admin", "Administrator";
        /// Reads the whole audit log, old and new values included, and
        /// nothing else (an independent check on everyone, administrators too).
        Auditor => "auditor", "Auditor";
    }
);

impl Role {
    /// Does this role see case data (men's records, assessments, registers)?
    /// An administrator must never hold one: whoever manages accounts could
    /// otherwise grant himself what he reads.
    pub fn sees_case_data(self) -> bool {
        matches!(self, Role::Police | Role::Probation | Role::Facilitator)
    }
}

/// Something a user may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Capability {
    /// Record and edit arrests, import force exports.
    RecordArrests,
    /// Search and view people and their arrests.
    ViewPeople,
    /// Work the referral queue, assess risk, record court hearings.
    ManageCases,
    /// Create programmes and cohorts.
    ManagePrograms,
    /// Mark attendance on the register of one's own cohorts.
    MarkRegister,
    /// See aggregate statistics and board reports.
    ViewStatistics,
    /// Use the pure OGRS3 and DASH calculators.
    UseCalculators,
    /// Create users, change roles, disable accounts, end sessions.
    ManageUsers,
    /// Search and export the audit log.
    ViewAuditLog,
    /// See the old and new values of changed fields in the audit log (they
    /// can be personal data); without it, only which fields changed.
    SeeAuditValues,
    /// Manage one's own account: password, API tokens.
    ManageOwnAccount,
    /// Review records due under the retention rule: retain or dispose.
    ReviewRetention,
    /// Export everything held about one man for a subject access request.
    ExportSubjectData,
}

/// The capability table: does `role` grant `capability`?
pub fn grants(role: Role, capability: Capability) -> bool {
    use Capability::*;
    match role {
        Role::Police => matches!(
            capability,
            RecordArrests | ViewPeople | UseCalculators | ManageOwnAccount
        ),
        Role::Probation => matches!(
            capability,
            ViewPeople
                | ManageCases
                | ManagePrograms
                | MarkRegister
                | ViewStatistics
                | UseCalculators
                | ManageOwnAccount
                | ReviewRetention
                | ExportSubjectData
        ),
        Role::Facilitator => matches!(
            capability,
            ManagePrograms | MarkRegister | UseCalculators | ManageOwnAccount
        ),
        Role::Manager => matches!(
            capability,
            ViewStatistics | UseCalculators | ManageOwnAccount
        ),
        Role::Admin => matches!(
            capability,
            ManageUsers | ViewAuditLog | UseCalculators | ManageOwnAccount | ExportSubjectData
        ),
        Role::Auditor => matches!(capability, ViewAuditLog | SeeAuditValues | ManageOwnAccount),
    }
}

/// The roles one user holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    /// A set from any roles; duplicates are dropped and the order made stable.
    pub fn new(roles: impl IntoIterator<Item = Role>) -> RoleSet {
        let mut v: Vec<Role> = roles.into_iter().collect();
        v.sort();
        v.dedup();
        RoleSet(v)
    }

    /// True when any held role grants the capability.
    pub fn can(&self, capability: Capability) -> bool {
        self.0.iter().any(|r| grants(*r, capability))
    }

    /// True when the role is held.
    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    /// The roles, in display order.
    pub fn roles(&self) -> &[Role] {
        &self.0
    }

    /// True when no role is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_auditor_reads_the_audit_log_with_its_values_and_nothing_else() {
        let auditor = RoleSet::new([Role::Auditor]);
        assert!(auditor.can(Capability::ViewAuditLog));
        assert!(auditor.can(Capability::SeeAuditValues));
        assert!(!auditor.can(Capability::ManageUsers));
        assert!(!auditor.can(Capability::ViewPeople));
        assert!(!auditor.can(Capability::ViewStatistics));
        assert!(!RoleSet::new([Role::Admin]).can(Capability::SeeAuditValues));
    }

    #[test]
    fn an_administrator_sees_no_case_data() {
        let admin = RoleSet::new([Role::Admin]);
        assert!(admin.can(Capability::ManageUsers));
        assert!(!admin.can(Capability::ViewPeople));
        assert!(!admin.can(Capability::RecordArrests));
        assert!(!admin.can(Capability::ManageCases));
    }

    #[test]
    fn a_facilitator_cannot_view_people_or_record_arrests() {
        let f = RoleSet::new([Role::Facilitator]);
        assert!(f.can(Capability::MarkRegister));
        assert!(!f.can(Capability::ViewPeople));
        assert!(!f.can(Capability::RecordArrests));
    }

    #[test]
    fn several_roles_combine() {
        let both = RoleSet::new([Role::Police, Role::Manager, Role::Police]);
        assert_eq!(both.roles(), &[Role::Police, Role::Manager]);
        assert!(both.can(Capability::RecordArrests));
        assert!(both.can(Capability::ViewStatistics));
        assert!(!both.can(Capability::ManageUsers));
    }

    #[test]
    fn roles_parse_from_their_stored_names_only() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        assert_eq!(Role::parse("Police"), Some(Role::Police));
        assert_eq!(Role::parse("superuser"), None);
    }
}
