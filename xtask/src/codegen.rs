//! `cargo xtask codegen [--check]`: generated files. None yet.

pub fn run(_args: &[String]) -> Result<(), String> {
    println!("codegen: no generated files yet");
    Ok(())
}
