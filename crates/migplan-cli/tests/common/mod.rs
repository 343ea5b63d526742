//! What the CLI tests share: running the real binary, its output, scratch folders, examples.
#![allow(dead_code)]

pub mod fake_cluster;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn example(name: &str) -> String {
    root().join("static/examples").join(name).display().to_string()
}

pub fn migplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migplan")).args(args).output().expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("migplan-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The bundled A100-40GB example planned with `extra` flags, as the plan JSON.
pub fn plan_example(extra: &[&str]) -> serde_json::Value {
    let (p, w) = (example("a100-40gb-profiles.csv"), example("a100-40gb-workload.csv"));
    let mut args = vec!["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w, "--format", "json"];
    args.extend_from_slice(extra);
    let o = migplan(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("plan --format json prints JSON")
}

/// Writes `text` into `dir/name`, and gives the path as an argument.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Runs the binary and checks it refused cleanly: exit 2, no panic and no planner bug, and
/// `says` on standard error, which it returns.
pub fn refuses(args: &[&str], says: &str) -> String {
    let o = migplan(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}\nstdout: {}\nstderr: {err}", stdout(&o));
    assert!(!err.contains("panicked") && !err.contains("a bug"), "{err}");
    assert!(err.contains(says), "{args:?}: expected `{says}` in\n{err}");
    err
}
