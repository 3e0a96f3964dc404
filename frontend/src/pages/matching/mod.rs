//! 导师匹配: the school admin's matching rounds (open a round, run the
//! preview, statistics with a chart of load per mentor and of the choices
//! received, the assignments with their explanations and filters, a manual
//! reassignment with the cap enforced live and a required reason, publication
//! with a confirmation), and the student's side (rank up to five mentors,
//! pick one with places in a self-selection round, see the published mentor
//! and why).
//!
//! Students are never ranked by results: the only positions shown are the
//! students' own choice numbers (志愿).

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{I18n, Lang};
use crate::ops;

mod admin;
mod decide;
mod preview;
mod student;
mod team;

pub use admin::MatchingAdmin;
pub use student::StudentMatching;
pub use team::TeamApplication;

/// Most choices a student may list (the server's limit).
const MAX_CHOICES: usize = 5;

/// Today's date (the browser's), ISO.
fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// A term as the pickers need it.
#[derive(Debug, Clone, PartialEq)]
pub struct TermRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// First day, ISO.
    pub starts_on: String,
    /// Last day, ISO.
    pub ends_on: String,
}

/// The term containing `today`, else the next to start, else the newest.
pub fn current_term(terms: &[TermRow], today: &str) -> Option<String> {
    terms
        .iter()
        .find(|t| t.starts_on.as_str() <= today && today <= t.ends_on.as_str())
        .or_else(|| {
            terms
                .iter()
                .filter(|t| t.starts_on.as_str() > today)
                .min_by(|a, b| a.starts_on.cmp(&b.starts_on))
        })
        .or_else(|| terms.iter().max_by(|a, b| a.starts_on.cmp(&b.starts_on)))
        .map(|t| t.id.clone())
}

async fn load_terms() -> Result<Vec<TermRow>, ApiError> {
    Ok(api::query::<ops::Terms>(ops::terms::Variables)
        .await?
        .terms
        .into_iter()
        .map(|t| TermRow {
            id: t.id,
            name: t.name,
            starts_on: t.starts_on,
            ends_on: t.ends_on,
        })
        .collect())
}

/// A share as a whole percentage.
fn pct(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "0%".into();
    }
    format!("{}%", (part * 100 + whole / 2) / whole)
}

/// A median: whole numbers without decimals.
fn median_text(m: f64) -> String {
    if (m - m.round()).abs() < 1e-9 {
        format!("{}", m.round() as i64)
    } else {
        format!("{m:.1}")
    }
}

/// A pair's explanation: the server's line (Chinese), and in English an
/// English line from the stage and choice number before it.
fn why_view(i18n: I18n, stage: String, choice: Option<i64>, why: String) -> impl IntoView {
    let english = move || {
        (i18n.lang() == Lang::En && !stage.is_empty()).then(|| {
            view! {
                <span class="why-en">{i18n.t().matching.explain(&stage, choice)}</span>
                <br/>
            }
        })
    };
    view! {
        {english}
        <span lang="zh-CN">{why}</span>
    }
}

/// A bar's width in percent of the largest value.
fn width(v: i64, max: i64) -> String {
    let w = if max <= 0 {
        0
    } else {
        (v * 100 / max).clamp(0, 100)
    };
    format!("width: {w}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str, from: &str, to: &str) -> TermRow {
        TermRow {
            id: id.into(),
            name: id.into(),
            starts_on: from.into(),
            ends_on: to.into(),
        }
    }

    #[test]
    fn the_current_term_is_today_s_else_the_next_else_the_newest() {
        let terms = [
            t("a", "2026-09-01", "2027-01-22"),
            t("b", "2027-02-17", "2027-06-30"),
        ];
        assert_eq!(current_term(&terms, "2026-11-29").as_deref(), Some("a"));
        assert_eq!(current_term(&terms, "2027-02-01").as_deref(), Some("b"));
        assert_eq!(current_term(&terms, "2027-08-01").as_deref(), Some("b"));
        assert_eq!(current_term(&[], "2027-08-01"), None);
    }

    #[test]
    fn every_stage_is_explained_in_both_languages() {
        use crate::i18n::{EN, ZH};
        assert_eq!(
            EN.matching.explain("PREFERENCE", Some(1)),
            "Your 1st choice."
        );
        assert!(
            EN.matching
                .explain("PREFERENCE", Some(2))
                .contains("choice 2")
        );
        assert!(
            ZH.matching
                .explain("PREFERENCE", Some(3))
                .contains("第3志愿")
        );
        for stage in ["FILL", "MANUAL", "LOTTERY", "CLUB", "CONTINUITY"] {
            assert_ne!(
                EN.matching.explain(stage, None),
                ZH.matching.explain(stage, None)
            );
        }
    }

    #[test]
    fn shares_and_medians_read_well() {
        assert_eq!(pct(1, 3), "33%");
        assert_eq!(pct(2, 3), "67%");
        assert_eq!(pct(0, 0), "0%");
        assert_eq!(median_text(2.0), "2");
        assert_eq!(median_text(2.5), "2.5");
        assert_eq!(width(5, 10), "width: 50%");
        assert_eq!(width(3, 0), "width: 0%");
    }
}
