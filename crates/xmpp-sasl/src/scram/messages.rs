//! SCRAM message syntax ([RFC 5802 §7](https://www.rfc-editor.org/rfc/rfc5802#section-7)):
//! attribute splitting, `saslname` escaping, nonce and base64 checks, gs2 header.

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;

use crate::channel_binding::ChannelBindingType;
use crate::error::{Error, Reason};
use crate::mechanism::Limits;

pub(crate) const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Splits `msg` into `attr=value` pairs (`attr-val` of RFC 5802 §7), enforcing the
/// attribute limit. Every part must be `ALPHA "=" value`.
pub(crate) fn split_attrs<'a>(msg: &'a str, limits: &Limits) -> Result<Vec<(u8, &'a str)>, Error> {
    let mut out = Vec::new();
    for part in msg.split(',') {
        if out.len() >= limits.max_attributes {
            return Err(Error::malformed(Reason::TooManyAttributes));
        }
        let b = part.as_bytes();
        if b.len() < 2 || !b[0].is_ascii_alphabetic() || b[1] != b'=' {
            return Err(Error::syntax("attribute"));
        }
        out.push((b[0], &part[2..]));
    }
    Ok(out)
}

/// Decodes `=2C` and `=3D` in a `saslname`
/// ([RFC 5802 §5.1](https://www.rfc-editor.org/rfc/rfc5802#section-5.1)); any other `=`
/// and NUL are errors.
pub(crate) fn unescape_saslname(s: &str) -> Result<String, Error> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find(['=', '\0']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if tail.starts_with("=2C") {
            out.push(',');
        } else if tail.starts_with("=3D") {
            out.push('=');
        } else if tail.starts_with('\0') {
            return Err(Error::malformed(Reason::ForbiddenCharacter));
        } else {
            return Err(Error::syntax("saslname escape"));
        }
        rest = &tail[3..];
    }
    out.push_str(rest);
    if out.is_empty() {
        return Err(Error::syntax("empty saslname"));
    }
    Ok(out)
}

/// Encodes `,` as `=2C` and `=` as `=3D`.
pub(crate) fn escape_saslname(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ',' => out.push_str("=2C"),
            '=' => out.push_str("=3D"),
            c => out.push(c),
        }
    }
    out
}

/// `printable = %x21-2B / %x2D-7E` (no comma), at least one character.
pub(crate) fn is_valid_nonce(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b',')
}

/// Strict base64 decoding (canonical padding).
pub(crate) fn b64_decode(s: &str) -> Result<Vec<u8>, Error> {
    B64.decode(s).map_err(|_| Error::malformed(Reason::Base64))
}

/// Strict decimal `posit-number` (no sign, no leading zero) as `u32`.
pub(crate) fn parse_posit_number(s: &str) -> Result<u32, Error> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 10 || b[0] == b'0' || !b.iter().all(u8::is_ascii_digit) {
        return Err(Error::syntax("iteration count"));
    }
    s.parse().map_err(|_| Error::syntax("iteration count"))
}

/// The `gs2-cbind-flag` ([RFC 5802 §7](https://www.rfc-editor.org/rfc/rfc5802#section-7)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CbindFlag {
    /// `n`: the client does not support channel binding.
    No,
    /// `y`: the client supports it but thinks the server does not.
    ClientOnly,
    /// `p=<type>`: the client requires channel binding of this type.
    Required(ChannelBindingType),
}

/// A parsed client-first-message.
#[derive(Debug)]
pub(crate) struct ClientFirst<'a> {
    pub flag: CbindFlag,
    pub gs2_header: &'a str,
    pub authzid: Option<String>,
    pub bare: &'a str,
    pub username: String,
    pub nonce: &'a str,
}

/// Parses a client-first-message.
pub(crate) fn parse_client_first<'a>(
    msg: &'a str,
    limits: &Limits,
) -> Result<ClientFirst<'a>, Error> {
    let (flag_s, rest) = msg.split_once(',').ok_or(Error::syntax("gs2 header"))?;
    let (authz_s, bare) = rest.split_once(',').ok_or(Error::syntax("gs2 header"))?;
    let gs2_header = &msg[..flag_s.len() + authz_s.len() + 2];
    let flag = match flag_s {
        "n" => CbindFlag::No,
        "y" => CbindFlag::ClientOnly,
        _ => match flag_s.strip_prefix("p=") {
            Some(name)
                if !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') =>
            {
                CbindFlag::Required(
                    ChannelBindingType::from_name(name)
                        .ok_or(Error::malformed(Reason::UnsupportedChannelBindingType))?,
                )
            }
            _ => return Err(Error::syntax("gs2-cbind-flag")),
        },
    };
    let authzid = if authz_s.is_empty() {
        None
    } else {
        let v = authz_s.strip_prefix("a=").ok_or(Error::syntax("authzid"))?;
        Some(unescape_saslname(v)?)
    };
    let attrs = split_attrs(bare, limits)?;
    let mut it = attrs.iter();
    let first = it
        .next()
        .ok_or(Error::syntax("client-first-message-bare"))?;
    if first.0 == b'm' {
        return Err(Error::malformed(Reason::MandatoryExtension));
    }
    if first.0 != b'n' {
        return Err(Error::malformed(Reason::Missing("n=")));
    }
    let username = unescape_saslname(first.1)?;
    let second = it.next().ok_or(Error::malformed(Reason::Missing("r=")))?;
    if second.0 != b'r' || !is_valid_nonce(second.1) {
        return Err(Error::syntax("client nonce"));
    }
    Ok(ClientFirst {
        flag,
        gs2_header,
        authzid,
        bare,
        username,
        nonce: second.1,
    })
}

/// A parsed server-first-message.
#[derive(Debug)]
pub(crate) struct ServerFirst<'a> {
    pub nonce: &'a str,
    pub salt: Vec<u8>,
    pub iterations: u32,
    /// XEP-0474 `d=` value, if present.
    pub downgrade_hash: Option<&'a str>,
}

/// Parses a server-first-message.
pub(crate) fn parse_server_first<'a>(
    msg: &'a str,
    limits: &Limits,
) -> Result<ServerFirst<'a>, Error> {
    let attrs = split_attrs(msg, limits)?;
    match attrs.first() {
        Some((b'm', _)) => return Err(Error::malformed(Reason::MandatoryExtension)),
        Some((b'r', _)) => {}
        _ => return Err(Error::malformed(Reason::Missing("r="))),
    }
    let (Some((b'r', nonce)), Some((b's', salt)), Some((b'i', iter))) = (
        attrs.first().copied(),
        attrs.get(1).copied(),
        attrs.get(2).copied(),
    ) else {
        return Err(Error::syntax("server-first-message"));
    };
    if !is_valid_nonce(nonce) {
        return Err(Error::syntax("server nonce"));
    }
    let salt = b64_decode(salt)?;
    if salt.is_empty() {
        return Err(Error::malformed(Reason::Salt));
    }
    let iterations = parse_posit_number(iter)?;
    let mut downgrade_hash = None;
    for (k, v) in &attrs[3..] {
        if *k == b'd' {
            if downgrade_hash.is_some() {
                return Err(Error::malformed(Reason::Duplicate("d=")));
            }
            downgrade_hash = Some(*v);
        }
    }
    Ok(ServerFirst {
        nonce,
        salt,
        iterations,
        downgrade_hash,
    })
}

/// A parsed client-final-message.
#[derive(Debug)]
pub(crate) struct ClientFinal<'a> {
    pub channel_binding: Vec<u8>,
    pub nonce: &'a str,
    pub without_proof: &'a str,
    pub proof: Vec<u8>,
}

/// Parses a client-final-message.
pub(crate) fn parse_client_final<'a>(
    msg: &'a str,
    limits: &Limits,
) -> Result<ClientFinal<'a>, Error> {
    let attrs = split_attrs(msg, limits)?;
    let (Some((b'c', cb)), Some((b'r', nonce)), Some((b'p', proof))) = (
        attrs.first().copied(),
        attrs.get(1).copied(),
        attrs.last().copied(),
    ) else {
        return Err(Error::syntax("client-final-message"));
    };
    if attrs.len() < 3 {
        return Err(Error::syntax("client-final-message"));
    }
    let without_proof = &msg[..msg.len() - proof.len() - 3];
    Ok(ClientFinal {
        channel_binding: b64_decode(cb)?,
        nonce,
        without_proof,
        proof: b64_decode(proof)?,
    })
}

/// A parsed server-final-message.
#[derive(Debug)]
pub(crate) enum ServerFinal {
    Verifier(Vec<u8>),
    Error(crate::error::ScramServerError),
}

/// Parses a server-final-message.
pub(crate) fn parse_server_final(msg: &str, limits: &Limits) -> Result<ServerFinal, Error> {
    let attrs = split_attrs(msg, limits)?;
    match attrs.first() {
        Some((b'v', v)) => Ok(ServerFinal::Verifier(b64_decode(v)?)),
        Some((b'e', e)) => Ok(ServerFinal::Error(crate::error::ScramServerError::parse(e))),
        _ => Err(Error::syntax("server-final-message")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saslname_escaping() {
        assert_eq!(escape_saslname("a,b=c"), "a=2Cb=3Dc");
        assert_eq!(unescape_saslname("a=2Cb=3Dc").unwrap(), "a,b=c");
        assert!(unescape_saslname("a=2").is_err());
        assert!(unescape_saslname("a=41").is_err());
        assert!(unescape_saslname("a\0").is_err());
        assert!(unescape_saslname("").is_err());
    }

    #[test]
    fn client_first_parse() {
        let l = Limits::default();
        let cf = parse_client_first("n,,n=user,r=abc", &l).unwrap();
        assert_eq!(cf.flag, CbindFlag::No);
        assert_eq!(cf.gs2_header, "n,,");
        assert_eq!(cf.bare, "n=user,r=abc");
        let cf = parse_client_first("p=tls-exporter,a=x=2Cy,n=u,r=n,foo=bar", &l);
        assert!(cf.is_err(), "extension attr must be ALPHA=...");
        let cf = parse_client_first("p=tls-exporter,a=x=2Cy,n=u,r=n,f=bar", &l).unwrap();
        assert_eq!(
            cf.flag,
            CbindFlag::Required(ChannelBindingType::TlsExporter)
        );
        assert_eq!(cf.authzid.as_deref(), Some("x,y"));
        assert!(parse_client_first("n,,m=x,n=u,r=n", &l).is_err());
        assert!(parse_client_first("x,,n=u,r=n", &l).is_err());
        assert!(parse_client_first("n,,n=u,r=a,b", &l).is_err());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_posit_number("4096").unwrap(), 4096);
        assert!(parse_posit_number("0").is_err());
        assert!(parse_posit_number("04096").is_err());
        assert!(parse_posit_number("+1").is_err());
        assert!(parse_posit_number("99999999999").is_err());
        assert!(parse_posit_number("4294967296").is_err());
    }

    #[test]
    fn limits_apply() {
        let l = Limits::new(4096, 3);
        assert!(split_attrs("a=1,b=2,c=3", &l).is_ok());
        assert!(split_attrs("a=1,b=2,c=3,d=4", &l).is_err());
    }
}
