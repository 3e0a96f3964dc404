//! 账号与安全 (Account): changing one's password (every role), the forced
//! change after signing in with a one-time password, and, for the school
//! admin, the school's accounts with reset, deactivate and reactivate.

use leptos::prelude::*;
use shared::org::Role;

use crate::api::{self, ApiError, Tokens};
use crate::i18n::use_i18n;
use crate::ops;
use crate::session::use_session;
use crate::ui::{PageTitle, loaded};

/// What the form refuses before asking the server.
#[derive(Debug, Clone)]
enum FormError {
    Missing,
    TooShort,
    TooLong,
    Mismatch,
    Same,
    Api(ApiError),
}

/// The password rule the server applies, checked first in the browser so
/// the common mistakes read in the user's language.
fn check(current: &str, new: &str, again: &str) -> Result<(), FormError> {
    let n = new.chars().count();
    if current.is_empty() || new.is_empty() {
        Err(FormError::Missing)
    } else if n < 10 {
        Err(FormError::TooShort)
    } else if n > 128 {
        Err(FormError::TooLong)
    } else if new != again {
        Err(FormError::Mismatch)
    } else if new == current {
        Err(FormError::Same)
    } else {
        Ok(())
    }
}

/// Changes the signed-in user's password; the answer is a fresh session
/// (every other one ends).
#[component]
fn ChangePasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<FormError>);
    let done = RwSignal::new(false);
    let change = Action::new_local(move |(c, n): &(String, String)| {
        let vars = ops::change_password::Variables {
            current_password: c.clone(),
            new_password: n.clone(),
        };
        async move { api::query::<ops::ChangePassword>(vars).await }
    });
    Effect::new(move |_| {
        if let Some(result) = change.value().get() {
            match result {
                Ok(d) => {
                    let p = d.change_password;
                    Tokens::store(&p.access_token, &p.refresh_token);
                    current.set(String::new());
                    new.set(String::new());
                    again.set(String::new());
                    error.set(None);
                    done.set(true);
                    // Only a real change re-renders the shell (the forced
                    // screen gives way to the app).
                    if session.must_change_password.get_untracked() != p.must_change_password {
                        session.must_change_password.set(p.must_change_password);
                    }
                }
                Err(e) => error.set(Some(FormError::Api(e))),
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let (c, n, a) = (
            current.get_untracked(),
            new.get_untracked(),
            again.get_untracked(),
        );
        match check(&c, &n, &a) {
            Ok(()) => {
                error.set(None);
                change.dispatch((c, n));
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <form class="card form" id="change-password" on:submit=on_submit novalidate=true>
            <h2>{move || i18n.t().auth.change_title}</h2>
            <p class="hint">{move || i18n.t().auth.policy_hint}</p>
            <label for="current-password">{move || i18n.t().auth.current_password}</label>
            <input id="current-password" type="password" autocomplete="current-password" bind:value=current/>
            <label for="new-password">{move || i18n.t().auth.new_password}</label>
            <input id="new-password" type="password" autocomplete="new-password" bind:value=new/>
            <label for="confirm-password">{move || i18n.t().auth.confirm_password}</label>
            <input id="confirm-password" type="password" autocomplete="new-password" bind:value=again/>
            {move || {
                error
                    .get()
                    .map(|e| {
                        let message = move || {
                            let t = i18n.t();
                            match &e {
                                FormError::Missing => t.auth.err_missing.to_string(),
                                FormError::TooShort => t.auth.err_too_short.to_string(),
                                FormError::TooLong => t.auth.err_too_long.to_string(),
                                FormError::Mismatch => t.auth.err_mismatch.to_string(),
                                FormError::Same => t.auth.err_same.to_string(),
                                FormError::Api(e) => e.message(t),
                            }
                        };
                        view! { <p class="error" role="alert" id="change-password-error">{message}</p> }
                    })
            }}
            {move || {
                done.get()
                    .then(|| view! { <p class="notice" role="status" id="change-password-done">{move || i18n.t().auth.changed}</p> })
            }}
            <button type="submit" class="btn primary wide" id="change-password-submit" disabled=move || change.pending().get()>
                {move || if change.pending().get() { i18n.t().auth.changing } else { i18n.t().auth.change_button }}
            </button>
        </form>
    }
}

/// Shown instead of every page after signing in with a one-time password.
#[component]
pub fn ForcedChange() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1 class="page-title" id="forced-change">{move || i18n.t().auth.forced_title}</h1>
        <p class="notice">{move || i18n.t().auth.forced_intro}</p>
        <ChangePasswordForm/>
    }
}

/// 账号与安全: every role changes its password here; the school admin also
/// manages the school's accounts.
#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    view! {
        <PageTitle title=|t| t.auth.account_title/>
        <ChangePasswordForm/>
        {move || (session.role.get() == Some(Role::SchoolAdmin)).then(|| view! { <SchoolAccounts/> })}
    }
}

/// An action on an account waiting for confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Reset,
    Deactivate,
    Reactivate,
}

/// The school's accounts with reset, deactivate and reactivate.
#[component]
fn SchoolAccounts() -> impl IntoView {
    let i18n = use_i18n();
    let accounts = LocalResource::new(|| async {
        api::query::<ops::SchoolAccounts>(ops::school_accounts::Variables)
            .await
            .map(|d| {
                d.accounts
                    .edges
                    .into_iter()
                    .map(|e| e.node)
                    .collect::<Vec<_>>()
            })
    });
    // (action, user id, display name) awaiting confirmation.
    let pending = RwSignal::new(None::<(Act, String, String)>);
    // (display name, one-time password), shown once.
    let otp = RwSignal::new(None::<(String, String)>);
    let error = RwSignal::new(None::<ApiError>);
    let run = Action::new_local(move |(act, id, name): &(Act, String, String)| {
        let (act, id, name) = (*act, id.clone(), name.clone());
        async move {
            let r = match act {
                Act::Reset => {
                    api::query::<ops::ResetPassword>(ops::reset_password::Variables { user_id: id })
                        .await
                        .map(|d| Some((name, d.reset_password.password)))
                }
                Act::Deactivate => {
                    api::query::<ops::DeactivateAccount>(ops::deactivate_account::Variables {
                        user_id: id,
                    })
                    .await
                    .map(|_| None)
                }
                Act::Reactivate => {
                    api::query::<ops::ReactivateAccount>(ops::reactivate_account::Variables {
                        user_id: id,
                    })
                    .await
                    .map(|_| None)
                }
            };
            match r {
                Ok(shown) => {
                    error.set(None);
                    otp.set(shown);
                    accounts.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <section class="card" id="school-accounts">
            <h2>{move || i18n.t().auth.accounts_title}</h2>
            {move || error.get().map(|e| view! { <p class="error" role="alert" id="account-action-error">{move || e.message(i18n.t())}</p> })}
            {move || {
                otp.get()
                    .map(|(name, password)| {
                        view! {
                            <div class="notice" role="status" id="one-time-password">
                                <p>{move || (i18n.t().auth.otp_title)(&name)}</p>
                                <p><code class="otp" id="otp-value">{password}</code></p>
                                <p class="hint">{move || i18n.t().auth.otp_hint}</p>
                                <button type="button" class="btn secondary" id="otp-done" on:click=move |_| otp.set(None)>
                                    {move || i18n.t().auth.done}
                                </button>
                            </div>
                        }
                    })
            }}
            {move || {
                pending
                    .get()
                    .map(|(act, id, name)| {
                        let question = {
                            let name = name.clone();
                            move || {
                                let t = i18n.t();
                                match act {
                                    Act::Reset => (t.auth.confirm_reset)(&name),
                                    Act::Deactivate => (t.auth.confirm_deactivate)(&name),
                                    Act::Reactivate => (t.auth.confirm_reactivate)(&name),
                                }
                            }
                        };
                        view! {
                            <div class="error" role="alertdialog" id="account-confirm">
                                <p>{question}</p>
                                <div class="row">
                                    <button
                                        type="button"
                                        class="btn danger"
                                        id="account-confirm-yes"
                                        disabled=move || run.pending().get()
                                        on:click=move |_| {
                                            pending.set(None);
                                            run.dispatch((act, id.clone(), name.clone()));
                                        }
                                    >
                                        {move || i18n.t().auth.confirm_yes}
                                    </button>
                                    <button type="button" class="btn secondary" id="account-confirm-no" on:click=move |_| pending.set(None)>
                                        {move || i18n.t().auth.cancel}
                                    </button>
                                </div>
                            </div>
                        }
                    })
            }}
            {loaded(accounts, move |list| {
                if list.is_empty() {
                    return view! { <p class="muted">{move || i18n.t().auth.accounts_empty}</p> }.into_any();
                }
                view! {
                    <ul class="list" id="account-list">
                        {list
                            .into_iter()
                            .map(|a| {
                                let active = a.active;
                                let (id1, id2) = (a.id.clone(), a.id.clone());
                                let (n1, n2) = (a.display_name.clone(), a.display_name.clone());
                                let toggle = if active { Act::Deactivate } else { Act::Reactivate };
                                view! {
                                    <li class="item" data-username=a.username.clone()>
                                        <div class="item-main">
                                            <span class="name">{a.display_name.clone()}</span>
                                            <span class="meta">
                                                {a.username.clone()}
                                                {(!active).then(|| view! { " · " {move || i18n.t().auth.inactive} })}
                                            </span>
                                        </div>
                                        <div class="item-side row">
                                            <button
                                                type="button"
                                                class="btn secondary account-reset"
                                                on:click=move |_| pending.set(Some((Act::Reset, id1.clone(), n1.clone())))
                                            >
                                                {move || i18n.t().auth.reset}
                                            </button>
                                            <button
                                                type="button"
                                                class="btn ghost account-toggle"
                                                on:click=move |_| pending.set(Some((toggle, id2.clone(), n2.clone())))
                                            >
                                                {move || if active { i18n.t().auth.deactivate } else { i18n.t().auth.reactivate }}
                                            </button>
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
