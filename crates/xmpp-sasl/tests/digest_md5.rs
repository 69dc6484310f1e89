//! DIGEST-MD5 beyond the RFC 2831 examples: escapes, rspauth with success, wrong
//! password and rspauth, refused qop/cipher, digest-uri and nonce-count checks.

use xmpp_sasl::digest_md5::{DigestMd5Client, DigestMd5Server};
use xmpp_sasl::{ClientMechanism, FixedNonceSource, PasswordPrep, ServerMechanism, ServerStep};
use xmpp_sasl::{Condition, MemoryStore, StoredCredentials};

fn store() -> MemoryStore {
    let mut s = MemoryStore::new();
    let c = StoredCredentials::derive(
        "ju\"li\\et",
        "r0m30",
        PasswordPrep::None,
        b"s",
        1,
        &["example.com"],
    )
    .unwrap();
    s.insert("ju\"li\\et", c);
    s
}

fn client(password: &str) -> DigestMd5Client {
    DigestMd5Client::new(
        "ju\"li\\et",
        password,
        "xmpp",
        "example.com",
        &mut FixedNonceSource::new(["cn"]),
    )
    .unwrap()
    .password_prep(PasswordPrep::None)
}

/// A server for xmpp/example.com in realm example.com whose nonce is always `n`.
fn server(store: &MemoryStore) -> DigestMd5Server<&MemoryStore, FixedNonceSource> {
    DigestMd5Server::new(
        store,
        FixedNonceSource::new(["n"]),
        "xmpp",
        "example.com",
        "example.com",
    )
}

#[test]
fn escapes_and_rspauth_in_success() {
    let store = store();
    let mut s = server(&store).rspauth_in_success(true);
    let mut c = client("r0m30");
    let ServerStep::Challenge(ch) = s.start(Some(b"")).unwrap() else {
        panic!()
    };
    let resp = c.step(&ch).unwrap();
    assert!(String::from_utf8_lossy(&resp).contains(r#"username="ju\"li\\et""#));
    let ServerStep::Success {
        additional_data, ..
    } = s.step(&resp).unwrap()
    else {
        panic!()
    };
    c.finish(additional_data.as_deref()).unwrap();
}

#[test]
fn wrong_password_and_bad_rspauth() {
    let store = store();
    let mut s = server(&store);
    let mut c = client("wrong");
    let ServerStep::Challenge(ch) = s.start(None).unwrap() else {
        panic!()
    };
    let e = s.step(&c.step(&ch).unwrap()).unwrap_err();
    assert_eq!(e.condition(), Condition::NotAuthorized);
    let mut c = client("r0m30");
    c.step(&ch).unwrap();
    let e = c
        .step(b"rspauth=00000000000000000000000000000000")
        .unwrap_err();
    assert_eq!(e.condition(), Condition::NotAuthorized);
}

#[test]
fn qop_other_than_auth_is_refused_cleanly() {
    let mut c = client("r0m30");
    let e = c
        .step(br#"realm="example.com",nonce="n",qop="auth-int,auth-conf",algorithm=md5-sess,charset=utf-8"#)
        .unwrap_err();
    assert_eq!(e.condition(), Condition::MechanismTooWeak);
    let store = store();
    let mut s = server(&store);
    let ServerStep::Challenge(_) = s.start(None).unwrap() else {
        panic!()
    };
    let e = s
        .step(br#"username="u",realm="example.com",nonce="n",cnonce="c",nc=00000001,qop=auth-conf,digest-uri="xmpp/example.com",response=00000000000000000000000000000000,cipher=rc4"#)
        .unwrap_err();
    assert_eq!(e.condition(), Condition::MechanismTooWeak);
}

#[test]
fn wrong_digest_uri_and_replayed_nonce_count() {
    let store = store();
    for (uri, nc) in [
        ("imap/example.com", "00000001"),
        ("xmpp/example.com", "00000002"),
    ] {
        let mut s = server(&store);
        let ServerStep::Challenge(_) = s.start(None).unwrap() else {
            panic!()
        };
        let msg = format!(
            r#"username="u",realm="example.com",nonce="n",cnonce="c",nc={nc},qop=auth,digest-uri="{uri}",response=00000000000000000000000000000000"#
        );
        assert_eq!(
            s.step(msg.as_bytes()).unwrap_err().condition(),
            Condition::NotAuthorized
        );
    }
}
