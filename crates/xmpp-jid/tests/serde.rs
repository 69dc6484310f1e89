//! The `serde` feature: serialise the normalised string, validate on deserialise.

use xmpp_jid::{BareJid, FullJid, Jid};

#[test]
fn round_trip() {
    let jid = Jid::new("Juliet@Example.com/Balcony").expect("valid");
    let json = serde_json::to_string(&jid).expect("serialise");
    assert_eq!(json, "\"juliet@example.com/Balcony\"");
    let back: Jid = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, jid);
    // Deserialising normalises.
    let full: FullJid = serde_json::from_str("\"ROMEO@example.net/x\"").expect("valid");
    assert_eq!(full.as_str(), "romeo@example.net/x");
}

#[test]
fn rejects_invalid() {
    let err = serde_json::from_str::<Jid>("\"@example.com\"").expect_err("invalid");
    assert!(err.to_string().contains("localpart: empty"), "{err}");
    assert!(serde_json::from_str::<BareJid>("\"a@b/c\"").is_err());
    assert!(serde_json::from_str::<FullJid>("\"a@b\"").is_err());
    assert!(serde_json::from_str::<Jid>("42").is_err());
}
