//! Bad input gets `VALIDATION` (never `INTERNAL`, a 5xx or a panic), on
//! both databases: page cursors that overflow or are forged, negative and
//! huge `first`, over-long search strings and free text, and NUL, bidi
//! override and zero-width characters in free-text arguments — in
//! variables and written inline in the document. The server keeps serving.

use anyhow::Result;
use base64::Engine;
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};

const STUDENTS: &str = "query($f: Int, $a: String, $s: String) { students(first: $f, after: $a, search: $s) { totalCount edges { node { id } } } }";
const ACTIVITIES: &str =
    "query($f: Int, $a: String) { activities(first: $f, after: $a) { totalCount } }";
const LOG: &str = "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }";

fn cursor(raw: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn assert_validation(what: &str, body: &Value) {
    assert_eq!(
        error_code(body).as_deref(),
        Some("VALIDATION"),
        "{what}: {body}"
    );
}

async fn bad_input_is_refused_with_validation(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let admin = s.login("s2.admin").await?;
    let mentor = s.login("s2.mentor1").await?;

    // Cursors: overflowing, forged, over-long, not base64.
    for (what, after) in [
        ("u64::MAX", cursor(&format!("o:{}", u64::MAX))),
        ("beyond u64", cursor("o:99999999999999999999999")),
        ("negative", cursor("o:-1")),
        ("signed", cursor("o:+3")),
        ("empty offset", cursor("o:")),
        ("other prefix", cursor("x:1")),
        ("not base64", "!!!".to_string()),
        ("over-long", "A".repeat(100_000)),
        ("NUL", cursor("o:1\u{0}")),
    ] {
        for q in [STUDENTS, ACTIVITIES] {
            let r = s.gql(Some(&admin), q, json!({ "a": after })).await?;
            assert_validation(&format!("after {what}"), &r);
        }
    }
    // first: negative is refused; huge within Int is capped, beyond Int is
    // a coercion error (never INTERNAL).
    for f in [-1, i64::from(i32::MIN)] {
        let r = s.gql(Some(&admin), STUDENTS, json!({ "f": f })).await?;
        assert_validation(&format!("first {f}"), &r);
    }
    let r = s
        .gql(Some(&admin), STUDENTS, json!({ "f": i32::MAX }))
        .await?;
    assert!(r["errors"].is_null(), "first i32::MAX: {r}");
    for f in [json!(9_999_999_999_i64), json!(1e300)] {
        let r = s.gql(Some(&admin), STUDENTS, json!({ "f": f })).await?;
        assert!(r["errors"][0].is_object(), "first {f}: {r}");
        assert_ne!(
            error_code(&r).as_deref(),
            Some("INTERNAL"),
            "first {f}: {r}"
        );
    }
    let r = s
        .gql(
            Some(&admin),
            "{ students(first: -5) { totalCount } }",
            json!({}),
        )
        .await?;
    assert_validation("inline first -5", &r);

    // Search strings: over-long, or with invisible characters.
    for (what, search) in [
        ("over-long", "张".repeat(51)),
        ("NUL", "张\u{0}".to_string()),
        ("bidi", "\u{202E}张".to_string()),
        ("zero-width", "张\u{200B}三".to_string()),
        ("huge", "a".repeat(1_000_000)),
    ] {
        let r = s
            .gql(Some(&admin), STUDENTS, json!({ "s": search }))
            .await?;
        assert_validation(&format!("search {what}"), &r);
    }
    let r = s
        .gql(Some(&admin), STUDENTS, json!({ "s": "张".repeat(50) }))
        .await?;
    assert!(r["errors"].is_null(), "a 50-character search: {r}");

    // Free text in a mutation: each invisible or control character refused,
    // in variables and inline (GraphQL escapes), and nothing written.
    let d = s
        .data_as(
            "s2.student1",
            "{ students(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let student = d["students"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let activity = |key: &str, summary: &str| {
        json!({ "i": { "clientKey": key, "kind": "TALK", "studentIds": [student], "summary": summary,
            "guidanceAreas": ["PSYCHOLOGICAL"], "trigger": "BEFORE_EXAM" } })
    };
    let bad: Vec<(&str, String)> = vec![
        ("NUL", "谈话\u{0}记录".into()),
        ("bell", "谈话\u{7}".into()),
        ("C1", "谈话\u{85}".into()),
        ("LRE", "\u{202A}谈话".into()),
        ("RLO", "谈话\u{202E}txt.exe".into()),
        ("LRI", "\u{2066}谈话".into()),
        ("PDI", "谈话\u{2069}".into()),
        ("ZWSP", "谈\u{200B}话".into()),
        ("ZWNJ", "谈\u{200C}话".into()),
        ("ZWJ", "谈\u{200D}话".into()),
        ("BOM", "\u{FEFF}谈话".into()),
        ("over-long", "话".repeat(5001)),
        ("far too long", "话".repeat(300_000)),
    ];
    for (i, (what, summary)) in bad.iter().enumerate() {
        let key = format!("bad-{i}");
        let r = s.gql(Some(&mentor), LOG, activity(&key, summary)).await?;
        assert_validation(&format!("summary {what}"), &r);
        assert_eq!(count(&s, &key)?, 0, "{what} was written");
    }
    for (what, escaped) in [("NUL", "\\u0000"), ("RLO", "\\u202E"), ("ZWSP", "\\u200B")] {
        let key = format!("inline-{what}");
        let q = format!(
            "mutation {{ logActivity(input: {{ clientKey: \"{key}\", kind: TALK, studentIds: [\"{student}\"], \
             summary: \"谈话{escaped}\", guidanceAreas: [PSYCHOLOGICAL], trigger: BEFORE_EXAM }}) {{ id }} }}"
        );
        let r = s.gql(Some(&mentor), &q, json!({})).await?;
        assert_validation(&format!("inline summary {what}"), &r);
        assert_eq!(count(&s, &key)?, 0, "inline {what} was written");
    }
    // Over-long strings anywhere, e.g. a login name, are refused before any work.
    let r = s
        .gql(
            None,
            "mutation($u: String!) { login(username: $u, password: \"x\") { accessToken } }",
            json!({ "u": "u".repeat(50_000) }),
        )
        .await?;
    assert_validation("50,000-character username", &r);

    // Ordinary text with line breaks, emoji and Chinese punctuation passes,
    // and the server still serves.
    let r = s
        .gql(
            Some(&mentor),
            LOG,
            activity("good-1", "谈话记录：\n第一行；\t第二行 😀"),
        )
        .await?;
    assert!(r["errors"].is_null(), "good text refused: {r}");
    assert_eq!(count(&s, "good-1")?, 1);
    let paged =
        "query($a: String) { students(first: 2, after: $a) { edges { cursor node { id } } } }";
    let r = s.gql(Some(&admin), paged, json!({})).await?;
    let next = r["data"]["students"]["edges"][1]["cursor"].clone();
    assert!(next.is_string(), "{r}");
    let r = s.gql(Some(&admin), paged, json!({ "a": next })).await?;
    assert!(
        r["data"]["students"]["edges"][0]["node"]["id"].is_string(),
        "{r}"
    );
    Ok(())
}

fn count(s: &TestServer, key: &str) -> Result<i64> {
    Ok(s.sql(&format!(
        "SELECT count(*) FROM activities WHERE client_key = '{key}'"
    ))?
    .trim()
    .parse()?)
}

both!(bad_input_is_refused_with_validation);
