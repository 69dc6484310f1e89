//! The server side's view of user credentials.
//!
//! A server never needs plaintext passwords: SCRAM uses the stored keys of
//! [RFC 5802 §3](https://www.rfc-editor.org/rfc/rfc5802#section-3), DIGEST-MD5 the
//! `H(username:realm:password)` of
//! [RFC 2831 §2.1.2.1](https://www.rfc-editor.org/rfc/rfc2831#section-2.1.2.1), and PLAIN
//! is verified against the SCRAM keys by default.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::{Condition, Error, Reason};
use crate::mechanism::ScramHash;
use crate::prep::PasswordPrep;
use crate::scram::ScramKeys;

/// Credential lookups for the server side of every mechanism.
///
/// Return `Ok(None)` / `Ok(false)` for an unknown user or a wrong password; return an
/// `Err` to fail the exchange with a specific condition (for example
/// [`Condition::AccountDisabled`](crate::Condition) or
/// [`Condition::TemporaryAuthFailure`](crate::Condition)).
pub trait CredentialStore {
    /// The SCRAM keys of `username` for `hash`.
    fn scram_keys(&self, username: &str, hash: ScramHash) -> Result<Option<ScramKeys>, Error> {
        let _ = (username, hash);
        Ok(None)
    }

    /// The DIGEST-MD5 secret `H(username:realm:password)` of `username` in `realm`
    /// (see [`digest_md5_secret`](crate::digest_md5::digest_md5_secret)).
    fn digest_md5_secret(&self, username: &str, realm: &str) -> Result<Option<[u8; 16]>, Error> {
        let _ = (username, realm);
        Ok(None)
    }

    /// Verifies a PLAIN password (already prepared with the server's
    /// [`PasswordPrep`]). The default checks it against the strongest SCRAM keys on
    /// record.
    fn verify_plain(&self, username: &str, prepared_password: &str) -> Result<bool, Error> {
        for hash in ScramHash::ALL {
            if let Some(keys) = self.scram_keys(username, hash)? {
                return Ok(keys.verify_password(prepared_password));
            }
        }
        Ok(false)
    }

    /// Whether `authcid` (the authenticated user; `None` for EXTERNAL without an
    /// identity) may act as `authzid`. The default allows only `authzid == authcid`.
    fn authorize(&self, authcid: Option<&str>, authzid: &str) -> Result<bool, Error> {
        Ok(authcid == Some(authzid))
    }
}

/// The authorization identity the client asked for, once `store` allows `authcid` to act
/// as it; an empty request asks for none (`None`: the server derives it). PLAIN and
/// EXTERNAL carry the request the same way and refuse it with the same condition.
pub(crate) fn authorize_authzid<S: CredentialStore + ?Sized>(
    store: &S,
    authcid: &str,
    authzid: &str,
) -> Result<Option<String>, Error> {
    if authzid.is_empty() {
        return Ok(None);
    }
    if !store.authorize(Some(authcid), authzid)? {
        return Err(Error::new(
            Condition::InvalidAuthzid,
            Reason::AuthzidNotAllowed,
        ));
    }
    Ok(Some(String::from(authzid)))
}

impl<T: CredentialStore + ?Sized> CredentialStore for &T {
    fn scram_keys(&self, username: &str, hash: ScramHash) -> Result<Option<ScramKeys>, Error> {
        (**self).scram_keys(username, hash)
    }
    fn digest_md5_secret(&self, username: &str, realm: &str) -> Result<Option<[u8; 16]>, Error> {
        (**self).digest_md5_secret(username, realm)
    }
    fn verify_plain(&self, username: &str, prepared_password: &str) -> Result<bool, Error> {
        (**self).verify_plain(username, prepared_password)
    }
    fn authorize(&self, authcid: Option<&str>, authzid: &str) -> Result<bool, Error> {
        (**self).authorize(authcid, authzid)
    }
}

impl<T: CredentialStore + ?Sized> CredentialStore for alloc::sync::Arc<T> {
    fn scram_keys(&self, username: &str, hash: ScramHash) -> Result<Option<ScramKeys>, Error> {
        (**self).scram_keys(username, hash)
    }
    fn digest_md5_secret(&self, username: &str, realm: &str) -> Result<Option<[u8; 16]>, Error> {
        (**self).digest_md5_secret(username, realm)
    }
    fn verify_plain(&self, username: &str, prepared_password: &str) -> Result<bool, Error> {
        (**self).verify_plain(username, prepared_password)
    }
    fn authorize(&self, authcid: Option<&str>, authzid: &str) -> Result<bool, Error> {
        (**self).authorize(authcid, authzid)
    }
}

/// Everything a server stores for one user, derived from a password once.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredCredentials {
    /// SCRAM keys, one entry per hash.
    pub scram: Vec<ScramKeys>,
    /// DIGEST-MD5 secrets per realm.
    pub digest_md5: Vec<(String, [u8; 16])>,
}

impl StoredCredentials {
    /// Derives SCRAM keys for every hash (same salt and iteration count) and the
    /// DIGEST-MD5 secret for each of `realms`, from `password` prepared with `prep`.
    pub fn derive(
        username: &str,
        password: &str,
        prep: PasswordPrep,
        salt: &[u8],
        iterations: u32,
        realms: &[&str],
    ) -> Result<Self, Error> {
        let prepared = prep.prepare(password)?;
        let scram = ScramHash::ALL
            .into_iter()
            .map(|h| ScramKeys::derive(h, &prepared, salt, iterations))
            .collect();
        let digest_md5 = realms
            .iter()
            .map(|r| {
                (
                    String::from(*r),
                    crate::digest_md5::digest_md5_secret(username, r, &prepared),
                )
            })
            .collect();
        Ok(StoredCredentials { scram, digest_md5 })
    }
}

impl fmt::Debug for StoredCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredCredentials")
            .field("scram", &self.scram)
            .field(
                "digest_md5_realms",
                &self.digest_md5.iter().map(|(r, _)| r).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A simple in-memory [`CredentialStore`] (tests, examples, small deployments).
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    users: BTreeMap<String, StoredCredentials>,
    authorizations: Vec<(String, String)>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// Adds or replaces a user.
    pub fn insert(&mut self, username: impl Into<String>, credentials: StoredCredentials) {
        self.users.insert(username.into(), credentials);
    }

    /// Allows `authcid` to act as `authzid` (beyond the default `authzid == authcid`).
    pub fn allow_authzid(&mut self, authcid: impl Into<String>, authzid: impl Into<String>) {
        self.authorizations.push((authcid.into(), authzid.into()));
    }
}

impl CredentialStore for MemoryStore {
    fn scram_keys(&self, username: &str, hash: ScramHash) -> Result<Option<ScramKeys>, Error> {
        Ok(self
            .users
            .get(username)
            .and_then(|c| c.scram.iter().find(|k| k.hash == hash).cloned()))
    }

    fn digest_md5_secret(&self, username: &str, realm: &str) -> Result<Option<[u8; 16]>, Error> {
        Ok(self.users.get(username).and_then(|c| {
            c.digest_md5
                .iter()
                .find(|(r, _)| r == realm)
                .map(|(_, s)| *s)
        }))
    }

    fn authorize(&self, authcid: Option<&str>, authzid: &str) -> Result<bool, Error> {
        Ok(authcid == Some(authzid)
            || self
                .authorizations
                .iter()
                .any(|(c, z)| Some(c.as_str()) == authcid && z == authzid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_plain_and_authz() {
        let mut s = MemoryStore::new();
        let c = StoredCredentials::derive("kurt", "xipj3plmq", PasswordPrep::None, b"salt", 2, &[])
            .unwrap();
        s.insert("kurt", c);
        assert!(s.verify_plain("kurt", "xipj3plmq").unwrap());
        assert!(!s.verify_plain("kurt", "nope").unwrap());
        assert!(!s.verify_plain("nobody", "xipj3plmq").unwrap());
        assert!(s.authorize(Some("kurt"), "kurt").unwrap());
        assert!(!s.authorize(Some("kurt"), "ursel").unwrap());
        s.allow_authzid("kurt", "ursel");
        assert!(s.authorize(Some("kurt"), "ursel").unwrap());
    }
}
