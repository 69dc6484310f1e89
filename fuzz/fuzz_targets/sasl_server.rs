//! Arbitrary client messages to every `xmpp-sasl` server mechanism: no panic, bounded
//! output, and never `success` for a mechanism that needs a secret (SCRAM, DIGEST-MD5,
//! PLAIN: the fuzzer cannot know the password or compute the proofs).

#![no_main]

use libfuzzer_sys::fuzz_target;
use xmpp_sasl::anonymous::AnonymousServer;
use xmpp_sasl::digest_md5::DigestMd5Server;
use xmpp_sasl::external::ExternalServer;
use xmpp_sasl::plain::PlainServer;
use xmpp_sasl::scram::ScramServer;
use xmpp_sasl::{
    ChannelBinding, ChannelBindingType, Limits, Mechanism, MemoryStore, PasswordPrep,
    SeededNonceSource, ServerMechanism, ServerStep, StoredCredentials,
};

const PASSWORD: &str = "a password the fuzzer cannot guess: 5f0c2e9b7d41a86e";

fn store() -> MemoryStore {
    let mut store = MemoryStore::new();
    let creds = StoredCredentials::derive(
        "user",
        PASSWORD,
        PasswordPrep::None,
        b"fuzz salt",
        1,
        &["example.com"],
    )
    .expect("fixed credentials derive");
    store.insert("user", creds);
    store.allow_authzid("user", "admin");
    store
}

fuzz_target!(|input: (u8, bool, Vec<Vec<u8>>)| {
    let (selector, initial, messages) = input;
    let store = store();
    let mechanism = Mechanism::ALL[usize::from(selector) % Mechanism::ALL.len()];
    let nonces = SeededNonceSource::new(u64::from(selector));
    let limits = Limits::default();
    let mut server: Box<dyn ServerMechanism> = match mechanism {
        m if m.scram_hash().is_some() => Box::new(
            ScramServer::new(m, &store, nonces)
                .expect("SCRAM mechanism")
                .channel_binding(ChannelBinding::new(
                    ChannelBindingType::TlsExporter,
                    [7u8; 32],
                ))
                .offered_plus(selector & 0x80 != 0)
                .limits(limits.clone()),
        ),
        Mechanism::Plain => Box::new(
            PlainServer::new(&store)
                .secure_channel(selector & 0x80 != 0)
                .password_prep(PasswordPrep::None),
        ),
        Mechanism::DigestMd5 => Box::new(
            DigestMd5Server::new(&store, nonces, "xmpp", "example.com", "example.com")
                .rspauth_in_success(selector & 0x80 != 0),
        ),
        Mechanism::External => Box::new(ExternalServer::new(
            &store,
            (selector & 0x80 != 0).then(|| "user".into()),
        )),
        _ => Box::new(AnonymousServer::new()),
    };
    let needs_secret = !matches!(mechanism, Mechanism::External | Mechanism::Anonymous);
    let mut messages = messages.iter().take(8);
    let first = if initial {
        messages.next().map(Vec::as_slice)
    } else {
        None
    };
    let mut result = server.start(first);
    loop {
        match result {
            Ok(ServerStep::Challenge(challenge)) => {
                assert!(
                    challenge.len() <= limits.max_message_len,
                    "challenge too large"
                );
                match messages.next() {
                    Some(m) => result = server.step(m),
                    None => break,
                }
            }
            Ok(ServerStep::Success { .. }) => {
                assert!(!needs_secret, "{mechanism} succeeded on fuzzer input");
                // Nothing may follow a success.
                if let Some(m) = messages.next() {
                    assert!(server.step(m).is_err());
                }
                break;
            }
            Err(e) => {
                let _ = e.to_string();
                let _ = xmpp_sasl::scram::server_error_message(&e);
                // A failed exchange stays failed.
                if let Some(m) = messages.next() {
                    assert!(!matches!(server.step(m), Ok(ServerStep::Success { .. })));
                }
                break;
            }
        }
    }
});
