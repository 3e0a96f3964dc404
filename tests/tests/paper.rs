//! Exports and printable documents through the API on SQLite and
//! PostgreSQL (issue 13 items 4–5, issue 12 item 4): files are built by a
//! background job with progress, opened here with a real xlsx reader (the
//! numbers match the page; user text that looks like a formula is escaped)
//! or a PDF text extractor (the Chinese text is there); only the requester
//! downloads a file, through a short-lived link; another school, another
//! parent, a mentor outside the class are refused; 优秀导师 go from the
//! published assessment to the mentor's certificate and the district's
//! counts without names.

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use tests::mentoring::{staff_id_of, student_of};
use tests::paper::{download, get, make, pdf_pages, request, sheet};
use tests::{Backend, Options, TestServer, both, error_code};

fn num(v: &Value) -> String {
    format!("{}", v.as_f64().unwrap_or(-1.0))
}

async fn exports_open_in_a_spreadsheet_reader_and_match_the_page(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let admin = s.login("s2.admin").await?;
    // A class named like a formula: exported as text, escaped.
    let d = s
        .data_as(
            "s2.admin",
            "{ classes { id name grade headTeacherId } }",
            json!({}),
        )
        .await?;
    let c = d["classes"][0].clone();
    let evil = "=HYPERLINK(\"http://x.test\",\"点我\")";
    let b = s
        .gql(
            Some(&admin),
            "mutation($id: ID!, $i: ClassInput!) { updateClass(id: $id, input: $i) { id } }",
            json!({ "id": c["id"], "i": { "grade": c["grade"], "name": evil, "headTeacherId": c["headTeacherId"] } }),
        )
        .await?;
    ensure!(error_code(&b).is_none(), "{b}");

    let page = s
        .gql(
            Some(&admin),
            "{ taskCompletion { termName classes { name grade students done due overdue } mentors { name students done due overdue } } }",
            json!({}),
        )
        .await?;
    ensure!(error_code(&page).is_none(), "{page}");
    let page = &page["data"]["taskCompletion"];
    let (file, progress) = make(&s, &admin, "TASK_COMPLETION", None).await?;
    ensure!(progress.last() == Some(&100), "{progress:?}");
    ensure!(
        file["filename"]
            .as_str()
            .unwrap_or_default()
            .ends_with(".xlsx")
    );
    let bytes = download(&s, &file).await?;

    let (rows, formulas) = sheet(&bytes, "按班级")?;
    ensure!(!formulas, "a formula in the export");
    ensure!(
        rows[0][0].contains("中学") || !rows[0][0].is_empty(),
        "school name: {rows:?}"
    );
    ensure!(rows[2][0].starts_with("学期："), "{rows:?}");
    ensure!(
        rows[2][0].contains(page["termName"].as_str().unwrap_or("?")),
        "{rows:?}"
    );
    ensure!(rows[3][0].starts_with("生成时间："), "{rows:?}");
    ensure!(
        rows[5][..6] == ["年级", "班级", "学生数", "已完成", "进行中", "已逾期"],
        "{:?}",
        rows[5]
    );
    let classes = page["classes"].as_array().context("classes")?;
    ensure!(
        rows.len() == 6 + classes.len(),
        "{} rows for {} classes",
        rows.len(),
        classes.len()
    );
    for (r, c) in rows[6..].iter().zip(classes) {
        let name = c["name"].as_str().unwrap_or_default();
        let shown = if name.starts_with('=') {
            format!("'{name}")
        } else {
            name.to_string()
        };
        ensure!(r[1] == shown, "{r:?} vs {c}");
        ensure!(
            [&r[2], &r[3], &r[4], &r[5]]
                == [
                    &num(&c["students"]),
                    &num(&c["done"]),
                    &num(&c["due"]),
                    &num(&c["overdue"])
                ],
            "{r:?} vs {c}"
        );
    }
    ensure!(
        rows[6..].iter().any(|r| r[1] == format!("'{evil}")),
        "the formula was not escaped"
    );
    let (rows, _) = sheet(&bytes, "按导师")?;
    let mentors = page["mentors"].as_array().context("mentors")?;
    ensure!(
        rows.len() == 6 + mentors.len() && !mentors.is_empty(),
        "{rows:?}"
    );
    for (r, m) in rows[6..].iter().zip(mentors) {
        ensure!(
            r[0] == m["name"].as_str().unwrap_or_default(),
            "{r:?} vs {m}"
        );
        ensure!(
            r[2] == num(&m["done"]) && r[4] == num(&m["overdue"]),
            "{r:?} vs {m}"
        );
    }
    // The whole school's students are in the class sheet.
    let total: f64 = classes
        .iter()
        .map(|c| c["students"].as_f64().unwrap_or(0.0))
        .sum();
    let d = s
        .data_as(
            "s2.admin",
            "{ schoolTaskCounts { counts { students } } }",
            json!({}),
        )
        .await?;
    ensure!(
        d["schoolTaskCounts"][0]["counts"]["students"].as_f64() == Some(total),
        "{d}"
    );

    // Only the requester downloads; links are bound to their file and expire.
    let url = file["downloadUrl"].as_str().context("url")?.to_string();
    let id = file["id"].as_str().context("id")?;
    let (st, _, disp) = get(&s, &url).await?;
    ensure!(
        st == 200 && disp.contains("filename*=UTF-8''"),
        "{st} {disp}"
    );
    let (st, _, _) = get(&s, &format!("/files/{id}")).await?;
    ensure!(st == 401, "no ticket: {st}");
    let (st, _, _) = get(&s, &format!("{url}x")).await?;
    ensure!(st == 401, "bad ticket: {st}");
    let other = s.login("s1.admin").await?;
    let b = s
        .gql(Some(&other), tests::paper::STATUS, json!({ "id": id }))
        .await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");
    let mentor = s.login("s2.mentor1").await?;
    let b = s
        .gql(Some(&mentor), tests::paper::STATUS, json!({ "id": id }))
        .await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");
    // A ticket for one file does not open another.
    let (f2, _) = make(&s, &admin, "TERM_SUMMARY", None).await?;
    let ticket = url.split("ticket=").nth(1).context("ticket")?;
    let (st, _, _) = get(
        &s,
        &format!(
            "/files/{}?ticket={ticket}",
            f2["id"].as_str().unwrap_or_default()
        ),
    )
    .await?;
    ensure!(st == 401, "a ticket opened another file: {st}");
    // The term summary: aggregates, in Chinese, paged.
    let text = pdf_pages(&download(&s, &f2).await?)?.join("\n");
    ensure!(
        text.contains("导师工作学期总结") && text.contains("第 1 页"),
        "{text}"
    );
    // Mentors export no school table.
    let b = request(&s, &mentor, "TASK_COMPLETION", None).await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    let b = request(&s, &mentor, "TERM_SUMMARY", None).await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    ensure!(
        s.sql("SELECT count(*) FROM audit_log WHERE action = 'paper.download'")?
            .trim()
            != "0"
    );
    Ok(())
}
both!(exports_open_in_a_spreadsheet_reader_and_match_the_page);

async fn a_parent_gets_their_childs_growth_letter_and_no_one_elses(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let parent = s.login("s2.parent1").await?;
    let mine = s
        .gql(
            Some(&parent),
            "{ myGrowthMessages { body student { id name } } }",
            json!({}),
        )
        .await?;
    let msg = mine["data"]["myGrowthMessages"][0].clone();
    let child = msg["student"]["id"]
        .as_str()
        .context("a child with a letter")?
        .to_string();
    let (file, _) = make(&s, &parent, "GROWTH_LETTER", Some(&child)).await?;
    ensure!(
        file["filename"]
            .as_str()
            .unwrap_or_default()
            .ends_with(".pdf")
    );
    let pages = pdf_pages(&download(&s, &file).await?)?;
    let text = pages.join("\n");
    ensure!(text.contains("成长寄语"), "{text}");
    ensure!(
        text.contains(msg["student"]["name"].as_str().unwrap_or("?")),
        "{text}"
    );
    let body: String = msg["body"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .take(6)
        .collect();
    ensure!(
        text.replace(['\n', ' '], "").contains(&body),
        "{body} not in {text}"
    );
    ensure!(text.contains("第 1 页 / 共"), "{text}");

    // Another school's parent, a student for a classmate: refused.
    let b = request(
        &s,
        &s.login("s1.parent1").await?,
        "GROWTH_LETTER",
        Some(&child),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");
    let own = student_of(&s, "s2.student1").await?;
    let d = s
        .data_as(
            "s2.admin",
            "{ students(first: 50) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let other = d["students"]["edges"]
        .as_array()
        .context("students")?
        .iter()
        .filter_map(|e| e["node"]["id"].as_str())
        .find(|id| *id != own)
        .context("another student")?
        .to_string();
    let b = request(
        &s,
        &s.login("s2.student1").await?,
        "GROWTH_LETTER",
        Some(&other),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");
    ensure!(
        s.sql("SELECT count(*) FROM paper_files")?.trim() == "1",
        "a refused request left a file behind"
    );

    // The class's letters (the child's class): the school admin prints
    // them; a mentor outside the class may not.
    let admin = s.login("s2.admin").await?;
    let d = s
        .gql(
            Some(&admin),
            "query($s: ID!) { student(id: $s) { classId } }",
            json!({ "s": child }),
        )
        .await?;
    let class = d["data"]["student"]["classId"]
        .as_str()
        .context("the child's class")?
        .to_string();
    let head = staff_id_of(&s, "s2.mentor1").await?;
    let d = s
        .gql(Some(&admin), "{ classes { id headTeacherId } }", json!({}))
        .await?;
    let mentor_heads = d["data"]["classes"]
        .as_array()
        .context("classes")?
        .iter()
        .any(|c| c["id"] == json!(class) && c["headTeacherId"] == json!(head));
    if !mentor_heads {
        let b = request(
            &s,
            &s.login("s2.mentor1").await?,
            "CLASS_LETTERS",
            Some(&class),
        )
        .await?;
        ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    }
    let (file, _) = make(&s, &admin, "CLASS_LETTERS", Some(&class)).await?;
    let pages = pdf_pages(&download(&s, &file).await?)?;
    ensure!(pages.iter().all(|p| p.contains("成长寄语")), "{pages:?}");
    Ok(())
}
both!(a_parent_gets_their_childs_growth_letter_and_no_one_elses);

async fn excellent_mentors_are_nominated_published_and_counted(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let admin = s.login("s2.admin").await?;
    let d = s
        .data_as("s2.admin", "{ terms { id startsOn endsOn } }", json!({}))
        .await?;
    let mut terms = d["terms"].as_array().cloned().unwrap_or_default();
    terms.sort_by_key(|t| t["startsOn"].as_str().map(String::from));
    let term = terms[0]["id"].as_str().context("term")?.to_string();
    let ends = terms[0]["endsOn"].clone();
    let run = "mutation($t: ID!, $d: NaiveDate) { runAssessment(termId: $t, asOf: $d) { id results { id staffId staffName rating } } }";
    let d = s
        .data_as("s2.admin", run, json!({ "t": term, "d": ends }))
        .await?;
    let run_id = d["runAssessment"]["id"]
        .as_str()
        .context("run")?
        .to_string();
    let results = d["runAssessment"]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // Make mentor1 优秀 (within the quota), another stays as computed.
    let me = json!(staff_id_of(&s, "s2.mentor1").await?);
    let mine = results
        .iter()
        .find(|r| r["staffId"] == me)
        .context("mentor1 assessed")?;
    let name = mine["staffName"].as_str().unwrap_or_default().to_string();
    if mine["rating"] != json!("EXCELLENT") {
        for r in results.iter().filter(|r| r["rating"] == json!("EXCELLENT")) {
            s.data_as(
                "s2.admin",
                "mutation($r: ID!) { adjustAssessment(resultId: $r, rating: QUALIFIED, reason: \"名额调整\") { id } }",
                json!({ "r": r["id"] }),
            )
            .await?;
        }
        s.data_as(
            "s2.admin",
            "mutation($r: ID!) { adjustAssessment(resultId: $r, rating: EXCELLENT, reason: \"家访与谈心全部完成\") { id } }",
            json!({ "r": mine["id"] }),
        )
        .await?;
    }
    let nominate = "mutation($t: ID!, $s: ID!, $c: String!) { nominateAward(termId: $t, staffId: $s, citation: $c) { id publishedAt } }";
    let citation = "关爱每一位学生，家访全覆盖";
    // Not before the assessment is published.
    let b = s
        .gql(
            Some(&admin),
            nominate,
            json!({ "t": term, "s": me, "c": citation }),
        )
        .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    s.data_as(
        "s2.admin",
        "mutation($r: ID!) { publishAssessment(runId: $r) { id } }",
        json!({ "r": run_id }),
    )
    .await?;
    // Only 优秀 mentors; a citation within bounds; only the admin.
    if let Some(q) = results.iter().find(|r| r["staffId"] != me) {
        let b = s
            .gql(
                Some(&admin),
                nominate,
                json!({ "t": term, "s": q["staffId"], "c": citation }),
            )
            .await?;
        ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    }
    let b = s
        .gql(
            Some(&admin),
            nominate,
            json!({ "t": term, "s": me, "c": "长".repeat(201) }),
        )
        .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    let mentor = s.login("s2.mentor1").await?;
    let b = s
        .gql(
            Some(&mentor),
            nominate,
            json!({ "t": term, "s": me, "c": citation }),
        )
        .await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    let d = s
        .data_as(
            "s2.admin",
            nominate,
            json!({ "t": term, "s": me, "c": citation }),
        )
        .await?;
    let award = d["nominateAward"]["id"]
        .as_str()
        .context("award")?
        .to_string();
    // Unpublished: the mentor sees nothing, nor prints; the district counts nothing.
    let mine_q = "{ myAwards { id citation termName } }";
    ensure!(s.data_as("s2.mentor1", mine_q, json!({})).await?["myAwards"] == json!([]));
    let b = request(&s, &mentor, "AWARD_CERTIFICATE", Some(&award)).await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");
    let counts = "{ districtAwardCounts { schoolName termName count } }";
    ensure!(s.data_as("district", counts, json!({})).await?["districtAwardCounts"] == json!([]));

    s.data_as(
        "s2.admin",
        "mutation($t: ID!) { publishAwards(termId: $t) { id } }",
        json!({ "t": term }),
    )
    .await?;
    let d = s.data_as("s2.mentor1", mine_q, json!({})).await?;
    ensure!(d["myAwards"][0]["citation"] == json!(citation), "{d}");
    let (file, _) = make(&s, &mentor, "AWARD_CERTIFICATE", Some(&award)).await?;
    let text = pdf_pages(&download(&s, &file).await?)?
        .join("\n")
        .replace(['\n', ' '], "");
    ensure!(
        text.contains("优秀导师") && text.contains(&name) && text.contains("家访全覆盖"),
        "{text}"
    );
    // Another mentor cannot print it; the district sees a count and no name.
    let b = request(
        &s,
        &s.login("s2.head1").await?,
        "AWARD_CERTIFICATE",
        Some(&award),
    )
    .await?;
    ensure!(error_code(&b).is_some(), "{b}");
    let d = s.data_as("district", counts, json!({})).await?;
    ensure!(d["districtAwardCounts"][0]["count"] == json!(1), "{d}");
    ensure!(
        !d.to_string().contains(&name) && !d.to_string().contains(&award),
        "{d}"
    );
    let b = s
        .gql(
            Some(&s.login("district").await?),
            "query($t: ID!) { schoolAwards(termId: $t) { staffName } }",
            json!({ "t": term }),
        )
        .await?;
    ensure!(error_code(&b).is_some(), "{b}");
    // Published lists are final.
    let b = s
        .gql(
            Some(&admin),
            "mutation($id: ID!) { withdrawAward(id: $id) }",
            json!({ "id": award }),
        )
        .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");

    // The mentor's appointment letter (聘书), if the seed appointed them.
    let b = request(&s, &mentor, "APPOINTMENT_LETTER", None).await?;
    if error_code(&b).is_none() {
        let (file, _) = make(&s, &mentor, "APPOINTMENT_LETTER", None).await?;
        let text = pdf_pages(&download(&s, &file).await?)?.join("\n");
        ensure!(
            text.contains("学生成长导师") && text.contains(&name),
            "{text}"
        );
    }
    // The performance-pay export, from the job.
    let (file, _) = make(&s, &admin, "ASSESSMENT_RESULTS", Some(&run_id)).await?;
    let (rows, formulas) = sheet(&download(&s, &file).await?, "导师考核")?;
    ensure!(
        !formulas && rows[5][0] == "工号" && rows.len() == 6 + results.len(),
        "{rows:?}"
    );
    Ok(())
}
both!(excellent_mentors_are_nominated_published_and_counted);
