//! Deterministic generator of a realistic client-to-server XMPP stream: messages with
//! bodies, presences with entity capabilities, roster pushes. Shared by the growth test
//! and the benchmark.

/// Small linear congruential generator: deterministic, no dependencies.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub const STREAM_HEADER: &str = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0' \
    xml:lang='en'>";

const WORDS: &[&str] = &[
    "hello",
    "world",
    "how",
    "are",
    "you",
    "today",
    "meeting",
    "at",
    "noon",
    "caf\u{E9}",
    "&amp;",
    "&lt;3",
    "\u{1F600}",
    "ok",
    "see",
    "you",
    "there",
    "tomorrow",
    "\u{4F60}\u{597D}",
    "bring",
    "the",
    "slides",
    "please",
];

fn jid(r: &mut Lcg) -> String {
    format!("user{}@example.com", r.below(1000))
}

fn stanza(r: &mut Lcg, i: u64, out: &mut String) {
    match r.below(10) {
        0..=5 => {
            let words = 3 + r.below(30);
            let mut body = String::new();
            for k in 0..words {
                if k > 0 {
                    body.push(' ');
                }
                body.push_str(WORDS[r.below(WORDS.len() as u64) as usize]);
            }
            out.push_str(&format!(
                "<message to='{}' from='{}/phone' type='chat' id='m{i}'>\
                 <body>{body}</body><active xmlns='http://jabber.org/protocol/chatstates'/>\
                 <request xmlns='urn:xmpp:receipts'/></message>",
                jid(r),
                jid(r)
            ));
        }
        6..=8 => {
            out.push_str(&format!(
                "<presence from='{}/laptop' id='p{i}'><show>away</show><status>Out for \
                 lunch</status><priority>5</priority><c xmlns='http://jabber.org/protocol/caps' \
                 hash='sha-1' node='https://example.org/client' \
                 ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence>",
                jid(r)
            ));
        }
        _ => {
            out.push_str(&format!(
                "<iq type='set' id='r{i}'><query xmlns='jabber:iq:roster' ver='v{i}'>\
                 <item jid='{}' name='Contact {i}' subscription='both'><group>Friends</group>\
                 <group>Work</group></item></query></iq>",
                jid(r)
            ));
        }
    }
    if r.below(4) == 0 {
        out.push(' ');
    }
}

/// A stream of at least `size` bytes (header included, no close tag) and its number of
/// stanzas.
pub fn client_stream(size: usize, seed: u64) -> (Vec<u8>, usize) {
    let mut r = Lcg(seed);
    let mut out = String::with_capacity(size + 1024);
    out.push_str(STREAM_HEADER);
    let mut n = 0;
    while out.len() < size {
        stanza(&mut r, n as u64, &mut out);
        n += 1;
    }
    (out.into_bytes(), n)
}
