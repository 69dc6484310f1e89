//! The SCRAM server ([RFC 5802 §5](https://www.rfc-editor.org/rfc/rfc5802#section-5)),
//! working from stored keys only.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

use base64::Engine as _;
use subtle::ConstantTimeEq;

use super::DowngradeProtection;
use super::keys::{self, Key, ScramKeys};
use super::messages::{self, B64, CbindFlag};
use crate::channel_binding::ChannelBinding;
use crate::error::{Condition, Error, Reason};
use crate::mechanism::{Authenticated, Limits, Mechanism, ScramHash, ServerMechanism, ServerStep};
use crate::nonce::NonceSource;
use crate::prep::UsernamePrep;
use crate::store::CredentialStore;

struct Pending {
    gs2_header: String,
    cb_data: Vec<u8>,
    bare: String,
    server_first: String,
    nonce: String,
    keys: ScramKeys,
    known: bool,
    username: String,
    authzid: Option<String>,
}

enum State {
    Initial,
    AwaitFirst,
    AwaitFinal(alloc::boxed::Box<Pending>),
    Done,
    Failed,
}

/// The server side of SCRAM-SHA-1/256/512 and their -PLUS variants.
pub struct ScramServer<S: CredentialStore, N: NonceSource> {
    hash: ScramHash,
    plus: bool,
    store: S,
    nonces: N,
    offered_plus: bool,
    channel_bindings: Vec<ChannelBinding>,
    username_prep: UsernamePrep,
    limits: Limits,
    downgrade: Option<DowngradeProtection>,
    unknown_user: Option<(Key, u32)>,
    state: State,
}

impl<S: CredentialStore, N: NonceSource> ScramServer<S, N> {
    /// A server for `mechanism` (a SCRAM mechanism) over `store`, with nonces and fake
    /// salts for unknown users from `nonces`.
    pub fn new(mechanism: Mechanism, store: S, nonces: N) -> Result<Self, Error> {
        let hash = mechanism
            .scram_hash()
            .ok_or(Error::new(Condition::InvalidMechanism, Reason::NoMechanism))?;
        Ok(ScramServer {
            hash,
            plus: mechanism.is_plus(),
            store,
            nonces,
            offered_plus: mechanism.is_plus(),
            channel_bindings: Vec::new(),
            username_prep: UsernamePrep::default(),
            limits: Limits::default(),
            downgrade: None,
            unknown_user: None,
            state: State::Initial,
        })
    }

    /// Whether this server advertised any -PLUS mechanism (default: true for a -PLUS
    /// mechanism, false otherwise). When true, a client sending `y` is a downgrade and
    /// fails ([RFC 5802 §6](https://www.rfc-editor.org/rfc/rfc5802#section-6)).
    pub fn offered_plus(mut self, offered: bool) -> Self {
        self.offered_plus = offered;
        self
    }

    /// Channel-binding data the TLS layer provides (one entry per supported type).
    pub fn channel_binding(mut self, binding: ChannelBinding) -> Self {
        self.channel_bindings.retain(|b| b.kind() != binding.kind());
        self.channel_bindings.push(binding);
        self
    }

    /// Username preparation applied before the store lookup (default none).
    pub fn username_prep(mut self, prep: UsernamePrep) -> Self {
        self.username_prep = prep;
        self
    }

    /// Limits on the client's messages.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Adds the XEP-0474 `d=` attribute to the server-first-message.
    pub fn downgrade_protection(mut self, dp: DowngradeProtection) -> Self {
        self.downgrade = Some(dp);
        self
    }

    /// Answers unknown users with a salt derived from `secret` and the username, and
    /// with `iterations`, so that repeated attempts see the same values a real account
    /// would show ([RFC 5802 §9](https://www.rfc-editor.org/rfc/rfc5802#section-9)).
    /// Without it (the default) the fake salt is fresh each time and the iteration count
    /// is 4096.
    pub fn mask_unknown_users(mut self, secret: &[u8], iterations: u32) -> Self {
        let key = keys::hmac(ScramHash::Sha256, secret, &[b"xmpp-sasl unknown user salt"]);
        self.unknown_user = Some((key, iterations.max(1)));
        self
    }

    fn fail(&mut self, e: Error) -> Error {
        self.state = State::Failed;
        e
    }

    fn fake_keys(&mut self, username: &str) -> Result<ScramKeys, Error> {
        let mut salt = [0u8; 16];
        let mut iterations = 4096;
        match &self.unknown_user {
            Some((secret, i)) => {
                let h = keys::hmac(ScramHash::Sha256, secret.as_bytes(), &[username.as_bytes()]);
                salt.copy_from_slice(&h.as_bytes()[..16]);
                iterations = *i;
            }
            None => self.nonces.fill_bytes(&mut salt)?,
        }
        let mut k = [0u8; 64];
        self.nonces.fill_bytes(&mut k)?;
        let n = self.hash.output_len();
        let key = Key::from_slice(&k[..n]).ok_or(Error::unexpected())?;
        Ok(ScramKeys {
            hash: self.hash,
            salt: salt.into(),
            iterations,
            stored_key: key.clone(),
            server_key: key,
        })
    }

    fn client_first(&mut self, data: &[u8]) -> Result<ServerStep, Error> {
        self.limits.check_len(data)?;
        let msg = core::str::from_utf8(data).map_err(|_| Error::malformed(Reason::Utf8))?;
        let cf = messages::parse_client_first(msg, &self.limits)?;
        let cb_data = match (cf.flag, self.plus) {
            (CbindFlag::Required(kind), true) => self
                .channel_bindings
                .iter()
                .find(|b| b.kind() == kind)
                .map(|b| Vec::from(b.data()))
                .ok_or(Error::not_authorized(Reason::UnsupportedChannelBindingType))?,
            (CbindFlag::Required(_), false) | (_, true) => {
                return Err(Error::malformed(Reason::ChannelBindingFlag));
            }
            (CbindFlag::ClientOnly, false) if self.offered_plus => {
                return Err(Error::not_authorized(Reason::Downgrade));
            }
            _ => Vec::new(),
        };
        let username = self.username_prep.prepare(&cf.username)?.into_owned();
        let (keys, known) = match self.store.scram_keys(&username, self.hash)? {
            Some(k) if k.hash == self.hash && !k.salt.is_empty() && k.iterations > 0 => (k, true),
            _ => (self.fake_keys(&username)?, false),
        };
        let suffix = self.nonces.nonce()?;
        if !messages::is_valid_nonce(&suffix) {
            return Err(Error::new(
                Condition::TemporaryAuthFailure,
                Reason::Randomness,
            ));
        }
        let mut nonce = String::from(cf.nonce);
        nonce.push_str(&suffix);
        let mut server_first = String::from("r=");
        server_first.push_str(&nonce);
        server_first.push_str(",s=");
        B64.encode_string(&keys.salt, &mut server_first);
        let _ = write!(server_first, ",i={}", keys.iterations);
        if let Some(dp) = &self.downgrade {
            server_first.push_str(",d=");
            B64.encode_string(dp.hash(self.hash).as_bytes(), &mut server_first);
        }
        let out = Vec::from(server_first.as_bytes());
        self.state = State::AwaitFinal(alloc::boxed::Box::new(Pending {
            gs2_header: cf.gs2_header.into(),
            cb_data,
            bare: cf.bare.into(),
            server_first,
            nonce,
            keys,
            known,
            username,
            authzid: cf.authzid,
        }));
        Ok(ServerStep::Challenge(out))
    }

    fn client_final(&mut self, p: &Pending, data: &[u8]) -> Result<ServerStep, Error> {
        self.limits.check_len(data)?;
        let msg = core::str::from_utf8(data).map_err(|_| Error::malformed(Reason::Utf8))?;
        let cf = messages::parse_client_final(msg, &self.limits)?;
        // c= must be base64(gs2-header || channel-binding data), compared in constant time.
        let (head, data) = cf
            .channel_binding
            .split_at_checked(p.gs2_header.len())
            .unwrap_or((&[], &[]));
        let cb_ok = cf.channel_binding.len() == p.gs2_header.len() + p.cb_data.len()
            && bool::from(head.ct_eq(p.gs2_header.as_bytes()) & data.ct_eq(&p.cb_data));
        if !cb_ok {
            return Err(Error::not_authorized(Reason::ChannelBindingMismatch));
        }
        if cf.nonce != p.nonce {
            return Err(Error::not_authorized(Reason::NonceMismatch));
        }
        if cf.proof.len() != self.hash.output_len() {
            return Err(Error::not_authorized(Reason::InvalidProof));
        }
        let parts: [&[u8]; 5] = [
            p.bare.as_bytes(),
            b",",
            p.server_first.as_bytes(),
            b",",
            cf.without_proof.as_bytes(),
        ];
        let signature = keys::hmac(self.hash, p.keys.stored_key.as_bytes(), &parts);
        let mut client_key = [0u8; 64];
        for (i, (a, b)) in cf.proof.iter().zip(signature.as_bytes()).enumerate() {
            client_key[i] = a ^ b;
        }
        let computed = keys::hash(self.hash, &client_key[..self.hash.output_len()]);
        zeroize::Zeroize::zeroize(&mut client_key);
        if !(p.keys.stored_key.ct_eq(computed.as_bytes()) & p.known) {
            return Err(Error::not_authorized(if p.known {
                Reason::InvalidProof
            } else {
                Reason::UnknownUser
            }));
        }
        if let Some(z) = &p.authzid
            && !self.store.authorize(Some(&p.username), z)?
        {
            return Err(Error::new(
                Condition::InvalidAuthzid,
                Reason::AuthzidNotAllowed,
            ));
        }
        let server_signature = keys::hmac(self.hash, p.keys.server_key.as_bytes(), &parts);
        let mut v = String::from("v=");
        B64.encode_string(server_signature.as_bytes(), &mut v);
        Ok(ServerStep::Success {
            additional_data: Some(v.into_bytes()),
            authenticated: Authenticated {
                authcid: Some(p.username.clone()),
                authzid: p.authzid.clone(),
                trace: None,
            },
        })
    }
}

impl<S: CredentialStore, N: NonceSource> ServerMechanism for ScramServer<S, N> {
    fn mechanism(&self) -> Mechanism {
        self.hash.mechanism(self.plus)
    }

    fn start(&mut self, initial_response: Option<&[u8]>) -> Result<ServerStep, Error> {
        if !matches!(self.state, State::Initial) {
            return Err(self.fail(Error::unexpected()));
        }
        match initial_response {
            None => {
                self.state = State::AwaitFirst;
                Ok(ServerStep::Challenge(Vec::new()))
            }
            Some(data) => self.client_first(data).map_err(|e| self.fail(e)),
        }
    }

    fn step(&mut self, response: &[u8]) -> Result<ServerStep, Error> {
        match core::mem::replace(&mut self.state, State::Failed) {
            State::AwaitFirst => self.client_first(response).map_err(|e| self.fail(e)),
            State::AwaitFinal(p) => {
                let r = self.client_final(&p, response).map_err(|e| self.fail(e))?;
                self.state = State::Done;
                Ok(r)
            }
            _ => Err(self.fail(Error::unexpected())),
        }
    }
}

impl<S: CredentialStore, N: NonceSource> fmt::Debug for ScramServer<S, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramServer")
            .field("mechanism", &self.hash.mechanism(self.plus))
            .field("offered_plus", &self.offered_plus)
            .field("channel_bindings", &self.channel_bindings)
            .finish_non_exhaustive()
    }
}
