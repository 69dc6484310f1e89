//! The results as a Markdown table (pasteable into the README) and the failures'
//! details below it.

use super::Server;
use super::exec::RowResult;
use super::matrix::{Case, Expect};

/// Median of `samples` (mean of the middle two for an even count).
pub fn median(samples: &[f64]) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

pub fn render(results: &[RowResult], servers: &[Server]) -> String {
    let header = [
        "server",
        "client",
        "port / TLS mode",
        "TLS",
        "mechanism",
        "channel binding",
        "case",
        "expected",
        "result",
        "login ms (median, n)",
    ];
    let mut rows: Vec<Vec<String>> = Vec::new();
    for r in results {
        let s = &servers[r.row.server];
        let port = if r.row.mode == super::client::Mode::Direct {
            s.direct
        } else {
            s.starttls
        };
        let o = &r.shown;
        let mechanism = match (&r.mechanisms_note, &r.row.case, &o.mechanism) {
            (Some(list), _, _) => list.clone(),
            (None, Case::Login(Some(forced)), Some(got)) if got == forced => got.clone(),
            (None, Case::Login(Some(forced)), got) => {
                format!("{forced} (got {})", got.as_deref().unwrap_or("–"))
            }
            (None, _, got) => got.clone().unwrap_or_else(|| "–".into()),
        };
        // Refused attempts before the result (slixmpp's fallback from -PLUS).
        let refused: Vec<&str> = o
            .json
            .as_ref()
            .and_then(|j| j["attempts"].as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let mechanism = if refused.is_empty() {
            mechanism
        } else {
            format!("{mechanism} (refused first: {})", refused.join(", "))
        };
        let result = match &r.verdict {
            Ok(()) if matches!(r.row.expect, Expect::Fail(_)) => {
                format!(
                    "pass: {}",
                    short_error(o.error.as_deref().unwrap_or("failed"))
                )
            }
            Ok(()) => "pass".into(),
            Err(_) => "**FAIL**".into(),
        };
        let time = match super::table::median(&r.login_ms) {
            Some(ms) => format!("{ms:.1} ({})", r.login_ms.len()),
            None => o
                .login_ms
                .map(|ms| format!("{ms:.1}"))
                .unwrap_or_else(|| format!("({:.0} total)", o.run.elapsed.as_secs_f64() * 1e3)),
        };
        rows.push(vec![
            s.label.clone(),
            r.row.client.name().into(),
            format!("{} :{port}", r.row.mode.name()),
            o.tls_version.clone().unwrap_or_else(|| "–".into()),
            mechanism,
            o.channel_binding.clone().unwrap_or_else(|| "none".into()),
            r.row.case.name(),
            r.row.expect.short(),
            result,
            time,
        ]);
    }
    let mut out = String::new();
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    out.push_str(&line(header.iter().map(|h| h.to_string()).collect()));
    out.push_str(&line(header.iter().map(|_| "---".to_string()).collect()));
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

/// The failures with their reasons, one paragraph each.
pub fn failures(results: &[RowResult], servers: &[Server]) -> String {
    let mut out = String::new();
    for r in results {
        if let Err(why) = &r.verdict {
            out.push_str(&format!(
                "FAIL {} / {} / {} / {}{}: {why}\n",
                servers[r.row.server].label,
                r.row.client.name(),
                r.row.mode.name(),
                r.row.case.name(),
                match &r.row.case {
                    Case::Login(Some(m)) => format!(" {m}"),
                    _ => String::new(),
                }
            ));
        }
    }
    out
}

/// Error texts can be long (server texts, JSON); the table keeps the condition.
fn short_error(e: &str) -> String {
    let e = e.replace('|', "/");
    match e.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &e[..i]),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn long_errors_are_cut_and_pipes_escaped() {
        assert_eq!(short_error("a|b"), "a/b");
        assert!(short_error(&"x".repeat(100)).ends_with('…'));
    }
}

#[cfg(test)]
mod render_tests {
    use super::*;
    use crate::interop::tests::{login, server};

    #[test]
    fn every_line_has_the_header_s_column_count() {
        let servers = [server("ours")];
        let mut failing = login(0, Some("PLAIN"), &[]);
        failing.verdict = Err("x".into());
        failing.shown.error = Some("a | b".into());
        let text = render(&[login(0, None, &[1.0, 2.0]), failing], &servers);
        let counts: Vec<usize> = text.lines().map(|l| l.matches(" | ").count()).collect();
        assert_eq!(counts.len(), 4);
        assert!(counts.iter().all(|&c| c == counts[0]), "{text}");
        assert!(text.contains("1.5 (2)"), "{text}");
    }
}
