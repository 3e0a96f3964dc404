//! The supervision tables tell the truth about the demo district, on both
//! databases: in every table (the district's per-school counts, each grade,
//! each class) no count of students exceeds the students it is out of, and
//! every rate lies between 0 and 100 %. Periods (one per student and month
//! for 家校联系) are counted apart from students and never read as people.

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both};

const KIND: &str = "kind done due overdue notApplicable students studentsDone studentsOverdue studentsOnTrack onTrackPercent periodDonePercent";

/// Checks one counts table against its population; returns how many kinds
/// it checked.
fn check_table(what: &str, c: &Value) -> Result<usize> {
    let n = |v: &Value, f: &str| v[f].as_i64().with_context(|| format!("{what}: {f} in {v}"));
    let students = n(c, "students")?;
    ensure!(
        n(c, "studentsWithOverdue")? <= students,
        "{what}: more students with overdue than students: {c}"
    );
    if let Some(p) = c["onTrackPercent"].as_i64() {
        ensure!((0..=100).contains(&p), "{what}: rate {p}: {c}");
    }
    let mut kinds = 0;
    for k in c["byKind"].as_array().context("byKind")? {
        let of = n(k, "students")?;
        ensure!(
            of <= students,
            "{what}: {k} counts more students than {students}"
        );
        for f in ["studentsDone", "studentsOverdue", "studentsOnTrack"] {
            let x = n(k, f)?;
            ensure!((0..=of).contains(&x), "{what}: {f} = {x} of {of}: {k}");
        }
        ensure!(
            n(k, "studentsOnTrack")? + n(k, "studentsOverdue")? == of,
            "{what}: on track and overdue do not add up: {k}"
        );
        for f in ["onTrackPercent", "periodDonePercent"] {
            if let Some(p) = k[f].as_i64() {
                ensure!((0..=100).contains(&p), "{what}: {f} = {p}: {k}");
            }
        }
        // A kind that applies to nobody has no rate.
        if of == 0 {
            ensure!(
                k["onTrackPercent"].is_null(),
                "{what}: a rate of nobody: {k}"
            );
        } else {
            kinds += 1;
        }
    }
    Ok(kinds)
}

async fn supervision_counts_never_exceed_their_population(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let counts = format!(
        "{{ schoolTaskCounts {{ schoolName counts {{ students studentsWithOverdue onTrackPercent byKind {{ {KIND} }} }} byGrade {{ grade counts {{ students studentsWithOverdue onTrackPercent byKind {{ {KIND} }} }} }} }} }}"
    );
    let d = s.data_as("district", &counts, json!({})).await?;
    let schools = d["schoolTaskCounts"].as_array().context("schools")?;
    ensure!(schools.len() == 3, "{d}");
    let mut checked = 0;
    for sc in schools {
        let name = sc["schoolName"].as_str().unwrap_or_default();
        checked += check_table(name, &sc["counts"])?;
        let mut in_grades = 0;
        for g in sc["byGrade"].as_array().context("byGrade")? {
            checked += check_table(&format!("{name} grade {}", g["grade"]), &g["counts"])?;
            in_grades += g["counts"]["students"].as_i64().unwrap_or(0);
        }
        ensure!(
            in_grades == sc["counts"]["students"].as_i64().unwrap_or(-1),
            "{name}: grades add up to {in_grades}: {sc}"
        );
    }
    ensure!(checked > 0, "no kind applied anywhere: {d}");

    // Each class table of each school, as its admin reads it.
    let class_q = format!(
        "query($c: ID!) {{ classTasks(classId: $c) {{ students {{ studentId }} counts {{ students studentsWithOverdue onTrackPercent byKind {{ {KIND} }} }} }} }}"
    );
    for admin in ["s1.admin", "s2.admin", "s3.admin"] {
        let classes = s
            .data_as(admin, "{ classes { id name } }", json!({}))
            .await?;
        for c in classes["classes"].as_array().context("classes")? {
            let t = s.data_as(admin, &class_q, json!({ "c": c["id"] })).await?;
            let table = &t["classTasks"]["counts"];
            let listed = t["classTasks"]["students"].as_array().map_or(0, Vec::len);
            ensure!(
                table["students"].as_i64() == Some(listed as i64),
                "{admin} {}: {t}",
                c["name"]
            );
            check_table(&format!("{admin} {}", c["name"]), table)?;
        }
    }
    Ok(())
}
both!(supervision_counts_never_exceed_their_population);
