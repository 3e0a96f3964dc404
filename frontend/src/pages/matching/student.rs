//! The student's matching: their rounds, current mentors with the
//! explanation, ranked choices and the self-selection rush.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::ui::{ErrorBox, loaded};

use super::*;

/// The student's current mentor and why.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchLine {
    /// Mentor's name.
    pub mentor: String,
    /// GraphQL spelling of the stage, if known.
    pub stage: Option<String>,
    /// Which of the student's choices.
    pub choice_no: Option<i64>,
    /// The explanation (Chinese, from the server).
    pub why: String,
    /// Since when (ISO).
    pub since: String,
}

/// What the student's matching card shows.
#[derive(Debug, Clone, PartialEq)]
pub struct StudentView {
    matches: Vec<MatchLine>,
    /// The round open for the student's grade: id and method.
    round: Option<(String, String)>,
}

async fn load_student() -> Result<StudentView, ApiError> {
    let terms = load_terms().await?;
    let Some(term_id) = current_term(&terms, &today()) else {
        let d = api::query::<ops::MyMatch>(ops::my_match::Variables).await?;
        return Ok(StudentView {
            matches: d
                .my_match
                .into_iter()
                .map(|m| MatchLine {
                    mentor: m.mentor_name,
                    stage: m.stage.map(|s| s.0),
                    choice_no: m.choice_no,
                    why: m.why,
                    since: m.since,
                })
                .collect(),
            round: None,
        });
    };
    let d =
        api::query::<ops::StudentMatching>(ops::student_matching::Variables { term_id }).await?;
    let grade = d.students.edges.first().map(|e| e.node.grade);
    let round = d
        .matching_rounds
        .into_iter()
        .find(|r| Some(r.grade) == grade && r.status.0 != "PUBLISHED")
        .map(|r| (r.id, r.method.0));
    Ok(StudentView {
        matches: d
            .my_match
            .into_iter()
            .map(|m| MatchLine {
                mentor: m.mentor_name,
                stage: m.stage.map(|s| s.0),
                choice_no: m.choice_no,
                why: m.why,
                since: m.since,
            })
            .collect(),
        round,
    })
}

/// Whether a match of this stage came from the student's own choices (a
/// mentor the school assigned — by hand, lottery, filling up, continuity or
/// club — is never labelled as a choice).
fn chosen_stage(stage: &str) -> bool {
    !matches!(stage, "MANUAL" | "LOTTERY" | "FILL" | "CONTINUITY" | "CLUB")
}

/// The student's matching: the published mentor with the explanation, and
/// the open round of their grade (rank mentors, or pick one with places)
/// until its result is published. `assigned` are the mentors the school
/// has on record for the student, shown when no matching result explains
/// them (a mentor assigned by the school), so the card never says "no
/// mentor" beside a mentor.
#[component]
pub fn StudentMatching(
    /// The names of the student's mentors on record.
    #[prop(optional)]
    assigned: Vec<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        version.track();
        load_student()
    });
    view! {
        {loaded(data, move |v: StudentView| {
            view! {
                <section class="card" id="my-match" aria-labelledby="my-match-title">
                    <h2 id="my-match-title">{move || i18n.t().matching.my_mentor}</h2>
                    {if v.matches.is_empty() && !assigned.is_empty() {
                        let names = assigned.join("、");
                        view! {
                            <div class="match-line">
                                <p class="mentor-big" id="my-mentor-name">{names}</p>
                                <p class="meta"><span class="tag">{move || i18n.t().matching.stage_name("MANUAL")}</span></p>
                            </div>
                        }
                            .into_any()
                    } else if v.matches.is_empty() {
                        let waiting = v.round.is_some();
                        view! {
                            <p class="muted" id="no-match">
                                {move || if waiting { i18n.t().matching.no_match } else { i18n.t().org.my_mentor_soon }}
                            </p>
                        }
                            .into_any()
                    } else {
                        v.matches
                            .clone()
                            .into_iter()
                            .map(|m| {
                                let stage = m.stage.clone().unwrap_or_default();
                                let choice = m.choice_no;
                                let since = m.since.clone();
                                view! {
                                    <div class="match-line">
                                        <p class="mentor-big" id="my-mentor-name">{m.mentor.clone()}</p>
                                        <p class="meta">
                                            {(!stage.is_empty())
                                                .then(|| {
                                                    let st = stage.clone();
                                                    view! {
                                                        <span class="tag">
                                                            {move || match choice.filter(|_| chosen_stage(&st)) {
                                                                Some(n) => (i18n.t().matching.choice_n)(&n.to_string()),
                                                                None => i18n.t().matching.stage_name(&st).to_string(),
                                                            }}
                                                        </span>
                                                        " "
                                                    }
                                                })}
                                            {move || (i18n.t().matching.since)(&i18n.date(&since))}
                                        </p>
                                        <p class="why-label muted">{move || i18n.t().matching.why}</p>
                                        <p class="why" id="my-match-why">
                                            {why_view(i18n, m.stage.clone().unwrap_or_default(), m.choice_no, m.why.clone())}
                                        </p>
                                    </div>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }}
                </section>
                // Only a round not yet published is offered: once its result
                // is published the choice form is closed.
                {v.round
                    .map(|(id, method)| match method.as_str() {
                        "TWO_WAY" => view! { <ChoiceEditor round_id=id/> }.into_any(),
                        "SELF_SELECTION" => {
                            view! { <RushPicker round_id=id on_taken=Callback::new(move |_| version.update(|v| *v += 1))/> }
                                .into_any()
                        }
                        _ => view! { <p class="card muted" id="blind-box-note">{move || i18n.t().matching.blind_box_note}</p> }.into_any(),
                    })}
            }
        })}
    }
}

/// A mentor a student may choose.
#[derive(Debug, Clone, PartialEq)]
pub struct MentorCard {
    /// Staff id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Subjects taught in the grade.
    pub subjects: Vec<String>,
    /// Specialties.
    pub specialties: Vec<String>,
    /// Places left (self-selection only).
    pub places_left: Option<i64>,
}

/// Each name once, in order (a specialty that is also a subject taught is
/// listed under subjects only).
fn unique(list: &[String], skip: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for x in list.iter().map(|x| x.trim()).filter(|x| !x.is_empty()) {
        if !out.iter().any(|o| o == x) && !skip.iter().any(|o| o.trim() == x) {
            out.push(x.to_string());
        }
    }
    out
}

fn mentor_facts(i18n: I18n, m: &MentorCard) -> impl IntoView + use<> {
    let subjects = unique(&m.subjects, &[]);
    let specialties = unique(&m.specialties, &subjects).join("、");
    let subjects = subjects.join("、");
    view! {
        <dl class="facts mentor-facts">
            {(!subjects.is_empty())
                .then(|| {
                    view! {
                        <dt>{move || i18n.t().matching.subjects}</dt>
                        <dd>{subjects}</dd>
                    }
                })}
            {(!specialties.is_empty())
                .then(|| {
                    view! {
                        <dt>{move || i18n.t().matching.specialties}</dt>
                        <dd>{specialties}</dd>
                    }
                })}
        </dl>
    }
}

#[component]
fn ChoiceEditor(round_id: String) -> impl IntoView {
    let rid = round_id.clone();
    let page = LocalResource::new(move || {
        let round_id = rid.clone();
        async move {
            let d = api::query::<ops::ChoicePage>(ops::choice_page::Variables { round_id }).await?;
            let mentors: Vec<MentorCard> = d
                .eligible_mentors
                .into_iter()
                .map(|m| MentorCard {
                    id: m.id,
                    name: m.name,
                    subjects: m.subjects,
                    specialties: m.specialties,
                    places_left: None,
                })
                .collect();
            let mine: Vec<String> = d.my_mentor_choices.into_iter().map(|m| m.id).collect();
            Ok::<_, ApiError>((mentors, mine))
        }
    });
    view! {
        {loaded(page, move |(mentors, mine)| {
            view! { <ChoiceForm round_id=round_id.clone() mentors mine/> }
        })}
    }
}

#[component]
fn ChoiceForm(round_id: String, mentors: Vec<MentorCard>, mine: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let picked = RwSignal::new(mine);
    let all = StoredValue::new(mentors.clone());
    let saved = RwSignal::new(false);
    let name_of = move |id: &str| {
        all.with_value(|ms| ms.iter().find(|m| m.id == id).map(|m| m.name.clone()))
            .unwrap_or_default()
    };
    let submit = Action::new_local(move |ids: &Vec<String>| {
        let v = ops::submit_mentor_choices::Variables {
            round_id: round_id.clone(),
            mentor_ids: ids.clone(),
        };
        async move { api::query::<ops::SubmitMentorChoices>(v).await.map(|_| ()) }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = submit.value().get() {
            saved.set(true);
        }
    });
    let change = move |f: &dyn Fn(&mut Vec<String>)| {
        saved.set(false);
        picked.update(|v| f(v));
    };
    view! {
        <section class="card" id="choose-mentors" aria-labelledby="choose-title">
            <h2 id="choose-title">{move || i18n.t().matching.choose_title}</h2>
            <p class="muted">{move || i18n.t().matching.choose_intro}</p>
            <h3>{move || i18n.t().matching.my_choices}</h3>
            {move || {
                let ids = picked.get();
                if ids.is_empty() {
                    return view! { <p class="muted" id="no-choices">{move || i18n.t().matching.no_choices}</p> }.into_any();
                }
                let n = ids.len();
                view! {
                    <ol class="list choice-list" id="my-choices">
                        {ids
                            .into_iter()
                            .enumerate()
                            .map(|(i, id)| {
                                let name = name_of(&id);
                                let (n1, n2, n3) = (name.clone(), name.clone(), name.clone());
                                let id1 = id.clone();
                                view! {
                                    <li class="choice" data-mentor=id.clone()>
                                        <span class="choice-no">{move || (i18n.t().matching.choice_n)(&(i + 1).to_string())}</span>
                                        <span class="name">{name}</span>
                                        <span class="choice-actions">
                                            <button
                                                type="button"
                                                class="btn secondary icon move-up"
                                                disabled=i == 0
                                                aria-label=move || (i18n.t().matching.move_up)(&n1)
                                                on:click=move |_| change(&|v: &mut Vec<String>| if i > 0 { v.swap(i, i - 1) })
                                            >
                                                "↑"
                                            </button>
                                            <button
                                                type="button"
                                                class="btn secondary icon move-down"
                                                disabled=i + 1 == n
                                                aria-label=move || (i18n.t().matching.move_down)(&n2)
                                                on:click=move |_| change(&|v: &mut Vec<String>| if i + 1 < v.len() { v.swap(i, i + 1) })
                                            >
                                                "↓"
                                            </button>
                                            <button
                                                type="button"
                                                class="btn secondary icon remove-choice"
                                                aria-label=move || (i18n.t().matching.remove)(&n3)
                                                on:click=move |_| {
                                                    let id = id1.clone();
                                                    change(&|v: &mut Vec<String>| v.retain(|x| *x != id))
                                                }
                                            >
                                                "✕"
                                            </button>
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
            {move || submit.value().get().and_then(Result::err).map(|e| view! { <ErrorBox err=e/> })}
            {move || saved.get().then(|| view! { <p class="notice" role="status" id="choices-saved">{move || i18n.t().matching.submitted}</p> })}
            <button
                type="button"
                class="btn primary wide"
                id="submit-choices"
                disabled=move || picked.with(Vec::is_empty) || submit.pending().get()
                on:click=move |_| {
                    submit.dispatch(picked.get_untracked());
                }
            >
                {move || if submit.pending().get() { i18n.t().matching.submitting } else { i18n.t().matching.submit }}
            </button>
            <h3>{move || i18n.t().matching.eligible_title}</h3>
            {move || (picked.with(Vec::len) >= MAX_CHOICES).then(|| view! { <p class="muted">{move || i18n.t().matching.max_reached}</p> })}
            <ul class="list" id="eligible-mentors">
                {mentors
                    .into_iter()
                    .map(|m| {
                        let (id, id2) = (m.id.clone(), m.id.clone());
                        let name = m.name.clone();
                        let added = move || picked.with(|v| v.contains(&id));
                        let added2 = added.clone();
                        let added3 = added.clone();
                        let blocked = move || added2() || picked.with(Vec::len) >= MAX_CHOICES;
                        view! {
                            <li class="item mentor-card" data-mentor=m.id.clone()>
                                <div class="item-main">
                                    <span class="name">{m.name.clone()}</span>
                                    {mentor_facts(i18n, &m)}
                                </div>
                                <button
                                    type="button"
                                    class="btn secondary add-choice"
                                    aria-label=move || (i18n.t().matching.add_label)(&name)
                                    disabled=blocked
                                    on:click=move |_| {
                                        let id = id2.clone();
                                        change(&|v: &mut Vec<String>| if !v.contains(&id) && v.len() < MAX_CHOICES { v.push(id.clone()) })
                                    }
                                >
                                    {move || if added3() { i18n.t().matching.added } else { i18n.t().matching.add }}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn RushPicker(round_id: String, on_taken: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let rid = StoredValue::new(round_id);
    let version = RwSignal::new(0u32);
    let page = LocalResource::new(move || {
        version.track();
        let round_id = rid.get_value();
        async move {
            let d = api::query::<ops::RushPage>(ops::rush_page::Variables { round_id }).await?;
            let places: Vec<MentorCard> = d
                .mentors_with_places
                .into_iter()
                .map(|m| MentorCard {
                    id: m.id,
                    name: m.name,
                    subjects: m.subjects,
                    specialties: m.specialties,
                    places_left: Some(m.places_left),
                })
                .collect();
            Ok::<_, ApiError>((places, d.my_rush_place.map(|m| m.name)))
        }
    });
    let full = RwSignal::new(false);
    let pick = Action::new_local(move |mentor_id: &String| {
        let v = ops::select_mentor::Variables {
            round_id: rid.get_value(),
            mentor_id: mentor_id.clone(),
        };
        async move { api::query::<ops::SelectMentor>(v).await.map(|_| ()) }
    });
    Effect::new(move |_| match pick.value().get() {
        Some(Ok(())) => {
            full.set(false);
            version.update(|v| *v += 1);
            on_taken.run(());
        }
        Some(Err(ApiError::Conflict(_))) => {
            // The first choice is full: show who still has places.
            full.set(true);
            version.update(|v| *v += 1);
        }
        _ => {}
    });
    view! {
        <section class="card" id="rush" aria-labelledby="rush-title">
            <h2 id="rush-title">{move || i18n.t().matching.rush_title}</h2>
            {move || full.get().then(|| view! { <p class="error" role="alert" id="rush-full">{move || i18n.t().matching.full_pick_again}</p> })}
            {move || {
                pick.value()
                    .get()
                    .and_then(Result::err)
                    .filter(|e| !matches!(e, ApiError::Conflict(_)))
                    .map(|e| view! { <ErrorBox err=e/> })
            }}
            {loaded(page, move |(places, mine): (Vec<MentorCard>, Option<String>)| {
                if let Some(name) = mine {
                    return view! { <p class="notice" id="rush-mine">{move || (i18n.t().matching.rush_mine)(&name)}</p> }.into_any();
                }
                let open: Vec<MentorCard> = places.into_iter().filter(|m| m.places_left.unwrap_or(0) > 0).collect();
                if open.is_empty() {
                    return view! { <p class="muted">{move || i18n.t().matching.rush_none_left}</p> }.into_any();
                }
                view! {
                    <p class="muted">{move || i18n.t().matching.rush_intro}</p>
                    <ul class="list" id="rush-mentors">
                        {open
                            .into_iter()
                            .map(|m| {
                                let id = m.id.clone();
                                let name = m.name.clone();
                                let left = m.places_left.unwrap_or(0).to_string();
                                view! {
                                    <li class="item mentor-card" data-mentor=m.id.clone()>
                                        <div class="item-main">
                                            <span class="name">{m.name.clone()}</span>
                                            {mentor_facts(i18n, &m)}
                                            <span class="meta">{move || (i18n.t().matching.places_left)(&left)}</span>
                                        </div>
                                        <button
                                            type="button"
                                            class="btn primary pick-mentor"
                                            aria-label=move || (i18n.t().matching.pick_label)(&name)
                                            disabled=move || pick.pending().get()
                                            on:click=move |_| {
                                                pick.dispatch(id.clone());
                                            }
                                        >
                                            {move || i18n.t().matching.pick}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })}
        </section>
    }
}
