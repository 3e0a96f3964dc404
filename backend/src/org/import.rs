//! Roster import: `.xlsx` or `.csv` with Chinese headers, for one school.
//!
//! Files come as schools have them: title rows above the header (the header
//! is the first row within the first [`HEADER_SCAN_ROWS`] that names 学号 or
//! 工号), full-width characters and stray spaces (every cell is NFKC
//! normalised, see [`forms`]), class names in their short forms (`七(1)班`,
//! `初一(1)班`, `7.1`: mapped to the school's classes, the mapping listed in
//! the result), phone numbers with spaces or dashes, 学号 stored as numbers.
//!
//! Every row is checked first and every problem is reported with its row
//! number (as Excel shows it, title rows counted), column and reason; with
//! any problem nothing is written. A clean file is applied in the request's
//! transaction, upserting by 学号 (students) or 工号 (staff), so importing
//! the same file again changes nothing. The template is in
//! `docs/ROSTER.md`; samples are in `infra/samples/`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::entities::{class, student};
use super::forms::{self, ClassMatch, ClassNames};
use super::guardians::{link_guardian, upsert_guardian};
use super::sheet::{self, ReadError};
use super::validate;
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult};
use crate::tenancy::Ctx;

/// The header is looked for in this many rows from the top (title rows
/// above it are skipped).
pub const HEADER_SCAN_ROWS: usize = 10;
/// Largest file accepted.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Most data rows in one file.
pub const MAX_ROWS: usize = sheet::MAX_DATA_ROWS;
/// Most characters in any one cell (names have their own, lower limit).
pub const MAX_CELL_CHARS: usize = 500;
/// How long reading one file may take before the import is refused.
pub const PARSE_TIMEOUT: Duration = Duration::from_secs(30);
/// Files read at the same time by the whole process (each may use a few
/// tens of MiB while it is read); further imports wait for a turn.
pub const MAX_CONCURRENT_PARSES: usize = 2;
/// How long an import waits for a turn before it is told to retry.
const PARSE_QUEUE_WAIT: Duration = Duration::from_secs(10);

static PARSE_SLOTS: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(MAX_CONCURRENT_PARSES)));

/// One problem in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Row number as the spreadsheet shows it (the first row is 1, title
    /// rows counted); 0 for the whole file (a file that cannot be read).
    pub row: i32,
    /// Column header, if the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// What an import did, or why it did nothing.
#[derive(Debug, Clone, Default)]
pub struct ImportResult {
    /// True when the file was valid (and, unless a dry run, applied).
    pub ok: bool,
    /// Whether this was only a check.
    pub dry_run: bool,
    /// `students` or `staff`.
    pub kind: String,
    /// Data rows read.
    pub rows: i32,
    /// Every problem found; empty when `ok`.
    pub errors: Vec<RowError>,
    /// People created.
    pub created: i32,
    /// People whose data changed.
    pub updated: i32,
    /// People already up to date.
    pub unchanged: i32,
    /// Guardian links created.
    pub guardians_linked: i32,
    /// Class names written in another form and the class each was taken
    /// to be: (as written, the class's name, rows).
    pub class_mappings: Vec<(String, String, i32)>,
}

pub(super) struct Table {
    pub(super) headers: Vec<String>,
    /// The header's row number in the sheet (1 = the first row).
    pub(super) header_row: i32,
    pub(super) rows: Vec<Vec<String>>,
    /// Each data row's number in the sheet.
    pub(super) row_numbers: Vec<i32>,
}

impl Table {
    pub(super) fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

pub(super) fn file_error(message: impl Into<String>) -> ImportResult {
    ImportResult {
        errors: vec![RowError {
            row: 0,
            column: None,
            message: message.into(),
        }],
        ..Default::default()
    }
}

const KNOWN_HEADERS: [&str; 4] = ["学号", "工号", "姓名", "班级"];
/// The headers that tell a header row from a title row.
const KEY_HEADERS: [&str; 2] = ["学号", "工号"];

fn decode(bytes: &[u8]) -> Result<String, ReadError> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    // Excel in China often saves CSV as GBK; accept it only when the header
    // decodes to the template's columns, so garbage is never half-read.
    let (s, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    let top = s
        .lines()
        .take(HEADER_SCAN_ROWS)
        .collect::<Vec<_>>()
        .join("\n");
    if !had_errors && KNOWN_HEADERS.iter().any(|h| top.contains(h)) {
        return Ok(s.into_owned());
    }
    Err(ReadError::Unreadable(
        "文件编码无法识别：请保存为“CSV UTF-8”格式，或直接上传.xlsx文件".into(),
    ))
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    let text = decode(bytes)?;
    sheet::check_csv(&text)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = vec![];
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            ReadError::Unreadable(format!(
                "CSV格式错误：第{}行",
                e.position().map_or(0, |p| p.line())
            ))
        })?;
        rows.push(rec.iter().map(|c| c.trim().to_string()).collect::<Vec<_>>());
    }
    Ok(rows)
}

/// Reads a file into a table, within the caps of [`sheet`]. Runs on a
/// blocking thread.
fn parse(name: &str, bytes: &[u8]) -> Result<Table, ReadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::Limit(format!(
            "文件超过{0}MB / the file is larger than {0} MB",
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    let lower = name.to_lowercase();
    let (rows, first) = if lower.ends_with(".xls") {
        return Err(sheet::old_excel());
    } else if lower.ends_with(".xlsx") {
        sheet::read_xlsx_numbered(bytes)?
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        (read_csv(bytes)?, 1)
    } else {
        return Err(ReadError::Unreadable("只支持.xlsx或.csv文件".into()));
    };
    // Every cell as compared: NFKC, trimmed, one space between words.
    let mut rows: Vec<(i32, Vec<String>)> = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let n = first.saturating_add(i32::try_from(i).unwrap_or(i32::MAX));
            (n, r.iter().map(|c| forms::cell(c)).collect())
        })
        .filter(|(_, r): &(i32, Vec<String>)| r.iter().any(|c| !c.is_empty()))
        .collect();
    if rows.is_empty() {
        return Err(ReadError::Unreadable("文件为空".into()));
    }
    // The header: the first row near the top naming 学号 or 工号; title
    // rows above it are skipped. Without one, the first row (and the
    // import says it cannot tell the kind).
    let at = rows
        .iter()
        .take(HEADER_SCAN_ROWS)
        .position(|(_, r)| {
            r.iter()
                .any(|c| KEY_HEADERS.contains(&forms::header(c).as_str()))
        })
        .unwrap_or(0);
    let (header_row, header) = rows.remove(at);
    let rows = rows.split_off(at);
    if rows.len() > MAX_ROWS {
        return Err(ReadError::Limit(format!(
            "一次最多导入{MAX_ROWS}行 / at most {MAX_ROWS} data rows per file"
        )));
    }
    let (row_numbers, rows): (Vec<i32>, Vec<Vec<String>>) = rows.into_iter().unzip();
    Ok(Table {
        headers: header.iter().map(|h| forms::header(h)).collect(),
        header_row,
        rows,
        row_numbers,
    })
}

/// [`parse`] off the async workers, a few files at a time, with a time limit.
async fn parse_bounded(name: &str, bytes: &[u8]) -> ApiResult<Result<Table, String>> {
    // The turn is held by the blocking task, so a file that outlives the
    // timeout still counts until its reader stops (at the caps).
    let slot = tokio::time::timeout(PARSE_QUEUE_WAIT, PARSE_SLOTS.clone().acquire_owned())
        .await
        .map_err(|_| ApiError::RateLimited {
            retry_after_secs: 10,
        })?
        .map_err(|e| ApiError::Internal(e.into()))?;
    let (name, bytes) = (name.to_string(), bytes.to_vec());
    let job = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        parse(&name, &bytes)
    });
    match tokio::time::timeout(PARSE_TIMEOUT, job).await {
        Err(_) => Err(ApiError::invalid(
            "file",
            format!(
                "文件读取超过{0}秒，已拒绝 / reading the file took more than {0} s",
                PARSE_TIMEOUT.as_secs()
            ),
        )),
        Ok(Err(e)) => Err(ApiError::Internal(anyhow::anyhow!(
            "roster parse task: {e}"
        ))),
        Ok(Ok(Err(ReadError::Limit(m)))) => Err(ApiError::invalid("file", m)),
        Ok(Ok(Err(ReadError::Unreadable(m)))) => Ok(Err(m)),
        Ok(Ok(Ok(t))) => Ok(Ok(t)),
    }
}

pub(super) fn yes(v: &str) -> Option<bool> {
    match v.trim() {
        "是" | "Y" | "y" | "1" | "true" => Some(true),
        "否" | "N" | "n" | "0" | "false" | "" => Some(false),
        _ => None,
    }
}

/// Imports a roster file for the caller's school (or checks it, with `dry_run`).
///
/// A file over the caps of [`sheet`] (cells beyond the row/column limits,
/// too much decompressed data, too many rows, an old `.xls`) is refused with
/// `VALIDATION` on the `file` field; a damaged file or bad rows come back as
/// [`ImportResult::errors`].
pub async fn import(
    ctx: &Ctx,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> ApiResult<ImportResult> {
    authz::org::may_manage_school_roster(ctx)?;
    let table = match parse_bounded(file_name, bytes).await? {
        Ok(t) => t,
        Err(m) => {
            return Ok(ImportResult {
                dry_run,
                ..file_error(m)
            });
        }
    };
    let mut result = if table.col("学号").is_some() {
        import_students(ctx, &table, dry_run).await?
    } else if table.col("工号").is_some() {
        super::import_staff::import_staff(ctx, &table, dry_run).await?
    } else {
        ImportResult {
            errors: vec![RowError {
                row: table.header_row,
                column: None,
                message: format!(
                    "无法识别表头：前{HEADER_SCAN_ROWS}行中没有“学号”列（学生名单）或“工号”列（教职工名单），请对照导入模板"
                ),
            }],
            ..Default::default()
        }
    };
    result.dry_run = dry_run;
    result.rows = table.rows.len() as i32;
    if result.ok && !dry_run {
        audit::record(
            ctx,
            "roster.import",
            "school",
            ctx.caller()?.school_id,
            Some(format!("{}: {} rows", result.kind, result.rows)),
        )
        .await?;
    }
    Ok(result)
}

pub(super) struct Checker<'a> {
    pub(super) table: &'a Table,
    pub(super) errors: Vec<RowError>,
    /// Cells that already have an error: one message per cell.
    pub(super) flagged: HashSet<(usize, Option<usize>)>,
}

impl<'a> Checker<'a> {
    pub(super) fn new(table: &'a Table) -> Self {
        Checker {
            table,
            errors: vec![],
            flagged: HashSet::new(),
        }
    }
    pub(super) fn get<'r>(&self, row: &'r [String], col: Option<usize>) -> &'r str {
        col.and_then(|c| row.get(c)).map_or("", |s| s.as_str())
    }
    /// The sheet's number of data row `i`.
    pub(super) fn number(&self, i: usize) -> i32 {
        self.table.row_numbers.get(i).copied().unwrap_or(0)
    }
    /// Whether the header itself has a problem (nothing else is checked).
    pub(super) fn header_failed(&self) -> bool {
        self.errors.iter().any(|e| e.row == self.table.header_row)
    }
    pub(super) fn err(&mut self, row: usize, col: Option<usize>, message: impl Into<String>) {
        if !self.flagged.insert((row, col)) {
            return;
        }
        self.errors.push(RowError {
            row: self.number(row),
            column: col.map(|c| match self.table.headers.get(c) {
                Some(h) if !h.is_empty() => h.clone(),
                _ => format!("第{}列", sheet::column_letters(c as u32 + 1)),
            }),
            message: message.into(),
        });
    }
    /// Every cell of every row: no control, bidi or zero-width characters,
    /// at most [`MAX_CELL_CHARS`] characters.
    pub(super) fn check_cells(&mut self) {
        for (i, r) in self.table.rows.iter().enumerate() {
            for (c, v) in r.iter().enumerate() {
                if let Err(p) = validate::text(v, MAX_CELL_CHARS, false) {
                    self.err(i, Some(c), p.message());
                }
            }
        }
    }
    pub(super) fn required(&mut self, names: &[&str]) -> Vec<Option<usize>> {
        let cols: Vec<Option<usize>> = names.iter().map(|n| self.table.col(n)).collect();
        for (n, c) in names.iter().zip(&cols) {
            if c.is_none() {
                self.errors.push(RowError {
                    row: self.table.header_row,
                    column: Some((*n).into()),
                    message: format!("缺少必填列“{n}”"),
                });
            }
        }
        cols
    }
}

struct StudentRow {
    no: String,
    name: String,
    gender: String,
    class_id: Uuid,
    lives_in_town: Option<bool>,
    guardian: Option<(String, String, String)>,
}

async fn import_students(ctx: &Ctx, table: &Table, dry_run: bool) -> ApiResult<ImportResult> {
    let (district, school) = authz::org::may_manage_school_roster(ctx)?;
    let classes = school_classes(ctx, school).await?;
    let names = ClassNames::new(classes.values().map(|c| (c.id, c.name.as_str(), c.grade)));
    let mut mappings: HashMap<(String, String), i32> = HashMap::new();
    let mut ck = Checker::new(table);
    let req = ck.required(&["学号", "姓名", "性别", "班级"]);
    ck.check_cells();
    if ck.header_failed() {
        return Ok(ImportResult {
            kind: "students".into(),
            errors: ck.errors,
            ..Default::default()
        });
    }
    let (c_no, c_name, c_gender, c_class) = (req[0], req[1], req[2], req[3]);
    let c_grade = table.col("年级");
    let c_gname = table.col("家长姓名");
    let c_gphone = table.col("家长电话");
    let c_grel = table.col("家长关系");
    let c_town = table.col("住在城镇");
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rows = vec![];
    for (i, r) in table.rows.iter().enumerate() {
        let no = forms::student_no(ck.get(r, c_no));
        let name = ck.get(r, c_name).to_string();
        let gender = ck.get(r, c_gender).to_string();
        let class_name = ck.get(r, c_class).to_string();
        if let Err(m) = shared::org::validate_student_no(&no) {
            ck.err(i, c_no, m);
        } else if let Some(first) = seen.insert(no.clone(), i) {
            let n = ck.number(first);
            ck.err(i, c_no, format!("学号{no}与第{n}行重复"));
        }
        if let Err(m) = validate::name(&name) {
            ck.err(i, c_name, format!("姓名{m}"));
        }
        if let Err(m) = validate::gender(&gender) {
            ck.err(i, c_gender, m);
        }
        let class = match names.find(&class_name) {
            ClassMatch::Exact(id) => classes.get(&id),
            ClassMatch::Form(id) => {
                let c = classes.get(&id);
                if let Some(c) = c {
                    *mappings
                        .entry((class_name.clone(), c.name.clone()))
                        .or_default() += 1;
                }
                c
            }
            ClassMatch::Unknown => None,
        };
        match class {
            None if class_name.is_empty() => ck.err(i, c_class, "班级不能为空"),
            None => ck.err(
                i,
                c_class,
                format!(
                    "本校没有班级“{class_name}”：请写成本校的班级名称（如“{}”），或先在系统中创建",
                    classes
                        .values()
                        .map(|c| c.name.as_str())
                        .min()
                        .unwrap_or("七年级(1)班")
                ),
            ),
            Some(c) => {
                let g = ck.get(r, c_grade);
                if !g.is_empty() && forms::grade(g) != Some(c.grade) {
                    ck.err(i, c_grade, format!("年级“{g}”与班级“{class_name}”不符"));
                }
            }
        }
        let town = ck.get(r, c_town);
        let lives_in_town = if c_town.is_some() {
            let v = yes(town);
            if v.is_none() {
                ck.err(i, c_town, "须填“是”或“否”");
            }
            v
        } else {
            None
        };
        let gphone = forms::phone(ck.get(r, c_gphone));
        let (gname, gphone, grel) = (ck.get(r, c_gname), gphone.as_str(), ck.get(r, c_grel));
        let guardian = if gname.is_empty() && gphone.is_empty() {
            None
        } else {
            if let Err(m) = validate::name(gname) {
                ck.err(i, c_gname, format!("家长姓名{m}"));
            }
            if let Err(m) = validate::mobile(gphone) {
                ck.err(i, c_gphone, m);
            }
            let rel = if grel.is_empty() { "家长" } else { grel };
            if let Err(m) = validate::relation(rel) {
                ck.err(i, c_grel, m);
            }
            Some((gname.to_string(), gphone.to_string(), rel.to_string()))
        };
        if let Some(c) = class {
            rows.push(StudentRow {
                no,
                name,
                gender,
                class_id: c.id,
                lives_in_town,
                guardian,
            });
        }
    }
    let mut class_mappings: Vec<(String, String, i32)> = mappings
        .into_iter()
        .map(|((from, to), n)| (from, to, n))
        .collect();
    class_mappings.sort();
    let mut result = ImportResult {
        kind: "students".into(),
        class_mappings,
        ..Default::default()
    };
    if !ck.errors.is_empty() {
        ck.errors.sort_by_key(|e| e.row);
        result.errors = ck.errors;
        return Ok(result);
    }
    result.ok = true;
    let existing: HashMap<String, student::Model> = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.student_no.clone(), s))
        .collect();
    let now = chrono::Utc::now();
    let mut new_rows = vec![];
    let mut ids = Vec::with_capacity(rows.len());
    for row in &rows {
        match existing.get(&row.no) {
            Some(s) => {
                ids.push(s.id);
                let town = row.lives_in_town.unwrap_or(s.lives_in_town);
                if s.name == row.name
                    && s.gender == row.gender
                    && s.class_id == row.class_id
                    && s.lives_in_town == town
                {
                    result.unchanged += 1;
                    continue;
                }
                result.updated += 1;
                if !dry_run {
                    let mut m = s.clone().into_active_model();
                    m.name = Set(row.name.clone());
                    m.gender = Set(row.gender.clone());
                    m.class_id = Set(row.class_id);
                    m.lives_in_town = Set(town);
                    m.update(ctx.db()).await?;
                }
            }
            None => {
                let id = Uuid::new_v4();
                ids.push(id);
                result.created += 1;
                new_rows.push(student::ActiveModel {
                    id: Set(id),
                    district_id: Set(district),
                    school_id: Set(school),
                    student_no: Set(row.no.clone()),
                    name: Set(row.name.clone()),
                    gender: Set(row.gender.clone()),
                    class_id: Set(row.class_id),
                    special_needs: Set("[]".into()),
                    family_flags: Set("[]".into()),
                    lives_in_town: Set(row.lives_in_town.unwrap_or(false)),
                    user_id: Set(None),
                    created_at: Set(now),
                    joined_on: Set(None),
                });
            }
        }
    }
    if dry_run {
        return Ok(result);
    }
    for chunk in new_rows.chunks(500) {
        student::Entity::insert_many(chunk.to_vec())
            .exec(ctx.db())
            .await?;
    }
    for (row, sid) in rows.iter().zip(ids) {
        if let Some((name, phone, rel)) = &row.guardian {
            let g = upsert_guardian(ctx, district, school, name, phone).await?;
            if link_guardian(ctx, district, school, sid, g.id, rel).await? {
                result.guardians_linked += 1;
            }
        }
    }
    Ok(result)
}

/// The school's classes by id.
pub(super) async fn school_classes(
    ctx: &Ctx,
    school: Uuid,
) -> ApiResult<HashMap<Uuid, class::Model>> {
    Ok(class::Entity::find()
        .filter(class::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_bom_and_gbk_headers_parse() {
        let t = parse("a.csv", "\u{feff}学号,姓名\n2024001,张三\n".as_bytes()).unwrap();
        assert_eq!(t.headers, vec!["学号", "姓名"]);
        let (gbk, _, _) = encoding_rs::GBK.encode("学号,姓名\n2024001,张三\n");
        assert_eq!(parse("a.csv", &gbk).unwrap().rows[0][1], "张三");
    }

    #[test]
    fn undecodable_files_are_refused() {
        let (utf16, _, _) = encoding_rs::UTF_16LE.encode("学号,姓名");
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend_from_slice(&utf16);
        bytes.extend_from_slice(&[0xFF, 0xFF, 0x00]);
        assert!(parse("a.csv", &bytes).is_err());
        assert!(parse("a.pdf", b"%PDF").is_err());
    }
}
