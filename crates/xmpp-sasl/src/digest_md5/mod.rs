//! DIGEST-MD5 ([RFC 2831](https://www.rfc-editor.org/rfc/rfc2831); historic per
//! [RFC 6331](https://www.rfc-editor.org/rfc/rfc6331), still deployed), `qop=auth` and
//! `algorithm=md5-sess` only: no integrity or confidentiality layer.

mod client;
mod directives;
mod server;

use alloc::string::String;

use md5::{Digest, Md5};

pub use client::DigestMd5Client;
pub use server::DigestMd5Server;

/// The only nonce count this crate sends or accepts (one authentication per nonce).
pub(crate) const NC: &str = "00000001";

fn latin1_or_utf8(h: &mut Md5, parts: &[&str]) {
    let all_latin1 = parts.iter().all(|s| s.chars().all(|c| (c as u32) < 0x100));
    for (i, s) in parts.iter().enumerate() {
        if i > 0 {
            h.update(b":");
        }
        if all_latin1 {
            for c in s.chars() {
                h.update([c as u32 as u8]);
            }
        } else {
            h.update(s.as_bytes());
        }
    }
}

/// `H(username:realm:password)` as stored by a server
/// ([RFC 2831 §2.1.2.1](https://www.rfc-editor.org/rfc/rfc2831#section-2.1.2.1)). With
/// `charset=utf-8` (always offered by this crate), the three strings are hashed in ISO
/// 8859-1 when all their characters fit in it, in UTF-8 otherwise.
pub fn digest_md5_secret(username: &str, realm: &str, password: &str) -> [u8; 16] {
    let mut h = Md5::new();
    latin1_or_utf8(&mut h, &[username, realm, password]);
    h.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

/// The inputs of the response computation
/// ([RFC 2831 §2.1.2.1](https://www.rfc-editor.org/rfc/rfc2831#section-2.1.2.1)).
pub(crate) struct ResponseInput<'a> {
    pub secret: &'a [u8; 16],
    pub nonce: &'a str,
    pub cnonce: &'a str,
    pub authzid: Option<&'a str>,
    pub digest_uri: &'a str,
}

impl ResponseInput<'_> {
    fn ha1(&self) -> zeroize::Zeroizing<String> {
        let mut h = Md5::new();
        h.update(self.secret);
        h.update(b":");
        h.update(self.nonce.as_bytes());
        h.update(b":");
        h.update(self.cnonce.as_bytes());
        if let Some(z) = self.authzid {
            h.update(b":");
            h.update(z.as_bytes());
        }
        zeroize::Zeroizing::new(hex(&h.finalize()))
    }

    fn kd(&self, a2_prefix: &str) -> String {
        let ha1 = self.ha1();
        let mut a2 = Md5::new();
        a2.update(a2_prefix.as_bytes());
        a2.update(b":");
        a2.update(self.digest_uri.as_bytes());
        let ha2 = hex(&a2.finalize());
        let mut h = Md5::new();
        for (i, part) in [
            ha1.as_str(),
            self.nonce,
            NC,
            self.cnonce,
            "auth",
            ha2.as_str(),
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                h.update(b":");
            }
            h.update(part.as_bytes());
        }
        hex(&h.finalize())
    }

    /// `response-value` (A2 = `AUTHENTICATE:digest-uri`).
    pub fn response(&self) -> String {
        self.kd("AUTHENTICATE")
    }

    /// `rspauth` (A2 = `:digest-uri`).
    pub fn rspauth(&self) -> String {
        self.kd("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2831_imap_example() {
        let secret = digest_md5_secret("chris", "elwood.innosoft.com", "secret");
        let r = ResponseInput {
            secret: &secret,
            nonce: "OA6MG9tEQGm2hh",
            cnonce: "OA6MHXh6VqTrRk",
            authzid: None,
            digest_uri: "imap/elwood.innosoft.com",
        };
        assert_eq!(r.response(), "d388dad90d4bbd760a152321f2143af7");
        assert_eq!(r.rspauth(), "ea40f60335c427b5527b84dbabcdfffd");
    }
}
