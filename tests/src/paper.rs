//! Files the server generates (issue 13): ask for one, wait for its job,
//! download it, and read it back with a real spreadsheet reader or a PDF
//! text extractor.

use std::io::Cursor;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};

use crate::{TestServer, error_code};

/// Asks for a file.
pub const REQUEST: &str = "mutation($k: PaperKind!, $s: ID) { requestPaper(kind: $k, subjectId: $s) { id status progress } }";
/// A file's state.
pub const STATUS: &str =
    "query($id: ID!) { paperFile(id: $id) { id status progress error filename downloadUrl } }";

/// Asks for a file as `token`; the GraphQL body (errors included).
pub async fn request(
    s: &TestServer,
    token: &str,
    kind: &str,
    subject: Option<&str>,
) -> Result<Value> {
    s.gql(Some(token), REQUEST, json!({ "k": kind, "s": subject }))
        .await
}

/// Asks for a file and waits for its job: the finished `paperFile`, with
/// every progress value seen on the way.
pub async fn make(
    s: &TestServer,
    token: &str,
    kind: &str,
    subject: Option<&str>,
) -> Result<(Value, Vec<i64>)> {
    let b = request(s, token, kind, subject).await?;
    ensure!(error_code(&b).is_none(), "{kind}: {b}");
    let id = b["data"]["requestPaper"]["id"]
        .as_str()
        .context("file id")?
        .to_string();
    let mut seen = vec![];
    for _ in 0..240 {
        let b = s.gql(Some(token), STATUS, json!({ "id": id })).await?;
        let f = b["data"]["paperFile"].clone();
        seen.push(f["progress"].as_i64().unwrap_or(-1));
        match f["status"].as_str() {
            Some("DONE") => return Ok((f, seen)),
            Some("FAILED") => bail!("{kind} failed: {f}"),
            None => bail!("{kind}: {b}"),
            _ => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
    bail!("{kind} did not finish in a minute")
}

/// GETs a path of the server: status and body.
pub async fn get(s: &TestServer, path: &str) -> Result<(u16, Vec<u8>, String)> {
    let r = reqwest::get(format!("{}{path}", s.base_url())).await?;
    let status = r.status().as_u16();
    let disposition = r
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    Ok((status, r.bytes().await?.to_vec(), disposition))
}

/// Downloads a finished file through its link.
pub async fn download(s: &TestServer, file: &Value) -> Result<Vec<u8>> {
    let url = file["downloadUrl"].as_str().context("a download link")?;
    let (status, body, _) = get(s, url).await?;
    ensure!(
        status == 200,
        "download answered {status}: {}",
        String::from_utf8_lossy(&body)
    );
    Ok(body)
}

/// A worksheet as rows of cells rendered to text (numbers as written,
/// e.g. `12` or `87.5`), and whether any cell holds a formula.
pub fn sheet(bytes: &[u8], name: &str) -> Result<(Vec<Vec<String>>, bool)> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).context("not an xlsx")?;
    let range = wb
        .worksheet_range(name)
        .with_context(|| format!("sheet {name}"))?;
    let rows = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let formulas = wb
        .worksheet_formula(name)
        .map(|f| f.rows().flatten().any(|c| !c.is_empty()))
        .unwrap_or(false);
    Ok((rows, formulas))
}

/// A PDF's text, page by page.
pub fn pdf_pages(bytes: &[u8]) -> Result<Vec<String>> {
    ensure!(bytes.starts_with(b"%PDF"), "not a PDF");
    pdf_extract::extract_text_from_mem_by_pages(bytes).map_err(|e| anyhow::anyhow!("{e}"))
}
