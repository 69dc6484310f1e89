//! XEP-0106 (JID Escaping): the examples of the XEP, as escape / unescape pairs and as
//! JIDs.

use xmpp_jid::{BareJid, Error, Jid, escape, unescape};

/// (unescaped localpart, escaped localpart), from the XEP's examples table and its
/// backslash rules.
const EXAMPLES: &[(&str, &str)] = &[
    ("space cadet", "space\\20cadet"),
    ("call me \"ishmael\"", "call\\20me\\20\\22ishmael\\22"),
    ("at&t guy", "at\\26t\\20guy"),
    ("d'artagnan", "d\\27artagnan"),
    ("/.fanboy", "\\2f.fanboy"),
    ("::foo::", "\\3a\\3afoo\\3a\\3a"),
    ("<foo>", "\\3cfoo\\3e"),
    ("user@host", "user\\40host"),
    ("c:\\net", "c\\3a\\net"),
    ("c:\\\\net", "c\\3a\\\\net"),
    ("c:\\cool stuff", "c\\3a\\cool\\20stuff"),
    ("c:\\5commas", "c\\3a\\5c5commas"),
    ("\\3and\\2is\\5cool", "\\5c3and\\2is\\5c5cool"),
    ("call me\\20", "call\\20me\\5c20"),
    ("\\5c", "\\5c5c"),
    ("foo\\bar", "foo\\bar"),
    ("foo\\41r", "foo\\41r"),
];

#[test]
fn escape_examples() {
    for &(raw, escaped) in EXAMPLES {
        assert_eq!(escape(raw).as_deref(), Ok(escaped), "escape({raw:?})");
    }
}

#[test]
fn unescape_examples() {
    for &(raw, escaped) in EXAMPLES {
        assert_eq!(unescape(escaped), raw, "unescape({escaped:?})");
    }
}

#[test]
fn escaped_localparts_are_valid_jids() {
    for &(raw, escaped) in EXAMPLES {
        let jid = BareJid::from_parts(Some(&escape(raw).expect("escapable")), "example.com")
            .unwrap_or_else(|e| panic!("{escaped}: {e}"));
        assert_eq!(jid.localpart(), Some(escaped));
        assert_eq!(jid.unescaped_localpart().as_deref(), Some(raw));
        let parsed = Jid::new(&format!("{escaped}@example.com")).expect("valid");
        assert_eq!(parsed, jid);
    }
}

#[test]
fn leading_and_trailing_spaces_are_not_escaped() {
    assert_eq!(escape(" cadet"), Err(Error::EscapedSpaceAtEdge));
    assert_eq!(escape("cadet "), Err(Error::EscapedSpaceAtEdge));
    assert_eq!(escape(" "), Err(Error::EscapedSpaceAtEdge));
}

#[test]
fn lone_backslashes() {
    for s in [
        "\\",
        "a\\",
        "\\2",
        "a\\5",
        "\\\\",
        "\\g0",
        "\\2\u{e9}",
        "\\5C",
    ] {
        assert_eq!(unescape(s), s);
        assert!(escape(s).is_ok());
    }
    assert_eq!(escape("a\\").as_deref(), Ok("a\\"));
}
