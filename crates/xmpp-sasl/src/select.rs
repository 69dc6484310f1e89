//! Mechanism selection and advertisement.
//!
//! The client picks the strongest mutually offered mechanism from its preference
//! ([RFC 6120 §6.3.3](https://www.rfc-editor.org/rfc/rfc6120#section-6.3.3)), uses a
//! -PLUS mechanism only with a channel-binding type both sides support (XEP-0440), allows
//! PLAIN only over TLS and DIGEST-MD5 only when asked, and never falls back silently: a
//! policy that requires channel binding fails instead. The server side lists what to
//! advertise and produces the XEP-0474 downgrade-protection input.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::anonymous::AnonymousClient;
use crate::channel_binding::{ChannelBinding, ChannelBindingType};
use crate::digest_md5::DigestMd5Client;
use crate::error::{Condition, Error, Reason};
use crate::external::ExternalClient;
use crate::mechanism::{ClientMechanism, Mechanism};
use crate::nonce::NonceSource;
use crate::plain::PlainClient;
use crate::prep::PasswordPrep;
use crate::scram::{DowngradeProtection, ScramClient};

/// The default client preference: SCRAM-SHA-512-PLUS, -256-PLUS, -1-PLUS, SCRAM-SHA-512,
/// -256, -1, PLAIN, DIGEST-MD5 (PLAIN and DIGEST-MD5 still need to be allowed).
pub const DEFAULT_PREFERENCE: [Mechanism; 8] = [
    Mechanism::ScramSha512Plus,
    Mechanism::ScramSha256Plus,
    Mechanism::ScramSha1Plus,
    Mechanism::ScramSha512,
    Mechanism::ScramSha256,
    Mechanism::ScramSha1,
    Mechanism::Plain,
    Mechanism::DigestMd5,
];

/// What the client accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientPolicy {
    /// Mechanisms in order of preference (EXTERNAL and ANONYMOUS only when listed).
    pub preference: Vec<Mechanism>,
    /// Whether the connection is protected by TLS.
    pub tls: bool,
    /// Whether PLAIN may be used (only ever over TLS). Default `false`.
    pub allow_plain: bool,
    /// Whether DIGEST-MD5 may be used. Default `false`.
    pub allow_digest_md5: bool,
    /// Channel-binding types the TLS layer can provide, most preferred first.
    pub channel_binding_types: Vec<ChannelBindingType>,
    /// Fail rather than use a mechanism without channel binding when the TLS layer can
    /// bind. Default `false`.
    pub require_channel_binding: bool,
}

impl Default for ClientPolicy {
    fn default() -> Self {
        ClientPolicy {
            preference: DEFAULT_PREFERENCE.into(),
            tls: false,
            allow_plain: false,
            allow_digest_md5: false,
            channel_binding_types: Vec::new(),
            require_channel_binding: false,
        }
    }
}

/// What the server offered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerOffer {
    /// Mechanism names as advertised (unknown names are kept, they count for XEP-0474).
    pub mechanisms: Vec<String>,
    /// XEP-0440 `<sasl-channel-binding/>` types, if the server advertised any.
    pub channel_binding_types: Option<Vec<ChannelBindingType>>,
}

impl ServerOffer {
    /// An offer of `mechanisms` with optional XEP-0440 types.
    pub fn new<'a>(
        mechanisms: impl IntoIterator<Item = &'a str>,
        channel_binding_types: Option<Vec<ChannelBindingType>>,
    ) -> Self {
        ServerOffer {
            mechanisms: mechanisms.into_iter().map(String::from).collect(),
            channel_binding_types,
        }
    }

    fn offers(&self, m: Mechanism) -> bool {
        self.mechanisms.iter().any(|n| n == m.name())
    }

    /// Whether any -PLUS mechanism is offered.
    pub fn offers_plus(&self) -> bool {
        self.mechanisms.iter().any(|n| n.ends_with("-PLUS"))
    }

    /// The XEP-0474 input the client expects the server's `d=` to hash.
    pub fn downgrade_protection(&self) -> DowngradeProtection {
        DowngradeProtection::new(
            self.mechanisms.iter().map(String::as_str),
            self.channel_binding_types.as_deref(),
        )
    }
}

/// The chosen mechanism and how to run it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Selection {
    /// The mechanism.
    pub mechanism: Mechanism,
    /// The channel-binding type to use (only for -PLUS).
    pub channel_binding: Option<ChannelBindingType>,
    /// Whether the server offered any -PLUS mechanism (decides `y` versus `n`).
    pub server_offers_plus: bool,
    /// XEP-0474 input to check the server's `d=` against (SCRAM only).
    pub downgrade_protection: DowngradeProtection,
    /// True when the server offered -PLUS and the TLS layer can bind, but no
    /// channel-binding type is shared, so a mechanism without binding was chosen: log
    /// it, or set [`ClientPolicy::require_channel_binding`] to fail instead.
    pub binding_unavailable: bool,
}

/// Picks the mechanism to use.
pub fn select(policy: &ClientPolicy, offer: &ServerOffer) -> Result<Selection, Error> {
    let shared_type =
        policy
            .channel_binding_types
            .iter()
            .copied()
            .find(|t| match &offer.channel_binding_types {
                Some(advertised) => advertised.contains(t),
                // Without XEP-0440, assume the server supports what the TLS layer gives us (the
                // TLS layer only lists types valid for the negotiated TLS version).
                None => true,
            });
    let mut rejected_plain_no_tls = false;
    let mut rejected_any = false;
    for &m in &policy.preference {
        if !offer.offers(m) {
            continue;
        }
        let ok = match m {
            _ if m.is_plus() => shared_type.is_some(),
            Mechanism::Plain => {
                rejected_plain_no_tls |= policy.allow_plain && !policy.tls;
                policy.allow_plain && policy.tls
            }
            Mechanism::DigestMd5 => policy.allow_digest_md5,
            _ => true,
        };
        if !ok {
            rejected_any = true;
            continue;
        }
        if policy.require_channel_binding
            && !m.is_plus()
            && !policy.channel_binding_types.is_empty()
        {
            return Err(Error::new(Condition::MechanismTooWeak, Reason::NoMechanism));
        }
        return Ok(Selection {
            mechanism: m,
            channel_binding: if m.is_plus() { shared_type } else { None },
            server_offers_plus: offer.offers_plus(),
            downgrade_protection: offer.downgrade_protection(),
            binding_unavailable: !m.is_plus()
                && offer.offers_plus()
                && !policy.channel_binding_types.is_empty()
                && shared_type.is_none(),
        });
    }
    let condition = if rejected_plain_no_tls {
        Condition::EncryptionRequired
    } else if rejected_any {
        Condition::MechanismTooWeak
    } else {
        Condition::InvalidMechanism
    };
    Err(Error::new(condition, Reason::NoMechanism))
}

/// What a client authenticates with, for [`client_for`].
#[derive(Clone)]
#[non_exhaustive]
pub struct ClientCredentials {
    /// Username (authcid).
    pub username: String,
    /// Password.
    pub password: zeroize::Zeroizing<String>,
    /// Requested authorization identity.
    pub authzid: Option<String>,
    /// Channel-binding data from the TLS layer, one entry per type it can export.
    pub channel_bindings: Vec<ChannelBinding>,
    /// The service (`"xmpp"`) and host (the domain) for DIGEST-MD5.
    pub service: String,
    /// The host (XMPP domain) for DIGEST-MD5.
    pub host: String,
    /// Password preparation.
    pub password_prep: PasswordPrep,
    /// ANONYMOUS trace.
    pub trace: String,
}

impl ClientCredentials {
    /// Credentials for `username`/`password` at XMPP domain `host`.
    pub fn new(username: &str, password: &str, host: &str) -> Self {
        ClientCredentials {
            username: username.into(),
            password: zeroize::Zeroizing::new(password.into()),
            authzid: None,
            channel_bindings: Vec::new(),
            service: "xmpp".into(),
            host: host.into(),
            password_prep: PasswordPrep::default(),
            trace: String::new(),
        }
    }
}

impl core::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("username", &self.username)
            .field("authzid", &self.authzid)
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

/// Builds the client mechanism for a [`Selection`].
pub fn client_for(
    selection: &Selection,
    credentials: &ClientCredentials,
    nonces: &mut dyn NonceSource,
) -> Result<Box<dyn ClientMechanism + Send>, Error> {
    let c = credentials;
    Ok(match selection.mechanism {
        m if m.scram_hash().is_some() => {
            let mut s = ScramClient::new(m, &c.username, &c.password, nonces)?
                .password_prep(c.password_prep)
                .server_supports_plus(selection.server_offers_plus)
                .downgrade_protection(selection.downgrade_protection.clone());
            let cb = match selection.channel_binding {
                Some(t) => c.channel_bindings.iter().find(|b| b.kind() == t),
                None => c.channel_bindings.first(),
            };
            if let Some(cb) = cb {
                s = s.channel_binding(cb.clone());
            }
            if let Some(z) = &c.authzid {
                s = s.authzid(z.clone());
            }
            Box::new(s)
        }
        Mechanism::Plain => {
            let mut p = PlainClient::new(&c.username, &c.password).password_prep(c.password_prep);
            if let Some(z) = &c.authzid {
                p = p.authzid(z.clone());
            }
            Box::new(p)
        }
        Mechanism::DigestMd5 => {
            let mut d =
                DigestMd5Client::new(&c.username, &c.password, &c.service, &c.host, nonces)?
                    .password_prep(c.password_prep);
            if let Some(z) = &c.authzid {
                d = d.authzid(z.clone());
            }
            Box::new(d)
        }
        Mechanism::External => {
            let mut e = ExternalClient::new();
            if let Some(z) = &c.authzid {
                e = e.authzid(z.clone());
            }
            Box::new(e)
        }
        Mechanism::Anonymous => Box::new(AnonymousClient::new(c.trace.clone())),
        _ => return Err(Error::new(Condition::InvalidMechanism, Reason::NoMechanism)),
    })
}

/// What the server may offer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerPolicy {
    /// Mechanisms the server implements and is willing to use, in advertisement order.
    pub mechanisms: Vec<Mechanism>,
    /// Whether the connection is protected by TLS.
    pub tls: bool,
    /// Channel-binding types the TLS layer can export (advertised per XEP-0440).
    pub channel_binding_types: Vec<ChannelBindingType>,
}

impl Default for ServerPolicy {
    fn default() -> Self {
        ServerPolicy {
            mechanisms: DEFAULT_PREFERENCE[..6].into(),
            tls: false,
            channel_binding_types: Vec::new(),
        }
    }
}

impl ServerPolicy {
    /// The mechanisms to advertise: -PLUS only with a channel-binding type, PLAIN only
    /// over TLS.
    pub fn advertised(&self) -> Vec<Mechanism> {
        self.mechanisms
            .iter()
            .copied()
            .filter(|m| match m {
                _ if m.is_plus() => !self.channel_binding_types.is_empty(),
                Mechanism::Plain => self.tls,
                _ => true,
            })
            .collect()
    }

    /// Whether a -PLUS mechanism is advertised (a client's `y` is then a downgrade).
    pub fn offers_plus(&self) -> bool {
        self.advertised().iter().any(|m| m.is_plus())
    }

    /// The XEP-0474 input for the server's `d=` attribute.
    pub fn downgrade_protection(&self) -> DowngradeProtection {
        let names: Vec<&str> = self.advertised().iter().map(|m| m.name()).collect();
        let types =
            (!self.channel_binding_types.is_empty()).then_some(&self.channel_binding_types[..]);
        DowngradeProtection::new(names, types)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn offer(m: &[&str], t: Option<Vec<ChannelBindingType>>) -> ServerOffer {
        ServerOffer::new(m.iter().copied(), t)
    }

    #[test]
    fn strongest_first() {
        let p = ClientPolicy::default();
        let s = select(&p, &offer(&["SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN"], None)).unwrap();
        assert_eq!(s.mechanism, Mechanism::ScramSha256);
        assert!(!s.server_offers_plus);
    }

    #[test]
    fn plus_needs_shared_type() {
        let mut p = ClientPolicy {
            channel_binding_types: vec![ChannelBindingType::TlsExporter],
            ..Default::default()
        };
        let o = offer(
            &["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"],
            Some(vec![ChannelBindingType::TlsServerEndPoint]),
        );
        let s = select(&p, &o).unwrap();
        assert_eq!(s.mechanism, Mechanism::ScramSha256);
        assert!(s.server_offers_plus);
        assert!(s.binding_unavailable);
        let o = offer(
            &["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"],
            Some(vec![ChannelBindingType::TlsExporter]),
        );
        let s = select(&p, &o).unwrap();
        assert_eq!(s.mechanism, Mechanism::ScramSha256Plus);
        assert_eq!(s.channel_binding, Some(ChannelBindingType::TlsExporter));
        p.require_channel_binding = true;
        let o = offer(&["SCRAM-SHA-256"], None);
        assert_eq!(
            select(&p, &o).unwrap_err().condition(),
            Condition::MechanismTooWeak
        );
    }

    #[test]
    fn plain_only_over_tls_when_allowed() {
        let mut p = ClientPolicy::default();
        let o = offer(&["PLAIN", "DIGEST-MD5"], None);
        assert_eq!(
            select(&p, &o).unwrap_err().condition(),
            Condition::MechanismTooWeak
        );
        p.allow_plain = true;
        assert_eq!(
            select(&p, &o).unwrap_err().condition(),
            Condition::EncryptionRequired
        );
        p.tls = true;
        assert_eq!(select(&p, &o).unwrap().mechanism, Mechanism::Plain);
        p.allow_plain = false;
        p.allow_digest_md5 = true;
        assert_eq!(select(&p, &o).unwrap().mechanism, Mechanism::DigestMd5);
        assert_eq!(
            select(&p, &offer(&["X-OAUTH2"], None))
                .unwrap_err()
                .condition(),
            Condition::InvalidMechanism
        );
    }

    #[test]
    fn server_advertises_and_client_agrees_on_downgrade_hash() {
        let sp = ServerPolicy {
            mechanisms: DEFAULT_PREFERENCE.into(),
            tls: true,
            channel_binding_types: vec![
                ChannelBindingType::TlsServerEndPoint,
                ChannelBindingType::TlsExporter,
            ],
        };
        let names: Vec<&str> = sp.advertised().iter().map(|m| m.name()).collect();
        let o = offer(&names, Some(sp.channel_binding_types.clone()));
        assert_eq!(o.downgrade_protection(), sp.downgrade_protection());
        let sp2 = ServerPolicy {
            tls: false,
            channel_binding_types: vec![],
            ..sp
        };
        assert!(!sp2.advertised().contains(&Mechanism::Plain));
        assert!(!sp2.offers_plus());
    }
}
