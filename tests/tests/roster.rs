//! Roster import: every bad row listed with row, column and reason, nothing
//! written; clean files applied all at once; re-import idempotent; CSV
//! (UTF-8 or GBK) and .xlsx; through GraphQL and the CLI.

use anyhow::Result;
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code, workspace_root};

const IMPORT: &str = "mutation($file: Upload!, $dry: Boolean) { importRoster(file: $file, dryRun: $dry) { ok dryRun kind rows created updated unchanged guardiansLinked errors { row column message } } }";

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(workspace_root().join("infra/samples").join(name)).unwrap_or_default()
}

async fn count(s: &TestServer, token: &str) -> Result<i64> {
    let b = s
        .gql(
            Some(token),
            "{ students(first: 1) { totalCount } }",
            json!({}),
        )
        .await?;
    Ok(b["data"]["students"]["totalCount"].as_i64().unwrap_or(-1))
}

async fn upload(
    s: &TestServer,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
    dry: bool,
) -> Result<Value> {
    let b = s
        .gql_upload(
            token,
            IMPORT,
            json!({ "file": null, "dry": dry }),
            name,
            bytes,
        )
        .await?;
    assert!(b["errors"].is_null(), "{b}");
    Ok(b["data"]["importRoster"].clone())
}

fn has(errors: &Value, row: i64, column: &str, needle: &str) -> bool {
    errors.as_array().is_some_and(|es| {
        es.iter().any(|e| {
            e["row"] == json!(row)
                && e["column"] == json!(column)
                && e["message"].as_str().is_some_and(|m| m.contains(needle))
        })
    })
}

async fn malformed_rosters_are_refused_whole(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let t = s.login("s2.admin").await?;
    let before = count(&s, &t).await?;
    let r = upload(
        &s,
        &t,
        "students-bad.csv",
        sample("students-bad.csv"),
        false,
    )
    .await?;
    assert_eq!(r["ok"], json!(false));
    let e = &r["errors"];
    assert!(has(e, 2, "学号", "学号"), "bad student number: {e}");
    assert!(has(e, 3, "班级", "七年级(9)班"), "unknown class: {e}");
    assert!(has(e, 4, "家长电话", "11位"), "bad phone: {e}");
    assert!(has(e, 5, "学号", "与第4行重复"), "duplicate: {e}");
    assert!(has(e, 5, "年级", "不符"), "grade mismatch: {e}");
    assert!(has(e, 5, "住在城镇", "是"), "yes/no: {e}");
    assert!(has(e, 6, "姓名", "不能为空"), "empty name: {e}");
    assert!(has(e, 6, "性别", "男"), "gender: {e}");
    assert_eq!(count(&s, &t).await?, before, "a refused file wrote rows");

    // Not decodable as UTF-8 or GBK, and not a roster at all.
    let garbage = vec![
        0xD1, 0xA7, 0xFF, 0x80, b',', 0xC3, 0x28, 0x80, b'\n', 0xFF, 0xFE, b'\n',
    ];
    let r = upload(&s, &t, "roster.csv", garbage, false).await?;
    assert_eq!(r["ok"], json!(false));
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("编码")),
        "{r}"
    );
    let r = upload(
        &s,
        &t,
        "roster.csv",
        "名字,备注\n张三,x\n".as_bytes().to_vec(),
        false,
    )
    .await?;
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("表头")),
        "{r}"
    );
    let r = upload(&s, &t, "roster.xlsx", b"not a zip".to_vec(), false).await?;
    assert_eq!(r["ok"], json!(false));
    assert_eq!(count(&s, &t).await?, before);

    // Only school admins may import.
    let m = s.login("s2.mentor1").await?;
    let b = s
        .gql_upload(
            &m,
            IMPORT,
            json!({ "file": null }),
            "s.csv",
            sample("students-s2.csv"),
        )
        .await?;
    assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"), "{b}");
    Ok(())
}
both!(malformed_rosters_are_refused_whole);

async fn clean_rosters_import_once_in_any_format(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let t = s.login("s2.admin").await?;
    let before = count(&s, &t).await?;
    let dry = upload(&s, &t, "students-s2.csv", sample("students-s2.csv"), true).await?;
    assert_eq!(
        (dry["ok"].clone(), dry["created"].clone()),
        (json!(true), json!(4))
    );
    assert_eq!(count(&s, &t).await?, before, "dry run wrote rows");
    let r = upload(&s, &t, "students-s2.csv", sample("students-s2.csv"), false).await?;
    assert_eq!(r["created"], json!(4), "{r}");
    assert_eq!(r["guardiansLinked"], json!(4));
    assert_eq!(count(&s, &t).await?, before + 4);
    for (name, file) in [
        ("students-s2.csv", "students-s2.csv"),
        ("students-s2-gbk.csv", "students-s2-gbk.csv"),
        ("students-s2.xlsx", "students-s2.xlsx"),
    ] {
        let again = upload(&s, &t, name, sample(file), false).await?;
        assert_eq!(
            (again["created"].clone(), again["unchanged"].clone()),
            (json!(0), json!(4)),
            "{name}: {again}"
        );
    }
    assert_eq!(count(&s, &t).await?, before + 4);
    let q = "{ students(search: \"陈思远\") { edges { node { id className } } } }";
    let found = s.data_as("s2.admin", q, json!({})).await?;
    let id = found["students"]["edges"][0]["node"]["id"].clone();
    assert_eq!(
        found["students"]["edges"][0]["node"]["className"],
        json!("七年级(1)班")
    );
    let g = s
        .data_as(
            "s2.admin",
            "query($id: ID!) { guardians(studentId: $id) { name phone relation } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(g["guardians"][0]["relation"], json!("父亲"));

    let staff = upload(&s, &t, "staff-s2.csv", sample("staff-s2.csv"), false).await?;
    assert_eq!(staff["created"], json!(2), "{staff}");
    let again = upload(&s, &t, "staff-s2.csv", sample("staff-s2.csv"), false).await?;
    assert_eq!(again["unchanged"], json!(2), "{again}");
    let st = s.data_as("s2.admin", "{ staff(search: \"T2901\") { edges { node { name specialties teaching { className subject } } } } }", json!({})).await?;
    assert_eq!(
        st["staff"]["edges"][0]["node"]["teaching"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{st}"
    );
    Ok(())
}
both!(clean_rosters_import_once_in_any_format);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_imports_all_or_nothing() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Sqlite)).await?;
    let dir = workspace_root().join("infra/samples");
    let bad = s
        .cli(&[
            "import",
            "--school",
            "demo-s2",
            dir.join("students-bad.csv").to_str().unwrap_or(""),
        ])
        .await?;
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("第3行 班级") && err.contains("七年级(9)班"),
        "{err}"
    );
    let ok = s
        .cli(&[
            "import",
            "--school",
            "demo-s2",
            dir.join("students-s2.xlsx").to_str().unwrap_or(""),
        ])
        .await?;
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("4 created"));
    let t = s.login("s2.admin").await?;
    assert_eq!(count(&s, &t).await?, 12 * 6 + 4);
    Ok(())
}
