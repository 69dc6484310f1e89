//! The DIGEST-MD5 server ([RFC 2831 §2.1](https://www.rfc-editor.org/rfc/rfc2831#section-2.1)),
//! working from the stored `H(username:realm:password)`.

use alloc::string::String;
use core::fmt;

use subtle::ConstantTimeEq;

use super::directives::{self, push_quoted, single};
use super::{NC, ResponseInput};
use crate::error::{Condition, Error, Reason};
use crate::mechanism::{Authenticated, Limits, Mechanism, ServerMechanism, ServerStep};
use crate::nonce::NonceSource;
use crate::store::CredentialStore;

enum State {
    Initial,
    AwaitResponse { nonce: String },
    AwaitEmpty { authenticated: Authenticated },
    Done,
}

/// The server side of DIGEST-MD5 (`qop=auth`, `algorithm=md5-sess`, `charset=utf-8`).
pub struct DigestMd5Server<S: CredentialStore, N: NonceSource> {
    store: S,
    nonces: N,
    realm: String,
    service: String,
    host: String,
    rspauth_in_success: bool,
    limits: Limits,
    state: State,
}

impl<S: CredentialStore, N: NonceSource> DigestMd5Server<S, N> {
    /// A server for `service` (`"xmpp"`) at `host` (the XMPP domain), offering `realm`
    /// (for XMPP the domain as well).
    pub fn new(store: S, nonces: N, service: &str, host: &str, realm: &str) -> Self {
        DigestMd5Server {
            store,
            nonces,
            realm: realm.into(),
            service: service.into(),
            host: host.into(),
            rspauth_in_success: false,
            limits: Limits::default(),
            state: State::Initial,
        }
    }

    /// Send `rspauth` as additional data with success
    /// ([RFC 6120 §6.3.10](https://www.rfc-editor.org/rfc/rfc6120#section-6.3.10)) instead
    /// of as a final challenge (default `false`, which every client understands).
    pub fn rspauth_in_success(mut self, yes: bool) -> Self {
        self.rspauth_in_success = yes;
        self
    }

    /// Limits on the client's response.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    fn challenge(&mut self) -> Result<ServerStep, Error> {
        let nonce = self.nonces.nonce()?;
        if nonce.is_empty() || nonce.contains(['"', '\\']) {
            return Err(Error::new(
                Condition::TemporaryAuthFailure,
                Reason::Randomness,
            ));
        }
        let mut c = String::from("realm=");
        push_quoted(&mut c, &self.realm);
        c.push_str(",nonce=");
        push_quoted(&mut c, &nonce);
        c.push_str(",qop=\"auth\",algorithm=md5-sess,charset=utf-8");
        self.state = State::AwaitResponse { nonce };
        Ok(ServerStep::Challenge(c.into_bytes()))
    }

    fn digest_uri_ok(&self, uri: &str) -> bool {
        // digest-uri = serv-type "/" host [ "/" serv-name ] (RFC 2831 §2.1.2)
        let mut parts = uri.splitn(3, '/');
        let (Some(serv), Some(host)) = (parts.next(), parts.next()) else {
            return false;
        };
        let serv_name_ok = match parts.next() {
            None => true,
            Some(name) => name.eq_ignore_ascii_case(&self.host),
        };
        serv == self.service && host.eq_ignore_ascii_case(&self.host) && serv_name_ok
    }

    fn verify(&mut self, nonce: &str, data: &[u8]) -> Result<ServerStep, Error> {
        let ds = directives::parse(data, &self.limits)?;
        let get = |name| single(&ds, name);
        let username = get("username")?.ok_or(Error::malformed(Reason::Missing("username")))?;
        let their_nonce = get("nonce")?.ok_or(Error::malformed(Reason::Missing("nonce")))?;
        let cnonce = get("cnonce")?.ok_or(Error::malformed(Reason::Missing("cnonce")))?;
        let nc = get("nc")?.ok_or(Error::malformed(Reason::Missing("nc")))?;
        let uri = get("digest-uri")?.ok_or(Error::malformed(Reason::Missing("digest-uri")))?;
        let response = get("response")?.ok_or(Error::malformed(Reason::Missing("response")))?;
        match get("qop")? {
            None => {}
            Some(q) if q.eq_ignore_ascii_case("auth") => {}
            Some(_) => {
                return Err(Error::new(
                    Condition::MechanismTooWeak,
                    Reason::Unsupported("qop other than auth"),
                ));
            }
        }
        match get("charset")? {
            None => {}
            Some(c) if c.eq_ignore_ascii_case("utf-8") => {}
            Some(_) => return Err(Error::syntax("charset")),
        }
        if get("cipher")?.is_some() {
            return Err(Error::new(
                Condition::MechanismTooWeak,
                Reason::Unsupported("cipher"),
            ));
        }
        let realm = get("realm")?.unwrap_or("");
        let authzid = get("authzid")?;
        if cnonce.is_empty() || username.is_empty() {
            return Err(Error::syntax("empty cnonce or username"));
        }
        if their_nonce != nonce {
            return Err(Error::not_authorized(Reason::NonceMismatch));
        }
        if nc != NC {
            return Err(Error::not_authorized(Reason::Syntax("nonce count")));
        }
        // A client may omit the realm, which then counts as empty (RFC 2831 §2.1.2).
        if !realm.is_empty() && realm != self.realm {
            return Err(Error::not_authorized(Reason::Syntax("realm")));
        }
        if !self.digest_uri_ok(uri) {
            return Err(Error::not_authorized(Reason::Syntax("digest-uri")));
        }
        if response.len() != 32 || !response.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::syntax("response"));
        }
        let secret = self.store.digest_md5_secret(username, realm)?;
        let known = secret.is_some();
        let secret = secret.unwrap_or([0; 16]);
        let input = ResponseInput {
            secret: &secret,
            nonce,
            cnonce,
            authzid,
            digest_uri: uri,
        };
        let expected = input.response();
        let ok: bool = expected
            .as_bytes()
            .ct_eq(response.to_ascii_lowercase().as_bytes())
            .into();
        if !(ok && known) {
            return Err(Error::not_authorized(if known {
                Reason::InvalidProof
            } else {
                Reason::UnknownUser
            }));
        }
        let authzid = match authzid {
            Some(z) if !z.is_empty() && z != username => {
                if !self.store.authorize(Some(username), z)? {
                    return Err(Error::new(
                        Condition::InvalidAuthzid,
                        Reason::AuthzidNotAllowed,
                    ));
                }
                Some(String::from(z))
            }
            Some(z) if !z.is_empty() => Some(String::from(z)),
            _ => None,
        };
        let authenticated = Authenticated {
            authcid: Some(username.into()),
            authzid,
            trace: None,
        };
        let mut rsp = String::from("rspauth=");
        rsp.push_str(&input.rspauth());
        if self.rspauth_in_success {
            self.state = State::Done;
            Ok(ServerStep::Success {
                additional_data: Some(rsp.into_bytes()),
                authenticated,
            })
        } else {
            self.state = State::AwaitEmpty { authenticated };
            Ok(ServerStep::Challenge(rsp.into_bytes()))
        }
    }
}

impl<S: CredentialStore, N: NonceSource> ServerMechanism for DigestMd5Server<S, N> {
    fn mechanism(&self) -> Mechanism {
        Mechanism::DigestMd5
    }

    fn start(&mut self, initial_response: Option<&[u8]>) -> Result<ServerStep, Error> {
        match (&self.state, initial_response) {
            (State::Initial, None) => self.challenge(),
            (State::Initial, Some(b"")) => self.challenge(),
            _ => {
                self.state = State::Done;
                Err(Error::unexpected())
            }
        }
    }

    fn step(&mut self, response: &[u8]) -> Result<ServerStep, Error> {
        match core::mem::replace(&mut self.state, State::Done) {
            State::AwaitResponse { nonce } => self.verify(&nonce, response),
            State::AwaitEmpty { authenticated } if response.is_empty() => Ok(ServerStep::Success {
                additional_data: None,
                authenticated,
            }),
            _ => Err(Error::unexpected()),
        }
    }
}

impl<S: CredentialStore, N: NonceSource> fmt::Debug for DigestMd5Server<S, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestMd5Server")
            .field("realm", &self.realm)
            .field("service", &self.service)
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}
