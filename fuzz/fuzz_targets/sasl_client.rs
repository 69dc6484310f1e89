//! Arbitrary server messages to every `xmpp-sasl` client mechanism: no panic, bounded
//! output, and never a completed authentication for a mechanism whose server must prove
//! itself (SCRAM's server signature, DIGEST-MD5's rspauth).

#![no_main]

use libfuzzer_sys::fuzz_target;
use xmpp_sasl::anonymous::AnonymousClient;
use xmpp_sasl::digest_md5::DigestMd5Client;
use xmpp_sasl::external::ExternalClient;
use xmpp_sasl::plain::PlainClient;
use xmpp_sasl::scram::ScramClient;
use xmpp_sasl::{
    ChannelBinding, ChannelBindingType, ClientMechanism, Mechanism, PasswordPrep, SeededNonceSource,
};

fuzz_target!(|input: (u8, Vec<Vec<u8>>, Option<Vec<u8>>)| {
    let (selector, challenges, success_data) = input;
    let mechanism = Mechanism::ALL[usize::from(selector) % Mechanism::ALL.len()];
    let mut nonces = SeededNonceSource::new(u64::from(selector));
    let mut client: Box<dyn ClientMechanism> = match mechanism {
        m if m.scram_hash().is_some() => Box::new(
            ScramClient::new(m, "user", "pencil", &mut nonces)
                .expect("SCRAM mechanism")
                .password_prep(PasswordPrep::None)
                // Keep PBKDF2 cheap per input; the bound itself is what is tested.
                .iterations(1..=4096)
                .channel_binding(ChannelBinding::new(
                    ChannelBindingType::TlsExporter,
                    [7u8; 32],
                ))
                .server_supports_plus(selector & 0x80 != 0),
        ),
        Mechanism::Plain => {
            Box::new(PlainClient::new("user", "pencil").password_prep(PasswordPrep::None))
        }
        Mechanism::DigestMd5 => Box::new(
            DigestMd5Client::new("user", "pencil", "xmpp", "example.com", &mut nonces)
                .expect("nonce")
                .password_prep(PasswordPrep::None),
        ),
        Mechanism::External => Box::new(ExternalClient::new()),
        _ => Box::new(AnonymousClient::new("trace")),
    };
    let server_must_prove = mechanism.scram_hash().is_some() || mechanism == Mechanism::DigestMd5;
    if client.start().is_err() {
        return;
    }
    for challenge in challenges.iter().take(8) {
        match client.step(challenge) {
            Ok(response) => assert!(response.len() <= 8192, "response too large"),
            Err(_) => {
                // After a failure nothing completes.
                assert!(client.finish(success_data.as_deref()).is_err());
                return;
            }
        }
    }
    let finished = client.finish(success_data.as_deref());
    if server_must_prove {
        assert!(
            finished.is_err(),
            "{mechanism} completed without a valid server proof"
        );
    }
});
