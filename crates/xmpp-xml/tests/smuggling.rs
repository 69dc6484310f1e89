//! Stanza smuggling: inputs on which a lenient or differently-built parser would end a
//! stanza early, start a new one, or restart the stream. For each, the framer must
//! either deliver exactly the intended elements or fail before delivering anything
//! smuggled, identically for every split of the input.

mod common;

use common::*;
use xmpp_xml::{Condition, Frame, Limits};

/// Runs `body` after the stream header at every split; returns the outcome.
fn check(body: &[u8]) -> Outcome {
    run_all_splits(&stream_bytes(body), Limits::default())
}

/// The smuggled `<iq type='set' id='evil'>` must never come out as a frame.
fn no_evil(o: &Outcome) {
    for f in &o.frames {
        if let Frame::Element(e) = f {
            assert_ne!(e.attr("id"), Some("evil"), "smuggled: {e}");
            for c in e.children() {
                assert_ne!(c.attr("id"), Some("evil"));
            }
        }
    }
}

fn opens(o: &Outcome) -> usize {
    o.frames
        .iter()
        .filter(|f| matches!(f, Frame::StreamOpen(_)))
        .count()
}

fn fails(body: &[u8], cond: Condition) {
    let o = check(body);
    no_evil(&o);
    assert_eq!(opens(&o), 1);
    let e = o.error.expect("must be rejected");
    assert_eq!(e.condition(), cond, "{e}");
}

#[test]
fn nested_stream_header_does_not_restart() {
    let o = check(
        b"<message><stream:stream xmlns:stream='http://etherx.jabber.org/streams' \
          xmlns='jabber:client'><iq type='set' id='evil'/></stream:stream></message>",
    );
    assert!(o.error.is_none());
    assert_eq!(opens(&o), 1);
    assert_eq!(
        o.frames.len(),
        2,
        "one element, with the fake stream inside it"
    );
}

#[test]
fn second_top_level_header_is_an_element_not_a_restart() {
    let o = check(b"<stream:stream><iq type='set' id='evil'/></stream:stream>");
    assert!(o.error.is_none());
    assert_eq!(opens(&o), 1);
    assert_eq!(o.frames.len(), 2);
    let Frame::Element(e) = &o.frames[1] else {
        panic!()
    };
    assert_eq!(e.name(), "stream", "delivered as an ordinary element");
}

#[test]
fn xml_declaration_mid_stream() {
    fails(
        b"<?xml version='1.0'?><iq type='set' id='evil'/>",
        Condition::RestrictedXml,
    );
    fails(
        b"<message><?xml version='1.0'?><iq type='set' id='evil'/></message>",
        Condition::RestrictedXml,
    );
}

#[test]
fn processing_instruction_mid_stream() {
    fails(
        b"<message><?php <iq type='set' id='evil'/> ?></message>",
        Condition::RestrictedXml,
    );
}

#[test]
fn comment_hiding_markup() {
    fails(
        b"<message><!-- --><iq type='set' id='evil'/><!-- --></message>",
        Condition::RestrictedXml,
    );
}

#[test]
fn invalid_utf8_in_a_name_swallowing_the_quote() {
    // A lenient decoder that skips the lead byte plus "one continuation" would eat `'`.
    fails(
        b"<message a\xC0='x'><iq type='set' id='evil'/></message>",
        Condition::UnsupportedEncoding,
    );
    fails(
        b"<message to='x\xE0'/><iq type='set' id='evil'/>",
        Condition::UnsupportedEncoding,
    );
    fails(
        b"<message>x\xF0</message><iq type='set' id='evil'/>",
        Condition::UnsupportedEncoding,
    );
}

#[test]
fn overlong_encoded_markup_is_not_markup() {
    // 0xC0 0xBC is an overlong '<'.
    fails(
        b"<message>\xC0\xBCiq type='set' id='evil'/></message>",
        Condition::UnsupportedEncoding,
    );
    fails(
        b"<message>\xE0\x80\xBC/message></message>",
        Condition::UnsupportedEncoding,
    );
}

#[test]
fn cdata_end_in_text() {
    fails(
        b"<message><body>]]><iq type='set' id='evil'/></body></message>",
        Condition::NotWellFormed,
    );
}

#[test]
fn markup_inside_cdata_and_entities_is_text() {
    let o = check(
        b"<message><body><![CDATA[</body></message><iq type='set' id='evil'/>]]>\
          &lt;/message&gt;</body></message>",
    );
    assert!(o.error.is_none());
    assert_eq!(o.frames.len(), 2);
    let Frame::Element(e) = &o.frames[1] else {
        panic!()
    };
    assert!(e.children().next().unwrap().text().contains("id='evil'"));
}

#[test]
fn stream_close_inside_an_attribute_is_text() {
    let o = check(b"<message a='</stream:stream>'/>");
    assert!(o.error.is_some(), "'<' in an attribute value is refused");
    let o = check(b"<message a='&lt;/stream:stream>'/><presence/>");
    assert!(o.error.is_none());
    assert_eq!(o.frames.len(), 3);
}

#[test]
fn duplicate_attributes_through_prefixes() {
    fails(
        b"<message xmlns:a='jabber:x' xmlns:b='jabber:x' a:to='x' b:to='evil'/>",
        Condition::NotWellFormed,
    );
    fails(
        b"<iq type='result' type='set' id='evil'/>",
        Condition::NotWellFormed,
    );
}

#[test]
fn namespace_declaration_tricks() {
    for b in [
        &b"<message xmlns='jabber:client&#0;'/>"[..],
        b"<message xmlns='jabber:client&#9;'/>",
        b"<message xmlns='jabber:client\x01'/>",
        b"<message xmlns='jabber:client '/>",
        b"<message xmlns='jabber:client&#x85;'/>",
        b"<x:message xmlns:x=''/>",
        b"<message xmlns:xml='jabber:client'/>",
        b"<message xmlns:xmlns='jabber:client'/>",
    ] {
        let o = check(b);
        assert!(o.error.is_some(), "{}", String::from_utf8_lossy(b));
        assert_eq!(o.frames.len(), 1);
    }
}

#[test]
fn closing_with_another_prefix_for_the_same_namespace() {
    fails(
        b"<a:message xmlns:a='jabber:client' xmlns:b='jabber:client'><iq type='set' id='evil'/>\
          </b:message>",
        Condition::NotWellFormed,
    );
    // Closing the stream with another prefix bound to the stream namespace.
    let mut v = b"<s:stream xmlns:s='http://etherx.jabber.org/streams' \
                  xmlns:t='http://etherx.jabber.org/streams'>"
        .to_vec();
    v.extend_from_slice(b"</t:stream><iq type='set' id='evil'/>");
    let o = run_all_splits(&v, Limits::default());
    assert!(o.error.is_some());
    assert_eq!(o.frames.len(), 1);
}

#[test]
fn entity_and_doctype_tricks() {
    fails(
        b"<!DOCTYPE x [<!ENTITY e '<iq type=\"set\" id=\"evil\"/>'>]>",
        Condition::RestrictedXml,
    );
    fails(b"<message>&e;</message>", Condition::RestrictedXml);
}

#[test]
fn character_references_to_markup_stay_text() {
    let o = check(b"<message>&#60;iq type='set' id='evil'/&#62;</message>");
    assert!(o.error.is_none());
    assert_eq!(o.frames.len(), 2);
    let Frame::Element(e) = &o.frames[1] else {
        panic!()
    };
    assert_eq!(e.children().count(), 0);
    assert_eq!(e.text(), "<iq type='set' id='evil'/>");
}

#[test]
fn nul_and_controls() {
    fails(
        b"<message>\x00<iq type='set' id='evil'/></message>",
        Condition::NotWellFormed,
    );
    fails(
        b"<message\x00><iq type='set' id='evil'/></message>",
        Condition::NotWellFormed,
    );
    fails(b"<message>&#0;</message>", Condition::NotWellFormed);
}

#[test]
fn injection_after_proceed_is_visible() {
    let mut v = stream("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    let injected = b"<iq type='set' id='evil'/>";
    v.extend_from_slice(injected);
    let mut f = xmpp_xml::Framer::new(Limits::pre_auth());
    assert_eq!(f.feed(&v), v.len());
    assert!(matches!(f.poll(), Some(Ok(Frame::StreamOpen(_)))));
    assert!(matches!(f.poll(), Some(Ok(Frame::Element(_)))));
    // The caller sends <proceed/> and must now see the injected bytes before resetting.
    assert_eq!(f.unprocessed(), injected.len());
    f.reset();
    assert_eq!(f.unprocessed(), 0);
    assert!(f.poll().is_none());
}

#[test]
fn oversized_preauth_stanza_is_cut_at_the_limit() {
    let big = format!("<auth>{}</auth>", "A".repeat(17 * 1024));
    let o = run_all_splits(&stream(&big), Limits::pre_auth());
    let e = o.error.unwrap();
    assert_eq!(e.condition(), Condition::PolicyViolation);
    assert_eq!(
        e.offset(),
        (HEADER.len() + Limits::pre_auth().max_element_bytes) as u64
    );
}

#[test]
fn lookalike_whitespace_and_case() {
    // U+00A0 is not XML whitespace: it cannot separate a name from an attribute.
    fails(
        "<message\u{A0}to='x'><iq type='set' id='evil'/></message>".as_bytes(),
        Condition::NotWellFormed,
    );
    // End tags are case-sensitive.
    fails(
        b"<message><iq type='set' id='evil'/></Message>",
        Condition::NotWellFormed,
    );
    // An overlong '/' cannot turn a start tag into an end tag.
    fails(
        b"<message><\xC0\xAFmessage><iq type='set' id='evil'/>",
        Condition::UnsupportedEncoding,
    );
    // Whitespace before '>' in an end tag is fine; anything else is not.
    let o = check(b"<message></message \n>");
    assert!(o.error.is_none());
    fails(
        b"<message></message x><iq type='set' id='evil'/>",
        Condition::NotWellFormed,
    );
}
