//! Property tests: no input panics; parse -> display -> parse is the identity; a parsed
//! JID is already normal; the parts rebuild the JID.

use proptest::prelude::*;
use xmpp_jid::{BareJid, FullJid, Jid};

/// Strings shaped like JIDs, with characters that exercise every rule: case, width,
/// final sigma, separators (also full-width and ideographic), A-labels, IP literals,
/// bidi, joiners, spaces and controls.
fn jidlike() -> impl Strategy<Value = String> {
    let local = "[a-zA-Z0-9ßΣσςéÉＡａ\\\\'\" ._\u{200d}\u{5d0}-]{0,8}";
    let domain = prop_oneof![
        "[a-zA-Z0-9éÉüÜ．。.\u{5d0}\u{627}-]{0,16}",
        Just(String::from("xn--bcher-kva.example")),
        Just(String::from("XN--TDA.com.")),
        Just(String::from("[2001:DB8::1]")),
        Just(String::from("192.0.2.1")),
        Just(String::from("１２７．０．０．１")),
    ];
    let resource = "[a-zA-Z0-9 ßΣé@/\u{3000}\u{a0}♚\u{1}]{0,8}";
    (
        proptest::option::of(local),
        domain,
        proptest::option::of(resource),
    )
        .prop_map(|(l, d, r)| {
            let mut s = String::new();
            if let Some(l) = l {
                s.push_str(&l);
                s.push('@');
            }
            s.push_str(&d);
            if let Some(r) = r {
                s.push('/');
                s.push_str(&r);
            }
            s
        })
}

fn check(s: &str) -> Result<(), TestCaseError> {
    let Ok(jid) = Jid::new(s) else {
        return Ok(());
    };
    let text = jid.to_string();
    prop_assert_eq!(&text, jid.as_str());
    // Already normal: parsing the normal form gives the same string and parts.
    let again = Jid::new(&text);
    prop_assert_eq!(again.as_ref(), Ok(&jid));
    let again = again.expect("checked");
    prop_assert_eq!(again.localpart(), jid.localpart());
    prop_assert_eq!(again.domainpart(), jid.domainpart());
    prop_assert_eq!(again.resourcepart(), jid.resourcepart());
    // From a String too.
    let from_string = Jid::try_from(text.clone());
    prop_assert_eq!(from_string.as_ref(), Ok(&jid));
    // The parts rebuild it.
    let rebuilt = Jid::from_parts(jid.localpart(), jid.domainpart(), jid.resourcepart());
    prop_assert_eq!(rebuilt.as_ref(), Ok(&jid));
    // Bare / full views agree.
    let bare = jid.to_bare();
    prop_assert_eq!(bare.as_str(), jid.bare_str());
    prop_assert_eq!(BareJid::new(&text).is_ok(), jid.is_bare());
    prop_assert_eq!(FullJid::new(&text).is_ok(), jid.is_full());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_string(s in "\\PC{0,48}") {
        check(&s)?;
    }

    #[test]
    fn any_chars_including_controls(s in proptest::collection::vec(any::<char>(), 0..32)) {
        let s: String = s.into_iter().collect();
        check(&s)?;
    }

    #[test]
    fn jid_shaped(s in jidlike()) {
        check(&s)?;
    }
}
