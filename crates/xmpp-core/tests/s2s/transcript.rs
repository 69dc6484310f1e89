//! Replays a server-to-server transcript (format in the header of
//! `rfc6120-9.2-server-to-server.txt`) against one `Connection`, with the other server
//! scripted: its lines are written as they stand (through rustls once `TLS` is
//! reached), the tested side's lines are compared at the XML level.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Instant;

use xmpp_core::deps::xmpp_stanza::Packet;
use xmpp_core::deps::xmpp_xml::{Element, ElementRef, Frame, Framer, Limits, NodeRef};
use xmpp_core::rustls;
use xmpp_core::{Connection, Event};

/// Which server of the transcript the `Connection` plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Initiating,
    Receiving,
}

impl Side {
    fn tag(self) -> &'static str {
        match self {
            Side::Initiating => "I",
            Side::Receiving => "R",
        }
    }
}

/// The scripted peer's TLS, once the transcript reaches `TLS`.
pub enum PeerTls {
    Client(Arc<rustls::ClientConfig>, &'static str),
    Server(Arc<rustls::ServerConfig>),
}

const WRAPPER: &str =
    "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'>";

/// A stream id the scripted peer writes where the transcript has `*`.
const PEER_ID: &str = "s2s-peer-stream-id";

struct Replay {
    conn: Connection,
    now: Instant,
    peer_tls: Option<PeerTls>,
    tls: Option<rustls::Connection>,
    /// What the tested side wrote, one framer per stream (a restart starts another).
    framers: Vec<Framer>,
    frames: Vec<Frame>,
    events: Vec<Event>,
    /// TLS records the tested side wrote before the peer's TLS existed.
    held: Vec<u8>,
}

impl Replay {
    /// Moves everything between the tested side and the peer's TLS until quiet.
    fn pump(&mut self) {
        for _ in 0..1000 {
            let mut moved = false;
            if let Some(tls) = &mut self.tls {
                let mut wire = Vec::new();
                while tls.wants_write() {
                    tls.write_tls(&mut wire).unwrap();
                }
                moved |= !wire.is_empty();
                self.conn.handle_input(self.now, &wire);
            }
            let mut out = Vec::new();
            self.conn.poll_transmit(&mut out);
            moved |= !out.is_empty();
            let plain = match &mut self.tls {
                // A ClientHello right behind <proceed/>, before the script's `TLS`
                // line (a TLS record, never XML): kept for the peer's TLS.
                None if out.first() == Some(&0x16) || !self.held.is_empty() => {
                    self.held.extend_from_slice(&out);
                    Vec::new()
                }
                None => out,
                Some(tls) => {
                    let mut rd = &out[..];
                    while !rd.is_empty() {
                        tls.read_tls(&mut rd).unwrap();
                        tls.process_new_packets().unwrap();
                    }
                    let mut plain = Vec::new();
                    // A close_notify ends the reader; what came before is kept.
                    let _ = tls.reader().read_to_end(&mut plain);
                    plain
                }
            };
            self.absorb(&plain);
            while let Some(e) = self.conn.poll_event() {
                self.events.push(e);
            }
            if !moved {
                return;
            }
        }
        panic!("the replay never went quiet");
    }

    /// Splits the tested side's plaintext at each new stream header.
    fn absorb(&mut self, bytes: &[u8]) {
        let text = String::from_utf8(bytes.to_vec()).expect("UTF-8 output");
        let mut starts: Vec<usize> = text
            .match_indices("<stream:stream")
            .map(|(p, _)| {
                text[..p]
                    .rfind("<?xml")
                    .filter(|q| !text[q + 1..p].contains('<'))
                    .unwrap_or(p)
            })
            .collect();
        starts.dedup();
        let mut cut = 0;
        for s in starts.into_iter().chain([text.len()]) {
            if s > cut || s == text.len() {
                self.feed(&text.as_bytes()[cut..s]);
            }
            if s < text.len() {
                self.framers.push(Framer::new(Limits::default()));
            }
            cut = s;
        }
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let framer = self
            .framers
            .last_mut()
            .expect("output before any stream header");
        while !bytes.is_empty() {
            let n = framer.feed(bytes);
            assert!(n > 0, "the framer takes no more");
            bytes = &bytes[n..];
            while let Some(f) = framer.poll() {
                self.frames.push(f.expect("well-formed output"));
            }
        }
    }

    /// Writes the peer's `text` to the tested side.
    fn peer_writes(&mut self, text: &str) {
        match &mut self.tls {
            None => self.conn.handle_input(self.now, text.as_bytes()),
            Some(tls) => tls.writer().write_all(text.as_bytes()).unwrap(),
        }
        self.pump();
    }

    fn start_tls(&mut self) {
        let tls: rustls::Connection = match self.peer_tls.take().expect("one TLS line") {
            PeerTls::Client(config, name) => {
                let name = rustls::pki_types::ServerName::try_from(name).unwrap();
                rustls::ClientConnection::new(config, name).unwrap().into()
            }
            PeerTls::Server(config) => rustls::ServerConnection::new(config).unwrap().into(),
        };
        let mut tls = tls;
        let mut rd = &self.held[..];
        while !rd.is_empty() {
            tls.read_tls(&mut rd).unwrap();
            tls.process_new_packets().unwrap();
        }
        self.held.clear();
        self.tls = Some(tls);
        self.pump();
    }
}

/// A canonical text of a frame: namespaces and names, attributes sorted, whitespace-only
/// text dropped, so that prefixes and attribute order do not matter.
fn canon_frame(f: &Frame) -> String {
    match f {
        Frame::StreamOpen(h) => {
            let mut attrs: Vec<String> = h
                .attrs()
                .map(|a| format!("{{{}}}{}={}", a.ns, a.name, a.value))
                .collect();
            attrs.sort();
            let ns = h.default_namespace().unwrap_or("");
            format!("HEADER {ns} {}", attrs.join(" "))
        }
        Frame::Element(e) => canon_element(e.as_ref()),
        Frame::StreamClose => "CLOSE".into(),
        other => format!("{other:?}"),
    }
}

fn canon_element(e: ElementRef<'_>) -> String {
    let mut attrs: Vec<String> = e
        .attrs()
        .map(|a| format!("{{{}}}{}={}", a.ns, a.name, a.value))
        .collect();
    attrs.sort();
    let mut s = format!("<{{{}}}{} {}>", e.ns(), e.name(), attrs.join(" "));
    for n in e.nodes() {
        match n {
            NodeRef::Element(c) => s.push_str(&canon_element(c)),
            NodeRef::Text(t) if t.trim().is_empty() => {}
            NodeRef::Text(t) => s.push_str(t),
        }
    }
    s.push_str("</>");
    s
}

/// The frame a transcript line stands for.
fn expected_frame(line: &str) -> Frame {
    let mut f = Framer::new(Limits::default());
    let text = if line.contains("<stream:stream ") {
        line.to_string()
    } else {
        format!("{WRAPPER}{line}")
    };
    assert_eq!(f.feed(text.as_bytes()), text.len());
    let mut frames = Vec::new();
    while let Some(fr) = f.poll() {
        frames.push(fr.unwrap());
    }
    if !line.contains("<stream:stream ") {
        frames.remove(0);
    }
    assert_eq!(frames.len(), 1, "one frame per line: {line}");
    frames.remove(0)
}

/// How an event appears in a transcript.
pub fn event_text(e: &Event) -> String {
    match e {
        Event::TlsEstablished { .. } => "TlsEstablished".into(),
        Event::Authenticated { mechanism, jid, .. } => format!("Authenticated {mechanism} {jid}"),
        Event::S2sOnline { local, remote } => format!("S2sOnline {local} {remote}"),
        Event::Stanza(s) => {
            let mut buf = Vec::new();
            s.write_to(&mut buf, None);
            let e = Element::parse(&buf).unwrap();
            let addr = |a: &str| e.attr(a).unwrap_or("-").to_string();
            format!(
                "Stanza {} from={} to={}",
                e.name(),
                addr("from"),
                addr("to")
            )
        }
        Event::Closed(r) => format!("Closed {r:?}"),
        other => format!("{other:?}"),
    }
}

/// Replays `script` with `conn` as `side`; panics with the line at the first mismatch.
pub fn replay(script: &str, side: Side, conn: Connection, now: Instant, peer_tls: PeerTls) {
    let mut r = Replay {
        conn,
        now,
        peer_tls: Some(peer_tls),
        tls: None,
        framers: Vec::new(),
        frames: Vec::new(),
        events: Vec::new(),
        held: Vec::new(),
    };
    r.pump();
    let mut frames_seen = 0;
    let mut events_seen = 0;
    for (no, raw) in script.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = format!("line {}: {line}", no + 1);
        if line == "TLS" {
            r.start_tls();
            continue;
        }
        let (tag, body) = line.split_once(": ").expect("`X: ...` lines");
        let (who, kind) = tag.split_at(1);
        let ours = who == side.tag();
        match kind {
            "" | "+" if ours => {
                if kind == "+" {
                    let e = Element::parse(body.as_bytes()).unwrap();
                    let Ok(Packet::Stanza(s)) = Packet::parse(e.as_ref()) else {
                        panic!("{at}: not a stanza")
                    };
                    r.conn.send(r.now, s).unwrap();
                    r.pump();
                }
                let want = canon_frame(&expected_frame(body));
                let got = r.frames.get(frames_seen).map(canon_frame);
                let got = match got {
                    // A `*` id stands for whatever the side chose.
                    Some(g) if want.contains("}id=* ") || want.ends_with("}id=*") => {
                        let re_id = g
                            .split(' ')
                            .map(|p| if p.starts_with("{}id=") { "{}id=*" } else { p })
                            .collect::<Vec<_>>()
                            .join(" ");
                        Some(re_id)
                    }
                    g => g,
                };
                assert_eq!(got.as_deref(), Some(want.as_str()), "{at}");
                frames_seen += 1;
            }
            "" | "+" => r.peer_writes(&body.replace("id='*'", &format!("id='{PEER_ID}'"))),
            "E" if ours => {
                let got = r.events.get(events_seen).map(event_text);
                assert_eq!(got.as_deref(), Some(body), "{at}");
                events_seen += 1;
            }
            "!" if ours => {
                assert_eq!(body, "close", "{at}");
                r.conn.close(r.now);
                r.pump();
            }
            "E" | "!" => {}
            _ => panic!("{at}: unknown directive"),
        }
    }
    assert_eq!(
        r.frames.len(),
        frames_seen,
        "unexpected output: {:?}",
        &r.frames[frames_seen..]
    );
    let extra: Vec<String> = r.events[events_seen..].iter().map(event_text).collect();
    assert!(extra.is_empty(), "unexpected events: {extra:?}");
}
