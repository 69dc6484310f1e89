//! The typed stream header ([RFC 6120 §4.7](https://www.rfc-editor.org/rfc/rfc6120#section-4.7)).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::str::FromStr;

use xmpp_jid::Jid;
use xmpp_xml::{BuildError, Writer};

use crate::error::ParseError;
use crate::ns::{ContentNs, XML_NS};
use crate::stream_error::StreamCondition;

/// A stream `version`: major and minor numbers compared numerically, leading zeros
/// ignored ([RFC 6120 §4.7.5](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.5)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version {
    /// Major number.
    pub major: u32,
    /// Minor number.
    pub minor: u32,
}

impl Version {
    /// `1.0`, the version RFC 6120 defines.
    pub const V1_0: Version = Version { major: 1, minor: 0 };
    /// `0.9`, assumed for a peer whose header has no `version` (a pre-RFC 3920 entity).
    pub const V0_9: Version = Version { major: 0, minor: 9 };

    /// The version the receiving entity puts in its response
    /// ([RFC 6120 §4.7.5](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.5)): the lower of
    /// the initiating entity's (`0.9` when absent) and the highest this side supports.
    ///
    /// # Errors
    /// [`StreamCondition::UnsupportedVersion`] when that version is below `lowest`, the
    /// oldest version this side still speaks
    /// ([§4.9.3.25](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.25)).
    pub fn negotiate(
        offered: Option<Version>,
        highest: Version,
        lowest: Version,
    ) -> Result<Version, StreamCondition> {
        let v = offered.unwrap_or(Version::V0_9).min(highest);
        if v < lowest {
            Err(StreamCondition::UnsupportedVersion)
        } else {
            Ok(v)
        }
    }
}

impl FromStr for Version {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        let bad = ParseError::InvalidAttribute {
            element: "stream",
            attribute: "version",
            rule: "must be two non-negative integers separated by '.' (RFC 6120 §4.7.5)",
        };
        let (a, b) = s.split_once('.').ok_or(bad.clone())?;
        let num = |p: &str| {
            if p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad.clone());
            }
            let p = p.trim_start_matches('0');
            if p.is_empty() {
                Ok(0)
            } else {
                p.parse::<u32>().map_err(|_| bad.clone())
            }
        };
        Ok(Version {
            major: num(a)?,
            minor: num(b)?,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Which end of the stream sent a header
/// ([RFC 6120 §4.7.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The entity that opened the connection (the client, or the sending server): sends
    /// the initial stream header.
    Initiating,
    /// The entity that accepted it (the server): sends the response stream header.
    Receiving,
}

/// A MUST-level rule of [RFC 6120 §4.7](https://www.rfc-editor.org/rfc/rfc6120#section-4.7)
/// that a header breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderRule {
    /// The initial header must have `to`
    /// ([§4.7.2](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.2)).
    InitialNeedsTo,
    /// The initial header must not have `id`
    /// ([§4.7.3](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.3)).
    InitialHasId,
    /// The response header must have `from`
    /// ([§4.7.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.1)).
    ResponseNeedsFrom,
    /// The response header must have `id`
    /// ([§4.7.3](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.3)).
    ResponseNeedsId,
    /// The response header must have `xml:lang`
    /// ([§4.7.4](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.4)).
    ResponseNeedsLang,
    /// Both headers must have `version` to use RFC 6120 features
    /// ([§4.7.5](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.5)).
    NeedsVersion,
}

impl HeaderRule {
    /// The stream error condition for a peer that broke this rule.
    #[must_use]
    pub fn condition(self) -> StreamCondition {
        match self {
            HeaderRule::InitialNeedsTo | HeaderRule::ResponseNeedsFrom => {
                StreamCondition::ImproperAddressing
            }
            HeaderRule::NeedsVersion => StreamCondition::UnsupportedVersion,
            _ => StreamCondition::BadFormat,
        }
    }
}

impl fmt::Display for HeaderRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HeaderRule::InitialNeedsTo => "the initial stream header must include 'to'",
            HeaderRule::InitialHasId => "the initial stream header must not include 'id'",
            HeaderRule::ResponseNeedsFrom => "the response stream header must include 'from'",
            HeaderRule::ResponseNeedsId => "the response stream header must include 'id'",
            HeaderRule::ResponseNeedsLang => "the response stream header must include 'xml:lang'",
            HeaderRule::NeedsVersion => "the stream header must include 'version'",
        })
    }
}

/// The stream header: content namespace, `to`, `from`, `id`, `version`, `xml:lang`
/// ([RFC 6120 §4.7](https://www.rfc-editor.org/rfc/rfc6120#section-4.7)). Unknown
/// attributes are ignored ([§4.7](https://www.rfc-editor.org/rfc/rfc6120#section-4.7)).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StreamHeader {
    /// The content namespace (the default namespace declared on the header).
    pub ns: ContentNs,
    /// The `to` attribute.
    pub to: Option<Jid>,
    /// The `from` attribute.
    pub from: Option<Jid>,
    /// The `id` attribute (the stream id).
    pub id: Option<String>,
    /// The `version` attribute.
    pub version: Option<Version>,
    /// The `xml:lang` attribute.
    pub lang: Option<String>,
}

impl StreamHeader {
    /// An initial header to `to`, version 1.0.
    #[must_use]
    pub fn initial(ns: ContentNs, to: Jid) -> Self {
        StreamHeader {
            ns,
            to: Some(to),
            version: Some(Version::V1_0),
            ..StreamHeader::default()
        }
    }

    /// The response a receiving entity sends to this initial header
    /// ([RFC 6120 §4.7](https://www.rfc-editor.org/rfc/rfc6120#section-4.7)): `from` is the
    /// initial `to` (or `server` when it had none), `to` is the initial `from`, the new
    /// stream `id`, the version negotiated against `highest`/`lowest`, and `lang` (the
    /// receiving entity's default language, or the one the initiating entity asked for).
    ///
    /// # Errors
    /// [`StreamCondition::UnsupportedVersion`] from [`Version::negotiate`].
    pub fn response(
        &self,
        server: Jid,
        id: impl Into<String>,
        lang: impl Into<String>,
        highest: Version,
        lowest: Version,
    ) -> Result<StreamHeader, StreamCondition> {
        let version = Version::negotiate(self.version, highest, lowest)?;
        Ok(StreamHeader {
            ns: self.ns,
            to: self.from.clone(),
            from: Some(self.to.clone().unwrap_or(server)),
            id: Some(id.into()),
            // A peer without `version` gets a header without it (§4.7.5).
            version: self.version.map(|_| version),
            lang: Some(lang.into()),
        })
    }

    /// Checks the MUST-level rules for a header sent by `role`; returns every rule broken.
    #[must_use]
    pub fn violations(&self, role: Role) -> Vec<HeaderRule> {
        let mut v = Vec::new();
        match role {
            Role::Initiating => {
                if self.to.is_none() {
                    v.push(HeaderRule::InitialNeedsTo);
                }
                if self.id.is_some() {
                    v.push(HeaderRule::InitialHasId);
                }
            }
            Role::Receiving => {
                if self.from.is_none() {
                    v.push(HeaderRule::ResponseNeedsFrom);
                }
                if self.id.is_none() {
                    v.push(HeaderRule::ResponseNeedsId);
                }
                if self.lang.is_none() {
                    v.push(HeaderRule::ResponseNeedsLang);
                }
            }
        }
        if self.version.is_none() {
            v.push(HeaderRule::NeedsVersion);
        }
        v
    }

    /// Reads the header the framer delivered. Unknown attributes are ignored; so is an
    /// `id` in a header from the initiating entity, which the receiving entity must ignore
    /// ([§4.7.3](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.3)) — that is left to
    /// the caller, who knows the role.
    ///
    /// # Errors
    /// A [`ParseError`] ([`ParseError::stream_condition`] gives the stream error to send):
    /// no or unknown content namespace, invalid `to`/`from` JID, malformed `version`.
    pub fn parse(h: &xmpp_xml::StreamHeader) -> Result<Self, ParseError> {
        let ns = h.default_namespace().unwrap_or("");
        let ns = ContentNs::from_ns(ns)
            .ok_or_else(|| ParseError::UnknownContentNamespace(String::from(ns)))?;
        let jid = |attribute| match h.attr(attribute) {
            None => Ok(None),
            Some(v) => Jid::new(v)
                .map(Some)
                .map_err(|error| ParseError::InvalidJid {
                    element: "stream",
                    attribute,
                    error,
                }),
        };
        Ok(StreamHeader {
            ns,
            to: jid("to")?,
            from: jid("from")?,
            id: h.attr("id").map(String::from),
            version: h.attr("version").map(str::parse).transpose()?,
            lang: h.attr_ns(XML_NS, "lang").map(String::from),
        })
    }

    /// Like [`StreamHeader::parse`] for a header sent by `sender`: an `id` in an initial
    /// header (from the initiating entity) is dropped, as the receiving entity must ignore
    /// it ([§4.7.3](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.3)).
    ///
    /// # Errors
    /// As [`StreamHeader::parse`].
    pub fn parse_from(h: &xmpp_xml::StreamHeader, sender: Role) -> Result<Self, ParseError> {
        let mut header = StreamHeader::parse(h)?;
        if sender == Role::Initiating {
            header.id = None;
        }
        Ok(header)
    }

    /// Writes the XML declaration and this header with `writer` (attributes in the order
    /// `from to id version xml:lang`).
    ///
    /// # Errors
    /// A [`BuildError`] when an `id` or `lang` holds a character XML cannot carry.
    pub fn write(&self, writer: &mut Writer, out: &mut Vec<u8>) -> Result<(), BuildError> {
        let version = self.version.map(|v| alloc::format!("{v}"));
        let mut attrs: Vec<(&str, &str)> = Vec::with_capacity(5);
        if let Some(f) = &self.from {
            attrs.push(("from", f.as_str()));
        }
        if let Some(t) = &self.to {
            attrs.push(("to", t.as_str()));
        }
        if let Some(i) = &self.id {
            attrs.push(("id", i));
        }
        if let Some(v) = &version {
            attrs.push(("version", v));
        }
        if let Some(l) = &self.lang {
            attrs.push(("xml:lang", l));
        }
        writer.stream_open(out, self.ns.as_str(), &attrs)
    }
}

impl TryFrom<&xmpp_xml::StreamHeader> for StreamHeader {
    type Error = ParseError;
    fn try_from(h: &xmpp_xml::StreamHeader) -> Result<Self, ParseError> {
        StreamHeader::parse(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!("1.0".parse::<Version>().unwrap(), Version::V1_0);
        assert_eq!("01.000".parse::<Version>().unwrap(), Version::V1_0);
        assert!("1.10".parse::<Version>().unwrap() > "1.9".parse::<Version>().unwrap());
        for bad in [
            "",
            "1",
            "1.",
            ".0",
            "1.0.0",
            "a.b",
            "+1.0",
            "1.-0",
            "99999999999.0",
        ] {
            assert!(bad.parse::<Version>().is_err(), "{bad}");
        }
        let v = |s: &str| s.parse::<Version>().unwrap();
        assert_eq!(
            Version::negotiate(Some(v("1.5")), Version::V1_0, Version::V1_0),
            Ok(Version::V1_0)
        );
        assert_eq!(
            Version::negotiate(Some(v("2.0")), v("1.1"), Version::V1_0),
            Ok(v("1.1"))
        );
        assert_eq!(
            Version::negotiate(None, Version::V1_0, Version::V1_0),
            Err(StreamCondition::UnsupportedVersion)
        );
        assert_eq!(
            Version::negotiate(None, Version::V1_0, Version::V0_9),
            Ok(Version::V0_9)
        );
    }
}
