//! Score → band, never a rank (教考一致, 不排名).
//!
//! Middle and high schools report results as percentage bands (百分比区间,
//! e.g. 90–100%); primary schools report grade levels (等第: 优秀/良好/合格/
//! 待合格, or A/B/C/D). A [`BandScale`] maps one student's own score to a band
//! of that scale. Nothing here, and nothing anywhere in Daoshi, takes more than
//! one student's score at a time or computes a position among students: there
//! is deliberately no API that could.

use serde::{Deserialize, Serialize};

use crate::validation::Violation;

/// How results are shown to students and parents. Ranking is not an option:
/// there is no variant for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DisplayKind {
    /// 百分比区间: the band is shown as a range, e.g. "90%–100%".
    PercentBands,
    /// 等第: the band is shown as a level, e.g. "优秀" or "A".
    GradeLevels,
}

impl DisplayKind {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            DisplayKind::PercentBands => "百分比区间",
            DisplayKind::GradeLevels => "等第制",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            DisplayKind::PercentBands => "Percentage bands",
            DisplayKind::GradeLevels => "Grade levels",
        }
    }
}

/// One band: whole percentages `min..=max` of full marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    /// Short stable code, e.g. "A".
    pub code: String,
    /// What users see: "优秀" for a level, "90%–100%" for a percentage band.
    pub label_zh: String,
    /// Lowest whole percentage in the band (inclusive).
    pub min: u8,
    /// Highest whole percentage in the band (inclusive).
    pub max: u8,
}

impl Band {
    fn new(code: &str, label_zh: &str, min: u8, max: u8) -> Band {
        Band {
            code: code.to_owned(),
            label_zh: label_zh.to_owned(),
            min,
            max,
        }
    }
}

/// A school's scale: bands listed from the lowest to the highest, together
/// covering 0–100 with no gap and no overlap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandScale {
    /// How the band is displayed.
    pub kind: DisplayKind,
    /// The bands, ascending.
    pub bands: Vec<Band>,
}

impl BandScale {
    /// Percentage bands of ten points above 60: 0–59, 60–69, 70–79, 80–89, 90–100.
    pub fn percent_default() -> BandScale {
        BandScale {
            kind: DisplayKind::PercentBands,
            bands: vec![
                Band::new("E", "0%–59%", 0, 59),
                Band::new("D", "60%–69%", 60, 69),
                Band::new("C", "70%–79%", 70, 79),
                Band::new("B", "80%–89%", 80, 89),
                Band::new("A", "90%–100%", 90, 100),
            ],
        }
    }

    /// Percentage bands from ascending lower edges, e.g. `[0, 60, 75, 90]`
    /// gives 0–59, 60–74, 75–89, 90–100. Codes are letters from the top
    /// ("A" for the highest band). The result may be invalid (check it with
    /// [`BandScale::validate`]) if the edges are not strictly ascending from 0.
    pub fn percent_from_edges(lower_edges: &[u8]) -> BandScale {
        let n = lower_edges.len();
        let bands = lower_edges
            .iter()
            .enumerate()
            .map(|(i, &min)| {
                let max = if i + 1 < n {
                    lower_edges[i + 1].saturating_sub(1)
                } else {
                    100
                };
                let code = char::from(b'A' + (n - 1 - i).min(25) as u8).to_string();
                Band {
                    code,
                    label_zh: format!("{min}%–{max}%"),
                    min,
                    max,
                }
            })
            .collect();
        BandScale {
            kind: DisplayKind::PercentBands,
            bands,
        }
    }

    /// Primary-school levels in words: 待合格 0–59, 合格 60–74, 良好 75–89, 优秀 90–100.
    pub fn primary_levels_zh() -> BandScale {
        BandScale {
            kind: DisplayKind::GradeLevels,
            bands: vec![
                Band::new("D", "待合格", 0, 59),
                Band::new("C", "合格", 60, 74),
                Band::new("B", "良好", 75, 89),
                Band::new("A", "优秀", 90, 100),
            ],
        }
    }

    /// Primary-school levels as letters: D 0–59, C 60–74, B 75–89, A 90–100.
    pub fn primary_levels_abcd() -> BandScale {
        BandScale {
            kind: DisplayKind::GradeLevels,
            bands: vec![
                Band::new("D", "D", 0, 59),
                Band::new("C", "C", 60, 74),
                Band::new("B", "B", 75, 89),
                Band::new("A", "A", 90, 100),
            ],
        }
    }

    /// Every problem with the scale; `path` is prefixed to each violation's
    /// path (e.g. `"assessment.secondary"` gives `"assessment.secondary.bands.2.min"`).
    pub fn validate(&self, path: &str) -> Vec<Violation> {
        let mut out = Vec::new();
        if self.bands.is_empty() {
            out.push(Violation::new(
                format!("{path}.bands"),
                "至少需要一个区间".to_owned(),
                "At least one band is required".to_owned(),
            ));
            return out;
        }
        if self.bands.len() < 2 {
            out.push(Violation::new(
                format!("{path}.bands"),
                "至少需要两个区间".to_owned(),
                "At least two bands are required".to_owned(),
            ));
        }
        let mut codes: Vec<&str> = Vec::new();
        for (i, b) in self.bands.iter().enumerate() {
            let p = format!("{path}.bands.{i}");
            if b.code.trim().is_empty() {
                out.push(Violation::new(
                    format!("{p}.code"),
                    "区间代码不能为空".to_owned(),
                    "Band code must not be empty".to_owned(),
                ));
            } else if codes.contains(&b.code.as_str()) {
                out.push(Violation::new(
                    format!("{p}.code"),
                    format!("区间代码“{}”重复", b.code),
                    format!("Band code \"{}\" is used twice", b.code),
                ));
            }
            codes.push(b.code.as_str());
            if b.label_zh.trim().is_empty() {
                out.push(Violation::new(
                    format!("{p}.label_zh"),
                    "区间名称不能为空".to_owned(),
                    "Band label must not be empty".to_owned(),
                ));
            }
            if b.max > 100 {
                out.push(Violation::new(
                    format!("{p}.max"),
                    format!("上限{}超过100", b.max),
                    format!("Upper edge {} is above 100", b.max),
                ));
            }
            if b.min > b.max {
                out.push(Violation::new(
                    format!("{p}.min"),
                    format!("下限{}高于上限{}", b.min, b.max),
                    format!("Lower edge {} is above upper edge {}", b.min, b.max),
                ));
            }
            if i == 0 {
                if b.min != 0 {
                    out.push(Violation::new(
                        format!("{p}.min"),
                        format!("最低区间须从0开始(现为{})", b.min),
                        format!("The lowest band must start at 0 (it starts at {})", b.min),
                    ));
                }
            } else {
                let prev = &self.bands[i - 1];
                let expected = u16::from(prev.max) + 1;
                let got = u16::from(b.min);
                if got > expected {
                    out.push(Violation::new(
                        format!("{p}.min"),
                        format!("{}与{}之间有空缺", prev.max, b.min),
                        format!("Gap between {} and {}", prev.max, b.min),
                    ));
                } else if got < expected {
                    out.push(Violation::new(
                        format!("{p}.min"),
                        format!("区间重叠或未按升序排列(上一区间止于{})", prev.max),
                        format!(
                            "Bands overlap or are not ascending (previous band ends at {})",
                            prev.max
                        ),
                    ));
                }
            }
        }
        if let Some(last) = self.bands.last()
            && last.max != 100
        {
            out.push(Violation::new(
                format!("{path}.bands.{}.max", self.bands.len() - 1),
                format!("最高区间须止于100(现为{})", last.max),
                format!("The highest band must end at 100 (it ends at {})", last.max),
            ));
        }
        out
    }

    /// The band for a percentage of full marks (0.0–100.0). Fractions are
    /// floored (89.5 % is in the band that holds 89); values outside 0–100 are
    /// clamped; NaN has no band.
    pub fn band_for_percent(&self, percent: f64) -> Option<&Band> {
        if percent.is_nan() {
            return None;
        }
        let p = percent.clamp(0.0, 100.0).floor() as u8;
        self.bands.iter().find(|b| b.min <= p && p <= b.max)
    }

    /// The band for one student's raw score out of `full_marks`.
    /// `None` if `full_marks` is not positive.
    pub fn band_for_score(&self, score: f64, full_marks: f64) -> Option<&Band> {
        if full_marks.is_nan() || full_marks <= 0.0 {
            return None;
        }
        self.band_for_percent(score / full_marks * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        for s in [
            BandScale::percent_default(),
            BandScale::primary_levels_zh(),
            BandScale::primary_levels_abcd(),
            BandScale::percent_from_edges(&[0, 60, 75, 90]),
        ] {
            assert!(s.validate("x").is_empty(), "{s:?}");
        }
    }

    #[test]
    fn scores_map_to_bands() {
        let s = BandScale::percent_default();
        assert_eq!(s.band_for_percent(100.0).unwrap().code, "A");
        assert_eq!(s.band_for_percent(90.0).unwrap().code, "A");
        assert_eq!(s.band_for_percent(89.99).unwrap().code, "B");
        assert_eq!(s.band_for_percent(0.0).unwrap().code, "E");
        assert_eq!(s.band_for_score(135.0, 150.0).unwrap().code, "A");
        assert!(s.band_for_score(1.0, 0.0).is_none());
        assert!(s.band_for_percent(f64::NAN).is_none());
        let p = BandScale::primary_levels_zh();
        assert_eq!(p.band_for_score(80.0, 100.0).unwrap().label_zh, "良好");
        let e = BandScale::percent_from_edges(&[0, 60, 75, 90]);
        assert_eq!(e.bands[3].label_zh, "90%–100%");
        assert_eq!(e.bands[3].code, "A");
        assert_eq!(e.bands[0].max, 59);
    }

    #[test]
    fn gaps_overlaps_and_order_are_reported() {
        let mut s = BandScale::percent_default();
        s.bands[2].min = 72; // gap 69..72
        let v = s.validate("assessment.secondary");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].path, "assessment.secondary.bands.2.min");

        let mut s = BandScale::percent_default();
        s.bands[2].min = 65; // overlap
        assert_eq!(s.validate("p")[0].path, "p.bands.2.min");

        let mut s = BandScale::percent_default();
        s.bands.reverse();
        assert!(!s.validate("p").is_empty());

        let mut s = BandScale::percent_default();
        s.bands[4].max = 99;
        s.bands[0].min = 1;
        let v = s.validate("p");
        assert!(v.iter().any(|x| x.path == "p.bands.4.max"));
        assert!(v.iter().any(|x| x.path == "p.bands.0.min"));

        let s = BandScale {
            kind: DisplayKind::GradeLevels,
            bands: vec![],
        };
        assert_eq!(s.validate("p")[0].path, "p.bands");
    }
}
