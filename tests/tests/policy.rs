//! 一校一策 through the API, on SQLite and PostgreSQL: presets and validation
//! against the district baseline (tightening passes, loosening fails with the
//! field's path), versions with diffs and audit, and RLS on the baseline. The
//! task engine through the API is in `tasks.rs`.

use anyhow::{Context, Result};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};

async fn raw(s: &TestServer, who: &str, q: &str, vars: Value) -> Result<Value> {
    let t = s.login(who).await?;
    s.gql(Some(&t), q, vars).await
}

fn paths(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v["path"].as_str().or(v["field"].as_str()))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

const SAVE: &str = "mutation($r: JSON!, $f: NaiveDate!, $t: ID, $n: String) { saveSchoolPolicy(rules: $r, effectiveFrom: $f, termId: $t, name: $n) { id version effectiveFrom termId diff { path before after } createdBy } }";
const VALIDATE: &str = "query($r: JSON!, $f: NaiveDate) { validateSchoolPolicy(rules: $r, effectiveFrom: $f) { path messageZh messageEn } }";

async fn policy_versions_validation_and_audit(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let d = s
        .data_as(
            "s2.admin",
            "{ me { id } policyPresets { id level rules } terms { id startsOn } }",
            json!({}),
        )
        .await?;
    let admin_user = d["me"]["id"].clone();
    let presets = d["policyPresets"].as_array().context("presets")?;
    assert!(presets.len() >= 6, "{presets:?}");
    let pian5 = presets
        .iter()
        .find(|p| p["id"] == "school_pian5_yingyuan")
        .context("篇5 preset")?["rules"]
        .clone();

    // 篇5's 1:16 for grades 7 and 9 exceeds the 篇6 baseline's 1:15.
    let v = s
        .data_as(
            "s2.admin",
            VALIDATE,
            json!({ "r": pian5, "f": "2026-09-01" }),
        )
        .await?;
    let got = paths(&v["validateSchoolPolicy"]);
    assert!(got.contains(&"ratio.per_grade.7".to_string()), "{got:?}");
    assert!(got.contains(&"ratio.per_grade.9".to_string()), "{got:?}");
    let msg7 = v["validateSchoolPolicy"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["path"] == "ratio.per_grade.7"))
        .context("grade 7 violation")?;
    let zh = msg7["messageZh"].as_str().unwrap_or_default();
    assert!(zh.contains("1:16") && zh.contains("1:15"), "{zh}");

    // Saving it is refused with every violation; nothing is stored.
    let b = raw(
        &s,
        "s2.admin",
        SAVE,
        json!({ "r": pian5, "f": "2026-09-01" }),
    )
    .await?;
    assert_eq!(error_code(&b).as_deref(), Some("VALIDATION"), "{b}");
    let problems = paths(&b["errors"][0]["extensions"]["problems"]);
    assert!(problems.contains(&"ratio.per_grade.7".to_string()), "{b}");
    let sp = s
        .data_as(
            "s2.admin",
            "{ schoolPolicy { current { id version rules presetId } usesDistrictBaseline baseline { version } versions { id version } } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        sp["schoolPolicy"]["versions"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(sp["schoolPolicy"]["usesDistrictBaseline"], json!(false));
    let ok = s
        .data_as(
            "s2.admin",
            "{ schoolPolicy { baselineViolations { path } } }",
            json!({}),
        )
        .await?;
    assert_eq!(ok["schoolPolicy"]["baselineViolations"], json!([]), "{ok}");

    // Tightening passes and is saved as version 2 with its diff, audited.
    let mut rules = sp["schoolPolicy"]["current"]["rules"].clone();
    rules["tasks"]["talks"]["count_per_term"] = json!(2);
    rules["ratio"]["per_grade"]["7"] = json!(12);
    let v = s
        .data_as(
            "s2.admin",
            VALIDATE,
            json!({ "r": rules, "f": "2026-10-01" }),
        )
        .await?;
    assert_eq!(v["validateSchoolPolicy"], json!([]), "{v}");
    let term1 = d["terms"]
        .as_array()
        .and_then(|t| {
            t.iter()
                .min_by_key(|x| x["startsOn"].as_str().map(String::from))
        })
        .context("term")?["id"]
        .clone();
    let saved = s
        .data_as(
            "s2.admin",
            SAVE,
            json!({ "r": rules, "f": "2026-10-01", "t": term1, "n": "迎园中学方案（修订）" }),
        )
        .await?["saveSchoolPolicy"]
        .clone();
    assert_eq!(saved["version"], json!(2));
    assert_eq!(saved["createdBy"], admin_user);
    let diff = &saved["diff"];
    let dp = paths(diff);
    assert!(
        dp.contains(&"tasks.talks.count_per_term".to_string()),
        "{dp:?}"
    );
    let g7 = diff
        .as_array()
        .and_then(|a| a.iter().find(|c| c["path"] == "ratio.per_grade.7"))
        .context("grade 7 change")?;
    assert_eq!(
        (g7["before"].clone(), g7["after"].clone()),
        (json!(15), json!(12))
    );
    let sp = s
        .data_as(
            "s2.admin",
            "query($a: NaiveDate) { schoolPolicy(asOf: $a) { current { version name } inEffect { version } versions { version diff { path } } } }",
            json!({ "a": "2026-09-15" }),
        )
        .await?;
    let versions: Vec<i64> = sp["schoolPolicy"]["versions"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v["version"].as_i64()).collect())
        .unwrap_or_default();
    assert_eq!(versions, vec![2, 1]);
    assert_eq!(
        sp["schoolPolicy"]["current"]["name"],
        json!("迎园中学方案（修订）")
    );
    // On 2026-09-15 version 2 (from 2026-10-01) is not yet in effect.
    assert_eq!(sp["schoolPolicy"]["inEffect"]["version"], json!(1));
    let audit = s
        .data_as(
            "s2.admin",
            "query($id: ID!) { auditTrail(subjectId: $id) { action actorUserId reason } }",
            json!({ "id": saved["id"] }),
        )
        .await?;
    let entry = &audit["auditTrail"][0];
    assert_eq!(entry["action"], json!("policy.school.save"), "{audit}");
    assert_eq!(entry["actorUserId"], admin_user);
    assert!(
        entry["reason"]
            .as_str()
            .is_some_and(|r| r.contains("ratio.per_grade.7")),
        "{audit}"
    );

    // Loosening fails with the field's path; an earlier date than the current
    // version is refused too.
    let mut loose = rules.clone();
    loose["tasks"]["talks"]["count_per_term"] = json!(0);
    let b = raw(
        &s,
        "s2.admin",
        SAVE,
        json!({ "r": loose, "f": "2026-10-01" }),
    )
    .await?;
    assert_eq!(error_code(&b).as_deref(), Some("VALIDATION"));
    assert!(
        paths(&b["errors"][0]["extensions"]["problems"])
            .contains(&"tasks.talks.count_per_term".to_string()),
        "{b}"
    );
    let b = raw(
        &s,
        "s2.admin",
        SAVE,
        json!({ "r": rules, "f": "2026-08-01" }),
    )
    .await?;
    assert!(
        paths(&b["errors"][0]["extensions"]["problems"])
            .contains(&"meta.effective_from".to_string()),
        "{b}"
    );
    let b = raw(
        &s,
        "s2.admin",
        "mutation($r: JSON!) { saveSchoolPolicy(rules: $r, effectiveFrom: \"2026-10-01\", presetId: \"district_pian6\") { id } }",
        json!({ "r": rules }),
    )
    .await?;
    assert!(
        paths(&b["errors"][0]["extensions"]["problems"]).contains(&"presetId".to_string()),
        "{b}"
    );
    let b = raw(
        &s,
        "s2.admin",
        SAVE,
        json!({ "r": {"ratio": 3}, "f": "2026-10-01" }),
    )
    .await?;
    assert_eq!(error_code(&b).as_deref(), Some("VALIDATION"), "{b}");

    // Roles: only the school admin saves school policies, only the district the baseline.
    for who in ["s2.mentor1", "s2.head1", "district"] {
        let b = raw(&s, who, SAVE, json!({ "r": rules, "f": "2026-10-01" })).await?;
        assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"), "{who}: {b}");
    }
    const SAVE_BASE: &str = "mutation($r: JSON!, $f: NaiveDate!) { saveDistrictBaseline(rules: $r, effectiveFrom: $f) { id version diff { path before after } isDistrictBaseline } }";
    let b = raw(
        &s,
        "s2.admin",
        SAVE_BASE,
        json!({ "r": rules, "f": "2026-09-01" }),
    )
    .await?;
    assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"));

    // Every school user reads the district baseline (RLS lets schools read it).
    let base = s
        .data_as(
            "s2.mentor1",
            "{ districtBaseline { current { version presetId rules isDistrictBaseline } versions { version } } }",
            json!({}),
        )
        .await?;
    let cur = &base["districtBaseline"]["current"];
    assert_eq!(cur["version"], json!(1));
    assert_eq!(cur["presetId"], json!("district_pian6"));
    assert_eq!(cur["rules"]["ratio"]["default_max"], json!(15));
    // The district tightens its baseline to 1:14: version 2, diffed, and the
    // school's 1:15 default now loosens it.
    let mut b14 = cur["rules"].clone();
    b14["ratio"]["default_max"] = json!(14);
    let saved = s
        .data_as(
            "district",
            SAVE_BASE,
            json!({ "r": b14, "f": "2026-09-01" }),
        )
        .await?["saveDistrictBaseline"]
        .clone();
    assert_eq!(saved["version"], json!(2));
    assert_eq!(saved["isDistrictBaseline"], json!(true));
    assert_eq!(saved["diff"][0]["path"], json!("ratio.default_max"));
    let v = s
        .data_as(
            "s2.admin",
            VALIDATE,
            json!({ "r": rules, "f": "2026-10-01" }),
        )
        .await?;
    assert!(
        paths(&v["validateSchoolPolicy"]).contains(&"ratio.default_max".to_string()),
        "{v}"
    );
    // The school's policy in effect is flagged against the tightened baseline.
    let flagged = s
        .data_as(
            "s2.admin",
            "{ schoolPolicy(asOf: \"2026-10-15\") { baselineViolations { path messageZh } } }",
            json!({}),
        )
        .await?;
    assert!(
        paths(&flagged["schoolPolicy"]["baselineViolations"])
            .contains(&"ratio.default_max".to_string()),
        "{flagged}"
    );
    // The other district is untouched.
    let y = s
        .data_as(
            "y.s1.admin",
            "{ districtBaseline { current { version } } }",
            json!({}),
        )
        .await?;
    assert_eq!(y["districtBaseline"]["current"]["version"], json!(1));
    // A district admin reads a school's policy of its district (备案).
    let sch = s
        .data_as("s2.admin", "{ me { schoolId } }", json!({}))
        .await?["me"]["schoolId"]
        .clone();
    let dv = s
        .data_as(
            "district",
            "query($s: ID) { schoolPolicy(schoolId: $s) { current { version } } }",
            json!({ "s": sch }),
        )
        .await?;
    assert_eq!(dv["schoolPolicy"]["current"]["version"], json!(2));
    Ok(())
}
both!(policy_versions_validation_and_audit);

/// PostgreSQL RLS as the application role: a school reads its district's
/// baseline and its own policy rows, writes only its own; the district writes
/// only the baseline; versions are append-only; calendars are per school.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rls_schools_read_the_baseline_and_write_only_their_own() -> Result<()> {
    use tests::psql;
    let s = TestServer::start(Options::new(Backend::Postgres)).await?;
    let owner = &s.db.url;
    let app = s.db.app_url()?;
    let school_a = psql(owner, "SELECT id FROM schools WHERE code = 'demo-s1'")?;
    let district = psql(
        owner,
        "SELECT district_id FROM schools WHERE code = 'demo-s1'",
    )?;
    let set = |school: &str, role: &str| {
        format!(
            "SELECT set_config('app.district_id', '{district}', true), set_config('app.school_id', '{school}', true), set_config('app.role', '{role}', true);"
        )
    };
    let run = |settings: &str, sql: &str| {
        psql(&app, &format!("BEGIN; {settings} {sql}; ROLLBACK;"))
            .map(|o| o.lines().last().unwrap_or("").to_string())
    };
    let a = set(&school_a, "school_admin");
    let d = set("", "district_admin");
    assert_eq!(psql(&app, "SELECT count(*) FROM policy_versions")?, "0");
    // School A: the district baseline and its own version, nothing else.
    let seen = run(
        &a,
        &format!(
            "SELECT count(*) FILTER (WHERE school_id IS NULL), count(*) FILTER (WHERE school_id = '{school_a}'), count(*) FILTER (WHERE school_id <> '{school_a}' OR district_id <> '{district}') FROM policy_versions"
        ),
    )?;
    assert_eq!(seen, "1|1|0");
    assert_eq!(
        run(
            &a,
            &format!("SELECT count(*) FROM calendar_events WHERE school_id <> '{school_a}'")
        )?,
        "0"
    );
    assert_eq!(
        run(
            &a,
            &format!("SELECT count(*) FROM calendar_events WHERE school_id = '{school_a}'")
        )?,
        "2"
    );
    let insert = |school: &str, version: i32| {
        format!(
            "INSERT INTO policy_versions (id, district_id, school_id, version, name, effective_from, rules, diff, created_at) VALUES (gen_random_uuid(), '{district}', {school}, {version}, 'x', '2030-09-01', '{{}}', '[]', now())"
        )
    };
    // A school may not write a baseline row, but may write its own.
    assert!(run(&a, &insert("NULL", 99)).is_err());
    run(&a, &insert(&format!("'{school_a}'"), 99))?;
    // Versions are append-only.
    assert!(run(&a, "UPDATE policy_versions SET name = 'y'").is_err());
    assert!(run(&a, "DELETE FROM policy_versions").is_err());
    // The district writes the baseline only.
    run(&d, &insert("NULL", 99))?;
    assert!(run(&d, &insert(&format!("'{school_a}'"), 99)).is_err());
    Ok(())
}
