//! Golden transcripts: scripted conversations (RFC 6120 §9.1 and the failure paths)
//! replayed against the [`Connection`](xmpp_core::Connection) in one role, with the
//! other side's bytes fed whole, per line, one byte at a time and split at every
//! offset. The format is described in `tests/golden/README.md`.

#[path = "golden/config.rs"]
mod config;
#[path = "golden/events.rs"]
mod events;
#[path = "golden/format.rs"]
mod format;
#[path = "golden/replay.rs"]
mod replay;
#[path = "golden/xml.rs"]
mod xml;

use std::path::PathBuf;
use std::time::Instant;

use format::{Side, Transcript};
use replay::Feed;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn load_all() -> Vec<Transcript> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/golden exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(p).expect("readable transcript");
            format::parse(&name, &text, &load).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

fn load(name: &str) -> Result<String, String> {
    std::fs::read_to_string(dir().join(name)).map_err(|e| format!("{name}: {e}"))
}

#[expect(
    clippy::disallowed_methods,
    reason = "the replay clock needs some instant to start from"
)]
fn start() -> Instant {
    Instant::now()
}

/// Every feeding mode for `role`: whole, per line, bytewise, and each split offset.
fn feeds(t: &Transcript, role: Side) -> Vec<Feed> {
    let mut v = vec![Feed::Coalesced, Feed::PerLine, Feed::Bytewise];
    v.extend((1..replay::longest_peer_line(t, role)).map(Feed::SplitAt));
    v
}

/// Replays one transcript in every role and mode; the first failure per role.
fn run_transcript(t: &Transcript) -> Vec<(Side, Result<usize, String>)> {
    let store = config::store(t).unwrap_or_else(|e| panic!("{}: {e}", t.name));
    let t0 = start();
    t.roles
        .iter()
        .map(|&role| {
            let fs = feeds(t, role);
            let clock = start();
            let r = fs
                .iter()
                .try_for_each(|&f| replay::replay(t, role, f, &store, t0))
                .map(|()| fs.len());
            println!("{} as {}: {:?}", t.name, role.name(), clock.elapsed());
            (role, r)
        })
        .collect()
}

/// Runs `t` in every role and mode; failures (respecting `xfail`) into `problems`.
fn check(t: &Transcript, summary: &mut Vec<String>, problems: &mut Vec<String>) {
    for (role, r) in run_transcript(t) {
        let xfail = t.xfail.iter().find(|(s, _)| *s == role);
        match (r, xfail) {
            (Ok(n), None) => {
                summary.push(format!("ok    {} as {} ({n} runs)", t.name, role.name()))
            }
            (Ok(_), Some((_, why))) => problems.push(format!(
                "{} as {} passes but is marked xfail ({why}): remove the xfail line",
                t.name,
                role.name()
            )),
            (Err(e), Some(_)) => summary.push(format!("xfail {} as {}: {e}", t.name, role.name())),
            (Err(e), None) => problems.push(e),
        }
    }
}

#[test]
fn golden_transcripts() {
    let all = load_all();
    assert!(all.len() >= 20, "only {} transcripts found", all.len());
    let mut problems = Vec::new();
    let mut summary = Vec::new();
    for t in &all {
        check(t, &mut summary, &mut problems);
    }
    for s in &summary {
        println!("{s}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The stream error conditions of RFC 6120 §4.9.3 (see-other-host has its own
/// transcript: it carries a host).
const STREAM_CONDITIONS: &[&str] = &[
    "bad-format",
    "bad-namespace-prefix",
    "conflict",
    "connection-timeout",
    "host-gone",
    "host-unknown",
    "improper-addressing",
    "internal-server-error",
    "invalid-from",
    "invalid-namespace",
    "invalid-xml",
    "not-authorized",
    "not-well-formed",
    "policy-violation",
    "remote-connection-failed",
    "reset",
    "resource-constraint",
    "restricted-xml",
    "system-shutdown",
    "undefined-condition",
    "unsupported-encoding",
    "unsupported-feature",
    "unsupported-stanza-type",
    "unsupported-version",
];

/// Every stream error the peer may send ends the connection as
/// `Closed(StreamError { by_peer: true })`, in both roles.
#[test]
fn every_peer_stream_error() {
    let mut summary = Vec::new();
    let mut problems = Vec::new();
    for tmpl in [
        "stream-error-from-server.tmpl",
        "stream-error-from-client.tmpl",
    ] {
        let text = load(tmpl).unwrap_or_else(|e| panic!("{e}"));
        for c in STREAM_CONDITIONS {
            assert!(
                xmpp_core::StreamCondition::from_name(c).is_some(),
                "{c} is not a stream condition"
            );
            let name = format!("{tmpl}[{c}]");
            let t = format::parse(&name, &text.replace("{condition}", c), &load)
                .unwrap_or_else(|e| panic!("{e}"));
            check(&t, &mut summary, &mut problems);
        }
    }
    for s in &summary {
        println!("{s}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// `text` with `from` replaced by `to` (which must occur).
fn mutate(file: &str, from: &str, to: &str) -> Transcript {
    let text = load(file).unwrap_or_else(|e| panic!("{e}"));
    assert!(text.contains(from), "{file} does not contain {from:?}");
    let name = format!("{file} (mutated)");
    format::parse(&name, &text.replacen(from, to, 1), &load).unwrap_or_else(|e| panic!("{e}"))
}

/// The replayer is not a test that cannot fail: each of these edits to a passing
/// transcript must make some replay fail.
#[test]
fn replayer_detects_mismatches() {
    let cases = [
        // Our output differs from the transcript.
        (
            "client-ping-timeout.txt",
            "to='im.example.com' type='get'",
            "to='example.net' type='get'",
            Side::Client,
        ),
        // An event differs.
        (
            "close-by-server.txt",
            "CE: Closed Graceful",
            "CE: Closed Eof",
            Side::Client,
        ),
        // Our side writes something the transcript does not show.
        (
            "close-by-server.txt",
            "C: </stream:stream>\n",
            "",
            Side::Client,
        ),
        // An event the transcript does not show.
        (
            "close-by-server.txt",
            "SE: Closed Graceful\n",
            "",
            Side::Server,
        ),
        // Output the transcript expects never comes.
        (
            "close-by-server.txt",
            "SE: Closed Graceful\n",
            "SE: Closed Graceful\nS: <presence/>\n",
            Side::Server,
        ),
        // A value our side chooses is not declared `vary`.
        ("host-unknown.txt", "S[vary=id]:", "S:", Side::Server),
        // An attribute our side leaves out is not declared `omit`.
        (
            "rfc6120-9.1-client-to-server.txt",
            "C[omit=from]:",
            "C:",
            Side::Client,
        ),
        // Stanza events are compared at the XML level.
        (
            "server-from-stamping.txt",
            "<body>a</body>",
            "<body>A</body>",
            Side::Server,
        ),
        // The server checks the SCRAM proof: a changed client-final is refused.
        (
            "rfc6120-9.1-server-seeded.txt",
            "cD12TVZN",
            "cD13TVZN",
            Side::Server,
        ),
        // A timer that fires early or late is caught by the clock steps.
        (
            "client-negotiation-timeout.txt",
            "T: +29s\nT: +1s\n",
            "T: +29s\n",
            Side::Client,
        ),
    ];
    for (file, from, to, role) in cases {
        let t = mutate(file, from, to);
        let results = run_transcript(&t);
        assert!(
            results.iter().any(|(s, r)| *s == role && r.is_err()),
            "{file} with {from:?} -> {to:?} still passes as {}",
            role.name()
        );
    }
}

/// The string value of `"key": "..."` in the JSON record starting at `record`.
fn json_field<'a>(record: &'a str, key: &str) -> &'a str {
    let pat = format!("\"{key}\": ");
    let at = record.find(&pat).unwrap_or_else(|| panic!("no {key}")) + pat.len();
    let rest = &record[at..];
    match rest.strip_prefix('"') {
        Some(r) => &r[..r.find('"').expect("closing quote")],
        None => &rest[..rest.find([',', '\n']).expect("number end")],
    }
}

/// The §9.1 transcript's SASL payloads and settings are the recomputed RFC values.
#[test]
fn rfc_transcript_matches_vectors() {
    let json = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/rfc_vectors.json"),
    )
    .expect("tests/data/rfc_vectors.json");
    let record = &json[json.find("\"RFC 6120 s9.1.2").expect("the RFC 6120 record")..];
    let t = format::parse(
        "rfc6120-9.1-client-to-server.txt",
        &load("rfc6120-9.1-client-to-server.txt").unwrap(),
        &load,
    )
    .unwrap();
    let mut payloads = Vec::new();
    for s in &t.steps {
        if let format::StepKind::Wire { text, .. } = &s.kind
            && let Ok(frames) = xml::parse_frames(text)
        {
            for f in frames {
                if let xmpp_core::deps::xmpp_xml::Frame::Element(e) = f
                    && e.ns() == "urn:ietf:params:xml:ns:xmpp-sasl"
                {
                    payloads.push((e.name().to_owned(), xml::normalize_text(&e.text())));
                }
            }
        }
    }
    let want = [
        ("auth", json_field(record, "client_first_b64")),
        ("challenge", json_field(record, "server_first_b64")),
        ("response", json_field(record, "client_final_b64")),
        ("success", json_field(record, "server_final_b64")),
    ];
    let got: Vec<(&str, &str)> = payloads
        .iter()
        .map(|(n, p)| (n.as_str(), p.trim()))
        .collect();
    assert_eq!(got, want);
    let one = |m: &std::collections::BTreeMap<String, Vec<String>>, k: &str| {
        m.get(k).and_then(|v| v.last()).cloned().unwrap_or_default()
    };
    assert_eq!(one(&t.client, "nonce"), json_field(record, "client_nonce"));
    assert_eq!(one(&t.client, "password"), json_field(record, "password"));
    assert_eq!(one(&t.server, "salt"), json_field(record, "salt_b64"));
    assert_eq!(
        one(&t.server, "iterations"),
        json_field(record, "iterations")
    );
    let full = json_field(record, "server_nonce_full");
    assert_eq!(
        format!(
            "{}{}",
            json_field(record, "client_nonce"),
            one(&t.server, "nonce")
        ),
        full
    );
}
