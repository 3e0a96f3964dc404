//! Spreadsheet exports (`.xlsx`, written by `rust_xlsxwriter`): every
//! workbook opens with the school's name, the title, the term and a
//! generated-at line, then Chinese column headers and the rows.
//!
//! User text is always written as a string cell, never a formula; a cell
//! that a spreadsheet (or a later CSV round trip) could still take for one —
//! starting with `=`, `+`, `-`, `@`, a tab or a carriage return — is
//! prefixed with an apostrophe, the usual escape.

use rust_xlsxwriter::{Format, Workbook};

/// Most data rows one sheet may hold (bounded work and size).
pub const MAX_ROWS: usize = 50_000;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, written as a string (escaped, see the module doc).
    Text(String),
    /// A number.
    Number(f64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Number(f64::from(n))
    }
}

impl From<i32> for Cell {
    fn from(n: i32) -> Cell {
        Cell::Number(f64::from(n))
    }
}

/// One worksheet: its tab name, column headers and rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The tab's name (at most 31 characters, no `[]:*?/\`).
    pub name: String,
    /// Column headers (Chinese).
    pub headers: Vec<String>,
    /// Data rows.
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// A sheet with headers and no rows yet.
    pub fn new(name: &str, headers: &[&str]) -> Sheet {
        Sheet {
            name: name.to_string(),
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            rows: vec![],
        }
    }
}

/// What heads every sheet of a workbook.
#[derive(Debug, Clone)]
pub struct Heading {
    /// The school's name.
    pub school: String,
    /// What the file is (e.g. 任务完成情况).
    pub title: String,
    /// The term's name.
    pub term: String,
    /// When it was generated (China time, `YYYY-MM-DD HH:MM`).
    pub generated_at: String,
}

/// Text as it is written: an apostrophe before a leading `=`, `+`, `-`,
/// `@`, tab or carriage return; characters XML cannot carry dropped.
pub fn safe_text(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    match clean.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{clean}"),
        _ => clean,
    }
}

fn sheet_name(s: &str) -> String {
    let n: String = s
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if n.is_empty() { "Sheet1".into() } else { n }
}

/// Rows above the headers (school, title, term, generated-at, blank).
pub const HEAD_ROWS: u32 = 5;

/// Writes the workbook.
pub fn workbook(head: &Heading, sheets: &[Sheet]) -> Result<Vec<u8>, String> {
    let err = |e: rust_xlsxwriter::XlsxError| format!("表格生成失败：{e}");
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for sheet in sheets {
        if sheet.rows.len() > MAX_ROWS {
            return Err(format!("超过 {MAX_ROWS} 行上限，请缩小范围后再导出"));
        }
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&sheet.name)).map_err(err)?;
        ws.write_string_with_format(0, 0, safe_text(&head.school), &bold)
            .map_err(err)?;
        ws.write_string(1, 0, safe_text(&head.title)).map_err(err)?;
        ws.write_string(2, 0, format!("学期：{}", safe_text(&head.term)))
            .map_err(err)?;
        ws.write_string(3, 0, format!("生成时间：{}", head.generated_at))
            .map_err(err)?;
        for (c, h) in sheet.headers.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| "列过多".to_string())?;
            ws.write_string_with_format(HEAD_ROWS, c, safe_text(h), &bold)
                .map_err(err)?;
            ws.set_column_width(c, 14).map_err(err)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = HEAD_ROWS + 1 + u32::try_from(r).map_err(|_| "行过多".to_string())?;
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| "列过多".to_string())?;
                match cell {
                    Cell::Text(t) => ws.write_string(r, c, safe_text(t)).map_err(err)?,
                    Cell::Number(n) if n.is_finite() => ws.write_number(r, c, *n).map_err(err)?,
                    Cell::Number(_) => ws,
                };
            }
        }
        ws.set_freeze_panes(HEAD_ROWS + 1, 0).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_escaped() {
        assert_eq!(safe_text("=1+1"), "'=1+1");
        assert_eq!(safe_text("+86"), "'+86");
        assert_eq!(safe_text("-2"), "'-2");
        assert_eq!(safe_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_text("\tx"), "'\tx");
        assert_eq!(safe_text("张三"), "张三");
        assert_eq!(safe_text("a\u{1}b"), "ab");
    }

    #[test]
    fn a_workbook_is_written() {
        let head = Heading {
            school: "一中".into(),
            title: "测试".into(),
            term: "2026 秋".into(),
            generated_at: "2026-12-01 08:00".into(),
        };
        let mut s = Sheet::new("表", &["姓名", "数"]);
        s.rows.push(vec!["=cmd".into(), 3u32.into()]);
        let bytes = workbook(&head, &[s]).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
