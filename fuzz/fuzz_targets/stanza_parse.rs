//! Arbitrary bytes through the xmpp-xml framer, then every typed parser of xmpp-stanza:
//! nothing panics, and whatever parses re-types to the same value after serialisation.

#![no_main]

use libfuzzer_sys::fuzz_target;
use xmpp_stanza::{
    Bind, Iq, Message, Packet, Presence, Sasl, SessionRequest, Stanza, StanzaError, StartTls,
    StreamError, StreamFeatures, StreamHeader,
};
use xmpp_xml::{Element, ElementRef, Frame, Framer, Limits, Writer};

/// Parses `e` as `T`; if that succeeds, serialises and parses again and checks equality.
fn check<T, P, S>(e: ElementRef<'_>, parse: P, ser: S)
where
    T: PartialEq + core::fmt::Debug,
    P: Fn(ElementRef<'_>) -> Result<T, xmpp_stanza::ParseError>,
    S: Fn(&T) -> Element,
{
    if let Ok(v) = parse(e) {
        let out = ser(&v);
        let again = parse(out.as_ref()).expect("a serialised value parses again");
        assert_eq!(again, v);
        // And through the writer and the parser.
        let mut bytes = Vec::new();
        Writer::new().element(&mut bytes, &out);
        let reread = Element::parse(&bytes).expect("the writer's output parses");
        assert_eq!(reread, out);
    }
}

fn every_parser(e: ElementRef<'_>) {
    check(e, Packet::parse, Packet::to_element);
    check(e, Stanza::parse, Stanza::to_element);
    check(e, Message::parse, Message::to_element);
    check(e, Presence::parse, Presence::to_element);
    check(e, Iq::parse, Iq::to_element);
    check(e, StreamFeatures::parse, StreamFeatures::to_element);
    check(e, StreamError::parse, StreamError::to_element);
    check(e, StartTls::parse, StartTls::to_element);
    check(e, Sasl::parse, Sasl::to_element);
    check(e, Bind::parse, Bind::to_element);
    check(e, SessionRequest::parse, SessionRequest::to_element);
    if let Ok(err) = StanzaError::parse(e) {
        let ns = xmpp_stanza::ContentNs::from_ns(e.ns()).unwrap_or_default();
        let out = err.to_element(ns);
        assert_eq!(StanzaError::parse(out.as_ref()).expect("re-parses"), err);
    }
    // Children too: payloads of IQs (bind, session), error elements, features.
    for c in e.children() {
        check(c, Bind::parse, Bind::to_element);
        check(c, SessionRequest::parse, SessionRequest::to_element);
        if let Ok(err) = StanzaError::parse(c) {
            let ns = xmpp_stanza::ContentNs::from_ns(c.ns()).unwrap_or_default();
            assert_eq!(
                StanzaError::parse(err.to_element(ns).as_ref()).expect("re-parses"),
                err
            );
        }
    }
}

const HEADER: &[u8] = b"<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else {
        return;
    };
    let mut framer = Framer::new(Limits::pre_auth());
    let mut input = Vec::with_capacity(HEADER.len() + data.len());
    if mode & 1 == 1 {
        input.extend_from_slice(HEADER);
    }
    input.extend_from_slice(data);
    let mut rest = &input[..];
    loop {
        let n = framer.feed(rest);
        rest = &rest[n..];
        let mut progressed = n > 0;
        while let Some(frame) = framer.poll() {
            progressed = true;
            match frame {
                Ok(Frame::StreamOpen(h)) => {
                    if let Ok(typed) = StreamHeader::parse(&h) {
                        let _ = typed.violations(xmpp_stanza::Role::Initiating);
                        let mut out = Vec::new();
                        if typed.write(&mut Writer::new(), &mut out).is_ok() {
                            let mut f = Framer::default();
                            f.feed(&out);
                            let Some(Ok(Frame::StreamOpen(again))) = f.poll() else {
                                panic!("a written header reads back");
                            };
                            assert_eq!(StreamHeader::parse(&again).expect("re-parses"), typed);
                        }
                    }
                }
                Ok(Frame::Element(e)) => every_parser(e.as_ref()),
                Ok(_) => {}
                Err(e) => {
                    let _ = StreamError::from(&e).to_element();
                    return;
                }
            }
        }
        if rest.is_empty() || !progressed {
            return;
        }
    }
});
