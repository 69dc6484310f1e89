//! Property tests: our client against our server succeeds for random inputs for every
//! mechanism, and any single flipped byte in any message makes the exchange fail with
//! the right condition.

use proptest::prelude::*;
use xmpp_sasl::anonymous::{AnonymousClient, AnonymousServer};
use xmpp_sasl::digest_md5::{DigestMd5Client, DigestMd5Server};
use xmpp_sasl::external::{ExternalClient, ExternalServer};
use xmpp_sasl::plain::{PlainClient, PlainServer};
use xmpp_sasl::scram::{ScramClient, ScramServer};
use xmpp_sasl::{
    ChannelBinding, ChannelBindingType, ClientMechanism, Condition, Error, Mechanism, MemoryStore,
    PasswordPrep, SeededNonceSource, ServerMechanism, ServerStep, StoredCredentials,
};

const SCRAM: [Mechanism; 6] = [
    Mechanism::ScramSha1,
    Mechanism::ScramSha256,
    Mechanism::ScramSha512,
    Mechanism::ScramSha1Plus,
    Mechanism::ScramSha256Plus,
    Mechanism::ScramSha512Plus,
];

#[derive(Debug, Clone)]
struct Params {
    mechanism: Mechanism,
    username: String,
    password: String,
    salt: Vec<u8>,
    iterations: u32,
    authzid: Option<String>,
    cb_type: ChannelBindingType,
    cb_data: Vec<u8>,
    seed: u64,
}

fn params() -> impl Strategy<Value = Params> {
    (
        0..SCRAM.len(),
        "[^\u{0}]{1,20}",
        "[^\u{0}]{1,20}",
        proptest::collection::vec(any::<u8>(), 1..32),
        1u32..40,
        proptest::option::of("[^\u{0}]{1,12}"),
        0..3usize,
        proptest::collection::vec(any::<u8>(), 0..48),
        any::<u64>(),
    )
        .prop_map(
            |(m, username, password, salt, iterations, authzid, t, cb_data, seed)| Params {
                mechanism: SCRAM[m],
                username,
                password,
                salt,
                iterations,
                authzid,
                cb_type: ChannelBindingType::ALL[t],
                cb_data,
                seed,
            },
        )
}

fn store_for(p: &Params) -> MemoryStore {
    let mut store = MemoryStore::new();
    let creds = StoredCredentials::derive(
        &p.username,
        &p.password,
        PasswordPrep::None,
        &p.salt,
        p.iterations,
        &["example.com"],
    )
    .unwrap();
    store.insert(p.username.clone(), creds);
    if let Some(z) = &p.authzid {
        store.allow_authzid(p.username.clone(), z.clone());
    }
    store
}

/// Which side failed.
#[derive(Debug, PartialEq)]
enum Failed {
    Client(Error),
    Server(Error),
}

fn flip(msg: &mut [u8], index: usize, flips: &[(usize, usize, u8)]) {
    for &(i, pos, mask) in flips {
        if i == index && !msg.is_empty() {
            let p = pos % msg.len();
            msg[p] ^= mask;
        }
    }
}

/// Runs a SCRAM exchange; `flips` are (message index, position, xor mask) with message
/// indexes 0 client-first, 1 server-first, 2 client-final, 3 server-final.
fn run_scram(p: &Params, flips: &[(usize, usize, u8)]) -> Result<(), Failed> {
    let store = store_for(p);
    let cb = ChannelBinding::new(p.cb_type, p.cb_data.clone());
    let mut client = ScramClient::new(
        p.mechanism,
        &p.username,
        &p.password,
        &mut SeededNonceSource::new(p.seed),
    )
    .unwrap()
    .password_prep(PasswordPrep::None)
    .iterations(1..=100)
    .channel_binding(cb.clone());
    if let Some(z) = &p.authzid {
        client = client.authzid(z.clone());
    }
    let mut server =
        ScramServer::new(p.mechanism, &store, SeededNonceSource::new(p.seed ^ 1)).unwrap();
    if p.mechanism.is_plus() {
        server = server.channel_binding(cb);
    }
    let mut m0 = client.start().map_err(Failed::Client)?.unwrap();
    flip(&mut m0, 0, flips);
    let ServerStep::Challenge(mut m1) = server.start(Some(&m0)).map_err(Failed::Server)? else {
        panic!("success too early")
    };
    flip(&mut m1, 1, flips);
    let mut m2 = client.step(&m1).map_err(Failed::Client)?;
    flip(&mut m2, 2, flips);
    let ServerStep::Success {
        additional_data,
        authenticated,
    } = server.step(&m2).map_err(Failed::Server)?
    else {
        panic!("expected success")
    };
    assert_eq!(authenticated.authcid.as_deref(), Some(p.username.as_str()));
    assert_eq!(authenticated.authzid, p.authzid);
    let mut m3 = additional_data.unwrap();
    flip(&mut m3, 3, flips);
    client.finish(Some(&m3)).map_err(Failed::Client)?;
    assert!(client.is_server_verified());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn scram_client_vs_server(p in params()) {
        run_scram(&p, &[]).unwrap();
    }

    #[test]
    fn scram_any_flipped_byte_fails(
        p in params(),
        index in 0usize..4,
        pos in any::<usize>(),
        mask in 1u8..=255,
    ) {
        let r = run_scram(&p, &[(index, pos, mask)]);
        let err = match r {
            Ok(()) => panic!("flipped byte in message {index} accepted"),
            // A flip may surface on either side (a changed server nonce suffix is echoed
            // by the client and caught by the server), but never in the server's final
            // message on the server side.
            Err(Failed::Client(e)) => e,
            Err(Failed::Server(e)) => {
                prop_assert!(index != 3, "server failed on message {index}: {e}");
                e
            }
        };
        let c = err.condition();
        prop_assert!(
            matches!(c, Condition::MalformedRequest | Condition::NotAuthorized | Condition::MechanismTooWeak),
            "unexpected condition {c} ({err})"
        );
    }

    #[test]
    fn plain_client_vs_server(
        user in "[^\u{0}]{1,40}",
        pass in "[^\u{0}]{1,40}",
        authzid in proptest::option::of("[^\u{0}]{1,20}"),
        flip_at in proptest::option::of((any::<usize>(), 1u8..=255)),
    ) {
        let p = Params {
            mechanism: Mechanism::Plain, username: user.clone(), password: pass.clone(),
            salt: b"salt".to_vec(), iterations: 1, authzid: authzid.clone(),
            cb_type: ChannelBindingType::TlsExporter, cb_data: vec![], seed: 0,
        };
        let store = store_for(&p);
        let mut c = PlainClient::new(&user, &pass).password_prep(PasswordPrep::None);
        if let Some(z) = &authzid { c = c.authzid(z.clone()); }
        let mut s = PlainServer::new(&store).secure_channel(true).password_prep(PasswordPrep::None);
        let mut m = c.start().unwrap().unwrap();
        let flipped = flip_at.map(|(pos, mask)| { let i = pos % m.len(); m[i] ^= mask; });
        match (s.start(Some(&m)), flipped) {
            (Ok(ServerStep::Success { authenticated, .. }), None) => {
                prop_assert_eq!(authenticated.authcid.as_deref(), Some(user.as_str()));
                prop_assert_eq!(authenticated.authzid, authzid);
                c.finish(None).unwrap();
            }
            (Err(e), Some(())) => prop_assert!(matches!(
                e.condition(),
                Condition::MalformedRequest | Condition::NotAuthorized | Condition::InvalidAuthzid
            ), "{e}"),
            (r, f) => prop_assert!(false, "unexpected {r:?} flipped={f:?}"),
        }
    }

    #[test]
    fn digest_md5_client_vs_server(
        user in "[^\u{0}]{1,20}",
        pass in "[^\u{0}]{1,20}",
        authzid in proptest::option::of("[^\u{0}]{1,12}"),
        seed in any::<u64>(),
        flip_at in proptest::option::of((0usize..3, any::<usize>(), 1u8..=255)),
    ) {
        let p = Params {
            mechanism: Mechanism::DigestMd5, username: user.clone(), password: pass.clone(),
            salt: b"salt".to_vec(), iterations: 1, authzid: authzid.clone(),
            cb_type: ChannelBindingType::TlsExporter, cb_data: vec![], seed,
        };
        let store = store_for(&p);
        let mut c = DigestMd5Client::new(&user, &pass, "xmpp", "example.com", &mut SeededNonceSource::new(seed))
            .unwrap().password_prep(PasswordPrep::None);
        if let Some(z) = &authzid {
            c = c.authzid(z.clone());
        }
        let mut s = DigestMd5Server::new(&store, SeededNonceSource::new(!seed), "xmpp", "example.com", "example.com");
        // Flips inside a directive *name* may be benign: unknown directives are ignored
        // (RFC 2831 §2.1) and `charset`/`qop` are optional with equivalent defaults for
        // ISO 8859-1 strings; directive names and hex digits are case-insensitive.
        let mut benign = false;
        let mut flip_tracked = |m: &mut Vec<u8>, i: usize| {
            if let Some((fi, pos, mask)) = flip_at
                && fi == i
                && !m.is_empty()
            {
                let p = pos % m.len();
                let seg_start = m[..p].iter().rposition(|b| *b == b',').map_or(0, |x| x + 1);
                let in_name = !m[seg_start..p].contains(&b'=') && m[p] != b'=';
                benign |= in_name || mask == 0x20;
                m[p] ^= mask;
            }
        };
        let mut run = || -> Result<(), Error> {
            assert_eq!(c.start().unwrap(), None);
            let ServerStep::Challenge(mut ch) = s.start(None)? else { panic!() };
            flip_tracked(&mut ch, 0);
            let mut resp = c.step(&ch)?;
            flip_tracked(&mut resp, 1);
            let ServerStep::Challenge(mut rsp) = s.step(&resp)? else { panic!() };
            flip_tracked(&mut rsp, 2);
            let empty = c.step(&rsp)?;
            let ServerStep::Success { authenticated, .. } = s.step(&empty)? else { panic!() };
            assert_eq!(authenticated.authcid.as_deref(), Some(user.as_str()));
            if flip_at.is_none() {
                let expected = authzid.clone().filter(|z| *z != user);
                let got = authenticated.authzid.clone().filter(|z| *z != user);
                assert_eq!(got, expected);
            }
            c.finish(None)?;
            Ok(())
        };
        let r = run();
        match (flip_at, r) {
            (None, r) => prop_assert!(r.is_ok(), "{r:?}"),
            (Some(_), Ok(())) => prop_assert!(benign, "flipped byte accepted"),
            (Some(_), Err(e)) => prop_assert!(matches!(
                e.condition(),
                Condition::MalformedRequest | Condition::NotAuthorized | Condition::MechanismTooWeak
                    | Condition::Aborted
            ), "{e}"),
        }
    }

    #[test]
    fn external_and_anonymous(identity in "[^\u{0}]{1,30}", trace in "[^\u{0}]{0,40}") {
        let store = MemoryStore::new();
        let mut c = ExternalClient::new();
        let mut s = ExternalServer::new(&store, Some(identity.clone()));
        let m = c.start().unwrap().unwrap();
        let ServerStep::Success { authenticated, .. } = s.start(Some(&m)).unwrap() else { panic!() };
        prop_assert_eq!(authenticated.authcid, Some(identity.clone()));
        c.finish(None).unwrap();
        // Asking for someone else is refused.
        let mut c = ExternalClient::new().authzid(format!("{identity}x"));
        let mut s = ExternalServer::new(&store, Some(identity));
        let m = c.start().unwrap().unwrap();
        prop_assert_eq!(s.start(Some(&m)).unwrap_err().condition(), Condition::InvalidAuthzid);

        let mut c = AnonymousClient::new(trace.clone());
        let mut s = AnonymousServer::new();
        let m = c.start().unwrap().unwrap();
        let ServerStep::Success { authenticated, .. } = s.start(Some(&m)).unwrap() else { panic!() };
        prop_assert_eq!(authenticated.trace.unwrap_or_default(), trace);
    }
}

/// Fixed parameters for the example-based tests: user `u`, password `p`, one
/// iteration, no authzid, no binding data; each test overrides what it is about.
fn fixed_params(mechanism: Mechanism) -> Params {
    Params {
        mechanism,
        username: "u".into(),
        password: "p".into(),
        salt: b"s".to_vec(),
        iterations: 1,
        authzid: None,
        cb_type: ChannelBindingType::TlsExporter,
        cb_data: vec![],
        seed: 9,
    }
}

/// A SCRAM-SHA-1 client for `u`/`p` with an unprepared password and a fixed nonce.
fn scram_sha1_client() -> ScramClient {
    ScramClient::new(
        Mechanism::ScramSha1,
        "u",
        "p",
        &mut SeededNonceSource::new(1),
    )
    .unwrap()
    .password_prep(PasswordPrep::None)
}

/// A server-first-message for `client_first` that extends its nonce (salt `salt`,
/// `iterations` rounds): tests of the client's own checks need no real server.
fn fake_server_first(client_first: &[u8], iterations: u32) -> String {
    let first = core::str::from_utf8(client_first).unwrap();
    let nonce = first.split(",r=").nth(1).unwrap();
    format!("r={nonce}xyz,s=c2FsdA==,i={iterations}")
}

#[test]
fn y_flag_is_a_downgrade_when_server_offered_plus() {
    let p = Params {
        cb_data: vec![1, 2, 3],
        ..fixed_params(Mechanism::ScramSha256)
    };
    let store = store_for(&p);
    let mut client = ScramClient::new(p.mechanism, "u", "p", &mut SeededNonceSource::new(1))
        .unwrap()
        .password_prep(PasswordPrep::None)
        .channel_binding(ChannelBinding::new(
            ChannelBindingType::TlsExporter,
            [1, 2, 3],
        ));
    let first = client.start().unwrap().unwrap();
    assert!(first.starts_with(b"y,,"));
    let mut server = ScramServer::new(p.mechanism, &store, SeededNonceSource::new(2))
        .unwrap()
        .offered_plus(true);
    let e = server.start(Some(&first)).unwrap_err();
    assert_eq!(e.condition(), Condition::NotAuthorized);
    assert_eq!(
        xmpp_sasl::scram::server_error_message(&e),
        b"e=server-does-support-channel-binding"
    );
    // Without the offer, `y` is fine.
    run_scram(
        &Params {
            cb_data: vec![1, 2, 3],
            ..p
        },
        &[],
    )
    .unwrap();
}

#[test]
fn plus_with_wrong_binding_data_fails() {
    let p = Params {
        cb_type: ChannelBindingType::TlsServerEndPoint,
        cb_data: vec![1, 2, 3],
        ..fixed_params(Mechanism::ScramSha256Plus)
    };
    let store = store_for(&p);
    let mut client = ScramClient::new(p.mechanism, "u", "p", &mut SeededNonceSource::new(1))
        .unwrap()
        .password_prep(PasswordPrep::None)
        .iterations(1..=10)
        .channel_binding(ChannelBinding::new(p.cb_type, [1, 2, 3]));
    let mut server = ScramServer::new(p.mechanism, &store, SeededNonceSource::new(2))
        .unwrap()
        .channel_binding(ChannelBinding::new(p.cb_type, [1, 2, 4]));
    let first = client.start().unwrap().unwrap();
    let ServerStep::Challenge(sf) = server.start(Some(&first)).unwrap() else {
        panic!()
    };
    let e = server.step(&client.step(&sf).unwrap()).unwrap_err();
    assert_eq!(e.condition(), Condition::NotAuthorized);
    assert_eq!(
        xmpp_sasl::scram::server_error_message(&e),
        b"e=channel-bindings-dont-match"
    );
}

#[test]
fn iteration_bounds_enforced_by_client() {
    let p = fixed_params(Mechanism::ScramSha1);
    let store = store_for(&p);
    // Default client minimum is 4096.
    let mut client = scram_sha1_client();
    let mut server = ScramServer::new(p.mechanism, &store, SeededNonceSource::new(2)).unwrap();
    let first = client.start().unwrap().unwrap();
    let ServerStep::Challenge(sf) = server.start(Some(&first)).unwrap() else {
        panic!()
    };
    let e = client.step(&sf).unwrap_err();
    assert_eq!(e.condition(), Condition::MechanismTooWeak);
    // Above the maximum.
    let mut client = scram_sha1_client();
    let first = client.start().unwrap();
    assert!(first.is_some());
    let sf = fake_server_first(&first.unwrap(), 1_000_001);
    let e = client.step(sf.as_bytes()).unwrap_err();
    assert_eq!(e.condition(), Condition::MalformedRequest);
}

#[test]
fn server_error_attribute_reaches_client() {
    let mut client = scram_sha1_client().iterations(1..=10);
    let sf = fake_server_first(&client.start().unwrap().unwrap(), 2);
    client.step(sf.as_bytes()).unwrap();
    let e = client.finish(Some(b"e=invalid-proof")).unwrap_err();
    assert_eq!(
        e.reason(),
        &xmpp_sasl::Reason::ServerError(xmpp_sasl::ScramServerError::InvalidProof)
    );
    assert!(!client.is_server_verified());
}

#[test]
fn success_without_server_signature_is_not_success() {
    let mut client = scram_sha1_client().iterations(1..=10);
    let sf = fake_server_first(&client.start().unwrap().unwrap(), 2);
    client.step(sf.as_bytes()).unwrap();
    assert_eq!(
        client.finish(None).unwrap_err().condition(),
        Condition::NotAuthorized
    );
}

#[test]
fn mandatory_extension_and_escaped_username() {
    let store = store_for(&Params {
        username: "a,b=c".into(),
        seed: 0,
        ..fixed_params(Mechanism::ScramSha1)
    });
    let mut client = ScramClient::new(
        Mechanism::ScramSha1,
        "a,b=c",
        "p",
        &mut SeededNonceSource::new(1),
    )
    .unwrap()
    .password_prep(PasswordPrep::None);
    let first = client.start().unwrap().unwrap();
    assert!(first.starts_with(b"n,,n=a=2Cb=3Dc,r="));
    let mut server =
        ScramServer::new(Mechanism::ScramSha1, &store, SeededNonceSource::new(2)).unwrap();
    assert!(matches!(
        server.start(Some(&first)).unwrap(),
        ServerStep::Challenge(_)
    ));
    let mut server =
        ScramServer::new(Mechanism::ScramSha1, &store, SeededNonceSource::new(2)).unwrap();
    let e = server.start(Some(b"n,,m=ext,n=u,r=abc")).unwrap_err();
    assert_eq!(
        xmpp_sasl::scram::server_error_message(&e),
        b"e=extensions-not-supported"
    );
}

#[test]
fn unknown_users_are_masked_consistently() {
    let store = MemoryStore::new();
    let first = |seed: u64| {
        let mut server =
            ScramServer::new(Mechanism::ScramSha256, &store, SeededNonceSource::new(seed))
                .unwrap()
                .mask_unknown_users(b"server secret", 10000);
        let ServerStep::Challenge(sf) = server.start(Some(b"n,,n=ghost,r=abc")).unwrap() else {
            panic!()
        };
        let sf = String::from_utf8(sf).unwrap();
        sf.split_once(",s=").unwrap().1.to_owned()
    };
    let a = first(1);
    assert_eq!(
        a,
        first(2),
        "salt and iterations must not change between attempts"
    );
    assert!(a.ends_with(",i=10000"));
}
