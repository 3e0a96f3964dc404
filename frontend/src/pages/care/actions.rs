//! The action owner's side of care: the picker that names an owner (the
//! cases' people first, then the school's staff, found by name), and the
//! owner's list of care actions (from case pages and conferences) with
//! "mark done" — on the mentor's task page and the counsellor's home.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::ErrorBox;

/// Picks a staff member by name: the people on `case_ids` first, then all
/// of the school's staff. A name typed in the filter that matches one
/// person picks them.
#[component]
pub fn OwnerPicker(
    /// The cases the action is on (none: a conference's invitation).
    case_ids: Vec<String>,
    /// The staff id picked (empty: none).
    value: RwSignal<String>,
    /// The `name` of the select (for tests and labels).
    #[prop(default = "owner")]
    name: &'static str,
    /// Set to the picked person's name, when given.
    #[prop(optional)]
    picked_name: Option<RwSignal<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let filter = RwSignal::new(String::new());
    let choices = LocalResource::new(move || {
        let case_ids = case_ids.clone();
        async move {
            api::query::<ops::CareStaffChoices>(ops::care_staff_choices::Variables { case_ids })
                .await
                .map(|d| d.care_staff_choices)
        }
    });
    let pick = move |id: String| {
        if let (Some(n), Some(Ok(list))) = (picked_name, choices.get_untracked()) {
            n.set(
                list.iter()
                    .find(|c| c.id == id)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
            );
        }
        value.set(id);
    };
    let on_filter = move |ev: leptos::ev::Event| {
        let f = event_target_value(&ev);
        filter.set(f.clone());
        let f = f.trim().to_string();
        if f.is_empty() {
            return;
        }
        if let Some(Ok(list)) = choices.get_untracked() {
            let hits: Vec<_> = list.iter().filter(|c| c.name.contains(&f)).collect();
            if let [one] = hits.as_slice() {
                pick(one.id.clone());
            }
        }
    };
    view! {
        <div class="owner-picker">
            <input
                type="search"
                class="owner-filter"
                name=format!("{name}-filter")
                placeholder=move || i18n.t().care_conf.owner_filter
                aria-label=move || i18n.t().care_conf.owner_filter
                on:input=on_filter
            />
            {move || choices.get().map(|r| match r {
                Ok(list) => {
                    let f = filter.get().trim().to_string();
                    let current = value.get();
                    let option = |c: &ops::care_staff_choices::CareStaffChoicesCareStaffChoices| {
                        let selected = c.id == current;
                        view! { <option value=c.id.clone() selected=selected>{c.name.clone()}</option> }
                    };
                    let keep = |c: &&ops::care_staff_choices::CareStaffChoicesCareStaffChoices| {
                        f.is_empty() || c.name.contains(&f) || c.id == current
                    };
                    let on: Vec<_> = list.iter().filter(|c| c.on_case).filter(keep).map(option).collect();
                    let rest: Vec<_> = list.iter().filter(|c| !c.on_case).filter(keep).map(option).collect();
                    view! {
                        <select name=name aria-label=move || i18n.t().care_conf.owner_choose on:change=move |ev| pick(event_target_value(&ev))>
                            <option value="" selected=current.is_empty()>{move || i18n.t().care_conf.owner_choose}</option>
                            {(!on.is_empty()).then(|| view! { <optgroup label=i18n.t().care_conf.on_case_group>{on}</optgroup> })}
                            {(!rest.is_empty()).then(|| view! { <optgroup label=i18n.t().care_conf.school_staff_group>{rest}</optgroup> })}
                        </select>
                    }
                    .into_any()
                }
                Err(e) => view! { <ErrorBox err=e/> }.into_any(),
            })}
        </div>
    }
}

/// The caller's actions on care cases: open ones with "mark done", then
/// those done. Shown only when there is any.
#[component]
pub fn MyCareActions() -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<api::ApiError>);
    let actions = LocalResource::new(move || async move {
        api::query::<ops::MyCareActions>(ops::my_care_actions::Variables)
            .await
            .map(|d| d.my_care_actions)
    });
    let complete = move |entry_id: String| {
        error.set(None);
        let note = i18n.t().care_conf.done_note.to_string();
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::CompleteCareAction>(ops::complete_care_action::Variables {
                entry_id,
                note,
            })
            .await;
            if error.is_disposed() {
                return;
            }
            match r {
                Ok(_) => actions.refetch(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    move || {
        let list = match actions.get() {
            Some(Ok(list)) if !list.is_empty() => list,
            Some(Err(e)) => return Some(view! { <ErrorBox err=e/> }.into_any()),
            _ => return None,
        };
        Some(view! {
            <section class="card" id="my-care-actions">
                <h2>{move || i18n.t().care_conf.my_actions_title}</h2>
                {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                <ul class="list">
                    {list.into_iter().map(|a| {
                        let href = format!("/care/{}", a.case_id);
                        let id = a.entry_id.clone();
                        let due = a.due_on.clone();
                        let can_mark = !a.done && !a.case_closed;
                        view! {
                            <li class="care-action" class:done=a.done data-entry=a.entry_id.clone()>
                                <div class="item-main">
                                    <span class="name">{a.student_name.clone()}</span>
                                    <span>{a.description.clone()}</span>
                                    <span class="meta">
                                        {due.map(|d| view! { {move || i18n.t().care_conf.due_on} " " {move || i18n.date(&d)} })}
                                        {a.overdue.then(|| view! { " " <span class="overdue">{move || i18n.t().care_conf.overdue}</span> })}
                                        {a.done.then(|| view! { " " <span class="ok">{move || i18n.t().care_conf.done}</span> })}
                                    </span>
                                </div>
                                <div class="row">
                                    <A href=href attr:class="btn ghost">{move || i18n.t().care_conf.view_case}</A>
                                    {can_mark.then(|| view! {
                                        <button type="button" class="btn secondary mark-done" on:click=move |_| complete(id.clone())>
                                            {move || i18n.t().care_conf.mark_done}
                                        </button>
                                    })}
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }.into_any())
    }
}
