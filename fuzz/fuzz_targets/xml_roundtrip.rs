//! Fuzz parse -> write -> parse: whatever `Element::parse` accepts, the writer must
//! serialise to bytes that parse back to an equal element, and writing is a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmpp_xml::Element;

fuzz_target!(|data: &[u8]| {
    let Ok(e) = Element::parse(data) else {
        return;
    };
    let first = e.to_string();
    let back = match Element::parse(first.as_bytes()) {
        Ok(b) => b,
        Err(err) => panic!("writer output rejected: {err}: {first}"),
    };
    assert_eq!(back, e);
    assert_eq!(back.to_string(), first);
});
