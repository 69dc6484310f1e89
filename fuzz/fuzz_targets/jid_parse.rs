//! Fuzz target for `xmpp_jid::Jid` parsing: no input panics; when parsing succeeds, the
//! displayed JID parses again to an equal JID and is already in normal form.

#![no_main]

use libfuzzer_sys::fuzz_target;
use xmpp_jid::{BareJid, FullJid, Jid};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let Ok(jid) = input.parse::<Jid>() else {
        return;
    };
    let shown = jid.to_string();
    let again = Jid::new(&shown).expect("the normal form of a JID parses");
    assert_eq!(again, jid);
    assert_eq!(again.as_str(), shown, "the normal form is a fixed point");
    assert_eq!(again.localpart(), jid.localpart());
    assert_eq!(again.domainpart(), jid.domainpart());
    assert_eq!(again.resourcepart(), jid.resourcepart());
    let rebuilt = Jid::from_parts(jid.localpart(), jid.domainpart(), jid.resourcepart())
        .expect("the parts of a JID are valid parts");
    assert_eq!(rebuilt, jid);
    assert_eq!(BareJid::new(&shown).is_ok(), jid.is_bare());
    assert_eq!(FullJid::new(&shown).is_ok(), jid.is_full());
    let _ = xmpp_jid::escape(&input);
    let _ = xmpp_jid::unescape(&input);
});
