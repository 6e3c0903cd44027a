//! Statistics for managers and probation: known reoffending by group. The
//! men are gathered with a handful of wide queries (never one per man) and
//! the figures worked out in one pass (`domain::reoffending::figures`). No
//! personal data leaves this service: only counts and curves.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::auth::Actor;
use crate::db::{reoffences_repo, statistics_repo};
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::london_time::london_date;
use crate::domain::reoffending::{
    Figures, Group, IndexKind, Known, Man, Question, check_question, figures, in_cohort,
};
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The figures asked for (managers, probation).
pub async fn reoffending(app: &AppState, actor: &Actor, q: &Question) -> AppResult<Figures> {
    actor.require(Capability::ViewStatistics)?;
    check_question(q).map_err(AppError::Invalid)?;
    let men = kept_men(app, q.index).await?;
    Ok(figures(&men, q))
}

/// One man of a cohort as the Justice Data Lab asks for him.
#[derive(Clone, Debug, Serialize)]
pub struct Identifier {
    pub surname: String,
    pub forenames: String,
    pub date_of_birth: NaiveDate,
    pub sex: &'static str,
    pub index_date: NaiveDate,
}

/// The identifiers of one group's cohort for the Justice Data Lab (surname,
/// forenames, date of birth, sex, index date), for probation only: it
/// names men, so it is audited as a disclosure to the Justice Data Lab,
/// naming each man in the file.
pub async fn justice_data_lab(
    app: &AppState,
    actor: &Actor,
    q: &Question,
    group: Group,
) -> AppResult<Vec<Identifier>> {
    actor.require(Capability::ViewStatistics)?;
    actor.require(Capability::ManageCases)?;
    check_question(q).map_err(AppError::Invalid)?;
    let chosen: Vec<(i32, NaiveDate)> = kept_men(app, q.index)
        .await?
        .iter()
        .filter(|m| m.group == group && in_cohort(m, q))
        .filter_map(|m| m.index_date.map(|d| (m.person_id, d)))
        .collect();
    let ids: Vec<i32> = chosen.iter().map(|(p, _)| *p).collect();
    let people = crate::db::people_repo::by_ids(&app.db, &ids).await?;
    crate::services::audit::record_alone(
        app,
        actor,
        app.now(),
        crate::services::audit::AuditEntry::new(crate::domain::audit_action::AuditAction::Disclose)
            .record("justice_data_lab_file", group.as_str())
            .people(ids.iter().copied())
            .recipient("Justice Data Lab")
            .reason(format!(
                "{} men: {}, index {} from {} to {}",
                ids.len(),
                group.label(),
                q.index.as_str(),
                q.from,
                q.to
            )),
    )
    .await?;
    let mut out: Vec<Identifier> = chosen
        .into_iter()
        .filter_map(|(p, index_date)| {
            people.get(&p).map(|man| Identifier {
                surname: man.surname.clone(),
                forenames: man.forenames.clone(),
                date_of_birth: man.date_of_birth,
                sex: man.sex.as_str(),
                index_date,
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.surname, &a.forenames).cmp(&(&b.surname, &b.forenames)));
    Ok(out)
}

/// Where each man's arrest dates come from, for the `arrest` index.
struct Arrests {
    of_referral: HashMap<i32, i32>,
    at: HashMap<i32, DateTime<Utc>>,
    /// Each man's arrests, oldest first.
    by_man: HashMap<i32, Vec<DateTime<Utc>>>,
}

impl Arrests {
    async fn load(app: &AppState) -> AppResult<Arrests> {
        let of_referral = statistics_repo::referral_arrests(&app.db)
            .await?
            .into_iter()
            .collect();
        let mut at = HashMap::new();
        let mut by_man: HashMap<i32, Vec<DateTime<Utc>>> = HashMap::new();
        for (id, person, when) in statistics_repo::arrest_times(&app.db).await? {
            at.insert(id, when);
            by_man.entry(person).or_default().push(when);
        }
        for times in by_man.values_mut() {
            times.sort();
        }
        Ok(Arrests {
            of_referral,
            at,
            by_man,
        })
    }

    /// The arrest that led to the referral; without a referral, his latest
    /// arrest on or before `by`.
    fn index(&self, person: i32, referral: Option<i32>, by: DateTime<Utc>) -> Option<NaiveDate> {
        referral
            .and_then(|r| self.of_referral.get(&r))
            .and_then(|a| self.at.get(a))
            .copied()
            .or_else(|| {
                self.by_man
                    .get(&person)
                    .and_then(|t| t.iter().rev().find(|at| **at <= by).copied())
            })
            .map(london_date)
    }
}

/// [`men`], kept until anything is written (`kept_figures`): working them
/// out reads every enrolment, assessment, reoffence and mark.
async fn kept_men(app: &AppState, index: IndexKind) -> AppResult<Arc<Vec<Man>>> {
    app.reoffending_men
        .get_or_work_out(app, index, async { men(app, index).await.map(Arc::new) })
        .await
}

/// Every man enrolled or assessed, in his group, with his index date and
/// known reoffences. A man enrolled more than once counts once: by a
/// completed enrolment if he has one, else by his first.
async fn men(app: &AppState, index: IndexKind) -> AppResult<Vec<Man>> {
    let db = &app.db;
    let mut known: HashMap<i32, Vec<Known>> = HashMap::new();
    for (person, offence_date, outcome_date) in reoffences_repo::all_known(db).await? {
        known.entry(person).or_default().push(Known {
            offence_date,
            outcome_date,
        });
    }
    let (first_attended, arrests) = match index {
        IndexKind::ProgrammeStart => (
            statistics_repo::first_attended(db)
                .await?
                .into_iter()
                .map(|(e, at)| (e, london_date(at)))
                .collect::<HashMap<i32, NaiveDate>>(),
            None,
        ),
        IndexKind::Arrest => (HashMap::new(), Some(Arrests::load(app).await?)),
    };
    // each enrolled man's deciding enrolment
    let mut chosen: HashMap<i32, statistics_repo::EnrolmentRow> = HashMap::new();
    for e in statistics_repo::enrolments(db).await? {
        if e.2 == EnrolmentStatus::WaitingList {
            continue;
        }
        let better = match chosen.get(&e.1) {
            None => true,
            Some(c) => {
                let (done, was_done) = (
                    e.2 == EnrolmentStatus::Completed,
                    c.2 == EnrolmentStatus::Completed,
                );
                (done && !was_done) || (done == was_done && e.5 < c.5)
            }
        };
        if better {
            chosen.insert(e.1, e);
        }
    }
    let mut men = Vec::with_capacity(chosen.len());
    for (person, (id, _, status, _, referral, created)) in &chosen {
        men.push(Man {
            person_id: *person,
            group: if *status == EnrolmentStatus::Completed {
                Group::Completed
            } else {
                Group::NotCompleted
            },
            index_date: match &arrests {
                None => first_attended.get(id).copied(),
                Some(a) => a.index(*person, *referral, *created),
            },
            reoffences: known.get(person).cloned().unwrap_or_default(),
        });
    }
    // assessed but never enrolled: by the first completed assessment
    let mut assessed: HashMap<i32, (Option<i32>, DateTime<Utc>)> = HashMap::new();
    for (person, referral, completed) in statistics_repo::assessed(db).await? {
        let Some(completed) = completed else { continue };
        if chosen.contains_key(&person) {
            continue;
        }
        let entry = assessed.entry(person).or_insert((referral, completed));
        if completed < entry.1 {
            *entry = (referral, completed);
        }
    }
    for (person, (referral, completed)) in assessed {
        men.push(Man {
            person_id: person,
            group: Group::NotEnrolled,
            index_date: arrests
                .as_ref()
                .and_then(|a| a.index(person, referral, completed)),
            reoffences: known.get(&person).cloned().unwrap_or_default(),
        });
    }
    Ok(men)
}
