//! Conformance driver: one JSON string per line on stdin, one JSON object per line on
//! stdout.
//!
//! ```text
//! $ echo '"Juliet@Example.com/Balcony"' | cargo run -q -p xmpp-jid --example jid-normalize
//! {"jid":"juliet@example.com/Balcony","localpart":"juliet","domainpart":"example.com","resourcepart":"Balcony"}
//! ```
//!
//! A failure is `{"error":"<part>: <reason>"}` with `<part>` one of `localpart`,
//! `domainpart`, `resourcepart` or `jid`. A line that is not a JSON string gives a `jid:`
//! error; the driver goes on to the next line whatever the input.

use std::io::{self, BufRead, Write};

use serde_json::Value;
use xmpp_jid::Jid;

/// A JSON string literal.
fn quote(s: &str) -> String {
    Value::from(s).to_string()
}

/// `{"error":"..."}`.
fn error(reason: &str) -> String {
    format!("{{\"error\":{}}}", quote(reason))
}

/// The output object for one input line (keys in the documented order).
fn answer(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    let text = text.trim_end_matches(['\n', '\r']);
    let input = match serde_json::from_str::<Value>(text) {
        Ok(Value::String(s)) => s,
        Ok(_) => return error("jid: input line is not a JSON string"),
        Err(e) => return error(&format!("jid: input line is not valid JSON ({e})")),
    };
    let opt = |p: Option<&str>| p.map_or_else(|| String::from("null"), quote);
    match Jid::new(&input) {
        Ok(jid) => format!(
            "{{\"jid\":{},\"localpart\":{},\"domainpart\":{},\"resourcepart\":{}}}",
            quote(jid.as_str()),
            opt(jid.localpart()),
            quote(jid.domainpart()),
            opt(jid.resourcepart()),
        ),
        Err(e) => error(&e.to_string()),
    }
}

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        writeln!(out, "{}", answer(&line))?;
        out.flush()?;
    }
}
