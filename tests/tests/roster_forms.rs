//! Rosters as schools have them, on both databases: spreadsheets written by
//! an independent writer (XlsxWriter, `scripts/roster-fixtures.py`) with a
//! title row above the header, headers with stray spaces, 学号 and 年级 as
//! numbers, full-width brackets, short class forms (`七(2)班`, `初一(3)班`,
//! `7.1`, `8年级 2班`) and phone numbers with spaces, dashes and +86. They
//! import in a dry run (the class mapping listed) and for real; the bad one
//! lists every problem with its row as the sheet shows it (title rows
//! counted, never 0) and writes nothing.

use anyhow::{Context, Result};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, workspace_root};

const IMPORT: &str = "mutation($file: Upload!, $dry: Boolean) { importRoster(file: $file, dryRun: $dry) { ok dryRun kind rows created updated unchanged guardiansLinked errors { row column message } classMappings { written className rows } } }";

fn sample(name: &str) -> Result<Vec<u8>> {
    std::fs::read(workspace_root().join("infra/samples").join(name))
        .with_context(|| format!("infra/samples/{name}"))
}

async fn upload(s: &TestServer, token: &str, name: &str, dry: bool) -> Result<Value> {
    let b = s
        .gql_upload(
            token,
            IMPORT,
            json!({ "file": null, "dry": dry }),
            name,
            sample(name)?,
        )
        .await?;
    assert!(b["errors"].is_null(), "{b}");
    Ok(b["data"]["importRoster"].clone())
}

async fn students(s: &TestServer) -> Result<Value> {
    s.data_as(
        "s2.admin",
        "{ students(first: 200) { totalCount edges { node { studentNo name className } } } }",
        json!({}),
    )
    .await
}

async fn rosters_as_schools_have_them_import(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let t = s.login("s2.admin").await?;
    let before = students(&s).await?["students"]["totalCount"].clone();

    // Dry run: clean, five new students, the short forms mapped.
    let r = upload(&s, &t, "students-s2-as-typed.xlsx", true).await?;
    assert_eq!(r["ok"], json!(true), "{r}");
    assert_eq!(r["rows"], json!(5), "{r}");
    assert_eq!(r["created"], json!(5), "{r}");
    let maps = &r["classMappings"];
    for (written, class) in [
        ("七(2)班", "七年级(2)班"),
        ("初一(3)班", "七年级(3)班"),
        ("7.1", "七年级(1)班"),
        ("8年级 2班", "八年级(2)班"),
    ] {
        assert!(
            maps.as_array()
                .into_iter()
                .flatten()
                .any(|m| m["written"] == written
                    && m["className"] == class
                    && m["rows"] == json!(1)),
            "{written} → {class} not in {maps}"
        );
    }
    // Full-width brackets are the class's own name, not a mapping.
    assert!(
        !maps
            .as_array()
            .into_iter()
            .flatten()
            .any(|m| m["written"] == m["className"]),
        "{maps}"
    );
    assert_eq!(students(&s).await?["students"]["totalCount"], before);

    // For real.
    let r = upload(&s, &t, "students-s2-as-typed.xlsx", false).await?;
    assert_eq!(r["ok"], json!(true), "{r}");
    assert_eq!(r["created"], json!(5), "{r}");
    assert_eq!(r["guardiansLinked"], json!(4), "{r}");
    let list = students(&s).await?;
    let by_no = |no: &str| {
        list["students"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["node"]["studentNo"] == no)
            .map(|e| e["node"].clone())
            .unwrap_or_default()
    };
    assert_eq!(by_no("20262070191")["className"], json!("七年级(1)班"));
    assert_eq!(by_no("20262070192")["name"], json!("罗一鸣"));
    assert_eq!(by_no("20262070192")["className"], json!("七年级(2)班"));
    assert_eq!(by_no("20262070193")["className"], json!("七年级(3)班"));
    assert_eq!(by_no("20262070194")["className"], json!("七年级(1)班"));
    assert_eq!(by_no("20262080195")["className"], json!("八年级(2)班"));
    // Phone numbers stored without their separators.
    for phone in ["13800000091", "13800000092", "13800000093", "13800000095"] {
        let n = s.sql(&format!(
            "SELECT count(*) FROM guardians WHERE phone = '{phone}'"
        ))?;
        assert_eq!(n.trim(), "1", "{phone}");
    }
    // Again: nothing changes.
    let r = upload(&s, &t, "students-s2-as-typed.xlsx", false).await?;
    assert_eq!(r["unchanged"], json!(5), "{r}");
    assert_eq!(r["created"], json!(0), "{r}");
    Ok(())
}
both!(rosters_as_schools_have_them_import);

fn has(errors: &Value, row: i64, column: &str, needle: &str) -> bool {
    errors.as_array().is_some_and(|es| {
        es.iter().any(|e| {
            e["row"] == json!(row)
                && e["column"] == json!(column)
                && e["message"].as_str().is_some_and(|m| m.contains(needle))
        })
    })
}

async fn problems_name_the_rows_the_sheet_shows(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let t = s.login("s2.admin").await?;
    let before = students(&s).await?["students"]["totalCount"].clone();
    let r = upload(&s, &t, "students-s2-as-typed-bad.xlsx", true).await?;
    assert_eq!(r["ok"], json!(false), "{r}");
    let e = &r["errors"];
    // Two title rows, the header on row 3: data from row 4.
    assert!(has(e, 4, "班级", "七(9)班"), "unknown class: {e}");
    assert!(has(e, 5, "家长电话", "11位"), "short phone: {e}");
    assert!(has(e, 6, "学号", "与第4行重复"), "duplicate: {e}");
    assert_eq!(e.as_array().map(Vec::len), Some(3), "{e}");
    assert!(
        e.as_array()
            .into_iter()
            .flatten()
            .all(|x| x["row"].as_i64() > Some(0)),
        "{e}"
    );
    let r = upload(&s, &t, "students-s2-as-typed-bad.xlsx", false).await?;
    assert_eq!(r["ok"], json!(false), "{r}");
    assert_eq!(students(&s).await?["students"]["totalCount"], before);

    // A CSV with a title row: found too; unknown headers name the row.
    let csv = "名单\n学号,姓名,性别,班级\n20262070198,王王,男,七（1）班\n";
    let b = s
        .gql_upload(
            &t,
            IMPORT,
            json!({ "file": null, "dry": true }),
            "t.csv",
            csv.as_bytes().to_vec(),
        )
        .await?;
    assert_eq!(b["data"]["importRoster"]["ok"], json!(true), "{b}");
    let b = s
        .gql_upload(
            &t,
            IMPORT,
            json!({ "file": null, "dry": true }),
            "t.csv",
            b"a,b\n1,2\n".to_vec(),
        )
        .await?;
    let errs = &b["data"]["importRoster"]["errors"];
    assert_eq!(errs[0]["row"], json!(1), "{b}");
    assert!(
        errs[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("表头")),
        "{b}"
    );
    Ok(())
}
both!(problems_name_the_rows_the_sheet_shows);
