//! Attacks on the HTTP surface, each refused before it costs anything, with
//! the server answering everyone else afterwards: oversized bodies and
//! uploads, wrong content types, amplification through aliases and pages,
//! field suggestions, missing security headers, and GraphQL over HTTP as
//! the specification says (media types, status codes, error codes).

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ME: &str = "{ me { id schoolName } }";
const GRJ: &str = "application/graphql-response+json";

fn start_opts(backend: Backend) -> Options {
    let mut o = Options::new(backend);
    o.env.push(("DAOSHI_TRUST_PROXY".into(), "1".into()));
    // This checkout's built page (or the stand-in when it is not built).
    let site = concat!(env!("CARGO_MANIFEST_DIR"), "/../frontend/dist");
    o.env.push(("DAOSHI_SITE_DIR".into(), site.into()));
    o
}

/// Another school still gets its answer.
async fn others_still_served(s: &TestServer) -> Result<()> {
    let d = s.data_as("s2.admin", ME, json!({})).await?;
    assert_eq!(
        d["me"]["schoolName"].as_str().map(|n| !n.is_empty()),
        Some(true)
    );
    Ok(())
}

/// Sends a raw request and returns what the server answered (status line,
/// headers and the start of the body). The body is written while the
/// answer is read: the server may answer and close before taking it all.
async fn raw(s: &TestServer, head: &str, body: &[u8]) -> Result<String> {
    let addr = s.base_url().trim_start_matches("http://").to_string();
    let conn = tokio::net::TcpStream::connect(addr).await?;
    let (mut rd, mut wr) = conn.into_split();
    let mut out = head.as_bytes().to_vec();
    out.extend_from_slice(body);
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(&out).await;
        wr
    });
    let mut buf = vec![0u8; 8192];
    let mut got = 0;
    while got < buf.len() {
        let read = tokio::time::timeout(Duration::from_secs(20), rd.read(&mut buf[got..]))
            .await
            .context("no answer")?;
        match read {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
        if String::from_utf8_lossy(&buf[..got]).contains("\r\n\r\n") {
            // Headers complete; take what else of the body is already here.
            tokio::time::sleep(Duration::from_millis(50)).await;
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_millis(200), rd.read(&mut buf[got..])).await
            {
                got += n;
            }
            break;
        }
    }
    writer.abort();
    Ok(String::from_utf8_lossy(&buf[..got]).to_string())
}

async fn post(
    s: &TestServer,
    content_type: Option<&str>,
    accept: Option<&str>,
    token: Option<&str>,
    body: Vec<u8>,
) -> Result<reqwest::Response> {
    let mut req = reqwest::Client::new()
        .post(format!("{}/graphql", s.base_url()))
        .body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    Ok(req.send().await?)
}

fn query(q: &str) -> Vec<u8> {
    json!({ "query": q }).to_string().into_bytes()
}

fn upload_form(files: usize, size: usize) -> reqwest::multipart::Form {
    let q = "mutation($file: Upload!) { importRoster(file: $file, dryRun: true) { ok rows } }";
    let mut map = serde_json::Map::new();
    for i in 0..files {
        map.insert(i.to_string(), json!(["variables.file"]));
    }
    let mut form = reqwest::multipart::Form::new()
        .text(
            "operations",
            json!({ "query": q, "variables": { "file": null } }).to_string(),
        )
        .text("map", Value::Object(map).to_string());
    for i in 0..files {
        form = form.part(
            i.to_string(),
            reqwest::multipart::Part::bytes(vec![b'a'; size]).file_name("roster.csv"),
        );
    }
    form
}

async fn request_limits(backend: Backend) -> Result<()> {
    let s = TestServer::start(start_opts(backend)).await?;
    let admin = s.login("s1.admin").await?;

    // 64 MiB declared: 413 at once, before the body is read or the (bad) token looked at.
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer forged\r\nContent-Length: {}\r\n\r\n",
        64 * 1024 * 1024
    );
    let started = Instant::now();
    let answer = raw(&s, &head, &vec![b' '; 1024 * 1024]).await?;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Chunked, no length: cut off at 12 MiB, still 413.
    let mut chunked = Vec::new();
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..14 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    let answer = raw(&s, head, &chunked).await?;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // 13 MiB of JSON sent whole: 413 with a VALIDATION error.
    let mut big = br#"{"query":"{ me { id } }","variables":{"pad":""#.to_vec();
    big.extend(std::iter::repeat_n(b'x', 13 * 1024 * 1024));
    big.extend_from_slice(br#""}}"#);
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept: application/json\r\nAuthorization: Bearer {admin}\r\nContent-Length: {}\r\n\r\n",
        big.len()
    );
    let answer = raw(&s, &head, &big).await?;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"VALIDATION\""), "{answer}");

    // Uploads: a file over 10 MiB, and more files than allowed.
    let r = reqwest::Client::new()
        .post(format!("{}/graphql", s.base_url()))
        .bearer_auth(&admin)
        .multipart(upload_form(1, 11 * 1024 * 1024))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 413);
    let r = reqwest::Client::new()
        .post(format!("{}/graphql", s.base_url()))
        .bearer_auth(&admin)
        .multipart(upload_form(50, 10))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 413);
    // A proper upload still goes through.
    let ok = s
        .gql_upload(
            &admin,
            "mutation($file: Upload!) { importRoster(file: $file, dryRun: true) { dryRun } }",
            json!({ "file": null }),
            "roster.csv",
            "姓名,学号\n".as_bytes().to_vec(),
        )
        .await?;
    assert!(
        ok["errors"].is_null() || error_code(&ok).as_deref() == Some("VALIDATION"),
        "{ok}"
    );

    // Content types: none, text/plain and form posts are refused with 415.
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/json; charset=latin1"),
    ] {
        let r = post(&s, ct, None, Some(&admin), query(ME)).await?;
        assert_eq!(r.status().as_u16(), 415, "{ct:?}");
    }
    // Not valid JSON: 400.
    let r = post(
        &s,
        Some("application/json"),
        None,
        None,
        b"{\"query\":".to_vec(),
    )
    .await?;
    assert_eq!(r.status().as_u16(), 400);

    // GET and other methods: 405 with Allow: POST.
    let client = reqwest::Client::new();
    let r = client
        .get(format!("{}/graphql?query=%7Bme%7Bid%7D%7D", s.base_url()))
        .header("accept", "application/json")
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers()["allow"], "POST");
    let r = client
        .put(format!("{}/graphql", s.base_url()))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers()["allow"], "POST");

    others_still_served(&s).await
}
both!(request_limits);

fn amplification(aliases: usize, first: usize) -> String {
    let one = "edges { node { id sensitive { familyFlags specialNeeds } } }";
    let body: Vec<String> = (0..aliases)
        .map(|i| format!("a{i}: students(first: {first}) {{ {one} }}"))
        .collect();
    format!("{{ {} }}", body.join(" "))
}

fn audit_rows(s: &TestServer) -> Result<i64> {
    Ok(
        s.sql("SELECT count(*) FROM audit_log WHERE action = 'student.sensitive.read'")?
            .trim()
            .parse()?,
    )
}

async fn cost_and_errors(backend: Backend) -> Result<()> {
    let s = TestServer::start(start_opts(backend)).await?;
    let admin = s.login("s1.admin").await?;
    let before = audit_rows(&s)?;

    // The issue's query: 15 aliases × 200 students × `sensitive`. Refused
    // by cost before any resolver ran: no audit rows, quickly.
    let started = Instant::now();
    let r = s
        .gql(Some(&admin), &amplification(15, 200), json!({}))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
    assert!(r.get("data").is_none_or(Value::is_null), "{r}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(audit_rows(&s)?, before);
    // The same through a variable page size and the default page.
    let r = s
        .gql(
            Some(&admin),
            &amplification(15, 200)
                .replace("first: 200", "first: $n")
                .replacen("{", "query($n: Int) {", 1),
            json!({ "n": 200 }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");

    // Under the budget, repeated reads of the same students are one record each.
    let students: i64 = s
        .data_as(
            "s1.admin",
            "{ students(first: 200) { totalCount } }",
            json!({}),
        )
        .await?["students"]["totalCount"]
        .as_i64()
        .unwrap_or_default();
    assert!(students > 0 && students <= 200);
    let d = s
        .gql(Some(&admin), &amplification(3, 200), json!({}))
        .await?;
    assert!(d["errors"].is_null(), "{d}");
    assert_eq!(audit_rows(&s)? - before, students);
    // One student under many aliases: one more record per request.
    let id = d["data"]["a0"]["edges"][0]["node"]["id"].clone();
    let aliased: Vec<String> = (0..20)
        .map(|i| format!("s{i}: student(id: $id) {{ sensitive {{ familyFlags }} }}"))
        .collect();
    let q = format!("query($id: ID!) {{ {} }}", aliased.join(" "));
    let at = audit_rows(&s)?;
    let d = s.gql(Some(&admin), &q, json!({ "id": id })).await?;
    assert!(d["errors"].is_null(), "{d}");
    assert_eq!(audit_rows(&s)? - at, 1);

    // Aliases hidden in a fragment spread many times count where spread.
    let frag = (0..10)
        .map(|i| format!("x{i}: id"))
        .collect::<Vec<_>>()
        .join(" ");
    let spreads = (0..5)
        .map(|i| format!("m{i}: me {{ ...F }}"))
        .collect::<Vec<_>>()
        .join(" ");
    let q = format!("{{ {spreads} }} fragment F on Me {{ {frag} }}");
    let r = s.gql(Some(&admin), &q, json!({})).await?;
    assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("别名"),
        "{r}"
    );

    // No field suggestions.
    let r = s
        .gql(Some(&admin), "{ studnets { totalCount } }", json!({}))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
    assert!(!r.to_string().contains("Did you mean"), "{r}");
    let r = s
        .gql(
            Some(&admin),
            "{ students(frist: 2) { totalCount } }",
            json!({}),
        )
        .await?;
    assert!(!r.to_string().contains("Did you mean"), "{r}");

    // Coercion errors carry a code, for literals and variables alike.
    for (q, vars) in [
        ("{ students(first: 99999999999) { totalCount } }", json!({})),
        ("{ students(first: \"ten\") { totalCount } }", json!({})),
        (
            "query($n: Int) { students(first: $n) { totalCount } }",
            json!({ "n": "ten" }),
        ),
        (
            "query($n: Int) { students(first: $n) { totalCount } }",
            json!({ "n": 1e12 }),
        ),
        (
            "query($n: Int!) { students(first: $n) { totalCount } }",
            json!({}),
        ),
    ] {
        let r = s.gql(Some(&admin), q, vars).await?;
        let errors = r["errors"].as_array().cloned().unwrap_or_default();
        assert!(!errors.is_empty(), "{q}: {r}");
        for e in &errors {
            assert_eq!(e["extensions"]["code"], json!("VALIDATION"), "{q}: {r}");
        }
    }

    others_still_served(&s).await
}
both!(cost_and_errors);

async fn headers_and_media_types(backend: Backend) -> Result<()> {
    let s = TestServer::start(start_opts(backend)).await?;
    let client = reqwest::Client::new();

    // The page: CSP fit for the wasm app, no framing, no referrer, no sniffing.
    let page = client.get(format!("{}/", s.base_url())).send().await?;
    let h = page.headers().clone();
    let csp = h["content-security-policy"].to_str()?.to_string();
    for part in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap_or_default();
    assert!(!script_src.contains("unsafe-inline") && !script_src.contains("'unsafe-eval'"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.get("strict-transport-security").is_none());
    // The page runs no inline script (all of its scripts have a `src`).
    let html = page.text().await?;
    for tag in html.split("<script").skip(1) {
        let open = tag.split('>').next().unwrap_or_default();
        assert!(open.contains("src="), "inline script in {html}");
    }
    // Behind a trusted TLS proxy: HSTS.
    let r = client
        .get(format!("{}/", s.base_url()))
        .header("x-forwarded-proto", "https")
        .send()
        .await?;
    assert!(
        r.headers()["strict-transport-security"]
            .to_str()?
            .starts_with("max-age=")
    );

    // /graphql: never cached; media type as accepted.
    let token = s.login("s1.admin").await?;
    // (reqwest always sends an Accept header: without one, via a raw request.)
    let body = String::from_utf8(query(ME))?;
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let answer = raw(&s, &head, body.as_bytes()).await?.to_lowercase();
    assert!(answer.starts_with("http/1.1 200"), "{answer}");
    assert!(answer.contains(&format!("content-type: {GRJ}")), "{answer}");
    let cases = [
        (Some("application/json"), "application/json"),
        (Some(GRJ), GRJ),
        (
            Some("application/graphql-response+json, application/json"),
            GRJ,
        ),
        (
            Some("application/graphql-response+json;q=0.5, application/json"),
            "application/json",
        ),
        (Some("*/*"), "application/json"),
    ];
    for (accept, want) in cases {
        let r = post(
            &s,
            Some("application/json"),
            accept,
            Some(&token),
            query(ME),
        )
        .await?;
        assert_eq!(r.status().as_u16(), 200, "{accept:?}");
        assert_eq!(r.headers()["cache-control"], "no-store");
        assert_eq!(r.headers()["content-security-policy"].to_str()?, csp);
        let ct = r.headers()["content-type"].to_str()?.to_string();
        assert!(ct.starts_with(want), "{accept:?}: {ct}");
        let body: Value = r.json().await?;
        assert!(body["data"]["me"]["id"].is_string());
    }
    let r = post(
        &s,
        Some("application/json"),
        Some("text/html"),
        Some(&token),
        query(ME),
    )
    .await?;
    assert_eq!(r.status().as_u16(), 406);

    // Request errors: 400 without `data` under graphql-response+json, 200
    // under application/json.
    for bad in [
        "{ me { id ",
        "{ nosuchfield }",
        "query($n: Int) { students(first: $n) { totalCount } }",
    ] {
        let vars = if bad.contains("$n") {
            json!({ "n": "x" })
        } else {
            json!({})
        };
        let b = json!({ "query": bad, "variables": vars })
            .to_string()
            .into_bytes();
        let r = post(
            &s,
            Some("application/json"),
            Some(GRJ),
            Some(&token),
            b.clone(),
        )
        .await?;
        assert_eq!(r.status().as_u16(), 400, "{bad}");
        let body: Value = r.json().await?;
        assert!(body.get("data").is_none(), "{bad}: {body}");
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"));
        let r = post(
            &s,
            Some("application/json"),
            Some("application/json"),
            Some(&token),
            b,
        )
        .await?;
        assert_eq!(r.status().as_u16(), 200, "{bad}");
    }
    // A bad token under graphql-response+json: 401; field errors stay 200 with data.
    let r = post(
        &s,
        Some("application/json"),
        Some(GRJ),
        Some("forged"),
        query(ME),
    )
    .await?;
    assert_eq!(r.status().as_u16(), 401);
    let r = post(
        &s,
        Some("application/json"),
        Some(GRJ),
        Some(&token),
        query("{ me { id } student(id: \"00000000-0000-0000-0000-000000000000\") { id } }"),
    )
    .await?;
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await?;
    assert!(
        body.get("data").is_some() && body["errors"].is_array(),
        "{body}"
    );

    others_still_served(&s).await
}
both!(headers_and_media_types);
