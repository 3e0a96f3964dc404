//! The school admin's cards on a student's page: changing the mentor during
//! the year (动态调整) with a reason, the family-situation flags and special
//! needs (shown and edited here only: the admin is the one who may change
//! them; reading them is audited), and the student's audit trail.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{Lang, use_i18n};
use crate::ops;
use crate::ui::{ErrorBox, loaded};

struct Tr {
    change_title: &'static str,
    change_hint: &'static str,
    mentor: &'static str,
    reason: &'static str,
    reason_needed: &'static str,
    change: &'static str,
    changed: &'static str,
    sensitive_title: &'static str,
    sensitive_hint: &'static str,
    family: &'static str,
    needs: &'static str,
    in_town: &'static str,
    save: &'static str,
    saved: &'static str,
    trail_title: &'static str,
    trail_empty: &'static str,
    flags: [(&'static str, &'static str); 3],
    need_names: [(&'static str, &'static str); 3],
}

static ZH: Tr = Tr {
    change_title: "调整导师（动态调整）",
    change_hint: "学期中更换这名学生的导师：原结对结束，新导师从今天起负责。须写明原因，记入留痕。",
    mentor: "新导师",
    reason: "调整原因",
    reason_needed: "请写明调整原因。",
    change: "调整导师",
    changed: "导师已调整。",
    sensitive_title: "家庭情况与特殊需要",
    sensitive_hint: "敏感信息：只有学校管理员可修改，只有有权限的老师能看到，每次查看都留痕。",
    family: "家庭情况",
    needs: "特殊需要",
    in_town: "住在城镇（家访范围）",
    save: "保存",
    saved: "已保存。",
    trail_title: "留痕记录",
    trail_empty: "还没有记录。",
    flags: [
        ("SINGLE_PARENT", "单亲家庭"),
        ("BLENDED", "重组家庭"),
        ("LEFT_BEHIND", "留守儿童"),
    ],
    need_names: [
        ("BEHAVIOUR", "行为失范"),
        ("PSYCHOLOGICAL", "心理偏差"),
        ("INCLUSIVE", "随班就读"),
    ],
};

static EN: Tr = Tr {
    change_title: "Change the mentor (mid-year)",
    change_hint: "Changes this student's mentor during the year: the current pair ends, the new mentor takes over from today. A reason is required and kept in the audit trail.",
    mentor: "New mentor",
    reason: "Reason",
    reason_needed: "Please give the reason.",
    change: "Change mentor",
    changed: "Mentor changed.",
    sensitive_title: "Family situation and special needs",
    sensitive_hint: "Sensitive: only the school admin changes it, only those allowed see it, and every read is audited.",
    family: "Family situation",
    needs: "Special needs",
    in_town: "Lives in town (home-visit area)",
    save: "Save",
    saved: "Saved.",
    trail_title: "Audit trail",
    trail_empty: "Nothing recorded yet.",
    flags: [
        ("SINGLE_PARENT", "Single parent"),
        ("BLENDED", "Blended family"),
        ("LEFT_BEHIND", "Left behind"),
    ],
    need_names: [
        ("BEHAVIOUR", "Behaviour"),
        ("PSYCHOLOGICAL", "Mental health"),
        ("INCLUSIVE", "Inclusive education"),
    ],
};

fn tr(lang: Lang) -> &'static Tr {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// The admin's cards for one student.
#[component]
pub fn StudentAdminCards(
    /// The student.
    student_id: String,
    /// Called after the mentor changed (the page reloads the student).
    on_change: Callback<()>,
) -> impl IntoView {
    // Bumped after each change, so the trail shows it.
    let version = RwSignal::new(0u32);
    let changed = Callback::new(move |_| {
        version.update(|v| *v += 1);
        on_change.run(());
    });
    view! {
        <ChangeMentorCard student_id=student_id.clone() on_change=changed/>
        <SensitiveCard student_id=student_id.clone() on_save=changed/>
        <TrailCard student_id=student_id version=version/>
    }
}

#[component]
fn ChangeMentorCard(student_id: String, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || tr(i18n.lang());
    let staff = LocalResource::new(|| async {
        api::query::<ops::StaffList>(ops::staff_list::Variables {
            first: Some(200),
            after: None,
            search: None,
        })
        .await
        .map(|d| {
            d.staff
                .edges
                .into_iter()
                .map(|e| e.node)
                .filter(|s| s.qualification.0.may_mentor())
                .collect::<Vec<_>>()
        })
    });
    let mentor = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let local = RwSignal::new(None::<&'static str>);
    let done = RwSignal::new(false);
    let change = Action::new_local(move |_: &()| {
        let v = ops::change_mentor::Variables {
            student_id: student_id.clone(),
            mentor_id: mentor.get_untracked(),
            reason: reason.get_untracked().trim().to_string(),
        };
        async move {
            match api::query::<ops::ChangeMentor>(v).await {
                Ok(_) => {
                    error.set(None);
                    done.set(true);
                    reason.set(String::new());
                    on_change.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <section class="card" id="change-mentor">
            <h2>{move || t().change_title}</h2>
            <p class="hint">{move || t().change_hint}</p>
            <label for="change-mentor-staff">{move || t().mentor}</label>
            {loaded(staff, move |list| {
                if mentor.get_untracked().is_empty()
                    && let Some(s) = list.first()
                {
                    mentor.set(s.id.clone());
                }
                view! {
                    <select id="change-mentor-staff" on:change=move |ev| mentor.set(event_target_value(&ev))>
                        {list
                            .into_iter()
                            .map(|s| view! { <option value=s.id.clone()>{format!("{} {}", s.name, s.staff_no)}</option> })
                            .collect_view()}
                    </select>
                }
            })}
            <label for="change-mentor-reason">{move || t().reason}</label>
            <input id="change-mentor-reason" type="text" maxlength="500" bind:value=reason/>
            {move || local.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
            {move || done.get().then(|| view! { <p class="notice" role="status" id="change-mentor-done">{move || t().changed}</p> })}
            <button
                type="button"
                class="btn"
                id="change-mentor-save"
                disabled=move || change.pending().get() || mentor.get().is_empty()
                on:click=move |_| {
                    done.set(false);
                    if reason.get_untracked().trim().is_empty() {
                        local.set(Some(t().reason_needed));
                        return;
                    }
                    local.set(None);
                    change.dispatch(());
                }
            >
                {move || t().change}
            </button>
        </section>
    }
}

/// Toggles a code in a list.
fn toggle(list: RwSignal<Vec<String>>, code: &'static str, on: bool) {
    list.update(|v| {
        v.retain(|c| c != code);
        if on {
            v.push(code.to_string());
        }
    });
}

#[component]
fn SensitiveCard(student_id: String, on_save: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || tr(i18n.lang());
    let id = student_id.clone();
    let current = LocalResource::new(move || {
        let id = id.clone();
        async move {
            api::query::<ops::StudentForEdit>(ops::student_for_edit::Variables { id })
                .await
                .map(|d| d.student)
        }
    });
    let flags = RwSignal::new(Vec::<String>::new());
    let needs = RwSignal::new(Vec::<String>::new());
    let in_town = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let save = Action::new_local(move |s: &ops::student_for_edit::StudentForEditStudent| {
        let v = ops::update_student::Variables {
            id: s.id.clone(),
            input: ops::update_student::StudentInput {
                student_no: s.student_no.clone(),
                name: s.name.clone(),
                gender: s.gender.clone(),
                class_id: s.class_id.clone(),
                lives_in_town: in_town.get_untracked(),
                special_needs: needs
                    .get_untracked()
                    .into_iter()
                    .map(ops::SpecialNeed)
                    .collect(),
                family_flags: flags
                    .get_untracked()
                    .into_iter()
                    .map(ops::FamilyFlag)
                    .collect(),
            },
        };
        async move {
            match api::query::<ops::UpdateStudent>(v).await {
                Ok(_) => {
                    error.set(None);
                    saved.set(true);
                    on_save.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <section class="card" id="student-sensitive">
            <h2>{move || t().sensitive_title}</h2>
            <p class="hint">{move || t().sensitive_hint}</p>
            {loaded(current, move |s| {
                let x = &s.sensitive;
                flags.set(x.family_flags.iter().map(|f| f.0.clone()).collect());
                needs.set(x.special_needs.iter().map(|f| f.0.clone()).collect());
                in_town.set(x.lives_in_town);
                let s2 = s.clone();
                view! {
                    <fieldset id="family-flags">
                        <legend>{move || t().family}</legend>
                        {(0..3)
                            .map(|i| {
                                let code = ZH.flags[i].0;
                                view! {
                                    <label class="chip">
                                        <input
                                            type="checkbox"
                                            value=code
                                            prop:checked=move || flags.with(|v| v.iter().any(|c| c == code))
                                            on:change=move |ev| toggle(flags, code, event_target_checked(&ev))
                                        />
                                        {move || t().flags[i].1}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    <fieldset id="special-needs">
                        <legend>{move || t().needs}</legend>
                        {(0..3)
                            .map(|i| {
                                let code = ZH.need_names[i].0;
                                view! {
                                    <label class="chip">
                                        <input
                                            type="checkbox"
                                            value=code
                                            prop:checked=move || needs.with(|v| v.iter().any(|c| c == code))
                                            on:change=move |ev| toggle(needs, code, event_target_checked(&ev))
                                        />
                                        {move || t().need_names[i].1}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    <label class="chip">
                        <input type="checkbox" id="lives-in-town" bind:checked=in_town/>
                        {move || t().in_town}
                    </label>
                    {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                    {move || saved.get().then(|| view! { <p class="notice" role="status" id="sensitive-saved">{move || t().saved}</p> })}
                    <button
                        type="button"
                        class="btn"
                        id="sensitive-save"
                        disabled=move || save.pending().get()
                        on:click=move |_| {
                            saved.set(false);
                            save.dispatch(s2.clone());
                        }
                    >
                        {move || t().save}
                    </button>
                }
            })}
        </section>
    }
}

#[component]
fn TrailCard(student_id: String, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || tr(i18n.lang());
    let trail = LocalResource::new(move || {
        version.track();
        let id = student_id.clone();
        async move {
            api::query::<ops::StudentTrail>(ops::student_trail::Variables { id })
                .await
                .map(|d| d.audit_trail)
        }
    });
    view! {
        <section class="card" id="student-trail">
            <h2>{move || t().trail_title}</h2>
            {loaded(trail, move |rows| {
                if rows.is_empty() {
                    return view! { <p class="muted">{move || t().trail_empty}</p> }.into_any();
                }
                view! {
                    <ul class="list" id="trail-list">
                        {rows
                            .into_iter()
                            .take(100)
                            .map(|r| {
                                let at = r.at.get(..16).unwrap_or(&r.at).replace('T', " ");
                                view! {
                                    <li class="item trail-entry" data-action=r.action.clone()>
                                        <div class="item-main">
                                            <span class="name">{r.action.clone()}</span>
                                            <span class="meta">{at} " · " {r.actor_role.clone()}</span>
                                            {r.reason.map(|x| view! { <span class="meta">{x}</span> })}
                                        </div>
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
