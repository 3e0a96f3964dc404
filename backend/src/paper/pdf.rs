//! Printable A4 documents: text laid out top to bottom in a CJK font that is
//! embedded as a subset (only the glyphs used), the school's name at the top
//! of every page and "第 n 页 / 共 m 页" at the bottom.
//!
//! Layout is deliberately simple: lines of text at a size, wrapped to the
//! page width (an ideograph is one em wide, other characters a little over
//! half an em: Noto Sans CJK's proportions), and a page break when the next
//! line would cross the bottom margin or a section asks for a fresh page.

use std::sync::{Arc, OnceLock};

use krilla::Document;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 64.0;
const TOP: f32 = 96.0;
const BOTTOM: f32 = 770.0;
/// Most pages one document may have (bounded work and size).
pub const MAX_PAGES: usize = 2_000;

/// Where the CJK font is looked for when `DAOSHI_CJK_FONT` is not set:
/// Debian's `fonts-noto-cjk` (index 2 of the collection is Simplified
/// Chinese), then `fonts-wqy-zenhei`.
const CANDIDATES: [(&str, u32); 3] = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
];

static FONT: OnceLock<Result<Font, String>> = OnceLock::new();

/// The CJK font, read once: `DAOSHI_CJK_FONT` (a path, with
/// `DAOSHI_CJK_FONT_INDEX` for a collection) or the first Debian font found.
pub fn font() -> Result<Font, String> {
    FONT.get_or_init(|| {
        let configured = std::env::var("DAOSHI_CJK_FONT").ok().map(|p| {
            let index = std::env::var("DAOSHI_CJK_FONT_INDEX")
                .ok()
                .and_then(|i| i.parse().ok())
                .unwrap_or(0);
            (p, index)
        });
        let list: Vec<(String, u32)> = match configured {
            Some(c) => vec![c],
            None => CANDIDATES
                .iter()
                .map(|(p, i)| ((*p).to_string(), *i))
                .collect(),
        };
        for (path, index) in &list {
            if let Ok(bytes) = std::fs::read(path) {
                return Font::new(Arc::new(bytes).into(), *index)
                    .ok_or_else(|| format!("字体文件无法读取：{path}"));
            }
        }
        Err("未找到中文字体：请安装 fonts-noto-cjk，或用 DAOSHI_CJK_FONT 指定字体文件".into())
    })
    .clone()
}

/// Estimated advance of a character in ems (see the module doc).
fn advance(c: char) -> f32 {
    if c.is_ascii() {
        if c == ' ' { 0.3 } else { 0.6 }
    } else {
        1.0
    }
}

/// Splits text into lines no wider than `width` points at `size`; a blank
/// line in the text stays a paragraph break.
pub fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        let mut w = 0.0;
        for c in para.chars().filter(|c| !c.is_control()) {
            let a = advance(c) * size;
            if w + a > width && !line.is_empty() {
                out.push(std::mem::take(&mut line));
                w = 0.0;
            }
            line.push(c);
            w += a;
        }
        out.push(line);
    }
    out
}

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    Rule {
        y: f32,
    },
}

/// A document being laid out.
pub struct Doc {
    school: String,
    title: String,
    pages: Vec<Vec<Op>>,
    y: f32,
}

/// How a line is placed.
#[derive(Debug, Clone, Copy)]
pub enum Align {
    /// From the left margin.
    Left,
    /// Centred on the page.
    Center,
    /// Ending at the right margin.
    Right,
}

impl Doc {
    /// A document of the school `school` titled `title` (its metadata).
    pub fn new(school: &str, title: &str) -> Doc {
        Doc {
            school: school.to_string(),
            title: title.to_string(),
            pages: vec![vec![]],
            y: TOP,
        }
    }

    /// Pages so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Starts a fresh page unless the current one is still empty.
    pub fn new_page(&mut self) -> Result<(), String> {
        if self.pages.last().is_some_and(Vec::is_empty) {
            return Ok(());
        }
        if self.pages.len() >= MAX_PAGES {
            return Err(format!("文档超过 {MAX_PAGES} 页上限，请缩小范围后再生成"));
        }
        self.pages.push(vec![]);
        self.y = TOP;
        Ok(())
    }

    fn room(&mut self, h: f32) -> Result<(), String> {
        if self.y + h > BOTTOM {
            self.pages.push(vec![]);
            if self.pages.len() > MAX_PAGES {
                return Err(format!("文档超过 {MAX_PAGES} 页上限，请缩小范围后再生成"));
            }
            self.y = TOP;
        }
        Ok(())
    }

    /// Text at `size` points, wrapped, placed by `align`.
    pub fn text(&mut self, text: &str, size: f32, align: Align) -> Result<(), String> {
        let width = PAGE_W - 2.0 * MARGIN_X;
        for line in wrap(text, size, width) {
            let h = size * 1.7;
            self.room(h)?;
            self.y += size * 1.2;
            let w: f32 = line.chars().map(advance).sum::<f32>() * size;
            let x = match align {
                Align::Left => MARGIN_X,
                Align::Center => (PAGE_W - w) / 2.0,
                Align::Right => PAGE_W - MARGIN_X - w,
            };
            if let Some(p) = self.pages.last_mut() {
                p.push(Op::Text {
                    x,
                    y: self.y,
                    size,
                    text: line,
                });
            }
            self.y += h - size * 1.2;
        }
        Ok(())
    }

    /// A paragraph of body text.
    pub fn para(&mut self, text: &str) -> Result<(), String> {
        self.text(text, 12.0, Align::Left)
    }

    /// A horizontal rule across the text width.
    pub fn rule(&mut self) -> Result<(), String> {
        self.room(12.0)?;
        self.y += 6.0;
        let y = self.y;
        if let Some(p) = self.pages.last_mut() {
            p.push(Op::Rule { y });
        }
        self.y += 6.0;
        Ok(())
    }

    /// Vertical space.
    pub fn gap(&mut self, h: f32) {
        self.y = (self.y + h).min(BOTTOM);
    }

    /// Renders the PDF: every page with the school's name on top and its
    /// number at the bottom.
    pub fn finish(self) -> Result<Vec<u8>, String> {
        let font = font()?;
        let mut doc = Document::new();
        doc.set_metadata(
            Metadata::new()
                .title(self.title.clone())
                .creator("导师制".into()),
        );
        let total = self.pages.len();
        for (i, ops) in self.pages.into_iter().enumerate() {
            let settings =
                PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| "页面尺寸无效".to_string())?;
            let mut page = doc.start_page_with(settings);
            let mut s = page.surface();
            let mut put = |x: f32, y: f32, size: f32, text: &str| {
                if !text.is_empty() {
                    s.draw_text(
                        Point::from_xy(x, y),
                        font.clone(),
                        size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
            };
            put(MARGIN_X, 52.0, 10.0, &self.school);
            let footer = format!("第 {} 页 / 共 {} 页", i + 1, total);
            let fw: f32 = footer.chars().map(advance).sum::<f32>() * 9.0;
            put((PAGE_W - fw) / 2.0, 808.0, 9.0, &footer);
            let mut rules = vec![62.0_f32];
            for op in &ops {
                match op {
                    Op::Text { x, y, size, text } => put(*x, *y, *size, text),
                    Op::Rule { y } => rules.push(*y),
                }
            }
            s.set_stroke(Some(Stroke {
                width: 0.6,
                ..Default::default()
            }));
            for y in rules {
                let mut pb = PathBuilder::new();
                pb.move_to(MARGIN_X, y);
                pb.line_to(PAGE_W - MARGIN_X, y);
                if let Some(path) = pb.finish() {
                    s.draw_path(&path);
                }
            }
            s.finish();
            page.finish();
        }
        doc.finish().map_err(|e| format!("PDF 生成失败：{e:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_character_and_the_width() {
        let text = "成长寄语".repeat(40);
        let lines = wrap(&text, 12.0, 120.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= 10));
        assert_eq!(lines.concat(), text);
    }

    #[test]
    fn pages_are_bounded() {
        let mut d = Doc::new("一中", "t");
        let mut r = Ok(());
        for _ in 0..=MAX_PAGES {
            r = d.new_page().and_then(|()| d.para("x"));
            if r.is_err() {
                break;
            }
        }
        assert!(r.is_err());
    }
}
