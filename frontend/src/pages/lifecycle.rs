//! The mentor lifecycle and surveys: the mentor's own results over terms
//! (导师成长轨迹, phone), surveys answered by parents and students (phone),
//! and the school admin's assessment run (desktop): compute, adjust with a
//! reason, publish, export to Excel.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{ErrorBox, PageTitle, ProgressBar, loaded};

fn pct(per_mille: i64) -> String {
    format!("{}.{}", per_mille / 10, per_mille % 10)
}

/// The mentor's published results, latest term first, each indicator with
/// its explanation.
#[component]
pub fn MyRecord() -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(|| async {
        api::query::<ops::MyAssessments>(ops::my_assessments::Variables)
            .await
            .map(|d| d.my_assessments)
    });
    view! {
        <PageTitle title=|t| t.lifecycle.my_record_title/>
        <crate::pages::training::MyTraining/>
        <crate::pages::paper::MyAwards/>
        {loaded(list, move |list| {
            if list.is_empty() {
                return view! { <p class="card muted" id="my-record-empty">{move || i18n.t().lifecycle.my_record_empty}</p> }.into_any();
            }
            view! {
                <div id="my-record">
                    {list.into_iter().map(|a| {
                        let rating = a.rating.0.clone();
                        let score = pct(a.score);
                        view! {
                            <section class="card assessment">
                                <h2>{a.term_name.clone()}</h2>
                                <p class="summary">
                                    <strong class="rating">{move || i18n.t().lifecycle.rating(&rating)}</strong>
                                    " · " {move || (i18n.t().lifecycle.score_n)(&score)}
                                </p>
                                <p class="meta">{a.reason.clone()}</p>
                                {a.adjust_reason.clone().map(|r| view! { <p class="notice">{move || (i18n.t().lifecycle.adjusted_because)(&r)}</p> })}
                                <ul class="list">
                                    {a.indicators.into_iter().map(|ind| {
                                        let value = ind.value.map(pct);
                                        let weight = ind.weight.to_string();
                                        view! {
                                            <li class="item">
                                                <div class="item-main">
                                                    <span class="name">{ind.label}</span>
                                                    <span class="meta">{ind.explanation}</span>
                                                </div>
                                                <div class="item-side">
                                                    <span>{move || value.clone().map_or_else(|| i18n.t().lifecycle.not_counted.to_string(), |v| format!("{v}%"))}</span>
                                                    <span class="meta">{move || (i18n.t().lifecycle.weight_n)(&weight)}</span>
                                                </div>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        }
                    }).collect_view()}
                </div>
            }.into_any()
        })}
    }
}

type SurveyRow = ops::respondent_surveys::RespondentSurveysSurveys;

/// One survey's form.
#[component]
fn SurveyForm(survey: SurveyRow, done: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let values: Vec<RwSignal<String>> = survey
        .questions
        .iter()
        .map(|_| RwSignal::new(String::new()))
        .collect();
    let error = RwSignal::new(None::<ApiError>);
    let kinds: Vec<String> = survey.questions.iter().map(|q| q.kind.0.clone()).collect();
    let id = survey.id.clone();
    let vals = values.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let answers = kinds
            .iter()
            .zip(&vals)
            .map(|(k, v)| {
                let v = v.get_untracked();
                let mut a = ops::submit_survey::SurveyAnswerInput {
                    choice: None,
                    scale: None,
                    text: None,
                };
                if !v.trim().is_empty() {
                    match k.as_str() {
                        "SINGLE_CHOICE" => a.choice = v.parse().ok(),
                        "SCALE" => a.scale = v.parse().ok(),
                        _ => a.text = Some(v),
                    }
                }
                a
            })
            .collect();
        let survey_id = id.clone();
        error.set(None);
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::SubmitSurvey>(ops::submit_survey::Variables {
                survey_id,
                answers,
            })
            .await;
            if done.is_disposed() {
                return;
            }
            match r {
                Ok(_) => done.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let sid = survey.id.clone();
    let qsid = sid.clone();
    view! {
        <form class="card form survey" id=format!("survey-{sid}") on:submit=on_submit novalidate=true>
            <h2>{survey.title.clone()}</h2>
            {survey.anonymous.then(|| view! { <p class="hint">{move || i18n.t().lifecycle.survey_anonymous}</p> })}
            {survey.questions.into_iter().zip(values).enumerate().map(|(i, (q, v))| {
                let name = format!("s{qsid}-q{i}");
                match q.kind.0.as_str() {
                    "SINGLE_CHOICE" | "SCALE" => {
                        let options: Vec<(String, String)> = if q.kind.0 == "SCALE" {
                            (1..=5).map(|n| (n.to_string(), n.to_string())).collect()
                        } else {
                            q.options.iter().enumerate().map(|(k, o)| (k.to_string(), o.clone())).collect()
                        };
                        let scale = q.kind.0 == "SCALE";
                        view! {
                            <fieldset class="chips" id=name.clone()>
                                <legend>{q.prompt}</legend>
                                {scale.then(|| view! { <p class="hint">{move || i18n.t().lifecycle.scale_hint}</p> })}
                                {options.into_iter().map(|(value, label)| {
                                    let n = name.clone();
                                    let val = value.clone();
                                    view! {
                                        <label class="chip">
                                            <input type="radio" name=n value=value.clone() on:change=move |_| v.set(val.clone())/>
                                            <span>{label}</span>
                                        </label>
                                    }
                                }).collect_view()}
                            </fieldset>
                        }.into_any()
                    }
                    _ => view! {
                        <label for=name.clone()>{q.prompt}</label>
                        <textarea id=name rows="3" maxlength="500" bind:value=v placeholder=move || i18n.t().lifecycle.text_placeholder></textarea>
                    }.into_any(),
                }
            }).collect_view()}
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
            <button type="submit" class="btn primary wide" id=format!("submit-{sid}")>{move || i18n.t().lifecycle.survey_submit}</button>
        </form>
    }
}

/// The open surveys addressed to the signed-in parent or student.
#[component]
pub fn Surveys() -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(|| async {
        api::query::<ops::RespondentSurveys>(ops::respondent_surveys::Variables)
            .await
            .map(|d| d.surveys)
    });
    view! {
        <PageTitle title=|t| t.lifecycle.surveys_title/>
        {loaded(list, move |list| {
            if list.is_empty() {
                return view! { <p class="card muted">{move || i18n.t().lifecycle.surveys_empty}</p> }.into_any();
            }
            list.into_iter().map(|s| {
                let done = RwSignal::new(s.answered);
                let title = s.title.clone();
                view! {
                    {move || if done.get() {
                        view! {
                            <section class="card">
                                <h2>{title.clone()}</h2>
                                <p class="notice" role="status">{move || i18n.t().lifecycle.survey_thanks}</p>
                            </section>
                        }.into_any()
                    } else {
                        view! { <SurveyForm survey=s.clone() done=done/> }.into_any()
                    }}
                }
            }).collect_view().into_any()
        })}
    }
}

type ResultRow = ops::assessment_run_page::AssessmentRunPageAssessmentRunResults;

/// One mentor's row with the adjustment form.
#[component]
fn ResultLine(r: ResultRow, published: bool, changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let rating = RwSignal::new(r.rating.0.clone());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let id = r.id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let vars = ops::adjust_assessment::Variables {
            result_id: id.clone(),
            rating: ops::MentorRating(rating.get_untracked()),
            reason: reason.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::query::<ops::AdjustAssessment>(vars).await {
                Ok(_) => changed.run(()),
                Err(e) => {
                    if !error.is_disposed() {
                        error.set(Some(e));
                    }
                }
            }
        });
    };
    let shown = r.rating.0.clone();
    let computed = r.computed_rating.0.clone();
    let adjusted = r.rating.0 != r.computed_rating.0;
    let score = pct(r.score);
    view! {
        <tr class="result" data-name=r.staff_name.clone()>
            <td>{r.staff_name.clone()}</td>
            <td>{score}"%"</td>
            <td class="rating">
                <strong>{move || i18n.t().lifecycle.rating(&shown)}</strong>
                {adjusted.then(|| view! { <span class="meta">" " {move || (i18n.t().lifecycle.computed_was)(i18n.t().lifecycle.rating(&computed))}</span> })}
            </td>
            <td class="meta">{r.reason.clone()}{r.adjust_reason.clone().map(|a| view! { <br/>{move || (i18n.t().lifecycle.adjusted_because)(&a)} })}</td>
            <td>
                {(!published).then(|| view! {
                    <button type="button" class="btn adjust" on:click=move |_| open.update(|o| *o = !*o)>{move || i18n.t().lifecycle.adjust}</button>
                })}
            </td>
        </tr>
        {move || open.get().then(|| view! {
            <tr class="adjust-row"><td colspan="5">
                <form class="form inline adjust-form" on:submit=save.clone()>
                    <select class="adjust-rating" bind:value=rating aria-label=move || i18n.t().lifecycle.adjust>
                        <option value="EXCELLENT">{move || i18n.t().lifecycle.rating_excellent}</option>
                        <option value="QUALIFIED">{move || i18n.t().lifecycle.rating_qualified}</option>
                        <option value="NEEDS_IMPROVEMENT">{move || i18n.t().lifecycle.rating_needs_improvement}</option>
                    </select>
                    <input type="text" class="adjust-reason" maxlength="200" bind:value=reason aria-label=move || i18n.t().lifecycle.adjust_reason placeholder=move || i18n.t().lifecycle.adjust_reason/>
                    <button type="submit" class="btn primary adjust-save">{move || i18n.t().lifecycle.adjust_save}</button>
                    {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                </form>
            </td></tr>
        })}
    }
}

/// The school admin's assessment of a term.
#[component]
pub fn AssessmentAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let term = RwSignal::new(String::new());
    let terms = LocalResource::new(move || async move {
        let d = api::query::<ops::AssessmentTerms>(ops::assessment_terms::Variables).await?;
        let mut t = d.terms;
        t.sort_by(|a, b| a.starts_on.cmp(&b.starts_on));
        if let Some(first) = t.first()
            && term.get_untracked().is_empty()
        {
            term.set(first.id.clone());
        }
        Ok::<_, ApiError>(t)
    });
    let run = LocalResource::new(move || {
        let t = term.get();
        async move {
            if t.is_empty() {
                return Ok(None);
            }
            api::query::<ops::AssessmentRunPage>(ops::assessment_run_page::Variables { term_id: t })
                .await
                .map(|d| d.assessment_run)
        }
    });
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let refetch = Callback::new(move |_| run.refetch());
    let do_run = move |_| {
        let t = term.get_untracked();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::RunAssessment>(ops::run_assessment::Variables {
                term_id: t,
                as_of: None,
            })
            .await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match r {
                Ok(_) => run.refetch(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <PageTitle title=|t| t.lifecycle.assessment_title/>
        <section class="card form">
            <label for="assessment-term">{move || i18n.t().lifecycle.term_label}</label>
            {loaded(terms, move |list| view! {
                <select id="assessment-term" on:change=move |ev| term.set(event_target_value(&ev))>
                    {list.into_iter().map(|t| { let sel = t.id == term.get_untracked(); view! { <option value=t.id selected=sel>{t.name}</option> } }).collect_view()}
                </select>
            })}
        </section>
        {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
        {loaded(run, move |r| match r {
            None => view! {
                <section class="card">
                    <p class="muted" id="assessment-none">{move || i18n.t().lifecycle.not_run}</p>
                    <button type="button" class="btn primary" id="assessment-run" disabled=move || busy.get() on:click=do_run>{move || i18n.t().lifecycle.run}</button>
                    {move || busy.get().then(|| view! {
                        <ProgressBar value=Signal::derive(|| None) label=Signal::derive(move || i18n.t().paper.working.to_string())/>
                    })}
                </section>
            }.into_any(),
            Some(r) => {
                let published = r.published;
                let line = (i18n.t().lifecycle.counts_line)(
                    &r.excellent.to_string(), &r.qualified.to_string(), &r.needs_improvement.to_string(), &r.excellent_cap.to_string());
                let run_id = r.id.clone();
                let term_id = term.get_untracked();
                let excellent: Vec<(String, String)> = r
                    .results
                    .iter()
                    .filter(|x| x.rating.0 == "EXCELLENT")
                    .map(|x| (x.staff_id.clone(), x.staff_name.clone()))
                    .collect();
                let pid = r.id.clone();
                let publish = move |_| {
                    let run_id = pid.clone();
                    leptos::task::spawn_local(async move {
                        match api::query::<ops::PublishAssessment>(ops::publish_assessment::Variables { run_id }).await {
                            Ok(_) => run.refetch(),
                            Err(e) => error.set(Some(e)),
                        }
                    });
                };
                view! {
                    <section class="card" id="assessment-run-card">
                        <h2>{r.term_name.clone()} {published.then(|| view! { " · " <span class="badge" id="assessment-published">{move || i18n.t().lifecycle.published}</span> })}</h2>
                        <p class="summary" id="assessment-counts">{line}</p>
                        {(!published).then(|| view! { <p class="hint" id="assessment-rerun-hint">{move || i18n.t().training.rerun_keeps}</p> })}
                        <div class="actions">
                            {(!published).then(|| view! {
                                <button type="button" class="btn" id="assessment-rerun" on:click=do_run>{move || i18n.t().lifecycle.run}</button>
                                <button type="button" class="btn primary" id="assessment-publish" on:click=publish>{move || i18n.t().lifecycle.publish}</button>
                            })}
                        </div>
                        <crate::pages::paper::PaperButton kind="ASSESSMENT_RESULTS" subject=run_id label=|t| t.lifecycle.export_xlsx id="assessment-export"/>
                        {move || busy.get().then(|| view! {
                            <ProgressBar value=Signal::derive(|| None) label=Signal::derive(move || i18n.t().paper.working.to_string())/>
                        })}
                        <div class="scroll-x">
                            <table class="table" id="assessment-results">
                                <tbody>
                                    {r.results.into_iter().map(|x| view! { <ResultLine r=x published=published changed=refetch/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                    {published.then(|| view! { <crate::pages::paper::AwardsAdmin term_id=term_id excellent=excellent/> })}
                }.into_any()
            }
        })}
    }
}

/// One question being built.
#[derive(Clone)]
struct Draft {
    kind: RwSignal<String>,
    prompt: RwSignal<String>,
    options: RwSignal<String>,
    about_mentor: RwSignal<bool>,
}

impl Draft {
    fn new() -> Draft {
        Draft {
            kind: RwSignal::new("SCALE".into()),
            prompt: RwSignal::new(String::new()),
            options: RwSignal::new(String::new()),
            about_mentor: RwSignal::new(false),
        }
    }
}

/// A survey's results, loaded when asked.
#[component]
fn SurveyResultsView(survey_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let export_id = format!("survey-export-{survey_id}");
    let subject = survey_id.clone();
    let res = LocalResource::new(move || {
        let survey_id = survey_id.clone();
        async move {
            api::query::<ops::SurveyResultsPage>(ops::survey_results_page::Variables { survey_id })
                .await
                .map(|d| d.survey_results)
        }
    });
    view! {
        {loaded(res, move |r| {
            if r.suppressed {
                return view! { <p class="hint survey-suppressed">{move || i18n.t().lifecycle.suppressed}</p> }.into_any();
            }
            let export = view! { <crate::pages::paper::PaperButton kind="SURVEY_RESULTS" subject=subject.clone() label=|t| t.paper.export_xlsx id=export_id.clone()/> };
            let questions = r.questions.into_iter().map(|q| {
                let mean = q.mean_tenths.map(|m| format!("{}.{}", m / 10, m % 10));
                view! {
                    <div class="survey-result">
                        <h3>{q.prompt}</h3>
                        {mean.map(|m| view! { <p class="summary">{m}</p> })}
                        <ul class="list">
                            {q.labels.into_iter().zip(q.counts).map(|(l, n)| view! {
                                <li class="item"><span class="name">{l}</span><span class="item-side">{n}</span></li>
                            }).collect_view()}
                        </ul>
                        <ul class="texts">{q.texts.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
                    </div>
                }
            }).collect_view();
            view! { {export} {questions} }.into_any()
        })}
    }
}

/// The school admin's surveys: build one, close it, read its results.
#[component]
pub fn SurveyAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let page = LocalResource::new(|| async {
        api::query::<ops::AdminSurveys>(ops::admin_surveys::Variables).await
    });
    let title = RwSignal::new(String::new());
    let audience = RwSignal::new("PARENTS".to_string());
    let anonymous = RwSignal::new(true);
    let drafts = RwSignal::new(vec![Draft::new()]);
    let error = RwSignal::new(None::<ApiError>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(Ok(p)) = page.get_untracked() else {
            return;
        };
        let mut terms = p.terms.clone();
        terms.sort_by(|a, b| a.starts_on.cmp(&b.starts_on));
        let today = js_sys::Date::new_0()
            .to_iso_string()
            .as_string()
            .unwrap_or_default();
        let term_id = terms
            .iter()
            .rev()
            .find(|t| t.starts_on.as_str() <= today.as_str())
            .or(terms.first())
            .map(|t| t.id.clone())
            .unwrap_or_default();
        let questions = drafts
            .get_untracked()
            .iter()
            .map(|d| {
                let kind = d.kind.get_untracked();
                ops::create_survey::SurveyQuestionInput {
                    options: if kind == "SINGLE_CHOICE" {
                        d.options
                            .get_untracked()
                            .split([',', '，', '、'])
                            .map(|o| o.trim().to_string())
                            .filter(|o| !o.is_empty())
                            .collect()
                    } else {
                        vec![]
                    },
                    about_mentor: kind == "SCALE" && d.about_mentor.get_untracked(),
                    kind: ops::SurveyQuestionKind(kind),
                    prompt: d.prompt.get_untracked(),
                }
            })
            .collect();
        let vars = ops::create_survey::Variables {
            term_id,
            title: title.get_untracked(),
            audience: ops::SurveyAudience(audience.get_untracked()),
            anonymous: anonymous.get_untracked(),
            questions,
        };
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::query::<ops::CreateSurvey>(vars).await {
                Ok(_) => {
                    title.set(String::new());
                    drafts.set(vec![Draft::new()]);
                    page.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <PageTitle title=|t| t.lifecycle.admin_surveys_title/>
        <form class="card form" id="survey-builder" on:submit=create novalidate=true>
            <h2>{move || i18n.t().lifecycle.new_survey}</h2>
            <label for="survey-title">{move || i18n.t().lifecycle.survey_title}</label>
            <input id="survey-title" type="text" maxlength="60" bind:value=title/>
            <select id="survey-audience" bind:value=audience aria-label=move || i18n.t().lifecycle.new_survey>
                <option value="PARENTS">{move || i18n.t().lifecycle.audience_parents}</option>
                <option value="STUDENTS">{move || i18n.t().lifecycle.audience_students}</option>
            </select>
            <label class="check"><input type="checkbox" id="survey-anonymous" bind:checked=anonymous/>{move || i18n.t().lifecycle.anonymous_label}</label>
            {move || drafts.get().into_iter().enumerate().map(|(i, d)| view! {
                <fieldset class="question-draft" id=format!("draft-{i}")>
                    <legend>{format!("{}", i + 1)}</legend>
                    <select class="draft-kind" bind:value=d.kind aria-label=move || i18n.t().lifecycle.question_prompt>
                        <option value="SCALE">{move || i18n.t().lifecycle.kind_scale}</option>
                        <option value="SINGLE_CHOICE">{move || i18n.t().lifecycle.kind_choice}</option>
                        <option value="TEXT">{move || i18n.t().lifecycle.kind_text}</option>
                    </select>
                    <input type="text" class="draft-prompt" maxlength="200" bind:value=d.prompt aria-label=move || i18n.t().lifecycle.question_prompt placeholder=move || i18n.t().lifecycle.question_prompt/>
                    {move || (d.kind.get() == "SINGLE_CHOICE").then(|| view! {
                        <input type="text" class="draft-options" bind:value=d.options aria-label=move || i18n.t().lifecycle.question_options placeholder=move || i18n.t().lifecycle.question_options/>
                    })}
                    {move || (d.kind.get() == "SCALE").then(|| view! {
                        <label class="check"><input type="checkbox" class="draft-about" bind:checked=d.about_mentor/>{move || i18n.t().lifecycle.about_mentor}</label>
                    })}
                </fieldset>
            }).collect_view()}
            <button type="button" class="btn" id="add-question" on:click=move |_| drafts.update(|v| if v.len() < 20 { v.push(Draft::new()) })>{move || i18n.t().lifecycle.add_question}</button>
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
            <button type="submit" class="btn primary wide" id="create-survey">{move || i18n.t().lifecycle.create_survey}</button>
        </form>
        {loaded(page, move |p| view! {
            <div id="admin-surveys">
                {p.surveys.into_iter().map(|s| {
                    let shown = RwSignal::new(false);
                    let id = s.id.clone();
                    let cid = s.id.clone();
                    let n = s.responses.unwrap_or(0).to_string();
                    let close = move |_| {
                        let survey_id = cid.clone();
                        leptos::task::spawn_local(async move {
                            if api::query::<ops::CloseSurvey>(ops::close_survey::Variables { survey_id }).await.is_ok() {
                                page.refetch();
                            }
                        });
                    };
                    view! {
                        <section class="card admin-survey">
                            <h2>{s.title}</h2>
                            <p class="meta">
                                {move || (i18n.t().lifecycle.responses_n)(&n)}
                                {(!s.open).then(|| view! { " · " {move || i18n.t().lifecycle.closed} })}
                            </p>
                            <div class="actions">
                                <button type="button" class="btn show-results" on:click=move |_| shown.set(true)>{move || i18n.t().lifecycle.show_results}</button>
                                {s.open.then(|| view! { <button type="button" class="btn close-survey" on:click=close>{move || i18n.t().lifecycle.close_survey}</button> })}
                            </div>
                            {move || shown.get().then(|| view! { <SurveyResultsView survey_id=id.clone()/> })}
                        </section>
                    }
                }).collect_view()}
            </div>
        })}
    }
}
