//! `cargo xtask ci`: every check CI runs, in order, stopping at the first failure.

use crate::run::{cargo, run as sh};

pub fn run_all() -> Result<(), String> {
    crate::prereqs::ensure()?;
    sh(cargo().args(["fmt", "--all", "--", "--check"]))?;
    sh(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    sh(cargo().args(["test", "--workspace", "--all-targets"]))?;
    sh(cargo().args(["test", "--workspace", "--doc"]))?;
    sh(cargo()
        .env("RUSTDOCFLAGS", "-D warnings")
        .args(["doc", "--workspace", "--no-deps"]))?;
    println!("$ cargo xtask codegen --check");
    crate::codegen::run(&["--check".to_string()])?;
    sh(cargo().args(["bench", "--workspace", "--no-run"]))?;
    crate::fuzz::build_all()?;
    println!("xtask ci: all checks passed");
    Ok(())
}

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`ci` takes no arguments (got `{extra}`)"));
    }
    run_all()
}
