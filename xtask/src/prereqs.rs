//! Tools `cargo xtask ci` needs beyond the Rust toolchain, installed when absent,
//! so the README's test command works on a fresh machine.

use std::path::Path;
use std::process::Command;

use crate::run::{cargo, run as sh};

/// Where Debian's `unicode-data` package puts the UCD that `codegen` reads.
pub const UCD_DIR: &str = "/usr/share/unicode";

/// Installs the UCD (Debian `unicode-data`) and `cargo-fuzz` when they are missing.
pub fn ensure() -> Result<(), String> {
    if !Path::new(UCD_DIR).join("UnicodeData.txt").is_file() {
        println!("xtask: {UCD_DIR} is missing; installing Debian's unicode-data");
        let install = || {
            sh(Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends", "unicode-data"])
                .env("DEBIAN_FRONTEND", "noninteractive"))
        };
        if install().is_err() {
            sh(Command::new("apt-get").arg("update"))?;
            install()?;
        }
    }
    let has_fuzz = cargo()
        .args(["fuzz", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !has_fuzz {
        println!("xtask: cargo-fuzz is missing; installing it");
        sh(cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}
