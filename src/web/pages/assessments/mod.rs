//! An assessment as a task list: the overview, each section's form
//! (`sections`), completing and locking it, and starting a new version.

mod section_forms;
mod sections;

use crate::web::shell::HtmlPage;
use rocket::{Route, State, get, post, routes};
use serde::Serialize;

use super::FormOutcome;
use crate::auth::guards::{Can, cap};
use crate::domain::assessment::{
    AssessmentStatus, NeedArea, SectionState, Severity, Suitability, section_states,
};
use crate::domain::dash::{DashResult, TOPICS};
use crate::domain::london_time::format_datetime;
use crate::domain::ogrs3::Ogrs3Result;
use crate::domain::rosh::RoshGroup;
use crate::error::{AppError, AppResult};
use crate::services::assessments::{self, AssessmentView};
use crate::state::AppState;
use crate::web::present::{self, PersonView, Tag};
use crate::web::shell::{Shell, render};

type ManageCases = Can<cap::ManageCases>;

/// The assessment's heading facts.
#[derive(Serialize)]
struct AssessmentHead {
    id: i32,
    version: i32,
    status_text: &'static str,
    is_draft: bool,
    lock_version: i32,
    author: Option<String>,
    is_author: bool,
    created_at: String,
    completed_at: Option<String>,
    supersedes_id: Option<i32>,
}

/// A section of the task list.
#[derive(Serialize)]
struct SectionRow {
    key: &'static str,
    title: &'static str,
    state: &'static str,
    tag: Tag,
}

/// A RoSH group's rating.
#[derive(Serialize)]
struct RoshRow {
    group: &'static str,
    level: &'static str,
}

/// A need area's rating.
#[derive(Serialize)]
struct NeedRow {
    key: &'static str,
    label: &'static str,
    severity: Option<&'static str>,
    note: Option<String>,
}

/// One DASH answer.
#[derive(Serialize)]
struct DashAnswerRow {
    number: usize,
    topic: &'static str,
    answer: &'static str,
}

/// The DASH result in words.
#[derive(Serialize)]
struct DashSummary {
    #[serde(flatten)]
    result: DashResult,
    local_band_text: &'static str,
    criteria_text: String,
}

/// What every assessment page shows: the man, the assessment, its results.
#[derive(Serialize)]
pub(super) struct AssessmentPage {
    person: PersonView,
    assessment: AssessmentHead,
    sections: Vec<SectionRow>,
    ogrs3: Option<Ogrs3Result>,
    ogrs3_band_text: Option<&'static str>,
    rosh: Vec<RoshRow>,
    rosh_overall: Option<&'static str>,
    dash: Option<DashSummary>,
    dash_answers: Vec<DashAnswerRow>,
    domestic_abuse: Option<crate::domain::assessment::DomesticAbuseInput>,
    needs: Vec<NeedRow>,
    suitability: Option<&'static str>,
    rationale: Option<String>,
    recommended_intervention: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

fn section_tag(state: SectionState) -> (&'static str, Tag) {
    match state {
        SectionState::Completed => ("Completed", Tag::Green),
        SectionState::InProgress => ("In progress", Tag::Blue),
        SectionState::NotStarted => ("Not started", Tag::Grey),
    }
}

impl AssessmentPage {
    pub(super) fn of(v: &AssessmentView) -> AssessmentPage {
        let a = &v.assessment;
        AssessmentPage {
            person: present::person(&v.person),
            assessment: AssessmentHead {
                id: a.id,
                version: a.version_number,
                status_text: a.status.label(),
                is_draft: a.status == AssessmentStatus::Draft,
                lock_version: a.lock_version,
                author: v.author_name.clone(),
                is_author: v.is_author,
                created_at: format_datetime(a.created_at),
                completed_at: a.completed_at.map(format_datetime),
                supersedes_id: a.supersedes_id,
            },
            sections: section_states(&v.input, &v.results)
                .into_iter()
                .map(|(key, title, state)| {
                    let (state, tag) = section_tag(state);
                    SectionRow {
                        key,
                        title,
                        state,
                        tag,
                    }
                })
                .collect(),
            ogrs3_band_text: v.results.ogrs3.as_ref().map(|o| o.band.label()),
            ogrs3: v.results.ogrs3.clone(),
            rosh: match &v.results.rosh {
                Some(r) => RoshGroup::ALL
                    .iter()
                    .map(|g| RoshRow {
                        group: g.label(),
                        level: r.get(*g).label(),
                    })
                    .collect(),
                None => Vec::new(),
            },
            rosh_overall: v.results.rosh.as_ref().map(|r| r.overall().label()),
            dash: v.results.dash.clone().map(|d| DashSummary {
                local_band_text: d.local_band.label(),
                criteria_text: d
                    .criteria_met
                    .iter()
                    .map(|c| c.label().to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", "),
                result: d,
            }),
            dash_answers: v
                .input
                .dash
                .as_ref()
                .map(|d| {
                    d.answers
                        .iter()
                        .enumerate()
                        .map(|(i, a)| DashAnswerRow {
                            number: i + 1,
                            topic: TOPICS.get(i).copied().unwrap_or(""),
                            answer: a.label(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            domestic_abuse: v.input.domestic_abuse.clone(),
            needs: NeedArea::ALL
                .iter()
                .map(|area| {
                    let n = v.input.needs.get(area.as_str());
                    NeedRow {
                        key: area.as_str(),
                        label: area.label(),
                        severity: n
                            .and_then(|n| n.severity.as_deref())
                            .and_then(Severity::parse)
                            .map(|s| s.label()),
                        note: n.and_then(|n| n.note.clone()),
                    }
                })
                .collect(),
            suitability: v
                .input
                .suitability
                .as_deref()
                .and_then(Suitability::parse)
                .map(|s| s.label()),
            rationale: v.input.rationale.clone(),
            recommended_intervention: v.input.recommended_intervention.clone(),
            errors: None,
        }
    }
}

#[get("/assessments/<id>")]
async fn show_assessment(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let v = assessments::view(app, user.actor(), id).await?;
    Ok(render("assessment", &shell, AssessmentPage::of(&v)))
}

#[get("/assessments/<id>/complete")]
async fn confirm_complete(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let v = assessments::view(app, user.actor(), id).await?;
    Ok(render(
        "assessment_complete",
        &shell,
        AssessmentPage::of(&v),
    ))
}

#[post("/assessments/<id>/complete")]
async fn complete_assessment(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
) -> AppResult<FormOutcome> {
    match assessments::complete(app, user.actor(), id).await {
        Ok(_) => Ok(FormOutcome::done(
            format!("/assessments/{id}"),
            "Assessment completed and locked",
        )),
        Err(AppError::Invalid(e)) => {
            let v = assessments::view(app, user.actor(), id).await?;
            let mut page = AssessmentPage::of(&v);
            page.errors = Some(super::errors_json(&e));
            Ok(FormOutcome::again(render(
                "assessment_complete",
                &shell,
                page,
            )))
        }
        Err(e) => Err(e),
    }
}

#[post("/assessments/<id>/new-version")]
async fn new_version(app: &State<AppState>, user: ManageCases, id: i32) -> AppResult<FormOutcome> {
    let a = assessments::new_version(app, user.actor(), id).await?;
    Ok(FormOutcome::done(
        format!("/assessments/{}", a.id),
        "New version started from the completed assessment. The completed one stays in force until this one is completed.",
    ))
}

#[post("/people/<id>/assessments")]
async fn start_for_person(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
) -> AppResult<FormOutcome> {
    let a = assessments::start(app, user.actor(), id, None).await?;
    Ok(FormOutcome::done(
        format!("/assessments/{}", a.id),
        "Assessment started",
    ))
}

/// The assessment routes, its sections' with them.
pub fn routes() -> Vec<Route> {
    let mut r = routes![
        show_assessment,
        confirm_complete,
        complete_assessment,
        new_version,
        start_for_person
    ];
    r.extend(sections::routes());
    r
}
