//! Building the connection under test from a transcript's `client`/`server` lines.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use xmpp_core::deps::xmpp_sasl::FixedNonceSource;
use xmpp_core::deps::xmpp_tls::Role as TlsRole;
use xmpp_core::testing::NullTlsEngine;
use xmpp_core::{
    BareJid, ClientConfig, ClientTls, DefinedCondition, LegacySession, Limits, Mechanism,
    MemoryStore, NonceSource, PasswordPrep, SeededNonceSource, ServerConfig, ServerTls,
    StoredCredentials, Timeouts, TlsMode,
};

use crate::format::{Transcript, duration};

type Map = BTreeMap<String, Vec<String>>;

fn one<'a>(m: &'a Map, key: &str) -> Option<&'a str> {
    m.get(key).and_then(|v| v.last()).map(String::as_str)
}

fn mechanisms(list: &str) -> Result<Vec<Mechanism>, String> {
    list.split(',')
        .map(|n| Mechanism::from_name(n).ok_or_else(|| format!("unknown mechanism {n}")))
        .collect()
}

fn flag(m: &Map, key: &str) -> Result<Option<bool>, String> {
    match one(m, key) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(v) => Err(format!("{key} must be true or false, not {v}")),
    }
}

/// Randomness: `nonce=` values first (SCRAM nonces, in order), other octets from the
/// seed (`seed=`, default 1).
fn random(m: &Map) -> Result<Box<dyn NonceSource + Send>, String> {
    let nonces = m.get("nonce").cloned().unwrap_or_default();
    if nonces.is_empty() {
        let seed = one(m, "seed")
            .map_or(Ok(1), str::parse)
            .map_err(|_| "bad seed")?;
        Ok(Box::new(SeededNonceSource::new(seed)))
    } else {
        Ok(Box::new(FixedNonceSource::new(nonces)))
    }
}

fn timeouts(m: &Map) -> Result<Timeouts, String> {
    let mut t = Timeouts::default();
    let set = |key: &str, slot: &mut std::time::Duration| -> Result<(), String> {
        if let Some(v) = one(m, key) {
            *slot = duration(v)?;
        }
        Ok(())
    };
    set("negotiation-timeout", &mut t.negotiation)?;
    set("keepalive", &mut t.keepalive)?;
    set("ping-interval", &mut t.ping_interval)?;
    set("ping-timeout", &mut t.ping_timeout)?;
    set("close-timeout", &mut t.close)?;
    Ok(t)
}

fn limits(m: &Map, key: &str, base: Limits) -> Result<Limits, String> {
    let mut l = base;
    if let Some(v) = one(m, key) {
        l.max_element_bytes = v.parse().map_err(|_| format!("bad {key}"))?;
    }
    Ok(l)
}

fn tls_mode(v: &str) -> Result<Option<TlsMode>, String> {
    Ok(match v {
        "none" => None,
        "null-starttls" => Some(TlsMode::StartTls { required: true }),
        "null-starttls-optional" => Some(TlsMode::StartTls { required: false }),
        "null-direct" => Some(TlsMode::Direct),
        _ => return Err(format!("unknown tls setting {v}")),
    })
}

const COMMON_KEYS: &[&str] = &[
    "tls",
    "mechanisms",
    "nonce",
    "seed",
    "negotiation-timeout",
    "keepalive",
    "ping-interval",
    "ping-timeout",
    "close-timeout",
    "max-stanza",
    "pre-auth-max-stanza",
];
const CLIENT_KEYS: &[&str] = &["jid", "password", "resource", "allow-plain"];
const SERVER_KEYS: &[&str] = &[
    "domains",
    "user",
    "salt",
    "iterations",
    "cb-advertise",
    "legacy-session",
    "max-auth-failures",
    "max-auth-attempts",
    "downgrade-protection",
];

fn check_keys(m: &Map, own: &[&str], who: &str) -> Result<(), String> {
    match m
        .keys()
        .find(|k| !COMMON_KEYS.contains(&k.as_str()) && !own.contains(&k.as_str()))
    {
        Some(k) => Err(format!("unknown {who} setting `{k}`")),
        None => Ok(()),
    }
}

pub fn client(t: &Transcript) -> Result<ClientConfig, String> {
    let m = &t.client;
    check_keys(m, CLIENT_KEYS, "client")?;
    let jid = one(m, "jid").ok_or("client jid= missing")?;
    let jid = BareJid::new(jid).map_err(|e| format!("client jid: {e}"))?;
    let mut c = ClientConfig::new(jid, one(m, "password").unwrap_or(""))
        .resource(one(m, "resource").map(String::from))
        .random(random(m)?)
        .timeouts(timeouts(m)?)
        .limits(limits(m, "max-stanza", Limits::default())?)
        .pre_auth_limits(limits(m, "pre-auth-max-stanza", Limits::pre_auth())?);
    if let Some(mode) = tls_mode(one(m, "tls").unwrap_or("none"))? {
        c = c.tls(ClientTls::Engine {
            engine: Box::new(NullTlsEngine::new(TlsRole::Client)),
            mode,
        });
    }
    if let Some(list) = one(m, "mechanisms") {
        c = c.mechanisms(mechanisms(list)?);
    }
    if let Some(b) = flag(m, "allow-plain")? {
        c = c.allow_plain(b);
    }
    Ok(c)
}

/// The server's account store: `user=name:password` entries, SCRAM keys derived with
/// `salt=` (base64) and `iterations=` (default 4096). Built once per transcript.
pub fn store(t: &Transcript) -> Result<Arc<MemoryStore>, String> {
    let m = &t.server;
    let salt = match one(m, "salt") {
        Some(s) => base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|e| format!("salt: {e}"))?,
        None => b"golden-transcript-salt".to_vec(),
    };
    let iterations: u32 = one(m, "iterations")
        .map_or(Ok(4096), str::parse)
        .map_err(|_| "bad iterations")?;
    let domain = one(m, "domains")
        .and_then(|d| d.split(',').next())
        .unwrap_or("");
    let mut store = MemoryStore::new();
    for u in m.get("user").into_iter().flatten() {
        let (name, pass) = u.split_once(':').ok_or("user= needs name:password")?;
        let creds = StoredCredentials::derive(
            name,
            pass,
            PasswordPrep::OpaqueString,
            &salt,
            iterations,
            &[domain],
        )
        .map_err(|e| format!("deriving credentials for {name}: {e}"))?;
        store.insert(name, creds);
    }
    Ok(Arc::new(store))
}

pub fn server(t: &Transcript, store: &Arc<MemoryStore>) -> Result<ServerConfig, String> {
    let m = &t.server;
    check_keys(m, SERVER_KEYS, "server")?;
    let domains: Vec<String> = one(m, "domains")
        .ok_or("server domains= missing")?
        .split(',')
        .map(String::from)
        .collect();
    let creds: Arc<dyn xmpp_core::CredentialStore + Send + Sync> = store.clone();
    let mut s = ServerConfig::new(domains, creds)
        .random(random(m)?)
        .timeouts(timeouts(m)?)
        .limits(limits(m, "max-stanza", Limits::default())?)
        .pre_auth_limits(limits(m, "pre-auth-max-stanza", Limits::pre_auth())?);
    if let Some(mode) = tls_mode(one(m, "tls").unwrap_or("none"))? {
        s = s.tls(ServerTls::Engine {
            engine: Box::new(NullTlsEngine::new(TlsRole::Server)),
            mode,
        });
    }
    if let Some(list) = one(m, "mechanisms") {
        s = s.mechanisms(mechanisms(list)?);
    }
    if let Some(b) = flag(m, "cb-advertise")? {
        s = s.advertise_channel_binding(b);
    }
    if let Some(v) = one(m, "legacy-session") {
        s = s.legacy_session(match v {
            "off" => LegacySession::Off,
            "optional" => LegacySession::Optional,
            "required" => LegacySession::Required,
            _ => return Err(format!("bad legacy-session {v}")),
        });
    }
    if let Some(b) = flag(m, "downgrade-protection")? {
        s = s.downgrade_protection(b);
    }
    if let Some(v) = one(m, "max-auth-failures") {
        s = s.max_auth_failures(v.parse().map_err(|_| "bad max-auth-failures")?);
    }
    if let Some(v) = one(m, "max-auth-attempts") {
        s = s.max_auth_attempts(v.parse().map_err(|_| "bad max-auth-attempts")?);
    }
    Ok(s)
}

pub fn condition(name: &str) -> Result<DefinedCondition, String> {
    DefinedCondition::from_name(name).ok_or_else(|| format!("unknown stanza condition {name}"))
}
