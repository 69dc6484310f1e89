use sha2::{Digest, Sha256, Sha384};
use xmpp_tls::{ChannelBindingType, StreamKind, TlsEngine, TlsPolicy, TlsVersion, Unavailable};

use crate::harness::*;

fn starttls(pki: &Pki, versions: Versions, ems: bool, chunk: usize) -> (Side, Side) {
    let mut c = Side::starttls_client(
        client_config(&pki.ca, versions, ems),
        DOMAIN,
        TlsPolicy::Required,
    );
    let mut s = Side::starttls_server(server_config(pki, versions, ems), TlsPolicy::Required);
    run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
    assert!(
        c.is_secure() && s.is_secure(),
        "{:?} {:?}",
        c.error,
        s.error
    );
    (c, s)
}

type Versions = &'static [&'static xmpp_tls::rustls::SupportedProtocolVersion];

fn value(side: &Side, kind: ChannelBindingType) -> Result<Vec<u8>, Unavailable> {
    side.bindings().unwrap().get(kind).map(<[u8]>::to_vec)
}

#[test]
fn identical_on_both_sides_tls13() {
    for &chunk in CHUNKS {
        let p = pki(&[DOMAIN]);
        let (c, s) = starttls(&p, TLS13, false, chunk);
        assert_eq!(c.engine.protocol_version(), Some(TlsVersion::Tls13));
        for kind in [
            ChannelBindingType::TlsExporter,
            ChannelBindingType::TlsServerEndPoint,
        ] {
            let a = value(&c, kind).unwrap();
            assert_eq!(a, value(&s, kind).unwrap(), "{kind}");
        }
        assert_eq!(
            value(&c, ChannelBindingType::TlsExporter).unwrap().len(),
            32
        );
        // rcgen signs with ECDSA P-256 / SHA-256: the end-point hash is SHA-256.
        assert_eq!(
            value(&c, ChannelBindingType::TlsServerEndPoint).unwrap(),
            Sha256::digest(&p.chain[0]).to_vec()
        );
        assert_eq!(
            value(&c, ChannelBindingType::TlsUnique),
            Err(Unavailable::NotProvidedByEngine)
        );
        let kinds: Vec<_> = c.bindings().unwrap().available().collect();
        assert_eq!(
            kinds,
            [
                ChannelBindingType::TlsExporter,
                ChannelBindingType::TlsServerEndPoint
            ]
        );
        // Debug never shows the values.
        let dbg = format!("{:?}", c.bindings().unwrap());
        assert!(dbg.contains("<available>"));
    }
}

#[test]
fn identical_on_both_sides_tls12_with_ems() {
    for &chunk in CHUNKS {
        let p = pki(&[DOMAIN]);
        let (c, s) = starttls(&p, TLS12, true, chunk);
        assert_eq!(c.engine.protocol_version(), Some(TlsVersion::Tls12));
        assert_eq!(c.engine.extended_master_secret(), Some(true));
        assert_eq!(s.engine.extended_master_secret(), Some(true));
        for kind in [
            ChannelBindingType::TlsExporter,
            ChannelBindingType::TlsServerEndPoint,
        ] {
            assert_eq!(value(&c, kind).unwrap(), value(&s, kind).unwrap(), "{kind}");
        }
    }
}

#[test]
fn tls12_without_guaranteed_ems_has_no_exporter() {
    for &chunk in CHUNKS {
        let p = pki(&[DOMAIN]);
        let (c, s) = starttls(&p, TLS12, false, chunk);
        for side in [&c, &s] {
            assert_eq!(side.engine.extended_master_secret(), None);
            assert_eq!(
                value(side, ChannelBindingType::TlsExporter),
                Err(Unavailable::NoExtendedMasterSecret)
            );
            assert!(value(side, ChannelBindingType::TlsServerEndPoint).is_ok());
        }
    }
}

#[test]
fn different_sessions_differ() {
    for &chunk in CHUNKS {
        let p = pki(&[DOMAIN]);
        for (versions, ems) in [(TLS13, false), (TLS12, true)] {
            let (c1, _) = starttls(&p, versions, ems, chunk);
            let (c2, s2) = starttls(&p, versions, ems, chunk);
            let a = value(&c1, ChannelBindingType::TlsExporter).unwrap();
            let b = value(&c2, ChannelBindingType::TlsExporter).unwrap();
            assert_ne!(a, b);
            assert_eq!(b, value(&s2, ChannelBindingType::TlsExporter).unwrap());
            // Same certificate, same end-point value.
            assert_eq!(
                value(&c1, ChannelBindingType::TlsServerEndPoint),
                value(&c2, ChannelBindingType::TlsServerEndPoint)
            );
        }
    }
}

#[test]
fn direct_tls_bindings_match() {
    for &chunk in CHUNKS {
        let p = pki(&[DOMAIN]);
        let kind = StreamKind::ClientToServer;
        let mut c = Side::direct_client(client_config(&p.ca, TLS12, true), DOMAIN, kind);
        let mut s = Side::direct_server(server_config(&p, TLS12, true), kind);
        run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
        assert!(c.is_secure() && s.is_secure());
        assert_eq!(c.bindings(), s.bindings());
        assert!(value(&c, ChannelBindingType::TlsExporter).is_ok());
    }
}

#[test]
fn end_point_hash_follows_the_certificate_signature() {
    for &chunk in CHUNKS {
        // ECDSA P-384 with SHA-384: the end-point value is a SHA-384 hash.
        let p = pki_with(&[DOMAIN], &rcgen::PKCS_ECDSA_P384_SHA384);
        let (c, s) = starttls(&p, TLS13, false, chunk);
        let v = value(&c, ChannelBindingType::TlsServerEndPoint).unwrap();
        assert_eq!(v, Sha384::digest(&p.chain[0]).to_vec());
        assert_eq!(Ok(v), value(&s, ChannelBindingType::TlsServerEndPoint));

        // Ed25519 signs without a separate hash: no end-point binding on either side,
        // while tls-exporter is unaffected.
        let p = pki_with(&[DOMAIN], &rcgen::PKCS_ED25519);
        let (c, s) = starttls(&p, TLS13, false, chunk);
        for side in [&c, &s] {
            assert_eq!(
                value(side, ChannelBindingType::TlsServerEndPoint),
                Err(Unavailable::UnsupportedSignatureAlgorithm)
            );
        }
        assert_eq!(
            value(&c, ChannelBindingType::TlsExporter),
            value(&s, ChannelBindingType::TlsExporter)
        );
    }
}
