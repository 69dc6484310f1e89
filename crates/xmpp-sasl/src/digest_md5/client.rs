//! The DIGEST-MD5 client ([RFC 2831 §2.1](https://www.rfc-editor.org/rfc/rfc2831#section-2.1)).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::directives::{self, push_quoted, single};
use super::{NC, ResponseInput, digest_md5_secret};
use crate::error::{Condition, Error, Reason};
use crate::mechanism::{ClientMechanism, Limits, Mechanism};
use crate::nonce::NonceSource;
use crate::prep::PasswordPrep;

enum State {
    Initial,
    AwaitRspauth { rspauth: String },
    Verified { rspauth: String },
    Done,
    Failed,
}

/// The client side of DIGEST-MD5 (`qop=auth`).
pub struct DigestMd5Client {
    username: String,
    password: Zeroizing<String>,
    authzid: Option<String>,
    realm: Option<String>,
    digest_uri: String,
    cnonce: String,
    password_prep: PasswordPrep,
    limits: Limits,
    state: State,
}

impl DigestMd5Client {
    /// A client for `service` (`"xmpp"` for XMPP) at `host` (the XMPP domain), giving
    /// the digest-uri `service/host`; the cnonce is drawn from `nonces` now.
    pub fn new(
        username: &str,
        password: &str,
        service: &str,
        host: &str,
        nonces: &mut dyn NonceSource,
    ) -> Result<Self, Error> {
        let cnonce = nonces.nonce()?;
        if cnonce.is_empty() || cnonce.contains(['"', '\\']) {
            return Err(Error::new(
                Condition::TemporaryAuthFailure,
                Reason::Randomness,
            ));
        }
        let mut digest_uri = String::from(service);
        digest_uri.push('/');
        digest_uri.push_str(host);
        Ok(DigestMd5Client {
            username: username.into(),
            password: Zeroizing::new(password.into()),
            authzid: None,
            realm: None,
            digest_uri,
            cnonce,
            password_prep: PasswordPrep::default(),
            limits: Limits::default(),
            state: State::Initial,
        })
    }

    /// Requests an authorization identity.
    pub fn authzid(mut self, authzid: impl Into<String>) -> Self {
        self.authzid = Some(authzid.into());
        self
    }

    /// The realm to use (default: the first one the server offers, or empty).
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Some(realm.into());
        self
    }

    /// Password preparation (default [`PasswordPrep::default`]).
    pub fn password_prep(mut self, prep: PasswordPrep) -> Self {
        self.password_prep = prep;
        self
    }

    /// Limits on the server's challenges.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    fn response(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        let ds = directives::parse(challenge, &self.limits)?;
        let nonce = single(&ds, "nonce")?.ok_or(Error::malformed(Reason::Missing("nonce")))?;
        if nonce.is_empty() {
            return Err(Error::syntax("empty nonce"));
        }
        match single(&ds, "algorithm")? {
            Some(a) if a.eq_ignore_ascii_case("md5-sess") => {}
            Some(_) => return Err(Error::malformed(Reason::Unsupported("algorithm"))),
            None => return Err(Error::malformed(Reason::Missing("algorithm"))),
        }
        let utf8 = match single(&ds, "charset")? {
            Some(c) if c.eq_ignore_ascii_case("utf-8") => true,
            Some(_) => return Err(Error::syntax("charset")),
            None => false,
        };
        let qop_ok = match single(&ds, "qop")? {
            None => true,
            Some(q) => q.split(',').any(|o| o.trim().eq_ignore_ascii_case("auth")),
        };
        if !qop_ok {
            return Err(Error::new(
                Condition::MechanismTooWeak,
                Reason::Unsupported("qop without auth"),
            ));
        }
        let realm = match &self.realm {
            Some(r) => r.clone(),
            None => ds
                .iter()
                .find(|d| d.name == "realm")
                .map(|d| d.value.clone())
                .unwrap_or_default(),
        };
        let password = Zeroizing::new(
            self.password_prep
                .prepare(self.password.as_str())?
                .into_owned(),
        );
        let latin1 = |s: &str| s.chars().all(|c| (c as u32) < 0x100);
        let all_latin1 = latin1(&self.username) && latin1(&realm) && latin1(&password);
        if !utf8 && !all_latin1 {
            return Err(Error::new(
                Condition::Aborted,
                Reason::Unsupported("non-Latin-1 without charset=utf-8"),
            ));
        }
        let secret = Zeroizing::new(digest_md5_secret(&self.username, &realm, &password));
        let input = ResponseInput {
            secret: &secret,
            nonce,
            cnonce: &self.cnonce,
            authzid: self.authzid.as_deref(),
            digest_uri: &self.digest_uri,
        };
        let mut out = String::new();
        if utf8 {
            out.push_str("charset=utf-8,");
        }
        out.push_str("username=");
        push_quoted(&mut out, &self.username);
        out.push_str(",realm=");
        push_quoted(&mut out, &realm);
        out.push_str(",nonce=");
        push_quoted(&mut out, nonce);
        out.push_str(",nc=");
        out.push_str(NC);
        out.push_str(",cnonce=");
        push_quoted(&mut out, &self.cnonce);
        out.push_str(",digest-uri=");
        push_quoted(&mut out, &self.digest_uri);
        out.push_str(",response=");
        out.push_str(&input.response());
        out.push_str(",qop=auth");
        if let Some(z) = &self.authzid {
            out.push_str(",authzid=");
            push_quoted(&mut out, z);
        }
        self.state = State::AwaitRspauth {
            rspauth: input.rspauth(),
        };
        Ok(out.into_bytes())
    }

    fn check_rspauth(&self, data: &[u8], expected: &str) -> Result<(), Error> {
        let ds = directives::parse(data, &self.limits)?;
        let got = single(&ds, "rspauth")?.ok_or(Error::malformed(Reason::Missing("rspauth")))?;
        if bool::from(got.as_bytes().ct_eq(expected.as_bytes())) {
            Ok(())
        } else {
            Err(Error::not_authorized(Reason::ServerSignature))
        }
    }
}

impl ClientMechanism for DigestMd5Client {
    fn mechanism(&self) -> Mechanism {
        Mechanism::DigestMd5
    }

    fn start(&mut self) -> Result<Option<Vec<u8>>, Error> {
        // No initial response: the server speaks first.
        match self.state {
            State::Initial => Ok(None),
            _ => Err(Error::unexpected()),
        }
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        match core::mem::replace(&mut self.state, State::Failed) {
            State::Initial => self.response(challenge),
            State::AwaitRspauth { rspauth } => {
                self.check_rspauth(challenge, &rspauth)?;
                self.state = State::Verified { rspauth };
                Ok(Vec::new())
            }
            _ => Err(Error::unexpected()),
        }
    }

    fn finish(&mut self, additional_data: Option<&[u8]>) -> Result<(), Error> {
        match (
            core::mem::replace(&mut self.state, State::Failed),
            additional_data,
        ) {
            (State::AwaitRspauth { rspauth }, Some(data)) => {
                self.check_rspauth(data, &rspauth)?;
                self.state = State::Done;
                Ok(())
            }
            (State::Verified { rspauth }, Some(data)) => {
                self.check_rspauth(data, &rspauth)?;
                self.state = State::Done;
                Ok(())
            }
            (State::Verified { .. }, None) => {
                self.state = State::Done;
                Ok(())
            }
            _ => Err(Error::not_authorized(Reason::Incomplete)),
        }
    }
}

impl fmt::Debug for DigestMd5Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestMd5Client")
            .field("username", &self.username)
            .field("authzid", &self.authzid)
            .field("digest_uri", &self.digest_uri)
            .finish_non_exhaustive()
    }
}
