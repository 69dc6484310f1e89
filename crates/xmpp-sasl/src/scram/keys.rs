//! SCRAM key derivation ([RFC 5802 §3](https://www.rfc-editor.org/rfc/rfc5802#section-3)):
//! `SaltedPassword := Hi(Normalize(password), salt, i)`, `ClientKey := HMAC(SaltedPassword,
//! "Client Key")`, `StoredKey := H(ClientKey)`, `ServerKey := HMAC(SaltedPassword, "Server
//! Key")`, plus a salted-password cache for clients.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::fmt;

use hmac::{EagerHash, Hmac, KeyInit, Mac};
use sha2::Digest;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::mechanism::ScramHash;

/// A hash output or key of up to 64 octets (SHA-512). Zeroised on drop, compared in
/// constant time, never shown by `Debug`.
#[derive(Clone)]
pub struct Key {
    buf: [u8; 64],
    len: u8,
}

impl Drop for Key {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

impl Key {
    /// Wraps `bytes`; `None` if longer than 64 octets.
    pub fn from_slice(bytes: &[u8]) -> Option<Key> {
        if bytes.len() > 64 {
            return None;
        }
        let mut buf = [0u8; 64];
        buf[..bytes.len()].copy_from_slice(bytes);
        Some(Key {
            buf,
            len: bytes.len() as u8,
        })
    }

    /// The octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    /// Constant-time equality (lengths are public).
    pub fn ct_eq(&self, other: &[u8]) -> bool {
        self.as_bytes().ct_eq(other).into()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other.as_bytes())
    }
}

impl Eq for Key {}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key(<{} octets redacted>)", self.len)
    }
}

fn hmac_generic<D: EagerHash>(key: &[u8], parts: &[&[u8]]) -> Key
where
    Hmac<D>: KeyInit + Mac,
{
    let mut mac = <Hmac<D> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        mac.update(p);
    }
    let out = mac.finalize().into_bytes();
    Key::from_slice(&out).unwrap_or_else(unreachable_key)
}

#[cold]
fn unreachable_key() -> Key {
    // Outputs of SHA-1/256/512 are at most 64 octets; this is never reached.
    Key {
        buf: [0; 64],
        len: 0,
    }
}

fn hash_generic<D: Digest>(data: &[u8]) -> Key {
    let out = D::digest(data);
    Key::from_slice(&out).unwrap_or_else(unreachable_key)
}

/// `HMAC(key, parts[0] || parts[1] || ...)` with the given hash.
pub fn hmac(hash: ScramHash, key: &[u8], parts: &[&[u8]]) -> Key {
    match hash {
        ScramHash::Sha1 => hmac_generic::<sha1::Sha1>(key, parts),
        ScramHash::Sha256 => hmac_generic::<sha2::Sha256>(key, parts),
        ScramHash::Sha512 => hmac_generic::<sha2::Sha512>(key, parts),
    }
}

/// `H(data)` with the given hash.
pub fn hash(hash: ScramHash, data: &[u8]) -> Key {
    match hash {
        ScramHash::Sha1 => hash_generic::<sha1::Sha1>(data),
        ScramHash::Sha256 => hash_generic::<sha2::Sha256>(data),
        ScramHash::Sha512 => hash_generic::<sha2::Sha512>(data),
    }
}

/// `Hi(password, salt, iterations)`: PBKDF2 with HMAC and the given hash
/// ([RFC 5802 §2.2](https://www.rfc-editor.org/rfc/rfc5802#section-2.2)). The password
/// must already be prepared.
pub fn salted_password(hash: ScramHash, password: &[u8], salt: &[u8], iterations: u32) -> Key {
    let mut out = [0u8; 64];
    let n = hash.output_len();
    match hash {
        ScramHash::Sha1 => {
            pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, &mut out[..n])
        }
        ScramHash::Sha256 => {
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, &mut out[..n])
        }
        ScramHash::Sha512 => {
            pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, iterations, &mut out[..n])
        }
    }
    let key = Key {
        buf: out,
        len: n as u8,
    };
    out.zeroize();
    key
}

/// `ClientKey := HMAC(SaltedPassword, "Client Key")`.
pub fn client_key(hash: ScramHash, salted_password: &Key) -> Key {
    hmac(hash, salted_password.as_bytes(), &[b"Client Key"])
}

/// `ServerKey := HMAC(SaltedPassword, "Server Key")`.
pub fn server_key(hash: ScramHash, salted_password: &Key) -> Key {
    hmac(hash, salted_password.as_bytes(), &[b"Server Key"])
}

/// What a SCRAM server stores for one user and one hash
/// ([RFC 5802 §3](https://www.rfc-editor.org/rfc/rfc5802#section-3)): never the password.
#[derive(Clone, PartialEq, Eq)]
pub struct ScramKeys {
    /// The hash these keys belong to.
    pub hash: ScramHash,
    /// The salt.
    pub salt: Vec<u8>,
    /// The iteration count.
    pub iterations: u32,
    /// `StoredKey := H(ClientKey)`.
    pub stored_key: Key,
    /// `ServerKey`.
    pub server_key: Key,
}

impl ScramKeys {
    /// Derives the stored keys from an already prepared password (see
    /// [`PasswordPrep`](crate::PasswordPrep)).
    pub fn derive(hash: ScramHash, prepared_password: &str, salt: &[u8], iterations: u32) -> Self {
        let sp = salted_password(hash, prepared_password.as_bytes(), salt, iterations);
        Self::from_salted_password(hash, &sp, salt, iterations)
    }

    /// Derives the stored keys from a salted password.
    pub fn from_salted_password(hash: ScramHash, sp: &Key, salt: &[u8], iterations: u32) -> Self {
        let ck = client_key(hash, sp);
        ScramKeys {
            hash,
            salt: salt.into(),
            iterations,
            stored_key: self::hash(hash, ck.as_bytes()),
            server_key: server_key(hash, sp),
        }
    }

    /// Whether `prepared_password` matches these keys (used by the PLAIN server when
    /// only SCRAM keys are stored). Runs PBKDF2 once; compares in constant time.
    pub fn verify_password(&self, prepared_password: &str) -> bool {
        let sp = salted_password(
            self.hash,
            prepared_password.as_bytes(),
            &self.salt,
            self.iterations,
        );
        let ck = client_key(self.hash, &sp);
        self.stored_key
            .ct_eq(hash(self.hash, ck.as_bytes()).as_bytes())
    }
}

impl fmt::Debug for ScramKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramKeys")
            .field("hash", &self.hash)
            .field("salt_len", &self.salt.len())
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

/// The key of a [`SaltedPasswordCache`] entry: hash, a fingerprint of the prepared
/// password, salt and iteration count.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CacheKey {
    hash: u8,
    password_fingerprint: [u8; 32],
    salt: Vec<u8>,
    iterations: u32,
}

impl Drop for CacheKey {
    fn drop(&mut self) {
        self.password_fingerprint.zeroize();
    }
}

impl CacheKey {
    /// Builds a key. The password is reduced to a SHA-256 fingerprint keyed with the salt
    /// so the cache never holds the password itself.
    pub fn new(hash: ScramHash, prepared_password: &[u8], salt: &[u8], iterations: u32) -> Self {
        let fp = hmac(ScramHash::Sha256, salt, &[prepared_password]);
        let mut password_fingerprint = [0u8; 32];
        password_fingerprint.copy_from_slice(fp.as_bytes());
        CacheKey {
            hash: hash as u8,
            password_fingerprint,
            salt: salt.into(),
            iterations,
        }
    }
}

impl fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CacheKey")
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

/// A client-side cache of salted passwords keyed by (password, salt, iterations), so a
/// reconnecting client skips PBKDF2.
pub trait SaltedPasswordCache {
    /// The cached salted password for `key`.
    fn get(&mut self, key: &CacheKey) -> Option<Key>;
    /// Stores a salted password.
    fn put(&mut self, key: CacheKey, salted_password: Key);
}

impl<T: SaltedPasswordCache + ?Sized> SaltedPasswordCache for &mut T {
    fn get(&mut self, key: &CacheKey) -> Option<Key> {
        (**self).get(key)
    }
    fn put(&mut self, key: CacheKey, salted_password: Key) {
        (**self).put(key, salted_password)
    }
}

/// No cache (the default for [`ScramClient`](crate::scram::ScramClient)).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCache;

impl SaltedPasswordCache for NoCache {
    fn get(&mut self, _: &CacheKey) -> Option<Key> {
        None
    }
    fn put(&mut self, _: CacheKey, _: Key) {}
}

/// An in-memory cache holding at most `capacity` entries (the oldest is dropped when
/// full). Entries are zeroised when dropped.
#[derive(Debug, Clone)]
pub struct MemoryCache {
    entries: BTreeMap<CacheKey, (u64, Key)>,
    capacity: usize,
    clock: u64,
}

impl MemoryCache {
    /// A cache of at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        MemoryCache {
            entries: BTreeMap::new(),
            capacity,
            clock: 0,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Default for MemoryCache {
    fn default() -> Self {
        MemoryCache::new(16)
    }
}

impl SaltedPasswordCache for MemoryCache {
    fn get(&mut self, key: &CacheKey) -> Option<Key> {
        self.entries.get(key).map(|(_, k)| k.clone())
    }

    fn put(&mut self, key: CacheKey, salted_password: Key) {
        if self.capacity == 0 {
            return;
        }
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, (t, _))| *t)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.entries.remove(&k);
            }
        }
        self.clock += 1;
        self.entries.insert(key, (self.clock, salted_password));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    fn hex(b: &[u8]) -> alloc::string::String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn rfc5802_salted_password() {
        let salt = [
            0x41, 0x25, 0xc2, 0x47, 0xe4, 0x3a, 0xb1, 0xe9, 0x3c, 0x6d, 0xff, 0x76,
        ];
        let sp = salted_password(ScramHash::Sha1, b"pencil", &salt, 4096);
        assert_eq!(
            hex(sp.as_bytes()),
            "1d96ee3a529b5a5f9e47c01f229a2cb8a6e15f7d"
        );
    }

    #[test]
    fn debug_redacts() {
        let k = ScramKeys::derive(ScramHash::Sha256, "p", b"salt", 1);
        let s = format!("{k:?} {:?}", k.stored_key);
        assert!(s.contains("redacted") || !s.contains("stored_key"));
        assert!(k.verify_password("p"));
        assert!(!k.verify_password("q"));
    }

    #[test]
    fn cache_evicts_oldest() {
        let mut c = MemoryCache::new(2);
        for i in 0..3u32 {
            let k = CacheKey::new(ScramHash::Sha1, b"pw", b"s", i + 1);
            c.put(k, Key::from_slice(&[i as u8]).unwrap());
        }
        assert_eq!(c.len(), 2);
        assert!(
            c.get(&CacheKey::new(ScramHash::Sha1, b"pw", b"s", 1))
                .is_none()
        );
        assert!(
            c.get(&CacheKey::new(ScramHash::Sha1, b"pw", b"s", 3))
                .is_some()
        );
    }
}
