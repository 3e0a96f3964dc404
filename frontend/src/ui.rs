//! Small building blocks shared by the pages.

use std::future::Future;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{Label, use_i18n};

/// Shows a resource: a loading line, its error (with a retry button), or
/// the view `f` builds from its value.
pub fn loaded<T, F, V>(res: LocalResource<Result<T, ApiError>>, f: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    move || match res.get() {
        None => view! { <p class="muted" role="status">{move || i18n.t().loading}</p> }.into_any(),
        Some(Ok(v)) => f(v).into_any(),
        Some(Err(e)) => {
            view! { <ErrorBox err=e retry=Callback::new(move |_| res.refetch())/> }.into_any()
        }
    }
}

/// An error message, in the user's language, with an optional retry button.
#[component]
pub fn ErrorBox(err: ApiError, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
    let i18n = use_i18n();
    let err2 = err.clone();
    view! {
        <div class="error" role="alert">
            <p>{move || err2.message(i18n.t())}</p>
            {retry
                .filter(|_| err != ApiError::Unauthenticated)
                .map(|retry| {
                    view! {
                        <button type="button" class="btn secondary" on:click=move |_| retry.run(())>
                            {move || i18n.t().retry}
                        </button>
                    }
                })}
        </div>
    }
}

#[component]
pub fn PageTitle(
    /// The heading text.
    title: Label,
) -> impl IntoView {
    let i18n = use_i18n();
    view! { <h1 class="page-title">{move || title(i18n.t())}</h1> }
}

/// One page of a Relay connection, flattened.
#[derive(Debug, Clone)]
pub struct Page<N> {
    /// The nodes.
    pub nodes: Vec<N>,
    /// Cursor of the next page, if any.
    pub next: Option<String>,
    /// Total across all pages.
    pub total: i64,
}

/// State of a list loaded page by page ("load more").
#[derive(Debug)]
pub struct Pager<N: Send + Sync + 'static> {
    /// Everything loaded so far.
    pub items: RwSignal<Vec<N>>,
    /// Cursor of the next page.
    pub next: RwSignal<Option<String>>,
    /// Total count from the server.
    pub total: RwSignal<Option<i64>>,
    /// A request is in flight.
    pub loading: RwSignal<bool>,
    /// The last request failed.
    pub error: RwSignal<Option<ApiError>>,
}

impl<N: Send + Sync + 'static> Clone for Pager<N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<N: Send + Sync + 'static> Copy for Pager<N> {}

impl<N: Clone + Send + Sync + 'static> Pager<N> {
    /// An empty list.
    pub fn new() -> Self {
        Pager {
            items: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            total: RwSignal::new(None),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// Loads a page: `append` adds to the list, otherwise it replaces it.
    pub fn load<Fut>(self, fut: Fut, append: bool)
    where
        Fut: Future<Output = Result<Page<N>, ApiError>> + 'static,
    {
        self.loading.set(true);
        self.error.set(None);
        leptos::task::spawn_local(async move {
            let result = fut.await;
            if self.items.is_disposed() {
                return;
            }
            match result {
                Ok(page) => {
                    if append {
                        self.items.update(|v| v.extend(page.nodes));
                    } else {
                        self.items.set(page.nodes);
                    }
                    self.next.set(page.next);
                    self.total.set(Some(page.total));
                }
                Err(e) => self.error.set(Some(e)),
            }
            self.loading.set(false);
        });
    }
}

/// The footer of a paged list: loading line, error, or "load more".
#[component]
pub fn PagerFooter<N: Clone + Send + Sync + 'static>(
    /// The list.
    pager: Pager<N>,
    /// Loads the next page.
    more: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || {
            pager
                .error
                .get()
                .map(|e| view! { <ErrorBox err=e retry=more/> })
        }}
        {move || {
            if pager.loading.get() {
                Some(view! { <p class="muted" role="status">{move || i18n.t().loading}</p> }.into_any())
            } else if pager.next.get().is_some() && pager.error.get().is_none() {
                Some(
                    view! {
                        <button type="button" class="btn secondary wide" on:click=move |_| more.run(())>
                            {move || i18n.t().load_more}
                        </button>
                    }
                        .into_any(),
                )
            } else {
                None
            }
        }}
    }
}

/// A progress bar for long work (imports, matching runs, exports, the
/// assessment run): `value` 0–100, or none while the amount is unknown
/// (the bar then moves without a number). One component everywhere.
#[component]
pub fn ProgressBar(
    /// Percent done, if known.
    #[prop(into)]
    value: Signal<Option<i32>>,
    /// What is happening, shown under the bar and read by screen readers.
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    view! {
        <div class="progress-wrap">
            <div
                class="progress"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || value.get().map(|v| v.clamp(0, 100).to_string())
                aria-label=move || label.get()
            >
                <div
                    class=move || if value.get().is_some() { "progress-bar" } else { "progress-bar indeterminate" }
                    style=move || value.get().map(|v| format!("width: {}%", v.clamp(0, 100))).unwrap_or_default()
                ></div>
            </div>
            <p class="meta progress-label">{move || label.get()}</p>
        </div>
    }
}

/// Waits `ms` milliseconds (a timer in the browser).
pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}
