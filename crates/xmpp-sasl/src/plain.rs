//! PLAIN ([RFC 4616](https://www.rfc-editor.org/rfc/rfc4616)): `[authzid] NUL authcid NUL
//! passwd` in one message.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use zeroize::Zeroizing;

use crate::error::{Condition, Error, Reason};
use crate::mechanism::{
    Authenticated, ClientMechanism, Limits, Mechanism, ServerMechanism, ServerStep,
};
use crate::prep::{PasswordPrep, UsernamePrep};
use crate::single_message;
use crate::store::{CredentialStore, authorize_authzid};

/// Maximum length in octets of each of authzid, authcid and passwd
/// ([RFC 4616 §2](https://www.rfc-editor.org/rfc/rfc4616#section-2)).
pub const MAX_FIELD: usize = 255;

/// The client side of PLAIN.
pub struct PlainClient {
    authzid: Option<String>,
    authcid: String,
    password: Zeroizing<String>,
    password_prep: PasswordPrep,
    username_prep: UsernamePrep,
    sent: bool,
    failed: bool,
}

impl PlainClient {
    /// A client authenticating `authcid` with `password`.
    pub fn new(authcid: &str, password: &str) -> Self {
        PlainClient {
            authzid: None,
            authcid: authcid.into(),
            password: Zeroizing::new(password.into()),
            password_prep: PasswordPrep::default(),
            username_prep: UsernamePrep::default(),
            sent: false,
            failed: false,
        }
    }

    /// Requests an authorization identity.
    pub fn authzid(mut self, authzid: impl Into<String>) -> Self {
        self.authzid = Some(authzid.into());
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

    fn message(&self) -> Result<Vec<u8>, Error> {
        let caller = |r| Error::new(Condition::Aborted, r);
        let authcid = self.username_prep.prepare(&self.authcid)?;
        let password = Zeroizing::new(
            self.password_prep
                .prepare(self.password.as_str())?
                .into_owned(),
        );
        let authzid = self.authzid.as_deref().unwrap_or("");
        for (field, name) in [
            (authzid, "authzid"),
            (&authcid[..], "authcid"),
            (&password[..], "passwd"),
        ] {
            if field.contains('\0') {
                return Err(caller(Reason::ForbiddenCharacter));
            }
            if field.len() > MAX_FIELD {
                return Err(caller(Reason::FieldTooLong(name)));
            }
        }
        if authcid.is_empty() || password.is_empty() {
            return Err(caller(Reason::Missing("authcid or passwd")));
        }
        let mut m = Vec::with_capacity(authzid.len() + authcid.len() + password.len() + 2);
        m.extend_from_slice(authzid.as_bytes());
        m.push(0);
        m.extend_from_slice(authcid.as_bytes());
        m.push(0);
        m.extend_from_slice(password.as_bytes());
        Ok(m)
    }
}

impl ClientMechanism for PlainClient {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Plain
    }

    fn start(&mut self) -> Result<Option<Vec<u8>>, Error> {
        if self.sent {
            return Err(Error::unexpected());
        }
        self.sent = true;
        let m = self.message();
        self.failed = m.is_err();
        m.map(Some)
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        // Only an empty challenge after an `<auth/>` without initial response is valid.
        if challenge.is_empty() && !self.sent {
            self.sent = true;
            let m = self.message();
            self.failed = m.is_err();
            return m;
        }
        self.failed = true;
        Err(Error::unexpected())
    }

    fn finish(&mut self, additional_data: Option<&[u8]>) -> Result<(), Error> {
        single_message::client_finish(self.sent, &mut self.failed, additional_data)
    }
}

impl fmt::Debug for PlainClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlainClient")
            .field("authzid", &self.authzid)
            .field("authcid", &self.authcid)
            .finish_non_exhaustive()
    }
}

/// The parts of a PLAIN message.
struct Parsed<'a> {
    authzid: &'a str,
    authcid: &'a str,
    passwd: &'a str,
}

fn parse(msg: &[u8]) -> Result<Parsed<'_>, Error> {
    let mut parts = msg.splitn(3, |b| *b == 0);
    let (Some(z), Some(c), Some(p)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Error::syntax("PLAIN message needs two NULs"));
    };
    if p.contains(&0) {
        return Err(Error::malformed(Reason::ForbiddenCharacter));
    }
    for (field, name) in [(z, "authzid"), (c, "authcid"), (p, "passwd")] {
        if field.len() > MAX_FIELD {
            return Err(Error::malformed(Reason::FieldTooLong(name)));
        }
    }
    if c.is_empty() || p.is_empty() {
        return Err(Error::syntax("empty authcid or passwd"));
    }
    let utf8 = |b| core::str::from_utf8(b).map_err(|_| Error::malformed(Reason::Utf8));
    Ok(Parsed {
        authzid: utf8(z)?,
        authcid: utf8(c)?,
        passwd: utf8(p)?,
    })
}

/// The server side of PLAIN. Refuses to run (`encryption-required`) unless the caller
/// says the channel is protected ([RFC 4616 §6](https://www.rfc-editor.org/rfc/rfc4616#section-6),
/// [RFC 6120 §13.8.3](https://www.rfc-editor.org/rfc/rfc6120#section-13.8.3)).
pub struct PlainServer<S: CredentialStore> {
    store: S,
    secure: bool,
    password_prep: PasswordPrep,
    username_prep: UsernamePrep,
    limits: Limits,
    done: bool,
    started: bool,
}

impl<S: CredentialStore> PlainServer<S> {
    /// A server verifying against `store`.
    pub fn new(store: S) -> Self {
        PlainServer {
            store,
            secure: false,
            password_prep: PasswordPrep::default(),
            username_prep: UsernamePrep::default(),
            limits: Limits::default(),
            done: false,
            started: false,
        }
    }

    /// Whether the channel is encrypted (TLS). Default `false`: PLAIN then fails with
    /// `encryption-required`.
    pub fn secure_channel(mut self, secure: bool) -> Self {
        self.secure = secure;
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

    /// Limits on the client's message.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    fn verify(&mut self, msg: &[u8]) -> Result<ServerStep, Error> {
        self.done = true;
        self.limits.check_len(msg)?;
        let p = parse(msg)?;
        let authcid = self.username_prep.prepare(p.authcid)?;
        let password = Zeroizing::new(
            self.password_prep
                .prepare(p.passwd)
                .map_err(|_| Error::not_authorized(Reason::Preparation))?
                .into_owned(),
        );
        if !self.store.verify_plain(&authcid, &password)? {
            return Err(Error::not_authorized(Reason::InvalidProof));
        }
        let authzid = authorize_authzid(&self.store, &authcid, p.authzid)?;
        Ok(ServerStep::Success {
            additional_data: None,
            authenticated: Authenticated {
                authcid: Some(authcid.into_owned()),
                authzid,
                trace: None,
            },
        })
    }
}

impl<S: CredentialStore> ServerMechanism for PlainServer<S> {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Plain
    }

    fn start(&mut self, initial_response: Option<&[u8]>) -> Result<ServerStep, Error> {
        single_message::server_start(&mut self.started)?;
        if !self.secure {
            self.done = true;
            return Err(Error::new(
                Condition::EncryptionRequired,
                Reason::Unsupported("PLAIN without TLS"),
            ));
        }
        single_message::server_answer(initial_response, |msg| self.verify(msg))
    }

    fn step(&mut self, response: &[u8]) -> Result<ServerStep, Error> {
        single_message::server_step(self.started, self.done)?;
        self.verify(response)
    }
}

impl<S: CredentialStore> fmt::Debug for PlainServer<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlainServer")
            .field("secure", &self.secure)
            .finish_non_exhaustive()
    }
}
