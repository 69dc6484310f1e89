//! Every RFC vector of `tests/data/rfc_vectors.json`, reproduced exactly on the client
//! and on the server side with injected nonces.

use base64::Engine as _;
use serde_json::Value;
use xmpp_sasl::scram::{ScramClient, ScramKeys, ScramServer};
use xmpp_sasl::{
    ClientMechanism, CredentialStore, Error, FixedNonceSource, Mechanism, PasswordPrep, ScramHash,
    ServerMechanism, ServerStep,
};

const VECTORS: &str = include_str!("data/rfc_vectors.json");

fn vectors(key: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(VECTORS).unwrap();
    v[key].as_array().unwrap().clone()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("missing {k}"))
}

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

struct OneUser {
    name: String,
    keys: ScramKeys,
}

impl CredentialStore for OneUser {
    fn scram_keys(&self, username: &str, hash: ScramHash) -> Result<Option<ScramKeys>, Error> {
        Ok((username == self.name && hash == self.keys.hash).then(|| self.keys.clone()))
    }
}

#[test]
fn scram_client_side() {
    for v in vectors("scram") {
        let mech = Mechanism::from_name(s(&v, "mechanism")).unwrap();
        let mut nonces = FixedNonceSource::new([s(&v, "client_nonce")]);
        let mut c = ScramClient::new(mech, s(&v, "username"), s(&v, "password"), &mut nonces)
            .unwrap()
            .password_prep(PasswordPrep::SaslPrep);
        let first = c.start().unwrap().unwrap();
        assert_eq!(
            String::from_utf8(first).unwrap(),
            s(&v, "client_first"),
            "{}",
            s(&v, "source")
        );
        let fin = c.step(s(&v, "server_first").as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(fin).unwrap(),
            s(&v, "client_final"),
            "{}",
            s(&v, "source")
        );
        assert!(!c.is_server_verified());
        c.finish(Some(s(&v, "server_final").as_bytes())).unwrap();
        assert!(c.is_server_verified());
        if let Some(b) = v.get("client_first_b64").and_then(Value::as_str) {
            assert_eq!(b64(b), s(&v, "client_first").as_bytes());
            assert_eq!(
                b64(s(&v, "server_first_b64")),
                s(&v, "server_first").as_bytes()
            );
            assert_eq!(
                b64(s(&v, "client_final_b64")),
                s(&v, "client_final").as_bytes()
            );
            assert_eq!(
                b64(s(&v, "server_final_b64")),
                s(&v, "server_final").as_bytes()
            );
        }
    }
}

#[test]
fn scram_server_side() {
    for v in vectors("scram") {
        let mech = Mechanism::from_name(s(&v, "mechanism")).unwrap();
        let hash = mech.scram_hash().unwrap();
        let iterations = v["iterations"].as_u64().unwrap() as u32;
        let keys = ScramKeys::derive(hash, s(&v, "password"), &b64(s(&v, "salt_b64")), iterations);
        let store = OneUser {
            name: s(&v, "username").into(),
            keys,
        };
        let suffix = &s(&v, "server_nonce_full")[s(&v, "client_nonce").len()..];
        let mut server = ScramServer::new(mech, &store, FixedNonceSource::new([suffix])).unwrap();
        let ServerStep::Challenge(first) = server
            .start(Some(s(&v, "client_first").as_bytes()))
            .unwrap()
        else {
            panic!("expected a challenge")
        };
        assert_eq!(
            String::from_utf8(first).unwrap(),
            s(&v, "server_first"),
            "{}",
            s(&v, "source")
        );
        let ServerStep::Success {
            additional_data,
            authenticated,
        } = server.step(s(&v, "client_final").as_bytes()).unwrap()
        else {
            panic!("expected success")
        };
        assert_eq!(additional_data.unwrap(), s(&v, "server_final").as_bytes());
        assert_eq!(authenticated.authcid.as_deref(), Some(s(&v, "username")));
        assert_eq!(authenticated.authzid, None);
    }
}

#[test]
fn scram_salted_password_hex() {
    for v in vectors("scram") {
        let mech = Mechanism::from_name(s(&v, "mechanism")).unwrap();
        let sp = xmpp_sasl::scram::keys::salted_password(
            mech.scram_hash().unwrap(),
            s(&v, "password").as_bytes(),
            &b64(s(&v, "salt_b64")),
            v["iterations"].as_u64().unwrap() as u32,
        );
        let hex: String = sp.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, s(&v, "salted_password_hex"));
    }
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn plain_both_sides() {
    use xmpp_sasl::plain::{PlainClient, PlainServer};
    use xmpp_sasl::{Condition, MemoryStore, StoredCredentials};
    for v in vectors("plain") {
        let msg = hex_decode(s(&v, "message_hex"));
        assert_eq!(msg.len() as u64, v["octets"].as_u64().unwrap());
        let mut c =
            PlainClient::new(s(&v, "authcid"), s(&v, "passwd")).password_prep(PasswordPrep::None);
        if !s(&v, "authzid").is_empty() {
            c = c.authzid(s(&v, "authzid"));
        }
        assert_eq!(c.start().unwrap().unwrap(), msg, "{}", s(&v, "source"));

        let mut store = MemoryStore::new();
        let creds = StoredCredentials::derive(
            s(&v, "authcid"),
            s(&v, "passwd"),
            PasswordPrep::None,
            b"salt",
            2,
            &[],
        )
        .unwrap();
        store.insert(s(&v, "authcid"), creds);
        let mut server = PlainServer::new(&store)
            .secure_channel(true)
            .password_prep(PasswordPrep::None);
        let r = server.start(Some(&msg));
        if s(&v, "outcome") == "success" {
            let ServerStep::Success {
                authenticated,
                additional_data,
            } = r.unwrap()
            else {
                panic!()
            };
            assert_eq!(additional_data, None);
            assert_eq!(authenticated.authcid.as_deref(), Some(s(&v, "authcid")));
            c.finish(None).unwrap();
        } else {
            // "not authorized to requested authorization identity"
            assert_eq!(
                r.unwrap_err().condition(),
                Condition::InvalidAuthzid,
                "{}",
                s(&v, "source")
            );
            // ... and it succeeds once the store allows Kurt to act as Ursel.
            store.allow_authzid(s(&v, "authcid"), s(&v, "authzid"));
            let mut server = PlainServer::new(&store)
                .secure_channel(true)
                .password_prep(PasswordPrep::None);
            let ServerStep::Success { authenticated, .. } = server.start(Some(&msg)).unwrap()
            else {
                panic!()
            };
            assert_eq!(authenticated.authzid.as_deref(), Some(s(&v, "authzid")));
        }
    }
}

#[test]
fn digest_md5_both_sides() {
    use xmpp_sasl::digest_md5::{DigestMd5Client, DigestMd5Server, digest_md5_secret};
    struct Digest([u8; 16], String, String);
    impl CredentialStore for Digest {
        fn digest_md5_secret(&self, u: &str, r: &str) -> Result<Option<[u8; 16]>, Error> {
            Ok((u == self.1 && r == self.2).then_some(self.0))
        }
    }
    for v in vectors("digest_md5") {
        let (service, host) = s(&v, "digest_uri").split_once('/').unwrap();
        let mut nonces = FixedNonceSource::new([s(&v, "cnonce")]);
        let mut c = DigestMd5Client::new(
            s(&v, "username"),
            s(&v, "password"),
            service,
            host,
            &mut nonces,
        )
        .unwrap()
        .password_prep(PasswordPrep::None);
        assert_eq!(c.start().unwrap(), None);
        let resp = c.step(s(&v, "challenge").as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(resp).unwrap(),
            s(&v, "response_message"),
            "{}",
            s(&v, "source")
        );
        let rspauth = format!("rspauth={}", s(&v, "rspauth"));
        assert_eq!(c.step(rspauth.as_bytes()).unwrap(), b"");
        c.finish(None).unwrap();
        if let Some(l) = v.get("literal_lengths_checked") {
            assert_eq!(
                s(&v, "challenge").len() as u64,
                l["challenge"].as_u64().unwrap()
            );
            assert_eq!(
                s(&v, "response_message").len() as u64,
                l["response_message"].as_u64().unwrap()
            );
            assert_eq!(rspauth.len() as u64, l["rspauth_line"].as_u64().unwrap());
        }

        let secret = digest_md5_secret(s(&v, "username"), s(&v, "realm"), s(&v, "password"));
        let store = Digest(secret, s(&v, "username").into(), s(&v, "realm").into());
        let mut server = DigestMd5Server::new(
            &store,
            FixedNonceSource::new([s(&v, "nonce")]),
            service,
            host,
            s(&v, "realm"),
        );
        let ServerStep::Challenge(ch) = server.start(None).unwrap() else {
            panic!()
        };
        assert_eq!(
            String::from_utf8(ch).unwrap(),
            s(&v, "challenge"),
            "{}",
            s(&v, "source")
        );
        let ServerStep::Challenge(r) = server.step(s(&v, "response_message").as_bytes()).unwrap()
        else {
            panic!()
        };
        assert_eq!(String::from_utf8(r).unwrap(), rspauth);
        let ServerStep::Success {
            authenticated,
            additional_data: None,
        } = server.step(b"").unwrap()
        else {
            panic!()
        };
        assert_eq!(authenticated.authcid.as_deref(), Some(s(&v, "username")));
    }
}

#[cfg(feature = "saslprep")]
#[test]
fn saslprep_vectors() {
    for v in vectors("saslprep") {
        let r = PasswordPrep::SaslPrep.prepare(s(&v, "input"));
        match v.get("output").and_then(Value::as_str) {
            Some(out) => assert_eq!(r.unwrap(), out, "#{}", v["n"]),
            None => assert!(r.is_err(), "#{} must fail ({})", v["n"], s(&v, "error")),
        }
    }
}
