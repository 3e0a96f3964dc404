//! School admin: logins in bulk for imported staff and guardians (one-time
//! passwords printed as a slip per person, a page per class), and granting
//! and revoking roles.

use leptos::prelude::*;
use shared::org::Role;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::ops;
use crate::session::use_session;
use crate::ui::{ErrorBox, PageTitle, loaded};

type Slip = ops::create_accounts_in_bulk::CreateAccountsInBulkCreateAccountsInBulkSlips;
type Kind = ops::create_accounts_in_bulk::BulkAccountKind;

/// Roles a school grants to its people.
const GRANTABLE: [Role; 7] = [
    Role::SchoolAdmin,
    Role::GradeLeader,
    Role::HeadTeacher,
    Role::Mentor,
    Role::Counsellor,
    Role::Parent,
    Role::Student,
];

/// The accounts page.
#[component]
pub fn SchoolAccountsPage() -> impl IntoView {
    // Bumped after a bulk run, so the role list shows the new accounts.
    let changed = RwSignal::new(0u32);
    view! {
        <PageTitle title=|t| t.auth.nav_accounts/>
        <BulkAccounts changed=changed/>
        <AccountRoles changed=changed/>
    }
}

/// Makes the logins, calling again while some remain, and shows the slips.
#[component]
fn BulkAccounts(changed: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let classes = LocalResource::new(|| async {
        api::query::<ops::Classes>(ops::classes::Variables { grade: None })
            .await
            .map(|d| d.classes)
    });
    let class_id = RwSignal::new(String::new());
    let slips = RwSignal::new(Vec::<Slip>::new());
    let made = RwSignal::new(None::<usize>);
    let error = RwSignal::new(None::<ApiError>);
    let run = Action::new_local(move |kind: &Kind| {
        let kind = kind.clone();
        let class = (kind == Kind::GUARDIANS).then(|| class_id.get_untracked());
        async move {
            error.set(None);
            made.set(None);
            let mut all = vec![];
            loop {
                let r = api::query::<ops::CreateAccountsInBulk>(
                    ops::create_accounts_in_bulk::Variables {
                        kind: kind.clone(),
                        class_id: class.clone(),
                    },
                )
                .await;
                match r {
                    Ok(d) => {
                        let d = d.create_accounts_in_bulk;
                        let got = d.slips.len();
                        all.extend(d.slips);
                        if d.remaining == 0 || got == 0 {
                            break;
                        }
                    }
                    Err(e) => {
                        error.set(Some(e));
                        break;
                    }
                }
            }
            made.set(Some(all.len()));
            if !all.is_empty() {
                slips.set(all);
                changed.update(|n| *n += 1);
            }
        }
    });
    let school = move || {
        session
            .user
            .with(|u| u.as_ref().and_then(|u| u.place.clone()))
            .unwrap_or_default()
    };
    view! {
        <section class="card no-print" id="bulk-accounts">
            <h2>{move || i18n.t().auth.bulk_title}</h2>
            <p class="hint">{move || i18n.t().auth.bulk_intro}</p>
            <button
                type="button"
                class="btn wide"
                id="bulk-staff"
                disabled=move || run.pending().get()
                on:click=move |_| {
                    run.dispatch(Kind::STAFF);
                }
            >
                {move || i18n.t().auth.bulk_staff}
            </button>
            <label for="bulk-class">{move || i18n.t().auth.bulk_class}</label>
            {loaded(classes, move |list| {
                if class_id.get_untracked().is_empty()
                    && let Some(c) = list.first()
                {
                    class_id.set(c.id.clone());
                }
                view! {
                    <select id="bulk-class" on:change=move |ev| class_id.set(event_target_value(&ev))>
                        {list
                            .into_iter()
                            .map(|c| {
                                let selected = c.id == class_id.get_untracked();
                                view! { <option value=c.id.clone() selected=selected>{c.name.clone()}</option> }
                            })
                            .collect_view()}
                    </select>
                }
            })}
            <button
                type="button"
                class="btn secondary wide"
                id="bulk-guardians"
                disabled=move || run.pending().get() || class_id.get().is_empty()
                on:click=move |_| {
                    run.dispatch(Kind::GUARDIANS);
                }
            >
                {move || i18n.t().auth.bulk_guardians}
            </button>
            {move || run.pending().get().then(|| view! { <p class="muted" role="status">{move || i18n.t().auth.bulk_working}</p> })}
            {move || {
                made.get()
                    .map(|n| {
                        let text = move || {
                            if n == 0 {
                                i18n.t().auth.bulk_none.to_string()
                            } else {
                                (i18n.t().auth.bulk_made)(&n.to_string())
                            }
                        };
                        view! { <p class="notice" role="status" id="bulk-result">{text}</p> }
                    })
            }}
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
        </section>
        {move || {
            let list = slips.get();
            (!list.is_empty())
                .then(|| {
                    let mut groups: Vec<(String, Vec<Slip>)> = vec![];
                    for s in list {
                        match groups.iter_mut().find(|(g, _)| *g == s.group) {
                            Some((_, v)) => v.push(s),
                            None => groups.push((s.group.clone(), vec![s])),
                        }
                    }
                    view! {
                        <section class="slips" id="account-slips">
                            <div class="row no-print">
                                <h2>{move || i18n.t().auth.slips_title}</h2>
                                <button
                                    type="button"
                                    class="btn"
                                    id="print-slips"
                                    on:click=move |_| {
                                        if let Some(w) = web_sys::window() {
                                            let _ = w.print();
                                        }
                                    }
                                >
                                    {move || i18n.t().auth.slips_print}
                                </button>
                            </div>
                            {groups
                                .into_iter()
                                .map(|(group, v)| {
                                    view! {
                                        <div class="slip-group" data-group=group.clone()>
                                            {v
                                                .into_iter()
                                                .map(|s| {
                                                    view! {
                                                        <div class="slip" data-username=s.username.clone()>
                                                            <p class="slip-head">{school} " · " {group.clone()}</p>
                                                            <p class="slip-name">{s.name.clone()} " · " {s.detail.clone()}</p>
                                                            <p class="hint">{move || i18n.t().auth.slip_school_hint}</p>
                                                            <p>
                                                                {move || i18n.t().auth.slip_username} "："
                                                                <code class="slip-username">{s.username.clone()}</code>
                                                            </p>
                                                            <p>
                                                                {move || i18n.t().auth.slip_password} "："
                                                                <code class="slip-password">{s.password.clone()}</code>
                                                            </p>
                                                        </div>
                                                    }
                                                })
                                                .collect_view()}
                                        </div>
                                    }
                                })
                                .collect_view()}
                        </section>
                    }
                })
        }}
    }
}

/// Every account with its roles: grant and revoke.
#[component]
fn AccountRoles(changed: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let accounts = LocalResource::new(move || {
        changed.track();
        async {
            api::query::<ops::SchoolAccountRoles>(ops::school_account_roles::Variables)
                .await
                .map(|d| {
                    d.accounts
                        .edges
                        .into_iter()
                        .map(|e| e.node)
                        .collect::<Vec<_>>()
                })
        }
    });
    let filter = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    // (user id, role, grade) to grant, or a grant id to revoke.
    let grant = Action::new_local(move |(user, role, grade): &(String, Role, Option<i64>)| {
        let v = ops::grant_role::Variables {
            user_id: user.clone(),
            role: ops::Role(*role),
            grade: *grade,
        };
        async move {
            match api::query::<ops::GrantRole>(v).await {
                Ok(_) => {
                    error.set(None);
                    accounts.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let revoke = Action::new_local(move |grant_id: &String| {
        let v = ops::revoke_role::Variables {
            grant_id: grant_id.clone(),
        };
        async move {
            match api::query::<ops::RevokeRole>(v).await {
                Ok(_) => {
                    error.set(None);
                    accounts.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <section class="card no-print" id="account-roles">
            <h2>{move || i18n.t().auth.roles_title}</h2>
            <label class="sr-only" for="roles-filter">{move || i18n.t().auth.roles_filter}</label>
            <input id="roles-filter" type="search" placeholder=move || i18n.t().auth.roles_filter bind:value=filter/>
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
            {loaded(accounts, move |list| {
                view! {
                    <ul class="list" id="role-list">
                        {list
                            .into_iter()
                            .map(|a| {
                                let key = format!("{} {}", a.display_name, a.username).to_lowercase();
                                let hidden = move || {
                                    let f = filter.get().trim().to_lowercase();
                                    !f.is_empty() && !key.contains(&f)
                                };
                                let role = RwSignal::new(Role::Mentor);
                                let grade = RwSignal::new(String::new());
                                let user = a.id.clone();
                                view! {
                                    <li class="item" class:hidden=hidden data-username=a.username.clone()>
                                        <div class="item-main">
                                            <span class="name">{a.display_name.clone()}</span>
                                            <span class="meta">{a.username.clone()}</span>
                                            <span class="row grants">
                                                {a
                                                    .grants
                                                    .into_iter()
                                                    .map(|g| {
                                                        let r = g.role.0;
                                                        let label = move || match g.grade {
                                                            Some(n) => format!("{} {n}", i18n.t().role(r)),
                                                            None => i18n.t().role(r).to_string(),
                                                        };
                                                        let id = g.id.clone();
                                                        view! {
                                                            <span class="chip grant" data-role=r.code()>
                                                                {label}
                                                                <button
                                                                    type="button"
                                                                    class="btn ghost revoke-grant"
                                                                    aria-label=move || (i18n.t().auth.revoke)(i18n.t().role(r))
                                                                    on:click=move |_| {
                                                                        revoke.dispatch(id.clone());
                                                                    }
                                                                >
                                                                    "×"
                                                                </button>
                                                            </span>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </span>
                                        </div>
                                        <div class="item-side row">
                                            <select
                                                class="grant-role"
                                                on:change=move |ev| {
                                                    let v = event_target_value(&ev);
                                                    if let Some(r) = Role::from_code(&v) {
                                                        role.set(r);
                                                    }
                                                }
                                            >
                                                {GRANTABLE
                                                    .into_iter()
                                                    .map(|r| {
                                                        view! {
                                                            <option value=r.code() selected=r == Role::Mentor>
                                                                {move || i18n.t().role(r)}
                                                            </option>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </select>
                                            {move || {
                                                (role.get() == Role::GradeLeader)
                                                    .then(|| {
                                                        view! {
                                                            <input
                                                                class="grant-grade"
                                                                type="number"
                                                                min="1"
                                                                max="12"
                                                                aria-label=move || i18n.t().auth.grade
                                                                placeholder=move || i18n.t().auth.grade
                                                                bind:value=grade
                                                            />
                                                        }
                                                    })
                                            }}
                                            <button
                                                type="button"
                                                class="btn secondary grant-add"
                                                disabled=move || grant.pending().get()
                                                on:click=move |_| {
                                                    let g = grade.get_untracked().trim().parse::<i64>().ok();
                                                    grant.dispatch((user.clone(), role.get_untracked(), g));
                                                }
                                            >
                                                {move || i18n.t().auth.grant}
                                            </button>
                                        </div>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
        </section>
    }
}
