//! Conformance driver: runs our SCRAM client against our SCRAM server with exactly the
//! values given on each JSON input line, and prints one JSON result line per input line.
//!
//! Input: `{"mechanism","username","password","authzid"?,"client_nonce","server_nonce",
//! "salt_b64","iterations","channel_binding"?:{"type","data_b64"},
//! "password_prep"?:"opaque-string"|"saslprep"|"none"}`. `server_nonce` is either the
//! server's part or the full nonce (when it starts with `client_nonce`). A
//! `channel_binding` with a non-PLUS mechanism means a client that can bind talking to a
//! server that offered no -PLUS (gs2 flag `y`). No minimum iteration count is applied.
//!
//! Output: `{"client_first","server_first","client_final","server_final","ok":true}` or
//! `{"error":"<condition>: <reason>"}`.

use std::io::{BufRead, Write};

use base64::Engine as _;
use serde_json::{Value, json};
use xmpp_sasl::scram::{ScramClient, ScramServer};
use xmpp_sasl::{
    ChannelBinding, ChannelBindingType, ClientMechanism, Condition, Error, FixedNonceSource,
    Mechanism, MemoryStore, PasswordPrep, Reason, ServerMechanism, ServerStep, StoredCredentials,
};

fn bad(what: &'static str) -> Error {
    Error::new(Condition::MalformedRequest, Reason::Syntax(what))
}

fn field<'a>(v: &'a Value, k: &'static str) -> Result<&'a str, Error> {
    v.get(k)
        .and_then(Value::as_str)
        .ok_or(Error::new(Condition::MalformedRequest, Reason::Missing(k)))
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8_lossy(&b).into_owned()
}

fn run(v: &Value) -> Result<String, Error> {
    let mechanism = Mechanism::from_name(field(v, "mechanism")?)
        .filter(|m| m.scram_hash().is_some())
        .ok_or(Error::new(Condition::InvalidMechanism, Reason::NoMechanism))?;
    let username = field(v, "username")?;
    let password = field(v, "password")?;
    let authzid = v.get("authzid").and_then(Value::as_str);
    let client_nonce = field(v, "client_nonce")?;
    let server_nonce = field(v, "server_nonce")?;
    let suffix = match server_nonce.strip_prefix(client_nonce) {
        Some(rest) if !rest.is_empty() => rest,
        _ => server_nonce,
    };
    let salt = base64::engine::general_purpose::STANDARD
        .decode(field(v, "salt_b64")?)
        .map_err(|_| Error::new(Condition::IncorrectEncoding, Reason::Base64))?;
    let iterations = v
        .get("iterations")
        .and_then(Value::as_u64)
        .and_then(|i| u32::try_from(i).ok())
        .filter(|i| *i > 0)
        .ok_or(bad("iterations"))?;
    let prep = match v.get("password_prep").and_then(Value::as_str) {
        None | Some("opaque-string") => PasswordPrep::OpaqueString,
        Some("saslprep") => PasswordPrep::SaslPrep,
        Some("none") => PasswordPrep::None,
        Some(_) => return Err(bad("password_prep")),
    };
    let binding = match v.get("channel_binding") {
        None | Some(Value::Null) => None,
        Some(cb) => {
            let kind = ChannelBindingType::from_name(field(cb, "type")?).ok_or(Error::new(
                Condition::MalformedRequest,
                Reason::UnsupportedChannelBindingType,
            ))?;
            let data = base64::engine::general_purpose::STANDARD
                .decode(field(cb, "data_b64")?)
                .map_err(|_| Error::new(Condition::IncorrectEncoding, Reason::Base64))?;
            Some(ChannelBinding::new(kind, data))
        }
    };

    let mut store = MemoryStore::new();
    store.insert(
        username,
        StoredCredentials::derive(username, password, prep, &salt, iterations, &[])?,
    );
    if let Some(z) = authzid {
        store.allow_authzid(username, z);
    }

    let mut client = ScramClient::new(
        mechanism,
        username,
        password,
        &mut FixedNonceSource::new([client_nonce]),
    )?
    .password_prep(prep)
    .iterations(1..=xmpp_sasl::scram::DEFAULT_ITERATIONS.end().to_owned())
    .server_supports_plus(mechanism.is_plus());
    let mut server = ScramServer::new(mechanism, &store, FixedNonceSource::new([suffix]))?;
    if let Some(cb) = binding {
        client = client.channel_binding(cb.clone());
        if mechanism.is_plus() {
            server = server.channel_binding(cb);
        }
    } else if mechanism.is_plus() {
        return Err(Error::new(
            Condition::MalformedRequest,
            Reason::NoChannelBindingData,
        ));
    }
    if let Some(z) = authzid {
        client = client.authzid(z);
    }

    let client_first = client.start()?.unwrap_or_default();
    let ServerStep::Challenge(server_first) = server.start(Some(&client_first))? else {
        return Err(Error::new(
            Condition::MalformedRequest,
            Reason::UnexpectedMessage,
        ));
    };
    let client_final = client.step(&server_first)?;
    let ServerStep::Success {
        additional_data, ..
    } = server.step(&client_final)?
    else {
        return Err(Error::new(
            Condition::MalformedRequest,
            Reason::UnexpectedMessage,
        ));
    };
    let server_final = additional_data.unwrap_or_default();
    client.finish(Some(&server_final))?;
    // Keys in the documented order (serde_json's map would sort them).
    let q = |b: Vec<u8>| Value::String(text(b)).to_string();
    Ok(format!(
        "{{\"client_first\":{},\"server_first\":{},\"client_final\":{},\"server_final\":{},\"ok\":true}}",
        q(client_first),
        q(server_first),
        q(client_final),
        q(server_final),
    ))
}

fn main() {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let result = match serde_json::from_str::<Value>(&line) {
            Ok(v) => run(&v).unwrap_or_else(|e| json!({ "error": e.to_string() }).to_string()),
            Err(e) => {
                json!({ "error": format!("malformed-request: invalid JSON: {e}") }).to_string()
            }
        };
        if writeln!(out, "{result}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break;
        }
    }
}
