//! The SCRAM client ([RFC 5802 §5](https://www.rfc-editor.org/rfc/rfc5802#section-5)).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::ops::RangeInclusive;

use base64::Engine as _;
use zeroize::Zeroizing;

use super::keys::{self, CacheKey, Key, NoCache, SaltedPasswordCache};
use super::messages::{self, B64, ServerFinal};
use super::{DEFAULT_ITERATIONS, DowngradeProtection};
use crate::channel_binding::ChannelBinding;
use crate::error::{Condition, Error, Reason};
use crate::mechanism::{ClientMechanism, Limits, Mechanism, ScramHash};
use crate::nonce::NonceSource;
use crate::prep::{PasswordPrep, UsernamePrep};

enum State {
    Initial,
    SentFirst { bare: String },
    SentFinal { server_signature: Key },
    Verified { server_signature: Key },
    Done,
    Failed,
}

/// The client side of SCRAM-SHA-1/256/512 and their -PLUS variants.
///
/// ```
/// use xmpp_sasl::{ClientMechanism, Mechanism, FixedNonceSource, PasswordPrep};
/// use xmpp_sasl::scram::ScramClient;
///
/// let mut nonces = FixedNonceSource::new(["fyko+d2lbbFgONRv9qkxdawL"]);
/// let mut client = ScramClient::new(Mechanism::ScramSha1, "user", "pencil", &mut nonces)
///     .unwrap()
///     .password_prep(PasswordPrep::None);
/// assert_eq!(client.start().unwrap().unwrap(), b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
/// ```
pub struct ScramClient<C: SaltedPasswordCache = NoCache> {
    hash: ScramHash,
    plus: bool,
    username: String,
    password: Zeroizing<String>,
    authzid: Option<String>,
    nonce: String,
    channel_binding: Option<ChannelBinding>,
    server_supports_plus: bool,
    iterations: RangeInclusive<u32>,
    password_prep: PasswordPrep,
    username_prep: UsernamePrep,
    limits: Limits,
    downgrade: Option<DowngradeProtection>,
    cache: C,
    gs2_header: String,
    state: State,
}

impl ScramClient<NoCache> {
    /// A client for `mechanism` (must be a SCRAM mechanism) authenticating `username`
    /// with `password`; draws its nonce from `nonces` now.
    pub fn new(
        mechanism: Mechanism,
        username: &str,
        password: &str,
        nonces: &mut dyn NonceSource,
    ) -> Result<Self, Error> {
        let hash = mechanism
            .scram_hash()
            .ok_or(Error::new(Condition::InvalidMechanism, Reason::NoMechanism))?;
        let nonce = nonces.nonce()?;
        if !messages::is_valid_nonce(&nonce) {
            return Err(Error::new(
                Condition::TemporaryAuthFailure,
                Reason::Randomness,
            ));
        }
        Ok(ScramClient {
            hash,
            plus: mechanism.is_plus(),
            username: username.into(),
            password: Zeroizing::new(password.into()),
            authzid: None,
            nonce,
            channel_binding: None,
            server_supports_plus: false,
            iterations: DEFAULT_ITERATIONS,
            password_prep: PasswordPrep::default(),
            username_prep: UsernamePrep::default(),
            limits: Limits::default(),
            downgrade: None,
            cache: NoCache,
            gs2_header: String::new(),
            state: State::Initial,
        })
    }
}

impl<C: SaltedPasswordCache> ScramClient<C> {
    /// Requests an authorization identity (`a=` in the gs2 header).
    pub fn authzid(mut self, authzid: impl Into<String>) -> Self {
        self.authzid = Some(authzid.into());
        self
    }

    /// The channel binding the TLS layer can provide. With a -PLUS mechanism it is
    /// used (`p=<type>`); with a plain SCRAM mechanism its presence means the client
    /// *could* bind, so the gs2 flag is `y` unless the server offered -PLUS
    /// ([RFC 5802 §6](https://www.rfc-editor.org/rfc/rfc5802#section-6)).
    pub fn channel_binding(mut self, binding: ChannelBinding) -> Self {
        self.channel_binding = Some(binding);
        self
    }

    /// Whether the server advertised any -PLUS mechanism (default `false`). When it did
    /// and we still use plain SCRAM, the flag is `n`, never `y`.
    pub fn server_supports_plus(mut self, offered: bool) -> Self {
        self.server_supports_plus = offered;
        self
    }

    /// Accepted iteration counts (default `4096..=1_000_000`).
    pub fn iterations(mut self, range: RangeInclusive<u32>) -> Self {
        self.iterations = range;
        self
    }

    /// Password preparation (default [`PasswordPrep::default`]).
    pub fn password_prep(mut self, prep: PasswordPrep) -> Self {
        self.password_prep = prep;
        self
    }

    /// Username preparation (default none).
    pub fn username_prep(mut self, prep: UsernamePrep) -> Self {
        self.username_prep = prep;
        self
    }

    /// Limits on the server's messages.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Verifies the XEP-0474 `d=` hash when the server sends one.
    pub fn downgrade_protection(mut self, dp: DowngradeProtection) -> Self {
        self.downgrade = Some(dp);
        self
    }

    /// Uses `cache` for salted passwords.
    pub fn cache<D: SaltedPasswordCache>(self, cache: D) -> ScramClient<D> {
        ScramClient {
            hash: self.hash,
            plus: self.plus,
            username: self.username,
            password: self.password,
            authzid: self.authzid,
            nonce: self.nonce,
            channel_binding: self.channel_binding,
            server_supports_plus: self.server_supports_plus,
            iterations: self.iterations,
            password_prep: self.password_prep,
            username_prep: self.username_prep,
            limits: self.limits,
            downgrade: self.downgrade,
            cache,
            gs2_header: self.gs2_header,
            state: self.state,
        }
    }

    /// Gives the cache back.
    pub fn into_cache(self) -> C {
        self.cache
    }

    /// Whether the server signature has been verified.
    pub fn is_server_verified(&self) -> bool {
        matches!(self.state, State::Verified { .. } | State::Done)
    }

    fn fail(&mut self, e: Error) -> Error {
        self.state = State::Failed;
        e
    }

    fn client_first(&mut self) -> Result<Vec<u8>, Error> {
        let caller = |r| Error::new(Condition::Aborted, r);
        let mut gs2 = String::new();
        if self.plus {
            let cb = self
                .channel_binding
                .as_ref()
                .ok_or(caller(Reason::NoChannelBindingData))?;
            gs2.push_str("p=");
            gs2.push_str(cb.kind().name());
        } else if self.channel_binding.is_some() && !self.server_supports_plus {
            gs2.push('y');
        } else {
            gs2.push('n');
        }
        gs2.push(',');
        if let Some(a) = &self.authzid {
            if a.is_empty() || a.contains('\0') {
                return Err(caller(Reason::ForbiddenCharacter));
            }
            gs2.push_str("a=");
            gs2.push_str(&messages::escape_saslname(a));
        }
        gs2.push(',');
        let user = self.username_prep.prepare(&self.username)?;
        if user.is_empty() || user.contains('\0') {
            return Err(caller(Reason::ForbiddenCharacter));
        }
        let mut bare = String::from("n=");
        bare.push_str(&messages::escape_saslname(&user));
        bare.push_str(",r=");
        bare.push_str(&self.nonce);
        let mut out = Vec::with_capacity(gs2.len() + bare.len());
        out.extend_from_slice(gs2.as_bytes());
        out.extend_from_slice(bare.as_bytes());
        self.gs2_header = gs2;
        self.state = State::SentFirst { bare };
        Ok(out)
    }

    fn client_final(&mut self, bare: &str, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        self.limits.check_len(challenge)?;
        let msg = core::str::from_utf8(challenge).map_err(|_| Error::malformed(Reason::Utf8))?;
        let sf = messages::parse_server_first(msg, &self.limits)?;
        if sf.nonce.len() <= self.nonce.len() || !sf.nonce.starts_with(self.nonce.as_str()) {
            return Err(Error::not_authorized(Reason::NonceMismatch));
        }
        if sf.iterations < *self.iterations.start() {
            return Err(Error::new(
                Condition::MechanismTooWeak,
                Reason::IterationCount(sf.iterations),
            ));
        }
        if sf.iterations > *self.iterations.end() {
            return Err(Error::malformed(Reason::IterationCount(sf.iterations)));
        }
        if let (Some(dp), Some(d)) = (&self.downgrade, sf.downgrade_hash) {
            let expected = dp.hash(self.hash);
            if !expected.ct_eq(&messages::b64_decode(d)?) {
                return Err(Error::not_authorized(Reason::DowngradeProtection));
            }
        }
        let password = Zeroizing::new(
            self.password_prep
                .prepare(self.password.as_str())?
                .into_owned(),
        );
        let key = CacheKey::new(self.hash, password.as_bytes(), &sf.salt, sf.iterations);
        let salted = match self.cache.get(&key) {
            Some(sp) => sp,
            None => {
                let sp =
                    keys::salted_password(self.hash, password.as_bytes(), &sf.salt, sf.iterations);
                self.cache.put(key, sp.clone());
                sp
            }
        };
        let mut cbind_input = Vec::from(self.gs2_header.as_bytes());
        if let (true, Some(cb)) = (self.plus, &self.channel_binding) {
            cbind_input.extend_from_slice(cb.data());
        }
        let mut without_proof = String::from("c=");
        B64.encode_string(&cbind_input, &mut without_proof);
        without_proof.push_str(",r=");
        without_proof.push_str(sf.nonce);
        let client_key = keys::client_key(self.hash, &salted);
        let stored_key = keys::hash(self.hash, client_key.as_bytes());
        let parts: [&[u8]; 5] = [
            bare.as_bytes(),
            b",",
            msg.as_bytes(),
            b",",
            without_proof.as_bytes(),
        ];
        let signature = keys::hmac(self.hash, stored_key.as_bytes(), &parts);
        let mut proof = Zeroizing::new(Vec::from(client_key.as_bytes()));
        for (p, s) in proof.iter_mut().zip(signature.as_bytes()) {
            *p ^= s;
        }
        let server_key = keys::server_key(self.hash, &salted);
        let server_signature = keys::hmac(self.hash, server_key.as_bytes(), &parts);
        let mut out = without_proof;
        out.push_str(",p=");
        B64.encode_string(proof.as_slice(), &mut out);
        self.state = State::SentFinal { server_signature };
        Ok(out.into_bytes())
    }

    fn verify_final(&mut self, data: &[u8], expected: &Key) -> Result<(), Error> {
        self.limits.check_len(data)?;
        let msg = core::str::from_utf8(data).map_err(|_| Error::malformed(Reason::Utf8))?;
        match messages::parse_server_final(msg, &self.limits)? {
            ServerFinal::Verifier(v) if expected.ct_eq(&v) => Ok(()),
            ServerFinal::Verifier(_) => Err(Error::not_authorized(Reason::ServerSignature)),
            ServerFinal::Error(e) => Err(Error::not_authorized(Reason::ServerError(e))),
        }
    }
}

impl<C: SaltedPasswordCache> ClientMechanism for ScramClient<C> {
    fn mechanism(&self) -> Mechanism {
        self.hash.mechanism(self.plus)
    }

    fn start(&mut self) -> Result<Option<Vec<u8>>, Error> {
        match self.state {
            State::Initial => self.client_first().map(Some).map_err(|e| self.fail(e)),
            _ => Err(self.fail(Error::unexpected())),
        }
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        match core::mem::replace(&mut self.state, State::Failed) {
            State::Initial => {
                // The server sent an empty challenge because we sent no initial response.
                if !challenge.is_empty() {
                    return Err(self.fail(Error::unexpected()));
                }
                self.client_first().map_err(|e| self.fail(e))
            }
            State::SentFirst { bare } => self
                .client_final(&bare, challenge)
                .map_err(|e| self.fail(e)),
            State::SentFinal { server_signature } => {
                self.verify_final(challenge, &server_signature)
                    .map_err(|e| self.fail(e))?;
                self.state = State::Verified { server_signature };
                Ok(Vec::new())
            }
            _ => Err(self.fail(Error::unexpected())),
        }
    }

    fn finish(&mut self, additional_data: Option<&[u8]>) -> Result<(), Error> {
        match (
            core::mem::replace(&mut self.state, State::Failed),
            additional_data,
        ) {
            (State::SentFinal { server_signature }, Some(data)) => {
                self.verify_final(data, &server_signature)
                    .map_err(|e| self.fail(e))?;
                self.state = State::Done;
                Ok(())
            }
            // Some servers repeat the server-final-message as additional data with
            // success after sending it as a challenge: it must verify again.
            (State::Verified { server_signature }, Some(data)) => {
                self.verify_final(data, &server_signature)
                    .map_err(|e| self.fail(e))?;
                self.state = State::Done;
                Ok(())
            }
            (State::Verified { .. }, None) => {
                self.state = State::Done;
                Ok(())
            }
            _ => Err(self.fail(Error::not_authorized(Reason::Incomplete))),
        }
    }
}

impl<C: SaltedPasswordCache> fmt::Debug for ScramClient<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramClient")
            .field("mechanism", &self.hash.mechanism(self.plus))
            .field("username", &self.username)
            .field("authzid", &self.authzid)
            .field("channel_binding", &self.channel_binding)
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}
