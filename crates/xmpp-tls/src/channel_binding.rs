//! Channel-binding values ([RFC 5056](https://www.rfc-editor.org/rfc/rfc5056)),
//! exported once after the handshake and cached by the negotiation machines.

use core::fmt;

use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use crate::engine::{HandshakeState, TlsEngine, TlsVersion};
use crate::error::{TlsError, TlsErrorKind};

/// The `tls-exporter` label ([RFC 9266 §2](https://www.rfc-editor.org/rfc/rfc9266#section-2)).
pub const TLS_EXPORTER_LABEL: &[u8] = b"EXPORTER-Channel-Binding";

/// Length of a `tls-exporter` value
/// ([RFC 9266 §2](https://www.rfc-editor.org/rfc/rfc9266#section-2)).
pub const TLS_EXPORTER_LEN: usize = 32;

/// A channel-binding type, as named in the IANA registry and in SCRAM `-PLUS` /
/// [XEP-0440](https://xmpp.org/extensions/xep-0440.html).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChannelBindingType {
    /// `tls-exporter` ([RFC 9266](https://www.rfc-editor.org/rfc/rfc9266)).
    TlsExporter,
    /// `tls-server-end-point` ([RFC 5929 §4](https://www.rfc-editor.org/rfc/rfc5929#section-4)).
    TlsServerEndPoint,
    /// `tls-unique` ([RFC 5929 §3](https://www.rfc-editor.org/rfc/rfc5929#section-3)).
    TlsUnique,
}

impl ChannelBindingType {
    /// The registered name (`tls-exporter`, ...).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ChannelBindingType::TlsExporter => "tls-exporter",
            ChannelBindingType::TlsServerEndPoint => "tls-server-end-point",
            ChannelBindingType::TlsUnique => "tls-unique",
        }
    }
}

impl fmt::Display for ChannelBindingType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a channel-binding type has no value on this connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unavailable {
    /// `tls-exporter` on TLS 1.2 without a guaranteed extended master secret
    /// ([RFC 9266 §3](https://www.rfc-editor.org/rfc/rfc9266#section-3),
    /// [RFC 7627](https://www.rfc-editor.org/rfc/rfc7627)), or on a version other than
    /// 1.2 / 1.3.
    NoExtendedMasterSecret,
    /// No server certificate is known (for example a resumed session on the server, or
    /// raw public keys).
    NoServerCertificate,
    /// The certificate's signature algorithm uses no single hash function (Ed25519,
    /// Ed448, unknown algorithms), so `tls-server-end-point` is undefined
    /// ([RFC 5929 §4.1](https://www.rfc-editor.org/rfc/rfc5929#section-4.1)).
    UnsupportedSignatureAlgorithm,
    /// The server certificate is not well-formed DER.
    MalformedCertificate,
    /// The TLS engine does not provide this binding (`tls-unique` with TLS 1.3, or an
    /// engine without access to the Finished message).
    NotProvidedByEngine,
    /// The engine refused to export keying material.
    ExportFailed,
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unavailable::NoExtendedMasterSecret => {
                "tls-exporter needs TLS 1.3 or TLS 1.2 with extended master secret"
            }
            Unavailable::NoServerCertificate => "no server certificate",
            Unavailable::UnsupportedSignatureAlgorithm => {
                "certificate signature algorithm has no single hash"
            }
            Unavailable::MalformedCertificate => "malformed server certificate",
            Unavailable::NotProvidedByEngine => "not provided by the TLS engine",
            Unavailable::ExportFailed => "keying material export failed",
        })
    }
}

impl core::error::Error for Unavailable {}

/// The channel-binding data of one TLS connection, computed once right after the
/// handshake. `Debug` shows which types are available, never the values.
#[derive(Clone, PartialEq, Eq)]
pub struct ChannelBindings {
    exporter: Result<[u8; TLS_EXPORTER_LEN], Unavailable>,
    end_point: Result<Vec<u8>, Unavailable>,
    unique: Result<Vec<u8>, Unavailable>,
}

impl fmt::Debug for ChannelBindings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn show<T>(r: &Result<T, Unavailable>) -> Result<&'static str, Unavailable> {
            r.as_ref().map(|_| "<available>").map_err(|e| *e)
        }
        f.debug_struct("ChannelBindings")
            .field("tls_exporter", &show(&self.exporter))
            .field("tls_server_end_point", &show(&self.end_point))
            .field("tls_unique", &show(&self.unique))
            .finish()
    }
}

impl ChannelBindings {
    /// Computes every channel-binding type from an engine whose handshake is complete.
    ///
    /// - `tls-exporter`: 32 bytes exported with label `EXPORTER-Channel-Binding` and an
    ///   empty (zero-length) context
    ///   ([RFC 9266 §2](https://www.rfc-editor.org/rfc/rfc9266#section-2)), only on
    ///   TLS 1.3 or on TLS 1.2 when the engine guarantees the extended master secret.
    ///   (With TLS 1.3 an empty context and no context give the same value.)
    /// - `tls-server-end-point`: the hash of the server's end-entity certificate with
    ///   the hash function of the certificate's signature algorithm, SHA-256 when that
    ///   is MD5 or SHA-1
    ///   ([RFC 5929 §4.1](https://www.rfc-editor.org/rfc/rfc5929#section-4.1)).
    /// - `tls-unique`: whatever [`TlsEngine::tls_unique`] gives.
    ///
    /// Both ends of a connection derive identical values.
    ///
    /// # Errors
    /// [`TlsErrorKind::HandshakeNotComplete`] when the handshake is not complete.
    pub fn export<E: TlsEngine + ?Sized>(engine: &E) -> Result<Self, TlsError> {
        if engine.handshake_state() != HandshakeState::Complete {
            return Err(TlsError::new(
                TlsErrorKind::HandshakeNotComplete,
                "channel bindings are exported after the handshake",
            ));
        }
        let exporter = match engine.protocol_version() {
            Some(TlsVersion::Tls13) => Ok(()),
            Some(TlsVersion::Tls12) if engine.extended_master_secret() == Some(true) => Ok(()),
            _ => Err(Unavailable::NoExtendedMasterSecret),
        }
        .and_then(|()| {
            let mut out = [0u8; TLS_EXPORTER_LEN];
            engine
                .export_keying_material(&mut out, TLS_EXPORTER_LABEL, Some(&[]))
                .map(|()| out)
                .map_err(|_| Unavailable::ExportFailed)
        });
        let end_point = engine
            .server_certificate()
            .ok_or(Unavailable::NoServerCertificate)
            .and_then(server_end_point);
        let unique = engine.tls_unique().ok_or(Unavailable::NotProvidedByEngine);
        Ok(ChannelBindings {
            exporter,
            end_point,
            unique,
        })
    }

    /// The value for `kind`, or why there is none.
    ///
    /// # Errors
    /// The reason the binding is unavailable.
    pub fn get(&self, kind: ChannelBindingType) -> Result<&[u8], Unavailable> {
        match kind {
            ChannelBindingType::TlsExporter => self.exporter.as_ref().map(|v| &v[..]),
            ChannelBindingType::TlsServerEndPoint => self.end_point.as_deref(),
            ChannelBindingType::TlsUnique => self.unique.as_deref(),
        }
        .map_err(|e| *e)
    }

    /// The types that have a value, in order of preference (`tls-exporter`,
    /// `tls-server-end-point`, `tls-unique`), for advertising with
    /// [XEP-0440](https://xmpp.org/extensions/xep-0440.html).
    pub fn available(&self) -> impl Iterator<Item = ChannelBindingType> + '_ {
        [
            ChannelBindingType::TlsExporter,
            ChannelBindingType::TlsServerEndPoint,
            ChannelBindingType::TlsUnique,
        ]
        .into_iter()
        .filter(|k| self.get(*k).is_ok())
    }
}

/// Computes `tls-server-end-point` from a DER certificate
/// ([RFC 5929 §4.1](https://www.rfc-editor.org/rfc/rfc5929#section-4.1)).
///
/// # Errors
/// [`Unavailable::MalformedCertificate`] or
/// [`Unavailable::UnsupportedSignatureAlgorithm`].
pub fn server_end_point(cert_der: &[u8]) -> Result<Vec<u8>, Unavailable> {
    Ok(match signature_hash(cert_der)? {
        Hash::Sha224 => Sha224::digest(cert_der).to_vec(),
        Hash::Sha256 => Sha256::digest(cert_der).to_vec(),
        Hash::Sha384 => Sha384::digest(cert_der).to_vec(),
        Hash::Sha512 => Sha512::digest(cert_der).to_vec(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

// Object identifier contents (DER, without tag and length).
const MD5_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04];
const SHA1_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];
const RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const SHA256_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
const SHA384_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c];
const SHA512_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d];
const SHA224_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0e];
const ECDSA_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01];
const ECDSA_SHA224: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x01];
const ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
const ECDSA_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
const ECDSA_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04];
const DSA_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x03];
const DSA_SHA224: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x01];
const DSA_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x02];
const HASH_SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];
const HASH_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
const HASH_SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
const HASH_SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];
const HASH_SHA224: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04];
const HASH_MD5: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05];

const SEQUENCE: u8 = 0x30;
const OID: u8 = 0x06;
const CONTEXT_0: u8 = 0xa0;

/// The hash for `tls-server-end-point`: the certificate's signature hash, MD5 and
/// SHA-1 upgraded to SHA-256.
fn signature_hash(cert: &[u8]) -> Result<Hash, Unavailable> {
    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    let (body, rest) = der(cert, SEQUENCE)?;
    if !rest.is_empty() {
        return Err(Unavailable::MalformedCertificate);
    }
    let (_tbs, after_tbs) = der_any(body)?;
    // AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }
    let (alg, _signature) = der(after_tbs, SEQUENCE)?;
    let (oid, params) = der(alg, OID)?;
    Ok(match oid {
        MD5_RSA | SHA1_RSA | ECDSA_SHA1 | DSA_SHA1 | SHA256_RSA | ECDSA_SHA256 | DSA_SHA256 => {
            Hash::Sha256
        }
        SHA224_RSA | ECDSA_SHA224 | DSA_SHA224 => Hash::Sha224,
        SHA384_RSA | ECDSA_SHA384 => Hash::Sha384,
        SHA512_RSA | ECDSA_SHA512 => Hash::Sha512,
        RSA_PSS => pss_hash(params)?,
        _ => return Err(Unavailable::UnsupportedSignatureAlgorithm),
    })
}

/// RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] AlgorithmIdentifier DEFAULT
/// sha1, ... } ([RFC 4055 §3.1](https://www.rfc-editor.org/rfc/rfc4055#section-3.1)).
fn pss_hash(params: &[u8]) -> Result<Hash, Unavailable> {
    let (seq, _) = der(params, SEQUENCE)?;
    if seq.first() != Some(&CONTEXT_0) {
        return Ok(Hash::Sha256); // default SHA-1, upgraded
    }
    let (explicit, _) = der(seq, CONTEXT_0)?;
    let (alg, _) = der(explicit, SEQUENCE)?;
    let (oid, _) = der(alg, OID)?;
    Ok(match oid {
        HASH_MD5 | HASH_SHA1 | HASH_SHA256 => Hash::Sha256,
        HASH_SHA224 => Hash::Sha224,
        HASH_SHA384 => Hash::Sha384,
        HASH_SHA512 => Hash::Sha512,
        _ => return Err(Unavailable::UnsupportedSignatureAlgorithm),
    })
}

/// Reads one DER TLV with the expected tag: (contents, rest).
fn der(input: &[u8], tag: u8) -> Result<(&[u8], &[u8]), Unavailable> {
    if input.first() != Some(&tag) {
        return Err(Unavailable::MalformedCertificate);
    }
    der_any(input)
}

/// Reads one DER TLV with a single-byte tag: (contents, rest).
fn der_any(input: &[u8]) -> Result<(&[u8], &[u8]), Unavailable> {
    let bad = Unavailable::MalformedCertificate;
    let (&tag, rest) = input.split_first().ok_or(bad)?;
    if tag & 0x1f == 0x1f {
        return Err(bad); // multi-byte tags never occur where we look
    }
    let (&first, mut rest) = rest.split_first().ok_or(bad)?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err(bad);
        }
        let (bytes, tail) = rest.split_at(n);
        rest = tail;
        bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    if rest.len() < len {
        return Err(bad);
    }
    Ok(rest.split_at(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        if body.len() < 0x80 {
            v.push(body.len() as u8);
        } else {
            v.push(0x82);
            v.extend_from_slice(&(body.len() as u16).to_be_bytes());
        }
        v.extend_from_slice(body);
        v
    }

    fn fake_cert(alg: &[u8]) -> Vec<u8> {
        let tbs = tlv(SEQUENCE, &[0x02, 0x01, 0x00]);
        let mut body = tbs;
        body.extend(alg);
        body.extend(tlv(0x03, &[0x00, 0xaa]));
        tlv(SEQUENCE, &body)
    }

    fn alg(oid: &[u8], params: &[u8]) -> Vec<u8> {
        let mut b = tlv(OID, oid);
        b.extend_from_slice(params);
        tlv(SEQUENCE, &b)
    }

    #[test]
    fn hash_selection() {
        let cases: &[(&[u8], Hash)] = &[
            (MD5_RSA, Hash::Sha256),
            (SHA1_RSA, Hash::Sha256),
            (ECDSA_SHA1, Hash::Sha256),
            (SHA256_RSA, Hash::Sha256),
            (ECDSA_SHA384, Hash::Sha384),
            (SHA512_RSA, Hash::Sha512),
            (ECDSA_SHA224, Hash::Sha224),
        ];
        for (oid, h) in cases {
            assert_eq!(signature_hash(&fake_cert(&alg(oid, &[0x05, 0x00]))), Ok(*h));
        }
        let ed25519 = [0x2b, 0x65, 0x70];
        assert_eq!(
            signature_hash(&fake_cert(&alg(&ed25519, &[]))),
            Err(Unavailable::UnsupportedSignatureAlgorithm)
        );
    }

    #[test]
    fn pss_parameters() {
        let default = tlv(SEQUENCE, &[]);
        assert_eq!(
            signature_hash(&fake_cert(&alg(RSA_PSS, &default))),
            Ok(Hash::Sha256)
        );
        let h384 = tlv(
            SEQUENCE,
            &tlv(CONTEXT_0, &tlv(SEQUENCE, &tlv(OID, HASH_SHA384))),
        );
        assert_eq!(
            signature_hash(&fake_cert(&alg(RSA_PSS, &h384))),
            Ok(Hash::Sha384)
        );
    }

    #[test]
    fn digest_length_follows_hash() {
        let c = fake_cert(&alg(SHA512_RSA, &[0x05, 0x00]));
        assert_eq!(server_end_point(&c).map(|v| v.len()), Ok(64));
        let c = fake_cert(&alg(SHA1_RSA, &[0x05, 0x00]));
        assert_eq!(server_end_point(&c), Ok(Sha256::digest(&c).to_vec()));
    }

    #[test]
    fn malformed_never_panics() {
        let good = fake_cert(&alg(SHA256_RSA, &[0x05, 0x00]));
        for cut in 0..good.len() {
            assert_eq!(
                server_end_point(&good[..cut]),
                Err(Unavailable::MalformedCertificate)
            );
        }
        assert!(server_end_point(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_err());
        assert!(server_end_point(&[0x30, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn names() {
        assert_eq!(ChannelBindingType::TlsExporter.as_str(), "tls-exporter");
        assert_eq!(
            ChannelBindingType::TlsServerEndPoint.to_string(),
            "tls-server-end-point"
        );
        assert_eq!(ChannelBindingType::TlsUnique.as_str(), "tls-unique");
    }
}
