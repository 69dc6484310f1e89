//! The error type: which part of a JID failed, and why.

use core::fmt;

/// The part of a JID that an [`Error`] is about.
///
/// [RFC 7622 §3](https://www.rfc-editor.org/rfc/rfc7622#section-3) names the three parts;
/// [`Part::Jid`] is used for problems of the address as a whole (for example "a full JID
/// was required but this one has no resourcepart").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Part {
    /// The localpart (before the `@`), [RFC 7622 §3.3](https://www.rfc-editor.org/rfc/rfc7622#section-3.3).
    Localpart,
    /// The domainpart, [RFC 7622 §3.2](https://www.rfc-editor.org/rfc/rfc7622#section-3.2).
    Domainpart,
    /// The resourcepart (after the `/`), [RFC 7622 §3.4](https://www.rfc-editor.org/rfc/rfc7622#section-3.4).
    Resourcepart,
    /// The address as a whole.
    Jid,
}

impl Part {
    /// The lower-case name used in [`Error`]'s `Display`: `localpart`, `domainpart`,
    /// `resourcepart` or `jid`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Part::Localpart => "localpart",
            Part::Domainpart => "domainpart",
            Part::Resourcepart => "resourcepart",
            Part::Jid => "jid",
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an IP address literal in the domainpart was rejected.
///
/// See [RFC 7622 §3.2](https://www.rfc-editor.org/rfc/rfc7622#section-3.2) and the
/// `IPv4address` / `IP-literal` rules of
/// [RFC 3986 §3.2.2](https://www.rfc-editor.org/rfc/rfc3986#section-3.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IpError {
    /// Only digits and dots, but not a dotted-quad `IPv4address` (four decimal octets
    /// 0-255 without leading zeros).
    Ipv4,
    /// Bracketed, but not a valid `IPv6address` between the brackets.
    Ipv6,
    /// A bracketed `IPvFuture` literal (`[v1.x]`): no such format is defined, so it is
    /// not accepted.
    IpvFuture,
}

impl fmt::Display for IpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IpError::Ipv4 => {
                "not a valid IPv4 address (four decimal octets 0-255, no leading zeros)"
            }
            IpError::Ipv6 => "not a valid bracketed IPv6 address",
            IpError::IpvFuture => "IPvFuture literals are not supported",
        })
    }
}

/// Why a JID (or one of its parts) was rejected.
///
/// `Display` writes `<part>: <reason>`, where `<part>` is the [`Part`] name. Byte
/// positions count from the start of the string that was passed in (the whole JID for
/// [`Jid::new`](crate::Jid::new), the part for the `prepare_*` functions).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The part is present (its separator is there) or required, but empty.
    Empty(Part),
    /// The part is longer than 1023 octets after preparation
    /// ([RFC 7622 §3.1](https://www.rfc-editor.org/rfc/rfc7622#section-3.1)).
    TooLong {
        /// The part.
        part: Part,
        /// Its length in octets after preparation.
        len: usize,
    },
    /// A code point that is not allowed in this part.
    ///
    /// For the localpart these are the characters that
    /// [RFC 7622 §3.3.1](https://www.rfc-editor.org/rfc/rfc7622#section-3.3.1) excludes
    /// (`" & ' / : < > @`, also when produced by width mapping); for the domainpart,
    /// ASCII code points other than letters, digits, hyphen and dot (STD3 rules).
    Disallowed {
        /// The part.
        part: Part,
        /// Byte offset of the code point in the input.
        position: usize,
        /// The code point.
        ch: char,
    },
    /// The PRECIS profile of the part rejected it: `UsernameCaseMapped` for the
    /// localpart, `OpaqueString` for the resourcepart
    /// ([RFC 8265](https://www.rfc-editor.org/rfc/rfc8265)).
    Precis {
        /// The part.
        part: Part,
        /// Byte offset of the part in the input. The PRECIS error's own positions count
        /// from the start of the part (after the profile's mapping rules, see
        /// [`xmpp_precis::Error`]).
        offset: usize,
        /// What the profile said.
        error: xmpp_precis::Error,
    },
    /// UTS #46 processing of the domainpart failed (disallowed or unassigned code point,
    /// bad Punycode, hyphen placement, joiner or bidi rule), in the given label.
    Idna {
        /// 1-based index of the first label in error (0 if it cannot be told).
        label: usize,
        /// A more precise reason where one can be told: what the IDNA2008 check says
        /// about the domainpart as given (ASCII letters lower-cased, so byte positions
        /// count in the domainpart as given).
        reason: Option<xmpp_precis::idna2008::LabelError>,
    },
    /// The domainpart, after UTS #46 mapping, is not a valid IDNA2008 domain name (byte
    /// positions in the [`LabelError`](xmpp_precis::idna2008::LabelError) count in the
    /// mapped domainpart):
    /// [RFC 5891 §5.4](https://www.rfc-editor.org/rfc/rfc5891#section-5.4),
    /// [RFC 5892](https://www.rfc-editor.org/rfc/rfc5892) code point validity, contextual
    /// rules, or the [RFC 5893](https://www.rfc-editor.org/rfc/rfc5893) Bidi Rule.
    Idna2008(xmpp_precis::idna2008::LabelError),
    /// A DNS label of the domainpart is empty (for example `a..b`).
    EmptyLabel {
        /// 1-based index of the label.
        label: usize,
    },
    /// A DNS label is longer than 63 octets in its A-label form
    /// ([RFC 1035 §2.3.4](https://www.rfc-editor.org/rfc/rfc1035#section-2.3.4)).
    LabelTooLong {
        /// 1-based index of the label.
        label: usize,
        /// Its length in octets (A-label form).
        len: usize,
    },
    /// The domain name is longer than 253 octets in its A-label form (without the root
    /// dot; [RFC 1035 §2.3.4](https://www.rfc-editor.org/rfc/rfc1035#section-2.3.4)).
    DomainTooLong {
        /// Its length in octets (A-label form).
        len: usize,
    },
    /// The domainpart looks like an IP address literal but is not a valid one.
    BadIpLiteral(IpError),
    /// A full JID (with resourcepart) was required, but there is no resourcepart.
    NotFull,
    /// A bare JID (without resourcepart) was required, but there is a resourcepart.
    NotBare,
    /// [XEP-0106](https://xmpp.org/extensions/xep-0106.html) forbids
    /// escaping a leading or trailing space of a localpart.
    EscapedSpaceAtEdge,
}

impl Error {
    /// The part the error is about.
    pub fn part(&self) -> Part {
        match self {
            Error::Empty(part)
            | Error::TooLong { part, .. }
            | Error::Disallowed { part, .. }
            | Error::Precis { part, .. } => *part,
            Error::Idna { .. }
            | Error::Idna2008(_)
            | Error::EmptyLabel { .. }
            | Error::LabelTooLong { .. }
            | Error::DomainTooLong { .. }
            | Error::BadIpLiteral(_) => Part::Domainpart,
            Error::NotFull | Error::NotBare => Part::Jid,
            Error::EscapedSpaceAtEdge => Part::Localpart,
        }
    }

    /// Moves byte positions by `by` (used when a part's error is reported against the
    /// whole JID).
    pub(crate) fn shifted(mut self, by: usize) -> Self {
        match &mut self {
            Error::Disallowed { position, .. } => *position += by,
            Error::Precis { offset, .. } => *offset += by,
            _ => {}
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.part())?;
        match self {
            Error::Empty(_) => f.write_str("empty"),
            Error::TooLong { len, .. } => {
                write!(f, "too long ({len} octets after preparation, at most 1023)")
            }
            Error::Disallowed { part, position, ch } => {
                let why = if *part == Part::Localpart {
                    "excluded from localparts"
                } else {
                    "not allowed"
                };
                write!(
                    f,
                    "code point U+{:04X} at byte {position} is {why}",
                    u32::from(*ch)
                )
            }
            Error::Precis {
                offset: 0, error, ..
            } => write!(f, "{error}"),
            Error::Precis { offset, error, .. } => {
                write!(
                    f,
                    "{error} (counting from the start of the part, at byte {offset})"
                )
            }
            Error::Idna { label, reason } => {
                f.write_str("UTS #46 processing failed")?;
                if *label > 0 {
                    write!(f, " in label {label}")?;
                }
                match reason {
                    Some(r) => write!(f, ": {r}"),
                    None => Ok(()),
                }
            }
            Error::Idna2008(e) => write!(f, "not a valid IDNA2008 domain name: {e}"),
            Error::EmptyLabel { label } => write!(f, "label {label} is empty"),
            Error::LabelTooLong { label, len } => {
                write!(
                    f,
                    "label {label} is too long ({len} octets as an A-label, at most 63)"
                )
            }
            Error::DomainTooLong { len } => {
                write!(f, "too long ({len} octets in A-label form, at most 253)")
            }
            Error::BadIpLiteral(e) => write!(f, "bad IP literal: {e}"),
            Error::NotFull => f.write_str("no resourcepart, but a full JID is required"),
            Error::NotBare => f.write_str("has a resourcepart, but a bare JID is required"),
            Error::EscapedSpaceAtEdge => {
                f.write_str("a leading or trailing space cannot be escaped (XEP-0106)")
            }
        }
    }
}

impl core::error::Error for Error {}
