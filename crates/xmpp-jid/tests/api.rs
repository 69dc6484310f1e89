//! The public API: conversions, comparison, hashing, borrowing, parts and errors.

use std::collections::{BTreeSet, HashMap, HashSet};

use xmpp_jid::{BareJid, Error, FullJid, IpError, Jid, Part};

fn jid(s: &str) -> Jid {
    Jid::new(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

#[test]
fn variants_compare_equal() {
    let base = jid("juliet@example.com/Balcony");
    for s in [
        "Juliet@Example.com/Balcony",
        "JULIET@EXAMPLE.COM/Balcony",
        "juliet@example.com./Balcony",
        "ｊｕｌｉｅｔ@example.com/Balcony",
        "juliet@ＥＸＡＭＰＬＥ.com/Balcony",
        "juliet@example。com/Balcony",
    ] {
        assert_eq!(jid(s), base, "{s}");
    }
    // The resourcepart keeps its case (OpaqueString).
    assert_ne!(jid("juliet@example.com/balcony"), base);
    // A-labels and U-labels.
    assert_eq!(jid("xn--bcher-kva.example"), jid("BÜCHER.example"));
    assert_eq!(jid("xn--bcher-kva.example").domainpart(), "bücher.example");
    // IPv6 spellings.
    assert_eq!(jid("a@[2001:DB8:0:0::1]"), jid("a@[2001:db8::1]"));
    // Full-width IPv4.
    assert_eq!(jid("a@１２７．０．０．１").domainpart(), "127.0.0.1");
}

#[test]
fn parts() {
    let j = jid("a@b/c");
    assert_eq!(
        (j.localpart(), j.domainpart(), j.resourcepart()),
        (Some("a"), "b", Some("c"))
    );
    assert_eq!(j.bare_str(), "a@b");
    assert!(j.is_full() && !j.is_bare());
    let j = jid("b");
    assert_eq!(
        (j.localpart(), j.domainpart(), j.resourcepart()),
        (None, "b", None)
    );
    assert_eq!(j.bare_str(), "b");
    let j = jid("b/c/d@e");
    assert_eq!(
        (j.localpart(), j.domainpart(), j.resourcepart()),
        (None, "b", Some("c/d@e"))
    );
}

#[test]
fn conversions() {
    let full = FullJid::new("a@b/c").expect("full");
    let bare = BareJid::new("a@b").expect("bare");
    let j: Jid = full.clone().into();
    assert!(j.is_full());
    assert_eq!(FullJid::try_from(j.clone()).as_ref(), Ok(&full));
    assert_eq!(BareJid::try_from(j.clone()), Err(Error::NotBare));
    let jb: Jid = bare.clone().into();
    assert_eq!(FullJid::try_from(jb.clone()), Err(Error::NotFull));
    assert_eq!(BareJid::try_from(jb).as_ref(), Ok(&bare));
    assert_eq!(full.to_bare(), bare);
    assert_eq!(j.to_bare(), bare);
    assert_eq!(j.clone().into_bare(), bare);
    assert_eq!(bare.with_resource("c").as_ref(), Ok(&full));
    assert_eq!(
        full.with_resource("d").map(String::from).as_deref(),
        Ok("a@b/d")
    );
    assert_eq!(
        j.with_resource("x\u{a0}y").map(String::from).as_deref(),
        Ok("a@b/x y")
    );
    assert_eq!(
        bare.with_resource("").map(|_| ()),
        Err(Error::Empty(Part::Resourcepart))
    );
    assert_eq!(full, j);
    assert_eq!(j, full);
    assert_eq!(bare.as_jid().as_str(), "a@b");
    assert_eq!(FullJid::new("a@b").map(|_| ()), Err(Error::NotFull));
    assert_eq!(BareJid::new("a@b/c").map(|_| ()), Err(Error::NotBare));

    // TryFrom &str / String, FromStr, Display, into String.
    assert_eq!(Jid::try_from("A@B"), Ok(jid("a@b")));
    assert_eq!(Jid::try_from(String::from("A@B")), Ok(jid("a@b")));
    assert_eq!("A@B/c".parse::<FullJid>().as_ref(), Ok(&full));
    assert_eq!(BareJid::try_from(String::from("a@b")).as_ref(), Ok(&bare));
    assert_eq!(FullJid::try_from("a@b/c").as_ref(), Ok(&full));
    assert_eq!(full.to_string(), "a@b/c");
    assert_eq!(format!("{full:?}"), "FullJid(\"a@b/c\")");
    assert_eq!(String::from(bare), "a@b");

    // from_parts.
    assert_eq!(
        Jid::from_parts(Some("A"), "B", Some("c/d"))
            .map(String::from)
            .as_deref(),
        Ok("a@b/c/d")
    );
    assert_eq!(
        Jid::from_parts(Some("a@x"), "b", None),
        Err(Error::Disallowed {
            part: Part::Localpart,
            position: 1,
            ch: '@'
        })
    );
    assert!(Jid::from_parts(None, "b/c", None).is_err());
    assert_eq!(
        FullJid::from_parts(None, "b", "r")
            .map(String::from)
            .as_deref(),
        Ok("b/r")
    );
}

#[test]
fn hashing_and_borrowing() {
    let mut map: HashMap<Jid, u32> = HashMap::new();
    map.insert(jid("Juliet@Example.com"), 1);
    assert_eq!(map.get("juliet@example.com"), Some(&1));
    assert_eq!(map.get(&jid("JULIET@example.com")), Some(&1));

    let mut set: HashSet<FullJid> = HashSet::new();
    set.insert(FullJid::new("a@b/c").expect("full"));
    assert!(set.contains("a@b/c"));
    assert!(set.contains(&jid("a@b/c")));

    let ordered: BTreeSet<Jid> = ["c@x", "a@x", "B@x"].into_iter().map(jid).collect();
    let names: Vec<&str> = ordered.iter().map(Jid::as_str).collect();
    assert_eq!(names, ["a@x", "b@x", "c@x"]);
}

#[test]
fn errors_name_the_part() {
    let cases: &[(&str, Error)] = &[
        ("", Error::Empty(Part::Domainpart)),
        ("@example.com", Error::Empty(Part::Localpart)),
        ("example.com/", Error::Empty(Part::Resourcepart)),
        ("a@example..com", Error::EmptyLabel { label: 2 }),
        ("a@.", Error::Empty(Part::Domainpart)),
        (
            "a@exa mple.com",
            Error::Disallowed {
                part: Part::Domainpart,
                position: 5,
                ch: ' ',
            },
        ),
        (
            "x@b@c",
            Error::Disallowed {
                part: Part::Localpart,
                position: 1,
                ch: '@',
            },
        ),
        (
            "a:b@c",
            Error::Disallowed {
                part: Part::Localpart,
                position: 1,
                ch: ':',
            },
        ),
        (
            "ａ＂@c",
            Error::Disallowed {
                part: Part::Localpart,
                position: 3,
                ch: '"',
            },
        ),
        ("a@256.0.0.1", Error::BadIpLiteral(IpError::Ipv4)),
        ("a@1.2.3", Error::BadIpLiteral(IpError::Ipv4)),
        ("a@[::g]", Error::BadIpLiteral(IpError::Ipv6)),
        ("a@[v1.x]", Error::BadIpLiteral(IpError::IpvFuture)),
    ];
    for (input, want) in cases {
        assert_eq!(
            Jid::new(input).as_ref().map(Jid::as_str),
            Err(want),
            "{input:?}"
        );
    }
    for (input, want_label) in [("a@-ab.com", 1), ("a@ab--cd.com", 1), ("a@x.xn--a.com", 2)] {
        match Jid::new(input) {
            Err(Error::Idna { label, .. }) => assert_eq!(label, want_label, "{input}"),
            other => panic!("{input}: {other:?}"),
        }
    }
    let long_label = format!("a@{}.com", "x".repeat(64));
    assert_eq!(
        Jid::new(&long_label),
        Err(Error::LabelTooLong { label: 1, len: 64 })
    );
    let long_name = format!("a@{}", vec!["x".repeat(63); 5].join("."));
    assert_eq!(Jid::new(&long_name), Err(Error::DomainTooLong { len: 319 }));
    let ok_name = [
        "x".repeat(63),
        "x".repeat(63),
        "x".repeat(63),
        "x".repeat(61),
    ]
    .join(".");
    assert_eq!(jid(&ok_name).domainpart().len(), 253);
    let long_local = format!("{}@b", "a".repeat(1024));
    assert_eq!(
        Jid::new(&long_local),
        Err(Error::TooLong {
            part: Part::Localpart,
            len: 1024
        })
    );
    assert!(Jid::new(&format!("{}@b", "a".repeat(1023))).is_ok());
    let long_res = format!("b/{}", "r".repeat(1024));
    assert_eq!(
        Jid::new(&long_res),
        Err(Error::TooLong {
            part: Part::Resourcepart,
            len: 1024
        })
    );
    // A-label length counts for non-ASCII labels.
    let long_u = format!("a@{}.com", "ü".repeat(60));
    assert!(matches!(
        Jid::new(&long_u),
        Err(Error::LabelTooLong { label: 1, .. })
    ));
}

#[test]
fn error_display() {
    let show = |s: &str| Jid::new(s).map(|_| ()).unwrap_err().to_string();
    assert_eq!(show("@x"), "localpart: empty");
    assert_eq!(show("x/"), "resourcepart: empty");
    assert_eq!(show("a@"), "domainpart: empty");
    assert_eq!(
        show("a@1.2.3"),
        "domainpart: bad IP literal: not a valid IPv4 address (four decimal octets 0-255, no leading zeros)"
    );
    assert_eq!(
        show("a@exam\u{200d}ple.com"),
        "domainpart: UTS #46 processing failed in label 1: code point U+200D at byte 4 \
         breaks its context rule (zero_width_joiner)"
    );
    assert_eq!(
        show("\u{5d0}@x/\u{1}"),
        "resourcepart: disallowed code point U+0001 at byte 0 (controls) \
         (counting from the start of the part, at byte 5)"
    );
    assert_eq!(
        Error::NotFull.to_string(),
        "jid: no resourcepart, but a full JID is required"
    );
    for e in [
        Error::NotBare,
        Error::EscapedSpaceAtEdge,
        Error::Idna {
            label: 0,
            reason: None,
        },
    ] {
        let text = e.to_string();
        assert!(text.starts_with(&format!("{}: ", e.part())), "{text}");
    }
}

#[test]
fn domain_forms() {
    assert_eq!(jid("EXAMPLE.com.").as_str(), "example.com");
    assert_eq!(jid("[::FFFF:192.0.2.1]").domainpart(), "[::ffff:192.0.2.1]");
    assert_eq!(jid("192.0.2.1").domainpart(), "192.0.2.1");
    assert_eq!(jid("localhost").domainpart(), "localhost");
    assert_eq!(jid("123").domainpart(), "123");
    assert_eq!(jid("a@xn--tda").domainpart(), "ü");
}
