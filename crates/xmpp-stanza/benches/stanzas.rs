//! Parse + type + serialise a realistic client stanza mix with xmpp-stanza (over xmpp-xml)
//! and with xmpp-parsers 0.23 (over minidom 0.19) in the same run.
//!
//! bytes -> element tree -> typed stanza -> bytes, in two modes: *document* (each stanza a
//! standalone document with its namespace declared) and *stream* (the mix as one stream:
//! ours through one `Framer`, theirs as one minidom document whose children are typed).
//! `serialise_only` compares our two serialisation paths.
//!
//! `cargo bench -p xmpp-stanza` runs a short measurement (about 30 s) and prints a table of
//! throughputs and ratios from interleaved rounds.

#![allow(clippy::disallowed_methods)] // benches read the clock
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A realistic mix of client traffic: chat with receipts and chat states, a MUC message
/// with a delay, presence with caps, roster get and result, ping, an IQ error.
const MIX: &[&str] = &[
    "<message xmlns='jabber:client' from='juliet@example.com/balcony' id='ju2ba41c' \
     to='romeo@example.net' type='chat' xml:lang='en'><body>Art thou not Romeo, and a \
     Montague?</body><thread>e0ffe42b28561960c6b12b944a092794b9683a38</thread>\
     <active xmlns='http://jabber.org/protocol/chatstates'/>\
     <request xmlns='urn:xmpp:receipts'/></message>",
    "<message xmlns='jabber:client' from='coven@chat.shakespeare.lit/thirdwitch' \
     id='162BEBB1-F6DB-4D9A-9BD8-CFDCC801A0B2' to='hecate@shakespeare.lit/broom' \
     type='groupchat'><body>Thrice the brinded cat hath mew'd.</body>\
     <delay xmlns='urn:xmpp:delay' from='coven@chat.shakespeare.lit' \
     stamp='2002-10-13T23:58:37Z'/></message>",
    "<presence xmlns='jabber:client' from='romeo@example.net/orchard' \
     to='juliet@example.com' xml:lang='en'><show>dnd</show><status>Wooing Juliet</status>\
     <priority>1</priority><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' \
     node='https://example.org/client' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence>",
    "<iq xmlns='jabber:client' from='juliet@example.com/balcony' id='bv1bs71f' \
     type='get'><query xmlns='jabber:iq:roster'/></iq>",
    "<iq xmlns='jabber:client' id='bv1bs71f' to='juliet@example.com/chamber' \
     type='result'><query xmlns='jabber:iq:roster' ver='ver11'>\
     <item jid='romeo@example.net' name='Romeo' subscription='both'><group>Friends</group></item>\
     <item jid='mercutio@example.com' name='Mercutio' subscription='from'/>\
     <item jid='benvolio@example.net' name='Benvolio' subscription='both'/></query></iq>",
    "<iq xmlns='jabber:client' from='capulet.lit' id='c2s1' to='juliet@capulet.lit/balcony' \
     type='get'><ping xmlns='urn:xmpp:ping'/></iq>",
    "<iq xmlns='jabber:client' from='im.example.com' id='ixc3v1b9' \
     to='juliet@im.example.com/balcony' type='error'><error type='cancel'>\
     <service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    "<presence xmlns='jabber:client' from='juliet@example.com/balcony' type='unavailable'/>",
    "<message xmlns='jabber:client' from='juliet@example.com/balcony' id='m2' \
     to='romeo@example.net' type='chat'><body>Good night, good night! Parting is such sweet \
     sorrow, that I shall say good night till it be morrow.</body>\
     <markable xmlns='urn:xmpp:chat-markers:0'/><origin-id xmlns='urn:xmpp:sid:0' id='a1b2'/>\
     </message>",
];

/// Ours, one document: parse, type, write straight to bytes.
fn ours(input: &[u8], out: &mut Vec<u8>) {
    let e = xmpp_xml::Element::parse(input).expect("valid");
    let s = xmpp_stanza::Stanza::try_from(e).expect("typed");
    s.write_to(out, None);
}

/// Ours, one document, serialising through an element tree and the xmpp-xml writer.
fn ours_via_element(input: &[u8], out: &mut Vec<u8>) {
    let e = xmpp_xml::Element::parse(input).expect("valid");
    let s = xmpp_stanza::Stanza::try_from(e).expect("typed");
    xmpp_xml::Writer::new().element(out, &s.to_element());
}

fn type_theirs(e: minidom::Element) -> minidom::Element {
    use xmpp_parsers::{iq::Iq, message::Message, presence::Presence};
    match e.name() {
        "message" => Message::try_from(e).expect("typed").into(),
        "presence" => Presence::try_from(e).expect("typed").into(),
        _ => Iq::try_from(e).expect("typed").into(),
    }
}

/// Theirs, one document: minidom parse, xmpp-parsers type, back to minidom, write.
fn theirs(input: &str, out: &mut Vec<u8>) {
    let e: minidom::Element = input.parse().expect("valid");
    type_theirs(e).write_to(out).expect("written");
}

fn total_bytes() -> u64 {
    MIX.iter().map(|s| s.len() as u64).sum()
}

const OPEN: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams'>";

/// The mix as one stream (each stanza without its own namespace declaration).
fn stream_text() -> String {
    let mut s = String::from(OPEN);
    for m in MIX {
        s.push_str(&m.replace(" xmlns='jabber:client'", ""));
    }
    s.push_str("</stream:stream>");
    s
}

type Run<'a> = Box<dyn FnMut(&mut Vec<u8>) + 'a>;

fn runs(stream: &str) -> Vec<(&'static str, &'static str, Run<'_>)> {
    vec![
        (
            "document",
            "xmpp-stanza",
            Box::new(|out: &mut Vec<u8>| {
                for s in MIX {
                    out.clear();
                    ours(black_box(s.as_bytes()), out);
                }
            }),
        ),
        (
            "document",
            "xmpp-stanza-via-element",
            Box::new(|out: &mut Vec<u8>| {
                for s in MIX {
                    out.clear();
                    ours_via_element(black_box(s.as_bytes()), out);
                }
            }),
        ),
        (
            "document",
            "xmpp-parsers",
            Box::new(|out: &mut Vec<u8>| {
                for s in MIX {
                    out.clear();
                    theirs(black_box(s), out);
                }
            }),
        ),
        (
            "stream",
            "xmpp-stanza",
            Box::new(move |out: &mut Vec<u8>| {
                // One framer over the whole stream, as a connection reads it.
                let mut f = xmpp_xml::Framer::new(xmpp_xml::Limits::default());
                f.feed(black_box(stream.as_bytes()));
                while let Some(frame) = f.poll() {
                    if let Ok(xmpp_xml::Frame::Element(e)) = frame {
                        let s = xmpp_stanza::Stanza::try_from(e).expect("typed");
                        out.clear();
                        s.write_to(out, Some(xmpp_stanza::ContentNs::Client));
                    }
                }
            }),
        ),
        (
            "stream",
            "xmpp-parsers",
            Box::new(move |out: &mut Vec<u8>| {
                // minidom reads the stream as one document, then each child is typed.
                let mut root: minidom::Element = black_box(stream).parse().expect("valid");
                for e in root.take_contents_as_children() {
                    out.clear();
                    type_theirs(e).write_to(out).expect("written");
                }
            }),
        ),
    ]
}

fn bench(c: &mut Criterion) {
    // Sanity: both libraries accept the whole mix and ours round-trips it.
    for s in MIX {
        let mut out = Vec::new();
        ours(s.as_bytes(), &mut out);
        let a = xmpp_xml::Element::parse(s.as_bytes()).unwrap();
        assert_eq!(
            a,
            xmpp_xml::Element::parse(&out).unwrap(),
            "round trip of {s}"
        );
        out.clear();
        ours_via_element(s.as_bytes(), &mut out);
        assert_eq!(
            a,
            xmpp_xml::Element::parse(&out).unwrap(),
            "round trip of {s}"
        );
        theirs(s, &mut Vec::new());
    }
    {
        let typed: Vec<_> = MIX
            .iter()
            .map(|s| {
                xmpp_stanza::Stanza::try_from(xmpp_xml::Element::parse(s.as_bytes()).unwrap())
                    .unwrap()
            })
            .collect();
        let mut g = c.benchmark_group("serialise_only");
        g.bench_function("direct", |b| {
            let mut out = Vec::new();
            b.iter(|| {
                for t in &typed {
                    out.clear();
                    t.write_to(&mut out, None);
                    black_box(&out);
                }
            })
        });
        g.bench_function("element", |b| {
            let mut out = Vec::new();
            b.iter(|| {
                for t in &typed {
                    out.clear();
                    xmpp_xml::Writer::new().element(&mut out, &t.to_element());
                    black_box(&out);
                }
            })
        });
        g.finish();
    }
    let stream = stream_text();
    let mut runs = runs(&stream);
    for (group, name, run) in runs.iter_mut() {
        let mut g = c.benchmark_group(format!("stanza_mix_{group}"));
        g.throughput(Throughput::Bytes(total_bytes()));
        g.bench_function(*name, |b| {
            let mut out = Vec::new();
            b.iter(|| run(&mut out));
        });
        g.finish();
    }

    // Ratios from interleaved timed rounds (same run, same machine load).
    let mut t = vec![Duration::ZERO; runs.len()];
    let mut out = Vec::new();
    for _ in 0..20 {
        for (i, (_, _, run)) in runs.iter_mut().enumerate() {
            let start = Instant::now();
            for _ in 0..50 {
                run(&mut out);
            }
            t[i] += start.elapsed();
        }
    }
    let mib = |d: Duration| (total_bytes() * 1000) as f64 / d.as_secs_f64() / (1024.0 * 1024.0);
    println!();
    println!("| mode | library | MiB/s | vs xmpp-parsers |");
    println!("|---|---|---|---|");
    for (i, (group, name, _)) in runs.iter().enumerate() {
        let peer = runs
            .iter()
            .position(|(g, n, _)| g == group && *n == "xmpp-parsers")
            .unwrap_or(i);
        println!(
            "| {group} | {name} | {:.1} | {:.2}x |",
            mib(t[i]),
            t[peer].as_secs_f64() / t[i].as_secs_f64()
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
