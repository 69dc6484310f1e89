//! SASL nonzas ([RFC 6120 §6.4](https://www.rfc-editor.org/rfc/rfc6120#section-6.4)).
//!
//! Payloads are carried base64-encoded; these types hold the decoded bytes. An empty
//! element and the single `=` differ for `<auth/>` (no initial response vs an empty one,
//! [§6.4.2](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.2)) and `<success/>` (no
//! additional data vs empty data, [§6.3.10](https://www.rfc-editor.org/rfc/rfc6120#section-6.3.10)),
//! so those are `Option<Vec<u8>>`. Payloads may hold secrets: `Debug` shows only their
//! length.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use xmpp_xml::{Builder, Element, ElementRef};

use crate::error::ParseError;
use crate::ns::SASL;
use crate::text::LangText;
use crate::util::{child_elements, el, element_conversions, finish};

/// Decodes the base64 text of a SASL element; ASCII whitespace (line breaks) is ignored.
fn decode(e: ElementRef<'_>, element: &'static str) -> Result<Option<Vec<u8>>, ParseError> {
    let t = e.text();
    let compact: Vec<u8> = t.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    match compact.as_slice() {
        [] => Ok(None),
        b"=" => Ok(Some(Vec::new())),
        data => STANDARD
            .decode(data)
            .map(Some)
            .map_err(|_| ParseError::InvalidText {
                element,
                rule: "not valid base64 (RFC 6120 §6.4.2, RFC 4648 §4)",
            }),
    }
}

/// Appends `data` base64-encoded, `=` for empty data.
fn encode(b: Builder, data: Option<&[u8]>) -> Builder {
    match data {
        None => b,
        Some([]) => b.text("="),
        Some(d) => b.text(STANDARD.encode(d)),
    }
}

struct Redacted<'a>(Option<&'a [u8]>);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("None"),
            Some(d) => write!(f, "<{} bytes>", d.len()),
        }
    }
}

/// `<auth/>`: the initiating entity selects a mechanism
/// ([§6.4.2](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.2)).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Auth {
    /// The mechanism name (any name: the list is not closed).
    pub mechanism: String,
    /// The initial response: `None` when absent, `Some(empty)` for the `=` form.
    pub initial_response: Option<Vec<u8>>,
}

impl Auth {
    /// An `<auth/>` for `mechanism`.
    #[must_use]
    pub fn new(mechanism: impl Into<String>, initial_response: Option<Vec<u8>>) -> Self {
        Auth {
            mechanism: mechanism.into(),
            initial_response,
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("mechanism", &self.mechanism)
            .field(
                "initial_response",
                &Redacted(self.initial_response.as_deref()),
            )
            .finish()
    }
}

/// The defined conditions of a SASL `<failure/>`
/// ([RFC 6120 §6.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.5)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SaslCondition {
    /// `<aborted/>` ([§6.5.1](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.1)).
    Aborted,
    /// `<account-disabled/>` ([§6.5.2](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.2)).
    AccountDisabled,
    /// `<credentials-expired/>` ([§6.5.3](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.3)).
    CredentialsExpired,
    /// `<encryption-required/>` ([§6.5.4](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.4)).
    EncryptionRequired,
    /// `<incorrect-encoding/>` ([§6.5.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.5)).
    IncorrectEncoding,
    /// `<invalid-authzid/>` ([§6.5.6](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.6)).
    InvalidAuthzid,
    /// `<invalid-mechanism/>` ([§6.5.7](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.7)).
    InvalidMechanism,
    /// `<malformed-request/>` ([§6.5.8](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.8)).
    MalformedRequest,
    /// `<mechanism-too-weak/>` ([§6.5.9](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.9)).
    MechanismTooWeak,
    /// `<not-authorized/>` ([§6.5.10](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.10)).
    NotAuthorized,
    /// `<temporary-auth-failure/>` ([§6.5.11](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.11)).
    TemporaryAuthFailure,
}

impl SaslCondition {
    /// Every condition, in RFC order.
    pub const ALL: [SaslCondition; 11] = [
        SaslCondition::Aborted,
        SaslCondition::AccountDisabled,
        SaslCondition::CredentialsExpired,
        SaslCondition::EncryptionRequired,
        SaslCondition::IncorrectEncoding,
        SaslCondition::InvalidAuthzid,
        SaslCondition::InvalidMechanism,
        SaslCondition::MalformedRequest,
        SaslCondition::MechanismTooWeak,
        SaslCondition::NotAuthorized,
        SaslCondition::TemporaryAuthFailure,
    ];

    /// The element name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            SaslCondition::Aborted => "aborted",
            SaslCondition::AccountDisabled => "account-disabled",
            SaslCondition::CredentialsExpired => "credentials-expired",
            SaslCondition::EncryptionRequired => "encryption-required",
            SaslCondition::IncorrectEncoding => "incorrect-encoding",
            SaslCondition::InvalidAuthzid => "invalid-authzid",
            SaslCondition::InvalidMechanism => "invalid-mechanism",
            SaslCondition::MalformedRequest => "malformed-request",
            SaslCondition::MechanismTooWeak => "mechanism-too-weak",
            SaslCondition::NotAuthorized => "not-authorized",
            SaslCondition::TemporaryAuthFailure => "temporary-auth-failure",
        }
    }

    /// The condition named `name`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        SaslCondition::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for SaslCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A SASL `<failure/>` ([§6.4.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.5)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SaslFailure {
    /// The condition.
    pub condition: SaslCondition,
    /// The `<text/>` elements.
    pub texts: Vec<LangText>,
}

impl SaslFailure {
    /// A failure with `condition` and no text.
    #[must_use]
    pub fn new(condition: SaslCondition) -> Self {
        SaslFailure {
            condition,
            texts: Vec::new(),
        }
    }
}

/// A SASL negotiation nonza in `urn:ietf:params:xml:ns:xmpp-sasl`. (The `<mechanisms/>`
/// stream feature is [`Mechanisms`](crate::Mechanisms).)
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sasl {
    /// `<auth/>` ([§6.4.2](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.2)).
    Auth(Auth),
    /// `<challenge/>` ([§6.4.3](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.3)).
    Challenge(Vec<u8>),
    /// `<response/>` ([§6.4.3](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.3)).
    Response(Vec<u8>),
    /// `<abort/>` ([§6.4.4](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.4)).
    Abort,
    /// `<failure/>` ([§6.4.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.5)).
    Failure(SaslFailure),
    /// `<success/>` with optional additional data
    /// ([§6.4.6](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.6)).
    Success(Option<Vec<u8>>),
}

impl fmt::Debug for Sasl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sasl::Auth(a) => f.debug_tuple("Auth").field(a).finish(),
            Sasl::Challenge(d) => f
                .debug_tuple("Challenge")
                .field(&Redacted(Some(d)))
                .finish(),
            Sasl::Response(d) => f.debug_tuple("Response").field(&Redacted(Some(d))).finish(),
            Sasl::Abort => f.write_str("Abort"),
            Sasl::Failure(x) => f.debug_tuple("Failure").field(x).finish(),
            Sasl::Success(d) => f
                .debug_tuple("Success")
                .field(&Redacted(d.as_deref()))
                .finish(),
        }
    }
}

impl Sasl {
    /// Parses any SASL nonza.
    ///
    /// # Errors
    /// A [`ParseError`]: not a SASL nonza, `<auth/>` without `mechanism`, a payload that
    /// is not base64, a `<failure/>` without a known condition.
    pub fn parse(e: ElementRef<'_>) -> Result<Self, ParseError> {
        if e.ns() != SASL {
            return Err(ParseError::wrong("a SASL nonza", e));
        }
        Ok(match e.name() {
            "auth" => {
                let mechanism = e.attr("mechanism").ok_or(ParseError::MissingAttribute {
                    element: "auth",
                    attribute: "mechanism",
                })?;
                Sasl::Auth(Auth {
                    mechanism: String::from(mechanism),
                    initial_response: decode(e, "auth")?,
                })
            }
            "challenge" => Sasl::Challenge(decode(e, "challenge")?.unwrap_or_default()),
            "response" => Sasl::Response(decode(e, "response")?.unwrap_or_default()),
            "abort" => Sasl::Abort,
            "success" => Sasl::Success(decode(e, "success")?),
            "failure" => {
                let mut condition = None;
                let mut texts = Vec::new();
                for c in child_elements(e) {
                    if c.ns() != SASL {
                        continue;
                    }
                    if c.name() == "text" {
                        texts.push(LangText::parse(c));
                    } else if condition.is_some() {
                        return Err(ParseError::DuplicateChild {
                            element: "failure",
                            child: "defined condition",
                        });
                    } else {
                        condition = Some(SaslCondition::from_name(c.name()).ok_or_else(|| {
                            ParseError::UnknownCondition {
                                element: "failure",
                                name: String::from(c.name()),
                            }
                        })?);
                    }
                }
                Sasl::Failure(SaslFailure {
                    condition: condition.ok_or(ParseError::UnknownCondition {
                        element: "failure",
                        name: String::new(),
                    })?,
                    texts,
                })
            }
            _ => return Err(ParseError::wrong("a SASL nonza", e)),
        })
    }

    /// The element.
    #[must_use]
    pub fn to_element(&self) -> Element {
        let (name, b) = match self {
            Sasl::Auth(a) => {
                let b = el(SASL, "auth").attr("mechanism", crate::util::clean(&a.mechanism));
                ("auth", encode(b, a.initial_response.as_deref()))
            }
            Sasl::Challenge(d) => ("challenge", encode(el(SASL, "challenge"), nonempty(d))),
            Sasl::Response(d) => ("response", encode(el(SASL, "response"), nonempty(d))),
            Sasl::Abort => ("abort", el(SASL, "abort")),
            Sasl::Success(d) => ("success", encode(el(SASL, "success"), d.as_deref())),
            Sasl::Failure(f) => {
                let c = el(SASL, f.condition.as_str());
                let mut b = el(SASL, "failure").child(finish(c, SASL, "failure"));
                for t in &f.texts {
                    b = b.child(t.to_element_in(SASL, "text"));
                }
                ("failure", b)
            }
        };
        finish(b, SASL, name)
    }
}

/// Challenges and responses write empty data as an empty element.
fn nonempty(d: &[u8]) -> Option<&[u8]> {
    (!d.is_empty()).then_some(d)
}

element_conversions!(Sasl);
