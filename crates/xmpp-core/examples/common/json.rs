//! One-line JSON output without a serialisation dependency.

use std::fmt::Write as _;

/// Builds one JSON object, field by field, in insertion order.
#[derive(Default)]
pub struct Object {
    body: String,
}

impl Object {
    fn key(&mut self, key: &str) {
        if !self.body.is_empty() {
            self.body.push(',');
        }
        push_string(&mut self.body, key);
        self.body.push(':');
    }

    /// A string field, or `null`.
    pub fn string(mut self, key: &str, value: Option<&str>) -> Self {
        self.key(key);
        match value {
            Some(v) => push_string(&mut self.body, v),
            None => self.body.push_str("null"),
        }
        self
    }

    /// A boolean field.
    pub fn bool(mut self, key: &str, value: bool) -> Self {
        self.key(key);
        self.body.push_str(if value { "true" } else { "false" });
        self
    }

    /// A number field, or `null`.
    pub fn number(mut self, key: &str, value: Option<f64>) -> Self {
        self.key(key);
        match value {
            Some(v) if v.is_finite() => {
                let _ = write!(self.body, "{v:.3}");
            }
            _ => self.body.push_str("null"),
        }
        self
    }

    /// The object as text.
    pub fn finish(self) -> String {
        format!("{{{}}}", self.body)
    }
}

/// `s` as a JSON string literal (RFC 8259 §7).
fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
