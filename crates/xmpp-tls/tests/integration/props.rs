use proptest::prelude::*;
use xmpp_tls::{
    ChannelBindingType, Initiator, InitiatorState, NS_TLS, Receiver, TlsPolicy, failure, proceed,
    starttls_feature, starttls_request,
};
use xmpp_xml::{Element, STREAM_NS};

use crate::harness::*;

fn policy() -> impl Strategy<Value = TlsPolicy> {
    prop_oneof![
        Just(TlsPolicy::Required),
        Just(TlsPolicy::Optional),
        Just(TlsPolicy::Disabled)
    ]
}

fn element() -> impl Strategy<Value = Element> {
    prop_oneof![
        Just(starttls_request()),
        Just(proceed()),
        Just(failure()),
        Just(starttls_feature(true)),
        Just(
            Element::builder(STREAM_NS, "features")
                .child(starttls_feature(false))
                .build()
                .unwrap()
        ),
        Just(Element::builder(STREAM_NS, "features").build().unwrap()),
        Just(Element::builder(NS_TLS, "required").build().unwrap()),
        Just(
            Element::builder("jabber:client", "message")
                .build()
                .unwrap()
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Any split of the byte streams gives the same outcome: both secure, identical
    /// bindings, the restarted stream seen on both sides.
    #[test]
    fn starttls_outcome_is_split_invariant(sizes in proptest::collection::vec(1usize..300, 1..8)) {
        let p = pki(&[DOMAIN]);
        let mut c = Side::starttls_client(client_config(&p.ca, TLS13, false), DOMAIN, TlsPolicy::Required);
        let mut s = Side::starttls_server(server_config(&p, TLS13, false), TlsPolicy::Required);
        run_split(&mut c, &mut s, &sizes);
        prop_assert!(c.is_secure() && s.is_secure());
        prop_assert_eq!(c.bindings(), s.bindings());
        prop_assert!(c.bindings().unwrap().get(ChannelBindingType::TlsExporter).is_ok());
        prop_assert_eq!(c.secure_frames.len(), 2);
        prop_assert_eq!(s.secure_frames.len(), 1);
    }
}

proptest! {
    /// Without an engine's completed handshake no element sequence makes a machine
    /// secure, and every call returns (never panics).
    #[test]
    fn machines_never_secure_from_elements(
        pol in policy(),
        seq in proptest::collection::vec((element(), 0usize..3), 0..12),
    ) {
        let mut i = Initiator::new(pol);
        let mut r = Receiver::new(pol);
        for (e, pending) in &seq {
            if i.state() == InitiatorState::AwaitingFeatures {
                let _ = i.handle_features(e);
            } else {
                let _ = i.handle_element(e, *pending);
            }
            let _ = r.handle_element(e, *pending);
            let _ = r.feature();
            prop_assert!(!i.is_secure() && !r.is_secure());
            prop_assert!(i.channel_bindings().is_none() && r.channel_bindings().is_none());
        }
    }

    /// The DER walk never panics.
    #[test]
    fn end_point_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = xmpp_tls::server_end_point(&bytes);
    }
}
