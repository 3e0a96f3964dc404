//! Roster import that cannot take the server down (issue #10 items 2 and 9):
//! crafted spreadsheets (a cell at XFD1048576, a zip bomb with honest or
//! lying sizes, too many rows, an old .xls) are refused with `VALIDATION`
//! naming the reason while the server keeps answering other schools; names
//! with NUL, bidi-override or zero-width characters and over-long cells are
//! listed with row and column; the CLI fails cleanly on the same files.

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};
use zip::write::SimpleFileOptions;

const IMPORT: &str = "mutation($file: Upload!, $dry: Boolean) { importRoster(file: $file, dryRun: $dry) { ok rows created errors { row column message } } }";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// An .xlsx whose first sheet is `sheet_xml`, written by `body` in chunks
/// (so a large sheet never sits in memory twice).
fn xlsx_with(body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<Vec<u8>> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, text) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ] {
        z.start_file(name, opts)?;
        z.write_all(text.as_bytes())?;
    }
    z.start_file("xl/worksheets/sheet1.xml", opts)?;
    body(&mut z)?;
    Ok(z.finish()?.into_inner())
}

fn xlsx(sheet_xml: &str) -> Result<Vec<u8>> {
    xlsx_with(|w| w.write_all(sheet_xml.as_bytes()))
}

/// An inline-string cell.
fn cell(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// The attack from the issue: two cells, at A1 and XFD1048576.
fn sparse_xlsx() -> Result<Vec<u8>> {
    xlsx(&format!(
        r#"{SHEET_HEAD}<dimension ref="A1:XFD1048576"/><sheetData><row r="1">{}</row><row r="1048576">{}</row></sheetData></worksheet>"#,
        cell("A1", "学号"),
        cell("XFD1048576", "x")
    ))
}

/// Sets the declared uncompressed size of `name` (local and central headers).
fn lie_about_size(zip: &mut [u8], name: &str, size: u32) {
    let name = name.as_bytes();
    let mut i = 0;
    while i + 46 <= zip.len() {
        let sig = &zip[i..i + 4];
        if sig == b"PK\x03\x04" {
            let n = u16::from_le_bytes([zip[i + 26], zip[i + 27]]) as usize;
            if zip.get(i + 30..i + 30 + n) == Some(name) {
                zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
            }
        } else if sig == b"PK\x01\x02" {
            let n = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            if zip.get(i + 46..i + 46 + n) == Some(name) {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            }
        }
        i += 1;
    }
}

/// A sheet that inflates to 80 MiB (blank space inside the sheet data).
fn bomb_xlsx(lying: bool) -> Result<Vec<u8>> {
    let mut bytes = xlsx_with(|w| {
        w.write_all(format!("{SHEET_HEAD}<sheetData>").as_bytes())?;
        let chunk = vec![b' '; 1024 * 1024];
        for _ in 0..80 {
            w.write_all(&chunk)?;
        }
        w.write_all(b"</sheetData></worksheet>")
    })?;
    if lying {
        lie_about_size(&mut bytes, "xl/worksheets/sheet1.xml", 2_000);
    }
    Ok(bytes)
}

async fn upload(s: &TestServer, token: &str, name: &str, bytes: Vec<u8>) -> Result<Value> {
    s.gql_upload(
        token,
        IMPORT,
        json!({ "file": null, "dry": true }),
        name,
        bytes,
    )
    .await
}

/// A refusal: `VALIDATION` on the file, nothing else, message containing `needle`.
fn assert_refused(b: &Value, needle: &str) {
    assert_eq!(error_code(b).as_deref(), Some("VALIDATION"), "{b}");
    let m = b["errors"][0]["message"].as_str().unwrap_or("");
    assert!(m.contains(needle), "message {m:?} lacks {needle:?}");
    assert!(
        m.contains(" / "),
        "message {m:?} is not in Chinese and English"
    );
    assert!(b["data"]["importRoster"].is_null(), "{b}");
}

/// Another school's admin can still read their students.
async fn others_still_served(s: &TestServer, other: &str) -> Result<()> {
    let b = s
        .gql(
            Some(other),
            "{ students(first: 1) { totalCount } }",
            json!({}),
        )
        .await?;
    assert!(
        b["data"]["students"]["totalCount"].as_i64().unwrap_or(0) > 0,
        "{b}"
    );
    Ok(())
}

async fn crafted_spreadsheets_are_refused_and_the_server_keeps_serving(
    backend: Backend,
) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let t = s.login("s2.admin").await?;
    let other = s.login("s1.admin").await?;

    let sparse = sparse_xlsx()?;
    assert!(
        sparse.len() < 2048,
        "the sparse file is {} bytes",
        sparse.len()
    );
    assert_refused(&upload(&s, &t, "roster.xlsx", sparse).await?, "XFD1048576");
    others_still_served(&s, &other).await?;

    // Without the dimension, the cell reference alone is refused.
    let cells_only = xlsx(&format!(
        "{SHEET_HEAD}<sheetData><row r=\"1\">{}{}</row></sheetData></worksheet>",
        cell("A1", "学号"),
        cell("BM1", "x")
    ))?;
    assert_refused(&upload(&s, &t, "roster.xlsx", cells_only).await?, "BM1");

    // Cells without references count from the row's start.
    let implicit = format!(
        "{SHEET_HEAD}<sheetData><row>{}</row></sheetData></worksheet>",
        "<c t=\"inlineStr\"><is><t>x</t></is></c>".repeat(65)
    );
    assert_refused(
        &upload(&s, &t, "roster.xlsx", xlsx(&implicit)?).await?,
        "BM1",
    );

    // A zip bomb, with its real size declared and with a lie, while another
    // school keeps working.
    for lying in [false, true] {
        let bomb = bomb_xlsx(lying)?;
        assert!(bomb.len() < 1024 * 1024, "bomb is {} bytes", bomb.len());
        let (b, served) = tokio::join!(upload(&s, &t, "roster.xlsx", bomb), async {
            for _ in 0..5 {
                others_still_served(&s, &other).await?;
            }
            anyhow::Ok(())
        });
        served?;
        assert_refused(&b?, "MB");
    }

    // Too many rows: a row beyond the cap in a sheet, and a long CSV.
    let deep = xlsx(&format!(
        "{SHEET_HEAD}<sheetData><row r=\"1\">{}</row><row r=\"20002\">{}</row></sheetData></worksheet>",
        cell("A1", "学号"),
        cell("A20002", "1")
    ))?;
    assert_refused(&upload(&s, &t, "roster.xlsx", deep).await?, "20000");
    let mut csv = String::from("学号,姓名,性别,班级\n");
    for i in 0..20_001 {
        csv.push_str(&format!("2026{i:07},张三,男,七年级(1)班\n"));
    }
    assert_refused(
        &upload(&s, &t, "roster.csv", csv.into_bytes()).await?,
        "20000",
    );
    let wide = format!("学号{}\n1\n", ",x".repeat(64));
    assert_refused(
        &upload(&s, &t, "roster.csv", wide.into_bytes()).await?,
        "64",
    );

    // Old binary Excel: refused with what to do instead, by name or by content.
    let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0].repeat(40);
    assert_refused(
        &upload(&s, &t, "名单.xls", ole.clone()).await?,
        "另存为 .xlsx",
    );
    assert_refused(&upload(&s, &t, "名单.xlsx", ole).await?, "save as .xlsx");

    others_still_served(&s, &other).await?;
    // The uploader's own session works too: the process never went away.
    others_still_served(&s, &t).await?;
    Ok(())
}
both!(crafted_spreadsheets_are_refused_and_the_server_keeps_serving);

fn has(errors: &Value, row: i64, column: &str, needle: &str) -> bool {
    errors.as_array().is_some_and(|es| {
        es.iter().any(|e| {
            e["row"] == json!(row)
                && e["column"] == json!(column)
                && e["message"].as_str().is_some_and(|m| m.contains(needle))
        })
    })
}

async fn invisible_characters_are_listed_by_row_and_column(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let t = s.login("s2.admin").await?;
    let long = "长".repeat(600);
    let csv = format!(
        "学号,姓名,性别,班级,备注\n\
         20269990001,张\u{202E}三,男,七年级(1)班,\n\
         20269990002,李\0四,女,七年级(1)班,\n\
         20269990003,王\u{200B}五,男,七年级(1)班,\n\
         20269990004,赵六,女,七年级(1)班,{long}\n\
         20269990005,\u{2066}钱七\u{2069},男,七年级(1)班,\n\
         20269990006,孙八\u{FEFF},女,七年级(1)班,\n"
    );
    let b = upload(&s, &t, "roster.csv", csv.into_bytes()).await?;
    assert!(b["errors"].is_null(), "{b}");
    let r = &b["data"]["importRoster"];
    assert_eq!(r["ok"], json!(false), "{r}");
    let e = &r["errors"];
    assert!(has(e, 2, "姓名", "方向"), "bidi override: {e}");
    assert!(has(e, 3, "姓名", "控制字符"), "NUL: {e}");
    assert!(has(e, 4, "姓名", "零宽"), "zero-width space: {e}");
    assert!(has(e, 5, "备注", "500"), "over-long cell: {e}");
    assert!(has(e, 6, "姓名", "方向"), "bidi isolate: {e}");
    assert!(has(e, 7, "姓名", "零宽"), "BOM inside a name: {e}");
    assert_eq!(
        e.as_array().map(Vec::len),
        Some(6),
        "one error per cell: {e}"
    );

    // The same in a sheet, and a clean file still imports.
    let sheet = xlsx(&format!(
        "{SHEET_HEAD}<sheetData><row r=\"1\">{}{}{}{}</row><row r=\"2\">{}{}{}{}</row></sheetData></worksheet>",
        cell("A1", "学号"),
        cell("B1", "姓名"),
        cell("C1", "性别"),
        cell("D1", "班级"),
        cell("A2", "20269990001"),
        cell("B2", "张\u{202D}三"),
        cell("C2", "男"),
        cell("D2", "七年级(1)班"),
    ))?;
    let r = &upload(&s, &t, "roster.xlsx", sheet).await?["data"]["importRoster"];
    assert!(has(&r["errors"], 2, "姓名", "方向"), "{r}");
    let clean = xlsx(&format!(
        "{SHEET_HEAD}<dimension ref=\"A1:D2\"/><sheetData><row r=\"1\">{}{}{}{}</row><row r=\"2\">{}{}{}{}</row></sheetData></worksheet>",
        cell("A1", "学号"),
        cell("B1", "姓名"),
        cell("C1", "性别"),
        cell("D1", "班级"),
        "<c r=\"A2\"><v>20269990001</v></c>",
        cell("B2", "张三"),
        cell("C2", "男"),
        cell("D2", "七年级(1)班"),
    ))?;
    let r = &upload(&s, &t, "roster.xlsx", clean).await?["data"]["importRoster"];
    assert_eq!(r["ok"], json!(true), "{r}");
    assert_eq!(r["created"], json!(1), "{r}");
    Ok(())
}
both!(invisible_characters_are_listed_by_row_and_column);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_refuses_the_sparse_file_cleanly() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Sqlite)).await?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("roster.xlsx");
    std::fs::write(&path, sparse_xlsx()?)?;
    let out = s
        .cli(&["import", "--school", "demo-s2", path.to_str().unwrap_or("")])
        .await?;
    let err = String::from_utf8_lossy(&out.stderr);
    // Killed by a signal (an abort) would have no exit code.
    assert!(
        out.status.code().is_some_and(|c| c != 0),
        "{:?}: {err}",
        out.status
    );
    assert!(err.contains("XFD1048576"), "{err}");
    assert!(!err.contains("memory allocation"), "{err}");
    let old = dir.path().join("roster.xls");
    std::fs::write(&old, [0xD0, 0xCF, 0x11, 0xE0])?;
    let out = s
        .cli(&["import", "--school", "demo-s2", old.to_str().unwrap_or("")])
        .await?;
    assert!(out.status.code().is_some_and(|c| c != 0));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".csv"));
    // The server is untouched.
    let t = s.login("s2.admin").await?;
    others_still_served(&s, &t).await?;
    Ok(())
}
