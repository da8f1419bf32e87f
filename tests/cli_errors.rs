//! A command-line error quotes the input at fault without repeating a
//! huge line in full.

use crate::common;

use common::{fresh_store, Backend};
use std::process::Command;

on_both_stores!(an_error_does_not_repeat_a_huge_line);

/// Runs `assetmap import FILE` with `text` in it; what it printed.
fn import(url: &str, text: &str) -> (String, String) {
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("huge.csv");
    std::fs::write(&file, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_assetmap"))
        .args(["import", file.to_str().unwrap()])
        .args(["--capital", "public", "--category", "library"])
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let printed = out.stdout.len() + out.stderr.len();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(printed < 20_000, "printed {printed} bytes: {stderr}");
    (stdout, stderr)
}

async fn an_error_does_not_repeat_a_huge_line(backend: Backend) {
    let (url, _dir) = fresh_store(backend).await;
    let huge = "x".repeat(2_000_000);
    // A rejected row quoting its value.
    let (stdout, stderr) = import(&url, &format!("name,lat,lon\nLibrary,{huge},-2.35\n"));
    assert!(stdout.contains("more characters"), "{stdout}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    // A file that cannot be read at all, quoting its header.
    let (_, stderr) = import(&url, &format!("name,{huge}\nLibrary,1\n"));
    assert!(stderr.contains("more characters"), "{stderr}");
}
