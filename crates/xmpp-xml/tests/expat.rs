//! Differential test against Expat (Python's `pyexpat`): on a generated corpus of
//! standalone documents, whatever both parsers accept must give equal trees, and
//! whatever only Expat accepts must be one of our intended, documented differences
//! (ours is stricter by design):
//!
//! * comments, processing instructions and DOCTYPE (RFC 6120 §11.1: `restricted-xml`);
//! * undeclared entity references (Expat accepts some without a DTD only in limited
//!   cases; we refuse every entity beyond the five predefined ones: `restricted-xml`);
//! * namespace names containing whitespace or control characters (we refuse them;
//!   Expat does not check namespace names);
//! * character data or CDATA next to the root (only in streams: not produced here).
//!
//! The test is skipped, with a note, when `python3` with `pyexpat` is not available.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use xmpp_xml::{Condition, Element, NodeRef};

const SCRIPT: &str = r#"
import sys, json, xml.parsers.expat
out = []
for line in sys.stdin:
    data = bytes.fromhex(line.strip())
    p = xml.parsers.expat.ParserCreate(namespace_separator='\x01')
    p.buffer_text = True
    p.ordered_attributes = False
    root = [None]
    stack = []
    def name(n):
        if '\x01' in n:
            ns, local = n.split('\x01', 1)
            return [ns, local]
        return ['', n]
    def start(n, attrs):
        node = {'name': name(n), 'attrs': sorted([name(k) + [v] for k, v in attrs.items()]), 'children': []}
        if stack:
            stack[-1]['children'].append(node)
        else:
            root[0] = node
        stack.append(node)
    def end(n):
        stack.pop()
    def text(t):
        if not stack:
            return
        ch = stack[-1]['children']
        if ch and isinstance(ch[-1], str):
            ch[-1] += t
        else:
            ch.append(t)
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    try:
        p.Parse(data, True)
        out.append({'ok': root[0]})
    except Exception as e:
        out.append({'err': str(e)})
for o in out:
    print(json.dumps(o))
"#;

fn tree(e: xmpp_xml::ElementRef<'_>) -> Value {
    let mut attrs: Vec<Value> = e.attrs().map(|a| json!([a.ns, a.name, a.value])).collect();
    attrs.sort_by_key(|v| v.to_string());
    let mut children = Vec::new();
    for n in e.nodes() {
        match n {
            NodeRef::Element(c) => children.push(tree(c)),
            NodeRef::Text(t) => children.push(Value::from(t)),
        }
    }
    json!({ "name": [e.ns(), e.name()], "attrs": attrs, "children": children })
}

/// Sorted attributes on the Python side are sorted lists; sort ours the same way.
fn normalise(v: &mut Value) {
    if let Some(obj) = v.as_object_mut() {
        if let Some(Value::Array(a)) = obj.get_mut("attrs") {
            a.sort_by_key(|x| x.to_string());
        }
        if let Some(Value::Array(c)) = obj.get_mut("children") {
            for x in c {
                normalise(x);
            }
        }
    }
}

const PIECES: &[&str] = &[
    "<a>",
    "</a>",
    "<b x='1'>",
    "</b>",
    "<c/>",
    "<p:d xmlns:p='urn:p' p:z='&amp;v'/>",
    "<q:e xmlns:q='urn:q'>",
    "</q:e>",
    "text",
    " ",
    "\r\n",
    "\t",
    "&lt;",
    "&#x41;",
    "&#66;",
    "&bogus;",
    "<![CDATA[x<y]]>",
    "]]>",
    "]",
    "\u{E9}",
    "\u{1F600}",
    "<!-- c -->",
    "<?pi x?>",
    "<e xmlns='urn:x'>",
    "</e>",
    "<f a='1' a='2'/>",
    "<g xmlns:r='urn:g' xmlns:s='urn:g' r:k='1' s:k='2'/>",
    "<h xmlns='urn: space'/>",
    "<i xmlns:t=''/>",
    "<j a='x\ty'/>",
    "<k a='&#9;'/>",
    "<u:l/>",
    "\u{1}",
    "&#0;",
    "<m xml:lang='en'/>",
    "<n xmlns:xml='urn:bad'/>",
    "'",
    "<",
    ">",
];

fn corpus() -> Vec<Vec<u8>> {
    let mut r = 0x1234_5678_9abc_def0u64;
    let mut next = |n: usize| {
        r = r
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((r >> 33) as usize) % n
    };
    let mut docs = Vec::new();
    for i in 0..3000 {
        let mut d = String::from("<root xmlns='jabber:client'>");
        let count = 1 + next(8);
        for _ in 0..count {
            // Bias towards balanced, valid content so both parsers accept often.
            match next(4) {
                0 => d.push_str(PIECES[next(PIECES.len())]),
                1 => d.push_str("<b x='1'>text &amp; more</b>"),
                2 => d.push_str("<q:e xmlns:q='urn:q' q:a='v'><a>\u{E9}</a></q:e>"),
                _ => d.push_str(PIECES[[4, 5, 8, 9, 10, 12, 13, 16, 19, 20, 34][next(11)]]),
            }
        }
        d.push_str("</root>");
        if i % 10 == 0 {
            d.push('\n');
        }
        docs.push(d.into_bytes());
    }
    docs
}

#[test]
fn differential_against_expat() {
    let Ok(mut child) = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    else {
        skip("python3 not found");
        return;
    };
    let docs = corpus();
    let mut input = String::new();
    for d in &docs {
        for b in d {
            input.push_str(&format!("{b:02x}"));
        }
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().expect("python3 runs");
    writer.join().expect("writer thread");
    if !out.status.success() {
        skip("python3 with pyexpat unavailable");
        return;
    }
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), docs.len());
    let (mut both, mut neither, mut only_expat) = (0, 0, 0);
    let mut differences = std::collections::BTreeMap::new();
    for (doc, expat) in docs.iter().zip(&lines) {
        let ours = Element::parse(doc);
        match (ours, expat.get("ok")) {
            (Ok(e), Some(theirs)) => {
                both += 1;
                let mut mine = tree(e.as_ref());
                normalise(&mut mine);
                let mut theirs = theirs.clone();
                normalise(&mut theirs);
                assert_eq!(
                    mine,
                    theirs,
                    "trees differ on {}",
                    String::from_utf8_lossy(doc)
                );
            }
            (Err(_), None) => neither += 1,
            (Ok(_), None) => {
                panic!(
                    "we accept what Expat rejects ({}): {}",
                    expat["err"],
                    String::from_utf8_lossy(doc)
                );
            }
            (Err(e), Some(_)) => {
                only_expat += 1;
                let intended = matches!(e.condition(), Condition::RestrictedXml)
                    || e.reason().contains("namespace name contains whitespace");
                assert!(
                    intended,
                    "unintended difference: we say {e}, Expat accepts {}",
                    String::from_utf8_lossy(doc)
                );
                *differences.entry(e.reason()).or_insert(0) += 1;
            }
        }
    }
    println!(
        "expat differential: both accept {both}, both reject {neither}, only Expat accepts \
         {only_expat} (intended: {differences:?}), only we accept 0"
    );
    assert!(both > 300, "the corpus should mostly be accepted by both");
}

/// Reports a skipped differential test; CI sets `XMPP_REQUIRE_EXTERNAL_PEERS` so that a
/// missing Expat fails the run instead of passing it silently.
fn skip(why: &str) {
    assert!(
        std::env::var_os("XMPP_REQUIRE_EXTERNAL_PEERS").is_none(),
        "the Expat differential test cannot run: {why}"
    );
    println!("NOTE: {why}; Expat differential test skipped");
}
