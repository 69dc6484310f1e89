//! `cargo xtask fuzz`: build and run the cargo-fuzz targets on the stable toolchain.
//!
//! `cargo fuzz ... -s none` needs no nightly features; AddressSanitizer does
//! (set `RUSTC_BOOTSTRAP=1` and pass `-s address` by hand for that).

use crate::run::{cargo, run as sh, workspace_root};

const DEFAULT_SECONDS: u64 = 60;
const SMOKE_SECONDS: u64 = 10;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut target = None;
    let mut seconds = None;
    let mut smoke = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--seconds" => {
                let n = it.next().ok_or("--seconds needs a number")?;
                seconds = Some(
                    n.parse::<u64>()
                        .map_err(|e| format!("--seconds {n}: {e}"))?,
                );
            }
            "--smoke" => smoke = true,
            "--list" => {
                for t in targets()? {
                    println!("{t}");
                }
                return Ok(());
            }
            t if !t.starts_with('-') && target.is_none() => target = Some(t.to_string()),
            other => return Err(format!("fuzz: unexpected argument `{other}`")),
        }
    }
    let all = targets()?;
    let chosen: Vec<String> = match (smoke, target) {
        (true, None) => all,
        (false, Some(t)) if all.contains(&t) => vec![t],
        (false, Some(t)) => return Err(format!("no fuzz target `{t}`; have: {}", all.join(", "))),
        (true, Some(_)) => return Err("--smoke runs every target; name none".into()),
        (false, None) => return Err("fuzz: name a target, or pass --smoke or --list".into()),
    };
    let secs = seconds.unwrap_or(if smoke {
        SMOKE_SECONDS
    } else {
        DEFAULT_SECONDS
    });
    for t in chosen {
        sh(cargo().args([
            "fuzz",
            "run",
            "--fuzz-dir",
            "fuzz",
            "-s",
            "none",
            &t,
            "--",
            &format!("-max_total_time={secs}"),
            "-rss_limit_mb=2048",
        ]))?;
    }
    Ok(())
}

/// Builds every fuzz target (what `cargo xtask ci` checks).
pub fn build_all() -> Result<(), String> {
    sh(cargo().args(["fuzz", "build", "--fuzz-dir", "fuzz", "-s", "none"]))
}

/// The `[[bin]]` names of fuzz/Cargo.toml.
fn targets() -> Result<Vec<String>, String> {
    let path = workspace_root().join("fuzz/Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut names = Vec::new();
    let mut in_bin = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(v) = line.strip_prefix("name") {
            let v = v
                .trim_start()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"');
            names.push(v.to_string());
        }
    }
    Ok(names)
}
