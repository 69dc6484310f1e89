//! Project automation, run as `cargo xtask <command>`.
//!
//! ```text
//! cargo xtask ci                         everything CI checks, stops at the first failure
//! cargo xtask codegen [--check]          regenerate (or verify) the Unicode tables of xmpp-precis
//! cargo xtask fuzz <target> [--seconds N]   run one cargo-fuzz target (stable toolchain, -s none)
//! cargo xtask fuzz --smoke [--seconds N]    run every fuzz target briefly
//! cargo xtask fuzz --list                list the fuzz targets
//! cargo xtask interop [--only prosody|ejabberd|ours] [--keep] [--reps N] [--client ours|slixmpp]
//!                                        our client and server against Prosody, ejabberd, slixmpp
//! ```
#![allow(
    clippy::disallowed_methods,
    reason = "xtask is automation, not sans-IO library code"
)]

mod ci;
mod codegen;
mod fuzz;
mod interop;
mod prereqs;
mod run;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((cmd, rest)) => (cmd.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match cmd {
        "ci" => ci::run(rest),
        "codegen" => codegen::run(rest),
        "fuzz" => fuzz::run(rest),
        "interop" => interop::run(rest),
        "help" | "--help" | "-h" => {
            println!("{}", USAGE);
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("xtask: error: {msg}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask <ci | codegen [--check] | fuzz <target>|--smoke|--list [--seconds N] \
     | interop [--only prosody|ejabberd|ours] [--keep] [--reps N] [--client ours|slixmpp]>";
