//! UTS #46 conformance lines (tests/data/IdnaTestV2.txt, Unicode 16.0.0) applied to the
//! domainpart.
//!
//! A domainpart is prepared with UTS #46 `ToUnicode` (non-transitional, UseSTD3ASCIIRules,
//! CheckHyphens, CheckBidi, CheckJoiners) and must then also pass the DNS length checks
//! of `ToASCII` (VerifyDnsLength) and IDNA2008 validity. So for each line, with `source`
//! in column 1:
//!
//! - **expected failure** — `toUnicodeStatus` or `toAsciiNStatus` is not empty: our
//!   domainpart preparation must fail. Asserted for every such line that is used.
//! - **expected success** — both are empty: we must give exactly `toUnicode` (column 2),
//!   or fail with [`Error::Idna2008`] where `xmpp_precis::idna2008::check_domain` rejects
//!   that `toUnicode` value. IDNA2008 (RFC 5892 over Unicode 15.0, with CONTEXTO rules)
//!   is stricter than UTS #46: it disallows symbols, punctuation and compatibility
//!   characters that UTS #46 maps or keeps, and code points new in Unicode 15.1/16.0 are
//!   unassigned for it. Such lines are counted as "stricter" and checked for that exact
//!   reason.
//!
//! Of the 6389 test lines, 5625 expect a failure (all rejected), 546 expect success
//! (386 give exactly `toUnicode`, 160 are "stricter"), and 218 are skipped. The counts
//! are asserted so that any change shows up. Skipped lines:
//!
//! - `source` ending in a label separator (`.`, U+3002, U+FF0E, U+FF61): RFC 7622 §3.2
//!   removes one final separator before any other processing, so the expectations of
//!   the line (made for the name *with* its root label) do not apply.
//! - `source` made of digits and dots only: RFC 7622 treats it as an IPv4 literal (we
//!   require a valid dotted quad), not as a DNS name.
//! - `source` starting with `[`: an IPv6 literal for RFC 7622.

use xmpp_jid::{Error, prepare_domainpart};

const DATA: &str = include_str!("data/IdnaTestV2.txt");

/// Undoes the `\uXXXX` and `\x{XXXX}` escapes of the test file.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(hex) = after.strip_prefix('u').and_then(|h| h.get(..4)) {
            let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
            out.push(c.unwrap_or('\u{FFFD}'));
            rest = &after[5..];
        } else if let Some(tail) = after.strip_prefix("x{") {
            let end = tail.find('}').expect("closing brace");
            let c = u32::from_str_radix(&tail[..end], 16)
                .ok()
                .and_then(char::from_u32);
            out.push(c.unwrap_or('\u{FFFD}'));
            rest = &tail[end + 1..];
        } else {
            out.push('\\');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A column value: blank means `default`, `""` means the empty string.
fn column(raw: &str, default: &str) -> String {
    match raw {
        "" => default.to_owned(),
        "\"\"" => String::new(),
        s => unescape(s),
    }
}

#[derive(Default, Debug)]
struct Counts {
    lines: usize,
    expected_failure: usize,
    expected_success: usize,
    stricter: usize,
    skipped_final_dot: usize,
    skipped_numeric: usize,
    skipped_bracket: usize,
}

#[test]
fn idna_test_v2() {
    let mut counts = Counts::default();
    let mut problems = Vec::new();
    for (number, line) in DATA.lines().enumerate() {
        let number = number + 1;
        let line = line.split('#').next().unwrap_or("");
        if line.trim().is_empty() {
            continue;
        }
        counts.lines += 1;
        let cols: Vec<&str> = line.split(';').map(str::trim).collect();
        let source = column(cols[0], "");
        let to_unicode = column(cols[1], &source);
        let unicode_status = cols[2];
        let ascii_status = cols[4];
        let expect_error = !unicode_status.is_empty() && unicode_status != "[]"
            || !ascii_status.is_empty() && ascii_status != "[]";

        if source.ends_with(['.', '\u{3002}', '\u{FF0E}', '\u{FF61}']) {
            counts.skipped_final_dot += 1;
            continue;
        }
        if !source.is_empty() && source.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            counts.skipped_numeric += 1;
            continue;
        }
        if source.starts_with('[') {
            counts.skipped_bracket += 1;
            continue;
        }

        let ours = prepare_domainpart(&source);
        if expect_error {
            counts.expected_failure += 1;
            if let Ok(got) = ours {
                problems.push(format!(
                    "line {number}: {source:?} expected an error ({unicode_status} {ascii_status}), got {got:?}"
                ));
            }
            continue;
        }
        counts.expected_success += 1;
        match ours {
            Ok(got) if got == to_unicode => {}
            Err(Error::Idna2008(_))
                if xmpp_precis::idna2008::check_domain(&to_unicode).is_err() =>
            {
                counts.stricter += 1;
            }
            other => problems.push(format!(
                "line {number}: {source:?} expected {to_unicode:?}, got {other:?}"
            )),
        }
    }
    println!("{counts:#?}");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(counts.lines, 6389);
    assert_eq!(counts.expected_failure, 5625);
    assert_eq!(counts.expected_success, 546);
    assert_eq!(counts.stricter, 160);
    assert_eq!(counts.skipped_final_dot, 218);
    assert_eq!(counts.skipped_numeric, 0);
    assert_eq!(counts.skipped_bracket, 0);
}
