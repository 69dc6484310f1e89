//! Hand-rolled command-line parsing: `--name value` pairs and `--flag`s.

use std::collections::VecDeque;

/// The arguments after the program name, consumed front to back.
pub struct Args {
    rest: VecDeque<String>,
}

impl Args {
    /// The process's arguments.
    pub fn from_env() -> Args {
        Args {
            rest: std::env::args().skip(1).collect(),
        }
    }

    /// The next option name (`--x`), or `None` at the end.
    pub fn next_flag(&mut self) -> Result<Option<String>, String> {
        match self.rest.pop_front() {
            None => Ok(None),
            Some(f) if f.starts_with("--") => Ok(Some(f)),
            Some(other) => Err(format!("unexpected argument {other:?}")),
        }
    }

    /// The value following option `flag`.
    pub fn value(&mut self, flag: &str) -> Result<String, String> {
        self.rest
            .pop_front()
            .ok_or_else(|| format!("{flag} needs a value"))
    }

    /// The values following option `flag`, up to the next option.
    pub fn values(&mut self, flag: &str) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        while self.rest.front().is_some_and(|v| !v.starts_with("--")) {
            out.extend(self.rest.pop_front());
        }
        if out.is_empty() {
            return Err(format!("{flag} needs at least one value"));
        }
        Ok(out)
    }
}
