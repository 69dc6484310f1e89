//! One test per rule: each input is checked whole, in 1-byte pieces and split in two at
//! every byte offset.

mod common;

use common::*;
use xmpp_xml::{Condition, Frame, Limits, XML_NS};

fn fails(input: &[u8], cond: Condition) -> u64 {
    fails_with(input, cond, Limits::default())
}

fn fails_with(input: &[u8], cond: Condition, limits: Limits) -> u64 {
    let o = run_all_splits(input, limits);
    let e = o
        .error
        .unwrap_or_else(|| panic!("accepted: {:?}", String::from_utf8_lossy(input)));
    assert_eq!(
        e.condition(),
        cond,
        "{e} for {:?}",
        String::from_utf8_lossy(input)
    );
    assert!(e.offset() < input.len() as u64);
    e.offset()
}

fn ok(input: &[u8]) -> common::Outcome {
    let o = run_all_splits(input, Limits::default());
    assert!(o.error.is_none(), "{:?}", o.error);
    o
}

fn body_text(input: &str) -> String {
    let o = ok(&stream(input));
    match &o.frames[1] {
        Frame::Element(e) => e.text().into_owned(),
        f => panic!("{f:?}"),
    }
}

// ---- accepted input -------------------------------------------------------------------

#[test]
fn basic_stream() {
    let o = ok(&stream(
        "<message to='a@b'><body>hi</body></message> \n\t<presence/></stream:stream>",
    ));
    assert_eq!(o.frames.len(), 4);
    let Frame::StreamOpen(h) = &o.frames[0] else {
        panic!()
    };
    assert_eq!(h.attr("to"), Some("example.com"));
    assert_eq!(h.default_namespace(), Some("jabber:client"));
    assert_eq!(h.lang(), None);
    assert_eq!(h.namespaces().count(), 2);
    assert_eq!(
        elements(&o),
        [
            "<message xmlns='jabber:client' to='a@b'><body>hi</body></message>",
            "<presence xmlns='jabber:client'/>"
        ]
    );
    assert_eq!(o.frames[3], Frame::StreamClose);
}

#[test]
fn xml_declaration_before_header() {
    let mut v = b"<?xml version='1.0' encoding='utf-8'?>\n".to_vec();
    v.extend_from_slice(&stream("<a/>"));
    assert_eq!(ok(&v).frames.len(), 2);
    let mut v = b"<?xml version=\"1.0\"?>".to_vec();
    v.extend_from_slice(&stream(""));
    assert_eq!(ok(&v).frames.len(), 1);
}

#[test]
fn cdata_is_text() {
    assert_eq!(body_text("<m>a<![CDATA[<x>&]]]]>b</m>"), "a<x>&]]b");
    // Whitespace-only CDATA between stanzas is a keepalive.
    assert_eq!(ok(&stream("<![CDATA[ ]]><a/>")).frames.len(), 2);
}

#[test]
fn predefined_entities_and_char_refs() {
    assert_eq!(
        body_text("<m>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#x1F600;</m>"),
        "<>&'\"AB\u{1F600}"
    );
}

#[test]
fn line_ends_and_attribute_normalisation() {
    assert_eq!(body_text("<m>a\r\nb\rc\n</m>"), "a\nb\nc\n");
    let o = ok(&stream("<m a='x\ty\r\nz' b='&#9;&#xA;&#xD;'/>"));
    let Frame::Element(e) = &o.frames[1] else {
        panic!()
    };
    assert_eq!(e.attr("a"), Some("x y z"));
    assert_eq!(e.attr("b"), Some("\t\n\r"));
    assert_eq!(body_text("<m>&#xD;</m>"), "\r");
}

#[test]
fn nested_stream_element_is_ordinary() {
    let o = ok(&stream(
        "<message><stream:stream><x/></stream:stream></message><a/>",
    ));
    assert_eq!(o.frames.len(), 3);
    let Frame::Element(e) = &o.frames[1] else {
        panic!()
    };
    let inner = e.children().next().unwrap();
    assert!(inner.is(xmpp_xml::STREAM_NS, "stream"));
    // Also as a top-level element: delivered, not a restart.
    let o = ok(&stream("<stream:stream/><a/>"));
    assert!(matches!(&o.frames[1], Frame::Element(e) if e.name() == "stream"));
    assert_eq!(o.frames.len(), 3);
}

#[test]
fn namespaces_resolve_to_pairs() {
    let o = ok(&stream(
        "<iq xmlns:p='urn:p'><p:q p:a='1' a='2' xml:lang='en'><r xmlns='urn:d'/></p:q></iq>",
    ));
    let Frame::Element(e) = &o.frames[1] else {
        panic!()
    };
    assert!(e.is("jabber:client", "iq"));
    let q = e.get_child("urn:p", "q").unwrap();
    assert_eq!(q.attr_ns("urn:p", "a"), Some("1"));
    assert_eq!(q.attr("a"), Some("2"));
    assert_eq!(q.attr_ns(XML_NS, "lang"), Some("en"));
    assert!(q.get_child("urn:d", "r").is_some());
    // Undeclaring the default namespace.
    let o = ok(&stream("<a><b xmlns=''/></a>"));
    let Frame::Element(e) = &o.frames[1] else {
        panic!()
    };
    assert_eq!(e.children().next().unwrap().ns(), "");
}

#[test]
fn empty_stream_header() {
    let o = ok(b"<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>");
    assert_eq!(o.frames.len(), 2);
    assert_eq!(o.frames[1], Frame::StreamClose);
}

#[test]
fn element_delivered_at_its_end_tag() {
    let mut f = xmpp_xml::Framer::default();
    f.feed(stream("<a>x</a").as_bytes_ref());
    assert!(matches!(f.poll(), Some(Ok(Frame::StreamOpen(_)))));
    assert!(f.poll().is_none());
    f.feed(b">");
    assert!(matches!(f.poll(), Some(Ok(Frame::Element(_)))));
    assert!(f.poll().is_none());
}

trait AsBytesRef {
    fn as_bytes_ref(&self) -> &[u8];
}
impl AsBytesRef for Vec<u8> {
    fn as_bytes_ref(&self) -> &[u8] {
        self
    }
}

#[test]
fn unprocessed_bytes_after_a_frame() {
    let mut f = xmpp_xml::Framer::default();
    let mut v = stream("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    v.extend_from_slice(b"<iq>");
    assert_eq!(f.feed(&v), v.len());
    assert!(matches!(f.poll(), Some(Ok(Frame::StreamOpen(_)))));
    assert!(matches!(f.poll(), Some(Ok(Frame::Element(_)))));
    assert_eq!(f.unprocessed(), 4);
    f.reset();
    assert_eq!(f.unprocessed(), 0);
    f.feed(HEADER.as_bytes());
    assert!(matches!(f.poll(), Some(Ok(Frame::StreamOpen(_)))));
}

#[test]
fn reset_starts_a_new_document() {
    let mut f = xmpp_xml::Framer::default();
    f.feed(&stream("<a/>"));
    while f.poll().is_some() {}
    f.reset();
    let mut v = b"<?xml version='1.0'?>".to_vec();
    v.extend_from_slice(&stream("<b/>"));
    f.feed(&v);
    assert!(matches!(f.poll(), Some(Ok(Frame::StreamOpen(_)))));
    assert!(matches!(f.poll(), Some(Ok(Frame::Element(e))) if e.name() == "b"));
}

#[test]
fn input_buffer_is_bounded() {
    let mut limits = Limits::default();
    limits.input_buffer = 10;
    let mut f = xmpp_xml::Framer::new(limits);
    let v = stream(&"<a/>".repeat(10));
    // Parsed directly up to the first frame (the header), then 10 bytes buffered.
    let n = f.feed(&v);
    assert_eq!(n, HEADER.len() + 10);
    assert_eq!(f.unprocessed(), 10);
    assert_eq!(f.feed(&v[n..]), 0, "buffer full");
    assert!(matches!(f.poll(), Some(Ok(Frame::StreamOpen(_)))));
    assert!(matches!(f.poll(), Some(Ok(Frame::Element(_)))));
    assert!(f.unprocessed() <= 10);
    let mut rest = &v[n..];
    let mut elements = 1;
    loop {
        while let Some(r) = f.poll() {
            assert!(matches!(r, Ok(Frame::Element(_))));
            elements += 1;
        }
        if rest.is_empty() {
            break;
        }
        let k = f.feed(rest);
        assert!(f.unprocessed() <= 10);
        rest = &rest[k..];
    }
    assert_eq!(elements, 10);
}

// ---- prolog and declaration -----------------------------------------------------------

#[test]
fn declared_encoding_other_than_utf8() {
    let mut v = b"<?xml version='1.0' encoding='ISO-8859-1'?>".to_vec();
    v.extend_from_slice(&stream(""));
    fails(&v, Condition::UnsupportedEncoding);
}

#[test]
fn xml_version_other_than_1_0() {
    fails(b"<?xml version='1.1'?><a/>", Condition::NotWellFormed);
}

#[test]
fn byte_order_mark() {
    let mut v = b"\xEF\xBB\xBF".to_vec();
    v.extend_from_slice(&stream(""));
    fails(&v, Condition::NotWellFormed);
}

#[test]
fn declaration_not_at_start() {
    let mut v = b" <?xml version='1.0'?>".to_vec();
    v.extend_from_slice(&stream(""));
    fails(&v, Condition::RestrictedXml);
}

#[test]
fn declaration_after_header() {
    fails(&stream("<?xml version='1.0'?>"), Condition::RestrictedXml);
    fails(
        &stream("<a><?xml version='1.0'?></a>"),
        Condition::RestrictedXml,
    );
}

#[test]
fn processing_instructions() {
    fails(b"<?foo bar?><a/>", Condition::RestrictedXml);
    fails(b"<?xml-stylesheet href='x'?><a/>", Condition::RestrictedXml);
    fails(&stream("<a><?foo?></a>"), Condition::RestrictedXml);
    fails(&stream("<?foo?>"), Condition::RestrictedXml);
}

#[test]
fn doctype() {
    fails(b"<!DOCTYPE stream><a/>", Condition::RestrictedXml);
    fails(&stream("<a><!DOCTYPE a></a>"), Condition::RestrictedXml);
}

#[test]
fn comments() {
    fails(b"<!-- hi --><a/>", Condition::RestrictedXml);
    fails(&stream("<a><!-- hi --></a>"), Condition::RestrictedXml);
    fails(&stream("<!-- hi -->"), Condition::RestrictedXml);
}

#[test]
fn text_before_header() {
    fails(b"hello", Condition::NotWellFormed);
}

// ---- references -----------------------------------------------------------------------

#[test]
fn entity_references_beyond_the_five() {
    fails(&stream("<a>&nbsp;</a>"), Condition::RestrictedXml);
    fails(&stream("<a b='&foo;'/>"), Condition::RestrictedXml);
    fails(&stream("<a>&ltx;</a>"), Condition::RestrictedXml);
}

#[test]
fn malformed_references() {
    for r in [
        "&#0;",
        "&#xD800;",
        "&#xFFFE;",
        "&#x110000;",
        "&#99999999999;",
        "&#;",
        "&#x;",
        "& ",
        "&#12a;",
        "&lt",
        "&#X41;",
    ] {
        fails(&stream(&format!("<a>{r}</a>")), Condition::NotWellFormed);
    }
}

// ---- encoding and characters ----------------------------------------------------------

#[test]
fn invalid_utf8_everywhere() {
    let bad: [&[u8]; 8] = [
        b"\xC0\x80",         // overlong
        b"\xE0\x80\x80",     // overlong
        b"\xED\xA0\x80",     // surrogate
        b"\xF4\x90\x80\x80", // above U+10FFFF
        b"\xFF",             // never valid
        b"\x80",             // stray continuation
        b"\xE2\x82",         // truncated (followed by '<' or a quote)
        b"\xF8\x88\x80\x80\x80",
    ];
    for b in bad {
        for (pre, post) in [
            (&b"<a"[..], &b"/>"[..]),
            (b"<a x='", b"'/>"),
            (b"<a>", b"</a>"),
            (b"<a xmlns:p='u'><p:", b"/></a>"),
        ] {
            let mut body = pre.to_vec();
            body.extend_from_slice(b);
            body.extend_from_slice(post);
            fails(&stream_bytes(&body), Condition::UnsupportedEncoding);
        }
    }
    fails(b"<stream:str\xC3eam", Condition::UnsupportedEncoding);
}

#[test]
fn non_xml_characters() {
    fails(&stream("<a>\u{1}</a>"), Condition::NotWellFormed);
    fails(&stream("<a b='\u{0}'/>"), Condition::NotWellFormed);
    fails(&stream("<a>\u{FFFE}</a>"), Condition::NotWellFormed);
    fails(&stream("<a>x\u{FFFF}y</a>"), Condition::NotWellFormed);
    fails(&stream("\u{B}"), Condition::NotWellFormed);
}

#[test]
fn names() {
    for bad in [
        "<1a/>",
        "<a:b:c xmlns:a='u'/>",
        "<:a/>",
        "<a:/>",
        "<a b:='1'/>",
        "<a -b='1'/>",
        "<a\u{37E}/>",
        "<a:1b xmlns:a='u'/>",
        "< a/>",
    ] {
        fails(&stream(bad), Condition::NotWellFormed);
    }
    ok(&stream("<\u{E9}l\u{E9}ment/><a.b-c_d\u{B7}/>"));
}

#[test]
fn cdata_end_in_text() {
    fails(&stream("<a>x]]>y</a>"), Condition::NotWellFormed);
    fails(&stream("<a>]]]></a>"), Condition::NotWellFormed);
    ok(&stream("<a>]] ]>]&gt;</a>"));
}

// ---- structure ------------------------------------------------------------------------

#[test]
fn mismatched_end_tags() {
    fails(&stream("<a></b>"), Condition::NotWellFormed);
    fails(&stream("<a></ab>"), Condition::NotWellFormed);
    fails(&stream("<ab></a>"), Condition::NotWellFormed);
    // Same namespace through another prefix is still a different name.
    fails(
        &stream("<p:a xmlns:p='u' xmlns:q='u'></q:a>"),
        Condition::NotWellFormed,
    );
    fails(&stream("</stream:foo>"), Condition::NotWellFormed);
}

#[test]
fn attribute_syntax() {
    for bad in [
        "<a b='1'c='2'/>",
        "<a b=1/>",
        "<a b/>",
        "<a b='<'/>",
        "<a b='1' / >",
        "<a/ >",
        "<a b=='1'/>",
    ] {
        fails(&stream(bad), Condition::NotWellFormed);
    }
    ok(&stream("<a b = \"1\"\n c='\"'/>"));
}

#[test]
fn duplicate_attributes() {
    fails(&stream("<a b='1' b='2'/>"), Condition::NotWellFormed);
    fails(
        &stream("<a xmlns:p='u' xmlns:q='u' p:b='1' q:b='2'/>"),
        Condition::NotWellFormed,
    );
    fails(
        &stream("<a xmlns:p='u' xmlns:p='u'/>"),
        Condition::NotWellFormed,
    );
    fails(
        &stream("<a xmlns='u' xmlns='u'/>"),
        Condition::NotWellFormed,
    );
    // Same local name, different namespaces: fine.
    ok(&stream("<a xmlns:p='u' b='1' p:b='2'/>"));
    // Distinct one-letter names that the element parser's quick check cannot tell
    // apart (its hash of the first and last bytes and the length collides), so it
    // compares every pair.
    ok(&stream("<a c='1' e='2' g='3'/>"));
    fails(&stream("<a c='1' e='2' c='3'/>"), Condition::NotWellFormed);
}

#[test]
fn duplicate_attributes_among_many() {
    // Names that share length and first byte are told apart, whatever their number.
    for n in [2usize, 15, 16, 17, 40] {
        let names: Vec<String> = (0..n).map(|i| format!("a{i:02}")).collect();
        let attrs: String = names.iter().map(|a| format!(" {a}='1'")).collect();
        ok(&stream(&format!("<e{attrs}/>")));
        for at in [0, n / 2, n - 1] {
            let dup = format!("<e{attrs} {}='2'/>", names[at]);
            fails(&stream(&dup), Condition::NotWellFormed);
            let dup = format!(
                "<e xmlns:p='u' xmlns:q='u'{attrs} p:{0}='2' q:{0}='3'/>",
                names[at]
            );
            fails(&stream(&dup), Condition::NotWellFormed);
        }
    }
    // On the stream header too, where other attribute errors are invalid-namespace.
    fails(
        b"<stream:stream xmlns:stream='http://etherx.jabber.org/streams' to='a' to='b'>",
        Condition::NotWellFormed,
    );
}

#[test]
fn undeclared_prefixes() {
    fails(&stream("<p:a/>"), Condition::NotWellFormed);
    fails(&stream("<a p:b='1'/>"), Condition::NotWellFormed);
    fails(&stream("<a xmlns:p='u'/><p:b/>"), Condition::NotWellFormed);
    fails(b"<stream:stream>", Condition::InvalidNamespace);
    fails(
        b"<stream:stream xmlns:stream='http://etherx.jabber.org/streams' x:y='1'>",
        Condition::InvalidNamespace,
    );
}

#[test]
fn wrong_stream_element() {
    fails(
        b"<stream:stream xmlns:stream='http://etherx.jabber.org/streamz'>",
        Condition::InvalidNamespace,
    );
    fails(
        b"<stream:foo xmlns:stream='http://etherx.jabber.org/streams'>",
        Condition::InvalidNamespace,
    );
    fails(
        b"<stream xmlns='jabber:client'>",
        Condition::InvalidNamespace,
    );
}

#[test]
fn namespace_declaration_rules() {
    for bad in [
        "<a xmlns:p=''/>",
        "<a xmlns:xml='urn:x'/>",
        "<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>",
        "<a xmlns='http://www.w3.org/2000/xmlns/'/>",
        "<a xmlns:xmlns='urn:x'/>",
        "<xmlns:a/>",
        "<a xmlns='urn:&#9;x'/>",
        "<a xmlns='urn: x'/>",
        "<a xmlns='urn:\tx'/>",
        "<a xmlns:p='urn:&#x85;'/>",
        "<a xmlns='urn:\u{7F}x'/>",
        "<a xmlns:p='urn:x\u{85}'/>",
    ] {
        fails(&stream(bad), Condition::NotWellFormed);
    }
    ok(&stream(
        "<a xmlns:xml='http://www.w3.org/XML/1998/namespace'/>",
    ));
    ok(&stream("<a xmlns='urn:caf\u{E9}:\u{1F600}'/>"));
    fails(
        b"<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='a b'>",
        Condition::InvalidNamespace,
    );
}

#[test]
fn text_between_stanzas() {
    fails(&stream("<a/>x"), Condition::BadFormat);
    fails(&stream("&amp;"), Condition::BadFormat);
    fails(&stream("<![CDATA[x]]>"), Condition::BadFormat);
    ok(&stream(" &#32;<![CDATA[\n]]>\t<a/>"));
}

#[test]
fn data_after_close() {
    fails(&stream("</stream:stream><a/>"), Condition::NotWellFormed);
    ok(&stream("</stream:stream> \n"));
}

#[test]
fn error_offsets_point_at_the_offending_byte() {
    let v = stream("<a>\u{1}</a>");
    assert_eq!(fails(&v, Condition::NotWellFormed), HEADER.len() as u64 + 3);
    let v = stream_bytes(b"<a>xy\xFF</a>");
    assert_eq!(
        fails(&v, Condition::UnsupportedEncoding),
        HEADER.len() as u64 + 5
    );
}

// ---- limits ---------------------------------------------------------------------------

fn tiny() -> Limits {
    let mut l = Limits::default();
    l.max_element_bytes = 200;
    l.max_depth = 3;
    l.max_attributes = 4;
    l.max_children = 3;
    l.max_text_bytes = 10;
    l.max_name_bytes = 13;
    l.max_namespace_decls = 4;
    l
}

#[test]
fn limits() {
    let p = Condition::PolicyViolation;
    let l = tiny();
    fails_with(&stream(&format!("<a b='{}'/>", "x".repeat(200))), p, l);
    fails_with(&stream(&format!("<a>{}</a>", "<b/>".repeat(60))), p, l);
    fails_with(&stream("<a><b><c><d/></c></b></a>"), p, l);
    fails_with(&stream("<a b='1' c='2' d='3' e='4' f='5'/>"), p, l);
    fails_with(&stream("<a><b/><b/><b/><b/></a>"), p, l);
    fails_with(&stream("<a>12345678901</a>"), p, l);
    fails_with(
        &stream("<a>12345<b/>678901</a>"),
        Condition::PolicyViolation,
        {
            let mut l = l;
            l.max_text_bytes = 10;
            l
        },
    );
    fails_with(&stream("<abcdefghijklmn/>"), p, l);
    fails_with(&stream("<a abcdefghijklmn='1'/>"), p, l);
    fails_with(&stream("<a xmlns:a='1' xmlns:b='2' xmlns:c='3'/>"), p, l);
    // Within the limits.
    let o = run_all_splits(&stream("<a><b><c/></b><d>1234567890</d></a>"), l);
    assert!(o.error.is_none(), "{:?}", o.error);
    // The stream header counts against the element size limit too.
    let mut l2 = l;
    l2.max_element_bytes = 50;
    let off = fails_with(&stream(""), p, l2);
    assert_eq!(off, 50);
}

#[test]
fn memory_is_charged_against_the_element_limit() {
    // Tiny children cost far more node memory than input bytes: the element limit
    // bounds what the tree holds (plus 2 KiB of slack), not just the bytes read. The
    // point where it runs out is the same whatever the split.
    let mut l = Limits::default();
    l.max_element_bytes = 1000;
    let p = Condition::PolicyViolation;
    let input = stream(&format!("<a>{}</a>", "<b/>".repeat(200)));
    let off = fails_with(&input, p, l);
    assert!(off < (HEADER.len() + 800) as u64, "{off}");
    let e = run(&input, l).error.unwrap();
    assert_eq!(e.reason(), "element exceeds the memory limit");
    // Prefixed children each resolving to a long namespace name.
    let uri = format!("urn:{}", "u".repeat(300));
    let input = stream(&format!("<a xmlns:p='{uri}'>{}</a>", "<p:b/>".repeat(40)));
    fails_with(&input, p, l);
    // Elements of the same shape but within the budget are accepted.
    let o = run_all_splits(&stream(&format!("<a>{}</a>", "<b/>".repeat(20))), l);
    assert!(o.error.is_none(), "{:?}", o.error);
}

#[test]
fn pre_auth_limits_are_tighter() {
    let d = Limits::default();
    let p = Limits::pre_auth();
    assert!(p.max_element_bytes < d.max_element_bytes);
    assert!(p.max_children < d.max_children);
    assert!(p.max_depth < d.max_depth);
    let big = stream(&format!("<a>{}</a>", "x".repeat(20_000)));
    assert!(run(&big, d).error.is_none());
    assert_eq!(
        run(&big, p).error.unwrap().condition(),
        Condition::PolicyViolation
    );
}

#[test]
fn errors_are_final_even_across_reset() {
    let mut f = xmpp_xml::Framer::default();
    f.feed(&stream("<a>\u{1}</a>"));
    assert!(matches!(f.poll(), Some(Ok(Frame::StreamOpen(_)))));
    let e = f.poll().unwrap().unwrap_err();
    assert_eq!(e.condition(), Condition::NotWellFormed);
    assert!(f.poll().is_none());
    f.reset();
    assert_eq!(f.feed(HEADER.as_bytes()), 0);
    assert!(f.poll().is_none());
    assert_eq!(f.error(), Some(&e));
}

#[test]
fn set_limits_applies_to_the_next_bytes() {
    let mut f = xmpp_xml::Framer::new(Limits::pre_auth());
    f.feed(&stream("<a/>"));
    while let Some(r) = f.poll() {
        r.unwrap();
    }
    f.set_limits(Limits::default());
    let big = format!("<a>{}</a>", "x".repeat(20_000));
    let mut rest = big.as_bytes();
    let mut got = 0;
    while !rest.is_empty() {
        let n = f.feed(rest);
        rest = &rest[n..];
        while let Some(r) = f.poll() {
            r.unwrap();
            got += 1;
        }
    }
    assert_eq!(got, 1);
}

/// The shapes of start tag that take a shortcut (unprefixed names, at most one default
/// namespace declaration) and their neighbours: namespaces, attributes and errors as the
/// rules say (the unit tests of `parser/shortcuts.rs` compare them with the general
/// path).
#[test]
fn nested_start_tag_shortcuts_agree_with_the_general_path() {
    let el = |body: &str| match &ok(&stream(body)).frames[1] {
        Frame::Element(e) => e.clone(),
        f => panic!("{f:?}"),
    };
    let e = el("<m><b x='1' y='2'>t</b><c/><d xmlns='urn:a' v='1'><i a='b'><j/></i></d></m>");
    let b = e.get_child("jabber:client", "b").unwrap();
    assert_eq!(
        (b.attr("x"), b.attr("y"), b.text().as_ref()),
        (Some("1"), Some("2"), "t")
    );
    assert!(e.get_child("jabber:client", "c").is_some());
    let d = e.get_child("urn:a", "d").unwrap();
    assert_eq!(d.attr("v"), Some("1"));
    assert_eq!(d.attrs().count(), 1, "the declaration is not an attribute");
    let i = d.get_child("urn:a", "i").unwrap();
    assert_eq!(i.attr("a"), Some("b"));
    assert!(i.get_child("urn:a", "j").is_some());
    // Same namespace as the parent, empty default namespace, prefixed parent.
    let e = el("<m><q xmlns='jabber:client'><i/></q><r xmlns=''><i/></r></m>");
    let q = e.get_child("jabber:client", "q").unwrap();
    assert!(q.get_child("jabber:client", "i").is_some());
    assert!(e.get_child("", "r").unwrap().get_child("", "i").is_some());
    let e = el("<m xmlns:p='urn:p'><p:a><b/></p:a><c xmlns='urn:c' xmlns:p='urn:q'><p:d/></c></m>");
    assert!(
        e.get_child("urn:p", "a")
            .unwrap()
            .get_child("jabber:client", "b")
            .is_some()
    );
    let c = e.get_child("urn:c", "c").unwrap();
    assert!(c.get_child("urn:q", "d").is_some());
    // Errors, in the order the general path finds them.
    let nwf = Condition::NotWellFormed;
    fails(&stream("<m><b x='1' y='2' x='3'/></m>"), nwf);
    fails(&stream("<m><d xmlns='urn:a' v='1' v='2'/></m>"), nwf);
    fails(&stream("<m><d xmlns='urn:a' xmlns='urn:b'/></m>"), nwf);
    fails(&stream("<m><d xmlns='urn:a b'/></m>"), nwf);
    fails(&stream(&format!("<m><d xmlns='{XML_NS}'/></m>")), nwf);
    fails(
        &stream("<m><d xmlns='http://www.w3.org/2000/xmlns/'/></m>"),
        nwf,
    );
    let mut few = Limits::default();
    few.max_namespace_decls = 2;
    fails_with(
        &stream("<m><d xmlns='urn:a'/></m>"),
        Condition::PolicyViolation,
        few,
    );
}
