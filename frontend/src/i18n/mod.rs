//! Every user-facing string of the app, in zh-CN (default) and English.
//!
//! A string that a user can read lives here and nowhere else: views take
//! their text from [`Tr`], so a missing translation is a compile error.
//! One way in: `i18n.t()` is the current language's root table; the app's
//! own strings are its fields (`i18n.t().save`) and every capability's table
//! is a field too (`i18n.t().policy.policy_title`, `i18n.t().mentoring.…`).
//! This file holds the mechanism (language, context, `Intl` formatting);
//! `common.rs` the root table, and one file per capability its strings.
//! Numbers and dates are formatted with the browser's `Intl` for the chosen
//! locale.

use leptos::prelude::*;

use crate::storage;

mod auth;
mod care;
mod care_conf;
mod common;
mod file;
mod insights;
mod lifecycle;
mod matching;
mod mentoring;
mod notify;
mod org;
mod paper;
mod policy;
mod tasks;
mod training;

pub use common::{EN, Tr, ZH};

const LANG_KEY: &str = "daoshi.lang";

/// The languages of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 简体中文, the default.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// BCP 47 tag, for `<html lang>` and `Intl`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    fn from_tag(tag: &str) -> Option<Lang> {
        match tag {
            "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language (the app has two).
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The strings of this language.
    pub fn tr(self) -> &'static Tr {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

/// The app's language: a signal in context, remembered in localStorage.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// The current language (tracked).
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// The current strings (tracked).
    pub fn t(&self) -> &'static Tr {
        self.lang.get().tr()
    }

    /// Switches language, remembers it and updates `<html lang>`.
    pub fn set(&self, lang: Lang) {
        storage::set(LANG_KEY, lang.tag());
        set_html_lang(lang);
        self.lang.set(lang);
    }

    /// Formats an integer for the current locale (tracked).
    pub fn num(&self, n: i64) -> String {
        format_number(self.lang.get(), n)
    }

    /// Picks the Chinese or English version of a text that comes with both
    /// (server data, validation messages) (tracked).
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.lang.get() {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Formats an ISO date (`2026-09-01`) for the current locale (tracked).
    pub fn date(&self, iso: &str) -> String {
        format_date(self.lang.get(), iso)
    }
}

/// Creates the language signal from localStorage (zh-CN when unset) and
/// provides it as context.
pub fn provide_i18n() -> I18n {
    let lang = storage::get(LANG_KEY)
        .and_then(|s| Lang::from_tag(&s))
        .unwrap_or(Lang::Zh);
    set_html_lang(lang);
    let i18n = I18n {
        lang: RwSignal::new(lang),
    };
    provide_context(i18n);
    i18n
}

/// The language context provided by the app root.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

fn set_html_lang(lang: Lang) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.tag());
    }
}

fn format_number(lang: Lang, n: i64) -> String {
    let locales = js_sys::Array::of1(&lang.tag().into());
    let f = js_sys::Intl::NumberFormat::new(&locales, &js_sys::Object::new());
    let formatted = f.format().call1(&f, &(n as f64).into());
    formatted
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| n.to_string())
}

fn format_date(lang: Lang, iso: &str) -> String {
    // Parse the date part as a calendar date (no time-zone shift).
    let mut parts = iso.get(..10).unwrap_or(iso).split('-');
    let (Some(y), Some(m), Some(d)) = (
        parts.next().and_then(|p| p.parse::<u32>().ok()),
        parts.next().and_then(|p| p.parse::<i32>().ok()),
        parts.next().and_then(|p| p.parse::<i32>().ok()),
    ) else {
        return iso.to_string();
    };
    let date = js_sys::Date::new_with_year_month_day(y, m - 1, d);
    let locales = js_sys::Array::of1(&lang.tag().into());
    let opts = js_sys::Object::new();
    for (k, v) in [("year", "numeric"), ("month", "short"), ("day", "numeric")] {
        let _ = js_sys::Reflect::set(&opts, &k.into(), &v.into());
    }
    let f = js_sys::Intl::DateTimeFormat::new(&locales, &opts);
    f.format()
        .call1(&f, &date)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| iso.to_string())
}

/// A string picked from [`Tr`] (labels, headings).
pub type Label = fn(&Tr) -> &'static str;
/// A message with one number or name in it.
pub type Fmt1 = fn(&str) -> String;
/// A message with two values in it.
pub type Fmt2 = fn(&str, &str) -> String;
/// A message with three numbers in it.
pub type Fmt3 = fn(&str, &str, &str) -> String;

#[cfg(test)]
mod tests {
    use super::*;
    use shared::org::{Qualification, Role, SchoolStage};

    #[test]
    fn both_languages_name_every_role_stage_and_standing() {
        for t in [&ZH, &EN] {
            for r in Role::ALL {
                assert!(!t.role(r).is_empty());
            }
            for s in SchoolStage::ALL {
                assert!(!t.stage(s).is_empty());
            }
            for q in [
                Qualification::Untrained,
                Qualification::Training,
                Qualification::Probation,
                Qualification::Appointed,
                Qualification::Deferred,
            ] {
                assert!(!t.qualification(q).is_empty());
            }
        }
        assert_ne!(ZH.role(Role::Mentor), EN.role(Role::Mentor));
    }

    #[test]
    fn messages_put_their_values_in() {
        assert_eq!((ZH.org.mentor_count)("12"), "共 12 名学生");
        assert_eq!((EN.org.mentor_count)("12"), "12 students");
        assert!((ZH.org.import_summary)("1", "2", "3").contains('3'));
        assert!((EN.org.import_rejected)("4").starts_with('4'));
    }

    #[test]
    fn task_kinds_statuses_and_events_are_named_in_both_languages() {
        const KINDS: [&str; 7] = [
            "HOME_VISIT",
            "TALKS",
            "EXAM_TALK",
            "GROWTH_MESSAGE",
            "PARENT_CONTACT",
            "SELF_REPORT",
            "OPTIONAL_ACTIONS",
        ];
        for t in [&ZH, &EN] {
            let mut names: Vec<&str> = KINDS.iter().map(|k| t.tasks.req_kind(k)).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), KINDS.len(), "two kinds share a name");
            for s in ["DONE", "DUE", "OVERDUE", "NOT_APPLICABLE"] {
                assert!(!t.tasks.status(s).is_empty());
            }
            for e in ["KEY_EXAM", "LIFE_EVENT", "OTHER"] {
                assert!(!t.policy.event_kind(e).is_empty());
            }
        }
        assert_eq!((ZH.policy.version_n)("2"), "第 2 版");
        assert_eq!((EN.policy.saved_version)("3"), "Saved as version 3.");
        assert!((ZH.tasks.tasks_as_of)("2026学年第一学期", "11月29日").contains("截至"));
    }

    #[test]
    fn the_language_switch_names_the_other_language() {
        assert_eq!(Lang::Zh.other(), Lang::En);
        assert_eq!(Lang::Zh.tr().lang_switch_to, "English");
        assert_eq!(Lang::En.tr().lang_switch_to, "中文");
        assert_eq!(Lang::from_tag(Lang::En.tag()), Some(Lang::En));
    }

    #[test]
    fn each_language_holds_its_own_capability_tables() {
        assert_eq!(ZH.mentoring.kind_name("TALK"), "谈心谈话");
        assert_eq!(EN.mentoring.kind_name("TALK"), "Talk");
        for (a, b) in [
            (ZH.matching.title, EN.matching.title),
            (ZH.org.district_title, EN.org.district_title),
            (ZH.policy.policy_title, EN.policy.policy_title),
            (ZH.tasks.col_task, EN.tasks.col_task),
        ] {
            assert_ne!(a, b);
        }
    }
}
