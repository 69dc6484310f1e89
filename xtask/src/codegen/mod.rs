//! `cargo xtask codegen [--check]`: the Unicode tables of xmpp-precis.
//!
//! Reads the Unicode Character Database that Debian's `unicode-data` package
//! installs under /usr/share/unicode (override with `UCD_DIR`) and writes
//! `crates/xmpp-precis/src/tables/generated.rs`. With `--check` it writes
//! nothing and fails when the checked-in file differs from what it would write.

mod derive;
mod emit;
mod ucd;

use std::path::PathBuf;

use crate::prereqs::UCD_DIR as DEFAULT_UCD_DIR;
use crate::run::workspace_root;

const OUTPUT: &str = "crates/xmpp-precis/src/tables/generated.rs";

pub fn run(args: &[String]) -> Result<(), String> {
    let mut check = false;
    for arg in args {
        match arg.as_str() {
            "--check" => check = true,
            other => return Err(format!("codegen: unexpected argument `{other}`")),
        }
    }
    let dir =
        std::env::var_os("UCD_DIR").map_or_else(|| PathBuf::from(DEFAULT_UCD_DIR), PathBuf::from);
    let ucd = ucd::Ucd::new(&dir);
    let derived = derive::derive(&ucd)?;
    let text = emit::generate(&derived);
    let path = workspace_root().join(OUTPUT);
    if check {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            println!("codegen: {OUTPUT} is up to date");
            Ok(())
        } else {
            Err(format!(
                "{OUTPUT} is stale: it differs from what `cargo xtask codegen` generates from {}; \
                 run `cargo xtask codegen` and commit the result",
                dir.display()
            ))
        }
    } else {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("codegen: wrote {OUTPUT} ({} bytes)", text.len());
        Ok(())
    }
}
