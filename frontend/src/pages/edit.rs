//! School admin forms for people: staff members and students.

use leptos::prelude::*;
use shared::org::Qualification;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{ErrorBox, loaded};

/// One staff member as the staff list holds them.
pub type StaffRow = ops::staff_list::StaffListStaffEdgesNode;

const QUALIFICATIONS: [Qualification; 5] = [
    Qualification::Untrained,
    Qualification::Training,
    Qualification::Probation,
    Qualification::Appointed,
    Qualification::Deferred,
];

/// The server's spelling of gender (男 / 女); labels come from [`crate::i18n`].
const GENDERS: [&str; 2] = ["男", "女"];

fn split_list(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ';', '；'])
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Save and cancel buttons plus the save error.
#[component]
fn FormButtons(
    pending: Signal<bool>,
    error: Signal<Option<ApiError>>,
    cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
        <div class="row">
            <button type="submit" class="btn primary" disabled=move || pending.get()>
                {move || if pending.get() { i18n.t().saving } else { i18n.t().save }}
            </button>
            <button type="button" class="btn secondary" on:click=move |_| cancel.run(())>
                {move || i18n.t().cancel}
            </button>
        </div>
    }
}

/// Gender select bound to `value` (the server's spelling).
#[component]
fn GenderSelect(
    id: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for=id>{move || i18n.t().org.student_gender}</label>
        <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
            <option value="" selected=move || value.get().is_empty() disabled=!optional>
                {move || i18n.t().org.choose}
            </option>
            {GENDERS
                .into_iter()
                .map(|g| {
                    view! {
                        <option value=g selected=move || value.get() == g>
                            {move || if g == "男" { i18n.t().gender_male } else { i18n.t().gender_female }}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// Creates a staff member, or edits one.
#[component]
pub fn StaffForm(
    /// The staff member being edited; `None` creates one.
    #[prop(optional)]
    staff: Option<StaffRow>,
    /// Called with `true` after saving, `false` on cancel.
    done: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = staff.as_ref().map(|s| s.id.clone());
    let name = RwSignal::new(staff.as_ref().map(|s| s.name.clone()).unwrap_or_default());
    let staff_no = RwSignal::new(
        staff
            .as_ref()
            .map(|s| s.staff_no.clone())
            .unwrap_or_default(),
    );
    let gender = RwSignal::new(
        staff
            .as_ref()
            .and_then(|s| s.gender.clone())
            .unwrap_or_default(),
    );
    let phone = RwSignal::new(
        staff
            .as_ref()
            .and_then(|s| s.phone.clone())
            .unwrap_or_default(),
    );
    let party = RwSignal::new(staff.as_ref().is_some_and(|s| s.party_member));
    let qualification = RwSignal::new(
        staff
            .as_ref()
            .map(|s| s.qualification.0)
            .unwrap_or(Qualification::Untrained),
    );
    let specialties = RwSignal::new(
        staff
            .as_ref()
            .map(|s| s.specialties.join("、"))
            .unwrap_or_default(),
    );
    let save = Action::new_local(move |input: &ops::create_staff::StaffInput| {
        let (id, input) = (id.clone(), input.clone());
        async move {
            match id {
                Some(id) => {
                    let input = ops::update_staff::StaffInput {
                        staff_no: input.staff_no,
                        name: input.name,
                        gender: input.gender,
                        phone: input.phone,
                        party_member: input.party_member,
                        specialties: input.specialties,
                        qualification: input.qualification,
                    };
                    api::query::<ops::UpdateStaff>(ops::update_staff::Variables { id, input })
                        .await
                        .map(|_| ())
                }
                None => api::query::<ops::CreateStaff>(ops::create_staff::Variables { input })
                    .await
                    .map(|_| ()),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            done.run(true);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let opt = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        save.dispatch(ops::create_staff::StaffInput {
            staff_no: staff_no.get_untracked().trim().to_string(),
            name: name.get_untracked().trim().to_string(),
            gender: opt(gender.get_untracked()),
            phone: opt(phone.get_untracked()),
            party_member: party.get_untracked(),
            specialties: split_list(&specialties.get_untracked()),
            qualification: Some(ops::Qualification(qualification.get_untracked())),
        });
    };
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    view! {
        <form class="card form" id="staff-form" on:submit=on_submit>
            <label for="staff-name">{move || i18n.t().org.person_name}</label>
            <input id="staff-name" type="text" required=true bind:value=name/>
            <label for="staff-no">{move || i18n.t().org.staff_no}</label>
            <input id="staff-no" type="text" required=true autocapitalize="none" bind:value=staff_no/>
            <GenderSelect id="staff-gender" value=gender optional=true/>
            <label for="staff-phone">{move || i18n.t().org.phone}</label>
            <input id="staff-phone" type="tel" inputmode="tel" bind:value=phone/>
            <label for="staff-qualification">{move || i18n.t().org.qualification_label}</label>
            <select
                id="staff-qualification"
                on:change=move |ev| {
                    if let Some(q) = Qualification::from_code(&event_target_value(&ev)) {
                        qualification.set(q);
                    }
                }
            >
                {QUALIFICATIONS
                    .into_iter()
                    .map(|q| {
                        view! {
                            <option value=q.code() selected=move || qualification.get() == q>
                                {move || i18n.t().qualification(q)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for="staff-specialties">{move || i18n.t().org.specialties}</label>
            <input
                id="staff-specialties"
                type="text"
                placeholder=move || i18n.t().org.specialties_hint
                bind:value=specialties
            />
            <label class="check">
                <input type="checkbox" id="staff-party" bind:checked=party/>
                <span>{move || i18n.t().org.party_member}</span>
            </label>
            <FormButtons
                pending=save.pending().into()
                error=error
                cancel=Callback::new(move |_| done.run(false))
            />
        </form>
    }
}

/// What a student edit starts from.
#[derive(Debug, Clone, Default)]
struct StudentDraft {
    name: String,
    student_no: String,
    gender: String,
    class_id: String,
    // Kept as they are: this form does not show sensitive data.
    lives_in_town: bool,
    special_needs: Vec<ops::SpecialNeed>,
    family_flags: Vec<ops::FamilyFlag>,
}

/// Creates a student (`id` = None), or edits one: the form first reads what
/// an update must keep (the read is audited on the server).
#[component]
pub fn StudentForm(
    /// The student being edited.
    #[prop(optional)]
    id: Option<String>,
    /// Called with `true` after saving, `false` on cancel.
    done: Callback<bool>,
) -> impl IntoView {
    match id {
        None => view! { <StudentFields draft=StudentDraft::default() done=done/> }.into_any(),
        Some(id) => {
            let current = LocalResource::new(move || {
                let id = id.clone();
                async move {
                    let s =
                        api::query::<ops::StudentForEdit>(ops::student_for_edit::Variables { id })
                            .await?
                            .student;
                    Ok::<_, ApiError>((
                        s.id.clone(),
                        StudentDraft {
                            name: s.name,
                            student_no: s.student_no,
                            gender: s.gender,
                            class_id: s.class_id,
                            lives_in_town: s.sensitive.lives_in_town,
                            special_needs: s.sensitive.special_needs,
                            family_flags: s.sensitive.family_flags,
                        },
                    ))
                }
            });
            loaded(
                current,
                move |(id, draft)| view! { <StudentFields id=id draft=draft done=done/> },
            )
            .into_any()
        }
    }
}

#[component]
fn StudentFields(
    #[prop(optional)] id: Option<String>,
    draft: StudentDraft,
    done: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(draft.name.clone());
    let student_no = RwSignal::new(draft.student_no.clone());
    let gender = RwSignal::new(draft.gender.clone());
    let class_id = RwSignal::new(draft.class_id.clone());
    let classes = LocalResource::new(|| async {
        api::query::<ops::Classes>(ops::classes::Variables { grade: None })
            .await
            .map(|d| d.classes)
    });
    let save = Action::new_local(move |d: &StudentDraft| {
        let (id, d) = (id.clone(), d.clone());
        async move {
            match id {
                Some(id) => {
                    let input = ops::update_student::StudentInput {
                        student_no: d.student_no,
                        name: d.name,
                        gender: d.gender,
                        class_id: d.class_id,
                        lives_in_town: d.lives_in_town,
                        special_needs: d.special_needs,
                        family_flags: d.family_flags,
                    };
                    api::query::<ops::UpdateStudent>(ops::update_student::Variables { id, input })
                        .await
                        .map(|_| ())
                }
                None => {
                    let input = ops::create_student::StudentInput {
                        student_no: d.student_no,
                        name: d.name,
                        gender: d.gender,
                        class_id: d.class_id,
                        lives_in_town: false,
                        special_needs: Vec::new(),
                        family_flags: Vec::new(),
                    };
                    api::query::<ops::CreateStudent>(ops::create_student::Variables { input })
                        .await
                        .map(|_| ())
                }
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            done.run(true);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(StudentDraft {
            name: name.get_untracked().trim().to_string(),
            student_no: student_no.get_untracked().trim().to_string(),
            gender: gender.get_untracked(),
            class_id: class_id.get_untracked(),
            ..draft.clone()
        });
    };
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    view! {
        <form class="card form" id="student-form" on:submit=on_submit>
            <label for="student-name">{move || i18n.t().org.person_name}</label>
            <input id="student-name" type="text" required=true bind:value=name/>
            <label for="student-no">{move || i18n.t().org.student_no}</label>
            <input id="student-no" type="text" required=true autocapitalize="none" bind:value=student_no/>
            <GenderSelect id="student-gender" value=gender/>
            <label for="student-class">{move || i18n.t().org.student_class}</label>
            <select id="student-class" on:change=move |ev| class_id.set(event_target_value(&ev))>
                <option value="" disabled=true selected=move || class_id.get().is_empty()>
                    {move || i18n.t().org.choose}
                </option>
                {move || {
                    classes
                        .get()
                        .and_then(|r| r.ok())
                        .unwrap_or_default()
                        .into_iter()
                        .map(|c| {
                            let cid = c.id.clone();
                            view! {
                                <option value=c.id.clone() selected=move || class_id.get() == cid>
                                    {c.name.clone()}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <FormButtons
                pending=save.pending().into()
                error=error
                cancel=Callback::new(move |_| done.run(false))
            />
        </form>
    }
}
