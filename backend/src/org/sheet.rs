//! A bounded reader for roster files: the first worksheet of an `.xlsx`
//! (read straight from the zip with a streaming XML parser) and CSV text.
//!
//! An upload is attacker-controlled: a 1 KB `.xlsx` may claim a cell at
//! `XFD1048576`, a 10 MB zip may inflate to gigabytes, a central directory
//! may claim millions of entries. Every such claim is checked against the
//! caps below *before* anything is allocated for it, and every byte that is
//! decompressed is counted, so one file costs at most a few tens of MiB of
//! memory and is refused with a [`ReadError::Limit`] naming the reason
//! (Chinese / English) instead of taking the process down. Cells are stored
//! by position as they are read (duplicates overwrite), never as a dense
//! range sized from what the file declares.

use std::io::{self, BufRead, BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};

/// Most data rows (after the header row) in one roster.
pub const MAX_DATA_ROWS: usize = 20_000;
/// Most rows a sheet may address, the header included.
pub const MAX_SHEET_ROWS: u32 = MAX_DATA_ROWS as u32 + 1;
/// Most columns a roster may use (`A`..=`BL`); the templates use about ten.
pub const MAX_COLUMNS: u32 = 64;
/// Most entries in an `.xlsx` zip; Excel writes about ten for one sheet.
pub const MAX_ZIP_ENTRIES: usize = 512;
/// Most bytes decompressed from one `.xlsx` in total (also the most any one
/// entry may declare).
pub const MAX_DECOMPRESSED_BYTES: u64 = 64 * 1024 * 1024;
/// Most bytes of `xl/workbook.xml` or a relationships part.
pub const MAX_META_PART_BYTES: u64 = 1024 * 1024;
/// Most bytes of `xl/sharedStrings.xml`.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 16 * 1024 * 1024;
/// Most shared strings (one per possible cell).
pub const MAX_SHARED_STRINGS: usize = MAX_SHEET_ROWS as usize * MAX_COLUMNS as usize;
/// Most bytes of cell text materialised from one file (a shared string used
/// by many cells counts once per cell).
pub const MAX_TEXT_BYTES: usize = 32 * 1024 * 1024;
/// Most bytes of one CSV record (one line, or several when quoted).
pub const MAX_CSV_RECORD_BYTES: usize = 16 * 1024;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The file exceeds a cap or is crafted (`VALIDATION` for the caller);
    /// the message is in Chinese and English.
    Limit(String),
    /// The file is damaged or not what its name says (listed as a file
    /// problem in the import result); the message is in Chinese.
    Unreadable(String),
}

fn limit(zh: &str, en: &str) -> ReadError {
    ReadError::Limit(format!("{zh} / {en}"))
}

fn unreadable(m: impl Into<String>) -> ReadError {
    ReadError::Unreadable(m.into())
}

fn damaged() -> ReadError {
    unreadable("无法读取Excel文件：文件已损坏或不是.xlsx格式")
}

fn too_many_rows() -> ReadError {
    limit(
        &format!("一次最多导入{MAX_DATA_ROWS}行"),
        &format!("at most {MAX_DATA_ROWS} data rows per file"),
    )
}

fn cell_out_of_range(r: &str) -> ReadError {
    limit(
        &format!(
            "单元格位置{r}超出名单范围（最多{MAX_SHEET_ROWS}行、{MAX_COLUMNS}列），请删除多余内容后重试"
        ),
        &format!(
            "cell reference {r} is beyond the roster limits ({MAX_SHEET_ROWS} rows × {MAX_COLUMNS} columns)"
        ),
    )
}

fn too_big() -> ReadError {
    limit(
        &format!(
            "Excel文件解压后超过{}MB，已拒绝",
            MAX_DECOMPRESSED_BYTES / 1024 / 1024
        ),
        &format!(
            "the workbook decompresses to more than {} MiB",
            MAX_DECOMPRESSED_BYTES / 1024 / 1024
        ),
    )
}

fn too_much_text() -> ReadError {
    limit("表格中的文字过多", "the sheet holds too much text")
}

/// The rows of the first sheet, from its first non-empty row and column;
/// rows are cut after their last non-empty cell.
pub type Rows = Vec<Vec<String>>;

// ---------------------------------------------------------------- zip ----

/// Counts entries in every end-of-central-directory record the file holds
/// (and its zip64 record), before the zip library sizes anything from them.
fn check_zip_directory(bytes: &[u8]) -> Result<(), ReadError> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const LOCATOR: [u8; 4] = [0x50, 0x4b, 0x06, 0x07];
    const EOCD64: [u8; 4] = [0x50, 0x4b, 0x06, 0x06];
    let u16_at = |p: usize| {
        bytes
            .get(p..p + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u64_at = |p: usize| {
        bytes
            .get(p..p + 8)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
    };
    // The record is 22 bytes plus a comment of at most 65535.
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let mut found = false;
    for pos in (tail_start..bytes.len().saturating_sub(21)).rev() {
        if bytes[pos..pos + 4] != EOCD {
            continue;
        }
        found = true;
        let (Some(on_disk), Some(total)) = (u16_at(pos + 8), u16_at(pos + 10)) else {
            return Err(damaged());
        };
        let mut count = u64::from(on_disk.max(total));
        if (on_disk == u16::MAX || total == u16::MAX)
            && pos >= 20
            && bytes[pos - 20..pos - 16] == LOCATOR
        {
            let at = u64_at(pos - 20 + 8)
                .and_then(|o| usize::try_from(o).ok())
                .filter(|&o| o.checked_add(4).and_then(|e| bytes.get(o..e)) == Some(&EOCD64[..]))
                .ok_or_else(damaged)?;
            count = u64_at(at + 24)
                .zip(u64_at(at + 32))
                .map(|(a, b)| a.max(b))
                .ok_or_else(damaged)?;
        }
        if count > MAX_ZIP_ENTRIES as u64 {
            return Err(limit(
                &format!("Excel文件包含的部件过多（最多{MAX_ZIP_ENTRIES}个）"),
                &format!("the workbook has more than {MAX_ZIP_ENTRIES} zip entries"),
            ));
        }
    }
    if found { Ok(()) } else { Err(damaged()) }
}

/// A reader that fails once more than `left` bytes come out of `inner`.
struct Capped<R> {
    inner: R,
    left: u64,
    used: u64,
    exceeded: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.exceeded = true;
                    Err(io::Error::other("decompressed size limit"))
                }
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let got = self.inner.read(&mut buf[..want])?;
        self.left -= got as u64;
        self.used += got as u64;
        Ok(got)
    }
}

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;
type PartReader<'r> = quick_xml::Reader<&'r mut dyn BufRead>;

struct Workbook<'a> {
    zip: Archive<'a>,
    /// Decompressed bytes still allowed.
    budget: u64,
}

impl<'a> Workbook<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, ReadError> {
        check_zip_directory(bytes)?;
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
        if zip.len() > MAX_ZIP_ENTRIES {
            return Err(too_big());
        }
        for i in 0..zip.len() {
            let entry = zip.by_index_raw(i).map_err(|_| damaged())?;
            if entry.size() > MAX_DECOMPRESSED_BYTES {
                return Err(too_big());
            }
        }
        Ok(Workbook {
            zip,
            budget: MAX_DECOMPRESSED_BYTES,
        })
    }

    /// Streams one part through `f`, counting what is decompressed against
    /// the part's cap and the file's budget.
    fn with_part<T>(
        &mut self,
        name: &str,
        cap: u64,
        f: impl FnOnce(&mut PartReader<'_>) -> Result<T, ReadError>,
    ) -> Result<Option<T>, ReadError> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let entry = self.zip.by_index(index).map_err(|_| damaged())?;
        let part_cap = cap.min(self.budget);
        if entry.size() > part_cap {
            return Err(too_big());
        }
        let capped = Capped {
            inner: entry,
            left: part_cap,
            used: 0,
            exceeded: false,
        };
        let mut buffered = BufReader::new(capped);
        let mut xml = quick_xml::Reader::from_reader(&mut buffered as &mut dyn BufRead);
        let out = f(&mut xml);
        let capped = buffered.get_ref();
        if capped.exceeded {
            return Err(too_big());
        }
        self.budget -= capped.used;
        out.map(Some)
    }
}

fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// `r:id` of the first sheet in `xl/workbook.xml`.
fn first_sheet_rel(xml: &mut PartReader<'_>) -> Result<Option<String>, ReadError> {
    let mut buf = vec![];
    loop {
        match xml.read_event_into(&mut buf).map_err(|_| damaged())? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"sheet" => {
                return Ok(attr(&e, b"id"));
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
        buf.clear();
    }
}

/// Targets of the worksheet with `id` and of the shared strings.
fn rel_targets(
    xml: &mut PartReader<'_>,
    id: Option<&str>,
) -> Result<(Option<String>, Option<String>), ReadError> {
    let (mut sheet, mut strings) = (None, None);
    let mut buf = vec![];
    loop {
        match xml.read_event_into(&mut buf).map_err(|_| damaged())? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                let target = attr(&e, b"Target");
                let kind = attr(&e, b"Type").unwrap_or_default();
                if id.is_some() && attr(&e, b"Id").as_deref() == id {
                    sheet = target;
                } else if kind.ends_with("/sharedStrings") {
                    strings = target;
                }
            }
            Event::Eof => return Ok((sheet, strings)),
            _ => {}
        }
        buf.clear();
    }
}

/// A relationship target as a zip entry name (relative to `xl/`).
fn part_name(target: &str) -> String {
    match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    }
}

/// Shared strings, packed: one buffer and the end offset of each string.
#[derive(Default)]
struct SharedStrings {
    text: String,
    ends: Vec<usize>,
}

impl SharedStrings {
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }
}

fn read_shared_strings(xml: &mut PartReader<'_>) -> Result<SharedStrings, ReadError> {
    let mut out = SharedStrings::default();
    let mut buf = vec![];
    let (mut in_si, mut in_t, mut phonetic) = (false, false, 0u32);
    loop {
        match xml.read_event_into(&mut buf).map_err(|_| damaged())? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"si" => in_si = true,
                b"rPh" => phonetic += 1,
                b"t" => in_t = in_si && phonetic == 0,
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == b"si" => {
                if out.ends.len() >= MAX_SHARED_STRINGS {
                    return Err(too_much_text());
                }
                out.ends.push(out.text.len());
            }
            Event::Text(t) if in_t => out.text.push_str(&t.unescape().map_err(|_| damaged())?),
            Event::CData(t) if in_t => out.text.push_str(&String::from_utf8_lossy(&t)),
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_t = false,
                b"rPh" => phonetic = phonetic.saturating_sub(1),
                b"si" => {
                    in_si = false;
                    if out.ends.len() >= MAX_SHARED_STRINGS {
                        return Err(too_much_text());
                    }
                    out.ends.push(out.text.len());
                }
                _ => {}
            },
            Event::Eof => return Ok(out),
            _ => {}
        }
        buf.clear();
    }
}

/// Parses a cell reference such as `BL20001` into 1-based (row, column);
/// `None` when it is not one. Refuses positions beyond the caps.
fn cell_ref(r: &str) -> Result<(u32, u32), ReadError> {
    let split = r.find(|c: char| c.is_ascii_digit()).ok_or_else(damaged)?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty()
        || letters.len() > 3
        || !letters.bytes().all(|b| b.is_ascii_uppercase())
        || digits.is_empty()
        || digits.len() > 7
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(damaged());
    }
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1));
    let row: u32 = digits.parse().map_err(|_| damaged())?;
    if row == 0 {
        return Err(damaged());
    }
    if row > MAX_SHEET_ROWS || col > MAX_COLUMNS {
        return Err(cell_out_of_range(r));
    }
    Ok((row, col))
}

/// A 1-based column number as Excel names it (`1` → `A`, `65` → `BM`).
pub fn column_letters(mut c: u32) -> String {
    let mut s = vec![];
    while c > 0 {
        c -= 1;
        s.push(b'A' + (c % 26) as u8);
        c /= 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// How a cell's value is stored (`t` attribute).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Number,
    Shared,
    Bool,
    Text,
}

struct SheetState<'s> {
    strings: &'s SharedStrings,
    rows: Rows,
    text_bytes: usize,
}

impl SheetState<'_> {
    fn put(&mut self, row: u32, col: u32, kind: Kind, raw: &str) -> Result<(), ReadError> {
        let value = match kind {
            Kind::Shared => {
                let i: usize = raw.trim().parse().map_err(|_| damaged())?;
                self.strings.get(i).ok_or_else(damaged)?.trim().to_string()
            }
            Kind::Bool => match raw.trim() {
                "1" | "true" => "是".to_string(),
                _ => "否".to_string(),
            },
            Kind::Number => number_text(raw.trim()),
            Kind::Text => raw.trim().to_string(),
        };
        if value.is_empty() {
            return Ok(());
        }
        self.text_bytes += value.len();
        if self.text_bytes > MAX_TEXT_BYTES {
            return Err(too_much_text());
        }
        // Both indices are within the caps, so this grows to at most
        // MAX_SHEET_ROWS × MAX_COLUMNS.
        let (r, c) = (row as usize - 1, col as usize - 1);
        if self.rows.len() <= r {
            self.rows.resize_with(r + 1, Vec::new);
        }
        let cells = &mut self.rows[r];
        if cells.len() <= c {
            cells.resize_with(c + 1, String::new);
        }
        cells[c] = value;
        Ok(())
    }
}

/// A numeric cell as people wrote it: whole numbers without a decimal point
/// (学号 and phone numbers are often stored as numbers).
fn number_text(raw: &str) -> String {
    match raw.parse::<f64>() {
        Ok(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Ok(f) => f.to_string(),
        Err(_) => raw.to_string(),
    }
}

fn read_sheet(xml: &mut PartReader<'_>, strings: &SharedStrings) -> Result<Rows, ReadError> {
    let mut st = SheetState {
        strings,
        rows: vec![],
        text_bytes: 0,
    };
    let mut buf = vec![];
    let (mut row, mut col) = (0u32, 0u32);
    // The open cell: position, kind, value text so far, and whether text
    // events belong to its value.
    let mut cell: Option<(u32, u32, Kind)> = None;
    let mut value = String::new();
    let mut in_value = false;
    let mut phonetic = 0u32;
    loop {
        let ev = xml.read_event_into(&mut buf).map_err(|_| damaged())?;
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"dimension" => {
                    if let Some(r) = attr(&e, b"ref") {
                        for end in r.split(':') {
                            cell_ref(end)?;
                        }
                    }
                }
                b"row" => {
                    row = match attr(&e, b"r") {
                        Some(r) => r.trim().parse().map_err(|_| damaged())?,
                        None => row + 1,
                    };
                    if row == 0 {
                        return Err(damaged());
                    }
                    if row > MAX_SHEET_ROWS {
                        return Err(too_many_rows());
                    }
                    col = 0;
                }
                b"c" => {
                    let (r, c) = match attr(&e, b"r") {
                        Some(r) => cell_ref(&r)?,
                        None => {
                            let c = col + 1;
                            if c > MAX_COLUMNS {
                                return Err(cell_out_of_range(&format!(
                                    "{}{}",
                                    column_letters(c),
                                    row.max(1)
                                )));
                            }
                            (row.max(1), c)
                        }
                    };
                    col = c;
                    let kind = match attr(&e, b"t").as_deref() {
                        Some("s") => Kind::Shared,
                        Some("b") => Kind::Bool,
                        Some("str" | "inlineStr" | "e" | "d") => Kind::Text,
                        _ => Kind::Number,
                    };
                    value.clear();
                    cell = if empty { None } else { Some((r, c, kind)) };
                }
                b"v" if cell.is_some() && !empty => in_value = true,
                b"rPh" if !empty => phonetic += 1,
                b"t" if cell.is_some() && !empty => in_value = phonetic == 0,
                _ => {}
            },
            Event::Text(t) if in_value => {
                value.push_str(&t.unescape().map_err(|_| damaged())?);
                if value.len() > MAX_TEXT_BYTES {
                    return Err(too_much_text());
                }
            }
            Event::CData(t) if in_value => value.push_str(&String::from_utf8_lossy(&t)),
            Event::End(e) => match e.local_name().as_ref() {
                b"v" | b"t" => in_value = false,
                b"rPh" => phonetic = phonetic.saturating_sub(1),
                b"c" => {
                    if let Some((r, c, kind)) = cell.take() {
                        st.put(r, c, kind, &value)?;
                    }
                    in_value = false;
                }
                b"sheetData" => break,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(st.rows)
}

/// Reads the first worksheet of an `.xlsx`.
pub fn read_xlsx(bytes: &[u8]) -> Result<Rows, ReadError> {
    read_xlsx_numbered(bytes).map(|(rows, _)| rows)
}

/// Reads the first worksheet of an `.xlsx`, with the sheet's row number
/// (1-based, as Excel shows it) of the first row returned.
pub fn read_xlsx_numbered(bytes: &[u8]) -> Result<(Rows, i32), ReadError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(old_excel());
    }
    let mut wb = Workbook::open(bytes)?;
    let rel = wb
        .with_part("xl/workbook.xml", MAX_META_PART_BYTES, first_sheet_rel)?
        .flatten();
    let (sheet, strings) = wb
        .with_part("xl/_rels/workbook.xml.rels", MAX_META_PART_BYTES, |x| {
            rel_targets(x, rel.as_deref())
        })?
        .unwrap_or_default();
    let sheet = sheet.map_or_else(|| "xl/worksheets/sheet1.xml".to_string(), |t| part_name(&t));
    let strings = strings.map_or_else(|| "xl/sharedStrings.xml".to_string(), |t| part_name(&t));
    let strings = wb
        .with_part(&strings, MAX_SHARED_STRINGS_BYTES, read_shared_strings)?
        .unwrap_or_default();
    let rows = wb
        .with_part(&sheet, MAX_DECOMPRESSED_BYTES, |x| read_sheet(x, &strings))?
        .ok_or_else(|| unreadable("Excel文件中没有工作表"))?;
    Ok(tighten(rows))
}

/// Drops leading empty rows and leading empty columns (so a sheet starting
/// at `B3` reads like one starting at `A1`) and trailing empty cells; the
/// number is the sheet's row number of the first row kept.
fn tighten(mut rows: Rows) -> (Rows, i32) {
    let first = rows
        .iter()
        .position(|r| r.iter().any(|c| !c.is_empty()))
        .unwrap_or(rows.len());
    rows.drain(..first);
    let number = i32::try_from(first).map_or(i32::MAX, |f| f.saturating_add(1));
    let skip = rows
        .iter()
        .filter_map(|r| r.iter().position(|c| !c.is_empty()))
        .min()
        .unwrap_or(0);
    for r in &mut rows {
        r.drain(..skip.min(r.len()));
        while r.last().is_some_and(String::is_empty) {
            r.pop();
        }
    }
    (rows, number)
}

/// The refusal for the old binary Excel format.
pub fn old_excel() -> ReadError {
    limit(
        "不支持旧版Excel（.xls）文件，请另存为 .xlsx 或 .csv 后再导入",
        "old Excel (.xls) files are not accepted; save as .xlsx or .csv and import again",
    )
}

// ---------------------------------------------------------------- csv ----

/// Checks CSV text against the row, column and record-length caps with a
/// quote-aware scan, before the CSV parser builds any record.
pub fn check_csv(text: &str) -> Result<(), ReadError> {
    let (mut records, mut fields, mut len) = (0usize, 1u32, 0usize);
    let mut in_quotes = false;
    let mut blank = true;
    let mut end_record = |fields: &mut u32, len: &mut usize, blank: &mut bool| {
        if !*blank {
            records += 1;
        }
        *fields = 1;
        *len = 0;
        *blank = true;
        records
    };
    for b in text.bytes() {
        len += 1;
        if len > MAX_CSV_RECORD_BYTES {
            return Err(limit(
                &format!("CSV文件中有一行超过{MAX_CSV_RECORD_BYTES}字节"),
                &format!("a CSV record is longer than {MAX_CSV_RECORD_BYTES} bytes"),
            ));
        }
        match b {
            b'"' => {
                in_quotes = !in_quotes;
                blank = false;
            }
            b',' if !in_quotes => {
                fields += 1;
                blank = false;
                if fields > MAX_COLUMNS {
                    return Err(limit(
                        &format!("CSV文件中有一行超过{MAX_COLUMNS}列"),
                        &format!("a CSV record has more than {MAX_COLUMNS} fields"),
                    ));
                }
            }
            b'\n' | b'\r' if !in_quotes => {
                if end_record(&mut fields, &mut len, &mut blank) > MAX_SHEET_ROWS as usize {
                    return Err(too_many_rows());
                }
            }
            b' ' | b'\t' => {}
            _ => blank = false,
        }
    }
    if end_record(&mut fields, &mut len, &mut blank) > MAX_SHEET_ROWS as usize {
        return Err(too_many_rows());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_refs_are_capped() {
        assert_eq!(cell_ref("A1"), Ok((1, 1)));
        assert_eq!(cell_ref("BL20001"), Ok((20_001, 64)));
        assert!(matches!(cell_ref("BM1"), Err(ReadError::Limit(_))));
        assert!(matches!(cell_ref("A20002"), Err(ReadError::Limit(_))));
        assert!(matches!(cell_ref("XFD1048576"), Err(ReadError::Limit(_))));
        assert!(matches!(cell_ref("A0"), Err(ReadError::Unreadable(_))));
        assert!(matches!(cell_ref("1A"), Err(ReadError::Unreadable(_))));
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(65), "BM");
        assert_eq!(column_letters(16_384), "XFD");
    }

    #[test]
    fn csv_scan_counts_records_fields_and_length() {
        assert!(check_csv("学号,姓名\n1,\"a,b\nc\"\n\n\n").is_ok());
        let wide = format!("{}\n", ",".repeat(MAX_COLUMNS as usize));
        assert!(matches!(check_csv(&wide), Err(ReadError::Limit(_))));
        let quoted = format!("\"{}\"\n", ",".repeat(1000));
        assert!(check_csv(&quoted).is_ok());
        let long = format!("{}\n", "x".repeat(MAX_CSV_RECORD_BYTES + 1));
        assert!(matches!(check_csv(&long), Err(ReadError::Limit(_))));
        let ok_rows = "1\n".repeat(MAX_SHEET_ROWS as usize);
        assert!(check_csv(&ok_rows).is_ok());
        let too_many = "1\r\n".repeat(MAX_SHEET_ROWS as usize + 1);
        assert!(matches!(check_csv(&too_many), Err(ReadError::Limit(_))));
    }

    #[test]
    fn zip_directories_claiming_many_entries_are_refused() {
        let mut eocd = vec![0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0];
        eocd.extend_from_slice(&600u16.to_le_bytes());
        eocd.extend_from_slice(&600u16.to_le_bytes());
        eocd.extend_from_slice(&[0; 10]);
        assert!(matches!(
            check_zip_directory(&eocd),
            Err(ReadError::Limit(_))
        ));
        // zip64: the locator points past the end, or at a record with many entries.
        let mut z64 = vec![0x50, 0x4b, 0x06, 0x06];
        z64.extend_from_slice(&[0; 20]);
        z64.extend_from_slice(&1_000_000u64.to_le_bytes());
        z64.extend_from_slice(&1_000_000u64.to_le_bytes());
        let mut locator = vec![0x50, 0x4b, 0x06, 0x07, 0, 0, 0, 0];
        locator.extend_from_slice(&0u64.to_le_bytes());
        locator.extend_from_slice(&[0; 4]);
        let mut file = z64.clone();
        file.extend_from_slice(&locator);
        let mut end = vec![0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
        end.extend_from_slice(&[0; 10]);
        file.extend_from_slice(&end);
        assert!(matches!(
            check_zip_directory(&file),
            Err(ReadError::Limit(_))
        ));
        let mut bad = locator.clone();
        bad[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
        bad.extend_from_slice(&end);
        assert!(matches!(
            check_zip_directory(&bad),
            Err(ReadError::Unreadable(_))
        ));
        assert!(matches!(
            check_zip_directory(b"not a zip"),
            Err(ReadError::Unreadable(_))
        ));
    }

    #[test]
    fn the_sample_workbook_reads() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../infra/samples/students-s2.xlsx"
        );
        let rows = read_xlsx(&std::fs::read(path).unwrap()).unwrap();
        assert_eq!(rows[0][0], "学号");
        assert!(rows.len() > 1);
    }
}
