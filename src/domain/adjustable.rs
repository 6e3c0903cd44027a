//! Settings an administrator may change while the app runs (security.md,
//! "Settings"): the local MARAC escalation rule, the retention rule, the
//! idle timeout and who must use two-step verification. Environment
//! variables give the start-up defaults; a value saved by an administrator
//! overrides its default on every server (each re-reads the settings table
//! every [`REFRESH_SECONDS`] seconds, and at once on the server that saved).
//! Each number has bounds ([`NUMBERS`]); a stored value outside them is
//! ignored in favour of the default.

use std::collections::HashMap;

use serde::Serialize;

use super::validation::FieldErrors;

/// How often each server re-reads the saved settings.
pub const REFRESH_SECONDS: u64 = 5;

/// The settings table key of the two-step rule.
pub const TWO_STEP_KEY: &str = "two_step_for_everyone";

/// The values in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Adjustable {
    /// MARAC escalation: this many incidents ...
    pub dash_escalation_incidents: u32,
    /// ... within this many months.
    pub dash_escalation_months: u32,
    /// Years after a man's last activity before his record is reviewed.
    pub retention_years: u32,
    /// Minutes of inactivity that end a session.
    pub idle_timeout_minutes: u32,
    /// Everyone must use two-step verification (otherwise administrators
    /// and auditors only).
    pub two_step_for_everyone: bool,
}

/// One numeric setting: its key (also the form field), what it is called,
/// and its bounds.
pub struct Number {
    pub key: &'static str,
    pub label: &'static str,
    pub min: u32,
    pub max: u32,
    get: fn(&Adjustable) -> u32,
    set: fn(&mut Adjustable, u32),
}

/// The numeric settings, in the order the page shows them.
pub const NUMBERS: &[Number] = &[
    Number {
        key: "dash_escalation_incidents",
        label: "MARAC escalation: incidents",
        min: 1,
        max: 50,
        get: |a| a.dash_escalation_incidents,
        set: |a, v| a.dash_escalation_incidents = v,
    },
    Number {
        key: "dash_escalation_months",
        label: "MARAC escalation: within months",
        min: 1,
        max: 36,
        get: |a| a.dash_escalation_months,
        set: |a, v| a.dash_escalation_months = v,
    },
    Number {
        key: "retention_years",
        label: "Retention review: years after the last activity",
        min: super::retention::MIN_RETENTION_YEARS,
        max: super::retention::MAX_RETENTION_YEARS,
        get: |a| a.retention_years,
        set: |a, v| a.retention_years = v,
    },
    Number {
        key: "idle_timeout_minutes",
        label: "Sign out after minutes without use",
        min: 2,
        max: 480,
        get: |a| a.idle_timeout_minutes,
        set: |a, v| a.idle_timeout_minutes = v,
    },
];

/// The bounds of the numeric setting `key` (the environment defaults obey
/// the same ones); `None` for a key that is not one.
pub fn bounds(key: &str) -> Option<(u32, u32)> {
    NUMBERS
        .iter()
        .find(|n| n.key == key)
        .map(|n| (n.min, n.max))
}

impl Number {
    /// This setting's value in `a`.
    pub fn of(&self, a: &Adjustable) -> u32 {
        (self.get)(a)
    }

    fn parse(&self, raw: &str) -> Result<u32, String> {
        raw.trim()
            .parse::<u32>()
            .ok()
            .filter(|v| (self.min..=self.max).contains(v))
            .ok_or_else(|| {
                format!(
                    "{}: enter a whole number from {} to {}",
                    self.label, self.min, self.max
                )
            })
    }
}

impl Adjustable {
    /// These defaults with every valid saved value laid over them.
    pub fn overlaid(mut self, saved: &HashMap<String, String>) -> Adjustable {
        for n in NUMBERS {
            if let Some(v) = saved.get(n.key).and_then(|raw| n.parse(raw).ok()) {
                (n.set)(&mut self, v);
            }
        }
        if let Some(v) = saved.get(TWO_STEP_KEY) {
            self.two_step_for_everyone = v == "true";
        }
        self
    }

    /// Check what an administrator typed (`fields` by key; the two-step rule
    /// as `"everyone"` or `"administrators"`), every mistake at once.
    pub fn check(fields: &HashMap<&str, &str>) -> Result<Adjustable, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut a = Adjustable {
            dash_escalation_incidents: 0,
            dash_escalation_months: 0,
            retention_years: 0,
            idle_timeout_minutes: 0,
            two_step_for_everyone: false,
        };
        for n in NUMBERS {
            let raw = fields.get(n.key).copied().unwrap_or("");
            if let Some(v) = errors.check(n.key, n.parse(raw)) {
                (n.set)(&mut a, v);
            }
        }
        match fields.get(TWO_STEP_KEY).copied() {
            Some("everyone") => a.two_step_for_everyone = true,
            Some("administrators") => a.two_step_for_everyone = false,
            _ => errors.add(TWO_STEP_KEY, "Choose who must use two-step verification"),
        }
        errors.into_result().map(|()| a)
    }

    /// Each setting as stored: (key, value).
    pub fn stored(&self) -> Vec<(&'static str, String)> {
        NUMBERS
            .iter()
            .map(|n| (n.key, n.of(self).to_string()))
            .chain([(TWO_STEP_KEY, self.two_step_for_everyone.to_string())])
            .collect()
    }

    /// The settings that differ from `before`: (key, old, new).
    pub fn changed_from(&self, before: &Adjustable) -> Vec<(&'static str, String, String)> {
        before
            .stored()
            .into_iter()
            .zip(self.stored())
            .filter(|((_, old), (_, new))| old != new)
            .map(|((key, old), (_, new))| (key, old, new))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Adjustable {
        Adjustable {
            dash_escalation_incidents: 3,
            dash_escalation_months: 12,
            retention_years: 6,
            idle_timeout_minutes: 30,
            two_step_for_everyone: false,
        }
    }

    #[test]
    fn saved_values_override_defaults_unless_out_of_bounds() {
        let saved: HashMap<String, String> = [
            ("dash_escalation_months", "6"),
            ("retention_years", "99"),
            ("idle_timeout_minutes", "ten"),
            (TWO_STEP_KEY, "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let a = defaults().overlaid(&saved);
        assert_eq!(a.dash_escalation_months, 6);
        assert_eq!(
            a.retention_years, 6,
            "99 is out of bounds: the default stays"
        );
        assert_eq!(a.idle_timeout_minutes, 30);
        assert!(a.two_step_for_everyone);
    }

    #[test]
    fn every_mistake_is_named_and_changes_list_old_and_new() {
        let typed: HashMap<&str, &str> = [
            ("dash_escalation_incidents", "0"),
            ("dash_escalation_months", "12"),
            ("retention_years", "6"),
            ("idle_timeout_minutes", "1"),
        ]
        .into_iter()
        .collect();
        let e = Adjustable::check(&typed).expect_err("three mistakes");
        assert_eq!(e.len(), 3);
        assert!(
            e.get("idle_timeout_minutes")
                .is_some_and(|m| m.contains("2 to 480"))
        );
        let mut typed = typed;
        typed.insert("dash_escalation_incidents", "4");
        typed.insert("idle_timeout_minutes", "20");
        typed.insert(TWO_STEP_KEY, "administrators");
        let a = Adjustable::check(&typed).expect("valid");
        assert_eq!(
            a.changed_from(&defaults()),
            vec![
                ("dash_escalation_incidents", "3".into(), "4".into()),
                ("idle_timeout_minutes", "30".into(), "20".into())
            ]
        );
    }
}
