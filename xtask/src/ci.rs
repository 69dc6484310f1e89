//! `cargo xtask ci`: every check CI runs, in order, stopping at the first failure.

use std::process::Command;
use std::time::Instant;

use crate::run::{cargo, run as sh};

/// The checks, in the order they run: cheap ones first so a typo fails in seconds.
fn steps() -> Vec<(&'static str, Command)> {
    let mut doc = cargo();
    doc.env("RUSTDOCFLAGS", "-D warnings").args([
        "doc",
        "--workspace",
        "--all-features",
        "--no-deps",
    ]);
    vec![
        ("format", cargo_with(&["fmt", "--all", "--", "--check"])),
        (
            "lints",
            cargo_with(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        (
            "tests",
            cargo_with(&["test", "--workspace", "--all-targets", "--all-features"]),
        ),
        (
            "doctests",
            cargo_with(&["test", "--workspace", "--all-features", "--doc"]),
        ),
        ("rustdoc", doc),
        // The README's first command, so that it keeps working: client and server
        // over loopback TCP; it exits non-zero when any step fails.
        (
            "demo",
            cargo_with(&["run", "--quiet", "-p", "xmpp-core", "--example", "demo"]),
        ),
    ]
}

fn cargo_with(args: &[&str]) -> Command {
    let mut cmd = cargo();
    cmd.args(args);
    cmd
}

fn timed(name: &str, f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    let start = Instant::now();
    let result = f();
    println!(
        "xtask ci: {name}: {} in {:.0?}",
        if result.is_ok() { "ok" } else { "FAILED" },
        start.elapsed()
    );
    result
}

pub fn run_all() -> Result<(), String> {
    timed("prerequisites", crate::prereqs::ensure)?;
    for (name, mut cmd) in steps() {
        timed(name, || sh(&mut cmd))?;
    }
    timed("generated files", || {
        println!("$ cargo xtask codegen --check");
        crate::codegen::run(&["--check".to_string()])
    })?;
    timed("benches build", || {
        sh(cargo().args(["bench", "--workspace", "--no-run"]))
    })?;
    timed("fuzz targets build", crate::fuzz::build_all)?;
    println!("xtask ci: all checks passed");
    Ok(())
}

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`ci` takes no arguments (got `{extra}`)"));
    }
    run_all()
}
