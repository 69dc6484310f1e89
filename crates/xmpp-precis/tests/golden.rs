//! Every record of the precis-i18n 1.1.2 golden file (tests/data/precis-golden.json):
//! one assertion per record, every mismatch printed, the count in the failure.

use std::borrow::Cow;

use serde::Deserialize;
use xmpp_precis::{CaseMapping, Error, Profile, StringClass, code_point_property_reason};

#[derive(Deserialize)]
struct Record {
    profile: String,
    input: String,
    output: Option<String>,
    error: Option<String>,
}

const GOLDEN: &str = include_str!("data/precis-golden.json");

/// Marker that replaces a JSON escape of a lone surrogate (`\ud800`), which no
/// Rust string can hold.
const LONE_SURROGATE: &str = "<lone surrogate ";

/// Rewrites `\uD800`..`\uDBFF` escapes that are not followed by a low-surrogate
/// escape (and lone low surrogates) into `<lone surrogate XXXX>` markers.
fn mark_lone_surrogates(json: &str) -> String {
    fn escape_at(s: &str, i: usize) -> Option<u32> {
        let hex = s.get(i..i + 6)?.strip_prefix("\\u")?;
        u32::from_str_radix(hex, 16).ok()
    }
    let mut out = String::with_capacity(json.len());
    let mut i = 0;
    while i < json.len() {
        // Skip escaped backslashes so `\\ud800` (a literal backslash) is not misread.
        if json[i..].starts_with("\\\\") {
            out.push_str("\\\\");
            i += 2;
            continue;
        }
        match escape_at(json, i) {
            Some(hi @ 0xD800..=0xDBFF) => match escape_at(json, i + 6) {
                Some(0xDC00..=0xDFFF) => {
                    out.push_str(&json[i..i + 12]);
                    i += 12;
                }
                _ => {
                    out.push_str(&format!("{LONE_SURROGATE}{hi:04X}>"));
                    i += 6;
                }
            },
            Some(lo @ 0xDC00..=0xDFFF) => {
                out.push_str(&format!("{LONE_SURROGATE}{lo:04X}>"));
                i += 6;
            }
            _ => {
                let c = json[i..].chars().next().expect("in bounds");
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

fn run(profile: &str, input: &str) -> Result<String, Error> {
    let owned = |r: Result<Cow<'_, str>, Error>| r.map(Cow::into_owned);
    let (name, variant) = match profile.split_once(':') {
        Some((n, v)) => (n, Some(v)),
        None => (profile, None),
    };
    match name {
        "IdentifierClass" => return StringClass::Identifier.enforce(input).map(str::to_owned),
        "FreeFormClass" => return StringClass::Freeform.enforce(input).map(str::to_owned),
        _ => {}
    }
    let p = Profile::ALL
        .into_iter()
        .find(|p| p.name() == name)
        .unwrap_or_else(|| panic!("unknown profile {profile}"));
    match variant {
        None => owned(p.enforce(input)),
        Some("ToLower") => owned(p.enforce_with(CaseMapping::ToLower, input)),
        Some("CaseFold") => owned(p.enforce_with(CaseMapping::CaseFold, input)),
        Some(other) => panic!("unknown variant {other}"),
    }
}

#[test]
fn golden() {
    let records: Vec<Record> =
        serde_json::from_str(&mark_lone_surrogates(GOLDEN)).expect("golden file parses");
    assert_eq!(records.len(), 3575);
    let mut failures = 0;
    for (n, r) in records.iter().enumerate() {
        let expected = match (&r.output, &r.error) {
            (Some(o), None) => Ok(o.clone()),
            (None, Some(e)) => Err(e.clone()),
            _ => panic!("record {n}: needs exactly one of output and error"),
        };
        let got = if let Some(hex) = r.input.strip_prefix(LONE_SURROGATE) {
            // A lone surrogate cannot reach the API (`&str` cannot hold one); its
            // derived property is what the reference reports for it.
            let cp = u32::from_str_radix(hex.trim_end_matches('>'), 16).expect("hex");
            let (_, category) = code_point_property_reason(cp).expect("in range");
            Err(format!("DISALLOWED/{}", category.as_str()))
        } else {
            run(&r.profile, &r.input).map_err(|e| format!("DISALLOWED/{}", e.reason()))
        };
        if got != expected {
            failures += 1;
            println!(
                "MISMATCH #{n} {} input={:?}: expected {:?}, got {:?}",
                r.profile, r.input, expected, got
            );
        }
    }
    println!(
        "golden: {}/{} records match",
        records.len() - failures,
        records.len()
    );
    assert_eq!(
        failures,
        0,
        "{failures} of {} golden records mismatch",
        records.len()
    );
}
