//! `daoshi match`: the offline matcher on instance files.

use anyhow::Result;
use tests::{daoshi_bin, workspace_root};

#[test]
fn match_places_everyone_and_explains() -> Result<()> {
    let input = workspace_root().join("infra/samples/match-small.json");
    let dir = tempfile::tempdir()?;
    let out_path = dir.path().join("out.json");
    let out = std::process::Command::new(daoshi_bin()?)
        .args([
            "match",
            "--input",
            input.to_str().unwrap_or(""),
            "--output",
            out_path.to_str().unwrap_or(""),
        ])
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out_path)?)?;
    let a = v["assignments"].as_array().cloned().unwrap_or_default();
    assert_eq!(a.len(), 5);
    assert!(v["unplaced"].as_array().is_some_and(Vec::is_empty));
    let s3 = a
        .iter()
        .find(|x| x["student"] == "s3")
        .cloned()
        .unwrap_or_default();
    assert_eq!(s3["rank"], 2);
    assert!(s3["why"].as_str().is_some_and(|w| w.contains("第2志愿")));
    Ok(())
}

#[test]
fn invalid_instances_exit_non_zero_naming_the_entry() -> Result<()> {
    let dir = tempfile::tempdir()?;
    for (body, needle) in [
        (
            r#"{"method":"two_way","mentors":[{"id":"t1","capacity":-1}],"students":[]}"#,
            "t1",
        ),
        (
            r#"{"method":"two_way","mentors":[{"id":"t1","capacity":1}],"students":[{"id":"s1","grade":7,"class":"7-1","prefs":["t9"]}]}"#,
            "t9",
        ),
        (
            r#"{"method":"two_way","mentors":[{"id":"t1","capacity":1},{"id":"t1","capacity":1}],"students":[]}"#,
            "t1",
        ),
        (r#"{"method": "two_way", "mentors": ["#, "JSON"),
    ] {
        let path = dir.path().join("bad.json");
        std::fs::write(&path, body)?;
        let out = std::process::Command::new(daoshi_bin()?)
            .args(["match", "--input", path.to_str().unwrap_or("")])
            .output()?;
        assert_eq!(out.status.code(), Some(2), "{body}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{body}: {err}");
    }
    Ok(())
}
