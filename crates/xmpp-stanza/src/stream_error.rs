//! Stream errors ([RFC 6120 §4.9](https://www.rfc-editor.org/rfc/rfc6120#section-4.9)).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use xmpp_xml::{Element, ElementRef};

use crate::error::ParseError;
use crate::ns::{self, STREAM_NS};
use crate::text::LangText;
use crate::util::{child_elements, el, element_conversions, expect, finish, text};

/// The address in a `<see-other-host/>` condition
/// ([RFC 6120 §4.9.3.19](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.19)):
/// a domain name or IP address, and an optional port. An IPv6 address is written in
/// brackets ([RFC 3986 §3.2.2](https://www.rfc-editor.org/rfc/rfc3986#section-3.2.2));
/// `host` holds it without them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct OtherHost {
    /// Domain name, IPv4 address or IPv6 address (without brackets).
    pub host: String,
    /// The port, if given.
    pub port: Option<u16>,
}

impl OtherHost {
    /// A host without a port.
    #[must_use]
    pub fn new(host: impl Into<String>, port: Option<u16>) -> Self {
        OtherHost {
            host: host.into(),
            port,
        }
    }

    /// Parses `host`, `host:port`, `[v6]` or `[v6]:port`.
    ///
    /// # Errors
    /// [`ParseError::InvalidText`] for an empty host, a host with whitespace or stray
    /// brackets, an unclosed bracket, a bracketed value followed by anything but `:port`,
    /// an unbracketed IPv6 address, or a port that is not a number in 0..=65535.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let bad = |rule| ParseError::InvalidText {
            element: "see-other-host",
            rule,
        };
        let s = s.trim();
        let port = |p: &str| {
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse::<u16>().map_err(|_| bad("port out of range"))
            } else {
                Err(bad("port is not a number"))
            }
        };
        let (host, port) = if let Some(rest) = s.strip_prefix('[') {
            let (h, after) = rest
                .split_once(']')
                .ok_or(bad("IPv6 address without closing bracket"))?;
            if after.is_empty() {
                (h, None)
            } else {
                let p = after
                    .strip_prefix(':')
                    .ok_or(bad("only ':port' may follow a bracketed address"))?;
                (h, Some(port(p)?))
            }
        } else {
            match s.rsplit_once(':') {
                Some((h, _)) if h.contains(':') => {
                    return Err(bad("an IPv6 address must be in brackets"));
                }
                Some((h, p)) => (h, Some(port(p)?)),
                None => (s, None),
            }
        };
        if host.is_empty() {
            return Err(bad("empty host"));
        }
        if host
            .chars()
            .any(|c| c.is_whitespace() || c == '[' || c == ']')
        {
            return Err(bad("whitespace or a stray bracket in the host"));
        }
        Ok(OtherHost {
            host: String::from(host),
            port,
        })
    }
}

impl fmt::Display for OtherHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]", self.host)?;
        } else {
            f.write_str(&self.host)?;
        }
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        Ok(())
    }
}

macro_rules! stream_conditions {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal; )*) => {
        /// A defined stream error condition
        /// ([RFC 6120 §4.9.3](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3)).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum StreamCondition {
            $( $(#[$doc])* $variant, )*
            /// `<see-other-host/>` ([§4.9.3.19](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.19)):
            /// reconnect to the host given.
            SeeOtherHost(OtherHost),
        }

        impl StreamCondition {
            /// The element name, for example `"host-unknown"`.
            #[must_use]
            pub fn as_str(&self) -> &'static str {
                match self {
                    $( StreamCondition::$variant => $name, )*
                    StreamCondition::SeeOtherHost(_) => "see-other-host",
                }
            }

            /// The condition named `name`, except `see-other-host` (which needs its host).
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                Some(match name {
                    $( $name => StreamCondition::$variant, )*
                    _ => return None,
                })
            }

            /// Every condition without data, in RFC order (`see-other-host` excluded).
            pub const ALL: &'static [StreamCondition] = &[ $( StreamCondition::$variant, )* ];
        }
    };
}

stream_conditions! {
    /// `<bad-format/>` ([§4.9.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.1)).
    BadFormat = "bad-format";
    /// `<bad-namespace-prefix/>` ([§4.9.3.2](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.2)).
    BadNamespacePrefix = "bad-namespace-prefix";
    /// `<conflict/>` ([§4.9.3.3](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.3)).
    Conflict = "conflict";
    /// `<connection-timeout/>` ([§4.9.3.4](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.4)).
    ConnectionTimeout = "connection-timeout";
    /// `<host-gone/>` ([§4.9.3.5](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.5)).
    HostGone = "host-gone";
    /// `<host-unknown/>` ([§4.9.3.6](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.6)).
    HostUnknown = "host-unknown";
    /// `<improper-addressing/>` ([§4.9.3.7](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.7)).
    ImproperAddressing = "improper-addressing";
    /// `<internal-server-error/>` ([§4.9.3.8](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.8)).
    InternalServerError = "internal-server-error";
    /// `<invalid-from/>` ([§4.9.3.9](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.9)).
    InvalidFrom = "invalid-from";
    /// `<invalid-namespace/>` ([§4.9.3.10](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.10)).
    InvalidNamespace = "invalid-namespace";
    /// `<invalid-xml/>` ([§4.9.3.11](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.11)).
    InvalidXml = "invalid-xml";
    /// `<not-authorized/>` ([§4.9.3.12](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.12)).
    NotAuthorized = "not-authorized";
    /// `<not-well-formed/>` ([§4.9.3.13](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.13)).
    NotWellFormed = "not-well-formed";
    /// `<policy-violation/>` ([§4.9.3.14](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.14)).
    PolicyViolation = "policy-violation";
    /// `<remote-connection-failed/>` ([§4.9.3.15](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.15)).
    RemoteConnectionFailed = "remote-connection-failed";
    /// `<reset/>` ([§4.9.3.16](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.16)).
    Reset = "reset";
    /// `<resource-constraint/>` ([§4.9.3.17](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.17)).
    ResourceConstraint = "resource-constraint";
    /// `<restricted-xml/>` ([§4.9.3.18](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.18)).
    RestrictedXml = "restricted-xml";
    /// `<system-shutdown/>` ([§4.9.3.20](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.20)).
    SystemShutdown = "system-shutdown";
    /// `<undefined-condition/>` ([§4.9.3.21](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.21)).
    UndefinedCondition = "undefined-condition";
    /// `<unsupported-encoding/>` ([§4.9.3.22](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.22)).
    UnsupportedEncoding = "unsupported-encoding";
    /// `<unsupported-feature/>` ([§4.9.3.23](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.23)).
    UnsupportedFeature = "unsupported-feature";
    /// `<unsupported-stanza-type/>` ([§4.9.3.24](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.24)).
    UnsupportedStanzaType = "unsupported-stanza-type";
    /// `<unsupported-version/>` ([§4.9.3.25](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.25)).
    UnsupportedVersion = "unsupported-version";
}

impl fmt::Display for StreamCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamCondition::SeeOtherHost(h) => write!(f, "see-other-host {h}"),
            c => f.write_str(c.as_str()),
        }
    }
}

impl From<xmpp_xml::Condition> for StreamCondition {
    fn from(c: xmpp_xml::Condition) -> Self {
        use xmpp_xml::Condition as X;
        match c {
            X::BadFormat => StreamCondition::BadFormat,
            X::InvalidNamespace => StreamCondition::InvalidNamespace,
            X::NotWellFormed => StreamCondition::NotWellFormed,
            X::PolicyViolation => StreamCondition::PolicyViolation,
            X::RestrictedXml => StreamCondition::RestrictedXml,
            X::UnsupportedEncoding => StreamCondition::UnsupportedEncoding,
            _ => StreamCondition::UndefinedCondition,
        }
    }
}

/// A `<stream:error/>` ([RFC 6120 §4.9.2](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.2)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamError {
    /// The defined condition.
    pub condition: StreamCondition,
    /// The `<text/>` elements.
    pub texts: Vec<LangText>,
    /// The application-specific condition, kept raw.
    pub app_condition: Option<Element>,
}

impl StreamError {
    /// An error with `condition` only.
    #[must_use]
    pub fn new(condition: StreamCondition) -> Self {
        StreamError {
            condition,
            texts: Vec::new(),
            app_condition: None,
        }
    }

    /// Adds a `<text/>`.
    #[must_use]
    pub fn with_text(mut self, text: LangText) -> Self {
        self.texts.push(text);
        self
    }

    /// Parses `<stream:error/>`.
    ///
    /// # Errors
    /// A [`ParseError`]: not `{http://etherx.jabber.org/streams}error`, no or unknown
    /// condition, two conditions, a bad `see-other-host` address, two
    /// application-specific conditions.
    pub fn parse(e: ElementRef<'_>) -> Result<Self, ParseError> {
        expect(
            e,
            STREAM_NS,
            "error",
            "{http://etherx.jabber.org/streams}error",
        )?;
        let mut condition = None;
        let mut texts = Vec::new();
        let mut app_condition = None;
        for c in child_elements(e) {
            if c.ns() == ns::STREAMS {
                if c.name() == "text" {
                    texts.push(LangText::parse(c));
                    continue;
                }
                if condition.is_some() {
                    return Err(ParseError::DuplicateChild {
                        element: "stream:error",
                        child: "defined condition",
                    });
                }
                condition = Some(if c.name() == "see-other-host" {
                    StreamCondition::SeeOtherHost(OtherHost::parse(&c.text())?)
                } else {
                    StreamCondition::from_name(c.name()).ok_or_else(|| {
                        ParseError::UnknownCondition {
                            element: "stream:error",
                            name: String::from(c.name()),
                        }
                    })?
                });
            } else if app_condition.is_some() {
                return Err(ParseError::DuplicateChild {
                    element: "stream:error",
                    child: "application-specific condition",
                });
            } else {
                app_condition = Some(c.to_owned());
            }
        }
        let condition = condition.ok_or(ParseError::UnknownCondition {
            element: "stream:error",
            name: String::new(),
        })?;
        Ok(StreamError {
            condition,
            texts,
            app_condition,
        })
    }

    /// The `<stream:error/>` element.
    #[must_use]
    pub fn to_element(&self) -> Element {
        let c = el(ns::STREAMS, self.condition.as_str());
        let c = match &self.condition {
            StreamCondition::SeeOtherHost(h) => text(c, &format!("{h}")),
            _ => c,
        };
        let mut b = el(STREAM_NS, "error").child(finish(c, ns::STREAMS, "undefined-condition"));
        for t in &self.texts {
            b = b.child(t.to_element_in(ns::STREAMS, "text"));
        }
        if let Some(a) = &self.app_condition {
            b = b.child(a.clone());
        }
        finish(b, STREAM_NS, "error")
    }
}

element_conversions!(StreamError);

impl From<StreamCondition> for StreamError {
    fn from(c: StreamCondition) -> Self {
        StreamError::new(c)
    }
}

impl From<&xmpp_xml::Error> for StreamError {
    /// The stream error to send for a framing error: its condition, and its reason as
    /// English text.
    fn from(e: &xmpp_xml::Error) -> Self {
        StreamError::new(e.condition().into()).with_text(LangText::with_lang("en", e.reason()))
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stream error {}", self.condition)?;
        if let Some(t) = self.texts.first() {
            write!(f, ": {}", t.text)?;
        }
        Ok(())
    }
}

impl core::error::Error for StreamError {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn other_host_forms() {
        let h = OtherHost::parse("[2001:41D0:1:A49b::1]:9222").unwrap();
        assert_eq!(h.host, "2001:41D0:1:A49b::1");
        assert_eq!(h.port, Some(9222));
        assert_eq!(h.to_string(), "[2001:41D0:1:A49b::1]:9222");
        let h = OtherHost::parse("[::1]").unwrap();
        assert_eq!((h.host.as_str(), h.port), ("::1", None));
        assert_eq!(h.to_string(), "[::1]");
        let h = OtherHost::parse("example.net:5223").unwrap();
        assert_eq!((h.host.as_str(), h.port), ("example.net", Some(5223)));
        let h = OtherHost::parse("192.0.2.1").unwrap();
        assert_eq!((h.host.as_str(), h.port), ("192.0.2.1", None));
        for bad in [
            "", "[::1", "[::1]x", "::1", "a:", "a:99999", "a:-1", ":5222", "[]",
        ] {
            assert!(OtherHost::parse(bad).is_err(), "{bad}");
        }
    }
}
