//! Helpers shared by the integration tests.
#![allow(dead_code)]

use xmpp_stanza::Packet;
use xmpp_xml::{Element, ElementRef, Frame, Framer, Limits, NodeRef, Writer};

/// Synthetic stream header declaring the content namespace and the `stream` prefix.
pub fn wrap(ns: &str) -> String {
    format!("<stream:stream xmlns='{ns}' xmlns:stream='http://etherx.jabber.org/streams'>")
}

/// The top-level elements of `xml` read inside a `jabber:client` stream.
pub fn elements(xml: &str) -> Vec<Element> {
    elements_in("jabber:client", xml)
}

/// The top-level elements of `xml` read inside a stream with content namespace `ns`.
pub fn elements_in(ns: &str, xml: &str) -> Vec<Element> {
    let mut f = Framer::new(Limits::default());
    let mut input = wrap(ns).into_bytes();
    input.extend_from_slice(xml.as_bytes());
    assert_eq!(f.feed(&input), input.len());
    let mut out = Vec::new();
    while let Some(frame) = f.poll() {
        match frame.unwrap_or_else(|e| panic!("{e} in {xml}")) {
            Frame::StreamOpen(_) => {}
            Frame::Element(e) => out.push(e),
            other => panic!("unexpected {other:?}"),
        }
    }
    out
}

/// A copy of `e` without whitespace-only text nodes (the RFC's pretty-printing).
pub fn normalize(e: ElementRef<'_>) -> Element {
    let mut b = Element::builder(e.ns(), e.name());
    for a in e.attrs() {
        b = b.attr_ns(a.ns, a.name, a.value);
    }
    for n in e.nodes() {
        match n {
            NodeRef::Element(c) => b = b.child(normalize(c)),
            NodeRef::Text(t) if t.trim().is_empty() => {}
            NodeRef::Text(t) => b = b.text(t),
        }
    }
    b.build().unwrap()
}

/// Whether some non-blank text node under `e` is padded with whitespace or spans lines
/// (editorial line breaks in the RFC, inside base64 or a JID).
pub fn has_padded_text(e: ElementRef<'_>) -> bool {
    e.nodes().any(|n| match n {
        NodeRef::Element(c) => has_padded_text(c),
        NodeRef::Text(t) => !t.trim().is_empty() && (t.trim() != t || t.contains('\n')),
    })
}

/// Types `e`, checks it is a known stanza or nonza, and checks the round trips:
/// typed -> element -> typed is the identity, the element survives the writer and the
/// parser, and (unless the RFC broke lines inside text) the element equals the original
/// without its indentation.
pub fn round_trip(e: &Element) -> Packet {
    let p = Packet::try_from(e).unwrap_or_else(|err| panic!("{err}: {e}"));
    assert!(!matches!(p, Packet::Other(_)), "not typed: {e}");
    let out = p.to_element();
    assert_eq!(
        Packet::try_from(&out).unwrap(),
        p,
        "typed round trip of {e}"
    );
    let mut buf = Vec::new();
    Writer::new().element(&mut buf, &out);
    assert_eq!(Element::parse(&buf).unwrap(), out);
    if !has_padded_text(e.as_ref()) {
        let (a, b) = (normalize(out.as_ref()), normalize(e.as_ref()));
        assert_eq!(a, b, "element round trip of {e}");
    }
    p
}
