//! The app root: routes, the signed-in shell (header, role switcher,
//! language, bottom navigation) and the login page.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet, ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::hooks::use_navigate;
use leptos_router::path;
use shared::org::Role;

use crate::api::{self, ApiError, Tokens};
use crate::i18n::{provide_i18n, use_i18n};
use crate::ops;
use crate::outbox;
use crate::pages::{
    account, accounts, care, district, inbox, insights, integrations, lifecycle, matching,
    notify_settings, paper, people, policy, school, tasks, training,
};
use crate::session::{self, Notice, Session, use_session};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    Session::provide();
    // The document title follows the language.
    Effect::new(move |_| {
        let title = i18n.t().app_name;
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(title);
        }
    });
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=RoleHome/>
                    <Route path=path!("district") view=district::Schools/>
                    <Route path=path!("district/supervision") view=district::Supervision/>
                    <Route path=path!("district/baseline") view=policy::Baseline/>
                    <Route path=path!("school/policy") view=policy::SchoolPolicy/>
                    <Route path=path!("school/matching") view=matching::MatchingAdmin/>
                    <Route path=path!("school") view=school::Setup/>
                    <Route path=path!("school/classes") view=school::Classes/>
                    <Route path=path!("school/staff") view=school::Staff/>
                    <Route path=path!("school/students") view=school::Students/>
                    <Route path=path!("school/import") view=school::Import/>
                    <Route path=path!("school/accounts") view=accounts::SchoolAccountsPage/>
                    <Route path=path!("classes/:id") view=people::ClassDetail/>
                    <Route path=path!("grade") view=people::GradeHome/>
                    <Route path=path!("grade/students") view=people::GradeStudents/>
                    <Route path=path!("class") view=people::MyClass/>
                    <Route path=path!("mentor") view=people::MentorHome/>
                    <Route path=path!("tasks") view=tasks::TasksPage/>
                    <Route path=path!("students/:id") view=people::StudentDetail/>
                    <Route path=path!("counsellor") view=care::CounsellorHome/>
                    <Route path=path!("care/conferences") view=care::ConferencesPage/>
                    <Route path=path!("care/conferences/:id") view=care::ConferencePage/>
                    <Route path=path!("school/care-report") view=care::SchoolCareReport/>
                    <Route path=path!("district/care-report") view=care::DistrictCareReport/>
                    <Route path=path!("care/:id") view=care::CasePage/>
                    <Route path=path!("parent") view=people::ParentHome/>
                    <Route path=path!("student") view=people::StudentHome/>
                    <Route path=path!("account") view=account::AccountPage/>
                    <Route path=path!("mentor/record") view=lifecycle::MyRecord/>
                    <Route path=path!("surveys") view=lifecycle::Surveys/>
                    <Route path=path!("school/assessment") view=lifecycle::AssessmentAdmin/>
                    <Route path=path!("school/tasks") view=paper::TaskCompletionPage/>
                    <Route path=path!("school/surveys") view=lifecycle::SurveyAdmin/>
                    <Route path=path!("inbox") view=inbox::InboxPage/>
                    <Route path=path!("school/training") view=training::TrainingAdmin/>
                    <Route path=path!("review") view=training::ReviewPage/>
                    <Route path=path!("settings/notifications") view=notify_settings::NotifySettingsPage/>
                    <Route path=path!("school/integrations") view=integrations::IntegrationsPage/>
                    <Route path=path!("school/dashboard") view=insights::SchoolDashboard/>
                    <Route path=path!("grade/dashboard") view=insights::GradeDashboard/>
                    <Route path=path!("district/dashboard") view=insights::DistrictDashboard/>
                    <Route path=path!("district/schools/:id") view=insights::DistrictSchoolSummary/>
                    <Route path=path!("district/plans") view=insights::PlanFilings/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Sends a signed-in user to their role's home.
#[component]
fn RoleHome() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    move || match session.role.get() {
        Some(role) => view! { <Redirect path=session::home_path(role)/> }.into_any(),
        None => view! { <p class="card">{move || i18n.t().no_role}</p> }.into_any(),
    }
}

/// The frame around every signed-in page.
#[component]
fn Shell() -> impl IntoView {
    inbox::provide_unread();
    let session = use_session();
    let i18n = use_i18n();
    // A memo, so that refreshing the user's details does not rebuild the page.
    let signed_in = Memo::new(move |_| session.user.with(Option::is_some));
    let must_change = Memo::new(move |_| session.must_change_password.get());
    move || {
        if !session.ready.get() {
            return view! { <p class="muted center" role="status">{move || i18n.t().loading}</p> }
                .into_any();
        }
        if !signed_in.get() {
            return view! { <Redirect path="/login"/> }.into_any();
        }
        if must_change.get() {
            // A one-time password: nothing but setting a new one.
            return view! {
                <Header/>
                <main id="main" class="content">
                    <account::ForcedChange/>
                </main>
            }
            .into_any();
        }
        view! {
            <Header/>
            <crate::outbox::OutboxSync/>
            <main id="main" class="content">
                <Outlet/>
            </main>
            <BottomNav/>
        }
        .into_any()
    }
}

/// The language button (shown on every page, login included).
#[component]
fn LangButton() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            class="btn ghost"
            id="lang-switch"
            aria-label=move || i18n.t().lang_switch_label
            on:click=move |_| i18n.set(i18n.lang().other())
        >
            {move || i18n.t().lang_switch_to}
        </button>
    }
}

#[component]
fn Header() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let navigate = use_navigate();
    // Entries still in the outbox when signing out: the user confirms
    // deleting them (or stays signed in).
    let unsent = RwSignal::new(None::<usize>);
    let logout = Action::new_local(move |discard: &bool| {
        let discard = *discard;
        async move {
            if discard {
                outbox::purge();
            } else {
                let left = outbox::send_before_sign_out().await;
                if left > 0 {
                    unsent.set(Some(left));
                    return;
                }
            }
            unsent.set(None);
            api::logout().await;
            session.end(Some(Notice::LoggedOut));
        }
    });
    let sending = logout.pending();
    let roles = move || {
        session
            .user
            .with(|u| u.as_ref().map(|u| u.roles.clone()).unwrap_or_default())
    };
    let on_role = move |ev: leptos::ev::Event| {
        if let Some(role) = Role::from_code(&event_target_value(&ev)) {
            session.switch_role(role);
            navigate(session::home_path(role), Default::default());
        }
    };
    view! {
        <header class="topbar">
            <div class="brand">
                <span class="app-name">{move || i18n.t().app_name}</span>
                <span class="school">
                    {move || session.user.with(|u| u.as_ref().and_then(|u| u.place.clone()))}
                </span>
            </div>
            <div class="actions">
                <LangButton/>
                <inbox::InboxLink/>
                <A href="/account" attr:id="account-link" attr:class="btn ghost">
                    {move || i18n.t().auth.account_link}
                </A>
                <button
                    type="button"
                    class="btn ghost"
                    id="logout"
                    disabled=move || sending.get()
                    on:click=move |_| {
                        logout.dispatch(false);
                    }
                >
                    {move || i18n.t().logout}
                </button>
            </div>
        </header>
        {move || {
            (sending.get() && unsent.get().is_none())
                .then(|| view! { <p class="outbox-bar" role="status">{move || i18n.t().mentoring.sign_out_sending}</p> })
        }}
        {move || {
            unsent
                .get()
                .map(|n| {
                    view! {
                        <div class="error confirm-sheet" role="alertdialog" id="logout-confirm" aria-labelledby="logout-confirm-text">
                            <p id="logout-confirm-text">
                                {move || (i18n.t().mentoring.unsent_at_sign_out)(&i18n.num(n as i64))}
                            </p>
                            <div class="row">
                                <button
                                    type="button"
                                    class="btn danger"
                                    id="logout-delete"
                                    disabled=move || sending.get()
                                    on:click=move |_| {
                                        logout.dispatch(true);
                                    }
                                >
                                    {move || i18n.t().mentoring.sign_out_delete}
                                </button>
                                <button
                                    type="button"
                                    class="btn secondary"
                                    id="logout-cancel"
                                    on:click=move |_| unsent.set(None)
                                >
                                    {move || i18n.t().mentoring.stay_signed_in}
                                </button>
                            </div>
                        </div>
                    }
                })
        }}
        <div class="userbar">
            <span class="user-name">{move || session.user.with(|u| u.as_ref().map(|u| u.name.clone()))}</span>
            {move || {
                let roles = roles();
                if roles.len() > 1 {
                    view! {
                        <label class="role-switch">
                            <span class="muted">{move || i18n.t().current_role}</span>
                            <select id="role-switch" on:change=on_role.clone()>
                                {roles
                                    .into_iter()
                                    .map(|r| {
                                        view! {
                                            <option
                                                value=r.code()
                                                selected=move || session.role.get() == Some(r)
                                            >
                                                {move || i18n.t().role(r)}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </label>
                    }
                        .into_any()
                } else {
                    view! {
                        <span class="role-tag">
                            {move || session.role.get().map(|r| i18n.t().role(r))}
                        </span>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

#[component]
fn BottomNav() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    move || {
        let role = session.role.get()?;
        let items = session::nav(role);
        Some(view! {
            <nav class="tabs" aria-label=move || i18n.t().main_nav>
                <ul>
                    {items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            let label = item.label;
                            view! {
                                <li>
                                    <A href=item.path exact=i == 0>
                                        {move || label(i18n.t())}
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        })
    }
}

/// Why signing in failed.
#[derive(Debug, Clone)]
enum LoginError {
    /// Wrong username or password.
    Refused,
    /// A field was left empty.
    Missing,
    /// Anything else.
    Api(ApiError),
}

/// The sign-in page.
#[component]
fn LoginPage() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<LoginError>);

    let login = Action::new_local(move |(u, p): &(String, String)| {
        let (u, p) = (u.clone(), p.clone());
        async move {
            Tokens::clear();
            let vars = ops::login::Variables {
                username: u,
                password: p,
            };
            api::anonymous::<ops::Login>(vars).await
        }
    });

    Effect::new(move |_| {
        if let Some(result) = login.value().get() {
            match result {
                Ok(data) => {
                    let payload = data.login;
                    Tokens::store(&payload.access_token, &payload.refresh_token);
                    session
                        .must_change_password
                        .set(payload.must_change_password);
                    session.sign_in(Session::user_from_login(&payload.user));
                    session.ready.set(true);
                    // The school name comes with `me`; the page does not wait for it.
                    leptos::task::spawn_local(async move {
                        let _ = session.load_me().await;
                    });
                }
                Err(ApiError::Unauthenticated | ApiError::Validation(_) | ApiError::NotFound) => {
                    error.set(Some(LoginError::Refused));
                }
                Err(e) => error.set(Some(LoginError::Api(e))),
            }
        }
    });

    // Signed in (now or already): go to the role's home.
    Effect::new(move |_| {
        if session.ready.get() && session.user.with(Option::is_some) {
            navigate("/", Default::default());
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (u, p) = (username.get_untracked(), password.get_untracked());
        if u.trim().is_empty() || p.is_empty() {
            error.set(Some(LoginError::Missing));
            return;
        }
        error.set(None);
        login.dispatch((u.trim().to_string(), p));
    };

    view! {
        <main class="login" id="main">
            <div class="login-top">
                <LangButton/>
            </div>
            <h1 class="app-title">{move || i18n.t().app_name}</h1>
            <p class="muted center">{move || i18n.t().app_tagline}</p>
            <form class="card form" on:submit=on_submit novalidate=true>
                <h2>{move || i18n.t().login_title}</h2>
                <p class="muted">{move || i18n.t().login_subtitle}</p>
                {move || {
                    session
                        .notice
                        .get()
                        .map(|n| {
                            view! {
                                <p class="notice" role="status" id="login-notice">
                                    {move || n.message(i18n.t())}
                                </p>
                            }
                        })
                }}
                <label for="username">{move || i18n.t().username}</label>
                <input
                    id="username"
                    name="username"
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    bind:value=username
                />
                <label for="password">{move || i18n.t().password}</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    bind:value=password
                />
                {move || {
                    error
                        .get()
                        .map(|e| {
                            let message = move || match &e {
                                LoginError::Refused => i18n.t().login_failed.to_string(),
                                LoginError::Missing => i18n.t().login_missing.to_string(),
                                LoginError::Api(e) => e.message(i18n.t()),
                            };
                            view! {
                                <p class="error" role="alert" id="login-error">
                                    {message}
                                </p>
                            }
                        })
                }}
                <button type="submit" class="btn primary wide" id="login-submit" disabled=move || login.pending().get()>
                    {move || {
                        if login.pending().get() { i18n.t().logging_in } else { i18n.t().login_button }
                    }}
                </button>
            </form>
        </main>
    }
}

/// Unknown paths.
#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="content" id="main">
            <h1 class="page-title">{move || i18n.t().not_found_title}</h1>
            <a class="btn secondary" href="/">
                {move || i18n.t().back_home}
            </a>
        </main>
    }
}
