//! Selection end to end: the server advertises per its policy, the client selects and
//! builds its mechanism, and XEP-0474 / the `y` flag catch a stripped mechanism list.

use xmpp_sasl::scram::ScramServer;
use xmpp_sasl::select::{
    ClientCredentials, ClientPolicy, ServerOffer, ServerPolicy, client_for, select,
};
use xmpp_sasl::{
    ChannelBinding, ChannelBindingType, Condition, Mechanism, MemoryStore, PasswordPrep, Reason,
    SeededNonceSource, ServerMechanism, ServerStep, StoredCredentials,
};

const CB: &[u8] = b"exporter bytes";

fn store() -> MemoryStore {
    let mut s = MemoryStore::new();
    s.insert(
        "juliet",
        StoredCredentials::derive(
            "juliet",
            "r0m30",
            PasswordPrep::OpaqueString,
            b"salt",
            4096,
            &[],
        )
        .unwrap(),
    );
    s
}

fn server_policy() -> ServerPolicy {
    let mut p = ServerPolicy::default();
    p.tls = true;
    p.channel_binding_types = vec![ChannelBindingType::TlsExporter];
    p
}

/// Runs the exchange the client selected against a server that offered `policy`.
fn run(
    offer_seen_by_client: &ServerOffer,
    policy: &ServerPolicy,
    client_can_bind: bool,
) -> Result<Mechanism, xmpp_sasl::Error> {
    let store = store();
    let mut cp = ClientPolicy::default();
    cp.tls = true;
    if client_can_bind {
        cp.channel_binding_types = vec![ChannelBindingType::TlsExporter];
    }
    let sel = select(&cp, offer_seen_by_client)?;
    let mut creds = ClientCredentials::new("juliet", "r0m30", "example.com");
    if client_can_bind {
        creds.channel_bindings = vec![ChannelBinding::new(ChannelBindingType::TlsExporter, CB)];
    }
    let mut client = client_for(&sel, &creds, &mut SeededNonceSource::new(1))?;
    let mut server = ScramServer::new(sel.mechanism, &store, SeededNonceSource::new(2))?
        .offered_plus(policy.offers_plus())
        .channel_binding(ChannelBinding::new(ChannelBindingType::TlsExporter, CB))
        .downgrade_protection(policy.downgrade_protection());
    let first = client.start()?.unwrap();
    let ServerStep::Challenge(sf) = server.start(Some(&first))? else {
        panic!()
    };
    let fin = client.step(&sf)?;
    let ServerStep::Success {
        additional_data, ..
    } = server.step(&fin)?
    else {
        panic!()
    };
    client.finish(additional_data.as_deref())?;
    Ok(sel.mechanism)
}

fn honest_offer(policy: &ServerPolicy) -> ServerOffer {
    let names: Vec<&str> = policy.advertised().iter().map(|m| m.name()).collect();
    ServerOffer::new(names, Some(policy.channel_binding_types.clone()))
}

#[test]
fn honest_offer_picks_strongest_plus() {
    let policy = server_policy();
    assert_eq!(
        run(&honest_offer(&policy), &policy, true).unwrap(),
        Mechanism::ScramSha512Plus
    );
    assert_eq!(
        run(&honest_offer(&policy), &policy, false).unwrap(),
        Mechanism::ScramSha512
    );
}

#[test]
fn stripped_plus_is_caught_by_downgrade_hash() {
    let policy = server_policy();
    // A man in the middle removed the -PLUS mechanisms; a client that cannot bind would
    // not notice without XEP-0474.
    let stripped = ServerOffer::new(
        ["SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1"],
        Some(policy.channel_binding_types.clone()),
    );
    let e = run(&stripped, &policy, false).unwrap_err();
    assert_eq!(e.reason(), &Reason::DowngradeProtection);
    // A client that can bind sends `y`, which the server rejects.
    let e = run(&stripped, &policy, true).unwrap_err();
    assert_eq!(e.reason(), &Reason::Downgrade);
    assert_eq!(e.condition(), Condition::NotAuthorized);
}

#[test]
fn stripped_binding_types_are_caught() {
    let policy = server_policy();
    let names: Vec<&str> = policy.advertised().iter().map(|m| m.name()).collect();
    let stripped = ServerOffer::new(names, Some(vec![ChannelBindingType::TlsServerEndPoint]));
    let e = run(&stripped, &policy, true).unwrap_err();
    assert_eq!(e.reason(), &Reason::DowngradeProtection);
}
