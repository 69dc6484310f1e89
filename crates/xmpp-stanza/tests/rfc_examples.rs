//! Every example of RFC 6120 §4–§9 in tests/data, parsed, typed and re-serialised.

mod common;

use common::{elements, round_trip, wrap};
use xmpp_stanza::{
    Bind, DefinedCondition, ErrorType, IqPayload, Packet, Role, Sasl, SaslCondition, Stanza,
    StartTls, StreamCondition, StreamHeader, Version,
};
use xmpp_xml::{Frame, Framer, Limits, Writer};

const S9_1: &str = include_str!("data/rfc6120-s9.1-client-to-server.txt");
const S4_S8: &str = include_str!("data/rfc6120-s4-s8.xml");

/// The `C:`/`S:`/`E:` blocks of the §9.1 text, prefix and indentation removed, with the
/// sender letter.
fn blocks(text: &str) -> Vec<(char, String)> {
    let mut out: Vec<(char, String)> = Vec::new();
    let mut cur: Option<(char, String)> = None;
    for line in text.lines() {
        let t = line.trim_start();
        let starts = ["C: ", "S: ", "E: "].iter().find(|p| t.starts_with(*p));
        if let Some(p) = starts {
            if let Some(b) = cur.take() {
                out.push(b);
            }
            cur = Some((p.chars().next().unwrap(), format!("{}\n", &t[3..])));
        } else if t.is_empty() {
            if let Some(b) = cur.take() {
                out.push(b);
            }
        } else if let Some((_, s)) = cur.as_mut() {
            s.push_str(t);
            s.push('\n');
        }
    }
    out.extend(cur);
    out
}

fn header(xml: &str) -> StreamHeader {
    let mut f = Framer::new(Limits::default());
    f.feed(xml.as_bytes());
    match f.poll() {
        Some(Ok(Frame::StreamOpen(h))) => StreamHeader::parse(&h).unwrap(),
        other => panic!("{other:?} for {xml}"),
    }
}

#[test]
fn section_9_1_client_to_server() {
    let blocks = blocks(S9_1);
    assert!(blocks.len() >= 20, "{}", blocks.len());
    let (mut headers, mut typed) = (0, 0);
    for (who, xml) in &blocks {
        let xml = xml.trim();
        if xml.starts_with("<stream:stream") {
            let h = header(xml);
            let role = if *who == 'C' {
                Role::Initiating
            } else {
                Role::Receiving
            };
            assert_eq!(h.violations(role), vec![], "{xml}");
            assert_eq!(h.version, Some(Version::V1_0));
            assert_eq!(h.lang.as_deref(), Some("en"));
            // Written by the typed header and read back: the same header.
            let mut out = Vec::new();
            h.write(&mut Writer::new(), &mut out).unwrap();
            assert_eq!(header(std::str::from_utf8(&out).unwrap()), h);
            headers += 1;
            continue;
        }
        // Drop stream closes (`</stream:stream>`, and `</stream>` as printed in step 12 alt).
        let body: String = xml
            .lines()
            .filter(|l| !matches!(l.trim(), "</stream:stream>" | "</stream>"))
            .collect::<Vec<_>>()
            .join("\n");
        for e in elements(&body) {
            round_trip(&e);
            typed += 1;
        }
    }
    assert_eq!(headers, 6);
    assert_eq!(typed, 16);
}

#[test]
fn section_9_1_details() {
    let all: Vec<_> = blocks(S9_1)
        .into_iter()
        .filter(|(_, x)| !x.starts_with("<stream:stream") && !x.starts_with("</"))
        .flat_map(|(_, x)| {
            let body: String = x
                .lines()
                .filter(|l| !matches!(l.trim(), "</stream:stream>" | "</stream>"))
                .collect::<Vec<_>>()
                .join("\n");
            elements(&body)
        })
        .map(|e| Packet::try_from(&e).unwrap())
        .collect();
    let Packet::Features(f) = &all[0] else {
        panic!("{all:#?}")
    };
    assert_eq!(f.starttls.map(|s| s.required), Some(true));
    assert_eq!(all[1], Packet::StartTls(StartTls::Request));
    assert_eq!(all[2], Packet::StartTls(StartTls::Proceed));
    assert_eq!(all[3], Packet::StartTls(StartTls::Failure));
    let Packet::Features(f) = &all[4] else {
        panic!()
    };
    let m = f.mechanisms.as_ref().unwrap();
    assert_eq!(m.names, ["SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", "PLAIN"]);
    let Packet::Sasl(Sasl::Auth(a)) = &all[5] else {
        panic!()
    };
    assert_eq!(a.mechanism, "SCRAM-SHA-1");
    assert_eq!(
        a.initial_response.as_deref(),
        Some(&b"n,,n=juliet,r=oMsTAAwAAAAMAAAANP0TAAAAAABPU0AA"[..])
    );
    let Packet::Sasl(Sasl::Challenge(c)) = &all[6] else {
        panic!()
    };
    assert_eq!(
        std::str::from_utf8(c).unwrap(),
        "r=oMsTAAwAAAAMAAAANP0TAAAAAABPU0AAe124695b-69a9-4de6-9c30-b51b3808c59e,\
         s=NjhkYTM0MDgtNGY0Zi00NjdmLTkxMmUtNDlmNTNmNDNkMDMz,i=4096"
    );
    let Packet::Sasl(Sasl::Response(r)) = &all[7] else {
        panic!()
    };
    assert_eq!(
        std::str::from_utf8(r).unwrap(),
        "c=biws,r=oMsTAAwAAAAMAAAANP0TAAAAAABPU0AAe124695b-69a9-4de6-9c30-b51b3808c59e,\
         p=UA57tM/SvpATBkH2FXs0WDXvJYw="
    );
    assert_eq!(
        all[8],
        Packet::Sasl(Sasl::Success(Some(
            b"v=pNNDFVEQxuXxCoSEiW8GEZ+1RSo=".to_vec()
        )))
    );
    let Packet::Sasl(Sasl::Failure(fail)) = &all[9] else {
        panic!()
    };
    assert_eq!(fail.condition, SaslCondition::NotAuthorized);
    let Packet::Features(f) = &all[10] else {
        panic!()
    };
    assert!(f.bind);
    let Packet::Stanza(Stanza::Iq(req)) = &all[11] else {
        panic!()
    };
    let IqPayload::Set(p) = &req.payload else {
        panic!()
    };
    assert_eq!(
        Bind::try_from(p).unwrap(),
        Bind::Request(Some("balcony".into()))
    );
    let Packet::Stanza(Stanza::Iq(res)) = &all[12] else {
        panic!()
    };
    assert!(res.is_response_to(req, None));
    let IqPayload::Result(Some(p)) = &res.payload else {
        panic!()
    };
    let Bind::Result(jid) = Bind::try_from(p).unwrap() else {
        panic!()
    };
    assert_eq!(jid.as_str(), "juliet@im.example.com/balcony");
    let Packet::Stanza(Stanza::Iq(err)) = &all[13] else {
        panic!()
    };
    assert!(err.is_response_to(req, None));
    let IqPayload::Error { error, original } = &err.payload else {
        panic!()
    };
    assert_eq!(error.condition, DefinedCondition::Conflict);
    assert_eq!(error.error_type, ErrorType::Cancel);
    assert!(original.is_none());
    let Packet::Stanza(Stanza::Message(m)) = &all[14] else {
        panic!()
    };
    assert_eq!(m.body(None), Some("Art thou not Romeo, and a Montague?"));
    assert_eq!(m.lang.as_deref(), Some("en"));
    assert_eq!(all.len(), 16);
}

/// The `## title` blocks of the §4–§8 file.
fn titled(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for chunk in text.split("## ").filter(|c| !c.trim().is_empty()) {
        let (title, xml) = chunk.split_once('\n').unwrap();
        out.push((title.to_string(), xml.to_string()));
    }
    out
}

#[test]
fn sections_4_to_8() {
    let blocks = titled(S4_S8);
    assert_eq!(blocks.len(), 37);
    for (title, xml) in &blocks {
        let els = elements(xml);
        assert_eq!(els.len(), 1, "{title}");
        let p = round_trip(&els[0]);
        match title.as_str() {
            t if t.contains("see-other-host") => {
                let Packet::StreamError(e) = p else { panic!() };
                let StreamCondition::SeeOtherHost(h) = e.condition else {
                    panic!()
                };
                assert_eq!(
                    (h.host.as_str(), h.port),
                    ("2001:41D0:1:A49b::1", Some(9222))
                );
            }
            t if t.contains("empty initial response") => {
                let Packet::Sasl(Sasl::Auth(a)) = p else {
                    panic!()
                };
                assert_eq!(a.initial_response, Some(vec![]));
            }
            t if t.contains("(PLAIN)") => {
                let Packet::Sasl(Sasl::Auth(a)) = p else {
                    panic!()
                };
                assert_eq!(
                    a.initial_response.as_deref(),
                    Some(&b"\0juliet\0r0m30myr0m30"[..])
                );
            }
            t if t.contains("success without") => {
                assert_eq!(p, Packet::Sasl(Sasl::Success(None)));
            }
            t if t.contains("account-disabled") => {
                let Packet::Sasl(Sasl::Failure(f)) = p else {
                    panic!()
                };
                assert_eq!(f.condition, SaslCondition::AccountDisabled);
                assert_eq!(f.texts[0].lang.as_deref(), Some("en"));
            }
            t if t.contains("gone with URI") => {
                let Packet::Stanza(Stanza::Message(m)) = p else {
                    panic!()
                };
                let e = m.error.unwrap();
                assert_eq!(
                    e.condition,
                    DefinedCondition::Gone(Some("xmpp:romeo@afterlife.example.net".into()))
                );
                assert_eq!(e.by.unwrap().as_str(), "example.net");
            }
            t if t.contains("redirect with URI") => {
                let Packet::Stanza(Stanza::Iq(i)) = p else {
                    panic!()
                };
                let IqPayload::Error { error, .. } = i.payload else {
                    panic!()
                };
                assert_eq!(
                    error.condition,
                    DefinedCondition::Redirect(Some(
                        "xmpp:characters@conference.example.org".into()
                    ))
                );
            }
            t if t.contains("several languages") => {
                let Packet::Stanza(Stanza::Message(m)) = p else {
                    panic!()
                };
                assert_eq!(m.body(Some("cs")), Some("Proče\u{17D} jsi ty, Romeo?"));
                assert_eq!(m.body(None), Some("Wherefore art thou, Romeo?"));
                assert!(m.thread.is_some());
            }
            t if t.contains("extension payload") => {
                let Packet::Stanza(Stanza::Message(m)) = p else {
                    panic!()
                };
                assert_eq!(m.payloads.len(), 1);
                assert!(m.payloads[0].is("jabber:x:oob", "x"));
            }
            t if t.contains("show, status") => {
                let Packet::Stanza(Stanza::Presence(pr)) = p else {
                    panic!()
                };
                assert_eq!(pr.priority, Some(1));
                assert_eq!(pr.status(Some("cs")), Some("Dvořím se Julii"));
            }
            t if t.contains("text and application") => {
                let Packet::StreamError(e) = p else { panic!() };
                assert!(
                    e.app_condition
                        .unwrap()
                        .is("http://example.org/ns", "escape-your-data")
                );
            }
            _ => {}
        }
    }
}

#[test]
fn headers_of_both_roles() {
    let initial = format!("{} ", wrap("jabber:client")).replace(
        "<stream:stream ",
        "<stream:stream to='im.example.com' version='1.0' xml:lang='en' unknown='ignored' ",
    );
    let h = header(&initial);
    assert_eq!(h.violations(Role::Initiating), vec![]);
    assert_eq!(h.violations(Role::Receiving).len(), 2);
    let server = "im.example.com".parse().unwrap();
    let r = h
        .response(
            server,
            "t7AMCin9zjMNwQKDnplntZPIDEI=",
            "en",
            Version::V1_0,
            Version::V1_0,
        )
        .unwrap();
    assert_eq!(r.violations(Role::Receiving), vec![]);
    assert_eq!(r.from.as_ref().unwrap().as_str(), "im.example.com");
    assert_eq!(r.to, None);
}

const S9_2: &str = include_str!("data/rfc6120-s9.2-server-to-server.xml");

#[test]
fn section_9_2_server_to_server() {
    let blocks = titled(S9_2);
    assert_eq!(blocks.len(), 10);
    for (title, xml) in &blocks {
        if xml.starts_with("<stream:stream") {
            let h = header(xml.trim());
            assert_eq!(h.ns, xmpp_stanza::ContentNs::Server);
            let role = if title.contains("initial") {
                Role::Initiating
            } else {
                Role::Receiving
            };
            let broken = h.violations(role);
            // The s2s response omits xml:lang in the example; nothing else is missing.
            assert!(
                broken
                    .iter()
                    .all(|r| *r == xmpp_stanza::HeaderRule::ResponseNeedsLang),
                "{title}: {broken:?}"
            );
            continue;
        }
        let els = common::elements_in("jabber:server", xml);
        assert_eq!(els.len(), 1, "{title}");
        let p = round_trip(&els[0]);
        if title.contains("EXTERNAL with") {
            let Packet::Sasl(Sasl::Auth(a)) = p else {
                panic!()
            };
            assert_eq!(a.initial_response.as_deref(), Some(&b"im.example.com"[..]));
        } else if title.contains("forwarded") {
            let Packet::Stanza(s) = p else { panic!() };
            assert_eq!(s.ns(), xmpp_stanza::ContentNs::Server);
        }
    }
}
