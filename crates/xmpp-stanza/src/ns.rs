//! Namespace names used by the core protocol, and the content namespace of a stream.

use core::fmt;

pub use xmpp_xml::{STREAM_NS, XML_NS};

/// `jabber:client`, the content namespace of client-to-server streams
/// ([RFC 6120 §4.8.3](https://www.rfc-editor.org/rfc/rfc6120#section-4.8.3)).
pub const CLIENT: &str = "jabber:client";
/// `jabber:server`, the content namespace of server-to-server streams
/// ([RFC 6120 §4.8.3](https://www.rfc-editor.org/rfc/rfc6120#section-4.8.3)).
pub const SERVER: &str = "jabber:server";
/// `jabber:component:accept`, the content namespace of external component streams
/// ([XEP-0114](https://xmpp.org/extensions/xep-0114.html)).
pub const COMPONENT_ACCEPT: &str = "jabber:component:accept";
/// Stanza error conditions ([RFC 6120 §8.3.2](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.2)).
pub const STANZAS: &str = "urn:ietf:params:xml:ns:xmpp-stanzas";
/// Stream error conditions ([RFC 6120 §4.9.2](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.2)).
pub const STREAMS: &str = "urn:ietf:params:xml:ns:xmpp-streams";
/// STARTTLS ([RFC 6120 §5.4](https://www.rfc-editor.org/rfc/rfc6120#section-5.4)).
pub const TLS: &str = "urn:ietf:params:xml:ns:xmpp-tls";
/// SASL ([RFC 6120 §6.4](https://www.rfc-editor.org/rfc/rfc6120#section-6.4)).
pub const SASL: &str = "urn:ietf:params:xml:ns:xmpp-sasl";
/// Resource binding ([RFC 6120 §7.4](https://www.rfc-editor.org/rfc/rfc6120#section-7.4)).
pub const BIND: &str = "urn:ietf:params:xml:ns:xmpp-bind";
/// Legacy session establishment
/// ([RFC 3921 §3](https://www.rfc-editor.org/rfc/rfc3921#section-3),
/// [draft-cridland-xmpp-session](https://datatracker.ietf.org/doc/html/draft-cridland-xmpp-session-01)).
pub const SESSION: &str = "urn:ietf:params:xml:ns:xmpp-session";
/// SASL channel-binding type capability
/// ([XEP-0440](https://xmpp.org/extensions/xep-0440.html)).
pub const SASL_CB: &str = "urn:xmpp:sasl-cb:0";

/// The content namespace of a stream: the default namespace of the stream header and of
/// every stanza in it ([RFC 6120 §4.8.2](https://www.rfc-editor.org/rfc/rfc6120#section-4.8.2)).
///
/// A runtime value, so one set of types serves client, server and component streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ContentNs {
    /// `jabber:client`.
    #[default]
    Client,
    /// `jabber:server`.
    Server,
    /// `jabber:component:accept`.
    ComponentAccept,
}

impl ContentNs {
    /// The namespace name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ContentNs::Client => CLIENT,
            ContentNs::Server => SERVER,
            ContentNs::ComponentAccept => COMPONENT_ACCEPT,
        }
    }

    /// The content namespace named `ns`, if it is one of the three.
    #[must_use]
    pub fn from_ns(ns: &str) -> Option<ContentNs> {
        match ns {
            CLIENT => Some(ContentNs::Client),
            SERVER => Some(ContentNs::Server),
            COMPONENT_ACCEPT => Some(ContentNs::ComponentAccept),
            _ => None,
        }
    }
}

impl fmt::Display for ContentNs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn content_ns_round_trips() {
        for ns in [
            ContentNs::Client,
            ContentNs::Server,
            ContentNs::ComponentAccept,
        ] {
            assert_eq!(ContentNs::from_ns(ns.as_str()), Some(ns));
            assert_eq!(ns.to_string(), ns.as_str());
        }
        assert_eq!(ContentNs::from_ns("jabber:iq:roster"), None);
        assert_eq!(ContentNs::default(), ContentNs::Client);
    }
}
